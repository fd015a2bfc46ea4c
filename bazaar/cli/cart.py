"""Carts, batches and affiliate commissions: `buy --line ...` (several listings, one approval of
the total, one transaction) and `buy --referrer` (a referred purchase: a cart, even of one
line), `ship` and `confirm` of several orders in one transaction (shipBatch, confirmBatch),
`set-commission`, `approve-referrer` and `revoke-referrer` (a seller's affiliates: only the
referrers a seller approved earn its listings' commissions), and `earnings --referrer`
(commissions earned, read from the chain). Gasless checkouts: `approve-permit2` (once per
token), `buy --sign-only` (the cart signed for Permit2, printed as JSON; nothing sent),
`relay-checkout FILE` (anyone sends it and earns its fee) and `cancel-checkout FILE` (the
buyer's way out before anyone relays it).

`buy`, `ship` and `confirm` are registered in cli/market.py and `earnings` in cli/index.py,
which hand these cases to the handlers here; `set-commission`, `approve-referrer` and
`revoke-referrer` are this module's own commands. Bad input is one line (exit 1) with nothing
sent, as everywhere; a transaction sent that failed exits 3."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from web3.types import TxReceipt

from bazaar.cli.common import Context, last_tx_json, points_json, read_json_file, tx_json
from bazaar.cli.market import (
    EVENTS,
    _check_points,
    _percent,
    checkout_deadline,
    cmd_hashed,
    cmd_simple,
    credited_json,
    listing_json,
    market_client,
    order_json,
    outcome,
    token_client,
)
from bazaar.cli.parsing import command_adder, non_negative_int, positive_int
from bazaar.clients import checkouts
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import (
    MAX_COMMISSION_BPS,
    ZERO_ADDRESS,
    CartLine,
    MarketplaceClient,
    Order,
    hash_text,
    parse_order_id,
)
from bazaar.errors import BazaarError, InputRefused
from bazaar.settings import BPS
from bazaar.signing.checkouts import SignedCheckout
from bazaar.units import AmountError, checksum, format_usd, parse_amount, parse_points

LINE_SYNTAX = "LISTING[:QUANTITY[:POINTS]]"


def register(commands: Any, add_globals: Any) -> None:
    add = command_adder(commands, add_globals)
    p = add("set-commission", cmd_set_commission)
    p.add_argument("listing", metavar="LISTING_ID", type=positive_int)
    rate = p.add_mutually_exclusive_group(required=True)
    rate.add_argument(
        "--percent",
        help="the commission, in percent of the seller's proceeds after the platform fee: 0 to "
        f"{MAX_COMMISSION_BPS // 100} (up to 2 decimals), e.g. 5; 0 ends it",
    )
    rate.add_argument(
        "--bps",
        type=non_negative_int,
        help=f"the same in basis points, 0 to {MAX_COMMISSION_BPS} (500 = 5%%)",
    )
    p = add("approve-permit2", cmd_approve_permit2)
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p = add("relay-checkout", cmd_relay_checkout)
    p.add_argument("file", metavar="FILE", help="a signed checkout (buy --sign-only); - for stdin")
    p.add_argument(
        "--check-only", action="store_true", help="check it as the relay would; send nothing"
    )
    p = add("cancel-checkout", cmd_cancel_checkout)
    p.add_argument("file", metavar="FILE", help="your signed checkout (buy --sign-only)")
    for name, approved in (("approve-referrer", True), ("revoke-referrer", False)):
        p = add(name, cmd_set_referrer)
        p.add_argument(
            "referrer",
            metavar="ADDRESS",
            help="the affiliate: "
            + (
                "its referred orders of your listings carry their commission from now on"
                if approved
                else "its new referred orders of your listings carry no commission (orders "
                "already paid keep theirs)"
            ),
        )
        p.set_defaults(approved=approved)


# -- buy: carts and referred purchases ---------------------------------------------------


def parse_line(text: str) -> CartLine:
    """A --line: LISTING[:QUANTITY[:POINTS]] (quantity 1 and no points by default; points in
    whole or decimal points, 2.5).

    Raises:
        InputRefused: anything else.
    """
    bad = f"bad --line {text!r}: expected {LINE_SYNTAX}, e.g. 7, 7:2 or 7:2:150"
    parts = text.split(":")
    if not 1 <= len(parts) <= 3 or not all(p.strip().isdigit() for p in parts[:2]):
        raise InputRefused(bad)
    listing, quantity = int(parts[0]), int(parts[1]) if len(parts) > 1 else 1
    if listing < 1 or quantity < 1:
        raise InputRefused(f"{bad} (a listing id and a quantity of at least 1)")
    points = 0
    if len(parts) == 3:
        try:
            points = parse_points(parts[2].strip())
        except (AmountError, BazaarError) as exc:
            raise InputRefused(f"{bad}: {exc}") from None
    return CartLine(listing, quantity, points)


def _cart_lines(ctx: Context) -> list[CartLine]:
    """The cart of `buy`: its --line's, or --listing (with --quantity and --points) as one
    line.

    Raises:
        InputRefused: --line with --listing, --quantity or --points, or a bad line.
    """
    args = ctx.args
    if not args.line:
        if args.listing is None:
            raise InputRefused(
                "what to buy? pass --listing ID, or --line LISTING[:QUANTITY[:POINTS]] "
                "(repeatable) for a cart"
            )
        quantity = 1 if args.quantity is None else args.quantity
        return [CartLine(args.listing, quantity, parse_points(args.points or "0"))]
    if args.listing is not None:
        raise InputRefused("--listing or --line: one listing, or the lines of a cart")
    if args.quantity is not None or args.points is not None:
        raise InputRefused(
            f"--quantity and --points are for --listing: a --line carries its own ({LINE_SYNTAX})"
        )
    lines = [parse_line(text) for text in args.line]
    MarketplaceClient.check_cart(lines)
    return lines


def _pick_cart_arbiter(
    ctx: Context, market: MarketplaceClient, sellers: set[str], referrer: str | None
) -> str:
    """--arbiter, or the first active arbiter that may arbitrate every line: neither the
    buyer, a seller nor the referrer."""
    if ctx.args.arbiter:
        return checksum(ctx.args.arbiter, "arbiter")
    for arbiter in market.arbiters():
        if arbiter != ctx.me and arbiter != referrer and arbiter not in sellers:
            return arbiter
    raise BazaarError("no active arbiter may arbitrate this cart: pass --arbiter ADDRESS")


def cmd_buy_cart(ctx: Context) -> int:
    """`buy --line ...` or `buy --listing ID --referrer ADDRESS`: one `checkoutCart`; with
    --sign-only, the same cart signed for a gasless relay instead."""
    args = ctx.args
    lines = _cart_lines(ctx)
    referrer = checksum(args.referrer, "referrer") if args.referrer else None
    market = market_client(ctx, signing=True)
    token = token_client(ctx, args.token, signing=True)
    ids = list(dict.fromkeys(line.listing_id for line in lines))
    sellers = {market.listing(i).seller for i in ids}  # an unknown listing: refused here
    if referrer == ctx.me:
        raise InputRefused(
            f"the referrer {referrer} is you, the buyer: nobody earns a commission on their own "
            "purchase"
        )
    if referrer in sellers:
        raise InputRefused(f"the referrer {referrer} sells a listing of this cart")
    for line in lines:
        if line.points:
            _check_points(market, line.listing_id, line.quantity, line.points)
    arbiter = _pick_cart_arbiter(ctx, market, sellers, referrer)
    fee = 0
    if args.sign_only and args.relayer_fee:
        fee = parse_amount(args.relayer_fee, token.decimals, f"{token.symbol} relayer fee")
    unapproved = _unapproved(ctx, market, ids, referrer) if referrer else []
    if args.max_pay is not None:
        max_pay = parse_amount(args.max_pay, token.decimals, f"{token.symbol} amount")
    else:
        price = market.quote_cart(lines, token.address)
        max_pay = price + price * args.slippage_bps // BPS + fee
    if args.sign_only:
        return _sign_cart(ctx, market, lines, token, max_pay, arbiter, referrer, fee)
    orders, paid, approved = market.checkout_cart(
        lines, token, max_pay, checkout_deadline(ctx), arbiter, referrer, not args.no_approve
    )
    usd = sum(o.terms.usdAmount for o in orders)
    summary = (
        f"paid {token.format(paid)} ({paid} units) for {format_usd(usd)} at the locked rate; "
        f"arbiter {arbiter}"
        + (f"; referrer {referrer}" if referrer else "")
        + ("; approved first" if approved else "")
    )
    common: dict[str, Any] = {"approved": approved, "arbiter": arbiter, "referrer": referrer}
    if referrer:
        common["unapprovedListings"] = unapproved
    if not args.line:  # a referred --listing: what buy prints, and the commission's rate
        order = orders[0]
        data = order_json(order, token) | common | {"commissionBps": order.terms.commissionBps}
        data |= points_json("pointsRedeemed", order.state.points_escrowed)
        ctx.emit(data, [f"order {order.id_hex}", f"  {summary}"])
        return 0
    ctx.emit(
        {
            "orders": [_line_json(o, token) for o in orders],
            "paid": paid,
            "paidFormatted": token.format(paid),
            "usdAmount": usd,
            "usdFormatted": format_usd(usd),
            "token": token.address,
            "symbol": token.symbol,
            **common,
            **last_tx_json(market),
        },
        [
            f"cart of {len(orders)} order(s) in one transaction: {summary}",
            *(
                f"  order {o.id_hex}: listing {o.terms.listingId} x{o.quantity}, "
                f"{format_usd(o.terms.usdAmount)}, {token.format(o.paid_amount)}"
                + (f", commission {_percent(o.terms.commissionBps)}" if referrer else "")
                for o in orders
            ),
        ],
    )
    return 0


# -- gasless checkouts: signed by the buyer, relayed by anyone -----------------------------


def _sign_cart(
    ctx: Context,
    market: MarketplaceClient,
    lines: list[CartLine],
    token: Erc20Client,
    max_pay: int,
    arbiter: str,
    referrer: str | None,
    fee: int,
) -> int:
    """`buy --sign-only`: the cart signed (checked, and run as eth_call), printed as one JSON
    object (or written to --out); nothing sent."""
    signed = checkouts.sign_checkout(
        market,
        ctx.account,
        lines,
        token,
        max_pay,
        checkout_deadline(ctx),
        arbiter,
        referrer,
        fee,
        ctx.args.nonce,
    )
    text = json.dumps(signed.to_json())
    if ctx.args.out:
        try:
            Path(ctx.args.out).write_text(text + "\n")
        except OSError as exc:
            raise BazaarError(f"cannot write {ctx.args.out}: {exc.strerror}") from None
        ctx.emit(
            {"file": ctx.args.out, **signed.to_json()},
            [
                f"signed checkout of {len(lines)} line(s) written to {ctx.args.out}: at most "
                f"{token.format(max_pay)} in all, relayer fee "
                f"{token.format(fee)}, nonce {signed.nonce}; nothing sent",
                f"  anyone may send it: bazaar relay-checkout {ctx.args.out}",
            ],
        )
        return 0
    # One JSON object on one line, with or without --json: the file relay-checkout reads.
    ctx.out.write(text + "\n")
    ctx.out.flush()
    return 0


def read_signed_checkout(source: str) -> SignedCheckout:
    """The signed checkout in FILE (or "-": stdin).

    Raises:
        InputRefused: unreadable, not JSON, or a malformed signed checkout.
    """
    data = read_json_file(source, "signed checkout", "buy --sign-only")
    return SignedCheckout.from_json(data, where=source)


def cmd_approve_permit2(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    permit2 = checkouts.permit2_of(market)
    token = token_client(ctx, ctx.args.token, signing=True)
    allowed = token.allowance(ctx.me, permit2.address)
    if allowed == 2**256 - 1:
        ctx.emit(
            {"token": token.address, "permit2": permit2.address, "approved": False},
            [f"Permit2 ({permit2.address}) may already take your {token.symbol}; nothing sent"],
        )
        return 0
    receipt = token.send("approve", permit2.address, 2**256 - 1, label="approve Permit2")
    ctx.emit(
        {"token": token.address, "permit2": permit2.address, "approved": True, **tx_json(receipt)},
        [
            f"Permit2 ({permit2.address}) may take your {token.symbol}, each transfer only "
            "against your signature of it: buy --sign-only now needs no gas"
        ],
    )
    return 0


def cmd_relay_checkout(ctx: Context) -> int:
    signed = read_signed_checkout(ctx.args.file)
    market = market_client(ctx, signing=not ctx.args.check_only)
    token = Erc20Client(ctx.w3, signed.token)
    if ctx.args.check_only:
        checkouts.check_relay(market, signed, signed.buyer)
        ctx.emit(
            {"ok": True, "buyer": signed.buyer, "nonce": str(signed.nonce)},
            [f"the signed checkout of {signed.buyer} would go through now; nothing sent"],
        )
        return 0
    result = checkouts.relay_checkout(market, signed)
    orders = result.orders
    paid = sum(o.paid_amount for o in orders)
    ctx.emit(
        {
            "buyer": signed.buyer,
            "relayer": ctx.me,
            "fee": str(result.fee),
            "feeFormatted": token.format(result.fee),
            "orders": [_line_json(o, token) for o in orders],
            "paid": paid,
            "paidFormatted": token.format(paid),
            "symbol": token.symbol,
            **tx_json(result.receipt),
        },
        [
            f"relayed {signed.buyer}'s signed cart: {len(orders)} order(s), "
            f"{token.format(paid)} in escrow; fee earned "
            f"{token.format(result.fee)}",
            *(
                f"  order {o.id_hex}: listing {o.terms.listingId} x{o.quantity}, "
                f"{format_usd(o.terms.usdAmount)}"
                for o in orders
            ),
        ],
    )
    return 0


def cmd_cancel_checkout(ctx: Context) -> int:
    signed = read_signed_checkout(ctx.args.file)
    market = market_client(ctx, signing=True)
    receipt = checkouts.cancel_checkout(market, signed)
    ctx.emit(
        {"buyer": signed.buyer, "nonce": str(signed.nonce), **tx_json(receipt)},
        [f"cancelled: nobody can relay the signed checkout of nonce {signed.nonce} now"],
    )
    return 0


def _unapproved(
    ctx: Context, market: MarketplaceClient, ids: list[int], referrer: str
) -> list[int]:
    """The listings (of `ids`) offering a commission whose seller has not approved `referrer`:
    the referrer earns nothing on them. One note line on stderr for them (not under --json,
    where they are `unapprovedListings`); the cart goes on."""
    by_seller: dict[str, list[int]] = {}
    for listing_id in ids:
        listing = market.listing(listing_id)
        if listing.commission_bps and not market.commission_for(listing, referrer):
            by_seller.setdefault(listing.seller, []).append(listing_id)
    for seller, listed in by_seller.items():
        if not ctx.json:
            which = ", ".join(str(i) for i in listed)
            print(
                f"note: seller {seller} has not approved the referrer {referrer}: it earns no "
                f"commission on listing(s) {which}",
                file=sys.stderr,
            )
    return [i for listed in by_seller.values() for i in listed]


def _line_json(order: Order, token: Erc20Client) -> dict[str, Any]:
    return (
        order_json(order, token)
        | {"listingId": order.terms.listingId, "commissionBps": order.terms.commissionBps}
        | points_json("pointsRedeemed", order.state.points_escrowed)
    )


# -- ship and confirm: several orders in one transaction ---------------------------------


def _orders(ctx: Context, market: MarketplaceClient) -> list[Order]:
    """The ORDER_IDs, every one checked before any is looked up."""
    ids = [parse_order_id(text) for text in ctx.args.orders]
    return [market.order(i) for i in ids]


def _single(ctx: Context) -> bool:
    """One ORDER_ID: the single command's path (ctx.args.order set for it)."""
    if len(ctx.args.orders) == 1:
        ctx.args.order = ctx.args.orders[0]
        return True
    return False


