"""The catalogue's store in the index database (the `uploads` and `upload_images` tables of
bazaar/index/schema.py), and the reads that join it with the index: listings with the titles
of their documents, searched by text, filtered, sorted and paged.

An upload is referenced while the chain points at it: a listing document once a listing's
`metadataHash` in the index is its hash; a profile while its account has a listing; an image
while a stored listing document names it. `collect` drops what nothing references once it is
older than a given time (an image only after the documents naming it are gone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bazaar.catalogue import DeliveryDocument, Document, ListingDocument, ProfileDocument
from bazaar.index.schema import (
    SORT_MAX,
    UPLOAD_TEXT,
    UPLOAD_TEXT_EXPRESSION,
    deliveries,
    events,
    listings,
    offers,
    orders,
    seller_ratings,
    upload_images,
    uploads,
)

SORTS = ("id", "price", "rating")


@dataclass(frozen=True)
class Upload:
    """A stored upload: its bytes and who signed them."""

    hash: str
    kind: str  # listing, profile, delivery, image
    content_type: str
    body: bytes
    uploader: str
    signature: str
    uploaded_at: int


class Store:
    """The uploads of one index database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(
        self,
        digest: str,
        content_type: str,
        body: bytes,
        uploader: str,
        signature: str,
        now: int,
        document: Document | None = None,
    ) -> bool:
        """Stores an upload (an image when `document` is None) unless its hash is stored
        already; True when it was new. The bytes are stored as given."""
        kind = "image"
        row: dict[str, Any] = {}
        if isinstance(document, ListingDocument):
            kind = "listing"
            row = {"title": document.title, "description": document.description}
        elif isinstance(document, ProfileDocument):
            kind, row = "profile", {"account": document.account}
        elif isinstance(document, DeliveryDocument):
            kind, row = "delivery", {"account": uploader}
        try:
            with self.engine.begin() as c:
                if c.execute(sa.select(uploads.c.hash).where(uploads.c.hash == digest)).first():
                    return False
                c.execute(
                    uploads.insert().values(
                        hash=digest,
                        kind=kind,
                        content_type=content_type,
                        body=body,
                        size=len(body),
                        uploader=uploader,
                        signature=signature,
                        uploaded_at=now,
                        **row,
                    )
                )
                if isinstance(document, ListingDocument) and document.images:
                    c.execute(
                        upload_images.insert(),
                        [{"document": digest, "image": image} for image in document.images],
                    )
        except sa.exc.IntegrityError:  # the same bytes, stored by another request first
            return False
        return True

    def get(self, digest: str, kinds: tuple[str, ...]) -> Upload | None:
        """The upload with hash `digest` (0x + 64 lower-case hex) if it is of one of `kinds`."""
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(uploads).where(uploads.c.hash == digest).where(uploads.c.kind.in_(kinds))
            ).one_or_none()
        return None if row is None else _upload(row)

    def set_delivery(self, order_id: str, digest: str, now: int) -> None:
        """`digest` (a stored delivery document) becomes the delivery details of `order_id`;
        the document it replaces is dropped (nothing else refers to it)."""
        with self.engine.begin() as c:
            before = c.execute(
                sa.select(deliveries.c.document).where(deliveries.c.order_id == order_id)
            ).scalar_one_or_none()
            if before is not None and before != digest:
                c.execute(uploads.delete().where(uploads.c.hash == before))
            updated = c.execute(
                deliveries.update()
                .where(deliveries.c.order_id == order_id)
                .values(document=digest, uploaded_at=now)
            )
            if updated.rowcount == 0:
                c.execute(
                    deliveries.insert().values(order_id=order_id, document=digest, uploaded_at=now)
                )

    def delivery(self, order_id: str) -> tuple[str, int] | None:
        """The hash of the delivery document an order's buyer sent last, and when."""
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(deliveries.c.document, deliveries.c.uploaded_at).where(
                    deliveries.c.order_id == order_id
                )
            ).one_or_none()
        return None if row is None else (row.document, int(row.uploaded_at))

    def newest_profile(self, account: str) -> Upload | None:
        """The profile document of `account` uploaded last (by the server's clock)."""
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(uploads)
                .where(uploads.c.kind == "profile")
                .where(uploads.c.account == account)
                .order_by(uploads.c.uploaded_at.desc(), uploads.c.hash)
                .limit(1)
            ).one_or_none()
        return None if row is None else _upload(row)

    def collect(self, before: int) -> tuple[int, int]:
        """Drops the uploads nothing references that were uploaded before `before` (unix
        seconds); returns how many documents and images went."""
        # a listing document is kept while a listing or a published signed offer names it
        referenced_listing = sa.union_all(
            sa.select(sa.literal(1)).where(listings.c.metadata_hash == uploads.c.hash),
            sa.select(sa.literal(1)).where(offers.c.metadata_hash == uploads.c.hash),
        )
        # a profile is kept while its account sells (a listing or a published offer), or
        # arbitrates an order (its key opens the order's delivery details in a dispute)
        referenced_profile = sa.union_all(
            sa.select(listings.c.id).where(listings.c.seller == uploads.c.account),
            sa.select(sa.literal(1)).where(offers.c.seller == uploads.c.account),
            sa.select(sa.literal(1)).where(orders.c.arbiter == uploads.c.account),
        )
        named = sa.select(upload_images.c.image).where(upload_images.c.image == uploads.c.hash)
        with self.engine.begin() as c:
            documents = c.execute(
                uploads.delete()
                .where(uploads.c.uploaded_at < before)
                .where(
                    sa.or_(
                        (uploads.c.kind == "listing") & ~referenced_listing.exists(),
                        (uploads.c.kind == "profile") & ~referenced_profile.exists(),
                    )
                )
            ).rowcount
            c.execute(
                upload_images.delete().where(
                    ~sa.select(uploads.c.hash)
                    .where(uploads.c.hash == upload_images.c.document)
                    .exists()
                )
            )
            images = c.execute(
                uploads.delete()
                .where(uploads.c.uploaded_at < before)
                .where(uploads.c.kind == "image")
                .where(~named.exists())
            ).rowcount
        return int(documents), int(images)


