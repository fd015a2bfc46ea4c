"""The read API over the index: listings (with their documents' titles, searched, filtered,
sorted, paged), one listing, an account's orders by role, one order, proposals, and the
status (the index's lag, the follower, the upload limits)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bazaar.catalogue import MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES
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
)
from bazaar.units import checksum, format_usd

MAX_QUERY = 100  # characters of a search


def _tokens(storefront: Storefront, text: str | None) -> tuple[dict[int, str], int | None]:
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

    def read() -> dict[str, Any]:
        tokens, token_id = _tokens(storefront, params.get("token"))
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

    return answer(await in_thread(read))


async def get_listing(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    text = request.match_info["listing"]
    if not re.fullmatch(r"[0-9]{1,19}", text):
        raise ApiError(400, f"a listing id is a whole number, not {text[:40]!r}")
    listing_id = int(text)

    def read() -> dict[str, Any] | None:
        found = store.listing(storefront.engine, listing_id)
        if found is None:
            return None
        return {"listing": _shown(found, _tokens(storefront, None)[0]), "index": lag(storefront)}

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


async def get_proposals(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("proposer", "page", "per_page"))
    proposer = address_param(params, "proposer")
    page, per_page = page_of(params)

    def read() -> dict[str, Any]:
        rows = queries.proposals_list(
            storefront.engine, proposer, per_page + 1, (page - 1) * per_page
        )
        return {
            "proposals": [
                {
                    "proposalId": r.id,
                    "proposer": r.proposer,
                    "description": r.description,
                    "calls": r.calls,
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
                for r in rows[:per_page]
            ],
            "page": page,
            "perPage": per_page,
            "more": len(rows) > per_page,
            "index": lag(storefront),
        }

    return answer(await in_thread(read))


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
            "uploads": {
                "maxDocumentBytes": MAX_DOCUMENT_BYTES,
                "maxImageBytes": MAX_IMAGE_BYTES,
                "perAddress": settings.upload_limit,
                "windowSeconds": settings.upload_window,
                "keepUnreferencedSeconds": settings.keep_unreferenced,
            },
        }
    )