def _batch_after(
    ctx: Context,
    market: MarketplaceClient,
    orders: list[Order],
    receipt: TxReceipt,
    verb: str,
    event: str | None,
    fields: tuple[str, ...],
) -> int:
    found = [outcome(ctx, market, o, receipt, verb, event, fields) for o in orders]
    credited = credited_json(ctx, market, receipt)
    data: dict[str, Any] = {"action": verb, "orders": [d for d, _ in found], **tx_json(receipt)}
    if credited:
        data["credited"] = [c for c, _ in credited]
    lines = [f"{verb}: {len(orders)} orders in one transaction"]
    lines += [f"  {line}" for _, line in found]
    lines += [f"  {text}" for _, text in credited]
    ctx.emit(data, lines)
    return 0


def cmd_ship(ctx: Context) -> int:
    """`ship ORDER_ID... --tracking T...`: one tracking for all the orders or one per order."""
    tracking = ctx.args.tracking
    if any(not text.strip() for text in tracking):
        raise InputRefused("--tracking is empty: give the text (hashed) or its 0x hash")
    count = len(ctx.args.orders)
    if len(tracking) not in (1, count):
        raise InputRefused(
            f"{count} order(s) and {len(tracking)} --tracking: give one for all of them (one "
            "parcel) or one per order, in the same order"
        )
    if _single(ctx):
        ctx.args.tracking = tracking[0]
        result: int = cmd_hashed("ship", "tracking", "ship")(ctx)
        return result
    market = market_client(ctx, signing=True)
    orders = _orders(ctx, market)
    commitments = [hash_text(t) for t in (tracking * count if len(tracking) == 1 else tracking)]
    receipt = market.ship_batch(orders, commitments)
    return _batch_after(ctx, market, orders, receipt, "ship", None, ())


