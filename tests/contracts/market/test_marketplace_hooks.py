"""EscrowMarketplace hooks and governance addresses: the rewards contract is told of every
completion and review, and a failing one never blocks an order."""

import brownie
import pytest

from tests.support.helpers import COMPLETED, SATS, USD, buy, err, list_item

TRACKING = b"\x22" * 32


@pytest.fixture(scope="module")
def rewards(RewardsRecorder, deployer):
    return RewardsRecorder.deploy({"from": deployer})


@pytest.fixture(scope="module")
def market(
    EscrowMarketplace,
    MarketplaceAdmin,
    deployer,
    oracle,
    wbtc,
    usdc,
    treasury,
    guardian,
    arbiter,
    buyer,
    rewards,
):
    """A marketplace whose rewards contract records (or fails) the hook calls."""
    m = EscrowMarketplace.deploy(
        deployer,
        oracle,
        treasury,
        guardian,
        brownie.ZERO_ADDRESS,
        rewards,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        {"from": deployer},
    )
    m.addPaymentToken(wbtc, {"from": deployer})
    m.addPaymentToken(usdc, {"from": deployer})
    m.setArbiter(arbiter, True, {"from": deployer})
    wbtc.mint(buyer, 10 * SATS, {"from": deployer})
    wbtc.approve(m, 2**256 - 1, {"from": buyer})
    MarketplaceAdmin.at(m.extension())  # so that coverage follows its DELEGATECALL code
    return m


def test_rewards_hear_of_each_completion_and_review_with_the_usd_price(
    market, order, rewards, buyer, seller
):
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    market.review(order.terms, 5, TRACKING, {"from": buyer})
    assert rewards.completions() == 1 and rewards.completedUsdCents() == 100_000  # $1,000
    assert rewards.reviews() == 1


@pytest.mark.parametrize("fail, burn", [(True, False), (False, True)], ids=["reverts", "burns_gas"])
def test_a_failing_rewards_contract_never_blocks_an_order(
    market, order, rewards, buyer, seller, wbtc, deployer, fail, burn
):
    rewards.setMode(fail, burn, {"from": deployer})
    market.ship(order.terms, TRACKING, {"from": seller})
    tx = market.confirm(order.terms, {"from": buyer}).events
    assert "RewardsHookFailed" in tx
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert wbtc.balanceOf(seller) == 990_000
    assert "RewardsHookFailed" in market.review(order.terms, 4, TRACKING, {"from": buyer}).events


def test_governance_sets_treasury_and_guardian_and_refuses_zero(
    market, deployer, accounts, stranger
):
    new_treasury, new_guardian = accounts[3], accounts[4]
    assert (
        market.setTreasury(new_treasury, {"from": deployer}).events["TreasurySet"]["treasury"]
        == new_treasury
    )
    market.setGuardian(new_guardian, {"from": deployer})
    assert market.treasury() == new_treasury and market.guardian() == new_guardian
    market.setPaused(True, {"from": new_guardian})
    for setter in (market.setTreasury, market.setGuardian):
        with brownie.reverts(err("MarketplaceZeroAddress")):
            setter(brownie.ZERO_ADDRESS, {"from": deployer})
        with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
            setter(stranger, {"from": stranger})


def test_a_marketplace_without_rewards_completes_and_reviews_orders_without_any_hook(
    plain_market, deployer, wbtc, arbiter, buyer, seller
):
    plain = plain_market
    wbtc.mint(buyer, SATS, {"from": deployer})
    wbtc.approve(plain, SATS, {"from": buyer})
    order = buy(plain, buyer, list_item(plain, seller, 1_000 * USD, [wbtc]), wbtc, arbiter)
    plain.ship(order.terms, TRACKING, {"from": seller})
    tx = plain.confirm(order.terms, {"from": buyer})
    assert tx.events["OrderCompleted"]["toSeller"] == 990_000
    assert "RewardsHookFailed" not in tx.events
    tx = plain.review(order.terms, 5, TRACKING, {"from": buyer})
    assert "RewardsHookFailed" not in tx.events and tx.events["Reviewed"]["rating"] == 5
    total, count = plain.sellerRating(seller)
    assert total == 5 and count == 1
