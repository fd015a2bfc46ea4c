"""Marketplace commands: quote, list, update-listing, delist, buy, ship, checkpoint, confirm,
release, reclaim, cancel, refund, dispute, evidence, rule, resolve-timeout, review, claim,
withdraw-fees, sweep, pause, unpause and transfer (`status` is in cli/status.py; digital items
are listed by `bazaar goods list`; carts, several orders shipped or confirmed at once, and
commissions are in cli/cart.py). Amounts in human units (USD, token
units); --json prints the same numbers, as integers in contract units and as the human
strings. The marketplace checks its own rules: a refusal is its decoded error."""

from __future__ import annotations

import dataclasses
import os
import time
from decimal import Decimal, InvalidOperation
from typing import Any

from web3.types import TxReceipt

from bazaar.cli.common import (
    Context,
    last_tx_json,
    points_json,
    server_url,
    time_json,
    tx_json,
)
from bazaar.cli.parsing import add_points_cap, command_adder, non_negative_int, positive_int
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import (
    Listing,
    MarketplaceClient,
    Order,
    hash_text,
    parse_order_id,
)
from bazaar.clients.oracle import OracleClient
from bazaar.clients.points import PointsClient
from bazaar.errors import BazaarError, InputRefused
from bazaar.settings import BPS, INDEX_URL_ENV, default_index_path
from bazaar.units import (
    checksum,
    format_points,
    format_usd,
    parse_amount,
    parse_points,
    parse_usd,
)


