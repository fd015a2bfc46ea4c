"""Governance commands: propose, vote, sign-vote, relay-votes, queue, execute, and the status
of a proposal (reached through `bazaar status --proposal`). Proposal ids are printed in
decimal (in JSON as strings: they are 256-bit hashes). The governor and the timelock check
their own rules: a refusal is their decoded error."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from eth_typing import ChecksumAddress

from bazaar.accounts import open_stdin
from bazaar.calls import encode_call
from bazaar.cli.common import Context, points_json, time_json, tx_json, when
from bazaar.cli.parsing import command_adder, non_negative_int
from bazaar.clients import ballots as ballot_client
from bazaar.clients.governor import Actions, GovernorClient, ProposalStatus, parse_proposal_id
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.errors import BazaarError
from bazaar.signing.ballots import SignedBallot, parse_support
from bazaar.types import SUPPORT_NAMES
from bazaar.units import checksum, format_points

# the keys of one call in a --calls file
CALL_KEYS = frozenset({"target", "signature", "args"})


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)

    def proposal_arg(p: Any) -> None:
        p.add_argument("proposal", metavar="PROPOSAL_ID", help="decimal, or 0x hex")

    p = command("propose", cmd_propose)
    p.add_argument("--description", help="what the proposal does (default: generated)")
    p.add_argument("--fee-bps", type=non_negative_int, help="new platform fee, basis points")
    p.add_argument(
        "--arbiter-fee-bps", type=non_negative_int, help="new arbiter fee (default: unchanged)"
    )
    p.add_argument("--target", help="a contract address, or market, oracle, points, staking...")
    p.add_argument("--signature", help="the function called, e.g. setFees(uint256,uint256)")
    p.add_argument("--arg", action="append", default=[], help="an argument (repeatable, in order)")
    p.add_argument(
        "--call",
        action="append",
        default=[],
        metavar="'TARGET SIGNATURE [ARG]...'",
        help="one call of a multi-call proposal, quoted as one word (repeatable, run in order)",
    )
    p.add_argument(
        "--calls",
        metavar="FILE",
        help='a JSON list of calls: [{"target": ..., "signature": ..., "args": [...]}, ...]',
    )
    p.add_argument(
        "--no-check", action="store_true", help="skip running the call as the timelock first"
    )

    p = command("cancel-proposal", cmd_cancel)
    proposal_arg(p)

    p = command("vote", cmd_vote)
    proposal_arg(p)
    p.add_argument("support", metavar="for|against|abstain")
    p.add_argument("--reason", default="", help="a reason recorded with the vote")

    p = command("sign-vote", cmd_sign_vote, sends=False)
    proposal_arg(p)
    p.add_argument("support", metavar="for|against|abstain")
    p.add_argument(
        "--nonce",
        type=non_negative_int,
        help="the voter's ballot nonce (default: its current one, which relaying does not use up)",
    )

    p = command("relay-votes", cmd_relay_votes)
    p.add_argument(
        "ballots",
        metavar="FILE",
        nargs="?",
        default="-",
        help="ballots: a JSON object, a JSON list or JSON lines (default: stdin)",
    )

    p = command("queue", cmd_queue)
    proposal_arg(p)

    p = command("execute", cmd_execute)
    proposal_arg(p)


# -- shared ---------------------------------------------------------------------


def _governor(ctx: Context, signing: bool = False) -> GovernorClient:
    return ctx.client(GovernorClient, "governor", signing)


def _resolver(ctx: Context) -> Callable[[str], str | None]:
    """Names of the deployment's contracts and tokens, for addresses typed by people."""

    def resolve(name: str) -> str | None:
        contracts = ctx.deployment.data.get("contracts", {})
        tokens = ctx.deployment.data.get("tokens", {})
        if name in contracts:
            return cast(str, contracts[name]["address"])
        return cast(str | None, tokens.get(name))

    return resolve


def _address(ctx: Context, text: str, what: str) -> ChecksumAddress:
    resolved = _resolver(ctx)(text) if not text.startswith("0x") else None
    return checksum(resolved or text, what)


# -- proposals --------------------------------------------------------------------------


