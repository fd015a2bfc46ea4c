"""EscrowMarketplace disputes: who may open them and when, the arbiter's ruling and fee, the
arbiter fixed at checkout, and the default ruling when the arbiter misses its deadline."""

import brownie
import pytest

from tests.support.helpers import DISPUTED, PAID, RESOLVED, SHIPPED, err, next_block_at

EVIDENCE = b"\x44" * 32
PRICE_SATS = 1_000_000
ARBITER_FEE = 20_000  # 2 % of the escrow


@pytest.mark.parametrize("party", ["buyer", "seller"])
def test_either_party_opens_a_dispute_before_the_deadline(market, order, buyer, seller, party):
    opener = buyer if party == "buyer" else seller
    tx = market.openDispute(order.terms, EVIDENCE, {"from": opener})
    event = tx.events["DisputeOpened"]
    assert event["by"] == opener and event["evidenceHash"] == "0x" + EVIDENCE.hex()
    assert market.getOrder(order.id)["status"] == DISPUTED
    assert market.getOrder(order.id)["deadline"] == tx.timestamp + 7 * 86_400


def test_a_stranger_or_the_arbiter_cannot_open_a_dispute(market, order, stranger, arbiter):
    for account in (stranger, arbiter):
        with brownie.reverts(err("MarketplaceUnauthorized", account, order.id)):
            market.openDispute(order.terms, EVIDENCE, {"from": account})


def test_dispute_is_possible_at_the_end_of_the_confirmation_window_and_not_one_second_later(
    market, order, buyer, seller
):
    market.ship(order.terms, EVIDENCE, {"from": seller})
    deadline = market.getOrder(order.id)["deadline"]
    next_block_at(deadline + 1)
    with brownie.reverts(err("MarketplaceDeadlinePassed", order.id, deadline, deadline + 1)):
        market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    assert market.getOrder(order.id)["status"] == SHIPPED


def test_dispute_exactly_at_the_deadline_is_accepted(market, order, buyer):
    next_block_at(market.getOrder(order.id)["deadline"])
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})


def test_parties_and_arbiter_add_evidence_and_strangers_cannot(
    market, order, buyer, seller, arbiter, stranger
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    for account in (buyer, seller, arbiter):
        assert (
            market.addEvidence(order.terms, EVIDENCE, {"from": account}).events["Evidence"]["by"]
            == account
        )
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, order.id)):
        market.addEvidence(order.terms, EVIDENCE, {"from": stranger})


def test_arbiter_rules_any_share_and_takes_its_capped_fee(
    market, order, buyer, seller, arbiter, wbtc
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    buyer_before = wbtc.balanceOf(buyer)
    tx = market.resolveDispute(order.terms, 3_000, {"from": arbiter})  # 30 % to the buyer
    to_buyer = PRICE_SATS - ARBITER_FEE - (PRICE_SATS - ARBITER_FEE) * 7_000 // 10_000
    seller_gross = PRICE_SATS - ARBITER_FEE - to_buyer
    fee = seller_gross // 100
    assert to_buyer == 294_000
    assert wbtc.balanceOf(buyer) == buyer_before + to_buyer
    assert wbtc.balanceOf(seller) == seller_gross - fee
    assert wbtc.balanceOf(arbiter) == ARBITER_FEE
    assert market.feesAccrued(wbtc) == fee
    assert wbtc.balanceOf(market) == fee
    event = tx.events["DisputeResolved"]
    assert event["arbiterFee"] == ARBITER_FEE and not event["byDefault"]
    assert event["buyerShareBps"] == 3_000 and event["toBuyer"] == to_buyer
    assert market.getOrder(order.id)["status"] == RESOLVED


def test_a_buyer_share_above_one_hundred_percent_is_refused(market, order, buyer, arbiter):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    with brownie.reverts(err("MarketplaceShareOutOfRange", 10_001)):
        market.resolveDispute(order.terms, 10_001, {"from": arbiter})
    market.resolveDispute(order.terms, 10_000, {"from": arbiter})
    assert market.getOrder(order.id)["status"] == RESOLVED


def test_a_refund_cannot_void_a_ruling_because_refunds_close_while_disputed(
    market, order, buyer, seller, arbiter, wbtc
):
    """Finding H5: a 1-satoshi refund front-ran every absolute ruling until the default ruling
    paid the seller half. Refunds are closed while disputed, and a ruling is a share."""
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    with brownie.reverts(err("MarketplaceRefundWhileDisputed", order.id)):
        market.refund(order.terms, 1, {"from": seller})
    before = wbtc.balanceOf(buyer)
    market.resolveDispute(order.terms, 10_000, {"from": arbiter})
    assert wbtc.balanceOf(buyer) == before + PRICE_SATS - ARBITER_FEE
    assert wbtc.balanceOf(seller) == 0


def test_only_the_orders_arbiter_rules(market, order, buyer, seller, arbiter_b):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    for account in (arbiter_b, buyer, seller):
        with brownie.reverts(err("MarketplaceUnauthorized", account, order.id)):
            market.resolveDispute(order.terms, 0, {"from": account})


def test_an_undisputed_order_cannot_be_ruled(market, order, arbiter):
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, PAID)):
        market.resolveDispute(order.terms, 0, {"from": arbiter})


