"""Storefront read API benchmark (``make bench``, after the index benchmark): `bazaar serve`'s
read API over an index of 10,000 listings and 50,000 orders, under 50 concurrent clients on
loopback, on SQLite (a temporary file) and on PostgreSQL (a throwaway server,
tests/support/postgres.py).

1. The index is filled without a chain (tools/local/storefront_fill.py: bulk inserts in the
   indexer's shapes, checked against its handlers). PostgreSQL is then VACUUM ANALYZEd, as its
   autovacuum would within a minute; SQLite is left as the indexer leaves it.
2. The real server (`storefront` and `serve` of bazaar/server/app.py, default settings: its
   follower runs every 5 s) on 127.0.0.1, a free port, in a thread of this process. Its `sync`
   reports the index at its own last block without a chain; the follower's `collect` of
   unreferenced uploads runs for real.
3. A load generator in a child process (aiohttp; 50 workers that never pause; each mix bounded
   in requests and in seconds, after a warm-up that is not counted): the search pages (common
   and rare words, no match, browsing, token and seller filters, sorts by price and rating,
   deep pages), the same with one client (the service time, without queueing), GET
   /api/listings/{id}, and GET /api/orders?account=...&role=buyer of the buyer with 2,000
   orders, paged. Any answer but 200 is an error.

Target (the search pages, 50 clients): median under 50 ms, p99 under 200 ms. With 50 clients
that never pause, the latency is 50 / throughput (Little's law): the median target asks for
about 1,000 answers a second. Writes the "api", "targets" and "machine" keys of
``reports/storefront-bench.json`` (other keys are kept) and prints a table. A benchmark, not a
test: it fails only when it cannot measure; a missed target is reported, not fatal.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gzip
import json
import math
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bazaar.index.indexer import Progress
from bazaar.index.schema import open_index
from bazaar.journal import Journal
from bazaar.server.app import ServerSettings, serve, storefront
from tools.local.index_bench import create_database, machine, postgres
from tools.local.storefront_fill import (
    LISTINGS,
    ORDERS,
    RARE,
    SELLERS,
    TOKENS,
    Fill,
    address,
    fill_index,
    plan,
)

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "storefront-bench.json"
CLIENTS, SEARCHES, OTHERS, WARM_UP, MIX_SECONDS = 50, 5_000, 2_000, 300, 60.0
TARGET_MEDIAN_MS, TARGET_P99_MS = 50, 200
MIXES, DATABASES = (
    ("search", "searchOneClient", "listing", "ordersOfBuyer"),
    ("sqlite", "postgresql"),
)

# -- 2. the server ----------------------------------------------------------------------------


@contextlib.contextmanager
def running(url: str, head: int) -> Iterator[str]:
    """`bazaar serve`'s storefront on the index at `url`, on 127.0.0.1 (a free port), in a
    thread; its URL. Its `sync` reports the index at the head (there is no chain)."""
    engine = open_index(url)
    log: list[dict[str, Any]] = []
    tokens = {name: address(f"token {name}") for name in TOKENS}
    journal = Journal(
        Path("bench.json"),
        {"contracts": {"market": {"address": address("market")}}, "tokens": tokens},
    )
    shop = storefront(engine, lambda: Progress(head, head, head, 0, None), ServerSettings(),
                      31337, journal, log.append)  # fmt: skip
    started, state = threading.Event(), {}

    async def main() -> None:
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()

        def listening(where: str) -> None:
            state["url"] = where
            started.set()

        await serve(shop, "127.0.0.1", 0, state["stop"], listening)

    def thread() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:
            state["failure"] = exc
        finally:
            started.set()

    worker = threading.Thread(target=thread, daemon=True)
    worker.start()
    if not started.wait(60) or "url" not in state:
        raise RuntimeError(f"the server did not start: {state.get('failure')}")
    try:
        state["shop"] = shop
        yield state["url"]
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        worker.join(30)
        engine.dispose()
    errors = [entry for entry in log if entry["event"] == "error"]
    if worker.is_alive() or "failure" in state or errors:
        raise RuntimeError(f"the server failed: {state.get('failure')} {errors[:3]}")


# -- 3. the load ------------------------------------------------------------------------------


def search_paths(fill: Fill, count: int) -> list[tuple[str, str]]:
    """`count` search pages (kind, path), in a seeded random order: what shoppers ask."""
    rng = random.Random(7)
    common = ["vintage", "lamp", "leather", "oak", "brass", "Desk", "teapot", "walnut"]
    kinds = {
        "common word": (30, lambda: {"q": rng.choice(common), "page": rng.randint(1, 3)}),
        "rare word": (5, lambda: {"q": rng.choice(list(RARE))}),
        "no match": (3, lambda: {"q": "unobtainium"}),
        "browse": (20, lambda: {"page": rng.randint(1, 50)}),
        "token": (10, lambda: {"token": rng.choice(list(TOKENS)), "page": rng.randint(1, 5)}),
        "seller": (8, lambda: {"seller": rng.choice(fill.sellers)}),
        "sort price": (10, lambda: {"sort": "price", "page": rng.randint(1, 20)}),
        "sort rating": (6, lambda: {"sort": "rating", "page": rng.randint(1, 20)}),
        "word+token+price": (
            5,
            lambda: {"q": rng.choice(common), "token": "wbtc", "sort": "price"},
        ),
        "deep page": (3, lambda: {"page": rng.randint(300, 450), "per_page": 20}),
    }
    names = rng.choices(list(kinds), [weight for weight, _ in kinds.values()], k=count)
    return [(name, "/api/listings?" + urlencode(kinds[name][1]())) for name in names]


async def hammer(
    url: str, paths: list[tuple[str, str]], clients: int, seconds: float
) -> dict[str, Any]:
    """`clients` workers, each asking the next path as soon as it has its answer, until every
    path was asked or `seconds` passed (then no new request starts): (kind, seconds, status)
    of each, and the wall time."""
    done: list[tuple[str, float, str]] = []
    queue = iter(paths)
    limits = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=limits, timeout=aiohttp.ClientTimeout(30)) as http:

        async def worker(deadline: float) -> None:
            for kind, path in queue:
                if time.monotonic() > deadline:
                    return
                began = time.perf_counter()
                try:
                    async with http.get(url + path) as answer:
                        await answer.read()
                        status = str(answer.status)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status = type(exc).__name__
                done.append((kind, time.perf_counter() - began, status))

        began = time.monotonic()
        await asyncio.gather(*(worker(began + seconds) for _ in range(clients)))
    return {"answers": done, "wall": time.monotonic() - began}


def load(url: str, paths: list[tuple[str, str]], clients: int, seconds: float) -> dict[str, Any]:
    """`hammer` after a warm-up of WARM_UP requests (not counted): in a child process."""
    asyncio.run(hammer(url, paths[:WARM_UP], clients, seconds))
    return asyncio.run(hammer(url, paths, clients, seconds))


def figures(seconds: list[float]) -> dict[str, Any]:
    ranked = sorted(seconds)

    def rank(p: float) -> float:  # nearest rank
        return round(ranked[max(0, math.ceil(p * len(ranked)) - 1)] * 1_000, 1)

    return {"requests": len(ranked), "medianMs": round(statistics.median(ranked) * 1_000, 1),
            "p95Ms": rank(0.95), "p99Ms": rank(0.99), "maxMs": round(ranked[-1] * 1_000, 1),
            "meanMs": round(statistics.fmean(ranked) * 1_000, 1)}  # fmt: skip


def measure_mix(url: str, paths: list[tuple[str, str]], clients: int) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as child:
        run = child.apply(load, (url, paths, clients, MIX_SECONDS))
    answers = run["answers"]
    errors = [status for _, _, status in answers if status != "200"]
    by_kind: dict[str, list[float]] = {}
    for kind, seconds, _ in answers:
        by_kind.setdefault(kind, []).append(seconds)
    return {
        "clients": clients,
        **figures([seconds for _, seconds, _ in answers]),
        "throughputPerSecond": round(len(answers) / run["wall"], 1),
        "wallSeconds": round(run["wall"], 2),
        "errors": len(errors),
        "errorStatuses": dict(sorted(collections.Counter(errors).items())),
        "timeBoundHit": len(answers) < len(paths),
        "byKind": {kind: figures(s) for kind, s in sorted(by_kind.items())}
        if len(by_kind) > 1
        else {},
    }


def measure_api(url: str, fill: Fill, scale: float) -> dict[str, Any]:
    searches = search_paths(fill, max(WARM_UP, int(SEARCHES * scale)))
    others = max(WARM_UP, int(OTHERS * scale))
    rng = random.Random(11)
    listing_ids = [rng.randint(1, len(fill.rows["listings"])) for _ in range(others)]
    pages = -(-sum(o["buyer"] == fill.heavy_buyer for o in fill.rows["orders"]) // 20)  # of 20
    api: dict[str, Any] = {}
    with running(url, fill.head) as base:
        api["firstRender"] = first_render(base)
        api["search"] = measure_mix(base, searches, CLIENTS)
        api["search"]["distinctPages"] = len({path for _, path in searches})
        api["searchOneClient"] = measure_mix(base, searches[: others // 4], 1)
        api["listing"] = measure_mix(
            base, [("listing", f"/api/listings/{i}") for i in listing_ids], CLIENTS
        )
        query = {"account": fill.heavy_buyer, "role": "buyer"}
        api["ordersOfBuyer"] = measure_mix(
            base,
            [
                ("orders", "/api/orders?" + urlencode({**query, "page": 1 + n % pages}))
                for n in range(others)
            ],
            CLIENTS,
        )
    return api


# -- the page ---------------------------------------------------------------------------------

RENDERS = 5


def first_render(base: str) -> dict[str, Any]:
    """The page's first catalogue render in Debian's Chromium (tests/support/browser.py's
    launch, no wallet): from navigation to the first page of cards with every title checked
    against its hash and shown, in a new browser context each time (nothing cached); the
    median of RENDERS, and the bundle's size."""
    from tests.support.browser import launch

    seconds = []
    with launch() as browser:
        for _ in range(RENDERS):
            context = browser.new_context()
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_function(
                "() => document.querySelectorAll('.card').length > 0 && "
                "[...document.querySelectorAll('.card h3')].every(t => t.textContent !== '…')",
                timeout=30_000,
            )
            seconds.append(time.perf_counter() - start)
            context.close()
    bundle = (ROOT / "bazaar" / "server" / "static" / "app.js").read_bytes()
    return {
        "medianSeconds": round(statistics.median(seconds), 3),
        "maxSeconds": round(max(seconds), 3),
        "runs": RENDERS,
        "bundleBytes": len(bundle),
        "bundleGzipBytes": len(gzip.compress(bundle, 9)),
    }


