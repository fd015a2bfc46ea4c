"""The index's answers: an account's orders by role (and what is due from it), listings, an
account's credits, a referrer's commissions, a seller's approved referrers, the signed offers
published to it, the work the keeper may do, and how far the index is behind the chain."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bazaar.index.schema import (
    commissions,
    credits,
    get_meta,
    keeper_jobs,
    listings,
    offer_counters,
    offer_fills,
    offers,
    orders,
    proposals,
    referrers,
    rewards_claimed,
)
from bazaar.types import OrderId, OrderTerms

ROLES = ("buyer", "seller", "arbiter")
# What each role must do next, by the order's status: the seller ships a paid order, the buyer
# confirms (or disputes) a shipped one, the arbiter rules a dispute; each before the deadline.
DUE = {"seller": ("Paid",), "buyer": ("Shipped",), "arbiter": ("Disputed",)}
DUE_ACTION = {"Paid": "ship", "Shipped": "confirm or dispute", "Disputed": "rule"}
# What anyone may send once an order's deadline has passed (the keeper's work).
OVERDUE_ACTION = {"Shipped": "release", "Paid": "reclaim", "Disputed": "resolve-timeout"}


@dataclass(frozen=True)
class OrderRow:
    id: str
    listing_id: int
    buyer: str
    seller: str
    arbiter: str
    token: str
    quantity: int
    usd_amount: int
    locked_amount: int
    status: str
    deadline: int | None
    cancel_requested: bool
    terms: dict[str, Any]
    paid_block: int
    referrer: str | None = None  # who referred the order (None: nobody)
    commission_bps: int = 0  # the referrer's rate of the seller's proceeds, fixed at checkout

    def to_json(self) -> dict[str, Any]:
        return {
            "orderId": self.id,
            "listingId": self.listing_id,
            "buyer": self.buyer,
            "seller": self.seller,
            "arbiter": self.arbiter,
            "token": self.token,
            "quantity": self.quantity,
            "usdAmount": self.usd_amount,
            "lockedAmount": self.locked_amount,
            "status": self.status,
            "deadline": self.deadline,
            "cancelRequested": self.cancel_requested,
            "paidBlock": self.paid_block,
            "referrer": self.referrer,
            "commissionBps": self.commission_bps,
        }


def _order(row: Any) -> OrderRow:
    return OrderRow(
        row.id,
        int(row.listing_id),
        row.buyer,
        row.seller,
        row.arbiter,
        row.token,
        int(row.quantity),
        int(row.usd_amount),
        int(row.locked_amount),
        row.status,
        None if row.deadline is None else int(row.deadline),
        bool(row.cancel_requested),
        json.loads(row.terms),
        int(row.paid_block),
        row.referrer,
        int(row.commission_bps),
    )


def last_block(engine: Engine) -> int | None:
    with engine.connect() as c:
        value = get_meta(c, "last_block")
    return None if value is None else int(value)


def orders_of(
    engine: Engine,
    account: str,
    role: str,
    statuses: tuple[str, ...] = (),
    due: bool = False,
    limit: int = 1_000,
    offset: int = 0,
) -> list[OrderRow]:
    """`account`'s orders as `role`, newest first; `due`: only those waiting on it, soonest
    deadline first (`offset`: after skipping that many)."""
    column = getattr(orders.c, role)
    query = sa.select(orders).where(column == account)
    if due:
        query = query.where(orders.c.status.in_(DUE[role])).order_by(orders.c.deadline, orders.c.id)
    else:
        query = query.order_by(orders.c.paid_block.desc(), orders.c.id)
    if statuses:
        query = query.where(orders.c.status.in_(statuses))
    with engine.connect() as c:
        return [_order(r) for r in c.execute(query.limit(limit).offset(offset))]


def order(engine: Engine, order_id: str) -> OrderRow | None:
    with engine.connect() as c:
        row = c.execute(sa.select(orders).where(orders.c.id == order_id.lower())).one_or_none()
    return None if row is None else _order(row)


def overdue(engine: Engine, now: int, limit: int = 1_000) -> list[tuple[OrderRow, str]]:
    """Orders whose deadline passed before `now`, with what anyone may send for each, but
    those the keeper has a transaction in flight or done for (the index may not show its
    effect yet); soonest deadline first."""
    journaled = (
        sa.select(keeper_jobs.c.order_id)
        .where(keeper_jobs.c.order_id == orders.c.id)
        .where(keeper_jobs.c.status.in_(("sent", "done")))
    )
    query = (
        sa.select(orders)
        .where(orders.c.status.in_(tuple(OVERDUE_ACTION)))
        .where(orders.c.deadline < now)
        .where(~journaled.exists())
        .order_by(orders.c.deadline, orders.c.id)
        .limit(limit)
    )
    with engine.connect() as c:
        rows = [_order(r) for r in c.execute(query)]
    return [(row, OVERDUE_ACTION[row.status]) for row in rows]


def listings_where(
    engine: Engine,
    seller: str | None = None,
    token_id: int | None = None,
    active: bool | None = True,
    sort: str = "id",
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Listings, filtered by seller, accepted payment token id (1..16) and activity."""
    query = sa.select(listings)
    if seller is not None:
        query = query.where(listings.c.seller == seller)
    if active is not None:
        query = query.where(listings.c.active == active)
    if token_id is not None:
        bit = 1 << (token_id - 1)
        query = query.where(listings.c.token_mask.op("&")(bit) != 0)
    order_by = {"id": listings.c.id, "price": listings.c.price_sort}[sort]
    with engine.connect() as c:
        rows = c.execute(query.order_by(order_by, listings.c.id).limit(limit)).all()
    return [
        {
            "listingId": int(r.id),
            "seller": r.seller,
            "priceUsd": int(r.price_usd),
            "stock": int(r.stock),
            "tokenMask": int(r.token_mask),
            "bufferBps": int(r.buffer_bps),
            "pointsCapBps": int(r.points_cap_bps),
            "kind": r.kind,
            "active": bool(r.active),
            "goodsTokenId": int(r.goods_token_id),
            "metadataHash": r.metadata_hash,
            "commissionBps": int(r.commission_bps),
        }
        for r in rows
    ]


