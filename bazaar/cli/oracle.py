"""`bazaar record-outage`: anyone records that a token's price configuration cannot be read
for settlement now (or clears the record once it reads again). A USD-protected order whose
price has been out long enough settles at its deposit (see docs/DESIGN.md)."""

from __future__ import annotations

from typing import Any

from bazaar.cli.common import Context, time_json, tx_json
from bazaar.cli.market import token_client
from bazaar.cli.parsing import command_adder, positive_int
from bazaar.clients.oracle import OracleClient


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)
    p = command("record-outage", cmd_record_outage)
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p.add_argument(
        "--version", type=positive_int, help="the configuration version, from 1 (default: latest)"
    )


def cmd_record_outage(ctx: Context) -> int:
    token = token_client(ctx, ctx.args.token)
    oracle = ctx.client(OracleClient, "oracle", signing=True)
    version = ctx.args.version
    if version is None:
        version = oracle.latest_version(token.address)
    receipt = oracle.record_outage(token.address, version)
    since = oracle.outage_since(token.address, version)
    line = (
        f"outage of {token.symbol} configuration {version} recorded"
        if since
        else f"the outage record of {token.symbol} configuration {version} is cleared"
    )
    ctx.emit(
        {
            "action": "record-outage",
            "token": token.address,
            "version": version,
            **time_json("outageSince", since),
            **tx_json(receipt),
        },
        [line],
    )
    return 0
