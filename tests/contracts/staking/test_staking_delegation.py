"""PointsStaking delegation: to another account, to nobody and back to oneself, before a first
stake, to the current delegate; chains of delegation with stake changes in the same second;
the checkpoint views; delegation by signature (expired, wrong or replayed nonce, malformed,
signed for another chain) and the published signing domain."""

import brownie
import pytest
from brownie import ZERO_ADDRESS, web3
from eth_account import Account

from tests.support.governance import SECP256K1_N
from tests.support.helpers import ONE_DAY, chain_id_changed, err, mine_at
from tests.support.staking import AMOUNT, WARMUP, at, delegation, fund


def checkpoint(staking, account, index):
    """(key, value, previous key, previous value) of a delegate's checkpoint."""
    return tuple(staking.checkpoints(account, index))


def vote_changes(tx):
    if "DelegateVotesChanged" not in tx.events:
        return []
    return [dict(event) for event in tx.events["DelegateVotesChanged"]]


# --- delegation ---------------------------------------------------------------------------


def test_delegating_to_another_moves_the_units_and_writes_a_checkpoint_for_each(
    staking, alice, bob, t0
):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    tx = at(t0 + 10, staking.delegate, bob, {"from": alice})
    assert dict(tx.events["DelegateChanged"]) == {
        "delegator": alice,
        "fromDelegate": alice,
        "toDelegate": bob,
    }
    assert vote_changes(tx) == [
        {"delegate": alice, "previousVotes": AMOUNT, "newVotes": 0},
        {"delegate": bob, "previousVotes": 0, "newVotes": AMOUNT},
    ]
    assert staking.delegates(alice) == bob
    assert (staking.numCheckpoints(alice), staking.numCheckpoints(bob)) == (2, 1)
    assert checkpoint(staking, alice, 0) == (t0, AMOUNT, 0, 0)
    assert checkpoint(staking, alice, 1) == (t0 + 10, 0, t0, AMOUNT)
    assert checkpoint(staking, bob, 0) == (t0 + 10, AMOUNT, 0, 0)