def register(commands: Any, add_globals: Any) -> None:
    add = command_adder(commands, add_globals)

    def command(name: str, handler: Any, order: bool = False, sends: bool = True) -> Any:
        p = add(name, handler, sends=sends)
        if order:
            p.add_argument("order", metavar="ORDER_ID", help="the order id (0x + 64 hex digits)")
        return p

    p = command("quote", cmd_quote, sends=False)
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p.add_argument("--listing", type=positive_int, help="a listing id")
    p.add_argument("--quantity", type=positive_int, default=1)
    p.add_argument("--usd", help="a USD amount instead of a listing, e.g. 12.34")

    p = command("list", cmd_list)
    p.add_argument("--price", required=True, help="unit price in USD, e.g. 1000 or 12.34")
    p.add_argument("--stock", type=positive_int, required=True)
    p.add_argument("--token", action="append", required=True, help="accepted token (repeatable)")
    p.add_argument("--buffer-bps", type=non_negative_int, default=0, help="USD-protected buffer")
    add_points_cap(p)
    p.add_argument("--metadata", default="", help="description text or 0x hash (hashed on chain)")
    p.add_argument(
        "--document",
        metavar="FILE",
        help="a bazaar.listing/1 JSON document: uploaded (signed) to --server, its hash listed "
        "as the metadata",
    )
    p.add_argument(
        "--server",
        metavar="URL",
        help="the storefront server for --document (default: $BAZAAR_SERVER_URL)",
    )
    p.add_argument(
        "--sign-only",
        action="store_true",
        help="send nothing: sign the listing as an offer (EIP-712) that buyers check out "
        "against (buy --offer); publish it with publish-offer",
    )
    p.add_argument(
        "--valid-days", type=positive_int, default=30, help="with --sign-only: how long it holds"
    )
    p.add_argument(
        "--commission-bps",
        type=non_negative_int,
        default=0,
        help="with --sign-only: the commission offered to approved referrers (max 2000)",
    )
    p.add_argument("--out", metavar="FILE", help="with --sign-only: write the offer to FILE")

    p = command("buy", cmd_buy)
    p.add_argument("--listing", type=positive_int, help="the listing to buy (or --line)")
    p.add_argument(
        "--offer", metavar="FILE|HASH", help="a signed offer to buy from (or its indexed hash)"
    )
    p.add_argument("--db", help="with --offer HASH: the index's database URL that holds it")
    p.add_argument("--quantity", type=positive_int, help="units of --listing (default 1)")
    p.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="LISTING[:QUANTITY[:POINTS]]",
        help="a line of a cart (repeatable, up to 20, from one or several sellers): all lines "
        "are bought in one transaction after one approval of the total, one order per line; "
        "e.g. --line 7 --line 9:2 --line 12:1:150",
    )
    p.add_argument(
        "--referrer",
        metavar="ADDRESS",
        help="who brought you here: earns the commission of each listing whose seller approved "
        "it when its order completes (neither you, a seller nor the arbiter); a note names the "
        "listings whose seller did not",
    )
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p.add_argument(
        "--arbiter", help="arbiter address (default: the first active one, not you or the seller)"
    )
    p.add_argument(
        "--max-pay",
        help="most token units to pay (a cart: in all), e.g. 0.011 (default: quote+slip)",
    )
    p.add_argument("--slippage-bps", type=non_negative_int, default=100)
    p.add_argument("--deadline-minutes", type=positive_int, default=30)
    p.add_argument("--no-approve", action="store_true", help="fail instead of approving")
    p.add_argument(
        "--sign-only",
        action="store_true",
        help="send nothing: sign the checkout (a cart, even of one line) for a gasless relay "
        "through Permit2 (approve-permit2 once first) and print it as JSON for "
        "relay-checkout; --max-pay then bounds the cart and the relayer fee together",
    )
    p.add_argument(
        "--relayer-fee",
        help="with --sign-only: token amount paid to whoever relays it, e.g. 0.00001 (default "
        "0; at most 3%% of the cart)",
    )
    p.add_argument(
        "--nonce",
        type=non_negative_int,
        help="with --sign-only: the Permit2 nonce (default: your lowest unused one)",
    )
    p.add_argument("--out", metavar="FILE", help="with --sign-only: write the JSON to FILE")
    p.add_argument(
        "--points",
        help="reward points to redeem for a discount: one US cent per point, decimals allowed "
        "(2.5), up to the share of the price its seller allows (list --points-cap-bps; 0: none); "
        "a --line takes its own",
    )

    p = command("update-listing", cmd_update_listing)
    p.add_argument("listing", metavar="LISTING_ID", type=positive_int)
    p.add_argument("--price", help="new unit price in USD (default: unchanged)")
    p.add_argument("--stock", type=non_negative_int, help="new stock (default: unchanged)")
    p = command("delist", cmd_delist)
    p.add_argument("listing", metavar="LISTING_ID", type=positive_int)

    p = command("ship", cart_handler("cmd_ship"))
    p.add_argument(
        "orders",
        nargs="+",
        metavar="ORDER_ID",
        help="the order id (0x + 64 hex digits); several: shipped in one transaction",
    )
    p.add_argument(
        "--tracking",
        action="append",
        required=True,
        help="tracking data (hashed) or a 0x hash; with several orders, once for all of them "
        "(one parcel) or once per order, in the same order",
    )
    p = command("checkpoint", cmd_hashed("add_checkpoint", "data", "checkpoint"), True)
    p.add_argument("--data", required=True, help="checkpoint data (hashed) or a 0x hash")
    p = command("confirm", cart_handler("cmd_confirm"))
    p.add_argument(
        "orders",
        nargs="+",
        metavar="ORDER_ID",
        help="the order id (0x + 64 hex digits); several: confirmed in one transaction",
    )
    command("release", cmd_simple("release"), True)
    command("reclaim", cmd_simple("reclaim"), True)
    command("cancel", cmd_simple("cancel"), True)
    p = command("refund", cmd_refund, True)
    p.add_argument("--amount", help="token units to refund, e.g. 0.005 (default: all)")
    p = command("dispute", cmd_hashed("open_dispute", "evidence", "dispute"), True)
    p.add_argument("--evidence", required=True, help="evidence text (hashed) or a 0x hash")
    p = command("evidence", cmd_hashed("add_evidence", "evidence", "evidence"), True)
    p.add_argument("--evidence", required=True, help="evidence text (hashed) or a 0x hash")
    command(
        "resolve-timeout",
        cmd_simple("resolve_after_timeout", "resolve-timeout"),
        True,
    )
    p = command("rule", cmd_rule, True)
    p.add_argument(
        "--buyer-share",
        required=True,
        help="percent of the ruled escrow to the buyer, 0 to 100 (up to 2 decimals), e.g. 40",
    )
    p = command("review", cmd_review, True)
    p.add_argument("--rating", type=int, choices=range(1, 6), required=True, metavar="1-5")
    p.add_argument("--content", default="", help="review text (hashed) or a 0x hash")

    p = command("claim", cmd_claim)
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p.add_argument("--to", help="receiver (default: the keystore's account)")
    p = command("withdraw-fees", cmd_withdraw_fees)
    p.add_argument("--token", required=True, help="wbtc, usdc, or a token address")
    p = command("sweep", cmd_sweep)
    p.add_argument("--token", required=True, help="a token name or address")
    command("pause", cmd_pause(True))
    command("unpause", cmd_pause(False))
    p = command("transfer", cmd_transfer)
    p.add_argument(
        "amount", metavar="AMOUNT", help="in the token's units (0.01 for WBTC; points: 2.5)"
    )
    p.add_argument("--token", required=True, help="wbtc, usdc, points, or a token address")
    p.add_argument("--to", required=True, help="the receiver")


