"""The read API over the index: listings (with their documents' titles, searched, filtered,
sorted, paged), one listing (with whether its commission applies to a `ref`), an account's
orders by role, one order, a referrer's commissions (its earnings), a seller's approved
referrers, proposals (with their state, read from the governor), and the status (the
index's lag, the follower, the upload limits, the deployment's contracts)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bazaar.catalogue import MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES
from bazaar.errors import BazaarError
from bazaar.index import queries
from bazaar.server import store
from bazaar.server.common import (
    STOREFRONT,
    ApiError,
    Storefront,
    address_param,
    answer,
    flag,
    hash_param,
    in_thread,
    lag,
    page_of,
    params_of,
    reason_of,
)
from bazaar.units import checksum, format_usd

MAX_QUERY = 100  # characters of a search
STATE_SECONDS = 5.0  # a proposal's state is re-read from the governor at most this often
NO_STATES = "this server reads no proposal states (started without a chain)"


@dataclass
class ProposalStates:
    """Proposals' states (bazaar.types.PROPOSAL_STATES) as the governor answers them now,
    through `read` (GovernorClient.state), each kept `seconds`.

    They are read from the chain, not computed from the index, because the index cannot tell
    them exactly: Pending and Active turn on the chain's clock, Defeated or Succeeded on the
    quorum (a share of the staked total at the snapshot, which the index does not hold), and
    a queued proposal becomes Executed or Canceled when its operation is executed or
    cancelled on the timelock directly, with no event of the governor's.

    A state that cannot be read is None with the reason, kept like a state: the governor's
    refusal (a proposal it does not know, after a reorg) for that proposal only; a failing
    node for the rest of the pass too, which is not asked of it (each would fail alike, after
    its timeout)."""

    read: Callable[[int], str]
    seconds: float = STATE_SECONDS
    clock: Callable[[], float] = time.monotonic
    _cached: dict[int, tuple[float, str | None, str | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, ids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        """Each of `ids`: (its state, None), or (None, why it is unknown)."""
        out: dict[int, tuple[str | None, str | None]] = {}
        failure: str | None = None
        for proposal_id in ids:
            now = self.clock()
            with self._lock:
                hit = self._cached.get(proposal_id)
            if hit is not None and now - hit[0] < self.seconds:
                out[proposal_id] = (hit[1], hit[2])
                continue
            if failure is None:
                try:
                    found: tuple[str | None, str | None] = (self.read(proposal_id), None)
                except BazaarError as exc:  # the node answered: this proposal only (unknown)
                    found = (None, reason_of(exc))
                except Exception as exc:  # the node failed: the rest would fail alike
                    failure = reason_of(exc)
                    found = (None, failure)
            else:
                found = (None, failure)
            with self._lock:
                if len(self._cached) > 10_000:  # forget the states read long ago
                    self._cached = {
                        k: v for k, v in self._cached.items() if now - v[0] < self.seconds
                    }
                self._cached[proposal_id] = (now, *found)
            out[proposal_id] = found
        return out


STATES = web.AppKey("states", ProposalStates)


def payment_tokens_of(
    storefront: Storefront, text: str | None
) -> tuple[dict[int, str], int | None]:
    """The payment tokens by id, and the id of `text` (a token's name in the deployment,
    such as wbtc, or its address) when given."""
    by_address = store.payment_tokens(storefront.engine)
    by_id = {token_id: address for address, token_id in by_address.items()}
    if not text:
        return by_id, None
    address = storefront.token_names.get(text.lower())
    address = address or checksum(text, "token")
    if address not in by_address:
        raise ApiError(400, f"token {text} is not a payment token of this marketplace")
    return by_id, by_address[address]


def _shown(listing: dict[str, Any], tokens: dict[int, str]) -> dict[str, Any]:
    mask = listing["tokenMask"]
    return {
        **listing,
        "priceFormatted": format_usd(listing["priceUsd"]),
        "tokens": [address for bit, address in sorted(tokens.items()) if mask >> (bit - 1) & 1],
    }


async def get_listings(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("q", "token", "seller", "sort", "page", "per_page"))
    page, per_page = page_of(params)
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise ApiError(400, f"q is at most {MAX_QUERY} characters")
    sort = params.get("sort") or "id"
    if sort not in store.SORTS:
        raise ApiError(400, f"sort must be one of {', '.join(store.SORTS)}, not {sort!r}")
    seller = address_param(params, "seller")
    key = (q, params.get("token", "").lower(), seller, sort, page, per_page)
    cached = storefront.pages.get(key)
    if cached is not None:
        return web.Response(body=cached, content_type="application/json")

    def read() -> dict[str, Any]:
        tokens, token_id = payment_tokens_of(storefront, params.get("token"))
        rows, total = store.listings_page(
            storefront.engine,
            q=q or None,
            token_id=token_id,
            seller=seller,
            sort=sort,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        return {
            "listings": [_shown(row, tokens) for row in rows],
            "page": page,
            "perPage": per_page,
            "total": total,
            "index": lag(storefront),
        }

    response = answer(await in_thread(read))
    assert isinstance(response.body, bytes)
    storefront.pages.put(key, response.body)
    return response


async def get_listing(request: web.Request) -> web.Response:
    """GET /api/listings/{listing}[?ref=ADDRESS]: the listing; with `ref`, whether its seller
    approves that referrer (`refApproved`) and the commission a new order referred by it would
    carry (`refCommissionBps`: the listing's rate if approved, else 0)."""
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("ref",))
    text = request.match_info["listing"]
    if not re.fullmatch(r"[0-9]{1,19}", text):
        raise ApiError(400, f"a listing id is a whole number, not {text[:40]!r}")
    listing_id = int(text)
    ref = _account_text(params["ref"], "ref") if params.get("ref") else None

    def read() -> dict[str, Any] | None:
        found = store.listing(storefront.engine, listing_id)
        if found is None:
            return None
        data: dict[str, Any] = {
            "listing": _shown(found, payment_tokens_of(storefront, None)[0]),
            "index": lag(storefront),
        }
        if ref is not None:
            approved = queries.is_referrer(storefront.engine, found["seller"], ref)
            data["ref"] = ref
            data["refApproved"] = approved
            data["refCommissionBps"] = found["commissionBps"] if approved else 0
        return data

    data = await in_thread(read)
    if data is None:
        raise ApiError(404, f"no listing {listing_id} in the index")
    return answer(data)


