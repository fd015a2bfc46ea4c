"""The indexer: follows the suite's events into the index (bazaar/index/schema.py).

Each pass reads from the block after the last one indexed up to the chain head less a
confirmation depth, one block range at a time (a range the node refuses is halved, down to a
single block, and the size grows back after successes), and writes each range in one database
transaction: its decoded events, the hashes of its blocks, and what they change in the derived
tables (listings, orders, credits, proposals, seller ratings, referrers' commissions, the
sellers' approved referrers). A pass first checks that the blocks it stored are still the
chain's; where one is not (a reorg), everything from the first orphaned block on is deleted,
the derived tables are rebuilt from the events that remain, and indexing resumes there. A
transaction may hold several orders' events (a cart's checkout, a batch of shipments or
confirmations): events are keyed by block and log index, never by transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes
from sqlalchemy.engine import Connection, Engine
from web3 import Web3

from bazaar import artifacts
from bazaar.errors import BazaarError
from bazaar.index import schema
from bazaar.index.events import EventDecoder, abi_type
from bazaar.index.schema import blocks, credits, events, get_meta, listings, orders, set_meta
from bazaar.journal import Journal
from bazaar.types import KIND_NAMES, OrderTerms

# The deployment's contracts whose events are indexed, by journal key.
INDEXED = ("market", "staking", "governor", "goods", "oracle")
FIRST_CHUNK = 2_000  # blocks per eth_getLogs at first
MAX_CHUNK = 50_000
DEFAULT_CONFIRMATIONS = 0  # local chains; pass more for a public one
# EscrowMarketplace's constructor sets fulfilmentWindow to 7 days (governance changes it by
# WindowsSet, which the index follows)
CONSTRUCTOR_FULFILMENT_WINDOW = 7 * 86_400


@dataclass(frozen=True)
class Progress:
    """What a pass did."""

    from_block: int
    to_block: int  # the last block indexed now
    head: int  # the chain head when the pass began
    events: int
    reorged_from: int | None  # the first orphaned block a reorg dropped, if any


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | HexBytes):
        return "0x" + bytes(value).hex()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 - 1 else value
    if isinstance(value, Mapping):  # dicts and web3's AttributeDicts (decoded structs)
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class Indexer:
    """Indexes one deployment (its journal) on one chain into one database."""

    def __init__(
        self,
        w3: Web3,
        engine: Engine,
        deployment: Journal,
        confirmations: int = DEFAULT_CONFIRMATIONS,
        chunk: int = FIRST_CHUNK,
    ) -> None:
        self.w3 = w3
        self.engine = engine
        self.confirmations = confirmations
        self.chunk = max(1, chunk)
        contracts = deployment.data.get("contracts", {})
        self.start = min(int(contracts[k].get("block", 0)) for k in INDEXED if k in contracts)
        self.decoders: dict[tuple[str, bytes], tuple[str, EventDecoder]] = {}
        self.names: dict[str, str] = {}
        for key in INDEXED:
            if key not in contracts:
                continue
            address = to_checksum_address(contracts[key]["address"])
            self.names[address] = key
            abi = artifacts.load(contracts[key]["contract"]).abi
            for item in abi:
                if item.get("type") == "event" and not item.get("anonymous"):
                    topic = Web3.keccak(
                        text=f"{item['name']}({','.join(abi_type(i) for i in item['inputs'])})"
                    )
                    self.decoders[(address, bytes(topic))] = (key, EventDecoder.of(item))
        self.market = to_checksum_address(contracts["market"]["address"])
        self.market_block = int(contracts["market"].get("block", 0))
        self._check_chain(deployment)
        self._initial_windows()

    def _initial_windows(self) -> None:
        """The fulfilment window in force when the index starts (the constructor's): later
        changes come from WindowsSet events."""
        with self.engine.begin() as c:
            if get_meta(c, "fulfilment_window_initial") is not None:
                return
            abi = artifacts.load("EscrowMarketplace").abi
            market = self.w3.eth.contract(address=self.market, abi=abi)
            try:  # at the market's deploy block
                config = market.functions.config().call(block_identifier=self.market_block)
                window = int(config[2])
            except Exception:  # a node without that state: the constructor's value (a later
                window = CONSTRUCTOR_FULFILMENT_WINDOW  # change is a WindowsSet event)
            set_meta(c, "fulfilment_window_initial", str(window))
            set_meta(c, "fulfilment_window", str(window))

    def _check_chain(self, deployment: Journal) -> None:
        identity = {
            "chain_id": str(deployment.data["chainId"]),
            "genesis": str(deployment.data.get("genesisHash", "")),
            "market": self.market,
        }
        with self.engine.begin() as c:
            for key, value in identity.items():
                stored = get_meta(c, key)
                if stored is None:
                    set_meta(c, key, value)
                elif stored != value:
                    raise BazaarError(
                        f"this index holds {key} {stored}, not {value}: use another --db for "
                        "another deployment or chain"
                    )

    # -- a pass ------------------------------------------------------------------------

    def last_block(self) -> int | None:
        with self.engine.connect() as c:
            value = get_meta(c, "last_block")
        return None if value is None else int(value)

    def sync(
        self, until: int | None = None, on_range: Callable[[int, int], None] | None = None
    ) -> Progress:
        """Indexes up to `until` (default: the head less the confirmations)."""
        head = int(self.w3.eth.block_number)
        target = head - self.confirmations if until is None else min(until, head)
        reorged = self._unwind_reorg()
        last = self.last_block()
        low = self.start if last is None else last + 1
        first, count = low, 0
        while low <= target:
            high = min(target, low + self.chunk - 1)
            high_hash, _ = self._block(high)
            try:
                logs = self.w3.eth.get_logs(
                    {"address": list(self.names), "fromBlock": low, "toBlock": high}  # type: ignore[typeddict-item]
                )
            except Exception as exc:  # a range the node refuses (size, result count, timeout)
                if high == low:
                    raise BazaarError(
                        f"the node refuses eth_getLogs for block {low}: {str(exc)[:200]}"
                    ) from None
                self.chunk = max(1, (high - low + 1) // 2)
                continue
            if self._block(high)[0] != high_hash:
                continue  # the chain moved under the read (a reorg): read the range again
            try:
                written = self._write_range(last, high, high_hash, logs)
            except _RangeMoved:
                continue
            if written is None:  # another process indexed this range first: its turn
                break
            count += written
            if on_range is not None:
                on_range(low, high)
            self.chunk = min(MAX_CHUNK, self.chunk * 2)
            last, low = high, high + 1
        return Progress(first, max(target, first - 1), head, count, reorged)

    def _block(self, number: int | str) -> tuple[str, int]:
        """(hash, timestamp) of block `number` (or of the block with hash `number`).

        Raises:
            _RangeMoved: no such block by that hash (it left the chain while being read).
        """
        try:
            block = self.w3.eth.get_block(number)  # type: ignore[arg-type]
        except Exception:
            if isinstance(number, str):
                raise _RangeMoved from None
            raise
        return "0x" + bytes(block["hash"]).hex(), int(block["timestamp"])

    def _write_range(
        self, prev: int | None, high: int, high_hash: str, logs: Iterable[Any]
    ) -> int | None:
        """Writes one range's events in one transaction that first moves `last_block` from
        `prev` to `high` (compare-and-set: None when another process moved it first, and
        nothing is written). Each event's block is stored with the hash its log carries (the
        next pass's reorg check then catches an orphaned one)."""
        decoded = []
        for log in logs:
            found = self.decoders.get(
                (to_checksum_address(log["address"]), bytes(log["topics"][0]))
            )
            if found is None:
                continue
            key, decoder = found
            decoded.append((key, decoder.decode_log(log)))
        hashes = {int(d["blockNumber"]): "0x" + bytes(d["blockHash"]).hex() for _, d in decoded}
        stamps = {n: self._block(h) for n, h in hashes.items()}
        if high not in stamps:
            stamps[high] = self._block(high_hash)
        numbers = sorted(stamps)
        try:
            with self.engine.begin() as c:
                if not _advance(c, prev, high):
                    raise _LostRace
                return self._store(c, numbers, stamps, decoded)
        except (_LostRace, sa.exc.IntegrityError):
            return None

    def _store(
        self,
        c: Connection,
        numbers: list[int],
        stamps: dict[int, tuple[str, int]],
        decoded: list[tuple[str, Any]],
    ) -> int:
        _forget_memo(c)
        for number in numbers:
            h, t = stamps[number]
            c.execute(blocks.delete().where(blocks.c.number == number))
            c.execute(blocks.insert().values(number=number, hash=h, timestamp=t))
        rows, applied = [], []
        for key, data in decoded:
            args = _jsonable(dict(data["args"]))
            order_id = args.get("orderId") if isinstance(args, dict) else None
            block = int(data["blockNumber"])
            rows.append(
                {
                    "block": block,
                    "log_index": int(data["logIndex"]),
                    "tx_hash": "0x" + bytes(data["transactionHash"]).hex(),
                    "contract": key,
                    "name": data["event"],
                    "order_id": order_id,
                    "args": json.dumps(args, sort_keys=True),
                }
            )
            applied.append((key, data["event"], args, block, stamps[block][1]))
        if rows:
            c.execute(events.insert(), rows)  # one statement for the range's events
        for key, name, args, block, when in applied:
            apply(c, key, name, args, block, when)
        return len(decoded)

    # -- reorgs ------------------------------------------------------------------------

    def _fork_point(self) -> int | None:
        """The first block after the newest stored block the chain still has, when a newer
        stored one is gone (None: no reorg). Every block holding an event is stored, so no
        event lies between the two. Stored blocks are read newest first, a batch at a time."""
        changed, below = False, None
        while True:
            with self.engine.connect() as c:
                query = sa.select(blocks.c.number, blocks.c.hash)
                if below is not None:
                    query = query.where(blocks.c.number < below)
                batch = c.execute(query.order_by(blocks.c.number.desc()).limit(64)).all()
            if not batch:
                return self.start if changed else None
            for number, stored_hash in batch:
                if self._block(int(number))[0] == stored_hash:
                    return int(number) + 1 if changed else None
                changed = True
            below = int(batch[-1][0])

    def _unwind_reorg(self) -> int | None:
        """Drops what was indexed from the fork point on, rebuilds the derived tables, and
        puts the keeper's transactions mined there back in flight (the keeper then finds
        them re-mined, or sends the same bytes again); returns the fork point (None: no
        reorg, or another process unwound it first)."""
        orphaned = self._fork_point()
        if orphaned is None:
            return None
        last = self.last_block()
        try:
            with self.engine.begin() as c:
                if last is None or not _advance(c, last, orphaned - 1):
                    raise _LostRace
                c.execute(events.delete().where(events.c.block >= orphaned))
                c.execute(blocks.delete().where(blocks.c.number >= orphaned))
                jobs = schema.keeper_jobs
                c.execute(
                    jobs.update().where(jobs.c.block >= orphaned).values(status="sent", block=None)
                )
                rebuild(c)
        except _LostRace:
            return None
        return orphaned


class _RangeMoved(Exception):
    """A block of the range left the chain while it was read: read the range again."""


class _LostRace(Exception):
    """Another process moved `last_block` first."""


def _advance(c: Connection, prev: int | None, new: int) -> bool:
    """Moves `last_block` from `prev` (None: not set yet) to `new`, only if it is still
    `prev` (a compare-and-set: PostgreSQL re-checks the condition after a concurrent writer
    commits; SQLite serializes writers). False when another process moved it."""
    table = schema.meta
    if prev is None:
        if get_meta(c, "last_block") is not None:
            return False
        c.execute(table.insert().values(key="last_block", value=str(new)))
        return True
    done = c.execute(
        table.update()
        .where(table.c.key == "last_block")
        .where(table.c.value == str(prev))
        .values(value=str(new))
    )
    return done.rowcount == 1


# -- derived tables ------------------------------------------------------------------------


def rebuild(c: Connection) -> None:
    """The derived tables, from the events table alone (after a reorg)."""
    _forget_memo(c)
    for table in schema.DERIVED:
        c.execute(table.delete())
    set_meta(c, "fulfilment_window", get_meta(c, "fulfilment_window_initial") or "604800")
    rows = c.execute(
        sa.select(
            events.c.contract, events.c.name, events.c.args, events.c.block, blocks.c.timestamp
        )
        .join(blocks, blocks.c.number == events.c.block)
        .order_by(events.c.block, events.c.log_index)
    ).all()
    for contract, name, args, block, timestamp in rows:
        apply(c, contract, name, json.loads(args), int(block), int(timestamp))


def _int(value: Any) -> int:
    return int(value)


def apply(
    c: Connection, contract: str, name: str, args: dict[str, Any], block: int, when: int
) -> None:
    """What event `name` of `contract` changes in the derived tables."""
    handler = BY_CONTRACT.get(contract, {}).get(name)
    if handler is not None:
        handler(c, args, block, when)


def _listed(c: Connection, a: dict[str, Any], block: int, when: int) -> None:
    price = _int(a["priceUsd"])
    c.execute(
        listings.insert().values(
            id=_int(a["listingId"]),
            seller=a["seller"],
            price_usd=str(price),
            price_sort=min(price, schema.SORT_MAX),
            stock=_int(a["stock"]),
            token_mask=_int(a["tokenMask"]),
            buffer_bps=_int(a["bufferBps"]),
            points_cap_bps=_int(a["pointsDiscountCapBps"]),
            kind=KIND_NAMES[_int(a["kind"])],
            active=True,
            goods_token_id=0,
            metadata_hash=a["metadataHash"],
            block=block,
            commission_bps=0,  # until the seller sets one (CommissionSet)
        )
    )


def _listing(c: Connection, listing_id: Any, **values: Any) -> None:
    c.execute(listings.update().where(listings.c.id == _int(listing_id)).values(**values))


def _delisted(c: Connection, listing_id: Any) -> None:
    """Inactive; a digital listing's stock goes to 0 with it (its item comes back)."""
    _listing(c, listing_id, active=False)
    c.execute(
        listings.update()
        .where(listings.c.id == _int(listing_id))
        .where(listings.c.kind == "Digital")
        .values(stock=0)
    )


def _order(c: Connection, order_id: str, block: int, **values: Any) -> None:
    c.execute(orders.update().where(orders.c.id == order_id).values(updated_block=block, **values))


def terms_of(raw: dict[str, Any]) -> OrderTerms:
    """Order terms from their JSON (integers beyond 2^53 stored as strings)."""
    return OrderTerms.from_event(
        {k: v if isinstance(v, str) and v.startswith("0x") else int(v) for k, v in raw.items()}
    )


def _memo(c: Connection) -> dict[str, Any]:
    """What one transaction's handlers remember (a listing's kind never changes; the
    fulfilment window changes only by WindowsSet, which updates it here too): fewer round
    trips per paid order. Cleared at the start of every range and rebuild (`_forget_memo`)."""
    memo: dict[str, Any] = c.info.setdefault("bazaar_index_memo", {})
    return memo


def _forget_memo(c: Connection) -> None:
    c.info.pop("bazaar_index_memo", None)


def _window(c: Connection) -> int:
    memo = _memo(c)
    if "window" not in memo:
        memo["window"] = int(get_meta(c, "fulfilment_window") or CONSTRUCTOR_FULFILMENT_WINDOW)
    return int(memo["window"])


def _set_window(c: Connection, seconds: int) -> None:
    set_meta(c, "fulfilment_window", str(seconds))
    _memo(c)["window"] = seconds


def _kind(c: Connection, listing_id: int) -> str | None:
    kinds = _memo(c).setdefault("kinds", {})
    if listing_id not in kinds:
        kinds[listing_id] = c.execute(
            sa.select(listings.c.kind).where(listings.c.id == listing_id)
        ).scalar()
    found: str | None = kinds[listing_id]
    return found


def _paid(c: Connection, a: dict[str, Any], block: int, when: int) -> None:
    terms = terms_of(a["terms"])
    offer = terms.listingId > OFFER_ID_FLOOR  # an order from a signed offer: its hash
    kind = None if offer else _kind(c, terms.listingId)
    digital = kind == "Digital"
    window = _window(c)
    c.execute(
        orders.insert().values(
            id=a["orderId"],
            listing_id=0 if offer else terms.listingId,
            offer_hash=f"0x{terms.listingId:064x}" if offer else None,
            buyer=terms.buyer,
            seller=terms.seller,
            arbiter=terms.arbiter,
            token=terms.token,
            quantity=terms.quantity,
            usd_amount=str(terms.usdAmount),
            locked_amount=str(terms.lockedAmount),
            status="Shipped" if digital else "Paid",
            deadline=when + (terms.confirmWindow if digital else window),
            cancel_requested=False,
            terms=json.dumps(_jsonable(terms.to_json()), sort_keys=True),
            paid_block=block,
            updated_block=block,
            referrer=None if int(terms.referrer, 16) == 0 else terms.referrer,
            commission_bps=terms.commissionBps,
        )
    )
    if kind is not None:  # the stock, decremented in the database (no read first)
        _listing(c, terms.listingId, stock=listings.c.stock - terms.quantity)


# Listing ids count from 1; an order whose `listingId` is above this is from a signed offer.
OFFER_ID_FLOOR = 2**64 - 1


def _hex32(value: Any) -> str:
    """A bytes32 event argument as 0x and 64 hex digits."""
    if isinstance(value, str):
        return value.lower() if value.startswith("0x") else "0x" + value.lower()
    return "0x" + bytes(value).hex()


HANDLERS: dict[str, Callable[[Connection, dict[str, Any], int, int], None]] = {
    "Listed": _listed,
    "GoodsEscrowed": lambda c, a, b, t: _listing(
        c, a["listingId"], goods_token_id=_int(a["goodsTokenId"])
    ),
    "ListingUpdated": lambda c, a, b, t: _listing(
        c,
        a["listingId"],
        price_usd=str(_int(a["priceUsd"])),
        price_sort=min(_int(a["priceUsd"]), schema.SORT_MAX),
        stock=_int(a["stock"]),
    ),
    "Delisted": lambda c, a, b, t: _delisted(c, a["listingId"]),
    "Restocked": lambda c, a, b, t: _listing(c, a["listingId"], stock=_int(a["stock"])),
    "OrderPaid": _paid,
    "OrderShipped": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Shipped", deadline=_int(a["confirmDeadline"])
    ),
    "OrderCompleted": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Completed", deadline=None, to_seller=str(_int(a["toSeller"]))
    ),
    "OrderRefunded": lambda c, a, b, t: (
        _order(c, a["orderId"], b, status="Refunded", deadline=None)
        if _int(a["remaining"]) == 0
        else None
    ),
    "OrderReclaimed": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Refunded", deadline=None
    ),
    "CancelRequested": lambda c, a, b, t: _order(c, a["orderId"], b, cancel_requested=True),
    "OrderCancelled": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Cancelled", deadline=None
    ),
    "DisputeOpened": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Disputed", deadline=_int(a["rulingDeadline"])
    ),
    "DisputeResolved": lambda c, a, b, t: _order(
        c, a["orderId"], b, status="Resolved", deadline=None, to_seller=str(_int(a["toSeller"]))
    ),
    "PaymentCredited": lambda c, a, b, t: _credit(c, a["account"], a["token"], _int(a["amount"])),
    "CreditClaimed": lambda c, a, b, t: _credit(c, a["account"], a["token"], None),
    "WindowsSet": lambda c, a, b, t: _set_window(c, _int(a["fulfilmentWindow"])),
    "Reviewed": lambda c, a, b, t: schema.add_review(c, a),
    "CommissionSet": lambda c, a, b, t: _listing(
        c, a["listingId"], commission_bps=_int(a["commissionBps"])
    ),
    "CommissionPaid": schema.add_commission,
    "ReferrerSet": schema.set_referrer,
    "OfferFilled": lambda c, a, b, t: schema.offer_filled(
        c, _hex32(a["offerHash"]), _int(a["filled"])
    ),
    "OfferRestocked": lambda c, a, b, t: schema.offer_filled(
        c, _hex32(a["offerHash"]), _int(a["filled"])
    ),
    "OfferCancelled": lambda c, a, b, t: schema.offer_cancelled(c, _hex32(a["offerHash"])),
    "OffersCancelled": lambda c, a, b, t: schema.offers_cancelled(
        c, a["seller"], _int(a["counter"])
    ),
}