# -- the run ----------------------------------------------------------------------------------


def measure(scale: float) -> dict[str, Any]:
    started = time.monotonic()
    fill = plan(int(LISTINGS * scale), int(ORDERS * scale))
    heavy = sum(o["buyer"] == fill.heavy_buyer for o in fill.rows["orders"])
    api: dict[str, Any] = {
        "data": {
            "planSeconds": round(time.monotonic() - started, 2),
            "listings": len(fill.rows["listings"]),
            "orders": len(fill.rows["orders"]),
            "events": len(fill.rows["events"]),
            "sellers": SELLERS,
            "ordersOfMeasuredBuyer": heavy,
            "statuses": dict(collections.Counter(o["status"] for o in fill.rows["orders"])),
        }
    }
    with tempfile.TemporaryDirectory(prefix="bazaar-storefront-bench-") as folder, postgres() as pg:
        urls = {
            "sqlite": f"sqlite:///{Path(folder) / 'index.sqlite'}",
            "postgresql": create_database(pg, "storefront_bench"),
        }
        for db, url in urls.items():
            print(f"{db}: filling the index ...")
            filled = fill_index(url, fill)
            print(f"{db}: filled in {filled['totalSeconds']:.1f} s; measuring ...")
            api[db] = {"fill": filled, **measure_api(url, fill, scale)}
    return api


