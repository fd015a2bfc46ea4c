"""Signed offers over HTTP: `POST /api/offers` publishes a seller's signed offer (what
`bazaar list --sign-only` prints) into the index, checked first against what the server can
know without a transaction (this chain and marketplace, the seller's own signature, not
expired, signed with the seller's current counter as the index knows it); `GET /api/offers`
lists the live ones (or all, `all=1`) with the units left and the tokens they take, of one
seller or all, paid in one token or any (`token`: a name such as usdc, or an address);
`GET /api/offers/{hash}` one published offer, live or not (the page's offer view)."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from bazaar.errors import BazaarError
from bazaar.index import queries
from bazaar.server.common import (
    STOREFRONT,
    ApiError,
    address_param,
    answer,
    flag,
    hash_param,
    in_thread,
    lag,
    params_of,
)
from bazaar.server.reads import payment_tokens_of
from bazaar.signing.offers import SignedOffer

MAX_OFFER_BYTES = 4_096  # a signed offer's JSON is about 1 KB


async def post_offer(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    body = await request.content.read(MAX_OFFER_BYTES + 1)
    if len(body) > MAX_OFFER_BYTES:
        raise ApiError(413, f"a signed offer is at most {MAX_OFFER_BYTES} bytes")
    try:
        signed = SignedOffer.from_json(json.loads(body), where="the offer")
    except json.JSONDecodeError:
        raise ApiError(400, "the body must be a signed offer (JSON)") from None
    except BazaarError as exc:
        raise ApiError(400, str(exc)) from None
    if signed.chain_id != storefront.chain_id:
        raise ApiError(
            400,
            f"the offer is for chain {signed.chain_id}; this shop is chain {storefront.chain_id}",
        )
    if signed.marketplace != storefront.market:
        raise ApiError(
            400, f"the offer is for the marketplace {signed.marketplace}, not this shop's"
        )
    try:
        signer = signed.signer()
    except BazaarError as exc:
        raise ApiError(400, f"the offer's signature: {exc}") from None
    if signer != signed.offer.seller:
        raise ApiError(
            400, f"the offer is signed by {signer}, not by its seller {signed.offer.seller}"
        )
    now = int(time.time())
    if signed.offer.expiry < now:
        raise ApiError(400, f"the offer expired at {signed.offer.expiry} (unix)")

    def store() -> dict[str, Any]:
        counter = queries.offer_counter_of(storefront.engine, signed.offer.seller)
        if signed.offer.counter != counter:
            raise ApiError(
                400,
                f"the offer was signed with counter {signed.offer.counter}; its seller's is "
                f"{counter}: it cancelled its offers since",
            )
        added = queries.store_offer(storefront.engine, signed, now)
        return {"offerHash": signed.hash_hex, "published": added, "index": lag(storefront)}

    data = await in_thread(store)
    return answer(data, status=201 if data["published"] else 200)


def _shown(row: dict[str, Any], tokens: dict[int, str]) -> dict[str, Any]:
    """An offer with the addresses of the tokens its mask accepts (by the marketplace's ids)."""
    mask = row["tokenMask"]
    return {**row, "tokens": [a for bit, a in sorted(tokens.items()) if mask >> (bit - 1) & 1]}


async def get_offers(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params = params_of(request, ("seller", "token", "all"))
    seller = address_param(params, "seller")
    everything = flag(params, "all")

    def read() -> dict[str, Any]:
        now = int(time.time())
        tokens, token_id = payment_tokens_of(storefront, params.get("token"))
        rows = queries.offers_where(storefront.engine, now, seller, token_id, not everything)
        return {"offers": [_shown(row, tokens) for row in rows], "index": lag(storefront)}

    return answer(await in_thread(read))


async def get_offer(request: web.Request) -> web.Response:
    storefront = request.app[STOREFRONT]
    params_of(request, ())
    offer_hash = hash_param(request, "hash")

    def read() -> dict[str, Any] | None:
        rows = queries.offers_where(
            storefront.engine, int(time.time()), live=False, offer_hash=offer_hash
        )
        if not rows:
            return None
        tokens = payment_tokens_of(storefront, None)[0]
        return {"offer": _shown(rows[0], tokens), "index": lag(storefront)}

    data = await in_thread(read)
    if data is None:
        raise ApiError(404, f"no offer {offer_hash} was published to this shop")
    return answer(data)
