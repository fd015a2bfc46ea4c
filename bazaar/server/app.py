"""The storefront's HTTP application (aiohttp): a JSON read API over the index, and the
catalogue's signed uploads and content-addressed downloads.

Every answer is JSON, but the stored bytes themselves; an error is `{"error": "..."}` with
400 (malformed input), 403 (an upload signed by another address), 404 (unknown id or path),
405, 413 (too large), 415 (wrong type), 429 (rate limited, with Retry-After), 503 (the
database is unreachable) or 500 (a bug: the reason goes to the log, never to the client).
Database work runs in threads, off the event loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import Engine

from bazaar import catalogue
from bazaar.catalogue import (
    IMAGE_FORMATS,
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
    SIGNATURE_HEADER,
    UPLOADER_HEADER,
    CatalogueError,
    ProfileDocument,
    TooLarge,
    WrongSigner,
    WrongType,
)
from bazaar.errors import BazaarError
from bazaar.index import queries
from bazaar.index.indexer import Progress
from bazaar.server import store
from bazaar.server.follow import Follower
from bazaar.units import checksum, format_usd

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
MAX_QUERY = 100  # characters of a search
IMMUTABLE = "public, max-age=31536000, immutable"
HASH_PATH = re.compile(r"0x[0-9a-fA-F]{64}")
JSON_SAFE_INT = 2**53 - 1  # beyond it, integers go out as decimal strings


@dataclass(frozen=True)
class ServerSettings:
    """What an operator tunes (`bazaar serve`'s options)."""

    interval: float = 5.0  # seconds between the follower's passes
    upload_limit: int = 60  # uploads per address ...
    upload_window: float = 3_600.0  # ... in this many seconds
    keep_unreferenced: float = 86_400.0  # seconds an upload nothing references is kept


class ApiError(Exception):
    """An answer with an HTTP error status and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class RateLimit:
    """At most `limit` events per key in any `window` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.seen: dict[str, deque[float]] = {}

    def take(self, key: str, now: float) -> float | None:
        """Counts one event of `key`; None when allowed, else the seconds until one is."""
        if len(self.seen) > 10_000:  # forget the keys whose window has passed
            self.seen = {k: v for k, v in self.seen.items() if v and v[-1] > now - self.window}
        times = self.seen.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.window - now
        times.append(now)
        return None


@dataclass(frozen=True)
class Storefront:
    """What the handlers share: the index, the store, the follower, the upload limits and
    the deployment's facts."""

    engine: Engine
    store: store.Store
    follower: Follower
    limiter: RateLimit
    settings: ServerSettings
    chain_id: int
    market: str
    token_names: dict[str, str]  # the deployment's tokens by name (wbtc, usdc) -> address


def storefront(
    engine: Engine,
    sync: Callable[[], Progress],
    settings: ServerSettings,
    chain_id: int,
    market: str,
    token_names: dict[str, str],
    log: Callable[[dict[str, Any]], None],
) -> Storefront:
    """A storefront on the index at `engine`, whose follower calls `sync` (an `Indexer`'s)
    every interval and then drops the uploads unreferenced for longer than the settings
    keep them."""
    uploads = store.Store(engine)

    def collect() -> tuple[int, int]:
        return uploads.collect(int(time.time() - settings.keep_unreferenced))

    return Storefront(
        engine,
        uploads,
        Follower(sync, collect, settings.interval, log),
        RateLimit(settings.upload_limit, settings.upload_window),
        settings,
        chain_id,
        market,
        {name.lower(): checksum(address, name) for name, address in token_names.items()},
    )


STOREFRONT = web.AppKey("storefront", Storefront)


# -- answers ------------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """`value` with every integer beyond +-(2^53 - 1) as a decimal string (JavaScript's
    numbers would round it)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > JSON_SAFE_INT:
        return str(value)
    return value


def answer(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(json_safe(data), status=status, dumps=json.dumps)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    response = answer({"error": message}, status)
    response.headers.update(headers or {})
    return response


ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (TooLarge, 413),
    (WrongType, 415),
    (WrongSigner, 403),
    (CatalogueError, 400),
    (BazaarError, 400),  # a malformed address, amount, ...
)