def verdicts(api: dict[str, Any]) -> dict[str, Any]:
    return {
        db: {
            "searchMedianUnder50ms": api[db]["search"]["medianMs"] < TARGET_MEDIAN_MS,
            "firstRenderUnder1_5s": api[db]["firstRender"]["medianSeconds"] < 1.5,
            "bundleUnder300KiBGzipped": api[db]["firstRender"]["bundleGzipBytes"] < 300 * 1024,
            "searchP99Under200ms": api[db]["search"]["p99Ms"] < TARGET_P99_MS,
            "noErrors": all(api[db][mix]["errors"] == 0 for mix in MIXES),
        }
        for db in DATABASES
    }


HEADS = ("clients", "median", "p95", "p99", "max", "req/s")


def table(api: dict[str, Any]) -> str:
    data = api["data"]
    rows = [
        f"{data['listings']:,} listings, {data['orders']:,} orders, {data['events']:,} events; "
        f"filled in {api['sqlite']['fill']['totalSeconds']:.1f} s (SQLite), "
        f"{api['postgresql']['fill']['totalSeconds']:.1f} s (PostgreSQL)",
        f"{'':<34}" + "".join(f"{h:>8}" for h in HEADS) + f"{'errors':>7}",
    ]
    for db in DATABASES:
        for mix in MIXES:
            m = api[db][mix]
            ms = "".join(f"{m[f]:>8.1f}" for f in ("medianMs", "p95Ms", "p99Ms", "maxMs"))
            rows.append(
                f"{db + ' ' + mix:<34}{m['clients']:>8}{ms}"
                f"{m['throughputPerSecond']:>8.0f}{m['errors']:>7}"
            )
        for kind, k in api[db]["search"]["byKind"].items():
            ms = "".join(f"{k[f]:>8.1f}" for f in ("medianMs", "p95Ms", "p99Ms", "maxMs"))
            rows.append(f"  {kind:<40}{ms}")
    rows.append("milliseconds; search target: median < 50, p99 < 200 at 50 clients")
    for db, checks in api["verdicts"].items():
        missed = [name for name, ok in checks.items() if not ok]
        rows.append(
            f"{db}: " + ("every target met" if not missed else "MISSED " + ", ".join(missed))
        )
    rows.append(f"whole benchmark: {api['wallSeconds']:.0f} s")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="of the data and the requests (a quick try: 0.1)"
    )
    scale = parser.parse_args().scale
    started = time.monotonic()
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report["machine"] = {
        **machine(),
        "note": "a shared machine: other work may run on the same cores; the server, the load "
        "generator (a child process) and PostgreSQL share them. PostgreSQL: a throwaway cluster "
        "on a unix socket, fsync off. SQLite: a file in the temp folder.",
    }
    api = measure(scale)
    api["scale"] = scale
    api["verdicts"] = verdicts(api)
    api["wallSeconds"] = round(time.monotonic() - started, 1)
    report["api"] = api
    report["targets"] = {
        **report.get("targets", {}),
        "apiSearchMedianMs": TARGET_MEDIAN_MS,
        "apiSearchP99Ms": TARGET_P99_MS,
        "apiClients": CLIENTS,
    }
    report["machine"]["loadAverageAtEnd"] = os.getloadavg()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    print(table(api))
    print(f"\nwritten: {REPORT}")


if __name__ == "__main__":
    main()
