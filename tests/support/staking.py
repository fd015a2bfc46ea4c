"""Constants and helpers of the PointsStaking tests."""

import brownie

from bazaar.settings import POINT, STAKING_SETTINGS
from bazaar.signing import eip712
from tests.support.helpers import next_block_at

WARMUP = STAKING_SETTINGS.warmup
COOLDOWN = STAKING_SETTINGS.cooldown
WINDOW = STAKING_SETTINGS.window
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


def delegation(staking, key, delegatee, nonce, expiry, chain_id=None):
    """(v, r, s) of `key`'s `Delegation` to `delegatee`, signed under the staking's EIP-712
    domain on this chain (or on `chain_id`)."""
    chain = brownie.web3.eth.chain_id if chain_id is None else chain_id
    domain = eip712.Domain(eip712.STAKING_DOMAIN_NAME, eip712.DOMAIN_VERSION, chain, str(staking))
    signature = eip712.sign_typed(key, eip712.delegation(domain, str(delegatee), nonce, expiry))
    r, s = (int.from_bytes(half, "big") for half in (signature[:32], signature[32:64]))
    return signature[64], r, s
