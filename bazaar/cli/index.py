"""`bazaar index`, `bazaar orders`, `bazaar listings`: the suite's events in SQL, and the
questions people ask of them. The index is an SQLite file in the user's data folder by default
(nothing to install), or any database given by `--db URL` or `$BAZAAR_INDEX_URL`
(`postgresql://user@host/db` for PostgreSQL). `orders` and `listings` read the index only and
say how far it is behind the chain; `index` brings it up to date (`--follow`: and keeps it)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from bazaar.cli.common import Context, points_json, time_json, when
from bazaar.cli.parsing import command_adder, non_negative_int, positive_int
from bazaar.errors import BazaarError
from bazaar.index import queries
from bazaar.index.indexer import DEFAULT_CONFIRMATIONS, Indexer
from bazaar.index.schema import default_url, open_index
from bazaar.settings import INDEX_URL_ENV
from bazaar.units import checksum, format_points, format_usd


def db_arg(p: Any) -> None:
    """--db URL, on every command that reads or writes the index."""
    p.add_argument(
        "--db",
        metavar="URL",
        help=f"the index database (default: ${INDEX_URL_ENV}, else an SQLite file in the "
        "user's data folder)",
    )


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)

    p = command("index", cmd_index, sends=False)
    db_arg(p)
    p.add_argument(
        "--confirmations",
        type=non_negative_int,
        default=DEFAULT_CONFIRMATIONS,
        help="blocks to stay behind the head (reorg safety on public chains)",
    )
    p.add_argument("--follow", action="store_true", help="keep following the chain (Ctrl-C stops)")
    p.add_argument("--interval", type=positive_int, default=5, help="seconds between passes")

    p = command("orders", cmd_orders, sends=False)
    db_arg(p)
    p.add_argument("--as", dest="role", choices=queries.ROLES, required=True)
    p.add_argument("--account", help="whose orders (default: the keystore's account)")
    p.add_argument("--status", action="append", default=[], help="only this status (repeatable)")
    p.add_argument("--due", action="store_true", help="only what waits on you, soonest first")
    p.add_argument("--limit", type=positive_int, default=1_000, help="at most this many")

    p = command("listings", cmd_listings, sends=False)
    db_arg(p)
    p.add_argument("--seller", help="only this seller's")
    p.add_argument("--token", help="only listings accepting this token (wbtc, usdc, address)")
    p.add_argument("--all", action="store_true", help="delisted ones too")
    p.add_argument("--sort", choices=("id", "price"), default="id")
    p.add_argument("--limit", type=positive_int, default=100, help="at most this many")

    p = command("proposals", cmd_proposals, sends=False)
    db_arg(p)
    p.add_argument("--proposer", help="only this proposer's")
    p.add_argument("--limit", type=positive_int, default=20, help="newest first, this many")

    p = command("earnings", cmd_earnings, sends=False)
    db_arg(p)
    p.add_argument("--account", help="whose (default: the keystore's account)")
    p.add_argument(
        "--referrer",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="instead: the commissions ADDRESS (alone: --account or the keystore's account) "
        "earned as a referrer and its claimable credits, read from the chain (no index needed)",
    )


def index_engine(ctx: Context) -> Any:
    url = (
        getattr(ctx.args, "db", None) or os.environ.get(INDEX_URL_ENV) or default_url(ctx.chain_id)
    )
    return open_index(url)


def _lag(ctx: Context, engine: Any) -> tuple[dict[str, Any], str]:
    head = int(ctx.w3.eth.block_number)
    last = queries.last_block(engine)
    if last is None:
        return (
            {"lastBlock": None, "head": head, "behind": None},
            "the index is empty: run `bazaar index` first",
        )
    behind = max(0, head - last)
    text = f"index at block {last:,}" + (
        f", {behind:,} block(s) behind the head ({head:,})" if behind else ", at the head"
    )
    return {"lastBlock": last, "head": head, "behind": behind}, text


def _log(text: str) -> None:
    sys.stderr.write(f"bazaar index: {text}\n")
    sys.stderr.flush()


def cmd_index(ctx: Context) -> int:
    engine = index_engine(ctx)
    indexer = Indexer(ctx.w3, engine, ctx.deployment, ctx.args.confirmations)
    stop = threading.Event()
    if ctx.args.follow:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    total, failures, reorged = 0, 0, None
    while True:
        try:
            progress = indexer.sync()
        except Exception as exc:  # --follow is a service: a node or database error waits
            if not ctx.args.follow:
                raise
            failures += 1
            wait = min(300, ctx.args.interval * 2 ** min(failures, 30))
            _log(f"error: {' '.join(str(exc).split())[:300]}; retrying in {wait} s")
            if stop.wait(wait):
                break
            continue
        failures = 0
        total += progress.events
        reorged = progress.reorged_from if progress.reorged_from is not None else reorged
        # progress is a log, on stderr: stdout keeps the one result (one JSON object)
        if progress.reorged_from is not None:
            _log(f"reorg: dropped what was indexed from block {progress.reorged_from}")
        if not ctx.args.follow or stop.is_set():
            break
        if progress.events:
            _log(f"indexed to block {progress.to_block:,}: {progress.events} event(s)")
        if stop.wait(ctx.args.interval):
            break
    lag, text = _lag(ctx, engine)
    ctx.emit(
        {"events": total, "reorgedFrom": reorged, "index": lag},
        [f"indexed {total} event(s); {text}"],
    )
    return 0


def _cut(rows: list[Any], limit: int) -> str:
    return f"; the first {limit} only: pass --limit" if len(rows) == limit else ""


def _whose(ctx: Context) -> str:
    """--account, else the keystore's account (read only: no password when --account is given)."""
    if ctx.args.account:
        return checksum(ctx.args.account, "account")
    if not ctx.args.keystore:
        raise BazaarError("whose? pass --account ADDRESS (or --keystore FILE for your own)")
    return ctx.me