def _upload(row: Any) -> Upload:
    return Upload(
        row.hash,
        row.kind,
        row.content_type,
        bytes(row.body),
        row.uploader,
        row.signature,
        int(row.uploaded_at),
    )


# -- listings with their documents ------------------------------------------------------


def payment_tokens(engine: Engine) -> dict[str, int]:
    """The marketplace's payment tokens and their ids (1..16, a listing's token mask bit
    id - 1), from its `PaymentTokenAdded` events."""
    with engine.connect() as c:
        rows = c.execute(
            sa.select(events.c.args)
            .where(events.c.contract == "market")
            .where(events.c.name == "PaymentTokenAdded")
        ).scalars()
        found = [json.loads(args) for args in rows]
    return {str(a["token"]): int(a["tokenId"]) for a in found}


def _document() -> Any:
    return (uploads.c.hash == listings.c.metadata_hash) & (uploads.c.kind == "listing")


def _joined() -> Any:
    return listings.outerjoin(uploads, _document()).outerjoin(
        seller_ratings, seller_ratings.c.seller == listings.c.seller
    )


def _columns() -> list[Any]:
    return [listings, uploads.c.title, seller_ratings.c.rating_sum, seller_ratings.c.reviews]


def _listing(row: Any) -> dict[str, Any]:
    return {
        "listingId": int(row.id),
        "seller": row.seller,
        "priceUsd": int(row.price_usd),
        "stock": int(row.stock),
        "tokenMask": int(row.token_mask),
        "bufferBps": int(row.buffer_bps),
        "pointsCapBps": int(row.points_cap_bps),
        "kind": row.kind,
        "active": bool(row.active),
        "goodsTokenId": int(row.goods_token_id),
        "metadataHash": row.metadata_hash,
        "commissionBps": int(row.commission_bps),  # offered to referrers of new orders
        "document": row.title is not None,  # the server holds the listing's document
        "title": row.title,
        "sellerRating": {"sum": int(row.rating_sum or 0), "reviews": int(row.reviews or 0)},
    }


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# SQLite's text index of the listing documents (bazaar/index/schema.py, version 3).
_upload_text = sa.table(UPLOAD_TEXT, sa.column("hash"))


