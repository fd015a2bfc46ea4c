"""`bazaar status`: an order, a listing, a DAO proposal, a staker or the active arbiters."""

from __future__ import annotations

from typing import Any

from bazaar.cli import governance, staking
from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context, when
from bazaar.cli.market import market_client, order_json, order_of
from bazaar.cli.parsing import positive_int
from bazaar.clients.erc20 import Erc20Client
from bazaar.errors import BazaarError
from bazaar.units import format_amount, format_usd


def register(commands: Any, add_globals: Any) -> None:
    text = HELP["status"]
    p = commands.add_parser("status", help=text, description=text)
    add_globals(p)
    p.set_defaults(handler=cmd_status)
    p.add_argument("order", nargs="?", metavar="ORDER_ID")
    p.add_argument("--listing", type=positive_int)
    p.add_argument("--proposal", metavar="PROPOSAL_ID", help="a DAO proposal (decimal or 0x)")
    p.add_argument("--staker", metavar="ADDRESS", help="an account's stake and votes")
    p.add_argument("--arbiters", action="store_true", help="every active arbiter")


def cmd_status(ctx: Context) -> int:
    args = ctx.args
    subjects = (args.order, args.listing, args.proposal, args.staker, args.arbiters or None)
    if sum(s is not None for s in subjects) != 1:
        raise BazaarError(
            "pass one of ORDER_ID, --listing ID, --proposal ID, --staker ADDRESS or --arbiters"
        )
    if args.arbiters:
        arbiters = market_client(ctx, signing=False).arbiters()
        ctx.emit(
            {"arbiters": arbiters},
            [f"{len(arbiters)} active arbiter(s)", *(f"  {a}" for a in arbiters)],
        )
        return 0
    if args.proposal is not None:
        return governance.proposal_status(ctx, args.proposal)
    if args.staker is not None:
        return staking.staker_status(ctx, args.staker)
    market = market_client(ctx, signing=False)
    if args.listing is not None:
        listing = market.listing(args.listing)
        total, count = market.seller_rating(listing.seller)
        tokens = market.accepted_tokens(listing)
        rating = f"{total / count:.2f} from {count}" if count else "no reviews"
        ctx.emit(
            {
                "listingId": listing.id,
                "seller": listing.seller,
                "priceUsd": listing.price_usd,
                "priceFormatted": format_usd(listing.price_usd),
                "stock": listing.stock,
                "active": listing.active,
                "bufferBps": listing.buffer_bps,
                "commissionBps": listing.commission_bps,
                "kind": listing.kind,
                "tokens": tokens,
                "sellerRatingSum": total,
                "sellerRatingCount": count,
            },
            [
                f"listing {listing.id}: {format_usd(listing.price_usd)}, {listing.stock} in stock,"
                f" {'active' if listing.active else 'delisted'}, {listing.kind}",
                f"  seller {listing.seller} (rating {rating})",
                f"  tokens {', '.join(tokens)}; buffer {listing.buffer_bps} bps"
                + (
                    f"; commission {listing.commission_bps} bps to referrers"
                    if listing.commission_bps
                    else ""
                ),
            ],
        )
        return 0
    order = order_of(ctx, market)
    token = Erc20Client(ctx.w3, order.terms.token)
    t = order.terms
    bought = f"offer 0x{t.listingId:064x}" if t.listingId > 2**64 - 1 else f"listing {t.listingId}"
    ctx.emit(
        order_json(order, token),
        [
            f"order {order.id_hex}: {order.state.status}",
            f"  {bought} x{order.quantity}, {format_usd(t.usdAmount)}, locked "
            f"{token.format(t.lockedAmount)}, escrow {token.format(order.state.amount)}",
            f"  buyer {t.buyer}, seller {t.seller}, arbiter {t.arbiter}",
            f"  deadline {when(order.state.deadline) if order.state.deadline else '-'}, "
            f"fee {t.feeBps} bps, arbiter fee "
            f"{t.arbiterFeeBps} bps, buffer {t.bufferBps} bps",
            f"  paid {format_amount(order.paid_amount, token.decimals)} {token.symbol}",
        ],
    )
    return 0
