"""The storefront's read indexes (schema version 3), on SQLite and PostgreSQL: an index at
version 2 is migrated with its listing documents in the text index; the search finds
substrings through it (and short ones without it), uploads and collections keep it; and the
query plans of the payment tokens, the search and the collection use the indexes (on
PostgreSQL after a VACUUM, which empties the GIN index's pending list as autovacuum would, and
with sequential scans discouraged: on a few thousand rows the planner may scan anyway, and
what is checked is that the query's shape matches the index, such as the search's
expression).
tools/local/storefront_bench.py measures what they are for."""

import json

import pytest
import sqlalchemy as sa

from bazaar import catalogue
from bazaar.index import schema
from bazaar.index.schema import open_index
from bazaar.server import store

SELLER = "0x" + "A" * 40
TOKEN = "0x" + "B" * 40


def document(title, description=""):
    body = json.dumps({"schema": catalogue.LISTING_SCHEMA, "title": title,
                       "description": description}).encode()  # fmt: skip
    return catalogue.content_hash(body), body


def put(engine, body, now=1_000):
    digest = catalogue.content_hash(body)
    parsed = catalogue.parse_document(body)
    assert store.Store(engine).put(digest, "application/json", body, SELLER, "0x", now, parsed)


def add_listing(connection, listing_id, *digests):
    """Listings from `listing_id` on, one for each of `digests`."""
    connection.execute(schema.listings.insert(), [dict(
        id=listing_id + n, seller=SELLER, price_usd="100", price_sort=100, stock=1, token_mask=1,
        buffer_bps=0, points_cap_bps=0, kind="Physical", active=True, goods_token_id=0,
        metadata_hash=digest, block=1,
    ) for n, digest in enumerate(digests)])  # fmt: skip


def found(engine, q):
    return sorted(item["listingId"] for item in store.listings_page(engine, q=q)[0])


def test_an_index_at_version_2_is_migrated_and_searched_through_its_text_index(db_url):
    lamp, lamp_body = document("Brass desk LAMP", "Warm light; ships in 2 days")
    chair, chair_body = document("Oak chair", 'A "solid" 100% oak seat')
    engine = sa.create_engine(db_url)
    with engine.begin() as c:  # what bazaar at schema version 2 wrote
        schema.MIGRATIONS[0](c)
        schema.MIGRATIONS[1](c)
        schema.set_meta(c, "schema_version", "2")
    put(engine, lamp_body)
    with engine.begin() as c:
        add_listing(c, 1, lamp)
        add_listing(c, 2, chair)
    engine.dispose()
    migrated = open_index(db_url)
    put(migrated, chair_body)  # after the migration
    assert found(migrated, "desk lamp") == [1]  # a substring, in another case
    assert found(migrated, "warm LIGHT") == [1]  # in the description
    assert found(migrated, "lamp warm") == []  # not across the two
    assert found(migrated, '"solid"') == [2]  # quotes are plain characters
    assert found(migrated, "100%") == [2]
    assert found(migrated, "oa") == [2]  # under 3 characters: no trigram, found all the same
    assert found(migrated, "sofa") == []
    assert store.listings_page(migrated, q="oak")[1] == 1
    with migrated.begin() as c:
        c.execute(schema.listings.delete().where(schema.listings.c.id == 2))
    assert store.Store(migrated).collect(2_000) == (1, 0)  # the chair's document went
    with migrated.begin() as c:
        add_listing(c, 2, chair)  # listed again, its document gone
    assert found(migrated, "oak") == []
    migrated.dispose()


def plans(engine, run):
    """The plans of the statements `run(engine)` executes."""
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        run(engine)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    sqlite = engine.dialect.name == "sqlite"
    out = []
    with engine.connect() as c:
        cursor = c.connection.driver_connection.cursor()
        if not sqlite:
            cursor.execute("SET enable_seqscan = off")
        for statement, parameters in seen:
            cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement,
                           parameters)  # fmt: skip
            out.append(" ".join(str(row[-1] if sqlite else row[0]) for row in cursor.fetchall()))
        c.rollback()
    return out


# What each read's plans must name, by database.
USES = {
    "payment tokens": (store.payment_tokens, {"sqlite": ["ix_events_contract_name"],
                                              "postgresql": ["ix_events_contract_name"]}),
    "search": (lambda engine: store.listings_page(engine, q="lamp"), {
        "sqlite": ["upload_text VIRTUAL TABLE INDEX 0:M", "ix_listings_metadata_hash"],
        "postgresql": ["ix_uploads_text_trgm"],
    }),
    "collect": (lambda engine: store.Store(engine).collect(2_000), {
        "sqlite": ["ix_listings_metadata_hash"], "postgresql": ["ix_listings_metadata_hash"],
    }),
}  # fmt: skip


@pytest.mark.parametrize("read", list(USES))
def test_the_reads_use_the_version_3_indexes(db_url, read):
    engine = open_index(db_url)
    lamp, body = document("Brass desk lamp")
    put(engine, body)
    others = [document(f"Oak chair {n}")[1] for n in range(3_000)]  # what the search skips
    with engine.begin() as c:
        add_listing(c, 1, lamp)
        c.execute(schema.uploads.insert(), [
            {"hash": catalogue.content_hash(other), "kind": "listing", "body": other,
             "content_type": "application/json", "size": len(other), "uploader": SELLER,
             "signature": "0x", "uploaded_at": 1_000, "title": json.loads(other)["title"],
             "description": ""}
            for other in others
        ])  # fmt: skip
        add_listing(c, 2, *(catalogue.content_hash(other) for other in others))
        c.execute(schema.events.insert().values(
            block=1, log_index=0, tx_hash="0x" + "11" * 32, contract="market",
            name="PaymentTokenAdded", args=json.dumps({"token": TOKEN, "tokenId": 1}),
        ))  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))
    run, names = USES[read]
    shown = "\n".join(plans(engine, run))
    for name in names[engine.dialect.name]:
        assert name in shown, shown
    engine.dispose()
