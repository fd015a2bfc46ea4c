"""The index that tools/local/storefront_bench.py measures the storefront's read API over,
filled without a chain: 10,000 listings and 50,000 orders by bulk inserts into the schema's
tables, in the shapes the indexer writes (bazaar/index/indexer.py: `_listed`, `_paid`, the
lifecycle handlers, `Indexer._store`'s events rows) and `Store.put` writes
(bazaar/server/store.py).

Listings of 40 sellers (a few big ones, a long tail), each with its stored bazaar.listing/1
document (a generated title and description; the upload's signature has the stored shape but
is not a real one: the server checks signatures at upload, never on reads, and 10,000 would
take a minute), three payment tokens in six masks, varied prices, 5 % delisted. Orders in every
status with their events (2,000 of them one buyer's), reviews of two sellers in three (their
ratings). `check_shapes` then applies the indexer's own handlers and `Store.put` to a listing,
an order and a document, and requires the rows the fill wrote. The same rows on every run (a
seeded generator).
"""

from __future__ import annotations

import itertools
import json
import random
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils import keccak, to_checksum_address

from bazaar import catalogue
from bazaar.index import schema
from bazaar.index.indexer import CONSTRUCTOR_FULFILMENT_WINDOW, _jsonable, apply
from bazaar.index.schema import open_index
from bazaar.server.store import Store
from bazaar.settings import ONE_DAY, USD
from bazaar.types import OrderTerms

LISTINGS, ORDERS, SELLERS, HEAVY_ORDERS = 10_000, 50_000, 40, 2_000
T0 = 1_700_000_000  # block 0's timestamp; a block every 12 s

# A title is one of each; a description, a few phrases and the listing's reference.
ADJECTIVES = "vintage handmade antique rustic minimalist industrial retro modern classic restored \
artisan compact oversized signed lightweight heirloom folding hand-painted"
MATERIALS = "brass oak walnut leather linen ceramic copper glass wool bamboo marble steel silver \
cotton porcelain"
NOUNS = "desk_lamp bookshelf chess_set teapot backpack wall_clock fountain_pen camera_bag mirror \
rug blanket vase bowl knife stool radio typewriter record_player notebook watch_strap \
candle_holder picture_frame plant_pot coffee_grinder jewellery_box scarf"
PHRASES = (
    "Ships worldwide within three days.",
    "Lightly used, in excellent condition.",
    "Made to order in a small workshop.",
    "Includes the original box and papers.",
    "Gift wrapping on request.",
    "USD-protected checkout available.",
    "Dimensions and care instructions in the photos.",
    "One of a kind; no returns on custom work.",
)
RARE = {"meteorite": 5, "tourmaline": 20}  # word: how many listings have it
TOKENS = {"wbtc": 1, "usdc": 2, "tbtc": 3}  # name: token id (mask bit id - 1)
MASKS = (1, 1, 1, 3, 3, 2, 4, 5, 7)  # drawn at random: WBTC alone the most common
# An order's final status, the events after its OrderPaid, and how often (%).
LIFECYCLES = {
    "Paid": ((), 8),
    "Shipped": (("OrderShipped",), 12),
    "Completed": (("OrderShipped", "OrderCompleted"), 70),
    "Disputed": (("DisputeOpened",), 3),
    "Resolved": (("OrderShipped", "DisputeOpened", "DisputeResolved"), 3),
    "Refunded": (("OrderRefunded",), 4),
}


def address(label: str) -> str:
    return to_checksum_address(keccak(text=label)[:20])


@dataclass
class Fill:
    """The rows by table, and what the load and the shape check need."""

    rows: dict[str, list[dict[str, Any]]]
    sellers: list[str]
    heavy_buyer: str
    samples: dict[str, tuple[dict[str, Any], int, int]]  # event: (args, block, timestamp)
    head: int


