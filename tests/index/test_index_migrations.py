"""The index's schema versions on SQLite and PostgreSQL: an index written at version 1 opens
migrated to the current version (the catalogue's tables added, the sellers' ratings filled from
the reviews it had indexed, the delivery details' table), and an index newer than the code is
refused."""

import json

import pytest
import sqlalchemy as sa

from bazaar.errors import BazaarError
from bazaar.index import schema
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
        assert schema.get_meta(c, "schema_version") == str(schema.SCHEMA_VERSION) == "4"
        ratings = {r.seller: (r.rating_sum, r.reviews) for r in c.execute(
            sa.select(schema.seller_ratings))}  # fmt: skip
    assert ratings == {seller: (9, 2), other: (1, 1)}
    open_index(db_url)  # opening again changes nothing
    with migrated.connect() as c:
        assert (
            c.execute(sa.select(sa.func.count()).select_from(schema.seller_ratings)).scalar() == 2
        )


def test_an_index_newer_than_the_code_is_refused(db_url):
    engine = open_index(db_url)
    with engine.begin() as c:
        schema.set_meta(c, "schema_version", str(schema.SCHEMA_VERSION + 1))
    with pytest.raises(BazaarError, match="this bazaar knows up to 4"):
        open_index(db_url)
