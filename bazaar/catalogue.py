"""The content-addressed catalogue: what a listing's `metadataHash` points at.

A listing's `metadataHash` (bytes32 on chain) is the keccak256 of the exact bytes of a JSON
document, the listing document. Whoever holds those bytes can serve them (the storefront
server, an IPFS node, a web server): a reader hashes what it got and compares it with the
chain, so no store is trusted. Two document schemas, each named by its `schema` field and
validated strictly (unknown fields refused, every length bounded, text without control
characters but newlines and tabs where several lines make sense):

- `bazaar.listing/1`: `title` (required), `description`, `images` (the keccak256 hashes of
  the image files, 0x + 64 lower-case hex digits), `variants` (free text: sizes, colours),
  `shipping` (regions shipped to: ISO 3166-1 alpha-2 codes such as "DE", ISO 3166-2
  subdivisions such as "US-CA", or "worldwide"), `contact` (the seller's handle).
- `bazaar.profile/1`: a seller's profile: `account` (the seller's address; only it may upload
  its profile), `name` (required), `about`, `contact`, `encryptionPublicKey` (an X25519
  public key, 0x + 64 hex digits: for delivery addresses encrypted to the seller, later).

Images are PNG, JPEG, WebP or GIF, recognised by their first bytes, never by a file name.

An upload is signed: an EIP-191 `personal_sign` signature (eth-account's `encode_defunct`) by
the uploader's address over the 32 bytes of the hash. `upload` signs and posts one to a
storefront server (`bazaar serve`); the server checks the same rules.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from bazaar.errors import BazaarError
from bazaar.units import checksum

LISTING_SCHEMA = "bazaar.listing/1"
PROFILE_SCHEMA = "bazaar.profile/1"
DELIVERY_SCHEMA = "bazaar.delivery/1"
MAX_RECIPIENTS = 3  # a delivery document's sealed copies: the seller, the arbiter, one more
MAX_SEALED_BYTES = 4_096  # one sealed copy (an address of ~4 KB at most, and the ECIES overhead)
MAX_DOCUMENT_BYTES = 64 * 1024  # a document, as uploaded
MAX_IMAGE_BYTES = 2 * 1024 * 1024  # an image file
MAX_IMAGES = 12  # images a listing document names
MAX_REGIONS = 250  # shipping regions of a listing (every country is ~250)

# Headers of a signed upload: who signs, and the signature over the hash.
UPLOADER_HEADER = "X-Bazaar-Uploader"
SIGNATURE_HEADER = "X-Bazaar-Signature"

HASH = re.compile(r"0x[0-9a-f]{64}")
REGION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?|worldwide")
PUBLIC_KEY = re.compile(r"0x[0-9a-f]{64}")
SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
SEALED = re.compile(r"0x(?:[0-9a-f]{2}){49,}")  # an ECIES box: 32-byte key, 24 nonce, 16 tag

# The image formats taken, by their leading bytes (content type -> name).
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "image/gif": "GIF"}


class CatalogueError(BazaarError):
    """A document or an image the catalogue refuses: malformed or outside its schema."""


class TooLarge(CatalogueError):
    """A document or an image over its size limit."""


class WrongType(CatalogueError):
    """Bytes that are not of a type the catalogue takes (an image that is none of PNG, JPEG,
    WebP, GIF; a document that is not JSON)."""


class WrongSigner(CatalogueError):
    """An upload signed by another address than the one it names (or a profile uploaded by
    another account than its own)."""


@dataclass(frozen=True)
class ListingDocument:
    """A `bazaar.listing/1` document, as validated."""

    title: str
    description: str
    images: tuple[str, ...]
    variants: str
    shipping: tuple[str, ...]
    contact: str


@dataclass(frozen=True)
class ProfileDocument:
    """A `bazaar.profile/1` document, as validated."""

    account: ChecksumAddress
    name: str
    about: str
    contact: str
    encryption_public_key: str | None


@dataclass(frozen=True)
class DeliveryDocument:
    """A `bazaar.delivery/1` document: an order's delivery details, sealed (ECIES, x25519 and
    XChaCha20-Poly1305) to each recipient's published encryption key; never in the clear."""

    order: str
    sealed: tuple[tuple[ChecksumAddress, str], ...]  # (recipient, 0x + hex of the sealed box)