def _log_failure(request: web.Request, exc: BaseException) -> None:
    line = {"event": "failure", "path": request.path, "error": f"{type(exc).__name__}: {exc}"}
    sys.stderr.write(json.dumps(line)[:2000] + "\n")
    sys.stderr.flush()


@web.middleware
async def errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every failure as `{"error": ...}` with its status; never a traceback."""
    try:
        response = await handler(request)
    except ApiError as exc:
        response = _error(exc.status, exc.message, exc.headers)
    except web.HTTPException as exc:  # aiohttp's own: unknown path, wrong method
        if exc.status < 400:
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
        reason = {404: f"no such path: {request.path}", 405: f"{request.method} is not allowed"}
        response = _error(exc.status, reason.get(exc.status, exc.reason), headers)
    except sa.exc.SQLAlchemyError as exc:  # the database down, its pool exhausted
        _log_failure(request, exc)
        response = _error(503, "the index database is unavailable; try again later")
    except Exception as exc:
        for kind, status in ERROR_STATUS:
            if isinstance(exc, kind):
                response = _error(status, " ".join(str(exc).split()))
                break
        else:
            _log_failure(request, exc)
            response = _error(500, "internal error")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy", "default-src 'none'; sandbox")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


# -- query parameters ---------------------------------------------------------------------


def _params(request: web.Request, known: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters, each at most once and each one `known`."""
    found: dict[str, str] = {}
    for key, value in request.query.items():
        if key not in known:
            takes = f"known: {', '.join(known)}" if known else "this takes none"
            raise ApiError(400, f"unknown parameter {key!r}; {takes}")
        if key in found:
            raise ApiError(400, f"parameter {key!r} given twice")
        found[key] = value
    return found