# -- shared -----------------------------------------------------------------------------


def cart_handler(name: str) -> Any:
    """The handler `name` of cli/cart.py, imported when the command runs."""

    def handler(ctx: Context) -> int:
        from bazaar.cli import cart

        result: int = getattr(cart, name)(ctx)
        return result

    return handler


def checkout_deadline(ctx: Context) -> int:
    """--deadline-minutes from now, or from the chain's latest block when it is ahead of us."""
    minutes = int(ctx.args.deadline_minutes)
    deadline = int(time.time()) + 60 * minutes
    latest = ctx.w3.eth.get_block("latest")["timestamp"]
    return max(deadline, int(latest) + 60 * minutes)


def market_client(ctx: Context, signing: bool) -> MarketplaceClient:
    """The marketplace; it finds order terms in the index when there is one ($BAZAAR_INDEX_URL,
    or the default SQLite file of `bazaar index`), else in the logs."""
    client = ctx.client(MarketplaceClient, "market", signing)
    url = os.environ.get(INDEX_URL_ENV)
    if url is None:
        path = default_index_path(ctx.chain_id)
        url = f"sqlite:///{path}" if path.is_file() else None
    if url is not None:
        from bazaar.index.queries import terms_lookup
        from bazaar.index.schema import open_index

        client.terms_lookup = terms_lookup(open_index(url))
    return client


def token_client(ctx: Context, name: str, signing: bool = False) -> Erc20Client:
    tokens = ctx.deployment.data.get("tokens", {})
    address = tokens.get(name.lower()) if not name.startswith("0x") else name
    if address is None:
        raise BazaarError(f"unknown token {name!r}: use {', '.join(tokens)} or an address")
    client = Erc20Client(ctx.w3, checksum(address, "token"), ctx.sender if signing else None)
    try:
        client.decimals  # noqa: B018 (a token answers decimals())
    except Exception:
        raise BazaarError(f"{client.address} is not an ERC-20 token") from None
    return client


def order_of(ctx: Context, market: MarketplaceClient) -> Order:
    return market.order(parse_order_id(ctx.args.order))


def order_json(order: Order, token: Erc20Client) -> dict[str, Any]:
    t = order.terms
    return {
        "orderId": order.id_hex,
        "status": order.state.status,
        "escrow": order.state.amount,
        "escrowFormatted": token.format(order.state.amount),
        **time_json("deadline", order.state.deadline),
        "cancelRequested": order.state.cancel_requested,
        "reviewed": order.state.reviewed,
        "paid": order.paid_amount,
        "quantity": order.quantity,
        "usdAmount": t.usdAmount,
        "usdFormatted": format_usd(t.usdAmount),
        "token": t.token,
        "symbol": token.symbol,
        "terms": t.to_json(),
    }


# -- commands ---------------------------------------------------------------------------


def cmd_quote(ctx: Context) -> int:
    args = ctx.args
    if (args.listing is None) == (args.usd is None):
        raise BazaarError("pass either --listing ID or --usd AMOUNT")
    token = token_client(ctx, args.token)
    if args.usd is not None:
        usd = parse_usd(args.usd)
        oracle = OracleClient(ctx.w3, ctx.deployment.address("oracle"))
        q = oracle.quote(token.address, usd)
        amount, subject = q.token_amount, f"{format_usd(usd)}"
        extra: dict[str, Any] = {
            "usdAmount": usd,
            "usdLegAnswer": q.usd_leg_answer,
            "pegLegAnswer": q.peg_leg_answer,
        }
    else:
        market = market_client(ctx, signing=False)
        listing = market.listing(args.listing)
        amount = market.quote(args.listing, args.quantity, token.address)
        usd = listing.price_usd * args.quantity
        subject = f"listing {args.listing} x{args.quantity} ({format_usd(usd)})"
        extra = {"listingId": args.listing, "quantity": args.quantity, "usdAmount": usd}
    ctx.emit(
        {
            "token": token.address,
            "symbol": token.symbol,
            "amount": amount,
            "amountFormatted": token.format(amount),
            "usdFormatted": format_usd(usd),
            **extra,
        },
        [f"{subject} = {token.format(amount)} ({amount} units) now"],
    )
    return 0


