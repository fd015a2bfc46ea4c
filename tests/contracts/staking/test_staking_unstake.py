"""PointsStaking unstaking: cooldown, withdraw window to the second, cancel, refusals,
non-transferable positions, governed parameters within their bounds."""

import brownie
import pytest

from tests.support.helpers import ONE_DAY, ONE_HOUR, err, mine_at
from tests.support.staking import AMOUNT, COOLDOWN, WARMUP, WINDOW, at, fund, start_time


@pytest.fixture
def t0(points, staking, alice):
    """Alice staked AMOUNT at t0 (of 3 * AMOUNT she holds)."""
    fund(points, staking, alice, 3 * AMOUNT)
    t = start_time()
    at(t, staking.stake, AMOUNT, {"from": alice})
    return t


def test_stake_in_cooldown_loses_its_votes_at_once(staking, alice, t0):
    t = t0 + 3 * ONE_DAY
    tx = at(t, staking.requestUnstake, AMOUNT // 4, {"from": alice})
    assert dict(tx.events["UnstakeRequested"]) == {
        "account": alice,
        "amount": AMOUNT // 4,
        "pending": AMOUNT // 4,
        "readyAt": t + COOLDOWN,
        "closesAt": t + COOLDOWN + WINDOW,
    }
    assert tuple(staking.pendingUnstake(alice)) == (
        AMOUNT // 4,
        t + COOLDOWN,
        t + COOLDOWN + WINDOW,
    )
    assert staking.balanceOf(alice) == 3 * AMOUNT // 4
    assert staking.getVotes(alice) == 3 * AMOUNT // 4  # same block: the request already counts
    mine_at(t + 1)
    assert staking.getPastVotes(alice, t) == 3 * AMOUNT // 4
    assert staking.getPastVotes(alice, t - 1) == AMOUNT


def test_withdraw_is_refused_one_second_before_the_cooldown_ends(staking, alice, t0):
    at(t0, staking.requestUnstake, AMOUNT, {"from": alice})
    with brownie.reverts(err("StakingCooldownNotOver", t0 + COOLDOWN, t0 + COOLDOWN - 1)):
        at(t0 + COOLDOWN - 1, staking.withdraw, {"from": alice})


@pytest.mark.parametrize("offset", [0, WINDOW], ids=["window_opens", "window_closes"])
def test_withdraw_pays_back_from_the_first_to_the_last_second_of_the_window(
    points, staking, alice, t0, offset
):
    at(t0, staking.requestUnstake, AMOUNT, {"from": alice})
    before = points.balanceOf(alice)
    tx = at(t0 + COOLDOWN + offset, staking.withdraw, {"from": alice})
    assert dict(tx.events["Withdrawn"]) == {"account": alice, "amount": AMOUNT}
    assert points.balanceOf(alice) == before + AMOUNT
    assert points.balanceOf(staking) == 0
    assert staking.pendingUnstake(alice)["amount"] == 0


def test_withdraw_is_refused_one_second_after_the_window(staking, alice, t0):
    at(t0, staking.requestUnstake, AMOUNT, {"from": alice})
    closes = t0 + COOLDOWN + WINDOW
    with brownie.reverts(err("StakingWindowClosed", closes, closes + 1)):
        at(closes + 1, staking.withdraw, {"from": alice})


def test_a_second_request_adds_to_the_pending_amount_and_restarts_the_cooldown(staking, alice, t0):
    at(t0, staking.requestUnstake, AMOUNT // 2, {"from": alice})
    later = t0 + COOLDOWN - 1
    at(later, staking.requestUnstake, AMOUNT // 4, {"from": alice})
    assert tuple(staking.pendingUnstake(alice)) == (
        3 * AMOUNT // 4,
        later + COOLDOWN,
        later + COOLDOWN + WINDOW,
    )
    with brownie.reverts(err("StakingCooldownNotOver", later + COOLDOWN, t0 + COOLDOWN)):
        at(t0 + COOLDOWN, staking.withdraw, {"from": alice})


def test_a_missed_window_is_recovered_by_cancelling_and_the_votes_warm_up_again(
    points, staking, alice, t0
):
    at(t0, staking.requestUnstake, AMOUNT, {"from": alice})
    back = t0 + COOLDOWN + WINDOW + 1
    tx = at(back, staking.cancelUnstake, {"from": alice})
    assert dict(tx.events["UnstakeCancelled"]) == {"account": alice, "amount": AMOUNT}
    assert staking.balanceOf(alice) == AMOUNT
    assert staking.totalStaked() == AMOUNT
    assert staking.pendingUnstake(alice)["amount"] == 0
    assert points.balanceOf(staking) == AMOUNT
    mine_at(back + WARMUP - 1)
    assert staking.getVotes(alice) == 0
    mine_at(back + WARMUP)
    assert staking.getVotes(alice) == AMOUNT


def test_cancelling_within_the_warmup_restores_votes_the_units_had_before(staking, alice, t0):
    # The units never left the contract: they were delegated W ago and are again now.
    request = t0 + 3 * ONE_DAY
    at(request, staking.requestUnstake, AMOUNT, {"from": alice})
    at(request + ONE_HOUR, staking.cancelUnstake, {"from": alice})
    mine_at(request + ONE_HOUR + 1)
    assert staking.getPastVotes(alice, request) == 0
    assert staking.getVotes(alice) == AMOUNT


def test_unstaking_more_than_the_stake_is_refused(staking, alice, t0):
    with brownie.reverts(err("StakingInsufficientStake", alice, AMOUNT + 1, AMOUNT)):
        staking.requestUnstake(AMOUNT + 1, {"from": alice})


def test_zero_amounts_are_refused(staking, alice, t0):
    for call in (staking.stake, staking.requestUnstake):
        with brownie.reverts(err("StakingZeroAmount")):
            call(0, {"from": alice})
    with brownie.reverts(err("StakingZeroAmount")):
        staking.depositRewards(staking.rewardTokens()[0], 0, {"from": alice})


def test_withdraw_and_cancel_without_a_pending_unstake_are_refused(staking, alice, t0):
    with brownie.reverts(err("StakingNothingPending", alice)):
        staking.withdraw({"from": alice})
    with brownie.reverts(err("StakingNothingPending", alice)):
        staking.cancelUnstake({"from": alice})


def test_a_staked_position_cannot_be_transferred_or_approved(staking, alice, bob, t0):
    with brownie.reverts(err("StakingTransferDisabled")):
        staking.transfer(bob, AMOUNT, {"from": alice})
    with brownie.reverts(err("StakingTransferDisabled")):
        staking.approve(bob, AMOUNT, {"from": alice})
    with brownie.reverts(err("StakingTransferDisabled")):
        staking.transferFrom(alice, bob, AMOUNT, {"from": bob})
    assert staking.balanceOf(alice) == AMOUNT
    assert staking.balanceOf(bob) == 0


# --- governed parameters -----------------------------------------------------------------

BOUNDS = {
    "cooldown": (
        "setCooldown",
        "cooldownSeconds",
        "StakingCooldownOutOfRange",
        ONE_DAY,
        30 * ONE_DAY,
    ),
    "withdrawWindow": (
        "setWithdrawWindow",
        "withdrawWindowSeconds",
        "StakingWithdrawWindowOutOfRange",
        ONE_DAY,
        14 * ONE_DAY,
    ),
}


@pytest.mark.parametrize("what", BOUNDS)
def test_each_parameter_is_accepted_at_its_bounds_and_refused_one_past(staking, deployer, what):
    setter, getter, error, low, high = BOUNDS[what]
    for value in (low, high):
        getattr(staking, setter)(value, {"from": deployer})
        assert getattr(staking, getter)() == value
    for value in (low - 1, high + 1):
        with brownie.reverts(err(error, value, low, high)):
            getattr(staking, setter)(value, {"from": deployer})


@pytest.mark.parametrize("what", BOUNDS)
def test_only_the_owner_sets_parameters(staking, stranger, what):
    setter = BOUNDS[what][0]
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        getattr(staking, setter)(2 * ONE_DAY, {"from": stranger})


def test_a_new_cooldown_leaves_pending_requests_as_they_were(staking, deployer, alice, t0):
    at(t0, staking.requestUnstake, AMOUNT, {"from": alice})
    tx = staking.setCooldown(30 * ONE_DAY, {"from": deployer})
    assert tx.events["CooldownSet"]["cooldownSeconds"] == 30 * ONE_DAY
    at(t0 + COOLDOWN, staking.withdraw, {"from": alice})
    assert staking.pendingUnstake(alice)["amount"] == 0


@pytest.mark.parametrize(
    "warmup, cooldown, window, error, value, low, high",
    [
        (
            ONE_HOUR - 1,
            COOLDOWN,
            WINDOW,
            "StakingWarmupOutOfRange",
            ONE_HOUR - 1,
            ONE_HOUR,
            30 * ONE_DAY,
        ),
        (
            30 * ONE_DAY + 1,
            COOLDOWN,
            WINDOW,
            "StakingWarmupOutOfRange",
            30 * ONE_DAY + 1,
            ONE_HOUR,
            30 * ONE_DAY,
        ),
        (
            WARMUP,
            ONE_DAY - 1,
            WINDOW,
            "StakingCooldownOutOfRange",
            ONE_DAY - 1,
            ONE_DAY,
            30 * ONE_DAY,
        ),
        (
            WARMUP,
            COOLDOWN,
            14 * ONE_DAY + 1,
            "StakingWithdrawWindowOutOfRange",
            14 * ONE_DAY + 1,
            ONE_DAY,
            14 * ONE_DAY,
        ),
    ],
)
def test_the_constructor_refuses_parameters_out_of_their_bounds(
    PointsStaking, points, wbtc, deployer, warmup, cooldown, window, error, value, low, high
):
    with brownie.reverts(err(error, value, low, high)):
        PointsStaking.deploy(points, deployer, warmup, cooldown, window, [wbtc], {"from": deployer})


@pytest.mark.parametrize("warmup", [ONE_HOUR, 30 * ONE_DAY])
def test_the_warmup_is_accepted_at_its_bounds_and_fixed(
    PointsStaking, points, wbtc, deployer, warmup
):
    s = PointsStaking.deploy(points, deployer, warmup, COOLDOWN, WINDOW, [wbtc], {"from": deployer})
    assert s.warmupSeconds() == warmup
    assert not hasattr(s, "setWarmup")


def test_the_constructor_refuses_the_points_token_as_reward_token(PointsStaking, points, deployer):
    with brownie.reverts(err("StakingSameToken", points)):
        PointsStaking.deploy(
            points, deployer, WARMUP, COOLDOWN, WINDOW, [points], {"from": deployer}
        )


def test_ownership_moves_in_two_steps_and_only_to_the_named_account(
    staking, deployer, bob, stranger
):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        staking.transferOwnership(stranger, {"from": stranger})
    tx = staking.transferOwnership(bob, {"from": deployer})
    assert dict(tx.events["OwnershipTransferStarted"]) == {
        "previousOwner": deployer,
        "newOwner": bob,
    }
    assert staking.owner() == deployer and staking.pendingOwner() == bob
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        staking.acceptOwnership({"from": stranger})
    tx = staking.acceptOwnership({"from": bob})
    assert tx.events["OwnershipTransferred"]["newOwner"] == bob
    assert staking.owner() == bob and staking.pendingOwner() == brownie.ZERO_ADDRESS
    staking.setCooldown(2 * ONE_DAY, {"from": bob})
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        staking.setCooldown(3 * ONE_DAY, {"from": deployer})
    assert staking.cooldownSeconds() == 2 * ONE_DAY


def test_an_owner_that_renounces_leaves_the_parameters_fixed_for_good(staking, deployer):
    staking.renounceOwnership({"from": deployer})
    assert staking.owner() == brownie.ZERO_ADDRESS
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        staking.setWithdrawWindow(3 * ONE_DAY, {"from": deployer})
    assert staking.withdrawWindowSeconds() == WINDOW


def test_a_points_token_that_reports_failure_instead_of_reverting_moves_nothing(
    FalseReturnToken, PointsStaking, wbtc, deployer, alice
):
    token = FalseReturnToken.deploy({"from": deployer})
    s = PointsStaking.deploy(token, deployer, WARMUP, COOLDOWN, WINDOW, [wbtc], {"from": deployer})
    fund(token, s, alice, 2 * AMOUNT)
    t = start_time()
    at(t, s.stake, AMOUNT, {"from": alice})
    at(t + 1, s.requestUnstake, AMOUNT, {"from": alice})
    token.setFailing(True, {"from": deployer})
    with brownie.reverts(err("SafeERC20FailedOperation", token)):
        s.stake(AMOUNT, {"from": alice})
    with brownie.reverts(err("SafeERC20FailedOperation", token)):
        at(t + 1 + COOLDOWN, s.withdraw, {"from": alice})
    assert s.balanceOf(alice) == 0 and s.totalStaked() == 0
    assert s.pendingUnstake(alice)["amount"] == AMOUNT
    assert token.balanceOf(s) == AMOUNT
