"""Signed offers over HTTP: `POST /api/offers` publishes a seller's signed offer into the index
(201; 200 when it was there already) after checking what the server can know without a
transaction (this chain and marketplace, the seller's own signature, not expired, its seller's
current counter); `GET /api/offers` lists the live ones with the units left, which fall as
buyers check out against them; a cancelled offer leaves the live list."""

import json
import time

import brownie
from web3 import Web3

from bazaar.clients import offers as offer_client
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.settings import USD
from bazaar.signing.offers import SignedOffer
from bazaar.tx import TxSender
from tests.server.conftest import ARBITER, SELLER, SIGNERS
from tests.support.cli import rpc_url


def signed_offer(suite, stock=5, price=250, valid=3_600) -> SignedOffer:
    """The seller's offer: `price` USD each, `stock` units, USDC; signed, nothing sent."""
    w3 = Web3(Web3.HTTPProvider(rpc_url()))
    market = MarketplaceClient(w3, suite["market"].address, TxSender(w3, SIGNERS["seller"]))
    expiry = max(int(time.time()), brownie.chain.time()) + valid
    return offer_client.sign_offer(
        market, SIGNERS["seller"], price * USD, stock, [suite["usdc"].address], expiry
    )


def post(api, body):
    return api.http.post(f"{api.url}/api/offers", data=body, timeout=30)


def test_a_signed_offer_is_published_listed_and_its_units_fall_as_buyers_check_out(api, suite):
    signed = signed_offer(suite)
    body = json.dumps(signed.to_json())
    first = post(api, body)
    assert first.status_code == 201, first.text
    assert first.json()["offerHash"] == signed.hash_hex and first.json()["published"] is True
    again = post(api, body)
    assert again.status_code == 200 and again.json()["published"] is False
    purchase = (2, suite["usdc"], 10**12, 2**40, ARBITER, brownie.ZERO_ADDRESS, 0)
    suite["market"].checkoutOffer(
        signed.offer.as_tuple(), signed.signature, purchase, {"from": brownie.accounts[1]}
    )
    api.wait_indexed()
    (found,) = api.json("/api/offers", seller=SELLER)["offers"]
    assert (found["offerHash"], found["filled"], found["left"]) == (signed.hash_hex, 2, 3)
    assert found["priceUsd"] == 250 * USD and found["signedOffer"] == signed.to_json()
    assert found["tokens"] == [suite["usdc"].address]
    assert [o["offerHash"] for o in api.json("/api/offers", token="usdc")["offers"]] == [
        signed.hash_hex
    ]
    assert api.json("/api/offers", token="wbtc")["offers"] == []
    assert api.get("/api/offers", token="doge").status_code == 400


def test_a_cancelled_offer_leaves_the_live_list(api, suite):
    signed = signed_offer(suite)
    assert post(api, json.dumps(signed.to_json())).status_code == 201
    suite["market"].cancelOffer(signed.offer.as_tuple(), {"from": brownie.accounts[2]})
    api.wait_indexed()
    assert api.json("/api/offers")["offers"] == []
    (gone,) = api.json("/api/offers", all="1")["offers"]
    assert gone["cancelled"] is True and gone["left"] == 0


def test_one_offer_is_read_by_its_hash_live_or_cancelled(api, suite):
    signed = signed_offer(suite, stock=4)
    assert post(api, json.dumps(signed.to_json())).status_code == 201
    live = api.json(f"/api/offers/{signed.hash_hex}")["offer"]
    assert (live["left"], live["cancelled"]) == (4, False)
    assert live["signedOffer"] == signed.to_json()
    suite["market"].cancelOffer(signed.offer.as_tuple(), {"from": brownie.accounts[2]})
    api.wait_indexed()
    gone = api.json(f"/api/offers/{signed.hash_hex.upper().replace('0X', '0x')}")["offer"]
    assert (gone["left"], gone["cancelled"]) == (0, True)
    unknown = api.http.get(f"{api.url}/api/offers/0x{'ab' * 32}", timeout=30)
    assert unknown.status_code == 404 and "no offer" in unknown.json()["error"]
    assert api.http.get(f"{api.url}/api/offers/0x12", timeout=30).status_code == 400


def test_an_offer_signed_before_its_seller_cancelled_all_is_refused(api, suite):
    signed = signed_offer(suite)
    suite["market"].cancelAllOffers({"from": brownie.accounts[2]})
    api.wait_indexed()
    answer = post(api, json.dumps(signed.to_json()))
    assert answer.status_code == 400 and "cancelled its offers since" in answer.json()["error"]


def test_a_forged_a_foreign_and_a_malformed_offer_are_refused(api, suite):
    signed = signed_offer(suite)
    data = signed.to_json()
    data["offer"]["priceUsd"] = str(signed.offer.priceUsd // 2)  # a buyer's wish
    del data["offerHash"]
    forged = post(api, json.dumps(data))
    assert forged.status_code == 400 and "not by its seller" in forged.json()["error"]
    foreign = {**signed.to_json(), "chainId": 8453}
    del foreign["offerHash"]
    wrong_chain = post(api, json.dumps(foreign))
    assert wrong_chain.status_code == 400 and "chain 8453" in wrong_chain.json()["error"]
    assert post(api, "{").status_code == 400
    assert post(api, json.dumps({"type": "bazaar-ballot"})).status_code == 400
    assert api.json("/api/offers")["offers"] == []
