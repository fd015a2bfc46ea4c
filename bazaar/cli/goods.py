"""`bazaar goods`: digital items (the DigitalGoods ERC-721). `goods mint` mints one item for
the seller (a URI and the hash of its content), `goods mint-batch` several, `goods set-uri`
moves an item's URI (its creator only), `goods show` prints an item, `goods list` lists an
item for sale (it moves into the marketplace's escrow and is delivered at checkout),
`goods transfer` sends one, and `goods operator` lets another address mint for you."""

from __future__ import annotations

from typing import Any

from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context, last_tx_json, tx_json
from bazaar.cli.market import listing_json, market_client, token_client
from bazaar.cli.parsing import add_points_cap, command_adder, non_negative_int, positive_int
from bazaar.clients.goods import GoodsClient, Item
from bazaar.clients.marketplace import hash_text
from bazaar.errors import BazaarError
from bazaar.units import checksum, format_usd, parse_usd


def register(commands: Any, add_globals: Any) -> None:
    goods = commands.add_parser(
        "goods",
        help=HELP["goods"],
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = goods.add_subparsers(dest="action", metavar="ACTION", parser_class=type(goods))
    actions.required = True
    command = command_adder(actions, add_globals)
    p = command("mint", cmd_mint, "mint one item")
    p.add_argument("--uri", required=True, help="where the item's content is")
    p.add_argument("--content", required=True, help="the content (hashed) or its 0x hash")
    p.add_argument("--royalty-bps", type=non_negative_int, default=0, help="ERC-2981 royalty")
    p.add_argument("--seller", help="mint for this seller (an operator it approved; default: you)")
    p = command("mint-batch", cmd_mint_batch, "mint several items (--item URI CONTENT, repeated)")
    p.add_argument(
        "--item",
        nargs=2,
        action="append",
        required=True,
        metavar=("URI", "CONTENT"),
        help="one item: its URI and its content (hashed) or 0x hash (repeatable)",
    )
    p.add_argument("--royalty-bps", type=non_negative_int, default=0)
    p.add_argument("--seller", help="mint for this seller (default: you)")
    p = command("set-uri", cmd_set_uri, "creator: point an item at a new URI")
    p.add_argument("item", metavar="ITEM_ID", type=positive_int)
    p.add_argument("uri", metavar="URI")
    p = command("show", cmd_show, "an item: owner, creator, URI, content hash", sends=False)
    p.add_argument("item", metavar="ITEM_ID", type=positive_int)
    p = command("list", cmd_list, "list an item for sale, priced in USD (it goes into escrow)")
    p.add_argument("item", metavar="ITEM_ID", type=positive_int)
    p.add_argument("--price", required=True, help="price in USD, e.g. 25 or 12.34")
    p.add_argument("--token", action="append", required=True, help="accepted token (repeatable)")
    p.add_argument("--buffer-bps", type=non_negative_int, default=0, help="USD-protected buffer")
    add_points_cap(p)
    p = command("transfer", cmd_transfer, "send an item you own to an address")
    p.add_argument("item", metavar="ITEM_ID", type=positive_int)
    p.add_argument("--to", required=True, help="the receiver")
    p = command("operator", cmd_operator, "let ADDRESS mint for you and move your items")
    p.add_argument("operator", metavar="ADDRESS")
    p.add_argument("--revoke", action="store_true", help="take the permission back")


def _goods(ctx: Context, signing: bool = False) -> GoodsClient:
    return ctx.client(GoodsClient, "goods", signing)


def item_json(item: Item) -> dict[str, Any]:
    return {
        "itemId": item.id,
        "owner": item.owner,
        "creator": item.creator,
        "uri": item.uri,
        "contentHash": "0x" + item.content_hash.hex(),
    }


def _content(text: str) -> bytes:
    if not text:
        raise BazaarError("the content may not be empty")
    return hash_text(text)


def cmd_mint(ctx: Context) -> int:
    goods = _goods(ctx, signing=True)
    seller = checksum(ctx.args.seller, "seller") if ctx.args.seller else ctx.me
    if not ctx.args.uri:
        raise BazaarError("the URI may not be empty")
    item_id = goods.mint(seller, ctx.args.uri, _content(ctx.args.content), ctx.args.royalty_bps)
    item = goods.item(item_id)
    ctx.emit(
        item_json(item) | last_tx_json(goods) | {"action": "mint"},
        [f"minted item {item_id} to {item.owner}"],
    )
    return 0


def cmd_mint_batch(ctx: Context) -> int:
    goods = _goods(ctx, signing=True)
    seller = checksum(ctx.args.seller, "seller") if ctx.args.seller else ctx.me
    uris = [uri for uri, _ in ctx.args.item]
    if not all(uris):
        raise BazaarError("a URI may not be empty")
    hashes = [_content(content) for _, content in ctx.args.item]
    ids = goods.mint_batch(seller, uris, hashes, ctx.args.royalty_bps)
    ctx.emit(
        {"action": "mint-batch", "itemIds": ids, "seller": seller} | last_tx_json(goods),
        [f"minted items {ids[0]} to {ids[-1]} to {seller}"],
    )
    return 0


def cmd_set_uri(ctx: Context) -> int:
    goods = _goods(ctx, signing=True)
    if not ctx.args.uri:
        raise BazaarError("the URI may not be empty")
    receipt = goods.set_token_uri(ctx.args.item, ctx.args.uri)
    item = goods.item(ctx.args.item)
    ctx.emit(
        item_json(item) | tx_json(receipt) | {"action": "set-uri"},
        [f"item {item.id} now points at {item.uri}"],
    )
    return 0


def cmd_show(ctx: Context) -> int:
    item = _goods(ctx).item(ctx.args.item)
    held = item.owner == ctx.deployment.address("market")
    owner = f"{item.owner} (the marketplace: in escrow, listed or sold)" if held else item.owner
    ctx.emit(
        item_json(item) | {"inEscrow": held},
        [
            f"item {item.id}: owner {owner}, creator {item.creator}",
            f"  {item.uri} (content 0x{item.content_hash.hex()})",
        ],
    )
    return 0


def cmd_list(ctx: Context) -> int:
    args = ctx.args
    price = parse_usd(args.price)
    tokens = [token_client(ctx, t) for t in args.token]
    market = market_client(ctx, signing=True)
    listing_id = market.list_digital(
        args.item, price, [t.address for t in tokens], args.buffer_bps, args.points_cap_bps
    )
    listing = market.listing(listing_id)
    ctx.emit(
        listing_json(listing) | {"tokens": [t.address for t in tokens]} | last_tx_json(market),
        [
            f"listing {listing_id}: item {args.item} for {format_usd(price)}, in escrow; pay in "
            + ", ".join(t.symbol for t in tokens)
        ],
    )
    return 0


def cmd_transfer(ctx: Context) -> int:
    goods = _goods(ctx, signing=True)
    to = checksum(ctx.args.to, "receiver")
    receipt = goods.transfer(ctx.args.item, to)
    item = goods.item(ctx.args.item)
    ctx.emit(
        item_json(item) | tx_json(receipt) | {"action": "transfer"},
        [f"item {item.id} sent to {item.owner}"],
    )
    return 0


def cmd_operator(ctx: Context) -> int:
    goods = _goods(ctx, signing=True)
    operator = checksum(ctx.args.operator, "operator")
    receipt = goods.set_operator(operator, not ctx.args.revoke)
    me = ctx.me
    approved = goods.is_operator(me, operator)
    ctx.emit(
        {"action": "operator", "owner": me, "operator": operator, "approved": approved}
        | tx_json(receipt),
        [f"{operator} {'may' if approved else 'may no longer'} mint for {me} and move its items"],
    )
    return 0