def cmd_orders(ctx: Context) -> int:
    args = ctx.args
    engine = index_engine(ctx)
    account = _whose(ctx)
    rows = queries.orders_of(engine, account, args.role, tuple(args.status), args.due, args.limit)
    lag, text = _lag(ctx, engine)
    lines = [f"{len(rows)} order(s) of {account} as {args.role}" + (" due" if args.due else "")]
    for row in rows:
        deadline = (
            f"; {queries.DUE_ACTION.get(row.status, 'deadline')} by {when(row.deadline)}"
            if row.deadline
            else ""
        )
        lines.append(
            f"  {row.id}  {row.status:<9} listing {row.listing_id} x{row.quantity} "
            f"{format_usd(row.usd_amount)}{deadline}"
        )
    lines.append(f"({text}{_cut(rows, args.limit)})")
    ctx.emit(
        {
            "account": account,
            "truncated": len(rows) == args.limit,
            "role": args.role,
            "orders": [r.to_json() | time_json("deadline", r.deadline or 0) for r in rows],
            "index": lag,
        },
        lines,
    )
    return 0


def cmd_listings(ctx: Context) -> int:
    args = ctx.args
    engine = index_engine(ctx)
    token_id = None
    if args.token:
        from bazaar.cli.market import market_client, token_client

        token = token_client(ctx, args.token)
        token_id = int(market_client(ctx, signing=False).view("tokenId", token.address))
        if token_id == 0:
            raise BazaarError(f"{token.symbol} is not a payment token of this marketplace")
    seller = checksum(args.seller, "seller") if args.seller else None
    active = None if args.all else True
    rows = queries.listings_where(engine, seller, token_id, active, args.sort, args.limit)
    now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    live = not args.all
    offers = queries.offers_where(engine, now, seller, token_id, live, args.sort, args.limit)
    lag, text = _lag(ctx, engine)
    lines = [f"{len(rows)} listing(s)"]
    for r in rows:
        lines.append(
            f"  {r['listingId']:>5}  {format_usd(r['priceUsd']):>14}  stock {r['stock']:<5} "
            f"{r['kind']:<8} seller {r['seller']}" + ("" if r["active"] else "  (delisted)")
        )
    if offers:
        lines.append(f"{len(offers)} signed offer(s) (bazaar buy --offer HASH)")
    for o in offers:
        state = [k for k in ("cancelled", "superseded", "expired") if o[k]]
        lines.append(
            f"  {o['offerHash']}  {format_usd(o['priceUsd']):>14}  left {o['left']:<5} "
            f"seller {o['seller']}" + (f"  ({', '.join(state)})" if state else "")
        )
    lines.append(f"({text}{_cut(rows, args.limit)})")
    ctx.emit(
        {"listings": rows, "offers": offers, "truncated": len(rows) == args.limit, "index": lag},
        lines,
    )
    return 0


