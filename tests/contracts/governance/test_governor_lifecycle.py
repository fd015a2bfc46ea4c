"""BazaarGovernor's proposal lifecycle: who may propose, cancel, queue and execute, and in
which states; proposals that reach the timelock by another road (executed or cancelled there
directly); relaying; the deposits the governor refuses; its constructor's checks.

One file, over 400 lines: the one state machine of a proposal.
"""

import brownie
import pytest
from brownie import ZERO_ADDRESS, web3

from bazaar.settings import GOVERNOR_SETTINGS, TIMELOCK_DELAY
from tests.support.governance import (
    ACTIVE,
    CANCELED,
    EXECUTED,
    FOR,
    PENDING,
    QUEUED,
    SUCCEEDED,
    Proposal,
    both_queued_then_later_executed,
    enacted,
    fee_proposal,
    passed,
    state_bitmap,
)
from tests.support.helpers import ONE_DAY, ONE_HOUR, err, mine_at, mint_item, next_block_at
from tests.support.staking import POINT

NO_STATE = "0x" + "00" * 32


def timelock_salt(governor, description_hash) -> bytes:
    """GovernorTimelockControl's salt: the governor's address (left-aligned) ^ the hash."""
    address = bytes.fromhex(governor.address[2:]) + bytes(12)
    return bytes(a ^ b for a, b in zip(address, bytes(description_hash), strict=True))


# --- proposing ---------------------------------------------------------------------------


def test_the_same_proposal_cannot_be_submitted_twice(governor, market, voters, alice, bob):
    proposal = fee_proposal(governor, market, alice)
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal.id, PENDING, NO_STATE)):
        fee_proposal(governor, market, bob)


@pytest.mark.parametrize(
    "targets, values, datas",
    [(1, 2, 1), (1, 1, 2), (0, 0, 0)],
    ids=["values_differ", "calldatas_differ", "empty"],
)
def test_a_proposal_needs_one_value_and_calldata_per_target_and_at_least_one_target(
    governor, market, voters, alice, targets, values, datas
):
    data = market.setFees.encode_input(200, 200)
    with brownie.reverts(err("GovernorInvalidProposalLength", targets, datas, values)):
        governor.propose(
            [market] * targets, [0] * values, [data] * datas, "lengths", {"from": alice}
        )


def test_a_description_ending_in_a_proposer_suffix_is_reserved_to_that_proposer(
    governor, market, voters, alice, bob
):
    suffix = f"#proposer={alice.address.lower()}"  # the address is read case-insensitively
    data = market.setFees.encode_input(300, 200)
    with brownie.reverts(err("GovernorRestrictedProposer", bob)):
        governor.propose([market], [0], [data], f"fee 300{suffix}", {"from": bob})
    tx = governor.propose([market], [0], [data], f"fee 300{suffix}", {"from": alice})
    assert tx.events["ProposalCreated"]["proposer"] == alice


@pytest.mark.parametrize(
    "description",
    [f"fee 300#proposer=0x{'zz' * 20}", "a description long enough to hold a suffix, but none"],
    ids=["suffix_not_an_address", "no_suffix"],
)
def test_a_description_without_a_valid_proposer_suffix_is_open_to_anyone(
    governor, market, voters, bob, description
):
    assert len(description) >= 52  # long enough that the suffix is looked for
    data = market.setFees.encode_input(300, 200)
    tx = governor.propose([market], [0], [data], description, {"from": bob})
    assert tx.events["ProposalCreated"]["proposer"] == bob


def test_an_unknown_proposal_has_no_state(governor, voters):
    with brownie.reverts(err("GovernorNonexistentProposal", 12345)):
        governor.state(12345)


# --- cancelling ---------------------------------------------------------------------------


