"""The DAO: staked points vote on proposals that the timelock executes. A full round trip on
the marketplace fee, bounds that hold at execution, votes by signature (and every forged
ballot refused), double votes, late or moved stakes, the renounced timelock admin, and
proposals that cannot move escrowed funds or mint points."""

import brownie
import pytest
from brownie import web3

from bazaar.settings import TIMELOCK_DELAY
from bazaar.types import ADMIN_ROLE as ADMIN
from bazaar.types import CANCELLER_ROLE as CANCELLER
from bazaar.types import EXECUTOR_ROLE as EXECUTOR
from bazaar.types import PROPOSER_ROLE as PROPOSER
from tests.support.governance import (
    AGAINST,
    EXECUTED,
    FOR,
    PENDING,
    QUEUED,
    SECP256K1_N,
    SUCCEEDED,
    ballot,
    fee_proposal,
    passed,
    sign,
)
from tests.support.helpers import ONE_DAY, err, next_block_at
from tests.support.staking import POINT, WARMUP, fund

# --- set-up ------------------------------------------------------------------------------


def test_the_timelock_owns_everything_and_its_admin_role_is_renounced(
    governor, timelock, market, oracle, points, staking, deployer
):
    for contract in (market, oracle, points, staking):
        assert contract.owner() == timelock
    assert not timelock.hasRole(ADMIN, deployer)
    assert timelock.hasRole(ADMIN, timelock)  # only the timelock itself, through proposals
    for name in (PROPOSER, EXECUTOR, CANCELLER):
        assert not timelock.hasRole(name, deployer)
    assert timelock.hasRole(PROPOSER, governor) and timelock.hasRole(CANCELLER, governor)
    assert timelock.hasRole(EXECUTOR, brownie.ZERO_ADDRESS)  # anyone executes
    assert timelock.getMinDelay() == TIMELOCK_DELAY
    with brownie.reverts():
        market.setFees(0, 0, {"from": deployer})


# --- the round trip ----------------------------------------------------------------------


def test_a_full_proposal_round_trip_changes_the_marketplace_fee(
    governor, timelock, market, voters, alice, bob, stranger
):
    proposal = fee_proposal(governor, market, alice)
    assert governor.state(proposal.id) == PENDING
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": alice})
    governor.castVote(proposal.id, AGAINST, {"from": bob})
    proposal.close_voting()
    assert governor.state(proposal.id) == SUCCEEDED
    tx = proposal.queue(stranger)
    eta = tx.events["ProposalQueued"]["etaSeconds"]
    assert eta == tx.timestamp + TIMELOCK_DELAY
    next_block_at(eta - 1)
    with brownie.reverts():
        proposal.execute(stranger)
    next_block_at(eta)
    proposal.execute(stranger)
    assert governor.state(proposal.id) == EXECUTED
    assert market.config()["feeBps"] == 200


def test_a_fee_above_the_cap_passes_the_vote_but_fails_at_execution(
    governor, market, voters, alice, stranger
):
    proposal = passed(
        governor, [market], [market.setFees.encode_input(501, 200)], "501", alice, alice
    )
    assert governor.state(proposal.id) == SUCCEEDED
    eta = proposal.queue(stranger).events["ProposalQueued"]["etaSeconds"]
    next_block_at(eta)
    with brownie.reverts(err("MarketplaceFeeOutOfRange", 501, 0, 500)):
        proposal.execute(stranger)
    assert governor.state(proposal.id) == QUEUED
    assert market.config()["feeBps"] == 100


def test_governor_settings_outside_their_bounds_fail_at_execution(
    governor, voters, alice, stranger
):
    data = governor.setVotingPeriod.encode_input(31 * ONE_DAY)
    proposal = passed(governor, [governor], [data], "too long", alice, alice)
    next_block_at(proposal.queue(stranger).events["ProposalQueued"]["etaSeconds"])
    with brownie.reverts(
        err("GovernorVotingPeriodOutOfRange", 31 * ONE_DAY, ONE_DAY, 30 * ONE_DAY)
    ):
        proposal.execute(stranger)


def test_a_proposal_below_the_threshold_is_refused(governor, market, voters, stranger):
    with brownie.reverts(err("GovernorInsufficientProposerVotes", stranger, 0, 100 * POINT)):
        fee_proposal(governor, market, stranger)


# --- who votes, how much -----------------------------------------------------------------


def test_one_account_voting_twice_is_refused(governor, market, voters, alice):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": alice})
    with brownie.reverts(err("GovernorAlreadyCastVote", alice)):
        governor.castVote(proposal.id, AGAINST, {"from": alice})


def test_a_stake_after_the_snapshot_or_inside_the_warm_up_has_no_votes(
    governor, market, mock_points, staking, voters, alice, carol, stranger
):
    fund(mock_points, staking, carol, 50_000 * POINT)
    staking.stake(20_000 * POINT, {"from": carol})  # before the snapshot, inside the warm-up
    proposal = fee_proposal(governor, market, alice)
    assert proposal.snapshot - brownie.chain[-1].timestamp < WARMUP
    next_block_at(proposal.snapshot + 1)
    staking.stake(30_000 * POINT, {"from": carol})  # after the snapshot
    tx = governor.castVote(proposal.id, FOR, {"from": carol})
    assert tx.events["VoteCast"]["weight"] == 0
    assert governor.proposalVotes(proposal.id)[1] == 0


