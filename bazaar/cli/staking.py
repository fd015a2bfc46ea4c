"""Staking commands: stake, unstake (request, --withdraw, --cancel), and a staker's status
(reached through `bazaar status --staker`). Amounts in points at the edge; --json prints the
same numbers, as integers in contract units beside the human strings."""

from __future__ import annotations

from typing import Any

from bazaar.cli.common import Context, command_adder, points_json, time_json, tx_json, when
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.staking import StakingClient
from bazaar.errors import BazaarError, RevertError
from bazaar.units import checksum, format_points, parse_points


def register(commands: Any, add_globals: Any) -> None:
    command = command_adder(commands, add_globals)

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


def _staking(ctx: Context, signing: bool = False) -> StakingClient:
    return ctx.client(StakingClient, "staking", signing)


def cmd_stake(ctx: Context) -> int:
    amount = parse_points(ctx.args.amount)
    staking = _staking(ctx, signing=True)
    result = staking.stake(amount, approve=not ctx.args.no_approve)
    block = ctx.w3.eth.get_block(result.receipt["blockNumber"])
    votes_from = int(block["timestamp"]) + staking.warmup
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
        staked = staking.staked(ctx.account.address)
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
    staked = staking.staked(ctx.account.address)
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