def test_the_proposer_cancels_a_pending_proposal_and_nobody_can_vote_on_it(
    governor, market, voters, alice
):
    proposal = fee_proposal(governor, market, alice)
    tx = proposal.cancel(alice)
    assert tx.events["ProposalCanceled"]["proposalId"] == proposal.id
    assert proposal.state() == CANCELED
    proposal.open_voting()
    with brownie.reverts(
        err("GovernorUnexpectedProposalState", proposal.id, CANCELED, state_bitmap(ACTIVE))
    ):
        governor.castVote(proposal.id, FOR, {"from": alice})


def test_only_the_proposer_cancels_and_only_while_the_proposal_is_pending(
    governor, market, voters, alice, bob
):
    proposal = fee_proposal(governor, market, alice)
    with brownie.reverts(err("GovernorUnableToCancel", proposal.id, bob)):
        proposal.cancel(bob)
    proposal.open_voting()
    with brownie.reverts(err("GovernorUnableToCancel", proposal.id, alice)):
        proposal.cancel(alice)
    assert proposal.state() == ACTIVE


# --- queueing and executing ---------------------------------------------------------------


def test_a_proposal_is_queued_only_once_it_succeeded_and_executed_only_once_queued(
    governor, market, voters, alice, stranger
):
    proposal = fee_proposal(governor, market, alice)
    to_queue, to_execute = state_bitmap(SUCCEEDED), state_bitmap(QUEUED)
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal.id, PENDING, to_queue)):
        proposal.queue(stranger)
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": alice})
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal.id, ACTIVE, to_queue)):
        proposal.queue(stranger)
    proposal.close_voting()
    with brownie.reverts(
        err("GovernorUnexpectedProposalState", proposal.id, SUCCEEDED, to_execute)
    ):
        proposal.execute(stranger)
    eta = proposal.queued(stranger)
    assert governor.proposalEta(proposal.id) == eta
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal.id, QUEUED, to_queue)):
        proposal.queue(stranger)
    next_block_at(eta)
    proposal.execute(stranger)
    with brownie.reverts(err("GovernorUnexpectedProposalState", proposal.id, EXECUTED, to_execute)):
        proposal.execute(stranger)
    with brownie.reverts(err("GovernorUnableToCancel", proposal.id, alice)):
        proposal.cancel(alice)
    assert market.config()["feeBps"] == 200


def test_a_queued_proposal_executed_directly_on_the_timelock_reads_as_executed(
    governor, timelock, market, voters, alice, stranger
):
    proposal = passed(
        governor, [market], [market.setFees.encode_input(250, 200)], "fee 250", alice, alice
    )
    eta = proposal.queued(stranger)
    salt = timelock_salt(governor, proposal.hash)
    next_block_at(eta)
    timelock.executeBatch(*proposal.args, b"\x00" * 32, salt, {"from": stranger})
    assert market.config()["feeBps"] == 250
    assert proposal.state() == EXECUTED
    with brownie.reverts(
        err("GovernorUnexpectedProposalState", proposal.id, EXECUTED, state_bitmap(QUEUED))
    ):
        proposal.execute(stranger)


def test_a_queued_change_of_a_governor_setting_runs_only_through_the_governor(
    governor, timelock, voters, alice, stranger
):
    data = governor.setVotingDelay.encode_input(2 * ONE_HOUR)
    proposal = passed(governor, [governor], [data], "delay 2h", alice, alice)
    eta = proposal.queued(stranger)
    next_block_at(eta)
    with brownie.reverts():  # the governor expects no governance call: its queue is empty
        timelock.executeBatch(
            *proposal.args, b"\x00" * 32, timelock_salt(governor, proposal.hash), {"from": stranger}
        )
    assert proposal.state() == QUEUED
    assert governor.votingDelay() == ONE_DAY
    tx = proposal.execute(stranger)
    assert tx.events["VotingDelaySet"]["newVotingDelay"] == 2 * ONE_HOUR
    assert governor.votingDelay() == 2 * ONE_HOUR


