"""The index's schema versions on SQLite and PostgreSQL: an index written at version 1 opens
migrated to the current version (the catalogue's tables added, the sellers' ratings filled from
the reviews it had indexed, the delivery details' table); an index written at version 4 opens
with the affiliate commissions (version 5: the columns added to its listings and orders and
filled, with the commissions paid, from what it had indexed); an index written at version 5
opens with the sellers' approved referrers (version 6, review finding F1: filled from the
`ReferrerSet` events it had indexed, a revocation removing the approval) and with the signed
offers' tables and the orders' offer column (version 7); and an index newer than the code is
refused."""

import json

import pytest
import sqlalchemy as sa

from bazaar.errors import BazaarError
from bazaar.index import queries, schema
from bazaar.index.schema import open_index


def review(block, seller, rating):
    args = {"orderId": "0x" + f"{block:064x}", "seller": seller, "rating": rating,
            "contentHash": "0x" + "00" * 32, "outcome": 3}  # fmt: skip
    return {
        "block": block, "log_index": 0, "tx_hash": "0x" + "11" * 32, "contract": "market",
        "name": "Reviewed", "order_id": args["orderId"], "args": json.dumps(args),
    }  # fmt: skip


def test_an_index_at_version_1_is_migrated_with_its_sellers_ratings(db_url):
    seller, other = "0x" + "A" * 40, "0x" + "B" * 40
    engine = sa.create_engine(db_url)
    with engine.begin() as c:  # what bazaar at schema version 1 wrote
        schema.MIGRATIONS[0](c)
        schema.set_meta(c, "schema_version", "1")
        c.execute(schema.events.insert(), [review(5, seller, 4), review(6, seller, 5),
                                           review(7, other, 1)])  # fmt: skip
    assert "uploads" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    migrated = open_index(db_url)
    tables = set(sa.inspect(migrated).get_table_names())
    assert {"uploads", "upload_images", "seller_ratings", "deliveries"} <= tables
    with migrated.connect() as c:
        assert schema.get_meta(c, "schema_version") == str(schema.SCHEMA_VERSION) == "7"
        ratings = {r.seller: (r.rating_sum, r.reviews) for r in c.execute(
            sa.select(schema.seller_ratings))}  # fmt: skip
    assert ratings == {seller: (9, 2), other: (1, 1)}
    open_index(db_url)  # opening again changes nothing
    with migrated.connect() as c:
        assert (
            c.execute(sa.select(sa.func.count()).select_from(schema.seller_ratings)).scalar() == 2
        )


def event(block, log_index, name, args, order_id=None):
    return {
        "block": block, "log_index": log_index, "tx_hash": "0x" + "22" * 32,
        "contract": "market", "name": name, "order_id": order_id, "args": json.dumps(args),
    }  # fmt: skip


def test_an_index_at_version_4_is_migrated_with_the_commissions_it_had_indexed(db_url):
    seller, referrer, token = "0x" + "A" * 40, "0x" + "C" * 40, "0x" + "D" * 40
    referred, plain = "0x" + "01" * 32, "0x" + "02" * 32
    engine = sa.create_engine(db_url)
    with engine.begin() as c:  # what bazaar at schema version 4 wrote
        for step in schema.MIGRATIONS[:4]:
            step(c)
        schema.set_meta(c, "schema_version", "4")
        c.execute(schema.blocks.insert(), [
            {"number": n, "hash": "0x" + f"{n:064x}", "timestamp": 1_000 + n} for n in (3, 4, 9)
        ])  # fmt: skip
        # the columns of version 4 only (written by name: the table objects have version 5's)
        c.execute(sa.text(
            "INSERT INTO listings (id, seller, price_usd, price_sort, stock, token_mask, "
            "buffer_bps, points_cap_bps, kind, active, goods_token_id, metadata_hash, block) "
            "VALUES (1, :seller, '100', 100, 5, 1, 0, 0, 'Physical', true, 0, :hash, 3)"
        ), {"seller": seller, "hash": "0x" + "00" * 32})  # fmt: skip
        for order_id, who, bps in ((referred, referrer, 1_000), (plain, "0x" + "0" * 40, 0)):
            terms = {"buyer": "0x" + "B" * 40, "seller": seller, "referrer": who,
                     "commissionBps": bps, "token": token}  # fmt: skip
            c.execute(sa.text(
                "INSERT INTO orders (id, listing_id, buyer, seller, arbiter, token, quantity, "
                "usd_amount, locked_amount, status, deadline, cancel_requested, terms, "
                "paid_block, updated_block, to_seller) VALUES (:id, 1, :buyer, :seller, "
                ":arbiter, :token, 1, '100', '100', 'Completed', null, false, :terms, 4, 9, "
                "'891')"
            ), {"id": order_id, "buyer": terms["buyer"], "seller": seller,
                "arbiter": "0x" + "E" * 40, "token": token,
                "terms": json.dumps(terms)})  # fmt: skip
        c.execute(schema.events.insert(), [
            event(3, 0, "CommissionSet", {"listingId": 1, "commissionBps": 1_000}),
            event(9, 1, "CommissionPaid", {"orderId": referred, "referrer": referrer,
                                           "amount": 99}, referred),
        ])  # fmt: skip
    columns = {c["name"] for c in sa.inspect(engine).get_columns("orders")}
    assert "referrer" not in columns and "commissions" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    migrated = open_index(db_url)
    inspected = sa.inspect(migrated)
    assert "commissions" in inspected.get_table_names()
    assert "ix_orders_referrer" in {i["name"] for i in inspected.get_indexes("orders")}
    with migrated.connect() as c:
        assert schema.get_meta(c, "schema_version") == str(schema.SCHEMA_VERSION)
        orders = {r.id: (r.referrer, r.commission_bps) for r in c.execute(
            sa.select(schema.orders))}  # fmt: skip
        rate = c.execute(sa.select(schema.listings.c.commission_bps)).scalar()
    assert orders == {referred: (referrer, 1_000), plain: (None, 0)}
    assert rate == 1_000
    found = queries.commissions_of(migrated, referrer)
    assert (found.totals, found.count, found.referred) == ({token: 99}, 1, 1)
    (row,) = found.rows
    assert (row.order_id, row.listing_id, row.block, row.timestamp) == (referred, 1, 9, 1_009)
    open_index(db_url)  # opening again changes nothing
    assert queries.commissions_of(migrated, referrer) == found


