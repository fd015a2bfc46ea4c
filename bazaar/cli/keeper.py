"""`bazaar keeper`: the long-running sender of what anyone may send once an order's deadline
has passed (releases, reclaims, default rulings), from the index (bazaar/keeper.py). It logs
one JSON object per line on stdout (sent, done, failed, skipped, resumed, dropped, pass,
error); SIGTERM or Ctrl-C stops it after the order in hand; `--once` makes one pass."""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Any

from bazaar.cli.common import Context, json_safe
from bazaar.cli.index import db_arg, index_engine
from bazaar.cli.market import market_client
from bazaar.cli.parsing import command_adder, non_negative_int, positive_int
from bazaar.index.indexer import DEFAULT_CONFIRMATIONS, Indexer
from bazaar.keeper import MAX_PER_PASS, Keeper


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)
    p = command("keeper", cmd_keeper, sends=False)  # a service, not a Safe's one-off batch
    db_arg(p)
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--interval", type=positive_int, default=15, help="seconds between passes")
    p.add_argument(
        "--confirmations",
        type=non_negative_int,
        default=DEFAULT_CONFIRMATIONS,
        help="blocks the index stays behind the head (reorg safety on public chains)",
    )
    p.add_argument(
        "--max-per-pass",
        type=positive_int,
        default=MAX_PER_PASS,
        help="orders handled in one pass at most",
    )


def cmd_keeper(ctx: Context) -> int:
    args = ctx.args
    engine = index_engine(ctx)
    market = market_client(ctx, signing=True)
    indexer = Indexer(ctx.w3, engine, ctx.deployment, args.confirmations)

    def report(entry: dict[str, Any]) -> None:
        ctx.out.write(json.dumps(json_safe(entry), sort_keys=True) + "\n")
        ctx.out.flush()

    keeper = Keeper(market, ctx.sender, engine, indexer, report, args.max_per_pass)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    report({"event": "start", "keeper": ctx.sender.address, "market": market.address})
    if args.once:
        result = keeper.run_once(stop.is_set)
        report({"event": "pass", **result.to_json()})
    else:
        keeper.run(args.interval, stop.is_set, stop.wait)
    report({"event": "stop"})
    sys.stdout.flush()
    return 0