def _int(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise ApiError(400, f"{name} must be a whole number from {low} to {high:,}")
    value = int(text)
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be from {low} to {high:,}, not {value:,}")
    return value


def _page(params: dict[str, str]) -> tuple[int, int]:
    page = _int(params, "page", 1, 1, MAX_PAGE)
    per_page = _int(params, "per_page", 20, 1, MAX_PER_PAGE)
    return page, per_page


def _flag(params: dict[str, str], name: str) -> bool:
    text = params.get(name, "").lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise ApiError(400, f"{name} must be true or false, not {text!r}")


def _address(params: dict[str, str], name: str) -> str | None:
    text = params.get(name)
    return None if not text else checksum(text, name)


def _hash(request: web.Request, name: str) -> str:
    text = request.match_info[name]
    if not HASH_PATH.fullmatch(text):
        raise ApiError(400, f"{name} must be 0x followed by 64 hex digits, not {text[:80]!r}")
    return text.lower()


async def _db(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Database work in a thread (SQLAlchemy is synchronous)."""
    return await asyncio.to_thread(function, *args, **kwargs)


def _lag(storefront: Storefront) -> dict[str, Any]:
    last = queries.last_block(storefront.engine)
    head = storefront.follower.state.head
    behind = None if last is None or head is None else max(0, head - last)
    return {"lastBlock": last, "head": head, "behind": behind}


# -- the read API -------------------------------------------------------------------------


def _tokens(storefront: Storefront, text: str | None) -> tuple[dict[int, str], int | None]:
    """The payment tokens by id, and the id of `text` (a token's name in the deployment,
    such as wbtc, or its address) when given."""
    by_address = store.payment_tokens(storefront.engine)
    by_id = {token_id: address for address, token_id in by_address.items()}
    if not text:
        return by_id, None
    address = storefront.token_names.get(text.lower())
    address = address or checksum(text, "token")
    if address not in by_address:
        raise ApiError(400, f"token {text} is not a payment token of this marketplace")
    return by_id, by_address[address]


def _shown(listing: dict[str, Any], tokens: dict[int, str]) -> dict[str, Any]:
    mask = listing["tokenMask"]
    return {
        **listing,
        "priceFormatted": format_usd(listing["priceUsd"]),
        "tokens": [address for bit, address in sorted(tokens.items()) if mask >> (bit - 1) & 1],
    }


async def get_listings(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = _params(request, ("q", "token", "seller", "sort", "page", "per_page"))
    page, per_page = _page(params)
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise ApiError(400, f"q is at most {MAX_QUERY} characters")
    sort = params.get("sort") or "id"
    if sort not in store.SORTS:
        raise ApiError(400, f"sort must be one of {', '.join(store.SORTS)}, not {sort!r}")
    seller = _address(params, "seller")

    def read() -> dict[str, Any]:
        tokens, token_id = _tokens(storefront, params.get("token"))
        rows, total = store.listings_page(
            storefront.engine,
            q=q or None,
            token_id=token_id,
            seller=seller,
            sort=sort,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        return {
            "listings": [_shown(row, tokens) for row in rows],
            "page": page,
            "perPage": per_page,
            "total": total,
            "index": _lag(storefront),
        }

    return answer(await _db(read))


async def get_listing(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    _params(request, ())
    text = request.match_info["listing"]
    if not re.fullmatch(r"[0-9]{1,19}", text):
        raise ApiError(400, f"a listing id is a whole number, not {text[:40]!r}")
    listing_id = int(text)

    def read() -> dict[str, Any] | None:
        found = store.listing(storefront.engine, listing_id)
        if found is None:
            return None
        return {"listing": _shown(found, _tokens(storefront, None)[0]), "index": _lag(storefront)}

    data = await _db(read)
    if data is None:
        raise ApiError(404, f"no listing {listing_id} in the index")
    return answer(data)


def _order_json(row: queries.OrderRow) -> dict[str, Any]:
    return {**row.to_json(), "terms": row.terms}


async def get_orders(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = _params(request, ("account", "role", "due", "page", "per_page"))
    account = _address(params, "account")
    if account is None:
        raise ApiError(400, "account is required: whose orders (0x + 40 hex digits)")
    role = params.get("role", "")
    if role not in queries.ROLES:
        raise ApiError(400, f"role must be one of {', '.join(queries.ROLES)}, not {role!r}")
    due = _flag(params, "due")
    page, per_page = _page(params)

    def read() -> dict[str, Any]:
        rows = queries.orders_of(
            storefront.engine, account, role, (), due, per_page + 1, (page - 1) * per_page
        )
        return {
            "account": account,
            "role": role,
            "due": due,
            "orders": [_order_json(r) for r in rows[:per_page]],
            "page": page,
            "perPage": per_page,
            "more": len(rows) > per_page,
            "index": _lag(storefront),
        }

    return answer(await _db(read))


async def get_order(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    _params(request, ())
    order_id = _hash(request, "order")
    row = await _db(queries.order, storefront.engine, order_id)
    if row is None:
        raise ApiError(404, f"no order {order_id} in the index")
    return answer({"order": _order_json(row), "index": await _db(_lag, storefront)})


async def get_proposals(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = _params(request, ("proposer", "page", "per_page"))
    proposer = _address(params, "proposer")
    page, per_page = _page(params)

    def read() -> dict[str, Any]:
        rows = queries.proposals_list(
            storefront.engine, proposer, per_page + 1, (page - 1) * per_page
        )
        return {
            "proposals": [
                {
                    "proposalId": r.id,
                    "proposer": r.proposer,
                    "description": r.description,
                    "calls": r.calls,
                    "voteStart": r.vote_start,
                    "voteEnd": r.vote_end,
                    "votesFor": str(r.votes_for),
                    "votesAgainst": str(r.votes_against),
                    "votesAbstain": str(r.votes_abstain),
                    "voters": r.voters,
                    "canceled": r.canceled,
                    "eta": r.eta,
                    "executed": r.executed,
                    "block": r.block,
                }
                for r in rows[:per_page]
            ],
            "page": page,
            "perPage": per_page,
            "more": len(rows) > per_page,
            "index": _lag(storefront),
        }

    return answer(await _db(read))


async def get_status(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    _params(request, ())
    settings = storefront.settings
    return answer(
        {
            "index": await _db(_lag, storefront),
            "follower": storefront.follower.state.to_json(),
            "chainId": storefront.chain_id,
            "market": storefront.market,
            "uploads": {
                "maxDocumentBytes": MAX_DOCUMENT_BYTES,
                "maxImageBytes": MAX_IMAGE_BYTES,
                "perAddress": settings.upload_limit,
                "windowSeconds": settings.upload_window,
                "keepUnreferencedSeconds": settings.keep_unreferenced,
            },
        }
    )


# -- the catalogue ------------------------------------------------------------------------


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
    _params(request, ())
    digest = _hash(request, "hash")
    found = await _db(storefront.store.get, digest, ("listing", "profile"))
    if found is None:
        raise ApiError(404, f"no document {digest} here")
    return _stored(request, found)


async def get_image(request: web.Request) -> web.StreamResponse:
    storefront = request.app[STOREFRONT]
    _params(request, ())
    digest = _hash(request, "hash")
    found = await _db(storefront.store.get, digest, ("image",))
    if found is None:
        raise ApiError(404, f"no image {digest} here")
    return _stored(request, found)


async def get_profile(request: web.Request) -> web.Response:
    """The newest profile document an account uploaded: its hash (fetch the bytes from
    /api/documents/{hash}) and signature."""
    storefront = request.app[STOREFRONT]
    _params(request, ())
    account = checksum(request.match_info["account"], "account")
    found = await _db(storefront.store.newest_profile, account)
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
    _params(request, ())
    declared = request.content_type
    charset = (request.charset or "utf-8").lower()
    if documents and (declared != "application/json" or charset != "utf-8"):
        raise ApiError(415, f"a document is sent as application/json (UTF-8), not {declared}")
    if not documents and declared not in (*IMAGE_FORMATS, "application/octet-stream"):
        raise ApiError(415, f"an image is PNG, JPEG, WebP or GIF, not {declared}")
    body = await _body(request, MAX_DOCUMENT_BYTES if documents else MAX_IMAGE_BYTES)
    digest = catalogue.content_hash(body)
    uploader = _uploader(request, digest)
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
        content_type = "application/json"
    else:
        content_type = catalogue.image_type(body)
        if declared != "application/octet-stream" and declared != content_type:
            raise ApiError(
                415, f"sent as {declared}, but the bytes are {IMAGE_FORMATS[content_type]}"
            )
    created = await _db(
        storefront.store.put,
        digest,
        content_type,
        body,
        uploader,
        request.headers[SIGNATURE_HEADER].lower(),
        int(time.time()),
        document,
    )
    kind = (
        "image"
        if document is None
        else "profile"
        if isinstance(document, ProfileDocument)
        else "listing"
    )
    return answer(
        {
            "hash": digest,
            "kind": kind,
            "contentType": content_type,
            "size": len(body),
            "uploader": uploader,
            "created": created,
        },
        201 if created else 200,
    )


async def post_document(request: web.Request) -> web.Response:
    return await post_upload(request, documents=True)


async def post_image(request: web.Request) -> web.Response:
    return await post_upload(request, documents=False)


def make_app(storefront: Storefront) -> web.Application:
    app = web.Application(middlewares=[errors], client_max_size=MAX_IMAGE_BYTES + 1)
    app[STOREFRONT] = storefront
    app.add_routes(
        [
            web.get("/api/listings", get_listings),
            web.get("/api/listings/{listing}", get_listing),
            web.get("/api/orders", get_orders),
            web.get("/api/orders/{order}", get_order),
            web.get("/api/proposals", get_proposals),
            web.get("/api/status", get_status),
            web.get("/api/documents/{hash}", get_document),
            web.get("/api/images/{hash}", get_image),
            web.get("/api/profiles/{account}", get_profile),
            web.post("/api/documents", post_document),
            web.post("/api/images", post_image),
        ]
    )
    return app


async def serve(
    storefront: Storefront,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_listening: Callable[[str], None],
) -> None:
    """Serves on `host`:`port` (0: a free port) with the follower running, until `stop` is
    set; `on_listening` gets the URL once the socket listens.

    Raises:
        BazaarError: the address cannot be listened on.
    """
    runner = web.AppRunner(make_app(storefront), access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise BazaarError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        storefront.follower.start()
        try:
            on_listening(f"http://{shown}:{bound}")
            await stop.wait()
        finally:
            await asyncio.to_thread(storefront.follower.stop)
    finally:
        await runner.cleanup()
