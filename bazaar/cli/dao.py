"""DAO commands: stake, unstake, propose, vote, sign-vote, relay-votes, queue, execute, and
the status of a proposal or a staker (reached through `bazaar status`). Amounts in points at
the edge; --json prints the same numbers, as integers in contract units beside the human
strings. Proposal ids are printed in decimal (in JSON as strings: they are 256-bit hashes).
With --safe-batch FILE, propose, queue and execute write a Safe Transaction Builder batch
instead of sending (no keystore needed)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web3.types import TxReceipt

from bazaar import safe
from bazaar.calls import encode_call
from bazaar.cli.common import Context, non_negative_int
from bazaar.clients.base import checksum
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.governor import Actions, GovernorClient, ProposalStatus, parse_proposal_id
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.clients.staking import StakingClient
from bazaar.errors import BazaarError
from bazaar.governance import SUPPORT_NAMES, SignedBallot, parse_support
from bazaar.tx import Call
from bazaar.units import format_points, parse_points

MAX_BPS = 10_000


def register(commands: Any, add_globals: Any) -> None:
    def command(name: str, handler: Any, text: str) -> Any:
        p = commands.add_parser(name, help=text, description=text)
        add_globals(p)
        p.set_defaults(handler=handler)
        return p

    def proposal_arg(p: Any) -> None:
        p.add_argument("proposal", metavar="PROPOSAL_ID", help="decimal, or 0x hex")

    def safe_args(p: Any) -> None:
        p.add_argument(
            "--safe-batch",
            metavar="FILE",
            help="write a Safe Transaction Builder batch to FILE instead of sending",
        )
        p.add_argument("--safe", metavar="ADDRESS", help="the Safe the batch is for (optional)")

    p = command("stake", cmd_stake, "stake reward points for votes and a share of fees")
    p.add_argument("amount", metavar="POINTS", help="points to stake, e.g. 150 or 2.5")
    p.add_argument("--no-approve", action="store_true", help="fail instead of approving")

    p = command(
        "unstake",
        cmd_unstake,
        "request an unstake (points stop voting now, withdrawable after the cooldown), "
        "or --withdraw it inside its window, or --cancel it",
    )
    p.add_argument("amount", metavar="POINTS", nargs="?", help="points to unstake")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--withdraw", action="store_true", help="withdraw the pending unstake")
    mode.add_argument("--cancel", action="store_true", help="put the pending unstake back")

    p = command("propose", cmd_propose, "propose a marketplace fee change or any call")
    p.add_argument("--description", help="what the proposal does (default: generated)")
    p.add_argument("--fee-bps", type=non_negative_int, help="new platform fee, basis points")
    p.add_argument(
        "--arbiter-fee-bps", type=non_negative_int, help="new arbiter fee (default: unchanged)"
    )
    p.add_argument("--target", help="a contract address, or market, oracle, points, staking...")
    p.add_argument("--signature", help="the function called, e.g. setFees(uint256,uint256)")
    p.add_argument("--arg", action="append", default=[], help="an argument (repeatable, in order)")
    p.add_argument(
        "--no-check", action="store_true", help="skip running the call as the timelock first"
    )
    safe_args(p)

    p = command("vote", cmd_vote, "vote on an Active proposal")
    proposal_arg(p)
    p.add_argument("support", metavar="for|against|abstain")
    p.add_argument("--reason", default="", help="a reason recorded with the vote")

    p = command("sign-vote", cmd_sign_vote, "sign a vote off-line; prints the ballot as JSON")
    proposal_arg(p)
    p.add_argument("support", metavar="for|against|abstain")
    p.add_argument(
        "--nonce",
        type=non_negative_int,
        help="the voter's ballot nonce (default: its current one, which relaying does not use up)",
    )

    p = command("relay-votes", cmd_relay_votes, "send signed ballots (castVoteBySig)")
    p.add_argument(
        "ballots",
        metavar="FILE",
        nargs="?",
        default="-",
        help="ballots: a JSON object, a JSON list or JSON lines (default: stdin)",
    )

    p = command("queue", cmd_queue, "queue a Succeeded proposal in the timelock")
    proposal_arg(p)
    safe_args(p)

    p = command("execute", cmd_execute, "execute a Queued proposal after the timelock's delay")
    proposal_arg(p)
    safe_args(p)


# -- shared -----------------------------------------------------------------------------


def _governor(ctx: Context, signing: bool = False) -> GovernorClient:
    entry = ctx.deployment.contract("governor")
    return GovernorClient(
        ctx.w3,
        entry["address"],
        sender=ctx.sender if signing else None,
        from_block=int(entry.get("block", 0)),
    )


def _staking(ctx: Context, signing: bool = False) -> StakingClient:
    return StakingClient(ctx.w3, ctx.deployment.address("staking"), ctx.sender if signing else None)


def when(timestamp: int) -> str:
    """A Unix time as "2026-11-22 06:42:00 UTC (1795330920)"."""
    text = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{text} ({timestamp})"


def _tx_json(receipt: TxReceipt) -> dict[str, Any]:
    return {"txHash": "0x" + bytes(receipt["transactionHash"]).hex(), "gasUsed": receipt["gasUsed"]}


def _resolver(ctx: Context) -> Any:
    """Names of the deployment's contracts and tokens, for addresses typed by people."""

    def resolve(name: str) -> str | None:
        contracts = ctx.deployment.data.get("contracts", {})
        tokens = ctx.deployment.data.get("tokens", {})
        if name in contracts:
            return contracts[name]["address"]
        return tokens.get(name)

    return resolve