def _indexed(q: str, dialect: str) -> bool:
    """Whether `_has_text` finds `q` in SQLite's text index (which needs 3 characters)."""
    return dialect == "sqlite" and len(q) >= 3


def _has_text(q: str, dialect: str) -> Any:
    """The condition that the listing's document has `q` in its title or its description.
    In SQLite's text index: a phrase of trigrams, a substring of either column (of the
    listing documents only: no join with `uploads`). Otherwise ILIKE; on PostgreSQL first of
    the expression of its pg_trgm index (both columns), then of each column."""
    if _indexed(q, dialect):
        phrase = '{title description}: "' + q.replace('"', '""') + '"'
        match = sa.text(f"{UPLOAD_TEXT} MATCH :phrase").bindparams(phrase=phrase)
        return listings.c.metadata_hash.in_(sa.select(_upload_text.c.hash).where(match))
    pattern = _like(q)
    either = sa.or_(
        uploads.c.title.ilike(pattern, escape="\\"),
        uploads.c.description.ilike(pattern, escape="\\"),
    )
    if dialect != "postgresql":
        return either
    both = sa.literal_column(UPLOAD_TEXT_EXPRESSION, sa.Text)
    return both.ilike(pattern, escape="\\") & either


def listings_page(
    engine: Engine,
    *,
    q: str | None = None,
    token_id: int | None = None,
    seller: str | None = None,
    active: bool | None = True,
    sort: str = "id",
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of listings and how many match in all. `q` matches the title or description
    of the listing's stored document (case-insensitive, for ASCII letters at least); `sort`: id
    (oldest first), price (cheapest first), rating (the seller's best average first, sellers
    without reviews last)."""
    where: list[Any] = []
    if q:
        where.append(_has_text(q, engine.dialect.name))
    if token_id is not None:
        where.append(listings.c.token_mask.op("&")(1 << (token_id - 1)) != 0)
    if seller is not None:
        where.append(listings.c.seller == seller)
    if active is not None:
        where.append(listings.c.active == active)
    average = sa.case(
        (
            seller_ratings.c.reviews > 0,
            seller_ratings.c.rating_sum * 1000 / seller_ratings.c.reviews,
        ),
        else_=-1,
    )
    orders: dict[str, list[Any]] = {
        "id": [listings.c.id],
        "price": [listings.c.price_sort, listings.c.id],
        "rating": [average.desc(), listings.c.id],
    }
    order_by = orders[sort]
    # The page's ids first, from only the tables that the conditions and the order read (a
    # deep page or the rating order then walks narrow rows), then those listings in full. The
    # count reads only the conditions' tables: a listing has at most one document and one
    # rating row, so the outer joins never change how many match.
    joined = q is not None and q != "" and not _indexed(q, engine.dialect.name)
    matched = listings.join(uploads, _document()) if joined else listings
    ranked = matched.outerjoin(seller_ratings, seller_ratings.c.seller == listings.c.seller)
    page = sa.select(listings.c.id).select_from(ranked if sort == "rating" else matched)
    page = page.where(*where).order_by(*order_by).limit(limit).offset(offset)
    query = sa.select(*_columns()).select_from(_joined()).where(listings.c.id.in_(page))
    count = sa.select(sa.func.count()).select_from(matched).where(*where)
    with engine.connect() as c:
        rows = c.execute(query.order_by(*order_by)).all()
        total = int(c.execute(count).scalar_one())
    return [_listing(r) for r in rows], total


def listing(engine: Engine, listing_id: int) -> dict[str, Any] | None:
    """One listing (delisted ones too) with its document's title, None when unknown."""
    if not 0 < listing_id <= SORT_MAX:
        return None
    with engine.connect() as c:
        row = c.execute(
            sa.select(*_columns()).select_from(_joined()).where(listings.c.id == listing_id)
        ).one_or_none()
    return None if row is None else _listing(row)