def test_governance_cancels_a_queued_proposal_in_the_timelock_through_relay(
    governor, timelock, market, voters, alice, stranger
):
    doomed = fee_proposal(governor, market, alice, 400)
    doomed_op = timelock.hashOperationBatch(
        *doomed.args, b"\x00" * 32, timelock_salt(governor, doomed.hash)
    )
    # the governor holds the timelock's canceller role; relay makes it use it
    veto = governor.relay.encode_input(timelock, 0, timelock.cancel.encode_input(doomed_op))
    vetoing = Proposal(governor, [governor], [veto], "veto fee 400", alice)
    tx = both_queued_then_later_executed(doomed, vetoing, alice, stranger)
    assert tx.events["Cancelled"]["id"] == doomed_op
    assert timelock.getOperationState(doomed_op) == 0  # Unset
    assert doomed.state() == CANCELED
    with brownie.reverts(
        err("GovernorUnexpectedProposalState", doomed.id, CANCELED, state_bitmap(QUEUED))
    ):
        doomed.execute(stranger)
    assert market.config()["feeBps"] == 100


def test_an_unexecuted_proposal_never_expires_under_the_timelock(
    governor, market, voters, alice, stranger
):
    # GovernorTimelockControl has no grace period: Expired is never reported.
    proposal = passed(
        governor, [market], [market.setFees.encode_input(300, 200)], "fee 300", alice, alice
    )
    eta = proposal.queued(stranger)
    mine_at(eta + 365 * ONE_DAY)
    assert proposal.state() == QUEUED
    tx = proposal.execute(stranger)
    assert tx.events["ProposalExecuted"]["proposalId"] == proposal.id
    assert proposal.state() == EXECUTED
    assert market.config()["feeBps"] == 300


def test_a_proposal_may_execute_another_queued_proposal(governor, market, voters, alice, stranger):
    inner = fee_proposal(governor, market, alice, 350)
    call = governor.execute.encode_input(*inner.args, inner.hash)
    outer = Proposal(governor, [governor], [call], "execute fee 350", alice)
    tx = both_queued_then_later_executed(inner, outer, alice, stranger)
    assert [e["proposalId"] for e in tx.events["ProposalExecuted"]] == [inner.id, outer.id]
    assert inner.state() == outer.state() == EXECUTED
    assert market.config()["feeBps"] == 350


# --- relaying and deposits ----------------------------------------------------------------


def test_relay_is_refused_unless_called_through_governance(
    governor, timelock, mock_points, voters, stranger
):
    data = mock_points.transfer.encode_input(stranger, 1)
    with brownie.reverts(err("GovernorOnlyExecutor", stranger)):
        governor.relay(mock_points, 0, data, {"from": stranger})


def test_tokens_sent_to_the_governor_by_mistake_are_recovered_by_a_relay_proposal(
    governor, mock_points, voters, alice, treasury, stranger
):
    mock_points.mint(governor, 5 * POINT, {"from": stranger})
    transfer = mock_points.transfer.encode_input(treasury, 5 * POINT)
    data = governor.relay.encode_input(mock_points, 0, transfer)
    enacted(governor, [governor], [data], "recover 5 points", alice, alice, stranger)
    assert mock_points.balanceOf(treasury) == 5 * POINT
    assert mock_points.balanceOf(governor) == 0


@pytest.mark.parametrize("failure", ["with_reason", "without_data"])
def test_a_relayed_call_that_fails_fails_the_execution(
    governor, mock_points, voters, alice, treasury, stranger, failure
):
    if failure == "with_reason":
        call = mock_points.transfer.encode_input(treasury, POINT)  # the governor holds none
        expected = err("ERC20InsufficientBalance", governor, 0, POINT)
    else:
        call = "0xdeadbeef"  # no such function, and the token has no fallback
        expected = err("FailedCall")
    data = governor.relay.encode_input(mock_points, 0, call)
    proposal = passed(governor, [governor], [data], f"relay {failure}", alice, alice)
    next_block_at(proposal.queued(stranger))
    with brownie.reverts(expected):
        proposal.execute(stranger)
    assert proposal.state() == QUEUED


