"""The storefront's HTTP application (aiohttp): the read API (reads.py) and the catalogue
(uploads.py) behind one error handler, and `serve`, which runs it with the follower.

Every answer is JSON, but the stored bytes themselves; an error is `{"error": "..."}` with
400 (malformed input), 403 (an upload signed by another address), 404 (unknown id or path),
405, 413 (too large), 415 (wrong type), 429 (rate limited, with Retry-After), 503 (the
database is unreachable) or 500 (a bug: the reason goes to the log, never to the client).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import Engine

from bazaar.catalogue import MAX_IMAGE_BYTES, CatalogueError, TooLarge, WrongSigner, WrongType
from bazaar.errors import BazaarError
from bazaar.index.indexer import Progress
from bazaar.journal import Journal
from bazaar.server import offers, page, reads, store, uploads
from bazaar.server.common import (
    DAO_CONTRACTS,
    STOREFRONT,
    ApiError,
    PageCache,
    RateLimit,
    ServerSettings,
    Storefront,
    answer,
)
from bazaar.server.follow import Follower
from bazaar.server.page import Rates, Token
from bazaar.server.reads import ProposalStates
from bazaar.units import checksum

__all__ = [
    "ProposalStates",
    "Rates",
    "ServerSettings",
    "Storefront",
    "Token",
    "make_app",
    "serve",
    "storefront",
]


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


def storefront(
    engine: Engine,
    sync: Callable[[], Progress],
    settings: ServerSettings,
    chain_id: int,
    journal: Journal,
    log: Callable[[dict[str, Any]], None],
) -> Storefront:
    """A storefront on the index at `engine`, whose follower calls `sync` (an `Indexer`'s)
    every interval and then drops the uploads unreferenced for longer than the settings
    keep them; the deployment's facts (the marketplace, its tokens by name, the DAO's
    contracts that the journal holds) from `journal`.

    Raises:
        BazaarError: the journal has no marketplace, or a malformed address.
    """
    catalogue = store.Store(engine)
    token_names = journal.data.get("tokens", {})
    deployed = journal.data.get("contracts", {})
    pages = PageCache()

    def collect() -> tuple[int, int]:  # after each pass that brought the index up to date
        pages.clear()
        return catalogue.collect(int(time.time() - settings.keep_unreferenced))

    return Storefront(
        engine,
        catalogue,
        Follower(sync, collect, settings.interval, log),
        RateLimit(settings.upload_limit, settings.upload_window),
        settings,
        chain_id,
        checksum(journal.address("market"), "market"),
        {name.lower(): checksum(address, name) for name, address in token_names.items()},
        {key: checksum(deployed[key]["address"], key) for key in DAO_CONTRACTS if key in deployed},
        pages,
    )


def make_app(
    shop: Storefront, rates: page.Rates | None = None, states: ProposalStates | None = None
) -> web.Application:
    """The application; without `rates` (no chain to price from), /api/rates answers 404;
    without `states`, proposals come with no state (and say why)."""
    app = web.Application(middlewares=[errors], client_max_size=MAX_IMAGE_BYTES + 1)
    app[STOREFRONT] = shop
    if rates is not None:
        app[page.RATES] = rates
    if states is not None:
        app[reads.STATES] = states
    app.add_routes(
        [
            *page.routes(),
            web.get("/api/listings", reads.get_listings),
            web.get("/api/listings/{listing}", reads.get_listing),
            web.get("/api/orders", reads.get_orders),
            web.get("/api/orders/{order}", reads.get_order),
            web.get("/api/earnings/{account}", reads.get_earnings),
            web.get("/api/referrers/{seller}", reads.get_referrers),
            web.get("/api/offers", offers.get_offers),
            web.post("/api/offers", offers.post_offer),
            web.get("/api/offers/{hash}", offers.get_offer),
            web.get("/api/proposals", reads.get_proposals),
            web.get("/api/status", reads.get_status),
            web.get("/api/documents/{hash}", uploads.get_document),
            web.get("/api/images/{hash}", uploads.get_image),
            web.get("/api/profiles/{account}", uploads.get_profile),
            web.get("/api/deliveries/{order}", uploads.get_delivery),
            web.post("/api/documents", uploads.post_document),
            web.post("/api/images", uploads.post_image),
        ]
    )
    return app


async def serve(
    shop: Storefront,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_listening: Callable[[str], None],
    rates: page.Rates | None = None,
    states: ProposalStates | None = None,
) -> None:
    """Serves on `host`:`port` (0: a free port) with the follower running, until `stop` is
    set; `on_listening` gets the URL once the socket listens.

    Raises:
        BazaarError: the address cannot be listened on.
    """
    runner = web.AppRunner(make_app(shop, rates, states), access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise BazaarError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        shop.follower.start()
        try:
            on_listening(f"http://{shown}:{bound}")
            await stop.wait()
        finally:
            await asyncio.to_thread(shop.follower.stop)
    finally:
        await runner.cleanup()
