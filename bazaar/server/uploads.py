"""The catalogue over HTTP: signed uploads of documents and images (checked cheapest first:
the declared type, the size, the signature, the uploader's rate, then the content), and the
stored bytes served as they came, content-addressed and immutable."""

from __future__ import annotations

import time

from aiohttp import web

from bazaar import catalogue
from bazaar.catalogue import (
    IMAGE_FORMATS,
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
    SIGNATURE_HEADER,
    UPLOADER_HEADER,
    DeliveryDocument,
    ProfileDocument,
    WrongSigner,
)
from bazaar.index import queries
from bazaar.server import store
from bazaar.server.common import (
    STOREFRONT,
    ApiError,
    Storefront,
    answer,
    hash_param,
    in_thread,
    params_of,
)
from bazaar.units import checksum

IMMUTABLE = "public, max-age=31536000, immutable"
KINDS = ("listing", "profile", "delivery", "image")


def _stored(request: web.Request, upload: store.Upload) -> web.StreamResponse:
    etag = f'"{upload.hash}"'
    headers = {
        "Cache-Control": IMMUTABLE,
        "ETag": etag,
        UPLOADER_HEADER: upload.uploader,
        SIGNATURE_HEADER: upload.signature,
    }
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=upload.body, content_type=upload.content_type, headers=headers)


async def get_document(request: web.Request) -> web.StreamResponse:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    digest = hash_param(request, "hash")
    found = await in_thread(storefront.store.get, digest, ("listing", "profile", "delivery"))
    if found is None:
        raise ApiError(404, f"no document {digest} here")
    return _stored(request, found)


async def get_image(request: web.Request) -> web.StreamResponse:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    digest = hash_param(request, "hash")
    found = await in_thread(storefront.store.get, digest, ("image",))
    if found is None:
        raise ApiError(404, f"no image {digest} here")
    return _stored(request, found)


async def get_profile(request: web.Request) -> web.Response:
    """The newest profile document an account uploaded: its hash (fetch the bytes from
    /api/documents/{hash}) and signature."""
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    account = checksum(request.match_info["account"], "account")
    found = await in_thread(storefront.store.newest_profile, account)
    if found is None:
        raise ApiError(404, f"no profile of {account} here")
    return answer(
        {
            "account": account,
            "hash": found.hash,
            "signature": found.signature,
            "uploadedAt": found.uploaded_at,
        }
    )


async def _check_delivery(
    storefront: Storefront, document: DeliveryDocument, uploader: str
) -> None:
    """Only an order's buyer sends its delivery details, sealed to its seller (always) and its
    arbiter (when the arbiter has a key), and to no one else."""
    order = await in_thread(queries.order, storefront.engine, document.order)
    if order is None:
        raise ApiError(404, f"no order {document.order} in the index (yet): try again shortly")
    if order.buyer != uploader:
        raise WrongSigner(f"only the buyer of order {document.order} sends its delivery details")
    recipients = {to for to, _ in document.sealed}
    if order.seller not in recipients:
        raise ApiError(400, "the delivery details must be sealed to the order's seller")
    if not recipients <= {order.seller, order.arbiter}:
        raise ApiError(400, "delivery details are sealed only to the order's seller and arbiter")


async def get_delivery(request: web.Request) -> web.Response:
    """Whether an order's buyer sent delivery details: the document's hash (its bytes from
    /api/documents/{hash}: sealed boxes only) and when."""
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    order_id = hash_param(request, "order")
    found = await in_thread(storefront.store.delivery, order_id)
    if found is None:
        raise ApiError(404, f"no delivery details for order {order_id}")
    return answer({"order": order_id, "document": found[0], "uploadedAt": found[1]})


async def _body(request: web.Request, limit: int) -> bytes:
    """The request's body, refused with 413 past `limit` bytes (before reading it when its
    length is declared)."""
    what = "a document" if limit == MAX_DOCUMENT_BYTES else "an image"
    too_large = ApiError(413, f"{what} is at most {limit:,} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(65_536):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _uploader(request: web.Request, digest: str) -> str:
    uploader = request.headers.get(UPLOADER_HEADER)
    signature = request.headers.get(SIGNATURE_HEADER)
    if not uploader or not signature:
        raise ApiError(
            400,
            f"an upload is signed: {UPLOADER_HEADER} (the uploader's address) and "
            f"{SIGNATURE_HEADER} (its EIP-191 signature over the keccak256 of the body)",
        )
    return catalogue.check_upload(digest, uploader, signature)


async def post_upload(request: web.Request, documents: bool) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    declared = request.content_type
    charset = (request.charset or "utf-8").lower()
    if documents and (declared != "application/json" or charset != "utf-8"):
        raise ApiError(415, f"a document is sent as application/json (UTF-8), not {declared}")
    if not documents and declared not in (*IMAGE_FORMATS, "application/octet-stream"):
        raise ApiError(415, f"an image is PNG, JPEG, WebP or GIF, not {declared}")
    body = await _body(request, MAX_DOCUMENT_BYTES if documents else MAX_IMAGE_BYTES)
    # hashing 2 MiB and recovering a signature take tens of ms: off the event loop
    digest = await in_thread(catalogue.content_hash, body)
    uploader = await in_thread(_uploader, request, digest)
    held = await in_thread(storefront.store.get, digest, KINDS)
    if held is not None and held.uploader == uploader:
        # a replay of a stored upload (its signature is public) changes nothing and costs its
        # uploader no quota: anyone could otherwise lock a seller out by replaying
        return _uploaded(held, created=False)
    wait = storefront.limiter.take(uploader, time.monotonic())
    if wait is not None:
        seconds = max(1, int(wait + 0.999))
        raise ApiError(
            429,
            f"{uploader} reached {storefront.settings.upload_limit} uploads in "
            f"{storefront.settings.upload_window:g} s; try again in {seconds} s",
            {"Retry-After": str(seconds)},
        )
    document = None
    if documents:
        document = catalogue.parse_document(body)
        if isinstance(document, ProfileDocument) and document.account != uploader:
            raise WrongSigner(f"a profile of {document.account} is uploaded by it, not {uploader}")
        if isinstance(document, DeliveryDocument):
            await _check_delivery(storefront, document, uploader)
        content_type = "application/json"
    else:
        content_type = catalogue.image_type(body)
        if declared != "application/octet-stream" and declared != content_type:
            raise ApiError(
                415, f"sent as {declared}, but the bytes are {IMAGE_FORMATS[content_type]}"
            )
    now = int(time.time())
    created = await in_thread(
        storefront.store.put,
        digest,
        content_type,
        body,
        uploader,
        request.headers[SIGNATURE_HEADER].lower(),
        now,
        document,
    )
    if isinstance(document, DeliveryDocument):
        await in_thread(storefront.store.set_delivery, document.order, digest, now)
    storefront.pages.clear()  # a listing's document (its title) may have just arrived
    stored = await in_thread(storefront.store.get, digest, KINDS)
    assert stored is not None  # just put (collection keeps what is younger than a day)
    return _uploaded(stored, created)


def _uploaded(upload: store.Upload, created: bool) -> web.Response:
    return answer(
        {
            "hash": upload.hash,
            "kind": upload.kind,
            "contentType": upload.content_type,
            "size": len(upload.body),
            "uploader": upload.uploader,
            "created": created,
        },
        201 if created else 200,
    )


async def post_document(request: web.Request) -> web.Response:
    return await post_upload(request, documents=True)


async def post_image(request: web.Request) -> web.Response:
    return await post_upload(request, documents=False)