def _address(ctx: Context, text: str, what: str) -> str:
    resolved = _resolver(ctx)(text) if not text.startswith("0x") else None
    return checksum(resolved or text, what)


def _points_json(name: str, units: int) -> dict[str, Any]:
    return {name: units, f"{name}Formatted": format_points(units)}


def _write_safe_batch(
    ctx: Context, calls: list[Call], name: str, description: str
) -> dict[str, Any]:
    owner = checksum(ctx.args.safe, "Safe address") if ctx.args.safe else ""
    data = safe.batch(ctx.chain_id, calls, name, description, owner)
    path = safe.write_batch(ctx.args.safe_batch, data)
    return {"safeBatch": str(path), "transactions": data["transactions"]}


# -- staking ----------------------------------------------------------------------------


def cmd_stake(ctx: Context) -> int:
    amount = parse_points(ctx.args.amount)
    staking = _staking(ctx, signing=True)
    result = staking.stake(amount, approve=not ctx.args.no_approve)
    block = ctx.w3.eth.get_block(result.receipt["blockNumber"])
    votes_from = int(block["timestamp"]) + staking.warmup
    ctx.emit(
        {
            "action": "stake",
            **_points_json("amount", amount),
            **_points_json("staked", result.staked),
            "approved": result.approved,
            "votesFrom": votes_from,
            **_tx_json(result.receipt),
        },
        [
            f"staked {format_points(amount)}" + (" (approved first)" if result.approved else ""),
            f"  {format_points(result.staked)} staked in all; the new points vote from "
            f"{when(votes_from)}",
        ],
    )
    return 0


def cmd_unstake(ctx: Context) -> int:
    args = ctx.args
    if (args.amount is None) == (not (args.withdraw or args.cancel)):
        raise BazaarError("pass POINTS to request an unstake, or --withdraw, or --cancel")
    if args.amount is not None:
        amount = parse_points(args.amount)
        staking = _staking(ctx, signing=True)
        receipt = staking.request_unstake(amount)
        event = staking.events(receipt, "UnstakeRequested")[0]
        pending, ready = int(event["pending"]), int(event["readyAt"])
        closes = int(event["closesAt"])
        staked = staking.staked(ctx.account.address)
        ctx.emit(
            {
                "action": "request",
                **_points_json("amount", amount),
                **_points_json("pending", pending),
                **_points_json("staked", staked),
                "readyAt": ready,
                "closesAt": closes,
                **_tx_json(receipt),
            },
            [
                f"unstake of {format_points(amount)} requested: {format_points(pending)} "
                f"pending, no longer voting",
                f"  withdraw from {when(ready)} until {when(closes)}",
                f"  {format_points(staked)} still staked",
            ],
        )
        return 0
    staking = _staking(ctx, signing=True)
    if args.withdraw:
        receipt, amount = staking.withdraw()
        verb, line = "withdraw", f"withdrew {format_points(amount)}"
    else:
        receipt, amount = staking.cancel_unstake()
        verb, line = "cancel", f"put {format_points(amount)} back into the stake"
    staked = staking.staked(ctx.account.address)
    ctx.emit(
        {
            "action": verb,
            **_points_json("amount", amount),
            **_points_json("staked", staked),
            **_tx_json(receipt),
        },
        [line, f"  {format_points(staked)} staked"],
    )
    return 0