def store_offer(engine: Engine, signed: Any, now: int) -> bool:
    """Publishes the signed offer `signed` (a bazaar.signing.offers.SignedOffer, checked by the
    caller against the chain and marketplace); False when it was published already."""
    offer = signed.offer
    with engine.begin() as c:
        if c.execute(sa.select(offers.c.hash).where(offers.c.hash == signed.hash_hex)).first():
            return False
        c.execute(
            offers.insert().values(
                hash=signed.hash_hex,
                seller=offer.seller,
                price_usd=str(offer.priceUsd),
                price_sort=min(offer.priceUsd, 2**63 - 1),
                stock=offer.stock,
                token_mask=offer.tokenMask,
                buffer_bps=offer.bufferBps,
                points_cap_bps=offer.pointsDiscountCapBps,
                commission_bps=offer.commissionBps,
                metadata_hash="0x" + offer.metadataHash.hex(),
                expiry=offer.expiry,
                counter=str(offer.counter),
                document=json.dumps(signed.to_json(), sort_keys=True),
                published_at=now,
            )
        )
    return True


def offers_where(
    engine: Engine,
    now: int,
    seller: str | None = None,
    token_id: int | None = None,
    live: bool = True,
    sort: str = "id",
    limit: int = 100,
    offer_hash: str | None = None,
) -> list[dict[str, Any]]:
    """Published offers with what the chain says of them (filled, cancelled, superseded by a
    newer counter, expired) and the units left; `live`: only those with units for sale now;
    `offer_hash`: only that one (0x lowercase hex)."""
    query = (
        sa.select(
            offers,
            offer_fills.c.filled,
            offer_fills.c.cancelled,
            offer_counters.c.counter.label("seller_counter"),
        )
        .outerjoin(offer_fills, offer_fills.c.hash == offers.c.hash)
        .outerjoin(offer_counters, offer_counters.c.seller == offers.c.seller)
    )
    if seller is not None:
        query = query.where(offers.c.seller == seller)
    if offer_hash is not None:
        query = query.where(offers.c.hash == offer_hash)
    if token_id is not None:
        query = query.where(offers.c.token_mask.op("&")(1 << (token_id - 1)) != 0)
    if live:
        query = query.where(offers.c.expiry >= now)
    order_by = {"id": offers.c.published_at, "price": offers.c.price_sort}[sort]
    with engine.connect() as c:
        rows = c.execute(query.order_by(order_by, offers.c.hash)).all()
    found = []
    for r in rows:
        filled = int(r.filled or 0)
        cancelled = bool(r.cancelled)
        superseded = int(r.seller_counter or 0) != int(r.counter)
        expired = int(r.expiry) < now
        left = 0 if cancelled or superseded or expired else max(int(r.stock) - filled, 0)
        if live and left == 0:
            continue
        found.append(
            {
                "offerHash": r.hash,
                "seller": r.seller,
                "priceUsd": int(r.price_usd),
                "stock": int(r.stock),
                "filled": filled,
                "left": left,
                "tokenMask": int(r.token_mask),
                "bufferBps": int(r.buffer_bps),
                "pointsCapBps": int(r.points_cap_bps),
                "commissionBps": int(r.commission_bps),
                "metadataHash": r.metadata_hash,
                "expiry": int(r.expiry),
                "cancelled": cancelled,
                "superseded": superseded,
                "expired": expired,
                "signedOffer": json.loads(r.document),
            }
        )
        if len(found) == limit:
            break
    return found


