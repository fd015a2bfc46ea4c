"""PointsStaking fee share: rewards in several tokens, streamed over a week, earned only by
stake past its warm-up. The finding it fixes ("fee-share sniping"), the
stream (half the period, a second deposit, two stakers, the pause while nobody earns), the
warming bucket (maturity, lazy activation, unstaking), claims per token, the refusals, and a
property: what can be claimed never exceeds what was deposited, per token.

One file, over 400 lines: one mechanism (the reward stream) and its property test.
"""

import brownie
import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.helpers import ONE_DAY, SATS, err, mine_at
from tests.support.staking import AMOUNT, COOLDOWN, POINT, WARMUP, WINDOW, at, fund, start_time

WEEK = 7 * ONE_DAY  # REWARD_STREAM_SECONDS
PRECISION = 10**27  # REWARD_PRECISION
USDC = 10**6


BUDGET = 10**9 * POINT  # points each funded account holds and has approved


@pytest.fixture
def funded(points, staking, wbtc, usdc, deployer, alice, bob, carol):
    for account in (alice, bob, carol):
        fund(points, staking, account, BUDGET)
    for token, amount in ((wbtc, 10**6 * SATS), (usdc, 10**12 * USDC)):
        token.mint(deployer, amount, {"from": deployer})
        token.approve(staking, 2**256 - 1, {"from": deployer})


@pytest.fixture
def t0(funded):
    return start_time()


def earning_from(staking, account, amount, t):
    """`account` stakes `amount` at `t` and activates it when it matures; returns that time."""
    at(t, staking.stake, amount, {"from": account})
    at(t + WARMUP, staking.activate, account, {"from": account})
    return t + WARMUP


def ints(values):
    """A returned tuple as plain integers (to compare with a tuple)."""
    return tuple(int(v) for v in values)