def staker_status(ctx: Context, address: str) -> int:
    """`bazaar status --staker ADDRESS`."""
    staking = _staking(ctx)
    position = staking.position(checksum(address, "staker"))
    rewards = {token: Erc20Client(ctx.w3, token) for token in position.earned}
    earned = [rewards[token].format(units) for token, units in position.earned.items()]
    pending = position.pending
    lines = [
        f"staker {position.account}: {format_points(position.staked)} staked, votes "
        f"{format_points(position.votes)} (delegate {position.delegate})",
        f"  {format_points(position.wallet)} in the wallet; earned "
        f"{', '.join(earned) or 'nothing'}",
    ]
    if pending.amount:
        lines.append(
            f"  {format_points(pending.amount)} pending: withdraw from {when(pending.ready_at)} "
            f"until {when(pending.closes_at)}"
        )
    ctx.emit(
        {
            "staker": position.account,
            **_points_json("staked", position.staked),
            **_points_json("votes", position.votes),
            "delegate": position.delegate,
            **_points_json("wallet", position.wallet),
            "earned": position.earned,
            "earnedFormatted": earned,
            **_points_json("pending", pending.amount),
            "readyAt": pending.ready_at,
            "closesAt": pending.closes_at,
        },
        lines,
    )
    return 0


# -- proposals --------------------------------------------------------------------------


def _actions(ctx: Context) -> tuple[Actions, str]:
    """The proposal's actions from the command line, and a one-line summary."""
    args = ctx.args
    fee = args.fee_bps is not None or args.arbiter_fee_bps is not None
    generic = args.target is not None or args.signature is not None or args.arg
    if fee == bool(generic):
        raise BazaarError(
            "pass either --fee-bps N (a marketplace fee change) or --target ADDRESS "
            "--signature 'f(type,...)' [--arg VALUE]... (any call)"
        )
    if fee:
        market = MarketplaceClient(ctx.w3, ctx.deployment.address("market"))
        current_fee, current_arbiter = market.fees()
        fee_bps = current_fee if args.fee_bps is None else args.fee_bps
        arbiter_bps = current_arbiter if args.arbiter_fee_bps is None else args.arbiter_fee_bps
        for name, value in (("--fee-bps", fee_bps), ("--arbiter-fee-bps", arbiter_bps)):
            if value > MAX_BPS:
                raise BazaarError(f"{name} {value} is above {MAX_BPS} (100 %)")
        data = bytes.fromhex(market.call_for("setFees", fee_bps, arbiter_bps).data[2:])
        summary = (
            f"marketplace fees: platform {current_fee} -> {fee_bps} bps, arbiter "
            f"{current_arbiter} -> {arbiter_bps} bps"
        )
        description = args.description or (
            f"Set the platform fee to {fee_bps} bps and the arbiter fee to {arbiter_bps} bps"
        )
        return Actions((market.address,), (0,), (data,), description), summary
    if args.target is None or args.signature is None:
        raise BazaarError("a generic proposal needs --target and --signature")
    target = _address(ctx, args.target, "target")
    if not ctx.w3.eth.get_code(target):
        raise BazaarError(f"target {target} is not a contract on chain {ctx.chain_id}")
    data = encode_call(args.signature, list(args.arg), _resolver(ctx))
    call_text = f"{args.signature.replace(' ', '')} with ({', '.join(args.arg)})"
    summary = f"call {target}: {call_text}"
    description = args.description or f"Call {call_text} on {target}"
    return Actions((target,), (0,), (data,), description), summary