def _order_json(row: queries.OrderRow) -> dict[str, Any]:
    return {**row.to_json(), "terms": row.terms}


async def get_orders(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("account", "role", "due", "page", "per_page"))
    account = address_param(params, "account")
    if account is None:
        raise ApiError(400, "account is required: whose orders (0x + 40 hex digits)")
    role = params.get("role", "")
    if role not in queries.ROLES:
        raise ApiError(400, f"role must be one of {', '.join(queries.ROLES)}, not {role!r}")
    due = flag(params, "due")
    page, per_page = page_of(params)

    def read() -> dict[str, Any]:
        rows = queries.orders_of(
            storefront.engine, account, role, (), due, per_page + 1, (page - 1) * per_page
        )
        return {
            "account": account,
            "role": role,
            "due": due,
            "orders": [_order_json(r) for r in rows[:per_page]],
            "page": page,
            "perPage": per_page,
            "more": len(rows) > per_page,
            "index": lag(storefront),
        }

    return answer(await in_thread(read))


async def get_order(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    order_id = hash_param(request, "order")
    row = await in_thread(queries.order, storefront.engine, order_id)
    if row is None:
        raise ApiError(404, f"no order {order_id} in the index")
    return answer({"order": _order_json(row), "index": await in_thread(lag, storefront)})


async def get_earnings(request: web.Request) -> web.Response:
    """GET /api/earnings/{account}: the affiliate commissions `account` earned as the
    referrer of orders: the total per token (token units, decimal strings) of all of them,
    how many, how many orders name it as their referrer (settled or not), and a page of the
    commissions, newest first."""
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("page", "per_page"))
    account = _account_text(request.match_info["account"], "account")
    page, per_page = page_of(params)

    def read() -> dict[str, Any]:
        found = queries.commissions_of(
            storefront.engine, account, per_page + 1, (page - 1) * per_page
        )
        return {
            "account": account,
            "totals": {token: str(amount) for token, amount in sorted(found.totals.items())},
            "count": found.count,
            "referredOrders": found.referred,
            "commissions": [row.to_json() for row in found.rows[:per_page]],
            "page": page,
            "perPage": per_page,
            "more": len(found.rows) > per_page,
            "index": lag(storefront),
        }

    return answer(await in_thread(read))