def test_the_governor_refuses_ether_and_tokens_sent_to_it(governor, goods, seller, stranger):
    with brownie.reverts(err("GovernorDisabledDeposit")):
        stranger.transfer(governor, 1)
    item = mint_item(goods, seller)
    with brownie.reverts(err("GovernorDisabledDeposit")):
        goods.safeTransferFrom(seller, governor, item, {"from": seller})
    assert goods.ownerOf(item) == seller
    # no ERC-1155 token here: the hooks answer the same to anyone who calls them
    with brownie.reverts(err("GovernorDisabledDeposit")):
        governor.onERC1155Received(stranger, stranger, 1, 1, b"", {"from": stranger})
    with brownie.reverts(err("GovernorDisabledDeposit")):
        governor.onERC1155BatchReceived(stranger, stranger, [1], [1], b"", {"from": stranger})
    with brownie.reverts(err("GovernorDisabledDeposit")):
        governor.onERC721Received(stranger, stranger, 1, b"", {"from": stranger})
    assert governor.balance() == 0


# --- the timelock a proposal runs through ------------------------------------------------


def test_governance_moves_the_governor_to_a_new_timelock(
    BazaarTimelock, governor, timelock, voters, alice, deployer, stranger
):
    successor = BazaarTimelock.deploy(
        TIMELOCK_DELAY, [governor], [ZERO_ADDRESS], ZERO_ADDRESS, {"from": deployer}
    )
    data = governor.updateTimelock.encode_input(successor)
    _, tx = enacted(governor, [governor], [data], "new timelock", alice, alice, stranger)
    assert dict(tx.events["TimelockChange"]) == {
        "oldTimelock": timelock,
        "newTimelock": successor,
    }
    assert governor.timelock() == successor
    # the next proposal runs through the successor
    data = governor.setVotingDelay.encode_input(3 * ONE_HOUR)
    _, tx = enacted(governor, [governor], [data], "delay 3h", alice, alice, stranger)
    operation = tx.events["CallExecuted"]["id"]
    assert successor.isOperationDone(operation)
    assert not timelock.isOperation(operation)
    assert governor.votingDelay() == 3 * ONE_HOUR


@pytest.mark.parametrize("successor", ["the_governor", "a_timelock_without_it", "an_account"])
def test_a_proposal_moving_to_a_timelock_that_would_not_take_its_proposals_fails_at_execution(
    BazaarTimelock, governor, timelock, market, voters, alice, deployer, stranger, successor
):
    """The governor as its own timelock, a timelock where it is not a proposer, or an account
    without code: after the move no proposal could be queued, so the move is refused."""
    target = {
        "the_governor": lambda: governor,
        "a_timelock_without_it": lambda: BazaarTimelock.deploy(
            TIMELOCK_DELAY, [stranger], [ZERO_ADDRESS], ZERO_ADDRESS, {"from": deployer}
        ),
        "an_account": lambda: stranger,
    }[successor]()
    data = governor.updateTimelock.encode_input(target)
    proposal = passed(governor, [governor], [data], f"timelock {successor}", alice, alice)
    next_block_at(proposal.queued(stranger))
    with brownie.reverts(err("GovernorTimelockUnusable", target)):
        proposal.execute(stranger)
    assert governor.timelock() == timelock
    # governance still works through the old timelock
    data = market.setFees.encode_input(300, 200)
    enacted(governor, [market], [data], "fee 300", alice, alice, stranger)
    assert market.config()["feeBps"] == 300


def test_only_governance_may_move_the_governor_to_another_timelock(
    BazaarTimelock, governor, timelock, deployer, stranger
):
    successor = BazaarTimelock.deploy(
        TIMELOCK_DELAY, [governor], [ZERO_ADDRESS], ZERO_ADDRESS, {"from": deployer}
    )
    with brownie.reverts(err("GovernorOnlyExecutor", stranger)):
        governor.updateTimelock(successor, {"from": stranger})
    assert governor.timelock() == timelock


