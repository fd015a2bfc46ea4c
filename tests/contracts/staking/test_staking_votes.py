"""PointsStaking votes: self-delegation, the warm-up rule (boundary to the second), flash
loans, late stakes and moved points after a snapshot, delegation, total supply, the clock."""

import brownie
from eth_account import Account

from tests.support.helpers import ONE_DAY, ONE_HOUR, err, mine_at
from tests.support.staking import AMOUNT, COOLDOWN, WARMUP, at, delegation, fund


def test_a_first_stake_self_delegates_the_staker(staking, alice, t0):
    tx = at(t0, staking.stake, AMOUNT, {"from": alice})
    assert staking.delegates(alice) == alice
    assert tx.events["DelegateChanged"]["toDelegate"] == alice
    assert tx.events["Staked"]["staked"] == AMOUNT
    assert staking.balanceOf(alice) == AMOUNT


def test_a_later_stake_keeps_a_chosen_delegate(staking, alice, bob, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    staking.delegate(bob, {"from": alice})
    tx = staking.stake(AMOUNT, {"from": alice})
    assert staking.delegates(alice) == bob
    assert "DelegateChanged" not in tx.events


def test_a_stake_after_delegating_to_nobody_and_leaving_self_delegates_again(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    staking.delegate(brownie.ZERO_ADDRESS, {"from": alice})
    staking.requestUnstake(AMOUNT, {"from": alice})
    assert staking.delegates(alice) == brownie.ZERO_ADDRESS
    tx = staking.stake(AMOUNT // 2, {"from": alice})  # no stake, no delegate: back to itself
    assert tx.events["DelegateChanged"]["toDelegate"] == alice
    assert staking.delegates(alice) == alice
    mine_at(tx.timestamp + WARMUP)
    assert staking.getVotes(alice) == AMOUNT // 2


def test_a_stake_on_top_of_stake_delegated_to_nobody_keeps_that_choice(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    staking.delegate(brownie.ZERO_ADDRESS, {"from": alice})
    tx = staking.stake(AMOUNT, {"from": alice})
    assert "DelegateChanged" not in tx.events
    assert staking.delegates(alice) == brownie.ZERO_ADDRESS
    mine_at(tx.timestamp + WARMUP)
    assert staking.getVotes(alice) == 0


def test_votes_appear_only_after_the_full_warmup_to_the_second(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    mine_at(t0 + WARMUP - 1)
    assert staking.getVotes(alice) == 0
    mine_at(t0 + WARMUP)
    assert staking.getVotes(alice) == AMOUNT
    mine_at(t0 + WARMUP + 1)
    assert staking.getPastVotes(alice, t0 + WARMUP - 1) == 0
    assert staking.getPastVotes(alice, t0 + WARMUP) == AMOUNT


def test_flash_borrowed_points_staked_in_one_transaction_cannot_be_repaid(
    FlashLender, FlashStaker, points, staking, deployer, t0
):
    lender = FlashLender.deploy(points, {"from": deployer})
    points.mint(lender, 100 * AMOUNT, {"from": deployer})
    attacker = FlashStaker.deploy(lender, staking, points, {"from": deployer})
    with brownie.reverts(err("StakingCooldownNotOver", t0 + COOLDOWN, t0)):
        at(t0, attacker.attack, 100 * AMOUNT, False, {"from": deployer})
    assert points.balanceOf(lender) == 100 * AMOUNT
    assert staking.totalStaked() == 0


def test_flash_borrowed_points_have_no_votes_inside_the_borrowing_transaction(
    FlashLender, FlashStaker, points, staking, deployer, alice, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    lender = FlashLender.deploy(points, {"from": deployer})
    points.mint(lender, 100 * AMOUNT, {"from": deployer})
    attacker = FlashStaker.deploy(lender, staking, points, {"from": deployer})
    points.mint(attacker, 100 * AMOUNT, {"from": deployer})  # repays from its own points
    at(t0 + 10 * WARMUP, attacker.attack, 100 * AMOUNT, True, {"from": deployer})
    assert attacker.stakedInside() == 100 * AMOUNT
    assert attacker.votesInside() == 0
    assert attacker.pastVotesInside() == 0
    assert staking.getVotes(alice) == AMOUNT  # a warm stake votes in the same block
    # and the borrowed stake is now locked in cooldown, with no votes
    assert staking.pendingUnstake(attacker)["amount"] == 100 * AMOUNT
    assert staking.getVotes(attacker) == 0


def test_a_stake_made_after_a_snapshot_has_no_votes_at_it(staking, alice, bob, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    snapshot = t0 + 3 * ONE_DAY
    at(snapshot + 1, staking.stake, 5 * AMOUNT, {"from": bob})
    mine_at(snapshot + 10 * WARMUP)
    assert staking.getPastVotes(bob, snapshot) == 0
    assert staking.getPastVotes(alice, snapshot) == AMOUNT
    assert staking.getVotes(bob) == 5 * AMOUNT


def test_points_moved_to_a_second_account_and_staked_after_a_snapshot_have_no_votes_at_it(
    points, staking, alice, bob, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    snapshot = t0 + 3 * ONE_DAY
    at(snapshot, staking.requestUnstake, AMOUNT, {"from": alice})
    at(snapshot + COOLDOWN, staking.withdraw, {"from": alice})
    points.transfer(bob, AMOUNT, {"from": alice})
    moved = snapshot + COOLDOWN + 1
    at(moved, staking.stake, AMOUNT, {"from": bob})
    mine_at(moved + WARMUP)
    assert staking.getPastVotes(alice, snapshot - 1) == AMOUNT
    assert staking.getPastVotes(alice, snapshot) == 0  # requested at the snapshot: gone
    assert staking.getPastVotes(bob, snapshot) == 0
    assert staking.getPastVotes(bob, moved + WARMUP - 1) == 0
    assert staking.getVotes(bob) == AMOUNT


def test_delegation_takes_votes_away_at_once_and_gives_them_after_the_warmup(
    staking, alice, bob, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    moved = t0 + 3 * ONE_DAY
    at(moved, staking.delegate, bob, {"from": alice})
    mine_at(moved + WARMUP - 1)
    assert staking.getPastVotes(alice, moved - 1) == AMOUNT
    assert staking.getVotes(alice) == 0
    assert staking.getVotes(bob) == 0
    mine_at(moved + WARMUP)
    assert staking.getVotes(bob) == AMOUNT


def test_delegating_back_and_forth_never_counts_a_unit_twice(staking, alice, bob, carol, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + 3 * ONE_DAY, staking.delegate, bob, {"from": alice})
    at(t0 + 3 * ONE_DAY + 1, staking.delegate, carol, {"from": alice})
    at(t0 + 3 * ONE_DAY + 2, staking.delegate, bob, {"from": alice})
    end = t0 + 3 * ONE_DAY + 2 * WARMUP
    mine_at(end)
    for t in (t0 + 3 * ONE_DAY + k for k in (0, 1, 2, WARMUP, WARMUP + 1, WARMUP + 2)):
        votes = [staking.getPastVotes(a, t) for a in (alice, bob, carol)]
        assert sum(votes) <= staking.getPastTotalSupply(t) <= AMOUNT
    assert staking.getVotes(bob) == AMOUNT
    assert staking.getVotes(carol) == 0


def day_start(t):
    return t - t % ONE_DAY


def test_past_total_supply_follows_the_warmup_rule_on_daily_samples(staking, alice, bob, t0):
    """Total at t = min(staked at the start of t's day, at the start of (t - W)'s day)."""
    changes = [(t0, AMOUNT), (t0 + ONE_DAY, 2 * AMOUNT), (t0 + 5 * ONE_DAY, -2 * AMOUNT)]
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + ONE_DAY, staking.stake, 2 * AMOUNT, {"from": bob})
    at(t0 + 5 * ONE_DAY, staking.requestUnstake, 2 * AMOUNT, {"from": bob})
    mine_at(t0 + 7 * ONE_DAY)

    def staked_at_start_of_day(t):
        return sum(amount for when, amount in changes if when < day_start(t))

    def expected(t):
        if t < WARMUP:
            return 0
        return min(staked_at_start_of_day(t), staked_at_start_of_day(t - WARMUP))

    probes = [t0 + WARMUP - 1, t0 + WARMUP, t0 + ONE_DAY + WARMUP, t0 + 5 * ONE_DAY]
    probes += [day_start(t0) + k * ONE_DAY + d for k in range(1, 7) for d in (-1, 0, 1)]
    for t in probes:
        assert staking.getPastTotalSupply(t) == expected(t), t
    # a stake counts from the start of the day after the warm-up; it leaves on the next day
    assert staking.getPastTotalSupply(day_start(t0) + ONE_DAY + WARMUP) == AMOUNT
    assert staking.getPastTotalSupply(day_start(t0) + 2 * ONE_DAY + WARMUP) == 3 * AMOUNT
    assert staking.getPastTotalSupply(day_start(t0) + 5 * ONE_DAY + 1) == 3 * AMOUNT
    assert staking.getPastTotalSupply(day_start(t0) + 6 * ONE_DAY) == AMOUNT
    assert staking.totalStaked() == AMOUNT


def test_the_sampled_total_is_recorded_once_per_day_with_changes(staking, alice, bob, t0):
    start = day_start(t0) + ONE_DAY
    at(start + 10, staking.stake, AMOUNT, {"from": alice})
    at(start + 20, staking.stake, AMOUNT, {"from": bob})
    at(start + ONE_DAY + 5, staking.requestUnstake, AMOUNT, {"from": bob})
    at(start + 3 * ONE_DAY, staking.stake, AMOUNT, {"from": bob})
    mine_at(start + 6 * ONE_DAY + 1)
    # staked at the start of each day from `start`: 0, 2, 1, 1, 2, 2, 2 (x AMOUNT)
    assert staking.getPastTotalSupply(start + ONE_DAY + 1) == 0  # warm-up not over
    assert staking.getPastTotalSupply(start + 3 * ONE_DAY) == AMOUNT  # min(1, 2)
    assert staking.getPastTotalSupply(start + 4 * ONE_DAY) == AMOUNT  # min(2, 1)
    assert staking.getPastTotalSupply(start + 6 * ONE_DAY - 1) == AMOUNT  # min(2, 1)
    assert staking.getPastTotalSupply(start + 6 * ONE_DAY) == 2 * AMOUNT  # min(2, 2)


def test_the_clock_is_the_block_timestamp(staking, t0):
    mine_at(t0)
    assert staking.CLOCK_MODE() == "mode=timestamp"
    assert staking.clock() == t0


def test_a_future_timepoint_cannot_be_looked_up(staking, alice, t0):
    mine_at(t0)
    with brownie.reverts(err("ERC5805FutureLookup", t0, t0)):
        staking.getPastVotes(alice, t0)
    with brownie.reverts(err("ERC5805FutureLookup", t0 + 1, t0)):
        staking.getPastTotalSupply(t0 + 1)


def test_a_delegation_signed_off_chain_moves_votes_subject_to_the_warmup(
    accounts, points, staking, alice, bob, carol, t0
):
    signer = Account.create()
    holder = accounts.add(signer.key)  # the same key, signing its own transactions
    alice.transfer(holder, 10**18)
    fund(points, staking, holder, AMOUNT)
    at(t0, staking.stake, AMOUNT, {"from": holder})
    expiry = t0 + 10 * ONE_DAY
    v, r, s = delegation(staking, signer, bob, 0, expiry)
    moved = t0 + 3 * ONE_DAY
    at(moved, staking.delegateBySig, bob, 0, expiry, v, r, s, {"from": carol})
    assert staking.delegates(holder) == bob
    mine_at(moved + WARMUP - 1)
    assert staking.getVotes(bob) == 0
    mine_at(moved + WARMUP)
    assert staking.getVotes(bob) == AMOUNT
    assert staking.getVotes(holder) == 0


def test_an_account_without_checkpoints_and_timepoints_before_the_warmup_have_no_votes(
    staking, alice, carol, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    mine_at(t0 + WARMUP + 1)
    assert staking.numCheckpoints(carol) == 0
    assert staking.getPastVotes(carol, t0 + WARMUP) == 0
    assert staking.getVotes(carol) == 0
    # a timepoint earlier than W seconds after 1970 cannot have warmed up
    assert staking.getPastVotes(alice, WARMUP - 1) == 0
    assert staking.getPastTotalSupply(WARMUP - 1) == 0
    assert staking.getPastVotes(alice, t0 + WARMUP) == AMOUNT


def test_stakes_and_votes_that_would_pass_2_96_units_are_refused(
    points, staking, alice, bob, carol, t0
):
    limit = 2**96  # StakeHistory and the staked total keep 96-bit values
    fund(points, staking, alice, limit)
    with brownie.reverts(err("SafeCastOverflowedUintDowncast", 96, limit)):
        staking.stake(limit, {"from": alice})
    at(t0, staking.stake, limit - 1, {"from": alice})
    staking.delegate(alice, {"from": bob})  # bob's future units vote for alice
    with brownie.reverts(err("StakeHistoryOverflow", limit)):
        staking.stake(1, {"from": bob})  # alice's votes would pass the limit
    with brownie.reverts(err("SafeCastOverflowedUintDowncast", 96, limit)):
        staking.stake(1, {"from": carol})  # the staked total would
    assert staking.totalStaked() == limit - 1
    assert staking.balanceOf(bob) == staking.balanceOf(carol) == 0


def test_past_votes_are_found_among_many_checkpoints(staking, alice, t0):
    """Thirty changes two hours apart (a span longer than the warm-up), looked up at past
    timepoints against a model of the warm-up rule: the latest-checkpoint shortcut, the
    search of the recent end and of the rest, and the lagged look-up's own search."""
    gap = 2 * ONE_HOUR
    history = []  # (from, units)
    units = 0
    for i in range(30):
        amount = (i % 7 + 1) * AMOUNT // 10
        if i % 5 == 4:
            at(t0 + i * gap, staking.requestUnstake, amount // 2, {"from": alice})
            units -= amount // 2
        else:
            at(t0 + i * gap, staking.stake, amount, {"from": alice})
            units += amount
        history.append((t0 + i * gap, units))
    end = t0 + 30 * gap
    mine_at(end)
    assert staking.numCheckpoints(alice) == 30

    def value_at(t):
        return ([0] + [units for since, units in history if since <= t])[-1]

    probes = sorted(set(range(1, 30, 3)) | set(range(24, 30)))
    for t in [t0 + k * gap + d for k in probes for d in (-1, 0, 1)]:
        expected = min(value_at(t), value_at(t - WARMUP))
        assert staking.getPastVotes(alice, t) == expected, t