def cmd_confirm(ctx: Context) -> int:
    """`confirm ORDER_ID...`: several orders in one `confirmBatch`."""
    if _single(ctx):
        result: int = cmd_simple("confirm")(ctx)
        return result
    market = market_client(ctx, signing=True)
    orders = _orders(ctx, market)
    receipt = market.confirm_batch(orders)
    event, fields = EVENTS["confirm"]
    return _batch_after(ctx, market, orders, receipt, "confirm", event, fields)


# -- commissions -------------------------------------------------------------------------


def commission_bps(ctx: Context) -> int:
    """--bps, or --percent as basis points (0 to MAX_COMMISSION_BPS).

    Raises:
        InputRefused: not a number, more than 2 decimals, or out of range.
    """
    args = ctx.args
    most = f"0 to {MAX_COMMISSION_BPS // 100}"
    if args.bps is not None:
        bps = int(args.bps)
        if bps > MAX_COMMISSION_BPS:
            raise InputRefused(
                f"--bps {bps}: a commission is at most {MAX_COMMISSION_BPS} bps "
                f"({_percent(MAX_COMMISSION_BPS)})"
            )
        return bps
    text = args.percent
    try:
        percent = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        raise InputRefused(f"--percent must be a percentage, {most}, not {text!r}") from None
    bps_ = percent * 100
    if not percent.is_finite() or bps_ != bps_.to_integral_value():
        raise InputRefused(f"--percent must have at most 2 decimals, not {text!r}")
    if not 0 <= bps_ <= MAX_COMMISSION_BPS:
        raise InputRefused(
            f"--percent {text}: a commission is {most} % of the seller's proceeds (at most "
            f"{MAX_COMMISSION_BPS} bps)"
        )
    return int(bps_)


