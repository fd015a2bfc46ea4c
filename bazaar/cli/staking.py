"""Staking commands: stake, unstake (request, --withdraw, --cancel), claim-rewards,
deposit-rewards, activate, delegate, sign-delegation, relay-delegation, and a staker's status
(reached through `bazaar status --staker`). Amounts in points at the edge; --json prints the
same numbers, as integers in contract units beside the human strings."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from web3.types import TxReceipt

from bazaar.accounts import open_stdin
from bazaar.cli.common import Context, points_json, time_json, tx_json, when
from bazaar.cli.market import token_client
from bazaar.cli.parsing import command_adder, non_negative_int, positive_int
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.staking import StakingClient
from bazaar.errors import BazaarError, RevertError
from bazaar.signing.delegations import SignedDelegation
from bazaar.units import checksum, format_points, parse_amount, parse_points


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)

    p = command("stake", cmd_stake)
    p.add_argument("amount", metavar="POINTS", help="points to stake, e.g. 150 or 2.5")
    p.add_argument("--no-approve", action="store_true", help="fail instead of approving")

    p = command(
        "unstake",
        cmd_unstake,
    )
    p.add_argument("amount", metavar="POINTS", nargs="?", help="points to unstake")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--withdraw", action="store_true", help="withdraw the pending unstake")
    mode.add_argument("--cancel", action="store_true", help="put the pending unstake back")

    p = command("claim-rewards", cmd_claim_rewards)
    p.add_argument("--token", help="one reward token (default: every one with rewards)")
    p.add_argument("--to", help="receiver (default: the keystore's account)")
    p = command("deposit-rewards", cmd_deposit_rewards)
    p.add_argument("amount", metavar="AMOUNT", help="in the token's units, e.g. 0.01")
    p.add_argument("--token", required=True, help="a reward token: wbtc, usdc or an address")
    p.add_argument("--no-approve", action="store_true", help="fail instead of approving")
    p = command("activate", cmd_activate)
    p.add_argument("account", metavar="ADDRESS", nargs="?", help="default: the keystore's account")
    p = command("delegate", cmd_delegate)
    p.add_argument("delegatee", metavar="ADDRESS")
    p = command("sign-delegation", cmd_sign_delegation, sends=False)
    p.add_argument("delegatee", metavar="ADDRESS")
    p.add_argument("--valid-hours", type=positive_int, default=24 * 7, help="default: a week")
    p.add_argument("--nonce", type=non_negative_int, help="default: the signer's current one")
    p = command("relay-delegation", cmd_relay_delegation)
    p.add_argument("file", metavar="FILE", help="the JSON sign-delegation printed (- for stdin)")


def _staking(ctx: Context, signing: bool = False) -> StakingClient:
    return ctx.client(StakingClient, "staking", signing)


def cmd_stake(ctx: Context) -> int:
    amount = parse_points(ctx.args.amount)
    staking = _staking(ctx, signing=True)
    result = staking.stake(amount, approve=not ctx.args.no_approve)
    votes_from = _votes_from(ctx, staking, result.receipt)
    ctx.emit(
        {
            "action": "stake",
            **points_json("amount", amount),
            **points_json("staked", result.staked),
            "approved": result.approved,
            **time_json("votesFrom", votes_from),
            **tx_json(result.receipt),
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
        staked = staking.staked(ctx.me)
        ctx.emit(
            {
                "action": "request",
                **points_json("amount", amount),
                **points_json("pending", pending),
                **points_json("staked", staked),
                **time_json("readyAt", ready),
                **time_json("closesAt", closes),
                **tx_json(receipt),
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
        try:
            receipt, amount = staking.withdraw()
        except RevertError as exc:
            if exc.error_name != "StakingWindowClosed":
                raise
            raise BazaarError(f"{exc} (bazaar unstake --cancel)") from None
        verb, line = "withdraw", f"withdrew {format_points(amount)}"
    else:
        receipt, amount = staking.cancel_unstake()
        verb, line = "cancel", f"put {format_points(amount)} back into the stake"
    staked = staking.staked(ctx.me)
    ctx.emit(
        {
            "action": verb,
            **points_json("amount", amount),
            **points_json("staked", staked),
            **tx_json(receipt),
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
    if int(position.delegate, 16) == 0:
        delegate = "no delegate yet: the first stake delegates to itself"
    elif position.delegate == position.account:
        delegate = "delegate: itself"
    else:
        delegate = f"delegate {position.delegate}"
    lines = [
        f"staker {position.account}: {format_points(position.staked)} staked, votes "
        f"{format_points(position.votes)} as a delegate ({delegate})",
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
            **points_json("staked", position.staked),
            **points_json("votes", position.votes),
            "delegate": position.delegate,
            **points_json("wallet", position.wallet),
            "earned": position.earned,
            "earnedFormatted": earned,
            **points_json("pending", pending.amount),
            **time_json("readyAt", pending.ready_at),
            **time_json("closesAt", pending.closes_at),
        },
        lines,
    )
    return 0


def cmd_claim_rewards(ctx: Context) -> int:
    staking = _staking(ctx, signing=True)
    me = ctx.me
    to = checksum(ctx.args.to, "receiver") if ctx.args.to else me
    if ctx.args.token:
        tokens: list[str] = [token_client(ctx, ctx.args.token, signing=True).address]
    else:
        tokens = [t for t in staking.reward_tokens if staking.earned(me, t) > 0]
        if not tokens:
            amount, matures_at = staking.warming(me)
            now = int(ctx.w3.eth.get_block("latest")["timestamp"])
            hint = (
                f" ({format_points(amount)} matured and earn once activated: bazaar activate)"
                if amount and matures_at <= now
                else ""
            )
            raise BazaarError(f"{me} has no rewards to claim yet{hint}")
    claimed, lines = [], []
    for token in tokens:
        receipt, amount = staking.claim_rewards(token, to)
        shown = Erc20Client(ctx.w3, token).format(amount)
        claimed.append(
            {"token": token, "amount": amount, "amountFormatted": shown, **tx_json(receipt)}
        )
        lines.append(f"claimed {shown} ({amount} units) to {to}")
    ctx.emit({"action": "claim-rewards", "to": to, "claimed": claimed}, lines)
    return 0


def cmd_deposit_rewards(ctx: Context) -> int:
    staking = _staking(ctx, signing=True)
    token = token_client(ctx, ctx.args.token, signing=True)
    amount = parse_amount(ctx.args.amount, token.decimals, f"{token.symbol} amount")
    receipt = staking.deposit_rewards(token, amount, approve=not ctx.args.no_approve)
    ctx.emit(
        {
            "action": "deposit-rewards",
            "token": token.address,
            "amount": amount,
            "amountFormatted": token.format(amount),
            **tx_json(receipt),
        },
        [f"deposited {token.format(amount)} into the stakers' stream"],
    )
    return 0


def cmd_activate(ctx: Context) -> int:
    staking = _staking(ctx, signing=True)
    account = checksum(ctx.args.account, "account") if ctx.args.account else ctx.me
    receipt = staking.activate(account)
    ctx.emit(
        {"action": "activate", "account": account, **tx_json(receipt)},
        [f"the warm-up of {account} now earns"],
    )
    return 0


def cmd_delegate(ctx: Context) -> int:
    staking = _staking(ctx, signing=True)
    receipt = staking.delegate(checksum(ctx.args.delegatee, "delegatee"))
    me = ctx.me
    delegate = staking.delegates(me)
    counts_from = _votes_from(ctx, staking, receipt)
    ctx.emit(
        {
            "action": "delegate",
            "delegator": me,
            "delegate": delegate,
            **time_json("votesFrom", counts_from),
            **tx_json(receipt),
        },
        [
            f"{me} now votes through {delegate}",
            f"  the moved votes count for {delegate} from {when(counts_from)} (the warm-up)",
        ],
    )
    return 0


def _votes_from(ctx: Context, staking: StakingClient, receipt: TxReceipt) -> int:
    """When votes moved by a stake or a delegation in `receipt` count: its block's time plus
    the warm-up (votes are the smaller of now and a warm-up ago)."""
    block = ctx.w3.eth.get_block(receipt["blockNumber"])
    return int(block["timestamp"]) + staking.warmup


def cmd_sign_delegation(ctx: Context) -> int:
    staking = _staking(ctx, signing=True)
    latest = int(ctx.w3.eth.get_block("latest")["timestamp"])
    expiry = max(int(time.time()), latest) + 3600 * ctx.args.valid_hours
    signed = staking.sign_delegation(ctx.args.delegatee, expiry, ctx.args.nonce)
    ctx.out.write(json.dumps(signed.to_json()) + "\n")  # one line, with or without --json
    ctx.out.flush()
    return 0


def cmd_relay_delegation(ctx: Context) -> int:
    source = ctx.args.file
    try:
        if source == "-":
            text = open_stdin("no delegation on stdin: it is closed").read()
        else:
            text = Path(source).read_text()
    except OSError as exc:
        raise BazaarError(f"cannot read {source}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BazaarError(f"{source} is not JSON: {exc}") from None
    staking = _staking(ctx, signing=True)
    signed = SignedDelegation.from_json(data, staking.domain.name, staking.domain.version)
    receipt = staking.delegate_by_sig(signed)
    delegate = staking.delegates(signed.delegator)
    counts_from = _votes_from(ctx, staking, receipt)
    ctx.emit(
        {
            "action": "relay-delegation",
            "delegator": signed.delegator,
            "delegate": delegate,
            **time_json("votesFrom", counts_from),
            **tx_json(receipt),
        },
        [
            f"{signed.delegator} now votes through {delegate} (relayed)",
            f"  the moved votes count for {delegate} from {when(counts_from)} (the warm-up)",
        ],
    )
    return 0
