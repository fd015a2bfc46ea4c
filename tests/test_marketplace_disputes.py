"""EscrowMarketplace disputes: who may open them and when, the arbiter's ruling and fee, the
arbiter fixed at checkout, and the default ruling when the arbiter misses its deadline."""

import brownie
import pytest

from tests.helpers import DISPUTED, PAID, RESOLVED, SHIPPED, err, next_block_at

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


def test_arbiter_rules_any_split_and_takes_its_capped_fee(
    market, order, buyer, seller, arbiter, wbtc
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    buyer_before = wbtc.balanceOf(buyer)
    tx = market.resolveDispute(order.terms, 300_000, {"from": arbiter})
    seller_gross = PRICE_SATS - ARBITER_FEE - 300_000
    fee = seller_gross // 100
    assert wbtc.balanceOf(buyer) == buyer_before + 300_000
    assert wbtc.balanceOf(seller) == seller_gross - fee
    assert wbtc.balanceOf(arbiter) == ARBITER_FEE
    assert market.feesAccrued(wbtc) == fee
    assert wbtc.balanceOf(market) == fee
    event = tx.events["DisputeResolved"]
    assert event["arbiterFee"] == ARBITER_FEE and not event["byDefault"]
    assert market.getOrder(order.id)["status"] == RESOLVED


def test_ruling_more_than_the_escrow_after_the_arbiter_fee_is_refused(
    market, order, buyer, arbiter
):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    most = PRICE_SATS - ARBITER_FEE
    with brownie.reverts(err("MarketplaceOutOfRange", "toBuyer", most + 1, 0, most)):
        market.resolveDispute(order.terms, most + 1, {"from": arbiter})
    market.resolveDispute(order.terms, most, {"from": arbiter})


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
    market.resolveDispute(order.terms, PRICE_SATS - ARBITER_FEE, {"from": arbiter})
    assert wbtc.balanceOf(arbiter) == ARBITER_FEE


def test_removed_arbiter_cannot_be_chosen_for_new_orders(
    market, listing, buyer, wbtc, arbiter, deployer
):
    from tests.helpers import buy

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


def test_seller_full_refund_during_a_dispute_ends_it(market, order, buyer, seller, wbtc):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    before = wbtc.balanceOf(buyer)
    market.refund(order.terms, PRICE_SATS, {"from": seller})
    assert wbtc.balanceOf(buyer) == before + PRICE_SATS


def test_arbiter_ruling_exactly_at_the_ruling_deadline_is_accepted(market, order, buyer, arbiter):
    market.openDispute(order.terms, EVIDENCE, {"from": buyer})
    next_block_at(market.getOrder(order.id)["deadline"])
    market.resolveDispute(order.terms, 0, {"from": arbiter})
    assert market.getOrder(order.id)["status"] == RESOLVED