def _status_lines(status: ProposalStatus, description: str | None) -> list[str]:
    t = status.tally
    quorum = f"; quorum {format_points(status.quorum)}" if status.quorum is not None else ""
    eta = when(status.eta) if status.eta else "-"
    lines = [
        f"proposal {status.id}: {status.state}",
        f"  votes for {format_points(t.for_)}, against {format_points(t.against)}, "
        f"abstain {format_points(t.abstain)}{quorum}",
        f"  snapshot {when(status.snapshot)}, deadline {when(status.deadline)}, eta {eta}",
        f"  proposer {status.proposer}",
    ]
    if description is not None:
        lines.append(f"  description: {description}")
    return lines


def _status_json(status: ProposalStatus) -> dict[str, Any]:
    t = status.tally
    return {
        "proposalId": str(status.id),
        "state": status.state,
        "proposer": status.proposer,
        "snapshot": status.snapshot,
        "deadline": status.deadline,
        "eta": status.eta,
        "votes": t.to_json(),
        "votesFormatted": {k: format_points(v) for k, v in t.to_json().items()},
        "quorum": status.quorum,
        "quorumFormatted": format_points(status.quorum) if status.quorum is not None else None,
    }


def proposal_status(ctx: Context, text: str) -> int:
    """`bazaar status --proposal ID`."""
    governor = _governor(ctx)
    status = governor.status(parse_proposal_id(text))
    try:
        actions, _ = governor.actions(status.id)
        description: str | None = actions.description
        extra: dict[str, Any] = {"actions": actions.to_json()}
    except BazaarError:  # the event is out of reach (a node that prunes logs): still report
        description, extra = None, {"actions": None}
    ctx.emit(
        _status_json(status) | {"description": description} | extra,
        _status_lines(status, description),
    )
    return 0


def cmd_propose(ctx: Context) -> int:
    actions, summary = _actions(ctx)
    governor = _governor(ctx, signing=not ctx.args.safe_batch)
    if not ctx.args.no_check:
        governor.simulate(actions)
    if ctx.args.safe_batch:
        proposal_id = governor.check_new(actions)
        if ctx.args.safe:
            governor.check_can_propose(checksum(ctx.args.safe, "Safe address"))
        written = _write_safe_batch(
            ctx, [governor.propose_call(actions)], "BTC Bazaar proposal", actions.description
        )
        ctx.emit(
            {"proposalId": str(proposal_id), **actions.to_json(), **written},
            [
                f"proposal {proposal_id} (not sent): {summary}",
                f"  wrote a Safe Transaction Builder batch to {written['safeBatch']}",
            ],
        )
        return 0
    proposal_id, receipt = governor.propose(actions)
    status = governor.status(proposal_id)
    ctx.emit(
        _status_json(status) | actions.to_json() | _tx_json(receipt),
        [
            f"proposal {proposal_id}",
            f"  {summary}",
            f"  description: {actions.description}",
            f"  voting from {when(status.snapshot)} until {when(status.deadline)}",
        ],
    )
    return 0


def cmd_vote(ctx: Context) -> int:
    proposal_id = parse_proposal_id(ctx.args.proposal)
    support = parse_support(ctx.args.support)
    governor = _governor(ctx, signing=True)
    result = governor.vote(proposal_id, support, ctx.args.reason)
    status = governor.status(proposal_id)
    t = status.tally
    ctx.emit(
        {
            "proposalId": str(proposal_id),
            "voter": result.voter,
            "support": SUPPORT_NAMES[support],
            "reason": result.reason,
            **_points_json("weight", result.weight),
            **_status_json(status),
            **_tx_json(result.receipt),
        },
        [
            f"voted {SUPPORT_NAMES[support]} on proposal {proposal_id} with "
            f"{format_points(result.weight)}" + (f" ({result.reason})" if result.reason else ""),
            f"  now for {format_points(t.for_)}, against {format_points(t.against)}, "
            f"abstain {format_points(t.abstain)}",
        ],
    )
    return 0


def cmd_sign_vote(ctx: Context) -> int:
    proposal_id = parse_proposal_id(ctx.args.proposal)
    support = parse_support(ctx.args.support)
    governor = _governor(ctx)
    ballot = governor.sign_ballot(ctx.account, proposal_id, support, ctx.args.nonce)
    data = ballot.to_json()
    if ctx.json:
        ctx.emit(data, [])
    else:
        ctx.out.write(json.dumps(data, indent=2) + "\n")
        ctx.out.flush()
    return 0


