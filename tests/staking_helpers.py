"""Constants and helpers of the PointsStaking tests."""

import brownie

from tests.helpers import ONE_DAY, next_block_at

WARMUP = 2 * ONE_DAY
COOLDOWN = 7 * ONE_DAY
WINDOW = 2 * ONE_DAY
POINT = 10**18  # points carry 18 decimals
AMOUNT = 1_000 * POINT  # the staking tests' usual stake


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
