"""EscrowMarketplace reviews: one per completed order, by its buyer, rating 1-5."""

import brownie
import pytest

from tests.support.helpers import DISPUTED, PAID, REFUNDED, SHIPPED, buy, err, next_block_at

TRACKING = b"\x22" * 32
CONTENT = b"\x55" * 32


@pytest.fixture
def completed(market, order, buyer, seller):
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    return order


def test_buyer_reviews_a_completed_order_and_the_seller_rating_updates(
    market, completed, buyer, seller
):
    tx = market.review(completed.terms, 4, CONTENT, {"from": buyer})
    event = tx.events["Reviewed"]
    assert event["seller"] == seller and event["rating"] == 4
    assert event["contentHash"] == "0x" + CONTENT.hex()
    total, count = market.sellerRating(seller)
    assert total == 4 and count == 1


def test_a_second_review_of_the_same_order_is_refused(market, completed, buyer):
    market.review(completed.terms, 5, CONTENT, {"from": buyer})
    with brownie.reverts(err("MarketplaceAlreadyReviewed", completed.id)):
        market.review(completed.terms, 1, CONTENT, {"from": buyer})


def test_a_review_by_a_stranger_or_the_seller_is_refused(market, completed, stranger, seller):
    for account in (stranger, seller):
        with brownie.reverts(err("MarketplaceUnauthorized", account, completed.id)):
            market.review(completed.terms, 5, CONTENT, {"from": account})


def test_a_review_of_an_unfinished_order_is_refused(market, order, buyer, seller):
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, PAID)):
        market.review(order.terms, 5, CONTENT, {"from": buyer})
    market.ship(order.terms, TRACKING, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, SHIPPED)):
        market.review(order.terms, 5, CONTENT, {"from": buyer})


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_one_to_five_is_refused(market, completed, buyer, rating):
    with brownie.reverts(err("MarketplaceRatingOutOfRange", rating, 1, 5)):
        market.review(completed.terms, rating, CONTENT, {"from": buyer})


# --- the orders that went wrong count too -------------------------------------------------


def test_the_buyer_reviews_a_refunded_order_and_the_rating_records_the_outcome(
    market, order, buyer, seller
):
    market.refund(order.terms, order.term("lockedAmount"), {"from": seller})
    tx = market.review(order.terms, 1, CONTENT, {"from": buyer})
    assert tx.events["Reviewed"]["outcome"] == REFUNDED
    reviews = market.sellerReviews(seller)
    assert (reviews["sum"], reviews["count"]) == (1, 1)
    assert (reviews["completed"], reviews["refunded"], reviews["resolved"]) == (0, 1, 0)


def test_the_buyer_reviews_a_cancelled_a_reclaimed_and_a_ruled_order(
    market, listing, order, buyer, seller, arbiter, wbtc, stranger
):
    market.cancel(order.terms, {"from": seller})
    reclaimed = buy(market, buyer, listing, wbtc, arbiter)
    ruled = buy(market, buyer, listing, wbtc, arbiter)
    market.openDispute(ruled.terms, CONTENT, {"from": buyer})
    market.resolveDispute(ruled.terms, 5_000, {"from": arbiter})
    next_block_at(market.getOrder(reclaimed.id)["deadline"] + 1)
    market.reclaim(reclaimed.terms, {"from": stranger})
    for o, rating in ((order, 2), (reclaimed, 1), (ruled, 3)):
        market.review(o.terms, rating, CONTENT, {"from": buyer})
    reviews = market.sellerReviews(seller)
    assert (reviews["sum"], reviews["count"]) == (6, 3)
    assert (reviews["completed"], reviews["refunded"], reviews["resolved"]) == (0, 2, 1)


def test_a_disputed_order_cannot_be_reviewed_before_its_ruling(market, order, buyer):
    market.openDispute(order.terms, CONTENT, {"from": buyer})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, DISPUTED)):
        market.review(order.terms, 1, CONTENT, {"from": buyer})
