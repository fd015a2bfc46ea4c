"""What the storefront's handlers share: the operator's settings, the per-address rate limit,
the storefront itself (index, store, follower), JSON answers and errors, the query's
parameters read strictly, and database work in threads (SQLAlchemy is synchronous)."""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine

from bazaar.errors import RevertError
from bazaar.index import queries
from bazaar.server import store
from bazaar.server.follow import Follower, scrub
from bazaar.units import checksum

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
HASH_PATH = re.compile(r"0x[0-9a-fA-F]{64}")
JSON_SAFE_INT = 2**53 - 1  # beyond it, integers go out as decimal strings
# The journal's keys of the contracts the page's DAO view calls through the wallet.
DAO_CONTRACTS = ("governor", "staking", "points", "timelock")


class PageCache:
    """Answers of the catalogue's pages by their (validated) parameters, until the index or
    the catalogue changes: cleared after every pass of the follower (what the index can tell
    changes only then) and every upload. At most `size` answers, the oldest dropped first.
    Popular searches and the first pages are asked far more often than they change."""

    def __init__(self, size: int = 2_000) -> None:
        self.size = size
        self.answers: dict[tuple[Any, ...], bytes] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        found = self.answers.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        if len(self.answers) >= self.size:
            self.answers.pop(next(iter(self.answers)))
        self.answers[key] = body

    def clear(self) -> None:
        self.answers = {}


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
    contracts: dict[str, str]  # the DAO's contracts the page calls (DAO_CONTRACTS) -> address
    pages: PageCache = field(default_factory=PageCache)  # the catalogue's answers


STOREFRONT = web.AppKey("storefront", Storefront)


# -- answers ------------------------------------------------------------------------------


def reason_of(exc: Exception) -> str:
    """What a failed read of the chain says, in one line (a revert: the CLI's sentence), with
    no URL in it (a node's URL often carries its API key; this goes to every visitor)."""
    if isinstance(exc, RevertError):
        return str(exc)
    return scrub(str(exc)) or type(exc).__name__


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


# -- query parameters ---------------------------------------------------------------------


def params_of(request: web.Request, known: tuple[str, ...]) -> dict[str, str]:
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


def whole_number(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise ApiError(400, f"{name} must be a whole number from {low} to {high:,}")
    value = int(text)
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be from {low} to {high:,}, not {value:,}")
    return value


def page_of(params: dict[str, str]) -> tuple[int, int]:
    page = whole_number(params, "page", 1, 1, MAX_PAGE)
    per_page = whole_number(params, "per_page", 20, 1, MAX_PER_PAGE)
    return page, per_page


def flag(params: dict[str, str], name: str) -> bool:
    text = params.get(name, "").lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise ApiError(400, f"{name} must be true or false, not {text!r}")


def address_param(params: dict[str, str], name: str) -> str | None:
    text = params.get(name)
    return None if not text else checksum(text, name)


def hash_param(request: web.Request, name: str) -> str:
    text = request.match_info[name]
    if not HASH_PATH.fullmatch(text):
        raise ApiError(400, f"{name} must be 0x followed by 64 hex digits, not {text[:80]!r}")
    return text.lower()


async def in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Database work in a thread (SQLAlchemy is synchronous)."""
    return await asyncio.to_thread(function, *args, **kwargs)


def lag(storefront: Storefront) -> dict[str, Any]:
    last = queries.last_block(storefront.engine)
    head = storefront.follower.state.head
    behind = None if last is None or head is None else max(0, head - last)
    return {"lastBlock": last, "head": head, "behind": behind}
