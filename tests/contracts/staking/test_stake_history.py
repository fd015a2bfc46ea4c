"""StakeHistory (the checkpoints behind PointsStaking's votes and total): the warm-up rule
min(value at t, value at t - lag) and the daily samples, against a plain Python model, as
properties and on long histories that exercise every lookup path."""

import brownie
import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.helpers import err

# Only the test harness runs here (the library's code inside PointsStaking is covered by the
# staking tests), and tracing its batch loads for coverage crashed anvil (about 18 GB).
pytestmark = pytest.mark.skip_coverage


@pytest.fixture
def history(StakeHistoryHarness, deployer):
    return StakeHistoryHarness.deploy({"from": deployer})


def model_value_at(changes, t):
    """The value at time t of a history given as (key, new value) pairs in key order."""
    value = 0
    for key, new_value in changes:
        if key > t:
            break
        value = new_value
    return value


def model_lagged_min(changes, t, lag):
    if t < lag:
        return 0
    return min(model_value_at(changes, t), model_value_at(changes, t - lag))


def load(history, deployer, steps, start=1_000):
    """Loads (gap, amount, increase) steps; returns the model's (key, new value) pairs."""
    keys, amounts, increases, changes = [], [], [], []
    key, value = start, 0
    for gap, amount, increase in steps:
        key += gap
        if not increase:
            amount = min(amount, value)
        value = value + amount if increase else value - amount
        keys.append(key)
        amounts.append(amount)
        increases.append(increase)
        if changes and changes[-1][0] == key:
            changes[-1] = (key, value)
        else:
            changes.append((key, value))
    if keys:
        history.load(keys, amounts, increases, {"from": deployer})
    return changes


def probes_around(changes, lag):
    """Timepoints at, just before and just after every key, and the same shifted by the lag."""
    points = set()
    for key, _ in changes:
        for t in (key - 1, key, key + 1, key + lag - 1, key + lag, key + lag + 1):
            if t >= 0:
                points.add(t)
    return sorted(points)


step = st.tuples(
    st.integers(0, 50),  # seconds after the previous change (0: the same second)
    st.integers(0, 10**24),
    st.booleans(),
)


@given(steps=st.lists(step, min_size=1, max_size=30), lag=st.integers(1, 120))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_lagged_min_matches_the_model_at_every_boundary(history, deployer, steps, lag):
    changes = load(history, deployer, steps)
    probes = probes_around(changes, lag)
    got = history.laggedMins(probes, lag)
    assert list(got) == [model_lagged_min(changes, t, lag) for t in probes]
    assert history.count() == len(changes)
    assert history.latest() == changes[-1][1]


def test_a_long_history_is_read_right_through_the_recent_split_and_the_binary_search(
    history, deployer
):
    # 60 checkpoints, 7 s apart, values going up and down
    steps = [(7, (i * 37) % 11 * 10**18 + 1, i % 3 != 2) for i in range(60)]
    changes = load(history, deployer, steps)
    assert history.count() == 60
    for lag in (1, 6, 7, 8, 50, 200, 1_000):
        probes = probes_around(changes, lag)
        got = history.laggedMins(probes, lag)
        assert list(got) == [model_lagged_min(changes, t, lag) for t in probes], lag


def test_each_checkpoint_carries_the_one_before_it(history, deployer):
    history.load([10, 10, 20, 35], [5, 3, 4, 2], [True, True, True, False], {"from": deployer})
    assert history.count() == 3  # the second change at 10 updated the first in place
    assert tuple(history.checkpoint(0)) == (10, 8, 0, 0)
    assert tuple(history.checkpoint(1)) == (20, 12, 10, 8)
    assert tuple(history.checkpoint(2)) == (35, 10, 20, 12)


def test_nothing_counts_before_the_first_checkpoint_or_before_the_first_lag(history, deployer):
    history.load([100], [7], [True], {"from": deployer})
    assert list(history.laggedMins([0, 99, 100, 149, 150, 10**6], 50)) == [0, 0, 0, 0, 7, 7]
    assert list(history.laggedMins([40], 50)) == [0]  # t < lag


def test_a_value_past_96_bits_is_refused(history, deployer):
    with brownie.reverts(err("StakeHistoryOverflow", 2**96)):
        history.load([1], [2**96], [True], {"from": deployer})
    history.load([1], [2**96 - 1], [True], {"from": deployer})
    with brownie.reverts(err("StakeHistoryOverflow", 2**96)):
        history.load([2], [1], [True], {"from": deployer})


def test_a_decrease_below_zero_reverts(history, deployer):
    with brownie.reverts():
        history.load([1], [1], [False], {"from": deployer})
    history.load([1], [5], [True], {"from": deployer})
    with brownie.reverts():
        history.load([2], [6], [False], {"from": deployer})


# --- samples of a total ------------------------------------------------------------------


def model_value_at_period_start(samples, last_period, current, period):
    if last_period < period:
        return current
    value = 0
    for key, sampled in samples:
        if key < period:
            value = sampled
    return value


@given(
    gaps=st.lists(st.integers(1, 5), min_size=0, max_size=25),
    values=st.lists(st.integers(0, 2**96 - 1), min_size=25, max_size=25),
    current=st.integers(0, 2**96 - 1),
    tail=st.integers(1, 5),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_value_at_a_period_start_matches_the_model(
    history, deployer, gaps, values, current, tail
):
    keys, period = [], 0
    for gap in gaps:
        period += gap
        keys.append(period)
    samples = list(zip(keys, values[: len(keys)], strict=True))
    if samples:
        history.loadSamples(keys, values[: len(keys)], {"from": deployer})
    last_period = period + tail  # the live period, after every sample
    probes = list(range(0, last_period + 3))
    got = history.valuesAtPeriodStart(last_period, current, probes)
    assert list(got) == [
        model_value_at_period_start(samples, last_period, current, p) for p in probes
    ]