def cmd_list(ctx: Context) -> int:
    args = ctx.args
    if args.sign_only:
        from bazaar.cli import offers

        return offers.cmd_list_signed(ctx)
    if args.out or args.commission_bps or args.valid_days != 30:
        raise InputRefused("--out, --commission-bps and --valid-days go with --sign-only")
    price = parse_usd(args.price)
    tokens = [token_client(ctx, t) for t in args.token]
    market = market_client(ctx, signing=True)
    metadata = listing_document(ctx) if args.document else hash_text(args.metadata)
    listing_id = market.list_item(
        price,
        args.stock,
        [t.address for t in tokens],
        args.buffer_bps,
        args.points_cap_bps,
        metadata,
    )
    symbols = ", ".join(t.symbol for t in tokens)
    ctx.emit(
        {
            "listingId": listing_id,
            "priceUsd": price,
            "priceFormatted": format_usd(price),
            "stock": args.stock,
            "tokens": [t.address for t in tokens],
            "metadataHash": "0x" + metadata.hex(),
            **last_tx_json(market),
        },
        [
            f"listing {listing_id}: {format_usd(price)} each, {args.stock} in stock, "
            f"pay in {symbols}"
        ],
    )
    return 0


def listing_document(ctx: Context) -> bytes:
    """`list --document FILE`: the listing document checked, uploaded to the storefront server
    signed by the keystore's account, and its hash (the listing's metadata).

    Raises:
        BazaarError: --metadata too, --safe-batch, a file outside the schema (nothing sent),
            or the server refused it.
    """
    from bazaar import catalogue

    args = ctx.args
    if args.metadata:
        raise BazaarError("--document or --metadata: the listing's metadata is one of them")
    if getattr(args, "safe_batch", None):
        raise BazaarError(
            "--document signs its upload with your keystore: for a Safe, upload it first "
            "(bazaar catalogue upload) and pass its hash as --metadata"
        )
    try:
        body = catalogue.read_file(args.document)
        document = catalogue.parse_document(body)
    except BazaarError as exc:
        raise BazaarError(f"{args.document}: {exc}") from None
    if not isinstance(document, catalogue.ListingDocument):
        raise BazaarError(
            f"{args.document} is a profile, not a {catalogue.LISTING_SCHEMA} document"
        )
    done = catalogue.upload(server_url(ctx), body, ctx.account)
    return bytes.fromhex(done.hash[2:])


def _pick_arbiter(ctx: Context, market: MarketplaceClient) -> str:
    """--arbiter, or the first active arbiter on chain that may arbitrate this order (neither
    the buyer nor the seller)."""
    if ctx.args.arbiter:
        return checksum(ctx.args.arbiter, "arbiter")
    seller = market.listing(ctx.args.listing).seller
    for arbiter in market.arbiters():
        if arbiter not in (ctx.me, seller):
            return arbiter
    raise BazaarError("no active arbiter may arbitrate this order: pass --arbiter ADDRESS")


def _check_points(market: MarketplaceClient, listing_id: int, quantity: int, points: int) -> None:
    """Refuses --points a listing cannot take, saying what it takes (the seller's cap: the
    share of the price that points may pay, one US cent per whole point)."""
    listing = market.listing(listing_id)
    cap_usd = listing.price_usd * quantity * listing.points_discount_cap_bps // BPS
    most = cap_usd * int(market.view("POINT_UNITS_PER_USD_UNIT"))
    if listing.points_discount_cap_bps == 0:
        raise BazaarError(
            f"listing {listing_id} takes no points: its seller listed it without a points cap "
            "(bazaar list --points-cap-bps)"
        )
    if points > most:
        raise BazaarError(
            f"--points {format_points(points)}: listing {listing_id} takes at most "
            f"{format_points(most)} for {quantity} (a discount of up to "
            f"{_percent(listing.points_discount_cap_bps)} of the price, {format_usd(cap_usd)})"
        )