Document = ListingDocument | ProfileDocument | DeliveryDocument


def content_hash(body: bytes) -> str:
    """The keccak256 of `body` as 0x + 64 lower-case hex digits (a listing's metadataHash)."""
    return "0x" + keccak(body).hex()


# -- validation ---------------------------------------------------------------------------


def _text(name: str, limit: int, lines: bool, required: bool = False) -> Callable[[Any], str]:
    """A validator of a string field: at most `limit` characters, no control characters
    (newlines and tabs allowed when `lines`), not empty when `required`."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise CatalogueError(f"{name} must be a string")
        if required and not value.strip():
            raise CatalogueError(f"{name} must not be empty")
        if len(value) > limit:
            raise CatalogueError(f"{name} has {len(value):,} characters; at most {limit:,}")
        allowed = "\n\t" if lines else ""
        for char in value:
            if char not in allowed and unicodedata.category(char) in ("Cc", "Cs"):
                raise CatalogueError(f"{name} holds the control character U+{ord(char):04X}")
        return value

    return check


def _list(name: str, limit: int, item: Callable[[str], object], what: str) -> Callable[[Any], Any]:
    """A validator of a list of distinct strings, each passing `item` (`what` they must be)."""

    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise CatalogueError(f"{name} must be a list")
        if len(value) > limit:
            raise CatalogueError(f"{name} has {len(value)} entries; at most {limit}")
        for entry in value:
            if not isinstance(entry, str) or not item(entry):
                raise CatalogueError(f"{name}: {entry!r} is not {what}")
        if len(set(value)) != len(value):
            raise CatalogueError(f"{name} names an entry twice")
        return tuple(value)

    return check


def _public_key(value: Any) -> str:
    if not isinstance(value, str) or not PUBLIC_KEY.fullmatch(value):
        raise CatalogueError(
            "encryptionPublicKey must be an X25519 public key: 0x + 64 lower-case hex digits"
        )
    return value


def _account(value: Any) -> ChecksumAddress:
    if not isinstance(value, str):
        raise CatalogueError("account must be a string")
    try:
        return checksum(value, "account")
    except BazaarError as exc:
        raise CatalogueError(str(exc)) from None


REQUIRED = object()  # a field's default when the document must carry it

# Each schema's fields: name -> (validator, the default when absent, or REQUIRED).
LISTING_FIELDS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "title": (_text("title", 140, lines=False, required=True), REQUIRED),
    "description": (_text("description", 8_000, lines=True), ""),
    "images": (
        _list("images", MAX_IMAGES, HASH.fullmatch, "an image hash (0x + 64 lower-case hex)"),
        (),
    ),
    "variants": (_text("variants", 2_000, lines=True), ""),
    "shipping": (
        _list("shipping", MAX_REGIONS, REGION.fullmatch, "a region (DE, US-CA, or worldwide)"),
        (),
    ),
    "contact": (_text("contact", 100, lines=False), ""),
}
PROFILE_FIELDS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "account": (_account, REQUIRED),
    "name": (_text("name", 80, lines=False, required=True), REQUIRED),
    "about": (_text("about", 2_000, lines=True), ""),
    "contact": (_text("contact", 100, lines=False), ""),
    "encryptionPublicKey": (_public_key, None),
}


def _order(value: Any) -> str:
    if not isinstance(value, str) or not HASH.fullmatch(value):
        raise CatalogueError("order must be an order id: 0x + 64 lower-case hex digits")
    return value


def _sealed(value: Any) -> tuple[tuple[ChecksumAddress, str], ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_RECIPIENTS:
        raise CatalogueError(f"sealed is a list of 1 to {MAX_RECIPIENTS} sealed copies")
    out: list[tuple[ChecksumAddress, str]] = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"to", "box"}:
            raise CatalogueError('each sealed copy is {"to": address, "box": "0x..."}')
        box = item["box"]
        if not isinstance(box, str) or not SEALED.fullmatch(box):
            raise CatalogueError("a sealed box is 0x + an even number of lower-case hex digits")
        if len(box) // 2 - 1 > MAX_SEALED_BYTES:
            raise CatalogueError(f"a sealed box is at most {MAX_SEALED_BYTES:,} bytes")
        out.append((_account(item["to"]), box))
    if len({to for to, _ in out}) != len(out):
        raise CatalogueError("one sealed copy per recipient")
    return tuple(out)


DELIVERY_FIELDS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "order": (_order, REQUIRED),
    "sealed": (_sealed, REQUIRED),
}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects with a key twice are refused: readers disagree on which one counts."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise CatalogueError(f"the key {key!r} appears twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise CatalogueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """`body` as strict JSON: UTF-8 (no byte order mark), no key twice in an object, no NaN or
    Infinity.

    Raises:
        CatalogueError: anything else.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"not UTF-8 text (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        raise CatalogueError("a byte order mark before the JSON")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # digits beyond Python's limit, deep nesting
        raise CatalogueError(f"malformed JSON: {str(exc) or type(exc).__name__}") from None