def read_ballots(source: str) -> list[SignedBallot]:
    """Ballots from FILE (or "-": stdin): one JSON object, a JSON list, or JSON lines.

    Raises:
        BazaarError: unreadable, not JSON, empty, or a malformed ballot (naming it).
    """
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text()
        except OSError as exc:
            raise BazaarError(f"cannot read ballots from {source}: {exc.strerror}") from None
    try:
        loaded = json.loads(text)
        items = loaded if isinstance(loaded, list) else [loaded]
    except json.JSONDecodeError:
        items = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                raise BazaarError(
                    f"ballots from {source}: line {n} is not JSON (expected a JSON object, a "
                    "JSON list or one JSON object per line)"
                ) from None
    if not items:
        raise BazaarError(f"no ballots in {source}")
    return [SignedBallot.from_json(item, f"ballot {n}") for n, item in enumerate(items, start=1)]


def cmd_relay_votes(ctx: Context) -> int:
    ballots = read_ballots(ctx.args.ballots)
    governor = _governor(ctx)
    governor.check_ballots(ballots)  # every ballot valid before anything is sent
    governor.sender = ctx.sender
    relayed = []
    for n, ballot in enumerate(ballots, start=1):
        try:
            result = governor.relay(ballot, label=f"castVoteBySig {n}/{len(ballots)}")
        except BazaarError as exc:
            done = f"; ballots 1-{n - 1} were relayed" if n > 1 else ""
            raise BazaarError(f"ballot {n} (voter {ballot.voter}): {exc}{done}") from None
        relayed.append(
            {
                "proposalId": str(ballot.proposal_id),
                "voter": ballot.voter,
                "support": SUPPORT_NAMES[ballot.support],
                **_points_json("weight", result.weight),
                **_tx_json(result.receipt),
            }
        )
    lines = [
        f"relayed {r['voter']}'s vote {r['support']} on proposal {r['proposalId']}: "
        f"{r['weightFormatted']}"
        for r in relayed
    ]
    ctx.emit(
        {"relayed": relayed, "count": len(relayed)},
        [*lines, f"{len(relayed)} ballot(s) relayed"],
    )
    return 0


def _emit_proposal_batch(
    ctx: Context, governor: GovernorClient, proposal_id: int, step: str
) -> int:
    """`--safe-batch` of queue or execute (`step`): the proposal's call in a Safe batch file."""
    actions, _ = governor.actions(proposal_id)
    call = governor.queue_call(actions) if step == "queue" else governor.execute_call(actions)
    written = _write_safe_batch(ctx, [call], f"BTC Bazaar {step}", actions.description)
    what = "queue" if step == "queue" else "execution"
    ctx.emit(
        {"proposalId": str(proposal_id), **written},
        [f"{what} of proposal {proposal_id} (not sent) written to {written['safeBatch']}"],
    )
    return 0


def cmd_queue(ctx: Context) -> int:
    proposal_id = parse_proposal_id(ctx.args.proposal)
    governor = _governor(ctx, signing=not ctx.args.safe_batch)
    if ctx.args.safe_batch:
        governor.check_can_queue(proposal_id)
        return _emit_proposal_batch(ctx, governor, proposal_id, "queue")
    receipt, eta = governor.queue(proposal_id)
    ctx.emit(
        {"proposalId": str(proposal_id), "state": "Queued", "eta": eta, **_tx_json(receipt)},
        [f"queued proposal {proposal_id}: executable from {when(eta)}"],
    )
    return 0


def cmd_execute(ctx: Context) -> int:
    proposal_id = parse_proposal_id(ctx.args.proposal)
    governor = _governor(ctx, signing=not ctx.args.safe_batch)
    if ctx.args.safe_batch:
        governor.check_can_execute(proposal_id)
        return _emit_proposal_batch(ctx, governor, proposal_id, "execute")
    receipt = governor.execute(proposal_id)
    state = governor.state(proposal_id)
    ctx.emit(
        {"proposalId": str(proposal_id), "state": state, **_tx_json(receipt)},
        [f"executed proposal {proposal_id}: now {state}"],
    )
    return 0