def cmd_buy(ctx: Context) -> int:
    args = ctx.args
    if args.offer:
        from bazaar.cli import offers

        return offers.cmd_buy_offer(ctx)
    if not args.sign_only and (args.relayer_fee or args.nonce is not None or args.out):
        raise InputRefused("--relayer-fee, --nonce and --out go with --sign-only")
    # A cart (a referred or signed single purchase: a one-line cart).
    if args.line or args.referrer or args.sign_only:
        result: int = cart_handler("cmd_buy_cart")(ctx)
        return result
    if args.listing is None:
        raise BazaarError(
            "what to buy? pass --listing ID, or --line LISTING[:QUANTITY[:POINTS]] (repeatable) "
            "for a cart"
        )
    quantity = 1 if args.quantity is None else args.quantity
    market = market_client(ctx, signing=True)
    token = token_client(ctx, args.token, signing=True)
    arbiter = _pick_arbiter(ctx, market)
    if args.max_pay is not None:
        max_pay = parse_amount(args.max_pay, token.decimals, f"{token.symbol} amount")
    else:
        price = market.quote(args.listing, quantity, token.address)
        max_pay = price + price * args.slippage_bps // BPS
    deadline = checkout_deadline(ctx)
    points = parse_points(args.points or "0")
    if points:
        _check_points(market, args.listing, quantity, points)
    order, paid, approved = market.checkout(
        args.listing, quantity, token, max_pay, deadline, arbiter, not args.no_approve, points
    )
    data = order_json(order, token) | {"approved": approved, "arbiter": arbiter}
    data |= points_json("pointsRedeemed", order.state.points_escrowed)
    ctx.emit(
        data,
        [
            f"order {order.id_hex}",
            f"  paid {token.format(paid)} ({paid} units) for {format_usd(order.terms.usdAmount)}"
            f" at the locked rate; arbiter {arbiter}"
            + ("; approved first" if approved else "")
            + (
                f"; redeemed {format_points(order.state.points_escrowed)}"
                if order.state.points_escrowed
                else ""
            ),
        ],
    )
    return 0


def outcome(
    ctx: Context,
    market: MarketplaceClient,
    order: Order,
    receipt: TxReceipt,
    verb: str,
    event: str | None,
    fields: tuple[str, ...],
) -> tuple[dict[str, Any], str]:
    """What `receipt` did to `order`: its JSON now, with the numbers of its `event` (`fields`)
    and any commission paid to its referrer, and its line."""
    token = Erc20Client(ctx.w3, order.terms.token)
    now = dataclasses.replace(order, state=market.state(order.id))
    data = order_json(now, token) | {"action": verb}
    line = f"{verb} {order.id_hex}: now {now.state.status}"
    if event:
        found = _order_events(market, receipt, event, order)
        if found:
            details = {f: int(found[0][f]) for f in fields}
            data |= details
            amounts = {f: v for f, v in details.items() if not f.endswith("Bps")}
            data |= {f"{f}Formatted": token.format(v) for f, v in amounts.items()}
            shown = [f"buyer share {_percent(v)}" for f, v in details.items() if f not in amounts]
            shown += [f"{f} {token.format(v)}" for f, v in amounts.items()]
            line += "; " + ", ".join(shown)
    paid = _order_events(market, receipt, "CommissionPaid", order)
    if paid:  # the referrer's share of the seller's proceeds
        amount = int(paid[0]["amount"])
        data["commission"] = {
            "referrer": paid[0]["referrer"],
            "amount": amount,
            "amountFormatted": token.format(amount),
        }
        line += f"; commission {token.format(amount)} to the referrer {paid[0]['referrer']}"
    return data, line


def _order_events(
    market: MarketplaceClient, receipt: TxReceipt, name: str, order: Order
) -> list[dict[str, Any]]:
    """`receipt`'s `name` events of `order` (a batch's receipt holds those of several)."""
    return [e for e in market.events(receipt, name) if bytes(e["orderId"]) == order.id]


def credited_json(ctx: Context, market: MarketplaceClient, receipt: TxReceipt) -> list[Any]:
    """The payouts of `receipt` that their receiver's address could not take (a blacklist,
    say), kept as credits: JSON and a phrase each."""
    found = []
    for c in market.events(receipt, "PaymentCredited"):
        token = Erc20Client(ctx.w3, c["token"])
        amount = int(c["amount"])
        found.append(
            (
                {
                    "account": c["account"],
                    "amount": amount,
                    "amountFormatted": token.format(amount),
                },
                f"{token.format(amount)} kept as a credit of {c['account']} (bazaar claim)",
            )
        )
    return found