def test_an_index_at_version_5_is_migrated_with_the_referrers_sellers_approved(db_url):
    seller, other, kept, revoked = ("0x" + c * 40 for c in "ABCD")
    engine = sa.create_engine(db_url)
    with engine.begin() as c:  # what bazaar at schema version 5 wrote
        for step in schema.MIGRATIONS[:5]:
            step(c)
        schema.set_meta(c, "schema_version", "5")
        c.execute(schema.blocks.insert(), [
            {"number": n, "hash": "0x" + f"{n:064x}", "timestamp": 1_000 + n} for n in (3, 4)
        ])  # fmt: skip
        c.execute(schema.events.insert(), [
            event(3, 0, "ReferrerSet", {"seller": seller, "referrer": kept, "approved": True}),
            event(3, 1, "ReferrerSet", {"seller": seller, "referrer": revoked, "approved": True}),
            event(4, 0, "ReferrerSet", {"seller": seller, "referrer": revoked, "approved": False}),
            event(4, 1, "ReferrerSet", {"seller": other, "referrer": revoked, "approved": True}),
        ])  # fmt: skip
    assert "referrers" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    migrated = open_index(db_url)
    with migrated.connect() as c:
        assert schema.get_meta(c, "schema_version") == "7"
    assert [(r.referrer, r.block, r.timestamp) for r in queries.referrers_of(migrated, seller)] == [
        (kept, 3, 1_003)
    ]
    assert [r.referrer for r in queries.referrers_of(migrated, other)] == [revoked]
    assert queries.is_referrer(migrated, seller, kept)
    assert not queries.is_referrer(migrated, seller, revoked)
    open_index(db_url)  # opening again changes nothing
    assert len(queries.referrers_of(migrated, seller)) == 1


def test_a_new_index_has_the_columns_of_one_migrated_from_version_1_and_of_the_code(
    db_url, tmp_path
):
    fresh = open_index(db_url)
    old = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with old.begin() as c:
        schema.MIGRATIONS[0](c)
        schema.set_meta(c, "schema_version", "1")
    old.dispose()
    migrated = open_index(f"sqlite:///{tmp_path / 'old.sqlite'}")

    def shape(engine):
        found = sa.inspect(engine)
        return {t: sorted(c["name"] for c in found.get_columns(t)) for t in
                ("listings", "orders", "commissions", "referrers", "offers", "offer_fills",
                 "offer_counters")}  # fmt: skip

    assert shape(fresh) == shape(migrated)
    # as the code declares
    tables = (schema.listings, schema.orders, schema.commissions, schema.referrers)
    for table in (*tables, schema.offers, schema.offer_fills, schema.offer_counters):
        assert shape(fresh)[table.name] == sorted(c.name for c in table.columns)


def test_an_index_newer_than_the_code_is_refused(db_url):
    engine = open_index(db_url)
    with engine.begin() as c:
        schema.set_meta(c, "schema_version", str(schema.SCHEMA_VERSION + 1))
    with pytest.raises(BazaarError, match="this bazaar knows up to 7"):
        open_index(db_url)
