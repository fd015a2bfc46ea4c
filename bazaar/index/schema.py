"""The index's tables (SQLAlchemy Core: the same schema and queries on SQLite and PostgreSQL)
and their versioned migrations.

Amounts of 256-bit values are stored as decimal text (exact on both databases); a listing's
price is also kept as an integer sort key, capped at 2^63 - 1 (a price above $92 billion sorts
as that). Addresses are checksummed text; order ids 0x-hex.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bazaar.errors import BazaarError
from bazaar.settings import default_index_path

SORT_MAX = 2**63 - 1

# A column that a later version added to a table of an earlier one carries its version in
# `info` ("since"): the step that created the table leaves it out (so that each step keeps
# creating exactly its version's tables) and the later step adds it (`_add_columns`).
SINCE_5 = {"since": 5}
SINCE_7 = {"since": 7}

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Blocks the index has read up to, with their hashes: each chunk's last block and every block
# that had events. A reorg shows as a stored hash the chain no longer has.
blocks = sa.Table(
    "blocks",
    metadata,
    sa.Column("number", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(66), nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
)

# Every event of the suite's contracts, decoded (the source of every other table).
events = sa.Table(
    "events",
    metadata,
    sa.Column("block", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("log_index", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tx_hash", sa.String(66), nullable=False),
    sa.Column("contract", sa.String(32), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("order_id", sa.String(66), index=True),
    sa.Column("args", sa.Text, nullable=False),  # JSON, big integers as strings
)

listings = sa.Table(
    "listings",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("seller", sa.String(42), nullable=False, index=True),
    sa.Column("price_usd", sa.Text, nullable=False),
    sa.Column("price_sort", sa.BigInteger, nullable=False, index=True),
    sa.Column("stock", sa.BigInteger, nullable=False),
    sa.Column("token_mask", sa.Integer, nullable=False),
    sa.Column("buffer_bps", sa.Integer, nullable=False),
    sa.Column("points_cap_bps", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("goods_token_id", sa.BigInteger, nullable=False),
    sa.Column("metadata_hash", sa.String(66), nullable=False),
    sa.Column("block", sa.BigInteger, nullable=False),
    # version 5: the affiliate commission offered to referrers of new orders, in basis points
    # of the seller's proceeds after the fee (0 until a `CommissionSet`)
    sa.Column("commission_bps", sa.Integer, nullable=False, server_default="0", info=SINCE_5),
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.String(66), primary_key=True),
    sa.Column("listing_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("buyer", sa.String(42), nullable=False, index=True),
    sa.Column("seller", sa.String(42), nullable=False, index=True),
    sa.Column("arbiter", sa.String(42), nullable=False, index=True),
    sa.Column("token", sa.String(42), nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("usd_amount", sa.Text, nullable=False),
    sa.Column("locked_amount", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    # Paid: the shipping deadline; Shipped: the end of the confirmation window; Disputed: the
    # ruling deadline; otherwise null (unix seconds)
    sa.Column("deadline", sa.BigInteger, index=True),
    sa.Column("cancel_requested", sa.Boolean, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),  # JSON: what lifecycle calls pass back
    sa.Column("paid_block", sa.BigInteger, nullable=False),
    sa.Column("updated_block", sa.BigInteger, nullable=False),
    # token units paid out to the seller at completion or a ruling (paid or kept as a credit)
    sa.Column("to_seller", sa.Text, nullable=False, server_default="0"),
    # version 5: who referred the order (null: nobody; the terms' zero address) and the
    # commission rate its terms fixed at checkout (0 without a referrer)
    sa.Column("referrer", sa.String(42), index=True, info=SINCE_5),
    sa.Column("commission_bps", sa.Integer, nullable=False, server_default="0", info=SINCE_5),
    # version 7: the signed offer an order was bought from (its `listingId` is the offer's
    # hash, too big for `listing_id`, which is then 0)
    sa.Column("offer_hash", sa.String(66), index=True, info=SINCE_7),
)

credits = sa.Table(
    "credits",
    metadata,
    sa.Column("account", sa.String(42), primary_key=True),
    sa.Column("token", sa.String(42), primary_key=True),
    sa.Column("amount", sa.Text, nullable=False),
)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),  # uint256 in decimal
    sa.Column("proposer", sa.String(42), nullable=False, index=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("calls", sa.Integer, nullable=False),
    sa.Column("vote_start", sa.BigInteger, nullable=False),  # unix seconds (timestamp clock)
    sa.Column("vote_end", sa.BigInteger, nullable=False),
    sa.Column("votes_against", sa.Text, nullable=False),  # point units, 18 decimals
    sa.Column("votes_for", sa.Text, nullable=False),
    sa.Column("votes_abstain", sa.Text, nullable=False),
    sa.Column("voters", sa.Integer, nullable=False),
    sa.Column("canceled", sa.Boolean, nullable=False),
    sa.Column("eta", sa.BigInteger),  # once queued
    sa.Column("executed", sa.Boolean, nullable=False),
    sa.Column("block", sa.BigInteger, nullable=False, index=True),
)

# Staking rewards claimed, per account and token (what is claimable now is asked of the chain).
rewards_claimed = sa.Table(
    "rewards_claimed",
    metadata,
    sa.Column("account", sa.String(42), primary_key=True),
    sa.Column("token", sa.String(42), primary_key=True),
    sa.Column("amount", sa.Text, nullable=False),
)

# The keeper's journal: one row per (order, action) it sent, written before the broadcast
# (with the signed transaction) so that a keeper restarted after a crash picks the same
# transaction up instead of sending another. Not derived: a reorg drops the rows whose
# transaction was in an orphaned block (the keeper then sees the order due again).
keeper_jobs = sa.Table(
    "keeper_jobs",
    metadata,
    sa.Column("order_id", sa.String(66), primary_key=True),
    sa.Column("action", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # sent, done, failed
    sa.Column("keeper", sa.String(42), nullable=False),
    sa.Column("tx_hash", sa.String(66), nullable=False),
    sa.Column("nonce", sa.BigInteger, nullable=False),
    sa.Column("raw_tx", sa.Text),  # kept while in flight
    sa.Column("block", sa.BigInteger),  # where it was mined
    sa.Column("sent_at", sa.BigInteger, nullable=False),  # unix seconds
)

# -- version 2: seller ratings and the storefront's catalogue --------------------------------
# Tables of a later version live in a MetaData of their own, so that the v1 step (which
# creates everything in `metadata`) keeps creating exactly the v1 tables.
metadata_v2 = sa.MetaData()

# Each seller's reviews (derived from `Reviewed`, as the contract's `sellerRating` counts them).
seller_ratings = sa.Table(
    "seller_ratings",
    metadata_v2,
    sa.Column("seller", sa.String(42), primary_key=True),
    sa.Column("rating_sum", sa.BigInteger, nullable=False),
    sa.Column("reviews", sa.BigInteger, nullable=False),
)

# The storefront's content-addressed catalogue (bazaar/catalogue.py, bazaar/server/): the
# bytes of listing and profile documents and of images, by their keccak256, as uploaded and
# signed. Not derived from the chain: a reorg leaves it alone; `bazaar serve` drops an upload
# nothing references once it is older than its configured time.
uploads = sa.Table(
    "uploads",
    metadata_v2,
    sa.Column("hash", sa.String(66), primary_key=True),  # 0x + 64 lower-case hex digits
    sa.Column("kind", sa.String(16), nullable=False, index=True),  # listing, profile, image
    sa.Column("content_type", sa.String(32), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("uploader", sa.String(42), nullable=False, index=True),
    sa.Column("signature", sa.String(132), nullable=False),  # EIP-191 over the hash
    sa.Column("uploaded_at", sa.BigInteger, nullable=False, index=True),  # unix seconds
    sa.Column("title", sa.Text),  # a listing document's, for the listings and their search
    sa.Column("description", sa.Text),
    sa.Column("account", sa.String(42), index=True),  # a profile document's account
)

# The images each stored listing document names (an image is kept while one does).
upload_images = sa.Table(
    "upload_images",
    metadata_v2,
    sa.Column("document", sa.String(66), primary_key=True),
    sa.Column("image", sa.String(66), primary_key=True, index=True),
)

# -- version 3: indexes for the storefront's reads -------------------------------------------
# Created by DDL in the v3 step (not declared on the tables above, which the v1 and v2 steps
# create): the payment tokens, read from `events` by every listings request; the listings by
# their document's hash (the search goes from the matching documents to their listings, and
# the server's collection of unreferenced uploads asks whether a listing names one); and the
# text of the listing documents, searched by substring (`q`). SQLite: an FTS5 table with the trigram
# tokenizer, kept by triggers (`upload_text`: hash, title, description of each listing
# document; bazaar/server/store.py matches it). PostgreSQL: a pg_trgm GIN index, which serves
# ILIKE; where the extension cannot be created (a database user without the right), the
# search goes on without it, by a scan.
EVENTS_BY_NAME = "ix_events_contract_name"
LISTINGS_BY_DOCUMENT = "ix_listings_metadata_hash"
UPLOAD_TEXT = "upload_text"
_SQLITE_TEXT = (
    f"CREATE VIRTUAL TABLE {UPLOAD_TEXT} USING fts5(hash UNINDEXED, title, description, "
    "tokenize = 'trigram')",
    f"INSERT INTO {UPLOAD_TEXT} (hash, title, description) "
    "SELECT hash, title, description FROM uploads WHERE kind = 'listing'",
    f"CREATE TRIGGER {UPLOAD_TEXT}_insert AFTER INSERT ON uploads WHEN new.kind = 'listing' "
    f"BEGIN INSERT INTO {UPLOAD_TEXT} (hash, title, description) "
    "VALUES (new.hash, new.title, new.description); END",
    # by hash (an unindexed column: a scan of the text table; only unreferenced documents are
    # ever deleted, a few at a time): uploads' rowids are not stable across a VACUUM
    f"CREATE TRIGGER {UPLOAD_TEXT}_delete AFTER DELETE ON uploads WHEN old.kind = 'listing' "
    f"BEGIN DELETE FROM {UPLOAD_TEXT} WHERE hash = old.hash; END",
)
# One index of both columns together (two, ORed, cost more than a scan to the planner; the
# expression's own statistics let it see how few rows a word matches). bazaar/server/store.py
# matches this expression, then each column (a phrase across the two is no match).
UPLOAD_TEXT_EXPRESSION = "(coalesce(title, '') || ' ' || coalesce(description, ''))"
_POSTGRESQL_TEXT = (
    f"CREATE INDEX ix_uploads_text_trgm ON uploads USING gin ({UPLOAD_TEXT_EXPRESSION} "
    "gin_trgm_ops)",
)

# -- version 4: delivery details --------------------------------------------------------------
metadata_v4 = sa.MetaData()

# Each order's delivery details as its buyer last sent them: the hash of a bazaar.delivery/1
# document (in `uploads`) that holds the address encrypted to the seller and the arbiter only.
deliveries = sa.Table(
    "deliveries",
    metadata_v4,
    sa.Column("order_id", sa.String(66), primary_key=True),
    sa.Column("document", sa.String(66), nullable=False),
    sa.Column("uploaded_at", sa.BigInteger, nullable=False),
)

# -- version 5: affiliate commissions ---------------------------------------------------------
# The listings' commission rate and the orders' referrer and rate are columns added to
# `listings` and `orders` (SINCE_5 above); what the referrers earned is a table of its own.
metadata_v5 = sa.MetaData()

# The commission paid (or credited) to an order's referrer from the seller's proceeds at its
# completion or ruling (derived from `CommissionPaid`; the token is the order's). One row per
# order: the contract pays an order's commission once, when it settles.
commissions = sa.Table(
    "commissions",
    metadata_v5,
    sa.Column("order_id", sa.String(66), primary_key=True),
    sa.Column("referrer", sa.String(42), nullable=False, index=True),
    sa.Column("token", sa.String(42), nullable=False),
    sa.Column("amount", sa.Text, nullable=False),  # token units, decimal
    sa.Column("block", sa.BigInteger, nullable=False, index=True),
    sa.Column("timestamp", sa.BigInteger, nullable=False),  # the block's, unix seconds
)

# -- version 6: the referrers each seller approved (review finding F1) ----------------------
metadata_v6 = sa.MetaData()

# A row per referrer a seller approves now (derived from `ReferrerSet`: a revocation deletes
# it): only these earn the seller's listings' commissions on new orders. `block` and
# `timestamp` are those of the latest approval.
referrers = sa.Table(
    "referrers",
    metadata_v6,
    sa.Column("seller", sa.String(42), primary_key=True),
    sa.Column("referrer", sa.String(42), primary_key=True, index=True),
    sa.Column("block", sa.BigInteger, nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),  # the block's, unix seconds
)

# -- version 7: signed offers ------------------------------------------------------------------
metadata_v7 = sa.MetaData()

# The signed offers published to the index (`bazaar publish-offer`, `POST /api/offers`): each
# checked when it came (this chain and marketplace, its seller's signature). Not derived from
# events: a reorg keeps them. What the chain says of them (filled, cancelled) is below.
offers = sa.Table(
    "offers",
    metadata_v7,
    sa.Column("hash", sa.String(66), primary_key=True),
    sa.Column("seller", sa.String(42), nullable=False, index=True),
    sa.Column("price_usd", sa.Text, nullable=False),
    sa.Column("price_sort", sa.BigInteger, nullable=False, index=True),
    sa.Column("stock", sa.BigInteger, nullable=False),
    sa.Column("token_mask", sa.Integer, nullable=False),
    sa.Column("buffer_bps", sa.Integer, nullable=False),
    sa.Column("points_cap_bps", sa.Integer, nullable=False),
    sa.Column("commission_bps", sa.Integer, nullable=False),
    sa.Column("metadata_hash", sa.String(66), nullable=False),
    sa.Column("expiry", sa.BigInteger, nullable=False, index=True),
    sa.Column("counter", sa.Text, nullable=False),
    sa.Column("document", sa.Text, nullable=False),  # the signed offer's JSON, as published
    sa.Column("published_at", sa.BigInteger, nullable=False),
)

# Units sold per offer hash (`OfferFilled`, `OfferRestocked`) and cancelled offers
# (`OfferCancelled`): derived.
offer_fills = sa.Table(
    "offer_fills",
    metadata_v7,
    sa.Column("hash", sa.String(66), primary_key=True),
    sa.Column("filled", sa.BigInteger, nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False),
)

# Each seller's offer counter (`OffersCancelled`): an offer signed with a lower one is void.
offer_counters = sa.Table(
    "offer_counters",
    metadata_v7,
    sa.Column("seller", sa.String(42), primary_key=True),
    sa.Column("counter", sa.Text, nullable=False),
)

# Derived tables: rebuilt from `events` after a reorg.
DERIVED = (
    listings,
    orders,
    credits,
    proposals,
    rewards_claimed,
    seller_ratings,
    commissions,
    referrers,
    offer_fills,
    offer_counters,
)

SCHEMA_VERSION = 7

ZERO_ADDRESS = "0x" + "0" * 40


def _since(column: sa.Column[Any]) -> int:
    return int(column.info.get("since", 1))


def _v1(connection: Connection) -> None:
    """The version 1 tables, without the columns later versions added to them."""
    first = sa.MetaData()
    for table in metadata.sorted_tables:
        sa.Table(table.name, first, *(c._copy() for c in table.columns if _since(c) == 1))
    first.create_all(connection)


def _v2(connection: Connection) -> None:
    """Seller ratings (filled from the `Reviewed` events already indexed) and the catalogue."""
    metadata_v2.create_all(connection)
    reviews = connection.execute(
        sa.select(events.c.args)
        .where(events.c.contract == "market")
        .where(events.c.name == "Reviewed")
        .order_by(events.c.block, events.c.log_index)
    ).scalars()
    for args in reviews:
        add_review(connection, json.loads(args))


def add_review(connection: Connection, args: dict[str, Any]) -> None:
    """A `Reviewed` event's rating added to its seller's (the indexer's handler too)."""
    seller, rating = args["seller"], int(args["rating"])
    updated = connection.execute(
        seller_ratings.update()
        .where(seller_ratings.c.seller == seller)
        .values(
            rating_sum=seller_ratings.c.rating_sum + rating,
            reviews=seller_ratings.c.reviews + 1,
        )
    )
    if updated.rowcount == 0:
        connection.execute(
            seller_ratings.insert().values(seller=seller, rating_sum=rating, reviews=1)
        )


def _v3(connection: Connection) -> None:
    """The storefront's read indexes (see above)."""
    connection.exec_driver_sql(f"CREATE INDEX {EVENTS_BY_NAME} ON events (contract, name)")
    connection.exec_driver_sql(f"CREATE INDEX {LISTINGS_BY_DOCUMENT} ON listings (metadata_hash)")
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_TEXT:
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        try:
            with connection.begin_nested():
                connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            return
        for statement in _POSTGRESQL_TEXT:
            connection.exec_driver_sql(statement)


def _v4(connection: Connection) -> None:
    """The orders' delivery details (encrypted; the storefront's)."""
    metadata_v4.create_all(connection)


def _add_columns(connection: Connection, version: int) -> None:
    """The columns `version` added to the tables of earlier versions (ALTER TABLE ... ADD
    COLUMN, which SQLite and PostgreSQL both take with a constant default)."""
    preparer = connection.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        for column in table.columns:
            if _since(column) != version:
                continue
            kind = column.type.compile(dialect=connection.dialect)
            default = column.server_default
            clause = ""
            if isinstance(default, sa.DefaultClause) and isinstance(default.arg, str):
                clause = f" DEFAULT '{default.arg}'"
            null = "" if column.nullable else " NOT NULL"
            connection.exec_driver_sql(
                f"ALTER TABLE {preparer.quote(table.name)} ADD COLUMN "
                f"{preparer.quote(column.name)} {kind}{clause}{null}"
            )
            if column.index:
                connection.exec_driver_sql(
                    f"CREATE INDEX ix_{table.name}_{column.name} ON {preparer.quote(table.name)} "
                    f"({preparer.quote(column.name)})"
                )


def _v5(connection: Connection) -> None:
    """Affiliate commissions: the listings' rate, the orders' referrer and rate, and the
    commissions paid, filled from what the index already holds (the orders' terms, the
    `CommissionSet` and `CommissionPaid` events)."""
    _add_columns(connection, 5)
    metadata_v5.create_all(connection)
    for order_id, raw in connection.execute(sa.select(orders.c.id, orders.c.terms)).all():
        terms = json.loads(raw)
        referrer = terms.get("referrer", ZERO_ADDRESS)
        connection.execute(
            orders.update()
            .where(orders.c.id == order_id)
            .values(
                referrer=None if int(referrer, 16) == 0 else referrer,
                commission_bps=int(terms.get("commissionBps", 0)),
            )
        )
    found = connection.execute(
        sa.select(events.c.name, events.c.args, events.c.block, blocks.c.timestamp)
        .join(blocks, blocks.c.number == events.c.block)
        .where(events.c.contract == "market")
        .where(events.c.name.in_(("CommissionSet", "CommissionPaid")))
        .order_by(events.c.block, events.c.log_index)
    ).all()
    for name, args, block, timestamp in found:
        parsed = json.loads(args)
        if name == "CommissionSet":
            connection.execute(
                listings.update()
                .where(listings.c.id == int(parsed["listingId"]))
                .values(commission_bps=int(parsed["commissionBps"]))
            )
        else:
            add_commission(connection, parsed, int(block), int(timestamp))


def add_commission(connection: Connection, args: dict[str, Any], block: int, when: int) -> None:
    """A `CommissionPaid` event's amount added to its order's commission (the indexer's
    handler too), in the order's token. An order the index does not hold (it cannot: the
    index starts at the marketplace's deployment) is left out."""
    order_id, amount = str(args["orderId"]), int(args["amount"])
    token = connection.execute(sa.select(orders.c.token).where(orders.c.id == order_id)).scalar()
    if token is None:
        return
    current = connection.execute(
        sa.select(commissions.c.amount).where(commissions.c.order_id == order_id)
    ).scalar()
    if current is not None:  # never twice by the contract; summed if it ever were
        connection.execute(
            commissions.update()
            .where(commissions.c.order_id == order_id)
            .values(amount=str(int(current) + amount), block=block, timestamp=when)
        )
        return
    connection.execute(
        commissions.insert().values(
            order_id=order_id,
            referrer=args["referrer"],
            token=token,
            amount=str(amount),
            block=block,
            timestamp=when,
        )
    )


def _v6(connection: Connection) -> None:
    """The sellers' approved referrers, filled from the `ReferrerSet` events already indexed
    (none before the contracts had them)."""
    metadata_v6.create_all(connection)
    found = connection.execute(
        sa.select(events.c.args, events.c.block, blocks.c.timestamp)
        .join(blocks, blocks.c.number == events.c.block)
        .where(events.c.contract == "market")
        .where(events.c.name == "ReferrerSet")
        .order_by(events.c.block, events.c.log_index)
    ).all()
    for args, block, timestamp in found:
        set_referrer(connection, json.loads(args), int(block), int(timestamp))


def set_referrer(connection: Connection, args: dict[str, Any], block: int, when: int) -> None:
    """A `ReferrerSet` event (the indexer's handler too): the approval stored, or removed."""
    seller, referrer = args["seller"], args["referrer"]
    connection.execute(
        referrers.delete()
        .where(referrers.c.seller == seller)
        .where(referrers.c.referrer == referrer)
    )
    if args["approved"]:
        connection.execute(
            referrers.insert().values(seller=seller, referrer=referrer, block=block, timestamp=when)
        )


def _v7(connection: Connection) -> None:
    """Signed offers: the published offers, what the chain says of them, and the orders'
    offer (none before the contracts had offers: no event to replay)."""
    _add_columns(connection, 7)
    metadata_v7.create_all(connection)


def offer_filled(connection: Connection, offer_hash: str, filled: int) -> None:
    """`OfferFilled` and `OfferRestocked`: the units sold so far."""
    updated = connection.execute(
        offer_fills.update().where(offer_fills.c.hash == offer_hash).values(filled=filled)
    )
    if updated.rowcount == 0:
        connection.execute(
            offer_fills.insert().values(hash=offer_hash, filled=filled, cancelled=False)
        )


def offer_cancelled(connection: Connection, offer_hash: str) -> None:
    updated = connection.execute(
        offer_fills.update().where(offer_fills.c.hash == offer_hash).values(cancelled=True)
    )
    if updated.rowcount == 0:
        connection.execute(offer_fills.insert().values(hash=offer_hash, filled=0, cancelled=True))


def offers_cancelled(connection: Connection, seller: str, counter: int) -> None:
    """`OffersCancelled`: the seller's new counter."""
    connection.execute(offer_counters.delete().where(offer_counters.c.seller == seller))
    connection.execute(offer_counters.insert().values(seller=seller, counter=str(counter)))


# Version n is reached by MIGRATIONS[n - 1] from version n - 1; a new version appends a step.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7)


def default_url(chain_id: int) -> str:
    """The default index's URL (its folder made: `bazaar index` creates the file)."""
    path = default_index_path(chain_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def open_index(url: str) -> Engine:
    """The database at `url` (SQLAlchemy URL: sqlite:///FILE, postgresql+psycopg://...),
    migrated to `SCHEMA_VERSION`.

    Raises:
        BazaarError: the database cannot be reached, or it is newer than this code.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            metadata.tables["meta"].create(connection, checkfirst=True)
            row = connection.execute(
                sa.select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar()
            version = int(row) if row is not None else 0
            if version > SCHEMA_VERSION:
                raise BazaarError(
                    f"the index at {engine.url.render_as_string(hide_password=True)} has schema "
                    f"version {version}; this bazaar knows up to {SCHEMA_VERSION}"
                )
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](connection)
            set_meta(connection, "schema_version", str(SCHEMA_VERSION))
    except sa.exc.SQLAlchemyError as exc:
        raise BazaarError(
            f"index database {url.split('@')[-1]}: {exc.__class__.__name__}: "
            f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}"
        ) from None
    return engine


def get_meta(connection: Connection, key: str) -> str | None:
    value = connection.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
    return None if value is None else str(value)


def set_meta(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(meta.update().where(meta.c.key == key).values(value=value))
    if updated.rowcount == 0:
        connection.execute(meta.insert().values(key=key, value=value))
