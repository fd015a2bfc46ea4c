"""EscrowMarketplace referrer approvals (review finding F1): a seller enrols referrers
(`setReferrer`); a cart's referrer earns a line's commission only when that line's seller
approved it at checkout. Otherwise the order still records the referrer, with a rate of 0, so a
cart through one link with several sellers goes through and only approving sellers pay.
Revoking never reaches orders already paid: their rate is in the terms."""

import brownie
import pytest

from tests.support.helpers import USD, buy_cart, err, list_item

TRACKING = b"\x22" * 32
PRICE_SATS = 1_000_000  # the $1,000 listing at $100,000 per BTC
PROCEEDS = PRICE_SATS - PRICE_SATS // 100  # after the 1 % platform fee
RATE = 1_000  # 10 %
COMMISSION = PROCEEDS * RATE // 10_000


@pytest.fixture(scope="module")
def seller_b(accounts):
    """A second seller."""
    return accounts[3]


@pytest.fixture(scope="module")
def alt(stranger):
    """The buyer's second address: no other part in the orders."""
    return stranger


@pytest.fixture(scope="module")
def affiliated(market, seller, wbtc):
    """$1,000, 10 in stock, in WBTC, offering a 10 % commission."""
    item = list_item(market, seller, 1_000 * USD, [wbtc])
    market.setCommission(item, RATE, {"from": seller})
    return item


@pytest.fixture(scope="module")
def affiliated_b(market, seller_b, wbtc):
    """The second seller's $1,000 listing in WBTC, also offering 10 %."""
    item = list_item(market, seller_b, 1_000 * USD, [wbtc])
    market.setCommission(item, RATE, {"from": seller_b})
    return item


def complete(market, order, seller, buyer):
    """Ships and confirms `order`; returns the confirmation."""
    market.ship(order.terms, TRACKING, {"from": seller})
    return market.confirm(order.terms, {"from": buyer})


# --- the attack ---------------------------------------------------------------------------


def test_a_buyer_naming_its_own_second_address_as_referrer_earns_nothing_unless_the_seller_approved_it(  # noqa: E501 (the attack, named as in the review)
    market, affiliated, buyer, seller, alt, wbtc, arbiter
):
    """Finding F1: the buyer names its alt as referrer to take the commission as a rebate."""
    before = wbtc.balanceOf(alt), wbtc.balanceOf(seller)
    _, (order,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=alt)
    assert order.term("referrer") == alt and order.term("commissionBps") == 0
    tx = complete(market, order, seller, buyer)
    assert "CommissionPaid" not in tx.events
    assert wbtc.balanceOf(alt) == before[0] and market.credits(alt, wbtc) == 0
    assert wbtc.balanceOf(seller) == before[1] + PROCEEDS
    # Only the seller's own enrolment makes the same address earn.
    market.setReferrer(alt, True, {"from": seller})
    _, (approved,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=alt)
    assert approved.term("commissionBps") == RATE
    tx = complete(market, approved, seller, buyer)
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION
    assert wbtc.balanceOf(alt) == before[0] + COMMISSION


# --- approving and revoking -----------------------------------------------------------------


def test_a_seller_approves_and_revokes_a_referrer_and_each_is_announced(market, seller, alt):
    assert not market.isReferrer(seller, alt)
    tx = market.setReferrer(alt, True, {"from": seller})
    assert dict(tx.events["ReferrerSet"]) == {"seller": seller, "referrer": alt, "approved": True}
    assert market.isReferrer(seller, alt)
    tx = market.setReferrer(alt, False, {"from": seller})
    assert dict(tx.events["ReferrerSet"]) == {"seller": seller, "referrer": alt, "approved": False}
    assert not market.isReferrer(seller, alt)


def test_any_account_may_enrol_referrers_but_only_for_itself(market, seller, seller_b, alt):
    market.setReferrer(alt, True, {"from": seller})
    assert market.isReferrer(seller, alt)
    assert not market.isReferrer(seller_b, alt)
    assert not market.isReferrer(alt, seller)


def test_the_zero_address_cannot_be_approved_or_revoked(market, seller):
    for approved in (True, False):
        with brownie.reverts(err("MarketplaceReferrerZero")):
            market.setReferrer(brownie.ZERO_ADDRESS, approved, {"from": seller})


def test_approvals_are_refused_on_the_extension_directly(market, MarketplaceAdmin, seller, alt):
    extension = MarketplaceAdmin.at(market.extension())
    with brownie.reverts(err("MarketplaceAdminDirectCall")):
        extension.setReferrer(alt, True, {"from": seller})


# --- whose approval counts ----------------------------------------------------------------


def test_only_each_lines_own_seller_approval_counts_in_one_cart(
    market, affiliated, affiliated_b, buyer, seller, seller_b, alt, wbtc, arbiter
):
    market.setReferrer(alt, True, {"from": seller})  # seller A enrols it, seller B does not
    before = wbtc.balanceOf(alt), wbtc.balanceOf(seller_b)
    _, (first, second) = buy_cart(
        market, buyer, [(affiliated, 1), (affiliated_b, 1)], wbtc, arbiter, referrer=alt
    )
    assert first.term("referrer") == second.term("referrer") == alt
    assert [first.term("commissionBps"), second.term("commissionBps")] == [RATE, 0]
    tx = complete(market, second, seller_b, buyer)
    assert "CommissionPaid" not in tx.events
    assert wbtc.balanceOf(seller_b) == before[1] + PROCEEDS
    tx = complete(market, first, seller, buyer)
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION
    assert wbtc.balanceOf(alt) == before[0] + COMMISSION


def test_the_existing_refusals_stand_even_for_an_approved_referrer(
    market, affiliated, buyer, seller, arbiter, wbtc
):
    for account in (buyer, arbiter):
        market.setReferrer(account, True, {"from": seller})
        with brownie.reverts(err("MarketplaceReferrerInvalid", account)):
            buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=account)


# --- revoking after checkout --------------------------------------------------------------


def test_revoking_after_checkout_keeps_the_snapshotted_commission(
    market, affiliated, buyer, seller, alt, wbtc, arbiter
):
    market.setReferrer(alt, True, {"from": seller})
    _, (paid,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=alt)
    market.setReferrer(alt, False, {"from": seller})
    before = wbtc.balanceOf(alt)
    tx = complete(market, paid, seller, buyer)
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION
    assert wbtc.balanceOf(alt) == before + COMMISSION
    # New orders after the revocation carry no commission.
    _, (later,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=alt)
    assert later.term("commissionBps") == 0