def test_points_moved_to_a_second_account_and_staked_after_the_snapshot_have_no_votes(
    governor, market, staking, mock_points, voters, alice, bob, stranger
):
    fund(mock_points, staking, stranger, 0)
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": alice})
    staking.requestUnstake(10_000 * POINT, {"from": alice})
    mock_points.mint(alice, 10_000 * POINT, {"from": alice})  # as if the stake came back
    mock_points.transfer(stranger, 10_000 * POINT, {"from": alice})
    staking.stake(10_000 * POINT, {"from": stranger})
    tx = governor.castVote(proposal.id, FOR, {"from": stranger})
    assert tx.events["VoteCast"]["weight"] == 0
    assert governor.proposalVotes(proposal.id)[1] == 10_000 * POINT  # alice's, once


def test_flash_borrowed_points_staked_in_the_voting_transaction_have_no_votes(
    governor, market, mock_points, staking, voters, alice, FlashLender, FlashStaker, deployer
):
    lender = FlashLender.deploy(mock_points, {"from": deployer})
    mock_points.mint(lender, 1_000_000 * POINT, {"from": deployer})
    attacker = FlashStaker.deploy(lender, staking, mock_points, {"from": deployer})
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    mock_points.mint(attacker, 1_000_000 * POINT, {"from": deployer})  # to repay
    attacker.attack(1_000_000 * POINT, True, {"from": deployer})
    assert attacker.stakedInside() == 1_000_000 * POINT  # the stake happened...
    assert attacker.votesInside() == 0  # ...and carried no votes in its transaction
    assert governor.getVotes(attacker, proposal.snapshot) == 0


# --- votes by signature ------------------------------------------------------------------


def test_a_vote_by_signature_is_counted_once_and_relayed_by_anyone(
    governor, market, voters, alice, signer, stranger
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    nonce = governor.nonces(signer.address)
    signature = sign(signer, ballot(governor, proposal.id, FOR, signer.address, nonce))
    tx = governor.castVoteBySig(proposal.id, FOR, signer.address, signature, {"from": stranger})
    assert tx.events["VoteCast"]["voter"] == signer.address
    assert tx.events["VoteCast"]["weight"] == 5_000 * POINT
    # replayed: the ballot names its proposal, and the voter has voted on it (the ballot's
    # nonce is not used up: see BazaarGovernor._validateVoteSig)
    with brownie.reverts(err("GovernorAlreadyCastVote", signer.address)):
        governor.castVoteBySig(proposal.id, FOR, signer.address, signature, {"from": stranger})
    assert governor.nonces(signer.address) == nonce
    assert [int(v) for v in governor.proposalVotes(proposal.id)] == [0, 5_000 * POINT, 0]


@pytest.mark.parametrize("forgery", ["other_chain", "other_governor", "high_s", "other_support"])
def test_a_forged_or_misdirected_ballot_is_refused(
    governor, market, voters, alice, signer, stranger, forgery
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    nonce = governor.nonces(signer.address)
    chain_id = web3.eth.chain_id + 1 if forgery == "other_chain" else None
    contract = market.address if forgery == "other_governor" else None
    signature = sign(
        signer, ballot(governor, proposal.id, FOR, signer.address, nonce, chain_id, contract)
    )
    support = FOR
    if forgery == "high_s":
        r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
        signature = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28
    if forgery == "other_support":
        support = AGAINST
    with brownie.reverts(err("GovernorInvalidSignature", signer.address)):
        governor.castVoteBySig(proposal.id, support, signer.address, signature, {"from": stranger})
    assert [int(v) for v in governor.proposalVotes(proposal.id)] == [0, 0, 0]


# --- what no proposal can do -------------------------------------------------------------


def test_a_proposal_cannot_move_escrowed_funds_or_mint_points(
    governor, timelock, market, points, order, voters, alice, stranger
):
    # No owner function of the marketplace moves escrow, and the points have no mint at all.
    owner_only = {
        "setFees",
        "setWindows",
        "setDigitalWindow",
        "addPaymentToken",
        "setArbiter",
        "setCarrier",
        "setTreasury",
        "setGuardian",
        "setPaused",
        "setPointsRate",
        "setFeeShare",
        "transferOwnership",
        "renounceOwnership",
        "acceptOwnership",
    }
    assert not hasattr(points, "mint") and not hasattr(points, "grantRole")
    # The lifecycle functions that pay out refuse the timelock (it is no party of the order),
    # and the points' minting hooks refuse anyone but the marketplace.
    targets = [market, market, points]
    datas = [
        market.refund.encode_input(order.terms, order.term("lockedAmount")),
        market.resolveDispute.encode_input(order.terms, 10_000),
        points.onOrderCompleted.encode_input(1, stranger, alice, 10**9, 1),
    ]
    proposal = passed(governor, targets, datas, "steal", alice, alice)
    next_block_at(proposal.queue(stranger).events["ProposalQueued"]["etaSeconds"])
    with brownie.reverts(err("MarketplaceUnauthorized", timelock, order.id)):
        proposal.execute(stranger)
    assert market.getOrder(order.id)["amount"] == order.term("lockedAmount")
    assert points.totalSupply() == 0
    payable = {
        f["name"]
        for f in market.abi
        if f["type"] == "function" and f["stateMutability"] == "nonpayable"
    }
    lifecycle = {
        "list",
        "listDigital",
        "updateListing",
        "delist",
        "checkout",
        "checkoutCart",
        "checkoutCartWithPermit2",
        "checkoutOffer",
        "cancelOffer",
        "cancelAllOffers",
        "setCommission",
        "setReferrer",
        "ship",
        "shipBatch",
        "addCheckpoint",
        "confirm",
        "confirmBatch",
        "release",
        "reclaim",
        "cancel",
        "refund",
        "openDispute",
        "addEvidence",
        "resolveDispute",
        "resolveAfterTimeout",
        "review",
        "claim",
        "withdrawFees",
        "sweep",
    }
    assert payable == owner_only | lifecycle  # nothing else exists to call