def parse_document(body: bytes) -> Document:
    """The document in `body`, validated against the schema its `schema` field names.

    Raises:
        TooLarge: over MAX_DOCUMENT_BYTES.
        CatalogueError: not strict JSON, not an object, an unknown schema, an unknown or
            missing field, a value of the wrong type or length.
    """
    if len(body) > MAX_DOCUMENT_BYTES:
        raise TooLarge(f"a document is at most {MAX_DOCUMENT_BYTES:,} bytes; this is {len(body):,}")
    data = parse_json(body)
    if not isinstance(data, dict):
        raise CatalogueError("a document is a JSON object")
    schema = data.get("schema")
    if schema == LISTING_SCHEMA:
        fields = LISTING_FIELDS
    elif schema == PROFILE_SCHEMA:
        fields = PROFILE_FIELDS
    elif schema == DELIVERY_SCHEMA:
        fields = DELIVERY_FIELDS
    else:
        raise CatalogueError(
            f"unknown schema {schema!r}: expected {LISTING_SCHEMA!r}, {PROFILE_SCHEMA!r} "
            f"or {DELIVERY_SCHEMA!r}"
        )
    unknown = sorted(set(data) - set(fields) - {"schema"})
    if unknown:
        raise CatalogueError(f"unknown field(s) in a {schema} document: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, (check, default) in fields.items():
        if name in data:
            values[name] = check(data[name])
        elif default is REQUIRED:
            raise CatalogueError(f"a {schema} document needs {name!r}")
        else:
            values[name] = default
    if fields is LISTING_FIELDS:
        return ListingDocument(**values)
    if fields is DELIVERY_FIELDS:
        return DeliveryDocument(order=values["order"], sealed=values["sealed"])
    return ProfileDocument(
        account=values["account"],
        name=values["name"],
        about=values["about"],
        contact=values["contact"],
        encryption_public_key=values["encryptionPublicKey"],
    )


def image_type(body: bytes) -> str:
    """The content type of an image, from its first bytes.

    Raises:
        TooLarge: over MAX_IMAGE_BYTES.
        WrongType: none of PNG, JPEG, WebP, GIF.
    """
    if len(body) > MAX_IMAGE_BYTES:
        raise TooLarge(f"an image is at most {MAX_IMAGE_BYTES:,} bytes; this is {len(body):,}")
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if body.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(body) >= 12 and body.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "image/webp"
    raise WrongType("the bytes are not a PNG, JPEG, WebP or GIF image")


# -- signing ------------------------------------------------------------------------------


def sign_upload(account: LocalAccount, digest: str) -> str:
    """The uploader's EIP-191 signature over the 32 bytes of `digest` (0x + 64 hex), as
    0x + 130 hex digits (what a wallet's personal_sign of those bytes gives)."""
    signed = account.sign_message(encode_defunct(primitive=bytes.fromhex(digest[2:])))
    return "0x" + bytes(signed.signature).hex()


def recover_uploader(digest: str, signature: str) -> ChecksumAddress:
    """Who signed `digest` (0x + 64 hex) with `signature`.

    Raises:
        CatalogueError: the signature is not 65 bytes of hex, or recovers no address.
    """
    if not SIGNATURE.fullmatch(signature):
        raise CatalogueError("the signature must be 0x + 130 hex digits (65 bytes)")
    try:
        address: ChecksumAddress = Account.recover_message(
            encode_defunct(primitive=bytes.fromhex(digest[2:])),
            signature=bytes.fromhex(signature[2:]),
        )
    except Exception as exc:  # eth-keys' BadSignature, ValueError for v or s out of range
        raise CatalogueError(f"the signature recovers no address ({exc})") from None
    return address


def check_upload(digest: str, uploader: str, signature: str) -> ChecksumAddress:
    """The uploader's address, once `signature` over `digest` is found to be its own.

    Raises:
        CatalogueError: a malformed address or signature.
        WrongSigner: the signature is another address's.
    """
    try:
        claimed = checksum(uploader, "uploader")
    except BazaarError as exc:
        raise CatalogueError(str(exc)) from None
    signer = recover_uploader(digest, signature)
    if signer != claimed:
        raise WrongSigner(f"the upload names {claimed} as its uploader but {signer} signed it")
    return claimed


# -- uploading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Uploaded:
    """What a storefront server answered to an upload."""

    hash: str
    kind: str  # listing, profile, image
    content_type: str
    created: bool  # False: the server held these bytes already


def read_file(path: str) -> bytes:
    """A file to upload, read up to one byte past the largest upload.

    Raises:
        BazaarError: it cannot be read.
        TooLarge: it is larger than any upload may be.
    """
    try:
        with open(path, "rb") as file:
            body = file.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise BazaarError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(body) > MAX_IMAGE_BYTES:
        raise TooLarge(f"{path} is larger than any upload ({MAX_IMAGE_BYTES:,} bytes)")
    return body


def kind_of(body: bytes) -> tuple[str, str]:
    """(the server's collection, the content type) of an upload: an image by its first bytes,
    otherwise a document, validated here first.

    Raises:
        CatalogueError: a document outside its schema, or a file over its limit.
    """
    try:
        return "images", image_type(body)
    except WrongType:
        pass
    parse_document(body)
    return "documents", "application/json"


def upload(server: str, body: bytes, account: LocalAccount, timeout: float = 30) -> Uploaded:
    """Signs `body`'s hash with `account` and posts it to the storefront server at `server`
    (http[s]://host:port): to /api/images when it is an image, else to /api/documents.

    Raises:
        CatalogueError: the file is refused here before anything is sent.
        BazaarError: the server cannot be reached, refuses the upload (its reason), or answers
            with another hash than the bytes have.
    """
    collection, content_type = kind_of(body)
    digest = content_hash(body)
    base = server.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise BazaarError(f"storefront server {server!r} must start with http:// or https://")
    headers = {
        "Content-Type": content_type,
        UPLOADER_HEADER: account.address,
        SIGNATURE_HEADER: sign_upload(account, digest),
    }
    try:
        answer = requests.post(
            f"{base}/api/{collection}", data=body, headers=headers, timeout=timeout
        )
    except requests.RequestException as exc:
        raise BazaarError(f"cannot reach the storefront server at {base}: {exc}") from None
    try:
        data = answer.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BazaarError(
            f"{base} answered HTTP {answer.status_code} without a JSON object: not a "
            "storefront server (bazaar serve)?"
        )
    if answer.status_code >= 400:
        raise BazaarError(
            f"the storefront server refused the upload (HTTP {answer.status_code}): "
            f"{data.get('error', 'no reason given')}"
        )
    if data.get("hash") != digest:
        raise BazaarError(f"the storefront server answered hash {data.get('hash')}, not {digest}")
    return Uploaded(digest, str(data["kind"]), str(data["contentType"]), bool(data["created"]))
