"""BazaarGovernor's counting and settings: quorum (abstain counts, against does not carry),
defeat, late-quorum extension, every way to cast a vote (with a reason, with params, by an
extended ballot, by a contract wallet's ERC-1271 signature) and the ballots refused; the
settings changed through proposals within their bounds and refused one past them; the quorum
of a proposal fixed at its snapshot however often it changes later."""

import brownie
import pytest
from brownie import web3
from eth_account import Account

from tests.support.governance import (
    ABSTAIN,
    ACTIVE,
    AGAINST,
    DEFEATED,
    FOR,
    SUCCEEDED,
    Proposal,
    ballot,
    enacted,
    extended_ballot,
    fee_proposal,
    sign,
)
from tests.support.helpers import ONE_DAY, ONE_HOUR, chain_id_changed, err, mine_at, next_block_at
from tests.support.staking import POINT, WARMUP, fund

SMALL = 100 * POINT  # below the 4 % quorum of the 11,100 points staked


@pytest.fixture
def small_voter(mock_points, staking, voters, carol):
    """Carol stakes 100 points (alice 10,000 and bob 1,000 already); all warmed up."""
    fund(mock_points, staking, carol, SMALL)
    staking.stake(SMALL, {"from": carol})
    mine_at(brownie.chain[-1].timestamp + WARMUP + 1)
    return carol


def votes(governor, proposal):
    return [int(v) for v in governor.proposalVotes(proposal.id)]


# --- counting -----------------------------------------------------------------------------


def test_a_proposal_nobody_votes_on_is_defeated(governor, market, voters, alice):
    proposal = fee_proposal(governor, market, alice)
    proposal.close_voting()
    assert votes(governor, proposal) == [0, 0, 0]
    assert proposal.state() == DEFEATED


def test_abstentions_count_toward_quorum_but_do_not_carry_a_proposal(
    governor, staking, market, small_voter, alice, bob, carol
):
    alone = fee_proposal(governor, market, alice, 201)  # carol for: below quorum
    helped = fee_proposal(governor, market, alice, 202)  # carol for, bob abstains
    abstained = fee_proposal(governor, market, alice, 203)  # bob abstains only
    abstained.open_voting()
    quorum = governor.quorum(alone.snapshot)
    assert quorum == staking.getPastTotalSupply(alone.snapshot) * 4 // 100
    assert SMALL < quorum <= 1_000 * POINT
    governor.castVote(alone.id, FOR, {"from": carol})
    governor.castVote(helped.id, FOR, {"from": carol})
    for proposal in (helped, abstained):
        governor.castVote(proposal.id, ABSTAIN, {"from": bob})
    abstained.close_voting()
    assert votes(governor, helped) == [0, SMALL, 1_000 * POINT]
    assert governor.hasVoted(helped.id, bob) and not governor.hasVoted(helped.id, alice)
    assert alone.state() == DEFEATED  # no quorum
    assert helped.state() == SUCCEEDED  # quorum thanks to the abstention, and for > against
    assert abstained.state() == DEFEATED  # quorum, but no vote for