def _actions(ctx: Context) -> tuple[Actions, str]:
    """The proposal's actions from the command line, and a one-line summary."""
    args = ctx.args
    fee = args.fee_bps is not None or args.arbiter_fee_bps is not None
    generic = args.target or args.signature or args.arg or args.call or args.calls
    if fee == bool(generic):
        raise BazaarError(
            "pass either --fee-bps N (a marketplace fee change) or --target ADDRESS "
            "--signature 'f(type,...)' [--arg VALUE]... / --call / --calls FILE (any calls)"
        )
    if fee:
        market = MarketplaceClient(ctx.w3, ctx.deployment.address("market"))
        current_fee, current_arbiter = market.fees()
        fee_bps = current_fee if args.fee_bps is None else args.fee_bps
        arbiter_bps = current_arbiter if args.arbiter_fee_bps is None else args.arbiter_fee_bps
        data = bytes.fromhex(market.call_for("setFees", fee_bps, arbiter_bps).data[2:])
        summary = (
            f"marketplace fees: platform {current_fee} -> {fee_bps} bps, arbiter "
            f"{current_arbiter} -> {arbiter_bps} bps"
        )
        description = args.description or (
            f"Set the platform fee to {fee_bps} bps and the arbiter fee to {arbiter_bps} bps"
        )
        return Actions((market.address,), (0,), (data,), description), summary
    targets, datas, texts = [], [], []
    for target_text, signature, call_args in _generic_calls(ctx):
        target = _address(ctx, target_text, "target")
        if not ctx.w3.eth.get_code(target):
            raise BazaarError(f"target {target} is not a contract on chain {ctx.chain_id}")
        datas.append(encode_call(signature, call_args, _resolver(ctx)))
        targets.append(target)
        texts.append(f"{signature.replace(' ', '')} with ({', '.join(call_args)}) on {target}")
    summary = "call " + "; then ".join(texts)
    description = args.description or ("Call " + "; then ".join(texts))
    values = (0,) * len(targets)
    return Actions(tuple(targets), values, tuple(datas), description), summary


def _generic_calls(ctx: Context) -> list[tuple[str, str, list[str]]]:
    """The (target, signature, arguments) of --target/--signature/--arg, each --call and the
    --calls file, in that order.

    Raises:
        BazaarError: a half-given call, an unreadable file or a malformed entry.
    """
    args = ctx.args
    calls: list[tuple[str, str, list[str]]] = []
    if args.target is not None or args.signature is not None or args.arg:
        if args.target is None or args.signature is None:
            raise BazaarError("a generic proposal needs --target and --signature")
        calls.append((args.target, args.signature, list(args.arg)))
    for text in args.call:
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise BazaarError(f"bad --call {text!r}: {exc}") from None
        if len(words) < 2:
            raise BazaarError(f"bad --call {text!r}: expected 'TARGET SIGNATURE [ARG]...'")
        calls.append((words[0], words[1], words[2:]))
    if args.calls and calls:  # their order on the command line is not kept: refuse the mix
        raise BazaarError("pass the calls either in --calls FILE or on the command line, not both")
    if args.calls:
        try:
            entries = json.loads(Path(args.calls).read_text())
        except OSError as exc:
            raise BazaarError(f"cannot read {args.calls}: {exc.strerror}") from None
        except ValueError as exc:
            raise BazaarError(f"{args.calls} is not JSON: {exc}") from None
        if not isinstance(entries, list) or not entries:
            raise BazaarError(f"{args.calls}: expected a non-empty JSON list of calls")
        for n, entry in enumerate(entries, 1):
            ok = (
                isinstance(entry, dict)
                and isinstance(entry.get("target"), str)
                and isinstance(entry.get("signature"), str)
                and isinstance(entry.get("args", []), list)
            )
            if not ok:
                raise BazaarError(
                    f"{args.calls}: call {n} needs a target, a signature and a list of args"
                )
            unknown = sorted(set(entry) - CALL_KEYS)
            if unknown:  # a "value" or a misspelt key would otherwise be dropped unseen
                raise BazaarError(
                    f"{args.calls}: call {n} has unknown key(s) {', '.join(unknown)} (a call "
                    f"has {', '.join(sorted(CALL_KEYS))}; proposals send no ETH)"
                )
            calls.append(
                (entry["target"], entry["signature"], [str(a) for a in entry.get("args", [])])
            )
    return calls


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
        **time_json("snapshot", status.snapshot),
        **time_json("deadline", status.deadline),
        **time_json("eta", status.eta),
        "votes": {k: str(v) for k, v in t.to_json().items()},
        "votesFormatted": {k: format_points(v) for k, v in t.to_json().items()},
        "quorum": str(status.quorum) if status.quorum is not None else None,
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
    governor = _governor(ctx, signing=True)
    if not ctx.args.no_check:
        governor.simulate(actions)
    proposal_id, receipt = governor.propose(actions)
    status = governor.status(proposal_id)
    ctx.emit(
        _status_json(status) | actions.to_json() | tx_json(receipt),
        [
            f"proposal {proposal_id}",
            f"  {summary}",
            f"  description: {actions.description}",
            f"  voting from {when(status.snapshot)} until {when(status.deadline)}",
        ],
    )
    return 0


