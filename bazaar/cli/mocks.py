"""`bazaar mocks`: the faucet and the clock of a deployment made with `--mocks` (local and
test chains). `mocks mint TOKEN AMOUNT [--to ADDRESS]` mints a mock payment token (in its own
units: 0.5 for half a WBTC); `mocks refresh [--btc-usd PRICE]` starts a new round of every mock
feed at the current time (optionally at a new BTC price), after a time jump or a day without
updates has made them stale; `mocks blacklist ADDRESS [--undo]` blocks an address on the mock
USDC as Circle can (its deployer only), to see a payout become a credit. Each refuses a
deployment whose tokens or feeds are real."""

from __future__ import annotations

from typing import Any

from bazaar import settings
from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context, time_json, tx_json, when
from bazaar.cli.parsing import command_adder
from bazaar.clients.mocks import MockFeedClient, MockTokenClient, MockUsdcClient
from bazaar.deploy.suite import PAYMENT_TOKENS, feed_step
from bazaar.errors import BazaarError
from bazaar.units import checksum, format_usd, parse_amount, parse_usd

MOCK_TOKENS = ("MockWBTC", "MockERC20", "MockUSDC")
MOCK_FEED = "MockAggregator"


def register(commands: Any, add_globals: Any) -> None:
    mocks = commands.add_parser(
        "mocks",
        help=HELP["mocks"],
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = mocks.add_subparsers(dest="action", metavar="ACTION", parser_class=type(mocks))
    actions.required = True
    command = command_adder(actions, add_globals)
    p = command("mint", cmd_mint, "mint a mock payment token (anyone may)")
    p.add_argument("token", choices=PAYMENT_TOKENS, help="which payment token")
    p.add_argument("amount", help="in the token's units, e.g. 0.5 (WBTC) or 1000 (USDC)")
    p.add_argument("--to", help="receiver (default: the keystore's account)")
    p = command("refresh", cmd_refresh, "start a new round of every mock feed, now")
    p.add_argument("--btc-usd", help="a new BTC/USD price in dollars (default: the current one)")
    p = command(
        "blacklist", cmd_blacklist, "the mock USDC's deployer blocks an address, like Circle"
    )
    p.add_argument("account", metavar="ADDRESS")
    p.add_argument("--undo", action="store_true", help="unblock it")


def _require_mock(ctx: Context, key: str, kinds: tuple[str, ...], what: str) -> None:
    entry = ctx.deployment.data.get("contracts", {}).get(key)
    if entry is None or entry.get("contract") not in kinds:
        raise BazaarError(
            f"the {what} of {ctx.deployment.path} is not a mock (deployed without --mocks?); "
            "nothing sent"
        )


def cmd_mint(ctx: Context) -> int:
    _require_mock(ctx, ctx.args.token, MOCK_TOKENS, f"{ctx.args.token} token")
    token = ctx.client(MockTokenClient, ctx.args.token, signing=True)
    to = checksum(ctx.args.to, "receiver") if ctx.args.to else ctx.sender.address
    amount = parse_amount(ctx.args.amount, token.decimals, f"{ctx.args.token} amount")
    receipt = token.mint(to, amount)
    balance = token.balance_of(to)
    ctx.emit(
        {
            "action": "mint",
            "token": ctx.args.token,
            "to": to,
            "amount": amount,
            "amountFormatted": token.format(amount),
            "balance": balance,
            **tx_json(receipt),
        },
        [f"minted {token.format(amount)} to {to}; it holds {token.format(balance)}"],
    )
    return 0


def cmd_refresh(ctx: Context) -> int:
    keys = list(settings.FEED_DESCRIPTIONS)
    for key in keys:  # every feed must be a mock before anything is sent
        _require_mock(ctx, feed_step(key), (MOCK_FEED,), f"{key} feed")
    new_btc = parse_usd(ctx.args.btc_usd) if ctx.args.btc_usd else None
    if new_btc is not None and new_btc <= 0:
        raise BazaarError("the BTC/USD price must be above 0")
    rounds, lines = [], []
    for key in keys:
        feed = ctx.client(MockFeedClient, feed_step(key), signing=True)
        answer, _ = feed.latest()
        if key == "btc_usd" and new_btc is not None:
            answer = new_btc
        receipt = feed.set_answer(answer)
        _, updated_at = feed.latest()
        rounds.append(
            {
                "feed": key,
                "answer": answer,
                **time_json("updatedAt", updated_at),
                **tx_json(receipt),
            }
        )
        shown = format_usd(answer) if key == "btc_usd" else f"{answer / 10**feed.decimals:g}"
        lines.append(f"{settings.FEED_DESCRIPTIONS[key]}: {shown} at {when(updated_at)}")
    ctx.emit({"action": "refresh", "rounds": rounds}, lines)
    return 0


def cmd_blacklist(ctx: Context) -> int:
    _require_mock(ctx, "usdc", ("MockUSDC",), "usdc token")
    usdc = ctx.client(MockUsdcClient, "usdc", signing=True)
    account = checksum(ctx.args.account, "account")
    receipt = usdc.set_blacklisted(account, not ctx.args.undo)
    blocked = usdc.is_blacklisted(account)
    ctx.emit(
        {"action": "blacklist", "account": account, "blacklisted": blocked, **tx_json(receipt)},
        [f"{account} {'may no longer' if blocked else 'may again'} send or receive mock USDC"],
    )
    return 0
