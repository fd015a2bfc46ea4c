"""EscrowMarketplace fee share: a governed, bounded share of the platform fees is streamed to
the stakers (PointsStaking.depositRewards) in each payment token; the rest goes to the
treasury. The finding it fixes: fees never reached stakers at all."""

import brownie
import pytest

from tests.support.helpers import err

TRACKING = b"\x22" * 32
FEE_SATS = 10_000  # 1 % of the $1,000 order


@pytest.fixture
def fees(market, order, buyer, seller):
    """One completed $1,000 order: 10,000 satoshis of fees accrued."""
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    return FEE_SATS


def test_withdrawn_fees_stream_the_stakers_share_and_pay_the_treasury_the_rest(
    market, staking, fees, wbtc, treasury, stranger, deployer
):
    market.setFeeShare(staking, 2_000, {"from": deployer})
    before = wbtc.balanceOf(treasury)
    tx = market.withdrawFees(wbtc, {"from": stranger})
    event = tx.events["FeesWithdrawn"]
    assert (event["toTreasury"], event["toStakers"]) == (8_000, 2_000)
    assert wbtc.balanceOf(treasury) == before + 8_000
    assert wbtc.balanceOf(staking) == 2_000
    assert tx.events["RewardsDeposited"]["token"] == wbtc
    assert tx.events["RewardsDeposited"]["amount"] == 2_000
    assert market.feesAccrued(wbtc) == 0 and wbtc.allowance(market, staking) == 0


def test_without_a_staking_contract_the_treasury_takes_all_the_fees(
    market, fees, wbtc, treasury, stranger
):
    before = wbtc.balanceOf(treasury)
    event = market.withdrawFees(wbtc, {"from": stranger}).events["FeesWithdrawn"]
    assert (event["toTreasury"], event["toStakers"]) == (fees, 0)
    assert wbtc.balanceOf(treasury) == before + fees


def test_governance_turns_the_fee_share_off_and_the_treasury_takes_all_the_fees_again(
    market, staking, fees, wbtc, treasury, stranger, deployer
):
    market.setFeeShare(staking, 2_000, {"from": deployer})
    tx = market.setFeeShare(brownie.ZERO_ADDRESS, 0, {"from": deployer})
    event = tx.events["FeeShareSet"]
    assert (event["staking"], event["stakerShareBps"]) == (brownie.ZERO_ADDRESS, 0)
    assert market.staking() == brownie.ZERO_ADDRESS and market.stakerShareBps() == 0
    before = wbtc.balanceOf(treasury)
    tx = market.withdrawFees(wbtc, {"from": stranger})
    event = tx.events["FeesWithdrawn"]
    assert (event["toTreasury"], event["toStakers"]) == (fees, 0)
    assert "RewardsDeposited" not in tx.events
    assert wbtc.balanceOf(treasury) == before + fees and wbtc.balanceOf(staking) == 0
    assert market.feesAccrued(wbtc) == 0


def test_a_staking_contract_that_refuses_the_token_never_blocks_the_treasury(
    market, PointsStaking, mock_points, usdc, fees, wbtc, treasury, stranger, deployer
):
    usdc_only = PointsStaking.deploy(
        mock_points, deployer, 2 * 86_400, 7 * 86_400, 2 * 86_400, [usdc], {"from": deployer}
    )
    market.setFeeShare(usdc_only, 5_000, {"from": deployer})
    before = wbtc.balanceOf(treasury)
    tx = market.withdrawFees(wbtc, {"from": stranger})
    assert tx.events["StakerShareFailed"]["amount"] == fees // 2
    assert wbtc.balanceOf(treasury) == before + fees
    assert wbtc.allowance(market, usdc_only) == 0


def test_a_staking_address_without_code_is_refused_so_fees_can_always_be_withdrawn(
    market, fees, wbtc, treasury, stranger, deployer
):
    # Review finding: a code-less staking address made withdrawFees revert outside its
    # try/catch (the call's code-size check), stranding the fees until a new proposal passed.
    with brownie.reverts(err("MarketplaceStakingNotContract", stranger)):
        market.setFeeShare(stranger, 2_000, {"from": deployer})
    assert market.staking() == brownie.ZERO_ADDRESS and market.stakerShareBps() == 0
    before = wbtc.balanceOf(treasury)
    market.withdrawFees(wbtc, {"from": stranger})
    assert wbtc.balanceOf(treasury) == before + fees


def test_the_stakers_share_is_bounded_in_code_and_set_by_governance_only(
    market, staking, deployer, stranger
):
    most = market.MAX_STAKER_SHARE_BPS()
    assert most == 5_000
    with brownie.reverts(err("MarketplaceStakerShareOutOfRange", most + 1, most)):
        market.setFeeShare(staking, most + 1, {"from": deployer})
    with brownie.reverts(err("MarketplaceStakerShareOutOfRange", 1, most)):
        market.setFeeShare(brownie.ZERO_ADDRESS, 1, {"from": deployer})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setFeeShare(staking, 1, {"from": stranger})
    tx = market.setFeeShare(staking, most, {"from": deployer})
    assert tx.events["FeeShareSet"]["stakerShareBps"] == most
    assert market.staking() == staking and market.stakerShareBps() == most


def test_the_extension_refuses_direct_calls(market, MarketplaceAdmin, deployer):
    admin = MarketplaceAdmin.at(market.extension())
    with brownie.reverts(err("MarketplaceAdminDirectCall")):
        admin.setFees(0, 0, {"from": deployer})