def cmd_cancel(ctx: Context) -> int:
    proposal_id = parse_proposal_id(ctx.args.proposal)
    governor = _governor(ctx, signing=True)
    receipt = governor.cancel(proposal_id)
    status = governor.status(proposal_id)
    ctx.emit(
        _status_json(status) | tx_json(receipt) | {"action": "cancel"},
        [f"cancelled proposal {proposal_id}: now {status.state}"],
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
            **points_json("weight", result.weight),
            **_status_json(status),
            **tx_json(result.receipt),
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
    ballot = ballot_client.sign_ballot(governor, ctx.account, proposal_id, support, ctx.args.nonce)
    data = ballot.to_json()
    # One JSON object on one line, with or without --json: ballots collected with `>>` make
    # the JSON-lines file relay-votes reads.
    ctx.out.write(json.dumps(data) + "\n")
    ctx.out.flush()
    return 0


def read_ballots(source: str) -> list[SignedBallot]:
    """Ballots from FILE (or "-": stdin): one JSON object, a JSON list, or JSON lines.

    Raises:
        BazaarError: unreadable, not JSON, empty, or a malformed ballot (naming it).
    """
    if source == "-":
        text = open_stdin("no ballots on stdin: it is closed").read()
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
    ballot_client.check_ballots(governor, ballots)  # every ballot valid before any is sent
    governor.sender = ctx.sender
    relayed = []
    for n, ballot in enumerate(ballots, start=1):
        try:
            label = f"castVoteBySig {n}/{len(ballots)}"
            result = ballot_client.relay(governor, ballot, label)
        except BazaarError as exc:
            done = f"; ballots 1-{n - 1} were relayed" if n > 1 else ""
            raise BazaarError(f"ballot {n} (voter {ballot.voter}): {exc}{done}") from None
        relayed.append(
            {
                "proposalId": str(ballot.proposal_id),
                "voter": ballot.voter,
                "support": SUPPORT_NAMES[ballot.support],
                **points_json("weight", result.weight),
                **tx_json(result.receipt),
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


def _lifecycle(ctx: Context) -> tuple[GovernorClient, int]:
    """The governor and the proposal of queue or execute."""
    return _governor(ctx, signing=True), parse_proposal_id(ctx.args.proposal)


def cmd_queue(ctx: Context) -> int:
    governor, proposal_id = _lifecycle(ctx)
    receipt, eta = governor.queue(proposal_id)
    ctx.emit(
        {
            "proposalId": str(proposal_id),
            "state": "Queued",
            **time_json("eta", eta),
            **tx_json(receipt),
        },
        [f"queued proposal {proposal_id}: executable from {when(eta)}"],
    )
    return 0


def cmd_execute(ctx: Context) -> int:
    governor, proposal_id = _lifecycle(ctx)
    receipt = governor.execute(proposal_id)
    state = governor.state(proposal_id)
    ctx.emit(
        {"proposalId": str(proposal_id), "state": state, **tx_json(receipt)},
        [f"executed proposal {proposal_id}: now {state}"],
    )
    return 0