def test_units_delegated_to_nobody_vote_for_nobody_until_delegated_back(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    tx = at(t0 + 10, staking.delegate, ZERO_ADDRESS, {"from": alice})
    assert vote_changes(tx) == [{"delegate": alice, "previousVotes": AMOUNT, "newVotes": 0}]
    assert staking.delegates(alice) == ZERO_ADDRESS
    # stake, unstake and cancel while delegated to nobody: no delegate's votes move
    for call, args in (
        (staking.stake, (2 * AMOUNT,)),
        (staking.requestUnstake, (AMOUNT,)),
        (staking.cancelUnstake, ()),
    ):
        assert vote_changes(call(*args, {"from": alice})) == []
    assert staking.numCheckpoints(alice) == 2
    assert staking.balanceOf(alice) == staking.totalStaked() == 3 * AMOUNT
    back = t0 + 3 * ONE_DAY
    tx = at(back, staking.delegate, alice, {"from": alice})
    assert staking.delegates(alice) == alice
    assert vote_changes(tx) == [{"delegate": alice, "previousVotes": 0, "newVotes": 3 * AMOUNT}]
    mine_at(back + WARMUP - 1)
    assert staking.getVotes(alice) == 0
    mine_at(back + WARMUP)
    assert staking.getVotes(alice) == 3 * AMOUNT


def test_delegating_to_the_current_delegate_moves_nothing(staking, alice, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    tx = at(t0 + 10, staking.delegate, alice, {"from": alice})
    event = tx.events["DelegateChanged"]
    assert event["fromDelegate"] == event["toDelegate"] == alice
    assert vote_changes(tx) == []
    assert staking.numCheckpoints(alice) == 1


def test_an_account_that_delegates_before_its_first_stake_is_never_self_delegated(
    staking, bob, carol, t0
):
    assert staking.delegates(carol) == ZERO_ADDRESS  # never staked: no delegate
    tx = at(t0, staking.delegate, bob, {"from": carol})
    assert tx.events["DelegateChanged"]["fromDelegate"] == ZERO_ADDRESS
    assert vote_changes(tx) == []  # no units yet
    tx = at(t0 + 10, staking.stake, AMOUNT, {"from": carol})
    assert "DelegateChanged" not in tx.events
    assert vote_changes(tx) == [{"delegate": bob, "previousVotes": 0, "newVotes": AMOUNT}]
    assert staking.delegates(carol) == bob
    assert staking.numCheckpoints(carol) == 0


def test_a_delegation_chain_moves_only_each_accounts_own_units_even_within_one_second(
    staking, alice, bob, carol, t0
):
    """Alice delegates to Bob, Bob to Carol, and Alice stakes more, all in one second: Bob's
    three changes in that second make one checkpoint; delegation is not transitive."""
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + 1, staking.stake, 2 * AMOUNT, {"from": bob})
    t = t0 + ONE_DAY
    txs = [
        at(t, staking.delegate, bob, {"from": alice}),  # bob: 2A -> 3A
        at(t, staking.delegate, carol, {"from": bob}),  # bob: 3A -> A, carol: 0 -> 2A
        at(t, staking.stake, AMOUNT, {"from": alice}),  # bob: A -> 2A
    ]
    assert [tx.timestamp for tx in txs] == [t, t, t]
    assert staking.numCheckpoints(bob) == 2
    assert checkpoint(staking, bob, 1) == (t, 2 * AMOUNT, t0 + 1, 2 * AMOUNT)
    assert checkpoint(staking, carol, 0) == (t, 2 * AMOUNT, 0, 0)
    assert checkpoint(staking, alice, 1) == (t, 0, t0, AMOUNT)
    mine_at(t + WARMUP)
    # bob held 2A before and after t: his votes never dipped; carol's are new and warm up
    assert staking.getPastVotes(bob, t + WARMUP - 1) == 2 * AMOUNT
    assert staking.getPastVotes(carol, t + WARMUP - 1) == 0
    assert [staking.getVotes(a) for a in (alice, bob, carol)] == [0, 2 * AMOUNT, 2 * AMOUNT]
    assert staking.totalStaked() == 4 * AMOUNT


def test_cancelling_an_unstake_returns_the_units_to_the_current_delegate(staking, alice, bob, t0):
    at(t0, staking.stake, AMOUNT, {"from": alice})
    at(t0 + 10, staking.requestUnstake, AMOUNT, {"from": alice})
    assert vote_changes(at(t0 + 20, staking.delegate, bob, {"from": alice})) == []
    tx = at(t0 + 30, staking.cancelUnstake, {"from": alice})
    assert vote_changes(tx) == [{"delegate": bob, "previousVotes": 0, "newVotes": AMOUNT}]
    assert staking.balanceOf(alice) == AMOUNT
    assert staking.numCheckpoints(alice) == 2  # the stake and the unstake


# --- delegation by signature --------------------------------------------------------------


@pytest.fixture
def holder(accounts, points, staking, alice, t0):
    """A staker whose key the test holds: (key, account), AMOUNT staked at t0."""
    key = Account.create()
    account = accounts.add(key.key)
    alice.transfer(account, 10**18)
    fund(points, staking, account, AMOUNT)
    at(t0, staking.stake, AMOUNT, {"from": account})
    return key, account


def test_an_expired_delegation_signature_is_refused(staking, holder, bob, carol, t0):
    key, account = holder
    expiry = t0 + 100
    v, r, s = delegation(staking, key, bob, 0, expiry)
    with brownie.reverts(err("VotesExpiredSignature", expiry)):
        at(expiry + 1, staking.delegateBySig, bob, 0, expiry, v, r, s, {"from": carol})
    assert staking.delegates(account) == account


def test_a_delegation_signature_with_a_wrong_or_used_nonce_is_refused(
    staking, holder, bob, carol, t0
):
    key, account = holder
    expiry = t0 + 10 * ONE_DAY
    assert staking.nonces(account) == 0
    ahead = delegation(staking, key, bob, 1, expiry)
    with brownie.reverts(err("InvalidAccountNonce", account, 0)):
        staking.delegateBySig(bob, 1, expiry, *ahead, {"from": carol})
    signature = delegation(staking, key, bob, 0, expiry)
    staking.delegateBySig(bob, 0, expiry, *signature, {"from": carol})
    assert staking.delegates(account) == bob
    assert staking.nonces(account) == 1
    with brownie.reverts(err("InvalidAccountNonce", account, 1)):
        staking.delegateBySig(bob, 0, expiry, *signature, {"from": carol})


@pytest.mark.parametrize("malformed", ["high_s", "no_signer"])
def test_a_malformed_delegation_signature_is_refused(staking, holder, bob, carol, t0, malformed):
    key, account = holder
    expiry = t0 + 10 * ONE_DAY
    v, r, s = delegation(staking, key, bob, 0, expiry)
    if malformed == "high_s":
        v, s = 55 - v, SECP256K1_N - s  # the same point's other signature: 27 <-> 28
        expected = err("ECDSAInvalidSignatureS", "0x" + s.to_bytes(32, "big").hex())
    else:
        r = s = 0  # ecrecover finds no signer
        expected = err("ECDSAInvalidSignature")
    with brownie.reverts(expected):
        staking.delegateBySig(bob, 0, expiry, v, r, s, {"from": carol})
    assert staking.delegates(account) == account


def test_after_a_chain_split_only_delegations_signed_for_the_new_chain_count(
    staking, holder, bob, t0
):
    key, account = holder
    expiry = t0 + 10 * ONE_DAY
    old_chain = web3.eth.chain_id
    domain = staking.eip712Domain()
    assert (domain[1], domain[2], domain[3], domain[4]) == (
        "BTC Bazaar Staked Points",
        "1",
        old_chain,
        staking.address,
    )
    signed_before = delegation(staking, key, bob, 0, expiry)
    with chain_id_changed(old_chain + 1):
        # (relayed by the holder's own key: anvil's unlocked accounts keep the old chain id)
        # the old signature names the old chain: it recovers some other account, not the holder
        staking.delegateBySig(bob, 0, expiry, *signed_before, {"from": account})
        assert staking.delegates(account) == account
        assert staking.nonces(account) == 0
        assert staking.eip712Domain()[3] == old_chain + 1
        signed_after = delegation(staking, key, bob, 0, expiry, old_chain + 1)
        staking.delegateBySig(bob, 0, expiry, *signed_after, {"from": account})
        assert staking.delegates(account) == bob
