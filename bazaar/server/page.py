"""The storefront page and what it asks of the server beyond the read API: the page's files
(built by web/build.mjs into bazaar/server/static/, shipped in the package), the payment
tokens' live rates for the catalogue's cards, and revert data explained by the same sentences
as the CLI's (bazaar/errors.py), so the page never has a second copy of them."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bazaar.errors import decode_revert, error_table
from bazaar.server.common import ApiError, answer, in_thread, params_of, reason_of

STATIC = Path(__file__).parent / "static"
FILES = {  # what /static/ serves: a fixed list, never a path from the request
    "app.js": "text/javascript",
    "app.css": "text/css",
    "favicon.svg": "image/svg+xml",
}
# The page: its own script and style only, pictures only after the page has checked their
# hash (blob: URLs), requests to this server only (the wallet talks to its own node).
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
RATE_USD = 1_000_000 * 10**8  # the USD amount (8 decimals) a rate is quoted for: $1,000,000
RATE_SECONDS = 10.0  # a rate is re-read from the chain at most this often
MAX_REVERT_BYTES = 4_096


@dataclass(frozen=True)
class Token:
    """A payment token as the page shows it."""

    address: str
    name: str  # the deployment's name for it (wbtc, usdc)
    symbol: str
    decimals: int


@dataclass
class Rates:
    """The payment tokens' prices: token units per RATE_USD, from the oracle (`quote`), read
    at most every RATE_SECONDS. A token the oracle refuses has no rate and its reason."""

    tokens: list[Token]
    quote: Callable[[str, int], int]
    clock: Callable[[], float] = time.monotonic
    _cached: tuple[float, dict[str, Any]] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def read(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for token in self.tokens:
            entry: dict[str, Any] = {
                "name": token.name,
                "symbol": token.symbol,
                "decimals": token.decimals,
                "perUsd": None,
                "error": None,
            }
            try:
                entry["perUsd"] = str(self.quote(token.address, RATE_USD))
            except Exception as exc:  # a stale or paused feed: the card says so
                entry["error"] = reason_of(exc)
            out[token.address] = entry
        return {"usdAmount": str(RATE_USD), "tokens": out, "readAt": int(time.time())}

    async def current(self) -> dict[str, Any]:
        async with self._lock:
            now = self.clock()
            if self._cached is None or now - self._cached[0] >= RATE_SECONDS:
                self._cached = (now, await in_thread(self.read))
            return self._cached[1]


RATES = web.AppKey("rates", Rates)


def _file(name: str) -> web.Response:
    path = STATIC / name
    if not path.is_file():
        raise ApiError(404, f"the storefront page is not built: {name} is missing (make page)")
    return web.Response(body=path.read_bytes(), content_type=FILES.get(name, "text/html"))


async def get_page(request: web.Request) -> web.Response:
    """The page itself (every route of the page is a fragment of this one URL); `ref`, a
    referral link's referrer, is read by the page (which checks it), never by the server."""
    params_of(request, ("ref",))
    response = _file("index.html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


async def get_static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in FILES:
        raise ApiError(404, f"no such file: {name[:80]}")
    response = _file(name)
    response.headers["Cache-Control"] = "no-cache"
    return response


async def get_rates(request: web.Request) -> web.Response:
    params_of(request, ())
    rates = request.app.get(RATES)
    if rates is None:
        raise ApiError(404, "this server reads no prices (started without a chain)")
    return answer(await rates.current())


async def post_explain(request: web.Request) -> web.Response:
    """{"data": "0x..."} (revert data, at most 4 KiB) -> {"error": name or null, "sentence"}:
    the sentence the CLI prints for it."""
    limit = 2 * MAX_REVERT_BYTES + 64
    if (request.content_length or 0) > limit:  # refused before reading it
        raise ApiError(413, "revert data is at most 4 KiB")
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        raise ApiError(413, "revert data is at most 4 KiB")
    try:
        data = json.loads(body)
    except ValueError:
        raise ApiError(400, 'the body must be JSON: {"data": "0x..."}') from None
    text = data.get("data") if isinstance(data, dict) else None
    if not isinstance(text, str) or not re.fullmatch(r"0x([0-9a-fA-F]{2})*", text):
        raise ApiError(400, "data must be 0x followed by an even number of hex digits")
    raw = bytes.fromhex(text[2:])
    spec = error_table().get(raw[:4]) if len(raw) >= 4 else None
    return answer({"error": spec.name if spec else None, "sentence": decode_revert(raw)})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", get_page),
        web.get("/static/{name}", get_static),
        web.get("/api/rates", get_rates),
        web.post("/api/explain", post_explain),
    ]