def _account_text(text: str, name: str) -> str:
    """An address from a path or a parameter, checksummed (a mixed-case one must be right)."""
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        raise ApiError(400, f"{name} must be 0x followed by 40 hex digits, not {text[:80]!r}")
    return checksum(text, name)


async def get_referrers(request: web.Request) -> web.Response:
    """GET /api/referrers/{seller}: the referrers `seller` approves now (`setReferrer`), oldest
    approval first: only they earn its listings' commissions on new orders."""
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    seller = _account_text(request.match_info["seller"], "seller")

    def read() -> dict[str, Any]:
        rows = queries.referrers_of(storefront.engine, seller)
        return {
            "seller": seller,
            "referrers": [row.to_json() for row in rows],
            "index": lag(storefront),
        }

    return answer(await in_thread(read))


async def get_proposals(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    states = request.app.get(STATES)
    params = params_of(request, ("proposer", "page", "per_page"))
    proposer = address_param(params, "proposer")
    page, per_page = page_of(params)

    def read() -> tuple[list[queries.ProposalRow], dict[str, Any]]:
        rows = queries.proposals_list(
            storefront.engine, proposer, per_page + 1, (page - 1) * per_page
        )
        return rows, lag(storefront)

    rows, index = await in_thread(read)
    shown = rows[:per_page]
    ids = [int(r.id) for r in shown]
    known = await in_thread(states.of, ids) if states is not None else {}
    state = {n: known.get(n, (None, NO_STATES)) for n in ids}
    return answer(
        {
            "proposals": [
                {
                    "proposalId": r.id,
                    "proposer": r.proposer,
                    "description": r.description,
                    "calls": r.calls,
                    "state": state[int(r.id)][0],
                    "stateError": state[int(r.id)][1],
                    "voteStart": r.vote_start,
                    "voteEnd": r.vote_end,
                    "votesFor": str(r.votes_for),
                    "votesAgainst": str(r.votes_against),
                    "votesAbstain": str(r.votes_abstain),
                    "voters": r.voters,
                    "canceled": r.canceled,
                    "eta": r.eta,
                    "executed": r.executed,
                    "block": r.block,
                }
                for r in shown
            ],
            "page": page,
            "perPage": per_page,
            "more": len(rows) > per_page,
            "index": index,
        }
    )


async def get_status(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    settings = storefront.settings
    return answer(
        {
            "index": await in_thread(lag, storefront),
            "follower": storefront.follower.state.to_json(),
            "chainId": storefront.chain_id,
            "market": storefront.market,
            "contracts": storefront.contracts,
            "uploads": {
                "maxDocumentBytes": MAX_DOCUMENT_BYTES,
                "maxImageBytes": MAX_IMAGE_BYTES,
                "perAddress": settings.upload_limit,
                "windowSeconds": settings.upload_window,
                "keepUnreferencedSeconds": settings.keep_unreferenced,
            },
        }
    )