def _proposed(c: Connection, a: dict[str, Any], block: int, when: int) -> None:
    c.execute(
        schema.proposals.insert().values(
            id=str(_int(a["proposalId"])),
            proposer=a["proposer"],
            description=a["description"],
            calls=len(a["targets"]),
            vote_start=_int(a["voteStart"]),
            vote_end=_int(a["voteEnd"]),
            votes_against="0",
            votes_for="0",
            votes_abstain="0",
            voters=0,
            canceled=False,
            eta=None,
            executed=False,
            block=block,
        )
    )


VOTE_COLUMNS = ("votes_against", "votes_for", "votes_abstain")  # GovernorCountingSimple's order


def _voted(c: Connection, a: dict[str, Any], block: int, when: int) -> None:
    table, pid = schema.proposals, str(_int(a["proposalId"]))
    row = c.execute(sa.select(table).where(table.c.id == pid)).one_or_none()
    if row is None:
        return
    column = VOTE_COLUMNS[_int(a["support"])]
    total = int(getattr(row, column)) + _int(a["weight"])
    c.execute(
        table.update()
        .where(table.c.id == pid)
        .values({column: str(total), "voters": row.voters + 1})
    )


def _proposal(c: Connection, proposal_id: Any, **values: Any) -> None:
    table = schema.proposals
    c.execute(table.update().where(table.c.id == str(_int(proposal_id))).values(**values))