def _after(
    ctx: Context,
    market: MarketplaceClient,
    order: Order,
    receipt: TxReceipt,
    verb: str,
    event: str | None,
    fields: tuple[str, ...],
) -> int:
    data, line = outcome(ctx, market, order, receipt, verb, event, fields)
    data |= tx_json(receipt)
    credited = credited_json(ctx, market, receipt)
    if credited:
        data["credited"] = [c for c, _ in credited]
        line += "; " + ", ".join(text for _, text in credited)
    ctx.emit(data, [line])
    return 0


EVENTS = {
    "confirm": ("OrderCompleted", ("toSeller", "fee", "toBuyer")),
    "release": ("OrderCompleted", ("toSeller", "fee", "toBuyer")),
    "reclaim": ("OrderReclaimed", ("amount",)),
    "cancel": ("OrderCancelled", ("amount",)),
    "resolve-timeout": ("DisputeResolved", ("toBuyer", "toSeller", "fee")),
}


def cmd_simple(method: str, verb: str | None = None) -> Any:
    """A command that sends `method(order)` and reports as `verb` (default: the method)."""
    name = verb or method

    def handler(ctx: Context) -> int:
        market = market_client(ctx, signing=True)
        order = order_of(ctx, market)
        receipt = getattr(market, method)(order)
        event, fields = EVENTS.get(name, (None, ()))
        return _after(ctx, market, order, receipt, name, event, fields)

    return handler


def cmd_hashed(method: str, arg: str, verb: str) -> Any:
    """A command that sends `method(order, hash of --<arg>)` (tracking, evidence, checkpoint
    data: only the hash goes on chain) and reports as `verb`."""

    def handler(ctx: Context) -> int:
        market = market_client(ctx, signing=True)
        text = getattr(ctx.args, arg)
        if not text.strip():
            raise BazaarError(f"--{arg} is empty: give the text (hashed) or its 0x hash")
        order = order_of(ctx, market)
        receipt = getattr(market, method)(order, hash_text(text))
        return _after(ctx, market, order, receipt, verb, None, ())

    return handler


def _token_amount(ctx: Context, order: Order, text: str) -> int:
    token = Erc20Client(ctx.w3, order.terms.token)
    return parse_amount(text, token.decimals, f"{token.symbol} amount")