def plan(listing_count: int, order_count: int) -> Fill:
    """The index's rows, the same on every run (a seeded generator)."""
    rng = random.Random(20_240_601)
    rows: dict[str, list[dict[str, Any]]] = {
        t: [] for t in ("events", "listings", "uploads", "orders", "seller_ratings")
    }
    samples: dict[str, tuple[dict[str, Any], int, int]] = {}
    sellers = [address(f"seller {i}") for i in range(SELLERS)]
    tokens = {name: address(f"token {name}") for name in TOKENS}
    chain = {"block": 100, "log": 0}

    def event(
        name: str, args: dict[str, Any], order: str | None = None, sample: bool = True
    ) -> int:
        """An events row as Indexer._store writes it (a new block now and then); its block.
        The first of each name (of those that may be) is a sample for check_shapes."""
        if rng.random() < 0.3:
            chain["block"], chain["log"] = chain["block"] + 1, 0
        block, stored = chain["block"], _jsonable(args)
        tx_hash = "0x" + rng.randbytes(32).hex()
        rows["events"].append(
            dict(block=block, log_index=chain["log"], tx_hash=tx_hash, contract="market",
                 name=name, order_id=order, args=json.dumps(stored, sort_keys=True))
        )  # fmt: skip
        chain["log"] += 1
        if sample:
            samples.setdefault(name, (stored, block, T0 + 12 * block))
        return block

    for name, token_id in TOKENS.items():
        event("PaymentTokenAdded", {"token": tokens[name], "tokenId": token_id})
    rare = {w: set(rng.sample(range(1, listing_count + 1), n)) for w, n in RARE.items()}
    words = [text.split() for text in (ADJECTIVES, MATERIALS, NOUNS)]
    for i in range(1, listing_count + 1):
        # a few big sellers and a long tail; every seller has some
        seller = sellers[
            min(int(rng.paretovariate(1.2)) - 1, SELLERS - 1) if i % 3 else i % SELLERS
        ]
        title = " ".join(rng.choice(w).replace("_", " ") for w in words).capitalize()
        title += " with meteorite inlay" if i in rare["meteorite"] else ""
        description = " ".join(rng.sample(PHRASES, rng.randint(2, 4))) + f" Ref. BZ-{i:05d}."
        description += "".join(f" Inlaid with {w}." for w, ids in rare.items() if i in ids)
        body = json.dumps({"schema": catalogue.LISTING_SCHEMA, "title": title,
                           "description": description, "shipping": ["DE"]}).encode()  # fmt: skip
        parsed = catalogue.parse_document(body)
        assert isinstance(parsed, catalogue.ListingDocument)
        digest = catalogue.content_hash(body)
        rows["uploads"].append(
            dict(hash=digest, kind="listing", content_type="application/json", body=body,
                 size=len(body), uploader=seller, signature="0x" + rng.randbytes(65).hex(),
                 uploaded_at=T0 + 12 * chain["block"], title=parsed.title,
                 description=parsed.description, account=None)
        )  # fmt: skip
        price = rng.choice((5, 12, 25, 40, 60, 99, 150, 320, 800, 2_500)) * USD + rng.randrange(USD)
        stock, mask = rng.randint(50, 500), rng.choice(MASKS)
        buffer, cap = rng.choice((0, 0, 200)), rng.choice((0, 500, 1_000))
        listed = {"listingId": i, "seller": seller, "priceUsd": price, "stock": stock,
                  "tokenMask": mask, "bufferBps": buffer, "pointsDiscountCapBps": cap,
                  "kind": 0, "metadataHash": digest}  # fmt: skip
        rows["listings"].append(
            dict(id=i, seller=seller, price_usd=str(price), price_sort=min(price, schema.SORT_MAX),
                 stock=stock, token_mask=mask, buffer_bps=buffer, points_cap_bps=cap,
                 kind="Physical", active=True, goods_token_id=0, metadata_hash=digest,
                 block=event("Listed", listed))
        )  # fmt: skip
    heavy_buyer = address("buyer 0")
    buyers = [address(f"buyer {i}") for i in range(1, 3_001)]
    arbiters = [address(f"arbiter {i}") for i in range(3)]
    popularity = list(itertools.accumulate(rng.paretovariate(1.0) for _ in range(listing_count)))
    ratings: dict[str, list[int]] = {}
    statuses, weights = list(LIFECYCLES), [weight for _, weight in LIFECYCLES.values()]
    for n in range(order_count):
        listed = rows["listings"][rng.choices(range(listing_count), cum_weights=popularity)[0]]
        mask, quantity = listed["token_mask"], rng.choice((1, 1, 1, 2, 3))
        token = rng.choice([t for t, bit in TOKENS.items() if mask >> (bit - 1) & 1])
        usd = int(listed["price_usd"]) * quantity
        locked = usd * 10**6 // USD if token == "usdc" else usd * 10**8 // (100_000 * USD)
        buyer = heavy_buyer if n % (order_count // HEAVY_ORDERS) == 0 else rng.choice(buyers)
        terms = OrderTerms(buyer, listed["seller"], tokens[token], rng.choice(arbiters),
                           listed["id"], n, quantity, usd, locked, listed["buffer_bps"], 100,
                           200, 14 * ONE_DAY, 7 * ONE_DAY, 1, 0)  # fmt: skip
        order_id = "0x" + rng.randbytes(32).hex()
        status = rng.choices(statuses, weights)[0]
        listed["stock"] -= quantity
        paid_args = {"orderId": order_id, "buyer": buyer, "seller": terms.seller,
                     "terms": terms.to_json(), "usdLegAnswer": 100_000 * USD,
                     "pegLegAnswer": USD, "usdLegUpdatedAt": T0, "pegLegUpdatedAt": T0}  # fmt: skip
        paid = event("OrderPaid", paid_args, order_id, sample=status == "Paid")
        order = dict(id=order_id, listing_id=listed["id"], buyer=buyer, seller=terms.seller,
                     arbiter=terms.arbiter, token=terms.token, quantity=quantity,
                     usd_amount=str(usd), locked_amount=str(locked), status=status,
                     deadline=T0 + 12 * paid + CONSTRUCTOR_FULFILMENT_WINDOW,
                     cancel_requested=False, paid_block=paid, updated_block=paid, to_seller="0",
                     terms=json.dumps(_jsonable(terms.to_json()), sort_keys=True))  # fmt: skip
        for step in LIFECYCLES[status][0]:  # what each handler writes, in its final form
            when = T0 + 12 * (chain["block"] + 1)
            args: dict[str, Any] = {"orderId": order_id, **{
                "OrderShipped": {"trackingCommitment": "0x" + "11" * 32,
                                 "confirmDeadline": when + terms.confirmWindow},
                "DisputeOpened": {"by": buyer, "arbiter": terms.arbiter,
                                  "evidenceHash": "0x" + "22" * 32,
                                  "rulingDeadline": when + terms.rulingWindow},
                "OrderRefunded": {"amount": locked, "remaining": 0},
                "OrderCompleted": {"toSeller": locked * 99 // 100, "fee": locked // 100,
                                   "toBuyer": 0, "confirmed": True},
                "DisputeResolved": {"buyerShareBps": 0, "toBuyer": 0, "fee": locked // 100,
                                    "toSeller": locked * 97 // 100, "arbiterFee": locked // 50,
                                    "byDefault": False},
            }[step]}  # fmt: skip
            order["updated_block"] = event(step, args, order_id)
            order["deadline"] = args.get("confirmDeadline", args.get("rulingDeadline"))
            order["to_seller"] = str(args.get("toSeller", order["to_seller"]))
        if status == "Completed" and sellers.index(terms.seller) % 3 and rng.random() < 0.4:
            rating = rng.choices((1, 2, 3, 4, 5), (1, 1, 3, 8, 12))[0]
            ratings.setdefault(terms.seller, []).append(rating)
            review = {"orderId": order_id, "seller": terms.seller, "rating": rating,
                      "contentHash": "0x" + "33" * 32, "outcome": 0}  # fmt: skip
            event("Reviewed", review, order_id)
        rows["orders"].append(order)
    for listed in rng.sample(rows["listings"], listing_count // 20):
        listed["active"] = False
        event("Delisted", {"listingId": listed["id"]})
    rows["seller_ratings"] = [
        {"seller": s, "rating_sum": sum(r), "reviews": len(r)} for s, r in ratings.items()
    ]
    return Fill(rows, sellers, heavy_buyer, samples, chain["block"] + 5)


def fill_index(url: str, fill: Fill) -> dict[str, Any]:
    """The schema (open_index), every row in one transaction, bulk; on PostgreSQL a VACUUM
    ANALYZE (what its autovacuum does within a minute); the shape check. Its figures."""
    started = time.monotonic()
    engine = open_index(url)
    with engine.begin() as c:
        for name, table_rows in fill.rows.items():
            table = schema.metadata.tables.get(name, schema.metadata_v2.tables.get(name))
            for start in range(0, len(table_rows), 5_000):
                c.execute(sa.insert(table), table_rows[start : start + 5_000])
        numbers = sorted({e["block"] for e in fill.rows["events"]} | {fill.head})
        c.execute(
            schema.blocks.insert(),
            [{"number": n, "hash": "0x" + keccak(n.to_bytes(8)).hex(), "timestamp": T0 + 12 * n}
             for n in numbers],
        )  # fmt: skip
        schema.set_meta(c, "last_block", str(fill.head))
    inserted = time.monotonic()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))
    check_shapes(engine, fill)
    engine.dispose()
    return {
        "insertSeconds": round(inserted - started, 2),
        "totalSeconds": round(time.monotonic() - started, 2),
        "rows": {name: len(table_rows) for name, table_rows in fill.rows.items()},
    }