def cmd_proposals(ctx: Context) -> int:
    from bazaar.clients.governor import GovernorClient

    args = ctx.args
    engine = index_engine(ctx)
    proposer = checksum(args.proposer, "proposer") if args.proposer else None
    rows = queries.proposals_list(engine, proposer, args.limit)
    governor = ctx.client(GovernorClient, "governor")
    lag, text = _lag(ctx, engine)
    lines, found = [f"{len(rows)} proposal(s), newest first"], []
    for r in rows:
        state = governor.state(int(r.id))  # time and quorum decide it: the chain's answer
        title = r.description.splitlines()[0][:70] if r.description else "(no description)"
        lines += [
            f"  {r.id}",
            f"    {state}: {title}",
            f"    for {format_points(r.votes_for)}, against {format_points(r.votes_against)}, "
            f"abstain {format_points(r.votes_abstain)} ({r.voters} voter(s)); voting "
            f"{when(r.vote_start)} to {when(r.vote_end)}"
            + (f"; executable from {when(r.eta)}" if r.eta and state == "Queued" else ""),
        ]
        found.append(
            {
                "proposalId": r.id,
                "state": state,
                "proposer": r.proposer,
                "description": r.description,
                "calls": r.calls,
                **points_json("votesFor", r.votes_for),
                **points_json("votesAgainst", r.votes_against),
                **points_json("votesAbstain", r.votes_abstain),
                "voters": r.voters,
                **time_json("voteStart", r.vote_start),
                **time_json("voteEnd", r.vote_end),
                **time_json("eta", r.eta or 0),
            }
        )
    lines.append(f"({text})")
    ctx.emit({"proposals": found, "index": lag}, lines)
    return 0


def cmd_earnings(ctx: Context) -> int:
    from bazaar.clients.erc20 import Erc20Client
    from bazaar.clients.staking import StakingClient

    if ctx.args.referrer is not None:
        from bazaar.cli.cart import referrer_earnings

        return referrer_earnings(ctx)
    engine = index_engine(ctx)
    account = _whose(ctx)
    found = queries.earnings_of(engine, account)
    staking = ctx.client(StakingClient, "staking")
    claimable = {t: staking.earned(account, t) for t in staking.reward_tokens}
    tokens: dict[str, Erc20Client] = {}

    def shown(units: dict[str, int]) -> list[str]:
        for token in units:
            tokens.setdefault(token, Erc20Client(ctx.w3, token))
        return [tokens[t].format(u) for t, u in units.items() if u]

    def amounts(units: dict[str, int]) -> dict[str, Any]:
        return {t: {"units": str(u), "formatted": tokens[t].format(u)} for t, u in units.items()}

    proceeds, credits = shown(found.proceeds), shown(found.credits)
    claimed, open_ = shown(found.rewards_claimed), shown(claimable)
    lag, text = _lag(ctx, engine)
    lines = [
        f"earnings of {account}",
        f"  as a seller: {', '.join(proceeds) or 'nothing'} paid out for {found.orders} "
        f"order(s); credits to claim: {', '.join(credits) or 'none'}",
        f"  as a staker: {', '.join(claimed) or 'nothing'} claimed; claimable now: "
        f"{', '.join(open_) or 'nothing'}",
        f"({text}; claimable is read from the chain)",
    ]
    ctx.emit(
        {
            "account": account,
            "proceeds": amounts(found.proceeds),
            "orders": found.orders,
            "credits": amounts(found.credits),
            "rewardsClaimed": amounts(found.rewards_claimed),
            "rewardsClaimable": amounts(claimable),
            "index": lag,
        },
        lines,
    )
    return 0
