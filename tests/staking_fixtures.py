"""Fixtures and helpers for the PointsStaking tests (imported by tests/test_staking_*.py).

The suite's defaults: warm-up 2 days, cooldown 7 days, withdraw window 2 days; points are a
MockERC20 with 18 decimals, rewards are paid in the suite's MockWBTC (8 decimals).
"""

import brownie
import pytest

from tests.helpers import ONE_DAY, next_block_at

WARMUP = 2 * ONE_DAY
COOLDOWN = 7 * ONE_DAY
WINDOW = 2 * ONE_DAY
POINT = 10**18  # points carry 18 decimals


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


def fund(points, staking, account, amount):
    """Mints `amount` points to `account` and approves the staking contract for all."""
    points.mint(account, amount, {"from": account})
    points.approve(staking, 2**256 - 1, {"from": account})


def at(timestamp, call, *args):
    """Sends `call(*args)` in a block with `timestamp`; returns the transaction."""
    next_block_at(timestamp)
    return call(*args)


def start_time() -> int:
    """A timestamp safely after the latest block, for a test's first transaction."""
    return brownie.chain[-1].timestamp + 1_000
