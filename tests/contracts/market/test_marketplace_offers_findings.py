"""Regression tests for the review of signed offers (REVIEW findings R1 and R3): each failed on
the code before its fix.

R1: `cancelAllOffers` raised the seller's counter by one, so an offer signed under the next
counter (pre-signed, or phished as "not valid yet") became fillable because the seller
cancelled everything. The counter now jumps by an amount nobody can sign ahead of.
R3: an offer's signed `tokenMask` took any bits, so a token governance adds later became
payable for an offer signed before it existed; now only the ids of tokens that exist, as
`list`."""

import brownie
import pytest
from eth_account import Account

from tests.support import offers
from tests.support.cli import DEV_KEYS
from tests.support.helpers import USD, err
from tests.support.offers import Offer

WBTC_AND_USDC = 0b11


@pytest.fixture(scope="module")
def seller_key(seller):
    return Account.from_key(DEV_KEYS["seller"])


@pytest.fixture(scope="module")
def lamp(seller):
    return Offer(seller.address, 1_000 * USD, 5, WBTC_AND_USDC)


def fill(market, offer, signature, buyer, token, arbiter, quantity=1):
    purchase = offers.purchase(token, arbiter, quantity=quantity)
    return market.checkoutOffer(offer.tuple(), signature, purchase, {"from": buyer})


def test_an_offer_signed_under_the_next_counter_stays_dead_after_cancel_all_offers(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    bait = lamp.but(priceUsd=1 * USD, counter=1, salt=77)  # a give-away, "not valid yet"
    signature = offers.sign(market, seller_key, bait)
    bait_hash = offers.offer_hash(market, bait)
    tx = market.cancelAllOffers({"from": seller})
    counter = market.offerCounter(seller)
    assert tx.return_value == counter == tx.events["OffersCancelled"]["counter"]
    assert counter not in (0, 1)
    with brownie.reverts(err("MarketplaceOfferCounterStale", bait_hash, 1, counter)):
        fill(market, bait, signature, buyer, wbtc, arbiter, quantity=5)
    # An offer signed under the new counter sells.
    fresh = lamp.but(counter=counter, salt=78)
    fill(market, fresh, offers.sign(market, seller_key, fresh), buyer, wbtc, arbiter)


def test_each_cancel_all_jumps_the_counter_by_the_parent_blocks_hash_and_one(market, seller):
    counters = [0]
    for _ in range(2):
        tx = market.cancelAllOffers({"from": seller})
        parent = int.from_bytes(bytes(brownie.web3.eth.get_block(tx.block_number - 1)["hash"]))
        assert tx.return_value == (counters[-1] + (parent << 128) % 2**256 + 1) % 2**256
        counters.append(tx.return_value)
    assert len(set(counters)) == 3


def test_an_offer_whose_mask_names_a_token_id_that_does_not_exist_is_refused(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    assert market.config()["tokenCount"] == 2
    for mask in (0b111, 2**256 - 1, 1 << 16):
        wild = lamp.but(tokenMask=mask, salt=mask % 1000)
        wild_hash = offers.offer_hash(market, wild)
        with brownie.reverts(err("MarketplaceOfferTokenMaskInvalid", wild_hash, mask, 2)):
            fill(market, wild, offers.sign(market, seller_key, wild), buyer, wbtc, arbiter)
    exact = lamp.but(tokenMask=0b11, salt=5)
    fill(market, exact, offers.sign(market, seller_key, exact), buyer, wbtc, arbiter)