def offer_counter_of(engine: Engine, seller: str) -> int:
    """`seller`'s offer counter as the index knows it (0 until its first cancelAllOffers)."""
    with engine.connect() as c:
        found = c.execute(
            sa.select(offer_counters.c.counter).where(offer_counters.c.seller == seller)
        ).scalar()
    return 0 if found is None else int(found)


def offer_document(engine: Engine, offer_hash: str) -> dict[str, Any] | None:
    """The signed offer published under `offer_hash`, as published."""
    with engine.connect() as c:
        found = c.execute(sa.select(offers.c.document).where(offers.c.hash == offer_hash)).scalar()
    return None if found is None else dict(json.loads(found))


def credits_of(engine: Engine, account: str) -> dict[str, int]:
    with engine.connect() as c:
        rows = c.execute(sa.select(credits).where(credits.c.account == account)).all()
    return {r.token: int(r.amount) for r in rows}


@dataclass(frozen=True)
class ProposalRow:
    id: str
    proposer: str
    description: str
    calls: int
    vote_start: int
    vote_end: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    voters: int
    canceled: bool
    eta: int | None
    executed: bool
    block: int


def proposals_list(
    engine: Engine, proposer: str | None = None, limit: int = 20, offset: int = 0
) -> list[ProposalRow]:
    """Proposals, newest first (optionally one proposer's; `offset`: after skipping that
    many)."""
    query = sa.select(proposals)
    if proposer is not None:
        query = query.where(proposals.c.proposer == proposer)
    with engine.connect() as c:
        rows = c.execute(
            query.order_by(proposals.c.block.desc(), proposals.c.id).limit(limit).offset(offset)
        ).all()
    return [
        ProposalRow(
            r.id,
            r.proposer,
            r.description,
            int(r.calls),
            int(r.vote_start),
            int(r.vote_end),
            int(r.votes_for),
            int(r.votes_against),
            int(r.votes_abstain),
            int(r.voters),
            bool(r.canceled),
            None if r.eta is None else int(r.eta),
            bool(r.executed),
            int(r.block),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Earnings:
    """What an account earned, per token (token units): as a seller, paid out at completion or
    a ruling (`proceeds`, of `orders` orders) and still held as credits; as a staker, the
    rewards it claimed."""

    proceeds: dict[str, int]
    orders: int
    credits: dict[str, int]
    rewards_claimed: dict[str, int]


def earnings_of(engine: Engine, account: str) -> Earnings:
    proceeds: dict[str, int] = {}
    count = 0
    with engine.connect() as c:
        rows = c.execute(
            sa.select(orders.c.token, orders.c.to_seller)
            .where(orders.c.seller == account)
            .where(orders.c.status.in_(("Completed", "Resolved")))
        ).all()
        claimed = c.execute(
            sa.select(rewards_claimed).where(rewards_claimed.c.account == account)
        ).all()
    for token, amount in rows:
        proceeds[token] = proceeds.get(token, 0) + int(amount)
        count += 1
    return Earnings(
        proceeds,
        count,
        credits_of(engine, account),
        {r.token: int(r.amount) for r in claimed},
    )


@dataclass(frozen=True)
class CommissionRow:
    """A commission a referrer earned: its order's, in the order's token (token units), at
    the order's completion or ruling (`block`, at `timestamp`)."""

    order_id: str
    listing_id: int | None
    referrer: str
    token: str
    amount: int
    block: int
    timestamp: int

    def to_json(self) -> dict[str, Any]:
        return {
            "orderId": self.order_id,
            "listingId": self.listing_id,
            "token": self.token,
            "amount": str(self.amount),
            "block": self.block,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True)
class Commissions:
    """What a referrer earned: the total per token of every commission (`count` of them),
    `rows` of them (newest first, a page), and how many orders name it as their referrer
    (`referred`, settled or not)."""

    totals: dict[str, int]
    count: int
    referred: int
    rows: list[CommissionRow]


def commissions_of(
    engine: Engine, referrer: str, limit: int = 1_000, offset: int = 0
) -> Commissions:
    """`referrer`'s commissions: the totals of all of them, and `limit` of them newest first
    after skipping `offset`."""
    totals: dict[str, int] = {}
    with engine.connect() as c:
        amounts = c.execute(
            sa.select(commissions.c.token, commissions.c.amount).where(
                commissions.c.referrer == referrer
            )
        ).all()
        page = c.execute(
            sa.select(commissions, orders.c.listing_id)
            .select_from(commissions.outerjoin(orders, orders.c.id == commissions.c.order_id))
            .where(commissions.c.referrer == referrer)
            .order_by(commissions.c.block.desc(), commissions.c.order_id)
            .limit(limit)
            .offset(offset)
        ).all()
        referred = c.execute(
            sa.select(sa.func.count()).select_from(orders).where(orders.c.referrer == referrer)
        ).scalar()
    for token, amount in amounts:  # decimal text: summed exactly here, not by the database
        totals[token] = totals.get(token, 0) + int(amount)
    rows = [
        CommissionRow(
            r.order_id,
            None if r.listing_id is None else int(r.listing_id),
            r.referrer,
            r.token,
            int(r.amount),
            int(r.block),
            int(r.timestamp),
        )
        for r in page
    ]
    return Commissions(totals, len(amounts), int(referred or 0), rows)


@dataclass(frozen=True)
class ReferrerRow:
    """A referrer a seller approves (`setReferrer`), since the block of its latest approval."""

    seller: str
    referrer: str
    block: int
    timestamp: int

    def to_json(self) -> dict[str, Any]:
        return {"referrer": self.referrer, "block": self.block, "timestamp": self.timestamp}


def referrers_of(engine: Engine, seller: str) -> list[ReferrerRow]:
    """The referrers `seller` approves now, oldest approval first."""
    with engine.connect() as c:
        rows = c.execute(
            sa.select(referrers)
            .where(referrers.c.seller == seller)
            .order_by(referrers.c.block, referrers.c.referrer)
        ).all()
    return [ReferrerRow(r.seller, r.referrer, int(r.block), int(r.timestamp)) for r in rows]


def is_referrer(engine: Engine, seller: str, referrer: str) -> bool:
    """Whether `seller` approves `referrer` now (as the index knows it)."""
    with engine.connect() as c:
        found = c.execute(
            sa.select(referrers.c.seller)
            .where(referrers.c.seller == seller)
            .where(referrers.c.referrer == referrer)
        ).first()
    return found is not None


def terms_lookup(engine: Engine) -> Callable[[OrderId], tuple[OrderTerms, int] | None]:
    """For MarketplaceClient.terms_lookup: an order's terms and paid block from the index
    (None when the index does not have it: the client then reads the logs)."""
    from bazaar.index.indexer import terms_of

    def lookup(order_id: OrderId) -> tuple[OrderTerms, int] | None:
        row = order(engine, "0x" + order_id.hex())
        return None if row is None else (terms_of(row.terms), row.paid_block)

    return lookup
