"""Fixtures of the PointsStaking tests (loaded by tests/test_staking_*.py
through `pytest_plugins`; constants and helpers are in tests/staking_helpers.py).

The suite's defaults: warm-up 2 days, cooldown 7 days, withdraw window 2 days; points are a
MockERC20 with 18 decimals, rewards are paid in the suite's MockWBTC (8 decimals).
"""

import pytest

from tests.staking_helpers import COOLDOWN, WARMUP, WINDOW


@pytest.fixture(scope="module")
def points(MockERC20, deployer):
    return MockERC20.deploy("Bazaar Points", "BZP", 18, {"from": deployer})


@pytest.fixture(scope="module")
def staking(PointsStaking, points, wbtc, deployer):
    return PointsStaking.deploy(
        points, deployer, WARMUP, COOLDOWN, WINDOW, wbtc, {"from": deployer}
    )


@pytest.fixture(scope="module")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def carol(accounts):
    return accounts[3]
