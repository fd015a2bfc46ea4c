"""`bazaar serve`: the storefront server (bazaar/server/): a JSON read API over the index on
loopback, following the chain while it runs, and the content-addressed catalogue with signed
uploads. It logs one JSON object per line on stdout (listening, indexed, reorg, collected,
error, stop); SIGTERM or Ctrl-C stops it cleanly (status 0).

`bazaar catalogue upload FILE...`: signs each file's hash with the keystore's account and
uploads it to a storefront server (an image when its bytes are one, otherwise a document,
checked against its schema here first); prints the hashes. `bazaar list --document FILE`
does the same for one listing document and lists with its hash as the metadata."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from typing import Any

from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context, json_safe, server_url
from bazaar.cli.index import db_arg, index_engine
from bazaar.cli.parsing import command_adder, non_negative_int, positive_int
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.governor import GovernorClient
from bazaar.clients.oracle import OracleClient
from bazaar.errors import BazaarError
from bazaar.index.indexer import DEFAULT_CONFIRMATIONS, Indexer


def seconds(text: str) -> float:
    """A positive number of seconds, decimals allowed (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < 10**9:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


def port_number(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535 (argparse type)."""
    value = non_negative_int(text)
    if value > 65_535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return value


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)
    p = command("serve", cmd_serve, sends=False)
    db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    p.add_argument("--port", type=port_number, default=8000, help="0: any free port")
    p.add_argument(
        "--confirmations",
        type=non_negative_int,
        default=DEFAULT_CONFIRMATIONS,
        help="blocks the index stays behind the head (reorg safety on public chains)",
    )
    p.add_argument("--interval", type=seconds, default=5.0, help="seconds between index passes")
    p.add_argument(
        "--upload-limit", type=positive_int, default=60, help="uploads per address per window"
    )
    p.add_argument(
        "--upload-window", type=seconds, default=3_600.0, help="the rate limit's window (s)"
    )
    p.add_argument(
        "--keep-unreferenced",
        type=seconds,
        default=86_400.0,
        help="seconds an upload no listing references is kept before it is dropped",
    )

    group = commands.add_parser("catalogue", help=HELP["catalogue"], description=HELP["catalogue"])
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=type(group))
    actions.required = True
    add = command_adder(actions, add_globals)
    p = add(
        "upload",
        cmd_upload,
        "sign and upload listing or profile documents and images; prints their hashes",
        sends=False,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a JSON document or an image")
    server_arg(p)


def server_arg(p: Any) -> None:
    """--server URL, on the commands that upload to a storefront server."""
    p.add_argument(
        "--server",
        metavar="URL",
        help="the storefront server (bazaar serve) to upload to (default: $BAZAAR_SERVER_URL)",
    )


def cmd_serve(ctx: Context) -> int:
    import asyncio

    from bazaar.server.app import ProposalStates, Rates, ServerSettings, Token, serve, storefront

    args = ctx.args
    engine = index_engine(ctx)
    indexer = Indexer(ctx.w3, engine, ctx.deployment, args.confirmations)
    lock = threading.Lock()

    def report(entry: dict[str, Any]) -> None:  # from the follower's thread too
        with lock:
            ctx.out.write(json.dumps(json_safe(entry), sort_keys=True) + "\n")
            ctx.out.flush()

    settings = ServerSettings(
        interval=args.interval,
        upload_limit=args.upload_limit,
        upload_window=args.upload_window,
        keep_unreferenced=args.keep_unreferenced,
    )
    oracle = ctx.client(OracleClient, "oracle")
    tokens = [
        Token(address, name, erc20.symbol, erc20.decimals)
        for name, address in ctx.deployment.data.get("tokens", {}).items()
        for erc20 in [Erc20Client(ctx.w3, address)]
    ]
    rates = Rates(tokens, lambda token, usd: oracle.quote(token, usd).token_amount)
    states = ProposalStates(ctx.client(GovernorClient, "governor").state)
    shop = storefront(engine, indexer.sync, settings, ctx.chain_id, ctx.deployment, report)

    async def run() -> None:
        stop = asyncio.Event()
        if threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
        await serve(
            shop,
            args.host,
            args.port,
            stop,
            lambda url: report({"event": "listening", "url": url, "market": shop.market}),
            rates,
            states,
        )

    asyncio.run(run())
    report({"event": "stop"})
    return 0


def cmd_upload(ctx: Context) -> int:
    from bazaar import catalogue

    bodies = []
    for path in ctx.args.files:  # every file checked before anything is signed or sent
        try:
            body = catalogue.read_file(path)
            catalogue.kind_of(body)
        except BazaarError as exc:
            raise BazaarError(f"{path}: {exc}") from None
        bodies.append((path, body))
    server = server_url(ctx)
    found, lines = [], []
    for path, body in bodies:
        done = catalogue.upload(server, body, ctx.account)
        found.append(
            {
                "file": path,
                "hash": done.hash,
                "kind": done.kind,
                "contentType": done.content_type,
                "created": done.created,
            }
        )
        lines.append(
            f"{done.hash}  {done.kind:<8} {path}" + ("" if done.created else "  (already there)")
        )
    ctx.emit({"server": server, "uploads": found}, lines)
    return 0