def cmd_set_commission(ctx: Context) -> int:
    bps = commission_bps(ctx)
    market = market_client(ctx, signing=True)
    before = market.listing(ctx.args.listing)
    receipt = market.set_commission(ctx.args.listing, bps)
    now = market.listing(ctx.args.listing)
    ctx.emit(
        listing_json(now) | tx_json(receipt) | {"action": "set-commission"},
        [
            f"listing {now.id}: commission {_percent(before.commission_bps)} -> "
            f"{_percent(now.commission_bps)} of the proceeds after the platform fee, to "
            "referrers of new orders"
        ],
    )
    return 0


def cmd_set_referrer(ctx: Context) -> int:
    """`approve-referrer ADDRESS` / `revoke-referrer ADDRESS`: the signer's affiliates."""
    approved = bool(ctx.args.approved)
    referrer = checksum(ctx.args.referrer, "referrer")
    if referrer == ZERO_ADDRESS:
        raise InputRefused("the referrer is the zero address: give the affiliate's address")
    market = market_client(ctx, signing=True)
    receipt = market.set_referrer(referrer, approved)
    verb = "approve-referrer" if approved else "revoke-referrer"
    ctx.emit(
        {"action": verb, "seller": ctx.me, "referrer": referrer, "approved": approved}
        | tx_json(receipt),
        [
            f"referrer {referrer} approved by {ctx.me}: its referred orders of your listings "
            "carry their commission"
            if approved
            else f"referrer {referrer} revoked by {ctx.me}: new orders it refers carry no "
            "commission (orders already paid keep theirs)"
        ],
    )
    return 0


