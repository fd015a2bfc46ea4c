"""Delivery details through the API: only an order's buyer may send them, sealed to the
order's seller (and arbiter) and no one else; malformed documents are refused with a reason;
an order's newest details are found by its id; a sent profile of an arbiter is kept."""

import json

import pytest

from bazaar import catalogue
from tests.server.conftest import ADDRESSES, ARBITER, SELLER, buy, put_on_sale

BOX = "0x" + "ab" * 80  # stands for a sealed box (the server never opens one)


def delivery(order_id, *recipients, box=BOX):
    return json.dumps(
        {
            "schema": catalogue.DELIVERY_SCHEMA,
            "order": order_id,
            "sealed": [{"to": to, "box": box} for to in recipients],
        }
    ).encode()


@pytest.fixture
def order_id(api, suite):
    _, order = buy(suite, put_on_sale(suite, 30))
    api.wait_indexed()
    return order


def test_the_buyer_sends_delivery_details_sealed_to_the_seller_and_arbiter(api, order_id):
    body = delivery(order_id, SELLER, ARBITER)
    sent = api.upload("documents", body, signer="buyer")
    assert sent.status_code == 201 and sent.json()["kind"] == "delivery"
    found = api.json(f"/api/deliveries/{order_id}")
    assert found["document"] == catalogue.content_hash(body)
    assert api.get(f"/api/documents/{found['document']}").content == body
    again = delivery(order_id, SELLER, box="0x" + "cd" * 80)  # a correction replaces it
    assert api.upload("documents", again, signer="buyer").status_code == 201
    assert api.json(f"/api/deliveries/{order_id}")["document"] == catalogue.content_hash(again)
    # ... and the replaced document goes: corrections do not pile up
    assert api.get(f"/api/documents/{catalogue.content_hash(body)}").status_code == 404


def test_only_the_orders_buyer_may_send_its_delivery_details(api, order_id):
    answer = api.upload("documents", delivery(order_id, SELLER), signer="seller")
    assert answer.status_code == 403 and "only the buyer" in answer.json()["error"]
    assert api.get(f"/api/deliveries/{order_id}").status_code == 404


def test_delivery_details_go_only_to_the_seller_and_the_arbiter(api, order_id):
    stranger = ADDRESSES["deployer"]
    for recipients, reason in (
        ((ARBITER,), "sealed to the order's seller"),
        ((SELLER, stranger), "only to the order's seller and arbiter"),
    ):
        answer = api.upload("documents", delivery(order_id, *recipients), signer="buyer")
        assert answer.status_code == 400 and reason in answer.json()["error"], answer.text


def test_malformed_delivery_documents_are_refused_with_a_reason(api, order_id):
    cases = {
        "an unknown order": (delivery("0x" + "77" * 32, SELLER), 404),
        "no recipients": (delivery(order_id), 400),
        "a box not in hex": (delivery(order_id, SELLER, box="Ada Lovelace, London"), 400),
        "a box too large": (delivery(order_id, SELLER, box="0x" + "ab" * 5_000), 400),
        "one recipient twice": (delivery(order_id, SELLER, SELLER), 400),
        "four recipients": (delivery(order_id, SELLER, ARBITER, SELLER, ARBITER), 400),
    }
    for case, (body, status) in cases.items():
        answer = api.upload("documents", body, signer="buyer")
        assert answer.status_code == status, (case, answer.text)
        assert answer.json()["error"], case
    extra = json.loads(delivery(order_id, SELLER))
    extra["address"] = "Ada Lovelace, London"  # a field in the clear: not part of the schema
    answer = api.upload("documents", json.dumps(extra).encode(), signer="buyer")
    assert answer.status_code == 400 and "unknown field" in answer.json()["error"]
    assert api.get(f"/api/deliveries/{order_id}").status_code == 404
    assert api.get("/api/deliveries/0x12").status_code == 400


def test_an_arbiters_profile_is_kept_while_it_arbitrates_an_order(api, suite, order_id):
    key = "0x" + "12" * 32
    profile = {"schema": catalogue.PROFILE_SCHEMA, "account": ARBITER, "name": "Arbiter"}
    profile = json.dumps({**profile, "encryptionPublicKey": key}).encode()
    assert api.upload("documents", profile, signer="arbiter").status_code == 201
    shop = api.storefront
    assert shop.store.collect(2**40) == (0, 0)  # everything is "old": nothing unreferenced
    assert api.json(f"/api/profiles/{ARBITER}")["hash"] == catalogue.content_hash(profile)
