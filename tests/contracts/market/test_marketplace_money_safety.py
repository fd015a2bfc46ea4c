"""EscrowMarketplace money safety: fee caps, pull payments when a payout fails, reentrancy
from a malicious token and a malicious receiver, and the bounds on every governed parameter."""

import brownie
import pytest

from tests.support.helpers import COMPLETED, USD, add_stablecoin, buy, err, list_item, next_block_at

TRACKING = b"\x22" * 32
PRICE_SATS = 1_000_000


# --- fees --------------------------------------------------------------------------------


def test_fee_at_the_cap_is_accepted_and_one_past_is_refused(market, deployer):
    market.setFees(500, 500, {"from": deployer})
    assert market.config()["feeBps"] == 500
    with brownie.reverts(err("MarketplaceFeeOutOfRange", 501, 0, 500)):
        market.setFees(501, 0, {"from": deployer})
    with brownie.reverts(err("MarketplaceArbiterFeeOutOfRange", 501, 0, 500)):
        market.setFees(0, 501, {"from": deployer})


def test_fee_at_the_cap_takes_exactly_five_percent(
    market, listing, buyer, seller, wbtc, arbiter, deployer
):
    market.setFees(500, 0, {"from": deployer})
    order = buy(market, buyer, listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    assert wbtc.balanceOf(seller) == 950_000 and market.feesAccrued(wbtc) == 50_000


def test_only_governance_sets_parameters(market, stranger, arbiter):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setFees(0, 0, {"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setArbiter(stranger, True, {"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setWindows(86_400, 86_400, 86_400, {"from": stranger})


@pytest.mark.parametrize(
    "windows, what, value, low, high",
    [
        ((86_399, 86_400, 86_400), "FulfilmentWindow", 86_399, 86_400, 60 * 86_400),
        ((86_400, 60 * 86_400 + 1, 86_400), "ConfirmWindow", 60 * 86_400 + 1, 86_400, 60 * 86_400),
        ((86_400, 86_400, 30 * 86_400 + 1), "RulingWindow", 30 * 86_400 + 1, 86_400, 30 * 86_400),
    ],
)
def test_windows_outside_their_bounds_are_refused(
    market, deployer, windows, what, value, low, high
):
    with brownie.reverts(err(f"Marketplace{what}OutOfRange", value, low, high)):
        market.setWindows(*windows, {"from": deployer})


def test_the_last_active_arbiter_cannot_be_removed(market, arbiter, arbiter_b, deployer):
    market.setArbiter(arbiter, False, {"from": deployer})
    with brownie.reverts(err("MarketplaceTooFewArbiters", 1)):
        market.setArbiter(arbiter_b, False, {"from": deployer})


def test_a_token_the_oracle_cannot_price_is_not_accepted(market, MockERC20, deployer):
    other = MockERC20.deploy("X", "X", 18, {"from": deployer})
    with brownie.reverts(err("MarketplaceTokenNotAccepted", other)):
        market.addPaymentToken(other, {"from": deployer})


# --- pull payments -----------------------------------------------------------------------


@pytest.fixture
def busd(BlacklistToken, market, oracle, usdc_usd, deployer, buyer):
    return add_stablecoin(BlacklistToken, market, oracle, usdc_usd, deployer, buyer)


def test_payout_to_a_blacklisted_seller_becomes_a_credit_claimable_to_another_address(
    market, busd, buyer, seller, arbiter, accounts
):
    item = list_item(market, seller, 100 * USD, [busd])
    order = buy(market, buyer, item, busd, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    busd.setBlacklisted(seller, True, {"from": seller})
    tx = market.confirm(order.terms, {"from": buyer})  # the state change goes through
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert tx.events["PaymentCredited"]["amount"] == 99 * 10**6
    assert market.credits(seller, busd) == 99 * 10**6
    assert market.creditsOutstanding(busd) == 99 * 10**6
    new_wallet = accounts[4]
    market.claim(busd, new_wallet, {"from": seller})
    assert busd.balanceOf(new_wallet) == 99 * 10**6
    assert market.credits(seller, busd) == 0
    assert market.creditsOutstanding(busd) == 0  # the book owes nothing more
    with brownie.reverts(err("MarketplaceNothingToClaim", seller, busd)):
        market.claim(busd, new_wallet, {"from": seller})


def test_paused_token_credits_the_refund_and_the_buyer_claims_after_unpause(
    market, busd, buyer, seller, arbiter
):
    item = list_item(market, seller, 100 * USD, [busd])
    order = buy(market, buyer, item, busd, arbiter)
    busd.setPaused(True, {"from": seller})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    market.reclaim(order.terms, {"from": buyer})
    assert market.credits(buyer, busd) == 100 * 10**6
    with brownie.reverts():
        market.claim(busd, buyer, {"from": buyer})  # still paused: the claim waits
    busd.setPaused(False, {"from": seller})
    before = busd.balanceOf(buyer)
    market.claim(busd, buyer, {"from": buyer})
    assert busd.balanceOf(buyer) == before + 100 * 10**6


def test_claim_to_the_zero_address_is_refused(market, busd, buyer):
    with brownie.reverts(err("MarketplaceZeroAddress")):
        market.claim(busd, brownie.ZERO_ADDRESS, {"from": buyer})


# --- reentrancy --------------------------------------------------------------------------


@pytest.fixture
def rusd(ReentrantToken, market, oracle, usdc_usd, deployer, buyer):
    return add_stablecoin(ReentrantToken, market, oracle, usdc_usd, deployer, buyer)


REENTRANCY_SELECTOR = "0x3ee5aeb5"  # ReentrancyGuardReentrantCall()


def test_reentrancy_from_a_malicious_token_during_checkout_is_refused(
    market, rusd, buyer, seller, arbiter
):
    item = list_item(market, seller, 100 * USD, [rusd])
    first = buy(market, buyer, item, rusd, arbiter)
    market.ship(first.terms, TRACKING, {"from": seller})
    # During the next checkout's transferFrom the token tries to confirm the first order.
    rusd.setAttack(market, market.confirm.encode_input(first.terms), {"from": buyer})
    buy(market, buyer, item, rusd, arbiter)
    assert rusd.attackAttempted() and not rusd.attackSucceeded()
    assert rusd.attackResult() == REENTRANCY_SELECTOR
    assert market.getOrder(first.id)["status"] != COMPLETED
    assert rusd.balanceOf(market) == 200 * 10**6


def test_reentrancy_from_a_malicious_token_during_release_is_refused(
    market, rusd, buyer, seller, arbiter, stranger
):
    item = list_item(market, seller, 100 * USD, [rusd])
    first, second = buy(market, buyer, item, rusd, arbiter), buy(market, buyer, item, rusd, arbiter)
    for order in (first, second):
        market.ship(order.terms, TRACKING, {"from": seller})
    next_block_at(market.getOrder(second.id)["deadline"] + 1)
    rusd.setAttack(market, market.release.encode_input(second.terms), {"from": buyer})
    market.release(first.terms, {"from": stranger})
    assert rusd.attackAttempted() and rusd.attackResult() == REENTRANCY_SELECTOR
    assert rusd.balanceOf(seller) == 99 * 10**6  # paid once, for the first order only
    market.release(second.terms, {"from": stranger})
    assert rusd.balanceOf(seller) == 198 * 10**6


@pytest.fixture
def receiver_order(market, rusd, MaliciousReceiver, buyer, arbiter, deployer):
    receiver = MaliciousReceiver.deploy(market, {"from": deployer})
    item = receiver.list(100 * USD, [rusd], {"from": deployer}).return_value
    order = buy(market, buyer, item, rusd, arbiter)
    receiver.ship(order.terms, {"from": deployer})
    rusd.setHooked(receiver, True, {"from": deployer})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    return receiver, order


def test_malicious_receiver_reentering_from_its_payout_is_refused_and_paid_once(
    market, rusd, receiver_order, stranger, deployer
):
    receiver, order = receiver_order
    receiver.arm(order.terms, False, {"from": deployer})
    market.release(order.terms, {"from": stranger})
    assert receiver.lastError() == REENTRANCY_SELECTOR
    assert rusd.balanceOf(receiver) == 99 * 10**6
    assert rusd.balanceOf(market) == market.feesAccrued(rusd) == 10**6


def test_malicious_receiver_whose_payout_reverts_gets_a_credit_and_nothing_more(
    market, rusd, receiver_order, stranger, deployer, accounts
):
    receiver, order = receiver_order
    receiver.arm(order.terms, True, {"from": deployer})
    tx = market.release(order.terms, {"from": stranger})
    assert "PaymentCredited" in tx.events
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert market.credits(receiver, rusd) == 99 * 10**6
    assert rusd.balanceOf(market) == 100 * 10**6  # the credit and the fee, nothing twice
    receiver.claim(rusd, accounts[4], {"from": deployer})
    assert rusd.balanceOf(accounts[4]) == 99 * 10**6


# --- tokens that return false ------------------------------------------------------------


@pytest.fixture
def fusd(FalseReturnToken, market, oracle, usdc_usd, deployer, buyer):
    return add_stablecoin(FalseReturnToken, market, oracle, usdc_usd, deployer, buyer)


def test_a_token_whose_transfer_from_returns_false_cannot_pay_a_checkout(
    market, fusd, buyer, seller, arbiter
):
    item = list_item(market, seller, 100 * USD, [fusd])
    fusd.setFailing(True, {"from": buyer})
    with brownie.reverts(err("SafeERC20FailedOperation", fusd)):
        buy(market, buyer, item, fusd, arbiter)
    assert market.getListing(item)["stock"] == 10
    assert fusd.balanceOf(market) == 0


def test_a_payout_in_a_token_returning_false_is_credited_and_claimed_once_it_works(
    market, fusd, buyer, seller, arbiter, treasury, stranger
):
    item = list_item(market, seller, 100 * USD, [fusd])
    order = buy(market, buyer, item, fusd, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    fusd.setFailing(True, {"from": seller})
    tx = market.confirm(order.terms, {"from": buyer})
    assert tx.events["PaymentCredited"]["amount"] == 99 * 10**6
    assert market.getOrder(order.id)["status"] == COMPLETED
    with brownie.reverts(err("SafeERC20FailedOperation", fusd)):
        market.claim(fusd, seller, {"from": seller})
    with brownie.reverts(err("SafeERC20FailedOperation", fusd)):
        market.withdrawFees(fusd, {"from": stranger})
    assert market.credits(seller, fusd) == 99 * 10**6 and market.feesAccrued(fusd) == 10**6
    fusd.setFailing(False, {"from": seller})
    market.claim(fusd, seller, {"from": seller})
    market.withdrawFees(fusd, {"from": stranger})
    assert fusd.balanceOf(seller) == 99 * 10**6 and fusd.balanceOf(treasury) == 10**6
    assert fusd.balanceOf(market) == 0


# --- tokens sent by mistake are not stuck -------------------------------------------------


def test_tokens_sent_by_mistake_are_swept_to_the_treasury_and_nothing_owed_moves(
    market, order, listing, buyer, seller, wbtc, usdc, treasury, stranger, deployer
):
    """Finding H6: tokens sent to the marketplace by mistake were stuck."""
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})  # fees accrue
    open_order = buy(market, buyer, listing, wbtc, order.term("arbiter"))
    owed = market.escrowed(wbtc) + market.feesAccrued(wbtc) + market.creditsOutstanding(wbtc)
    assert owed == wbtc.balanceOf(market) and market.escrowed(wbtc) == open_order.term(
        "lockedAmount"
    )
    with brownie.reverts(err("MarketplaceNothingToSweep", wbtc)):
        market.sweep(wbtc, {"from": stranger})
    wbtc.mint(market, 12_345, {"from": deployer})  # a mistaken transfer
    before = wbtc.balanceOf(treasury)
    tx = market.sweep(wbtc, {"from": stranger})
    assert tx.events["Swept"]["amount"] == 12_345
    assert wbtc.balanceOf(treasury) == before + 12_345
    assert wbtc.balanceOf(market) == owed
    usdc.mint(market, 7, {"from": deployer})  # a token with nothing owed: all of it
    market.sweep(usdc, {"from": stranger})
    assert usdc.balanceOf(market) == 0


def test_the_reward_points_held_in_escrow_cannot_be_swept(market, points, stranger):
    with brownie.reverts(err("MarketplaceNothingToSweep", points)):
        market.sweep(points, {"from": stranger})
