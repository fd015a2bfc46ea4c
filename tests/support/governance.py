"""Constants and helpers of the governance tests: proposal states, vote types, ballots under
the governor's EIP-712 domain (the package's types, with the chain id and the contract
overridable to forge misdirected ballots), and a `Proposal` that a test drives through its
lifecycle."""

from __future__ import annotations

from brownie import web3

from bazaar.settings import GOVERNOR_SETTINGS
from bazaar.signing import eip712
from bazaar.signing.eip712 import SECP256K1_N as SECP256K1_N  # re-exported
from bazaar.types import PROPOSAL_STATES, SUPPORT_NAMES
from tests.support.helpers import mine_at, next_block_at

PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(
    len(PROPOSAL_STATES)
)
AGAINST, FOR, ABSTAIN = range(len(SUPPORT_NAMES))
VOTING_DELAY, VOTING_PERIOD = GOVERNOR_SETTINGS.voting_delay, GOVERNOR_SETTINGS.voting_period
sign = eip712.sign_typed  # the 65-byte signature of typed data by an eth-account key


def governor_domain(governor, chain_id=None, contract=None) -> eip712.Domain:
    """The governor's EIP-712 domain on this chain (or another chain id, or contract)."""
    chain = web3.eth.chain_id if chain_id is None else chain_id
    return eip712.Domain(
        eip712.GOVERNOR_DOMAIN_NAME,
        eip712.DOMAIN_VERSION,
        chain,
        contract or governor.address,
    )


def ballot(governor, proposal_id, support, voter, nonce, chain_id=None, contract=None) -> dict:
    """The governor's `Ballot` for `castVoteBySig`."""
    domain = governor_domain(governor, chain_id, contract)
    return eip712.ballot(domain, proposal_id, support, voter, nonce)


def extended_ballot(governor, proposal_id, support, voter, nonce, reason, params) -> dict:
    """The governor's `ExtendedBallot` for `castVoteWithReasonAndParamsBySig` (its nonce is
    used up)."""
    domain = governor_domain(governor)
    return eip712.extended_ballot(domain, proposal_id, support, voter, nonce, reason, params)


def state_bitmap(*states: int) -> str:
    """The allowed-states bitmap of GovernorUnexpectedProposalState, as a bytes32 hex."""
    return "0x" + sum(1 << s for s in states).to_bytes(32, "big").hex()


class Proposal:
    """A proposal submitted by `proposer`; its calls carry no value unless `values` say so."""

    def __init__(self, governor, targets, datas, description, proposer, values=None):
        self.governor = governor
        self.args = (targets, values or [0] * len(targets), datas)
        self.description = description
        self.hash = web3.keccak(text=description)
        self.tx = governor.propose(*self.args, description, {"from": proposer})
        self.id = self.tx.events["ProposalCreated"]["proposalId"]
        self.snapshot = governor.proposalSnapshot(self.id)

    def open_voting(self):
        """Mines the first block of the voting period (so calls made before the vote, which
        `--coverage` sends as transactions, cannot move the vote's time)."""
        mine_at(self.snapshot + 1)

    def close_voting(self):
        mine_at(self.governor.proposalDeadline(self.id) + 1)

    def state(self):
        return self.governor.state(self.id)

    def queue(self, caller):
        return self.governor.queue(*self.args, self.hash, {"from": caller})

    def execute(self, caller):
        return self.governor.execute(*self.args, self.hash, {"from": caller})

    def cancel(self, caller):
        return self.governor.cancel(*self.args, self.hash, {"from": caller})

    def queued(self, caller):
        """Queues the proposal; returns its timelock eta (seconds)."""
        return self.queue(caller).events["ProposalQueued"]["etaSeconds"]


def fee_proposal(governor, market, proposer, fee_bps=200):
    """A proposal to set the marketplace fee to `fee_bps` (description "fee <bps>")."""
    data = market.setFees.encode_input(fee_bps, 200)
    return Proposal(governor, [market], [data], f"fee {fee_bps}", proposer)


def passed(governor, targets, datas, description, proposer, voter, values=None):
    """A proposal that `voter` alone carried (voting closed, not yet queued)."""
    proposal = Proposal(governor, targets, datas, description, proposer, values)
    proposal.open_voting()
    governor.castVote(proposal.id, FOR, {"from": voter})
    proposal.close_voting()
    return proposal


def enacted(governor, targets, datas, description, proposer, voter, caller, values=None):
    """A proposal carried by `voter`, queued and executed by `caller`; returns the proposal
    and the execution's transaction."""
    proposal = passed(governor, targets, datas, description, proposer, voter, values)
    next_block_at(proposal.queued(caller))
    return proposal, proposal.execute(caller)


def both_queued_then_later_executed(earlier, later, voter, caller):
    """Two proposals carried by `voter` (`later` proposed after `earlier`, so its voting
    closes last), both queued by `caller`; then `later` is executed once its eta comes.
    Returns the execution's transaction."""
    later.open_voting()
    for proposal in (earlier, later):
        proposal.governor.castVote(proposal.id, FOR, {"from": voter})
    later.close_voting()
    earlier.queued(caller)
    next_block_at(later.queued(caller))
    return later.execute(caller)