def check_shapes(engine: sa.Engine, fill: Fill) -> None:
    """The indexer's handlers (`apply`) given a Listed and an OrderPaid event (of an order left
    paid) in a transaction rolled back, and `Store.put` given the first document, write the
    rows the fill wrote (a listing's stock and activity aside: sales and delisting changed
    them since). Raises when one differs."""

    def compare(table: sa.Table, key: Any, bulk: dict[str, Any], c: sa.Connection) -> None:
        again = c.execute(sa.select(table).where(table.primary_key.columns[0] == key)).one()
        ours = {
            k: v
            for k, v in bulk.items()
            if table is not schema.listings or k not in ("stock", "active")
        }
        if {k: again._asdict()[k] for k in ours} != ours:
            raise RuntimeError(
                f"the fill's {table.name} row is not the project's: {bulk} vs {again}"
            )

    def take(table: sa.Table, key: Any, c: sa.Connection) -> dict[str, Any]:
        where = table.primary_key.columns[0] == key
        row = c.execute(sa.select(table).where(where)).one()._asdict()
        c.execute(table.delete().where(where))
        return row

    with engine.connect() as c:
        for name, table, key in (
            ("Listed", schema.listings, "listingId"),
            ("OrderPaid", schema.orders, "orderId"),
        ):
            args, block, when = fill.samples[name]
            bulk = take(table, args[key], c)
            apply(c, "market", name, args, block, when)
            compare(table, args[key], bulk, c)
        c.rollback()
        doc = fill.rows["uploads"][0]
        bulk = take(schema.uploads, doc["hash"], c)
        c.commit()
        Store(engine).put(doc["hash"], doc["content_type"], doc["body"], doc["uploader"],
                          doc["signature"], doc["uploaded_at"],
                          catalogue.parse_document(doc["body"]))  # fmt: skip
        compare(schema.uploads, doc["hash"], bulk, c)