def stream_share(amount, seconds, share, total):
    """What a stream of `amount` pays in `seconds` to `share` of `total` earning units, as the
    contract rounds it (rate, accumulator and account, each down)."""
    rate = amount * PRECISION // WEEK
    return share * (seconds * rate // total) // PRECISION


# --- the finding ------------------------------------------------------------------------


def test_a_stake_held_for_two_blocks_takes_nothing_of_a_deposit_made_meanwhile(
    staking, wbtc, deployer, alice, bob, t0
):
    """A staker of 90 days holds X; an attacker stakes 9X right before a 1 WBTC deposit and
    asks to unstake two blocks later. The old instant split paid the attacker 90 % of it
    (0.9 WBTC, measured on the unchanged contract); now the attacker's stake never left its
    warm-up and earns nothing, and the deposit streams to the long staker over the week."""
    x = AMOUNT
    earning_from(staking, alice, x, t0)
    t = t0 + 90 * ONE_DAY
    at(t, staking.stake, 9 * x, {"from": bob})
    at(t + 1, staking.depositRewards, wbtc, SATS, {"from": deployer})
    at(t + 2, staking.requestUnstake, 9 * x, {"from": bob})
    assert staking.earned(bob, wbtc) == 0
    with brownie.reverts(err("StakingNothingToClaim", bob, wbtc)):
        staking.claimRewards(wbtc, bob, {"from": bob})
    mine_at(t + 1 + WEEK // 2)
    assert staking.earned(alice, wbtc) == stream_share(SATS, WEEK // 2, x, x)
    mine_at(t + 1 + WEEK + ONE_DAY)
    assert staking.earned(alice, wbtc) == stream_share(SATS, WEEK, x, x)
    assert SATS - 1 <= staking.earned(alice, wbtc) <= SATS
    assert staking.earned(bob, wbtc) == 0


# --- the stream -------------------------------------------------------------------------


def test_a_deposit_starts_a_week_long_stream_at_a_scaled_rate(staking, wbtc, deployer, alice, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    tx = at(t, staking.depositRewards, wbtc, 1, {"from": deployer})  # one satoshi
    rate = PRECISION // WEEK
    assert dict(tx.events["RewardsDeposited"]) == {
        "from": deployer,
        "token": wbtc,
        "amount": 1,
        "rewardRate": rate,
        "periodFinish": t + WEEK,
    }
    assert ints(staking.rewardData(wbtc)) == (rate, t + WEEK, t, 0)
    assert staking.REWARD_STREAM_SECONDS() == WEEK
    mine_at(t + WEEK)
    assert staking.earned(alice, wbtc) == 0  # 1 - dust: rounds down, never up
    assert staking.rewardPerToken(wbtc) == WEEK * rate // AMOUNT > 0  # not lost: scaled


def test_half_the_period_streams_half_the_deposit(staking, wbtc, deployer, alice, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, 10 * SATS, {"from": deployer})
    mine_at(t + WEEK // 2)
    half = staking.earned(alice, wbtc)
    assert half == stream_share(10 * SATS, WEEK // 2, AMOUNT, AMOUNT)
    assert 5 * SATS - 1 <= half <= 5 * SATS
    assert staking.rewardsRemaining(wbtc) in (5 * SATS - 1, 5 * SATS)


def test_a_second_deposit_mid_stream_adds_the_leftover_to_a_new_week(
    staking, wbtc, deployer, alice, t0
):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, 10 * SATS, {"from": deployer})
    first = 10 * SATS * PRECISION // WEEK
    tx = at(t + WEEK // 2, staking.depositRewards, wbtc, 4 * SATS, {"from": deployer})
    rate = ((WEEK - WEEK // 2) * first + 4 * SATS * PRECISION) // WEEK
    assert tx.events["RewardsDeposited"]["rewardRate"] == rate
    assert tx.events["RewardsDeposited"]["periodFinish"] == t + WEEK // 2 + WEEK
    mine_at(t + WEEK // 2 + WEEK)
    assert 14 * SATS - 2 <= staking.earned(alice, wbtc) <= 14 * SATS
    assert staking.rewardsRemaining(wbtc) == 0


def test_two_stakers_share_by_earning_balance_and_time(staking, wbtc, deployer, alice, bob, t0):
    """Alice earns on X for the whole week; Bob on 3X from its middle: Alice gets the first
    half alone and a quarter of the second, Bob three quarters of the second."""
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, 8 * SATS, {"from": deployer})
    at(t - WARMUP + WEEK // 2, staking.stake, 3 * AMOUNT, {"from": bob})  # matures mid-week
    at(t + WEEK // 2, staking.activate, bob, {"from": alice})
    mine_at(t + WEEK)
    alice_gets, bob_gets = staking.earned(alice, wbtc), staking.earned(bob, wbtc)
    assert 5 * SATS - 2 <= alice_gets <= 5 * SATS
    assert 3 * SATS - 2 <= bob_gets <= 3 * SATS


def test_while_nobody_earns_the_stream_pauses_and_then_pays_out_in_full(
    staking, wbtc, deployer, alice, bob, t0
):
    at(t0, staking.depositRewards, wbtc, 7 * SATS, {"from": deployer})  # nobody staked
    at(t0 + 1, staking.stake, AMOUNT, {"from": alice})  # warming: still nobody earns
    mine_at(t0 + 30 * ONE_DAY)
    assert staking.rewardsRemaining(wbtc) == 7 * SATS - 1  # the rate's rounding
    assert staking.earned(alice, wbtc) == 0  # matured, not yet activated: lazy
    at(t0 + 30 * ONE_DAY, staking.activate, alice, {"from": bob})
    assert staking.rewardData(wbtc)["periodFinish"] == t0 + 30 * ONE_DAY + WEEK  # resumed
    # she leaves after two days: paused again, four days later Bob starts earning
    at(t0 + 32 * ONE_DAY, staking.requestUnstake, AMOUNT, {"from": alice})
    two_days = staking.earned(alice, wbtc)
    assert two_days == stream_share(7 * SATS, 2 * ONE_DAY, AMOUNT, AMOUNT)
    earning_from(staking, bob, AMOUNT, t0 + 34 * ONE_DAY)
    mine_at(t0 + 60 * ONE_DAY)
    assert staking.earned(alice, wbtc) == two_days  # stopped earning at the request
    total = two_days + staking.earned(bob, wbtc)
    assert 7 * SATS - 3 <= total <= 7 * SATS
    assert staking.rewardsRemaining(wbtc) == 0


def test_less_than_one_point_earning_pauses_the_stream(staking, wbtc, deployer, alice, t0):
    assert staking.MIN_SHARED_STAKE() == POINT
    earning_from(staking, alice, POINT - 1, t0)
    t = t0 + WARMUP + 1
    at(t, staking.depositRewards, wbtc, SATS, {"from": deployer})
    mine_at(t + 2 * WEEK)
    assert staking.earned(alice, wbtc) == 0
    assert staking.rewardsRemaining(wbtc) == SATS - 1  # kept for later, not lost


# --- the warm-up ------------------------------------------------------------------------


def test_a_stake_younger_than_the_warm_up_earns_nothing(staking, wbtc, deployer, alice, bob, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.stake, AMOUNT, {"from": bob})
    at(t + 1, staking.depositRewards, wbtc, SATS, {"from": deployer})
    assert ints(staking.warmingOf(bob)) == (AMOUNT, t + WARMUP)
    assert staking.earningBalanceOf(bob) == 0 and staking.balanceOf(bob) == AMOUNT
    with brownie.reverts(err("StakingNothingToActivate", bob, t + WARMUP)):
        at(t + WARMUP - 2, staking.activate, bob, {"from": bob})
    mine_at(t + WARMUP - 1)
    assert staking.earned(bob, wbtc) == 0
    tx = at(t + WARMUP, staking.activate, bob, {"from": bob})
    assert dict(tx.events["StakeActivated"]) == {"account": bob, "amount": AMOUNT}
    mine_at(t + WARMUP + ONE_DAY)
    assert staking.earned(bob, wbtc) == stream_share(SATS, ONE_DAY, AMOUNT, 2 * AMOUNT)


def test_activation_is_lazy_open_to_anyone_and_earns_from_then_on(
    staking, wbtc, deployer, alice, bob, carol, t0
):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.stake, AMOUNT, {"from": bob})
    at(t + 1, staking.depositRewards, wbtc, SATS, {"from": deployer})
    mine_at(t + WARMUP + ONE_DAY)
    assert staking.earned(bob, wbtc) == 0  # matured a day ago, not activated
    assert staking.totalEarning() == AMOUNT
    at(t + WARMUP + ONE_DAY, staking.activate, bob, {"from": carol})
    assert staking.earningBalanceOf(bob) == AMOUNT and ints(staking.warmingOf(bob)) == (0, 0)
    assert staking.totalEarning() == 2 * AMOUNT
    with brownie.reverts(err("StakingNothingToActivate", bob, 0)):
        staking.activate(bob, {"from": carol})
    mine_at(t + WARMUP + 2 * ONE_DAY)
    assert staking.earned(bob, wbtc) == stream_share(SATS, ONE_DAY, AMOUNT, 2 * AMOUNT)


def test_adding_to_a_warming_bucket_restarts_its_warm_up(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + WARMUP - 1, staking.stake, AMOUNT, {"from": alice})
    assert ints(staking.warmingOf(alice)) == (2 * AMOUNT, t0 + 2 * WARMUP - 1)
    with brownie.reverts(err("StakingNothingToActivate", alice, t0 + 2 * WARMUP - 1)):
        at(t0 + WARMUP, staking.activate, alice, {"from": alice})


def test_a_stake_after_maturity_activates_the_bucket_and_warms_up_alone(
    staking, wbtc, deployer, alice, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    tx = at(t0 + WARMUP, staking.stake, 2 * AMOUNT, {"from": alice})
    assert dict(tx.events["StakeActivated"]) == {"account": alice, "amount": AMOUNT}
    assert staking.earningBalanceOf(alice) == AMOUNT
    assert ints(staking.warmingOf(alice)) == (2 * AMOUNT, t0 + 2 * WARMUP)
    assert staking.balanceOf(alice) == 3 * AMOUNT


def test_an_unstake_takes_from_the_warming_bucket_first_then_stops_earning_at_once(
    staking, wbtc, deployer, alice, bob, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + 1, staking.stake, AMOUNT, {"from": bob})
    at(t0 + WARMUP + 1, staking.activate, alice, {"from": alice})
    at(t0 + WARMUP + 2, staking.activate, bob, {"from": bob})
    t = t0 + WARMUP + 10
    at(t, staking.stake, AMOUNT, {"from": alice})  # warming until t + WARMUP
    at(t + 1, staking.depositRewards, wbtc, SATS, {"from": deployer})
    at(t + ONE_DAY, staking.requestUnstake, AMOUNT // 2, {"from": alice})  # from warming
    assert ints(staking.warmingOf(alice)) == (AMOUNT // 2, t + WARMUP)
    assert staking.earningBalanceOf(alice) == AMOUNT and staking.totalEarning() == 2 * AMOUNT
    d1 = ONE_DAY + 3_600  # before the bucket matures
    at(t + 1 + d1, staking.requestUnstake, AMOUNT, {"from": alice})  # half of each
    assert ints(staking.warmingOf(alice)) == (0, 0)
    assert staking.earningBalanceOf(alice) == AMOUNT // 2
    assert staking.totalEarning() == AMOUNT + AMOUNT // 2
    assert staking.earned(alice, wbtc) == stream_share(SATS, d1, AMOUNT, 2 * AMOUNT)
    at(t + 1 + d1 + ONE_DAY, staking.requestUnstake, AMOUNT // 2, {"from": alice})
    assert staking.earningBalanceOf(alice) == 0 and staking.totalEarning() == AMOUNT
    frozen = staking.earned(alice, wbtc)
    third_day = stream_share(SATS, ONE_DAY, AMOUNT // 2, AMOUNT + AMOUNT // 2)
    assert abs(frozen - stream_share(SATS, d1, AMOUNT, 2 * AMOUNT) - third_day) <= 1
    mine_at(t + 1 + 5 * ONE_DAY)
    assert staking.earned(alice, wbtc) == frozen  # nothing since the request


def test_a_cancelled_unstake_warms_up_again(staking, alice, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.requestUnstake, AMOUNT, {"from": alice})
    at(t + 1, staking.cancelUnstake, {"from": alice})
    assert staking.earningBalanceOf(alice) == 0
    assert ints(staking.warmingOf(alice)) == (AMOUNT, t + 1 + WARMUP)


def test_votes_keep_their_own_warm_up_rule(staking, alice, t0):
    """The bucket governs the fee share only: votes count each stake W after it was made."""
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + WARMUP - 1, staking.stake, AMOUNT, {"from": alice})
    mine_at(t0 + WARMUP + 1)
    assert staking.getVotes(alice) == AMOUNT
    assert staking.earningBalanceOf(alice) == 0


# --- several tokens and claims ----------------------------------------------------------


def test_each_reward_token_streams_and_is_claimed_on_its_own(
    staking, wbtc, usdc, deployer, alice, bob, t0
):
    assert staking.rewardTokens() == [wbtc, usdc]
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, SATS, {"from": deployer})
    at(t + WEEK // 2, staking.depositRewards, usdc, 700 * USDC, {"from": deployer})
    mine_at(t + WEEK)
    assert staking.earned(alice, wbtc) == stream_share(SATS, WEEK, AMOUNT, AMOUNT)
    assert staking.earned(alice, usdc) == stream_share(700 * USDC, WEEK // 2, AMOUNT, AMOUNT)
    tx = at(t + WEEK // 2 + WEEK, staking.claimRewards, usdc, bob, {"from": alice})
    paid = tx.return_value
    assert paid == stream_share(700 * USDC, WEEK, AMOUNT, AMOUNT)
    assert 700 * USDC - 1 <= paid <= 700 * USDC
    assert dict(tx.events["RewardsClaimed"]) == {
        "account": alice,
        "token": usdc,
        "to": bob,
        "amount": paid,
    }
    assert usdc.balanceOf(bob) == paid and wbtc.balanceOf(bob) == 0
    assert staking.earned(alice, usdc) == 0
    assert staking.earned(alice, wbtc) == stream_share(SATS, WEEK, AMOUNT, AMOUNT)
    tx = staking.claimRewards(wbtc, alice, {"from": alice})
    assert wbtc.balanceOf(alice) == tx.return_value == stream_share(SATS, WEEK, AMOUNT, AMOUNT)
    assert staking.earned(alice, wbtc) == 0


def test_a_claim_pays_everything_earned_once(staking, wbtc, deployer, alice, bob, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, 7 * SATS, {"from": deployer})
    owed = stream_share(7 * SATS, WEEK, AMOUNT, AMOUNT)  # the whole stream
    tx = at(t + 2 * WEEK, staking.claimRewards, wbtc, bob, {"from": alice})
    assert tx.return_value == owed and wbtc.balanceOf(bob) == owed
    with brownie.reverts(err("StakingNothingToClaim", alice, wbtc)):
        staking.claimRewards(wbtc, alice, {"from": alice})
    with brownie.reverts(err("StakingZeroAddress")):
        staking.claimRewards(wbtc, brownie.ZERO_ADDRESS, {"from": alice})


def test_a_claim_activates_a_matured_bucket_first(staking, wbtc, deployer, alice, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, SATS, {"from": deployer})
    at(t + 1, staking.stake, AMOUNT, {"from": alice})
    tx = at(t + 1 + WARMUP, staking.claimRewards, wbtc, alice, {"from": alice})
    assert tx.events["StakeActivated"]["amount"] == AMOUNT
    assert staking.earningBalanceOf(alice) == 2 * AMOUNT


def test_rewards_earned_before_unstaking_stay_claimable(staking, wbtc, deployer, alice, t0):
    earning_from(staking, alice, AMOUNT, t0)
    t = t0 + WARMUP + 10
    at(t, staking.depositRewards, wbtc, 2 * SATS, {"from": deployer})
    at(t + ONE_DAY, staking.requestUnstake, AMOUNT, {"from": alice})
    owed = stream_share(2 * SATS, ONE_DAY, AMOUNT, AMOUNT)
    mine_at(t + 3 * WEEK)
    assert staking.earned(alice, wbtc) == owed
    staking.claimRewards(wbtc, alice, {"from": alice})
    assert wbtc.balanceOf(alice) == owed


# --- refusals ---------------------------------------------------------------------------


def test_deposits_of_an_unknown_token_or_of_nothing_are_refused(
    staking, points, wbtc, deployer, stranger, t0
):
    for token in (points, stranger, brownie.ZERO_ADDRESS):
        with brownie.reverts(err("StakingRewardTokenUnknown", token)):
            staking.depositRewards(token, SATS, {"from": deployer})
    with brownie.reverts(err("StakingZeroAmount")):
        staking.depositRewards(wbtc, 0, {"from": deployer})
    with brownie.reverts(err("StakingRewardTokenUnknown", points)):
        staking.claimRewards(points, deployer, {"from": deployer})


def test_a_claim_with_nothing_earned_is_refused(staking, wbtc, usdc, deployer, alice, bob, t0):
    with brownie.reverts(err("StakingNothingToClaim", bob, wbtc)):
        staking.claimRewards(wbtc, bob, {"from": bob})  # never staked
    earning_from(staking, alice, AMOUNT, t0)
    with brownie.reverts(err("StakingNothingToClaim", alice, wbtc)):
        staking.claimRewards(wbtc, alice, {"from": alice})  # nothing deposited yet
    at(t0 + WARMUP + 10, staking.depositRewards, wbtc, SATS, {"from": deployer})
    mine_at(t0 + WARMUP + 20)
    with brownie.reverts(err("StakingNothingToClaim", alice, usdc)):
        staking.claimRewards(usdc, alice, {"from": alice})  # earned in the other token only


def test_governance_adds_reward_tokens_up_to_eight_never_twice_never_the_points_token(
    staking, MockERC20, points, wbtc, deployer, stranger
):
    assert staking.MAX_REWARD_TOKENS() == 8
    extra = [MockERC20.deploy(f"T{i}", f"T{i}", 18, {"from": deployer}) for i in range(7)]
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        staking.addRewardToken(extra[0], {"from": stranger})
    with brownie.reverts(err("StakingRewardTokenAlreadyAdded", wbtc)):
        staking.addRewardToken(wbtc, {"from": deployer})
    with brownie.reverts(err("StakingSameToken", points)):
        staking.addRewardToken(points, {"from": deployer})
    with brownie.reverts(err("StakingZeroAddress")):
        staking.addRewardToken(brownie.ZERO_ADDRESS, {"from": deployer})
    assert not staking.isRewardToken(extra[0])
    for token in extra[:6]:
        tx = staking.addRewardToken(token, {"from": deployer})
        assert tx.events["RewardTokenAdded"]["token"] == token
    assert len(staking.rewardTokens()) == 8 and staking.isRewardToken(extra[5])
    with brownie.reverts(err("StakingRewardTokenLimitReached", 8)):
        staking.addRewardToken(extra[6], {"from": deployer})


def test_the_constructor_takes_the_initial_reward_tokens_with_the_same_checks(
    PointsStaking, points, wbtc, usdc, deployer
):
    args = (points, deployer, WARMUP, COOLDOWN, WINDOW)
    s = PointsStaking.deploy(*args, [], {"from": deployer})
    assert s.rewardTokens() == []
    with brownie.reverts(err("StakingRewardTokenAlreadyAdded", wbtc)):
        PointsStaking.deploy(*args, [wbtc, usdc, wbtc], {"from": deployer})
    with brownie.reverts(err("StakingRewardTokenLimitReached", 8)):
        PointsStaking.deploy(*args, [f"0x{i:040x}" for i in range(1, 10)], {"from": deployer})


def test_a_deposit_that_could_overflow_the_accumulator_is_refused(
    staking, usdc, deployer, alice, t0
):
    too_much = 2**128 // 10**9 + WEEK  # at the 1-point floor its stream passes 2^128
    usdc.mint(deployer, too_much, {"from": deployer})
    rate = too_much * PRECISION // WEEK
    with brownie.reverts(err("StakingRewardOverflow", rate * WEEK // POINT)):
        staking.depositRewards(usdc, too_much, {"from": deployer})
    staking.depositRewards(usdc, too_much // 2, {"from": deployer})  # well below: accepted


# --- property: claims never exceed deposits, per token ----------------------------------

STAKERS = 2
operation = st.one_of(
    st.tuples(st.just("stake"), st.integers(0, STAKERS - 1), st.integers(1, 10**6 * POINT)),
    st.tuples(st.just("unstake"), st.integers(0, STAKERS - 1), st.integers(1, 100)),
    st.tuples(st.just("activate"), st.integers(0, STAKERS - 1), st.just(0)),
    st.tuples(st.just("claim"), st.integers(0, STAKERS - 1), st.integers(0, 1)),
    st.tuples(st.just("deposit"), st.integers(0, 1), st.integers(1, 10**4 * SATS)),
    st.tuples(st.just("wait"), st.just(0), st.integers(1, 4 * ONE_DAY)),
)


@given(operations=st.lists(operation, min_size=1, max_size=10))
# brownie's given reverts the chain to the funded state after every example, so the
# function-scoped `funded` fixture is safe to share between examples.
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
def test_what_can_be_claimed_never_exceeds_what_was_deposited_per_token(
    staking, wbtc, usdc, deployer, accounts, funded, operations
):
    who = accounts[1 : 1 + STAKERS]
    tokens = (wbtc, usdc)
    deposited, claimed = [0, 0], [0, 0]
    for kind, i, value in operations:
        if kind == "stake":
            staking.stake(value, {"from": who[i]})
        elif kind == "unstake":
            amount = staking.balanceOf(who[i]) * value // 100
            if amount:
                staking.requestUnstake(amount, {"from": who[i]})
        elif kind == "activate":
            amount, matures_at = staking.warmingOf(who[i])
            if matures_at and matures_at <= brownie.chain[-1].timestamp:
                staking.activate(who[i], {"from": deployer})
        elif kind == "claim":
            if staking.earned(who[i], tokens[value]):
                claimed[value] += staking.claimRewards(
                    tokens[value], who[i], {"from": who[i]}
                ).return_value
        elif kind == "deposit":
            staking.depositRewards(tokens[i], value, {"from": deployer})
            deposited[i] += value
        else:
            brownie.chain.sleep(value)
            brownie.chain.mine()
    for k, token in enumerate(tokens):
        owed = sum(staking.earned(a, token) for a in who)
        assert token.balanceOf(staking) == deposited[k] - claimed[k]
        # rounding down everywhere: claimed + claimable + not yet streamed <= deposited,
        # less by dust (under a unit per settlement, plus the rate's rounding)
        left = deposited[k] - claimed[k] - owed - staking.rewardsRemaining(token)
        assert 0 <= left <= len(operations) + STAKERS + 2
