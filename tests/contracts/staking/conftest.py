"""The staking tests run on mintable points, from a common start time."""

import pytest

from tests.support.staking import AMOUNT, fund, start_time


@pytest.fixture(scope="module")
def points(mock_points):
    """The staking tests' points: a mock ERC-20 anyone can mint."""
    return mock_points


@pytest.fixture
def t0(points, staking, alice, bob, carol):
    """Alice, Bob and Carol hold 10 * AMOUNT each, approved; returns the start time."""
    for account in (alice, bob, carol):
        fund(points, staking, account, 10 * AMOUNT)
    return start_time()