def referrer_earnings(ctx: Context) -> int:
    """`earnings --referrer [ADDRESS]`: the commissions earned, from the chain's
    CommissionPaid events, and the claimable credits by payment token."""
    args = ctx.args
    if args.referrer:
        referrer = checksum(args.referrer, "referrer")
    elif args.account:
        referrer = checksum(args.account, "account")
    elif args.keystore:
        referrer = ctx.me
    else:
        raise InputRefused("whose? pass --referrer ADDRESS (or --keystore FILE for your own)")
    market = market_client(ctx, signing=False)
    earned = market.commission_earnings(referrer)
    tokens: dict[str, Erc20Client] = {}

    def token(address: str) -> Erc20Client:
        return tokens.setdefault(address, Erc20Client(ctx.w3, address))

    def amounts(units: dict[str, int]) -> dict[str, Any]:
        return {
            t: {"units": str(u), "formatted": token(t).format(u)} for t, u in units.items() if u
        }

    totals, credits = earned.totals(), {t: u for t, u in earned.credits.items() if u}
    commissions = [
        {
            "orderId": p.id_hex,
            "token": p.token,
            "symbol": token(p.token).symbol,
            "amount": p.amount,
            "amountFormatted": token(p.token).format(p.amount),
            "block": p.block,
            "txHash": p.tx_hash,
        }
        for p in earned.payments
    ]
    lines = [f"commissions earned by {referrer}: {len(commissions)}"]
    lines += [
        f"  {c['orderId']}  {c['amountFormatted']}  (block {c['block']})" for c in commissions
    ]
    lines += [
        "  in all: " + (", ".join(token(t).format(u) for t, u in totals.items()) or "nothing"),
        "  credits to claim: "
        + (
            ", ".join(
                f"{token(t).format(u)} (bazaar claim --token {t})" for t, u in credits.items()
            )
            or "none"
        ),
    ]
    ctx.emit(
        {
            "referrer": referrer,
            "commissions": commissions,
            "totals": amounts(totals),
            "credits": amounts(credits),
        },
        lines,
    )
    return 0