def cmd_refund(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    order = order_of(ctx, market)
    amount = (
        order.state.amount
        if ctx.args.amount is None
        else _token_amount(ctx, order, ctx.args.amount)
    )
    receipt = market.refund(order, amount)
    return _after(ctx, market, order, receipt, "refund", "OrderRefunded", ("amount", "remaining"))


def cmd_rule(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    order = order_of(ctx, market)
    receipt = market.resolve_dispute(order, _share_bps(ctx.args.buyer_share))
    fields = ("buyerShareBps", "toBuyer", "toSeller", "fee", "arbiterFee")
    return _after(ctx, market, order, receipt, "rule", "DisputeResolved", fields)


def _percent(bps: int) -> str:
    """Basis points as a percentage: 7000 -> "70%", 1250 -> "12.5%"."""
    text = f"{Decimal(bps) / 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def _share_bps(text: str) -> int:
    """A percentage (\"40\", \"40%\", \"12.5\") as basis points; one clear error otherwise."""
    try:
        percent = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        raise BazaarError(f"--buyer-share must be a percentage, 0 to 100, not {text!r}") from None
    bps = percent * 100
    if not percent.is_finite() or bps != bps.to_integral_value() or not 0 <= bps <= 10_000:
        raise BazaarError(f"--buyer-share must be 0 to 100, at most 2 decimals, not {text!r}")
    return int(bps)


def cmd_review(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    order = order_of(ctx, market)
    receipt = market.review(order, ctx.args.rating, hash_text(ctx.args.content))
    return _after(ctx, market, order, receipt, "review", None, ())


# -- listings ---------------------------------------------------------------------------


def listing_json(listing: Listing) -> dict[str, Any]:
    return {
        "listingId": listing.id,
        "seller": listing.seller,
        "priceUsd": listing.price_usd,
        "priceFormatted": format_usd(listing.price_usd),
        "stock": listing.stock,
        "kind": listing.kind,
        "active": listing.active,
        "goodsTokenId": listing.goods_token_id,
        "commissionBps": listing.commission_bps,
    }


def cmd_update_listing(ctx: Context) -> int:
    args = ctx.args
    if args.price is None and args.stock is None:
        raise BazaarError("pass --price and/or --stock")
    market = market_client(ctx, signing=True)
    before = market.listing(args.listing)
    price = before.price_usd if args.price is None else parse_usd(args.price)
    stock = before.stock if args.stock is None else args.stock
    receipt = market.update_listing(args.listing, price, stock)
    now = market.listing(args.listing)
    changes = []
    if now.price_usd != before.price_usd:
        changes.append(f"{format_usd(before.price_usd)} -> {format_usd(now.price_usd)} each")
    if now.stock != before.stock:
        changes.append(f"stock {before.stock} -> {now.stock}")
    ctx.emit(
        listing_json(now) | tx_json(receipt) | {"action": "update-listing"},
        [f"listing {now.id}: {', '.join(changes)}"],
    )
    return 0


def cmd_delist(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    receipt = market.delist(ctx.args.listing)
    now = market.listing(ctx.args.listing)
    returned = now.kind == "Digital" and now.goods_token_id != 0
    ctx.emit(
        listing_json(now) | tx_json(receipt) | {"action": "delist"},
        [
            f"listing {now.id} delisted"
            + (f"; digital item {now.goods_token_id} returned to you" if returned else "")
        ],
    )
    return 0


# -- money out --------------------------------------------------------------------------


def cmd_claim(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    token = token_client(ctx, ctx.args.token)
    to = checksum(ctx.args.to, "receiver") if ctx.args.to else ctx.me
    credit = market.credit(ctx.me, token.address)
    if credit == 0:
        raise BazaarError(f"{ctx.me} has no {token.symbol} credit to claim")
    receipt = market.claim(token.address, to)
    ctx.emit(
        {
            "action": "claim",
            "token": token.address,
            "to": to,
            "amount": credit,
            "amountFormatted": token.format(credit),
            **tx_json(receipt),
        },
        [f"claimed {token.format(credit)} ({credit} units) to {to}"],
    )
    return 0


def cmd_withdraw_fees(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    token = token_client(ctx, ctx.args.token)
    receipt = market.withdraw_fees(token.address)
    paid = market.events(receipt, "FeesWithdrawn")[0]
    treasury, stakers = int(paid["toTreasury"]), int(paid["toStakers"])
    ctx.emit(
        {
            "action": "withdraw-fees",
            "token": token.address,
            "toTreasury": treasury,
            "toTreasuryFormatted": token.format(treasury),
            "toStakers": stakers,
            "toStakersFormatted": token.format(stakers),
            **tx_json(receipt),
        },
        [
            f"fees paid out: {token.format(treasury)} to the treasury, {token.format(stakers)} "
            "streamed to stakers"
        ],
    )
    return 0


def cmd_sweep(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    token = token_client(ctx, ctx.args.token)
    receipt = market.sweep(token.address)
    amount = int(market.events(receipt, "Swept")[0]["amount"])
    ctx.emit(
        {
            "action": "sweep",
            "token": token.address,
            "amount": amount,
            "amountFormatted": token.format(amount),
            **tx_json(receipt),
        },
        [f"swept {token.format(amount)} to the treasury"],
    )
    return 0


def cmd_pause(paused: bool) -> Any:
    def handler(ctx: Context) -> int:
        market = market_client(ctx, signing=True)
        receipt = market.set_paused(paused)
        word = "paused" if paused else "resumed"
        ctx.emit(
            {
                "action": "pause" if paused else "unpause",
                "paused": market.paused(),
                **tx_json(receipt),
            },
            [f"new listings and checkouts {word}"],
        )
        return 0

    return handler


def cmd_transfer(ctx: Context) -> int:
    args = ctx.args
    if args.token.lower() == "points":
        token: Erc20Client = PointsClient(ctx.w3, ctx.deployment.address("points"), ctx.sender)
        amount = parse_points(args.amount)
    else:
        token = token_client(ctx, args.token, signing=True)
        amount = parse_amount(args.amount, token.decimals, f"{token.symbol} amount")
    to = checksum(args.to, "receiver")
    receipt = token.transfer(to, amount)
    shown = (
        points_json("amount", amount)
        if isinstance(token, PointsClient)
        else {"amount": amount, "amountFormatted": token.format(amount)}
    )
    ctx.emit(
        {"action": "transfer", "token": token.address, "to": to, **shown, **tx_json(receipt)},
        [f"sent {token.format(amount)} to {to}"],
    )
    return 0
