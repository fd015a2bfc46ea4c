"""Nothing that passed its preflight runs out of gas: the gas is estimated for the block the
transaction will land in, not only for the latest one (a staking change in a later second
writes a new vote checkpoint, which costs more than updating the current second's)."""

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar.clients.staking import StakingClient
from bazaar.errors import RevertError
from bazaar.settings import POINT, STAKING_SETTINGS
from bazaar.tx import TxSender
from tests.support.cli import ADDRESSES, DEV_KEYS
from tests.support.helpers import mine_at, next_block_at


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


@pytest.fixture
def staker(w3, mock_points, staking, deployer):
    mock_points.mint(ADDRESSES["buyer"], 1_000 * POINT, {"from": deployer})
    return StakingClient(w3, staking.address, TxSender(w3, Account.from_key(DEV_KEYS["buyer"])))


def latest_time() -> int:
    return brownie.web3.eth.get_block("latest")["timestamp"]


@pytest.mark.parametrize("seconds_later", [1, 30])
def test_an_unstake_sent_right_after_a_stake_lands_in_a_later_second_and_succeeds(
    staker, staking, seconds_later
):
    staker.stake(100 * POINT)
    # The stake's vote checkpoint is keyed by its block's second; the unstake lands in a
    # later one (as when `bazaar stake` and `bazaar unstake` run one after the other).
    next_block_at(latest_time() + seconds_later)
    receipt = staker.request_unstake(40 * POINT)
    assert receipt["status"] == 1
    assert staking.balanceOf(ADDRESSES["buyer"]) == 60 * POINT


def test_the_gas_limit_covers_the_later_block_and_keeps_a_margin(w3, staker):
    staker.stake(100 * POINT)
    next_block_at(latest_time() + 5)
    receipt = staker.request_unstake(40 * POINT)
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert receipt["gasUsed"] * 110 // 100 <= tx["gas"]  # at least 10 % left over


def test_a_transaction_that_would_revert_in_the_block_it_lands_in_is_refused_and_not_sent(
    w3, staker
):
    staker.stake(100 * POINT)
    staker.request_unstake(40 * POINT)
    requested = latest_time()
    settings = STAKING_SETTINGS
    mine_at(requested + settings.cooldown + 1)  # inside the withdraw window now
    # ... but the next block comes after the window: the withdraw would fail there.
    next_block_at(requested + settings.cooldown + settings.window + 10)
    nonce = w3.eth.get_transaction_count(ADDRESSES["buyer"])
    with pytest.raises(RevertError, match=r"^withdraw would revert: "):
        staker.withdraw()
    assert w3.eth.get_transaction_count(ADDRESSES["buyer"]) == nonce


def test_a_node_that_cannot_estimate_against_pending_leaves_the_latest_estimate(
    w3, staker, monkeypatch
):
    estimate = w3.eth.estimate_gas

    def latest_only(tx, block_identifier=None):
        if block_identifier == "pending":
            raise ValueError({"code": -32602, "message": "unsupported block tag: pending"})
        return estimate(tx, block_identifier)

    staker.stake(100 * POINT)
    monkeypatch.setattr(w3.eth, "estimate_gas", latest_only)
    call = staker.call_for("requestUnstake", 5 * POINT, label="request unstake")
    assert staker.sender.preflight(call) == estimate(
        {"from": ADDRESSES["buyer"], "to": call.to, "data": call.data}
    )