# --- construction -------------------------------------------------------------------------


def test_the_constructor_refuses_a_votes_contract_that_counts_in_blocks(
    BazaarGovernor, BlockClockVotes, timelock, deployer
):
    votes = BlockClockVotes.deploy({"from": deployer})
    assert votes.CLOCK_MODE() != "mode=timestamp"
    with brownie.reverts(err("GovernorVotesClockNotTimestamp", votes)):
        BazaarGovernor.deploy(votes, timelock, *GOVERNOR_SETTINGS.as_args(), {"from": deployer})


@pytest.mark.parametrize(
    "index, value, error, bounds",
    [
        (0, ONE_HOUR - 1, "GovernorVotingDelayOutOfRange", (ONE_HOUR, 14 * ONE_DAY)),
        (1, 30 * ONE_DAY + 1, "GovernorVotingPeriodOutOfRange", (ONE_DAY, 30 * ONE_DAY)),
        (2, 10**24 + 1, "GovernorProposalThresholdOutOfRange", (10**24,)),
        (3, 0, "GovernorQuorumPercentOutOfRange", (1, 50)),
        (4, 7 * ONE_DAY + 1, "GovernorLateQuorumExtensionOutOfRange", (ONE_HOUR, 7 * ONE_DAY)),
    ],
)
def test_the_constructor_refuses_settings_out_of_their_bounds(
    BazaarGovernor, staking, timelock, deployer, index, value, error, bounds
):
    settings = list(GOVERNOR_SETTINGS.as_args())
    settings[index] = value
    with brownie.reverts(err(error, value, *bounds)):
        BazaarGovernor.deploy(staking, timelock, *settings, {"from": deployer})


@pytest.mark.parametrize(
    "settings",
    [
        (ONE_HOUR, ONE_DAY, 0, 1, ONE_HOUR),  # every lower bound
        (14 * ONE_DAY, 30 * ONE_DAY, 10**24, 50, 7 * ONE_DAY),  # every upper bound
    ],
    ids=["lower", "upper"],
)
def test_the_constructor_accepts_settings_at_their_bounds(
    BazaarGovernor, staking, timelock, deployer, settings
):
    governor = BazaarGovernor.deploy(staking, timelock, *settings, {"from": deployer})
    assert (
        governor.votingDelay(),
        governor.votingPeriod(),
        governor.proposalThreshold(),
        governor.quorumNumerator(),
        governor.lateQuorumVoteExtension(),
    ) == settings


def test_the_governor_describes_itself(governor, timelock, staking, voters, alice):
    assert governor.name() == "BazaarGovernor"
    assert governor.version() == "1"
    assert governor.token() == staking
    assert governor.timelock() == timelock
    assert governor.COUNTING_MODE() == "support=bravo&quorum=for,abstain"
    assert governor.CLOCK_MODE() == "mode=timestamp"
    assert governor.quorumDenominator() == 100
    assert governor.quorumNumerator() == 4
    assert (governor.votingDelay(), governor.votingPeriod()) == (ONE_DAY, 3 * ONE_DAY)
    assert governor.proposalThreshold() == 100 * POINT
    assert governor.lateQuorumVoteExtension() == ONE_DAY
    assert governor.proposalNeedsQueuing(0)
    past = voters - 1  # the staked points warmed up by then
    assert governor.getVotes(alice, past) == staking.getPastVotes(alice, past) > 0
    assert governor.getVotesWithParams(alice, past, b"\x01") == governor.getVotes(alice, past)
    fields = governor.eip712Domain()
    assert (fields[1], fields[2], fields[3], fields[4]) == (
        "BazaarGovernor",
        "1",
        web3.eth.chain_id,
        governor.address,
    )
    for interface in ("0x01ffc9a7", "0x4e2312e0"):  # ERC-165, ERC-1155 receiver
        assert governor.supportsInterface(interface)
    assert not governor.supportsInterface("0xffffffff")