def _claimed(c: Connection, a: dict[str, Any], block: int, when: int) -> None:
    table = schema.rewards_claimed
    where = (table.c.account == a["account"]) & (table.c.token == a["token"])
    current = c.execute(sa.select(table.c.amount).where(where)).scalar()
    c.execute(table.delete().where(where))
    amount = int(current or 0) + _int(a["amount"])
    c.execute(table.insert().values(account=a["account"], token=a["token"], amount=str(amount)))


GOVERNOR_HANDLERS: dict[str, Callable[[Connection, dict[str, Any], int, int], None]] = {
    "ProposalCreated": _proposed,
    "VoteCast": _voted,
    "VoteCastWithParams": _voted,
    "ProposalCanceled": lambda c, a, b, t: _proposal(c, a["proposalId"], canceled=True),
    "ProposalQueued": lambda c, a, b, t: _proposal(c, a["proposalId"], eta=_int(a["etaSeconds"])),
    "ProposalExecuted": lambda c, a, b, t: _proposal(c, a["proposalId"], executed=True),
    "ProposalExtended": lambda c, a, b, t: _proposal(
        c, a["proposalId"], vote_end=_int(a["extendedDeadline"])
    ),
}
STAKING_HANDLERS: dict[str, Callable[[Connection, dict[str, Any], int, int], None]] = {
    "RewardsClaimed": _claimed,
}
BY_CONTRACT = {"market": HANDLERS, "governor": GOVERNOR_HANDLERS, "staking": STAKING_HANDLERS}


def _credit(c: Connection, account: str, token: str, added: int | None) -> None:
    where = (credits.c.account == account) & (credits.c.token == token)
    current = c.execute(sa.select(credits.c.amount).where(where)).scalar()
    c.execute(credits.delete().where(where))
    amount = 0 if added is None else int(current or 0) + added
    if amount:
        c.execute(credits.insert().values(account=account, token=token, amount=str(amount)))
