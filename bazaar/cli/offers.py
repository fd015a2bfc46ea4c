"""Signed listings ("offers"): `list --sign-only` (an offer signed off-line, printed as JSON or
written to --out; nothing sent, no gas), `publish-offer FILE` (into the index, where
`listings` and the storefront's API show it), `buy --offer FILE|HASH` (a checkout against
it), `cancel-offer FILE|HASH` and `cancel-offers` (all of the seller's, by its counter).

`list` and `buy` are registered in cli/market.py, which hands these cases to the handlers
here. Bad input is one line (exit 1) with nothing sent, as everywhere."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bazaar.cli.common import Context, points_json, read_json_file, tx_json
from bazaar.cli.market import checkout_deadline, market_client, order_json, token_client
from bazaar.cli.parsing import command_adder
from bazaar.clients import offers as client
from bazaar.clients.marketplace import MarketplaceClient, hash_text
from bazaar.errors import BazaarError, InputRefused
from bazaar.settings import BPS, ONE_DAY
from bazaar.signing.offers import SignedOffer
from bazaar.units import checksum, format_usd, parse_amount, parse_points, parse_usd


def register(commands: Any, add_globals: Any) -> None:
    add = command_adder(commands, add_globals)
    p = add("publish-offer", cmd_publish_offer, sends=False)
    p.add_argument("file", metavar="FILE", help="a signed offer (list --sign-only); - for stdin")
    p.add_argument("--db", help="the index's database URL (default: as `bazaar index`)")
    p = add("cancel-offer", cmd_cancel_offer)
    p.add_argument("offer", metavar="FILE|HASH", help="the signed offer, or its hash (indexed)")
    p.add_argument("--db", help="the index's database URL, to find an offer by its hash")
    add("cancel-offers", cmd_cancel_offers)


def _index(ctx: Context) -> Any:
    from bazaar.cli.index import index_engine

    return index_engine(ctx)


def read_offer(ctx: Context, source: str) -> SignedOffer:
    """A signed offer: FILE ("-": stdin), or the hash of one published to the index.

    Raises:
        InputRefused: unreadable, not JSON, malformed, or a hash the index does not hold.
    """
    if source.startswith("0x") and len(source) == 66 and not Path(source).exists():
        from bazaar.index import queries

        data = queries.offer_document(_index(ctx), source.lower())
        if data is None:
            raise InputRefused(
                f"no offer {source} in the index: pass the signed offer's file, or publish it "
                "first (bazaar publish-offer FILE)"
            )
        return SignedOffer.from_json(data, where=source)
    data = read_json_file(source, "signed offer", "list --sign-only")
    return SignedOffer.from_json(data, where=source)


def offer_json(signed: SignedOffer, market: MarketplaceClient | None = None) -> dict[str, Any]:
    offer = signed.offer
    data: dict[str, Any] = {
        "offerHash": signed.hash_hex,
        "seller": offer.seller,
        "priceUsd": offer.priceUsd,
        "priceFormatted": format_usd(offer.priceUsd),
        "stock": offer.stock,
        "expiry": offer.expiry,
    }
    if market is not None:
        state = client.offer_state(market, signed)
        data |= {
            "filled": state.filled,
            "left": state.left,
            "cancelled": state.cancelled,
            "superseded": state.superseded,
            "expired": state.expired,
        }
    return data


# -- list --sign-only --------------------------------------------------------------------------


def cmd_list_signed(ctx: Context) -> int:
    """`list ... --sign-only`: the offer signed with the seller's current counter; sends
    nothing."""
    args = ctx.args
    if args.document:
        raise InputRefused("--document uploads to the server: use --metadata with --sign-only")
    price = parse_usd(args.price)
    tokens = [token_client(ctx, t) for t in args.token]
    market = market_client(ctx, signing=True)
    now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    expiry = max(now, int(time.time())) + int(args.valid_days) * ONE_DAY
    signed = client.sign_offer(
        market,
        ctx.account,
        price,
        args.stock,
        [t.address for t in tokens],
        expiry,
        buffer_bps=args.buffer_bps,
        points_cap_bps=args.points_cap_bps,
        commission_bps=args.commission_bps,
        metadata_hash=hash_text(args.metadata),
    )
    text = json.dumps(signed.to_json())
    if not args.out:
        # One JSON object on one line, with or without --json: the file the others read.
        ctx.out.write(text + "\n")
        ctx.out.flush()
        return 0
    try:
        Path(args.out).write_text(text + "\n")
    except OSError as exc:
        raise BazaarError(f"cannot write {args.out}: {exc.strerror}") from None
    symbols = ", ".join(t.symbol for t in tokens)
    ctx.emit(
        {"file": args.out, **signed.to_json()},
        [
            f"offer {signed.hash_hex} signed into {args.out}: {format_usd(price)} each, "
            f"{args.stock} for sale, pay in {symbols}, until {expiry} (unix); nothing sent",
            f"  publish it: bazaar publish-offer {args.out}; anyone may buy it: bazaar buy "
            f"--offer {args.out} --token {tokens[0].symbol.lower()}",
        ],
    )
    return 0


def cmd_publish_offer(ctx: Context) -> int:
    from bazaar.index import queries

    signed = read_offer(ctx, ctx.args.file)
    market = market_client(ctx, signing=False)
    client.check_offer(market, signed)  # this chain and marketplace, the seller's, for sale
    engine = _index(ctx)
    now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    added = queries.store_offer(engine, signed, now)
    ctx.emit(
        {**offer_json(signed, market), "published": added},
        [
            f"offer {signed.hash_hex} "
            + ("published to the index" if added else "was published already")
            + f": {format_usd(signed.offer.priceUsd)} each, {signed.offer.stock} for sale"
        ],
    )
    return 0


# -- buy --offer -------------------------------------------------------------------------------


def cmd_buy_offer(ctx: Context) -> int:
    args = ctx.args
    if args.listing is not None or args.line:
        raise InputRefused("--offer, --listing or --line: one thing to buy")
    if args.sign_only:
        raise InputRefused("--sign-only signs a cart of listings; an offer is bought directly")
    signed = read_offer(ctx, args.offer)
    quantity = 1 if args.quantity is None else args.quantity
    market = market_client(ctx, signing=True)
    token = token_client(ctx, args.token, signing=True)
    client.check_offer(market, signed, quantity)
    referrer = checksum(args.referrer, "referrer") if args.referrer else None
    arbiter = _pick_arbiter(ctx, market, signed.offer.seller, referrer)
    if args.max_pay is not None:
        max_pay = parse_amount(args.max_pay, token.decimals, f"{token.symbol} amount")
    else:
        price = client.quote_offer(market, signed, quantity, token.address)
        max_pay = price + price * args.slippage_bps // BPS
    points = parse_points(args.points or "0")
    order, paid, approved = client.checkout_offer(
        market,
        signed,
        quantity,
        token,
        max_pay,
        checkout_deadline(ctx),
        arbiter,
        referrer,
        points,
        not args.no_approve,
    )
    data = order_json(order, token) | {
        "offerHash": signed.hash_hex,
        "approved": approved,
        "arbiter": arbiter,
        "referrer": referrer,
        "commissionBps": order.terms.commissionBps,
    }
    data |= points_json("pointsRedeemed", order.state.points_escrowed)
    ctx.emit(
        data,
        [
            f"order {order.id_hex}",
            f"  paid {token.format(paid)} ({paid} units) for {format_usd(order.terms.usdAmount)} "
            f"at the locked rate, from offer {signed.hash_hex[:10]}…; arbiter {arbiter}"
            + ("; approved first" if approved else ""),
        ],
    )
    return 0


def _pick_arbiter(
    ctx: Context, market: MarketplaceClient, seller: str, referrer: str | None
) -> str:
    if ctx.args.arbiter:
        return checksum(ctx.args.arbiter, "arbiter")
    for arbiter in market.arbiters():
        if arbiter not in (ctx.me, seller, referrer):
            return arbiter
    raise BazaarError("no active arbiter may arbitrate this order: pass --arbiter ADDRESS")


# -- cancel ------------------------------------------------------------------------------------


def cmd_cancel_offer(ctx: Context) -> int:
    signed = read_offer(ctx, ctx.args.offer)
    market = market_client(ctx, signing=True)
    receipt = client.cancel_offer(market, signed)
    ctx.emit(
        {**offer_json(signed), **tx_json(receipt)},
        [f"offer {signed.hash_hex} cancelled: nobody can buy from it now"],
    )
    return 0


def cmd_cancel_offers(ctx: Context) -> int:
    market = market_client(ctx, signing=True)
    counter, receipt = client.cancel_all_offers(market)
    ctx.emit(
        {"seller": ctx.me, "counter": counter, **tx_json(receipt)},
        [f"every offer you signed so far is void (your offer counter is now {counter})"],
    )
    return 0