def test_arbiter_removed_from_the_allow_list_still_rules_its_orders(
    market, order, buyer, arbiter, deployer, wbtc
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    market.setArbiter(arbiter, False, {"from": deployer})
    assert not market.isActiveArbiter(arbiter)
    market.resolveDispute(order.terms, 10_000, {"from": arbiter})
    assert wbtc.balanceOf(arbiter) == ARBITER_FEE


def test_removed_arbiter_cannot_be_chosen_for_new_orders(
    market, listing, buyer, wbtc, arbiter, deployer
):
    from tests.support.helpers import buy

    market.setArbiter(arbiter, False, {"from": deployer})
    with brownie.reverts(err("MarketplaceArbiterInvalid", arbiter)):
        buy(market, buyer, listing, wbtc, arbiter)


def test_arbiter_rules_at_the_ruling_deadline_but_not_one_second_after(
    market, order, buyer, arbiter
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    deadline = market.getOrder(order.id)["deadline"]
    next_block_at(deadline + 1)
    with brownie.reverts(err("MarketplaceDeadlinePassed", order.id, deadline, deadline + 1)):
        market.resolveDispute(order.terms, 0, {"from": arbiter})


def test_missed_ruling_deadline_resolves_half_each_without_arbiter_fee(
    market, order, buyer, seller, stranger, arbiter, wbtc
):
    market.ship(order.terms, EVIDENCE, {"from": seller})
    market.openDispute(order.terms, EVIDENCE, {"from": seller})
    deadline = market.getOrder(order.id)["deadline"]
    next_block_at(deadline)
    with brownie.reverts(err("MarketplaceDeadlineNotReached", order.id, deadline, deadline)):
        market.resolveAfterTimeout(order.terms, {"from": stranger})
    buyer_before = wbtc.balanceOf(buyer)
    next_block_at(deadline + 1)
    tx = market.resolveAfterTimeout(order.terms, {"from": stranger})
    assert tx.events["DisputeResolved"]["byDefault"]
    assert wbtc.balanceOf(buyer) == buyer_before + 500_000
    assert wbtc.balanceOf(seller) == 500_000 - 5_000
    assert wbtc.balanceOf(arbiter) == 0


def test_governance_fee_change_does_not_touch_an_open_order(
    market, order, buyer, seller, arbiter, deployer, wbtc
):
    market.setFees(500, 500, {"from": deployer})
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    market.resolveDispute(order.terms, 0, {"from": arbiter})
    assert wbtc.balanceOf(arbiter) == ARBITER_FEE  # 2 %, as at checkout
    seller_gross = PRICE_SATS - ARBITER_FEE
    assert wbtc.balanceOf(seller) == seller_gross - seller_gross // 100  # 1 %, as at checkout


def test_a_seller_who_disputes_before_shipping_loses_the_default_ruling(
    market, order, buyer, seller, stranger, wbtc
):
    """Finding H6: a seller who never ships opened a dispute just before the fulfilment
    deadline and turned the buyer's full reclaim into a 50/50 default ruling."""
    before = wbtc.balanceOf(buyer)  # read first: under --coverage a call is a transaction
    next_block_at(market.getOrder(order.id)["deadline"])
    market.openDispute(order.terms, EVIDENCE, {"from": seller})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    tx = market.resolveAfterTimeout(order.terms, {"from": stranger})
    assert tx.events["DisputeResolved"]["buyerShareBps"] == 10_000
    assert wbtc.balanceOf(buyer) == before + PRICE_SATS
    assert wbtc.balanceOf(seller) == 0


def test_a_buyer_who_disputes_before_shipping_gets_the_usual_default_ruling(
    market, order, buyer, seller, stranger, wbtc
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    tx = market.resolveAfterTimeout(order.terms, {"from": stranger})
    assert tx.events["DisputeResolved"]["buyerShareBps"] == 5_000
    assert wbtc.balanceOf(seller) == 500_000 - 5_000


def test_arbiter_ruling_exactly_at_the_ruling_deadline_is_accepted(market, order, buyer, arbiter):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    next_block_at(market.getOrder(order.id)["deadline"])
    market.resolveDispute(order.terms, 0, {"from": arbiter})
    assert market.getOrder(order.id)["status"] == RESOLVED


def test_a_protected_ruling_and_its_arbiter_fee_apply_to_the_usd_owed_part_and_the_buffer_goes_back(
    market, protected_listing, buyer, seller, arbiter, wbtc
):
    """Finding H6: the default ruling and the arbiter fee of a protected order applied to the
    buffer too. The ruled part is what the USD price is worth now; the buffer is the buyer's."""
    from tests.support.helpers import buy

    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    assert market.getOrder(order.id)["amount"] == 1_100_000  # $1,000 + 10 % buffer
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    before = wbtc.balanceOf(buyer)
    tx = market.resolveDispute(order.terms, 0, {"from": arbiter})  # all to the seller
    assert wbtc.balanceOf(arbiter) == 20_000  # 2 % of the 1,000,000 owed, not of 1,100,000
    assert wbtc.balanceOf(seller) == 980_000 - 9_800
    assert wbtc.balanceOf(buyer) == before + 100_000  # the buffer
    assert tx.events["DisputeResolved"]["toBuyer"] == 100_000