def test_more_votes_against_than_for_defeat_a_proposal_that_reached_quorum(
    governor, market, voters, alice, bob
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": bob})
    governor.castVote(proposal.id, AGAINST, {"from": alice})
    proposal.close_voting()
    assert votes(governor, proposal) == [10_000 * POINT, 1_000 * POINT, 0]
    assert proposal.state() == DEFEATED


def test_quorum_reached_early_leaves_the_deadline_where_it_was(governor, market, voters, alice):
    proposal = fee_proposal(governor, market, alice)
    deadline = governor.proposalDeadline(proposal.id)
    proposal.open_voting()
    tx = governor.castVote(proposal.id, FOR, {"from": alice})
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(proposal.id) == deadline


def test_quorum_reached_late_extends_voting_so_opponents_can_answer(
    governor, market, small_voter, alice, bob, carol
):
    proposal = fee_proposal(governor, market, alice)
    deadline = governor.proposalDeadline(proposal.id)
    proposal.open_voting()
    tx = governor.castVote(proposal.id, FOR, {"from": carol})  # below quorum: no extension
    assert "ProposalExtended" not in tx.events
    late = deadline - 60
    next_block_at(late)
    tx = governor.castVote(proposal.id, FOR, {"from": bob})  # reaches quorum a minute early
    extended = late + ONE_DAY
    assert dict(tx.events["ProposalExtended"]) == {
        "proposalId": proposal.id,
        "extendedDeadline": extended,
    }
    assert governor.proposalDeadline(proposal.id) == extended
    mine_at(deadline + 1)
    assert proposal.state() == ACTIVE
    tx = governor.castVote(proposal.id, AGAINST, {"from": alice})  # answers in the extension
    assert "ProposalExtended" not in tx.events
    assert governor.proposalDeadline(proposal.id) == extended
    mine_at(extended + 1)
    assert proposal.state() == DEFEATED


# --- ways to vote -------------------------------------------------------------------------


def test_votes_with_a_reason_or_with_params_are_counted_and_logged(
    governor, market, small_voter, alice, bob, carol
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    tx = governor.castVoteWithReason(proposal.id, FOR, "cheaper", {"from": alice})
    assert tx.events["VoteCast"]["reason"] == "cheaper"
    assert tx.return_value == 10_000 * POINT
    tx = governor.castVoteWithReasonAndParams(
        proposal.id, AGAINST, "too cheap", b"\x01\x02", {"from": bob}
    )
    event = tx.events["VoteCastWithParams"]
    assert (event["voter"], event["weight"], event["params"]) == (bob, 1_000 * POINT, "0x0102")
    tx = governor.castVoteWithReasonAndParams(proposal.id, ABSTAIN, "", b"", {"from": carol})
    assert "VoteCastWithParams" not in tx.events and tx.events["VoteCast"]["weight"] == SMALL
    assert votes(governor, proposal) == [1_000 * POINT, 10_000 * POINT, SMALL]


def test_an_invalid_vote_type_is_refused(governor, market, voters, alice):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    with brownie.reverts(err("GovernorInvalidVoteType")):
        governor.castVote(proposal.id, 3, {"from": alice})
    assert not governor.hasVoted(proposal.id, alice)


def test_an_extended_ballot_signed_off_chain_is_counted_once_and_uses_up_the_nonce(
    governor, market, voters, alice, signer, stranger
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    nonce = governor.nonces(signer.address)
    data = extended_ballot(governor, proposal.id, FOR, signer.address, nonce, "yes", b"\x07")
    signature = sign(signer, data)
    tx = governor.castVoteWithReasonAndParamsBySig(
        proposal.id, FOR, signer.address, "yes", b"\x07", signature, {"from": stranger}
    )
    event = tx.events["VoteCastWithParams"]
    assert (event["voter"], event["weight"], event["reason"]) == (
        signer.address,
        5_000 * POINT,
        "yes",
    )
    assert governor.nonces(signer.address) == nonce + 1
    # replayed: the nonce it names is used up
    with brownie.reverts(err("GovernorInvalidSignature", signer.address)):
        governor.castVoteWithReasonAndParamsBySig(
            proposal.id, FOR, signer.address, "yes", b"\x07", signature, {"from": stranger}
        )
    assert votes(governor, proposal) == [0, 5_000 * POINT, 0]


@pytest.mark.parametrize("malformed", ["short", "recovers_nobody"])
def test_a_malformed_ballot_signature_is_refused(
    governor, market, voters, alice, signer, stranger, malformed
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    nonce = governor.nonces(signer.address)
    signature = sign(signer, ballot(governor, proposal.id, FOR, signer.address, nonce))
    # 64 bytes; or r = s = 0, for which ecrecover finds no signer
    signature = signature[:64] if malformed == "short" else bytes(64) + bytes([27])
    with brownie.reverts(err("GovernorInvalidSignature", signer.address)):
        governor.castVoteBySig(proposal.id, FOR, signer.address, signature, {"from": stranger})
    assert not governor.hasVoted(proposal.id, signer.address)


def test_a_contract_wallet_votes_by_an_erc1271_signature_of_its_owner(
    ContractWallet, governor, market, mock_points, staking, voters, alice, stranger
):
    owner_key = Account.create()
    owner = brownie.accounts.add(owner_key.key)
    alice.transfer(owner, 10**18)
    wallet = ContractWallet.deploy(owner, {"from": owner})
    mock_points.mint(wallet, 2_000 * POINT, {"from": owner})
    wallet.execute(
        mock_points, mock_points.approve.encode_input(staking, 2_000 * POINT), {"from": owner}
    )
    wallet.execute(staking, staking.stake.encode_input(2_000 * POINT), {"from": owner})
    mine_at(brownie.chain[-1].timestamp + WARMUP + 1)
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    data = ballot(governor, proposal.id, FOR, wallet.address, governor.nonces(wallet))
    forged = sign(Account.create(), data)  # anyone but the owner
    with brownie.reverts(err("GovernorInvalidSignature", wallet)):
        governor.castVoteBySig(proposal.id, FOR, wallet, forged, {"from": stranger})
    tx = governor.castVoteBySig(proposal.id, FOR, wallet, sign(owner_key, data), {"from": stranger})
    assert tx.events["VoteCast"]["voter"] == wallet
    assert votes(governor, proposal) == [0, 2_000 * POINT, 0]


def test_after_a_chain_split_only_ballots_signed_for_the_new_chain_count(
    governor, market, voters, alice, signer
):
    proposal = fee_proposal(governor, market, alice)
    proposal.open_voting()
    nonce = governor.nonces(signer.address)
    old_chain = web3.eth.chain_id
    before = sign(signer, ballot(governor, proposal.id, FOR, signer.address, nonce))
    # relayed by a local key: anvil's unlocked accounts keep signing for the old chain id
    relayer = brownie.accounts.at(signer.address)
    with chain_id_changed(old_chain + 1):
        with brownie.reverts(err("GovernorInvalidSignature", signer.address)):
            governor.castVoteBySig(proposal.id, FOR, signer.address, before, {"from": relayer})
        data = ballot(governor, proposal.id, FOR, signer.address, nonce, old_chain + 1)
        tx = governor.castVoteBySig(
            proposal.id, FOR, signer.address, sign(signer, data), {"from": relayer}
        )
        assert tx.events["VoteCast"]["weight"] == 5_000 * POINT
        assert governor.eip712Domain()[3] == old_chain + 1


# --- settings through proposals -----------------------------------------------------------

GOVERNANCE_ONLY = [
    ("setVotingDelay", (2 * ONE_HOUR,)),
    ("setVotingPeriod", (2 * ONE_DAY,)),
    ("setProposalThreshold", (0,)),
    ("updateQuorumNumerator", (10,)),
    ("setLateQuorumVoteExtension", (2 * ONE_HOUR,)),
    ("updateTimelock", ("0x" + "11" * 20,)),
    ("relay", ("0x" + "11" * 20, 0, b"")),
]


@pytest.mark.parametrize("name, args", GOVERNANCE_ONLY, ids=[n for n, _ in GOVERNANCE_ONLY])
def test_governance_functions_refuse_a_direct_call(governor, deployer, name, args):
    with brownie.reverts(err("GovernorOnlyExecutor", deployer)):
        getattr(governor, name)(*args, {"from": deployer})


def test_governance_changes_every_setting_within_its_bounds(
    governor, market, voters, alice, stranger
):
    changes = GOVERNANCE_ONLY[:5]
    datas = [getattr(governor, name).encode_input(*args) for name, args in changes]
    _, tx = enacted(governor, [governor] * len(datas), datas, "settings", alice, alice, stranger)
    assert tx.events["VotingDelaySet"]["newVotingDelay"] == 2 * ONE_HOUR
    assert tx.events["VotingPeriodSet"]["newVotingPeriod"] == 2 * ONE_DAY
    assert tx.events["ProposalThresholdSet"]["newProposalThreshold"] == 0
    assert tx.events["QuorumNumeratorUpdated"]["newQuorumNumerator"] == 10
    assert dict(tx.events["LateQuorumVoteExtensionSet"]) == {
        "oldVoteExtension": ONE_DAY,
        "newVoteExtension": 2 * ONE_HOUR,
    }
    assert governor.quorumNumerator() == 10
    assert governor.lateQuorumVoteExtension() == 2 * ONE_HOUR
    # with no threshold, anyone proposes, on the new schedule
    proposal = fee_proposal(governor, market, stranger)
    assert governor.proposalProposer(proposal.id) == stranger
    created = proposal.tx.events["ProposalCreated"]
    assert created["voteStart"] == proposal.tx.timestamp + 2 * ONE_HOUR
    assert created["voteEnd"] == created["voteStart"] + 2 * ONE_DAY


# (setter, value, the error's name and arguments after the value: [min,] max)
OUT_OF_BOUNDS = [
    ("setVotingDelay", ONE_HOUR - 1, "GovernorVotingDelayOutOfRange", ONE_HOUR, 14 * ONE_DAY),
    ("setVotingDelay", 14 * ONE_DAY + 1, "GovernorVotingDelayOutOfRange", ONE_HOUR, 14 * ONE_DAY),
    ("setVotingPeriod", ONE_DAY - 1, "GovernorVotingPeriodOutOfRange", ONE_DAY, 30 * ONE_DAY),
    ("setVotingPeriod", 30 * ONE_DAY + 1, "GovernorVotingPeriodOutOfRange", ONE_DAY, 30 * ONE_DAY),
    ("setProposalThreshold", 10**24 + 1, "GovernorProposalThresholdOutOfRange", 10**24),
    ("updateQuorumNumerator", 0, "GovernorQuorumPercentOutOfRange", 1, 50),
    ("updateQuorumNumerator", 51, "GovernorQuorumPercentOutOfRange", 1, 50),
    (
        "setLateQuorumVoteExtension",
        ONE_HOUR - 1,
        "GovernorLateQuorumExtensionOutOfRange",
        ONE_HOUR,
        7 * ONE_DAY,
    ),
    (
        "setLateQuorumVoteExtension",
        7 * ONE_DAY + 1,
        "GovernorLateQuorumExtensionOutOfRange",
        ONE_HOUR,
        7 * ONE_DAY,
    ),
]


def test_every_setting_is_refused_one_past_its_bounds_at_execution(
    governor, voters, alice, stranger
):
    proposals = [
        Proposal(
            governor,
            [governor],
            [getattr(governor, setter).encode_input(value)],
            f"{setter} {value}",
            alice,
        )
        for setter, value, *_ in OUT_OF_BOUNDS
    ]
    proposals[-1].open_voting()  # the latest of them
    for proposal in proposals:
        governor.castVote(proposal.id, FOR, {"from": alice})
    proposals[-1].close_voting()
    etas = [proposal.queued(stranger) for proposal in proposals]
    next_block_at(max(etas))
    for proposal, (_, value, error, *bounds) in zip(proposals, OUT_OF_BOUNDS, strict=True):
        with brownie.reverts(err(error, value, *bounds)):
            proposal.execute(stranger)
    assert governor.votingDelay() == ONE_DAY
    assert governor.quorumNumerator() == 4


def test_a_proposal_keeps_the_quorum_of_its_snapshot_however_often_it_changes_later(
    governor, staking, voters, alice, stranger
):
    """Fifteen changes of the quorum (sixteen checkpoints with the initial 4 %), looked up at
    past timepoints while the history is short and once it is long (both sides of the
    lookup's square-root split)."""
    numerators = list(range(5, 20))
    proposals = [
        Proposal(
            governor, [governor], [governor.updateQuorumNumerator.encode_input(n)], f"q{n}", alice
        )
        for n in numerators
    ]
    first = proposals[0]
    proposals[-1].open_voting()
    for proposal in proposals:
        governor.castVote(proposal.id, FOR, {"from": alice})
    proposals[-1].close_voting()
    start = max(proposal.queued(stranger) for proposal in proposals)
    history = [(0, 4)]  # (from, numerator)

    def expected(t):
        return [n for since, n in history if since <= t][-1]

    for proposal, numerator in zip(proposals, numerators, strict=True):
        at = max(start, brownie.chain[-1].timestamp + 10)  # a second of its own
        next_block_at(at)
        proposal.execute(stranger)
        history.append((at, numerator))
        if len(history) in (8, 16):
            mine_at(at + 1)
            for since, _ in history[1:]:
                for t in (since - 1, since, since + 5):
                    assert governor.quorumNumerator["uint256"](t) == expected(t), t
    assert governor.quorumNumerator() == 19
    total = staking.getPastTotalSupply(first.snapshot)
    assert governor.quorum(first.snapshot) == total * 4 // 100
    assert governor.quorum(at) == total * 19 // 100
