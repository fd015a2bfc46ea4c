"""Votes by signature: a ballot signed off-line, a batch of ballots checked before any is sent,
and the relay of each (`castVoteBySig`, sent by anyone). The governor is the judge: each ballot
is run as eth_call first, its refusal decoded; the file's own facts (chain, governor, signer,
duplicates) are checked here, where the governor cannot see them."""

from __future__ import annotations

from typing import Any

from bazaar.clients.governor import STATE_ERRORS, GovernorClient, VoteResult
from bazaar.errors import BazaarError, RevertError
from bazaar.signing import eip712
from bazaar.signing.ballots import SignedBallot
from bazaar.tx import Call, simulate
from bazaar.units import checksum


def relay_call(
    governor: GovernorClient, ballot: SignedBallot, label: str = "castVoteBySig"
) -> Call:
    return governor.call_for(
        "castVoteBySig",
        ballot.proposal_id,
        ballot.support,
        ballot.voter,
        ballot.signature,
        label=label,
    )


def sign_ballot(
    governor: GovernorClient,
    account: Any,
    proposal_id: int,
    support: int,
    nonce: int | None = None,
) -> SignedBallot:
    """`account`'s (a LocalAccount) vote signed off-line, with its current nonce or `nonce`;
    sends nothing. A ballot with the current nonce is run as eth_call first: one the governor
    would refuse is not handed out (a Pending proposal's is, for relaying once voting opens).
    A ballot for a later nonce cannot be judged yet.

    Raises:
        RevertError: the governor would refuse the ballot (unknown proposal, voting over,
            already voted), decoded.
    """
    voter = checksum(account.address)
    current = governor.nonce(voter)
    nonce = current if nonce is None else nonce
    domain = governor.domain
    data = eip712.ballot(domain, proposal_id, support, voter, nonce)
    signature = eip712.sign_typed(account, data)
    ballot = SignedBallot(
        domain.contract, domain.chain_id, proposal_id, support, voter, nonce, signature
    )
    if nonce != current:
        return ballot
    try:
        simulate(governor.w3, relay_call(governor, ballot, "the ballot"), voter)
    except RevertError as exc:
        pending = exc.error_name in STATE_ERRORS and governor.state(proposal_id) == "Pending"
        if not pending:
            raise governor.explained(exc, proposal_id, "vote") from None
    return ballot


def check_ballots(governor: GovernorClient, ballots: list[SignedBallot]) -> None:
    """Every ballot good for relay now, in this order, before any is sent: each is for
    this chain and governor, signed by its voter, not a second vote of its voter in the
    list, of some weight, and run as eth_call (anyone may relay it: from its voter): the
    governor's verdict on its nonce, the proposal's state and double votes.

    Raises:
        BazaarError: naming the first bad ballot (by its position, from 1).
    """
    domain = governor.domain
    seen: set[tuple[str, int]] = set()
    for n, ballot in enumerate(ballots, start=1):
        where = f"ballot {n} (voter {ballot.voter})"
        if ballot.chain_id != domain.chain_id:
            raise BazaarError(
                f"{where} is for chain id {ballot.chain_id}, this governor is on chain id "
                f"{domain.chain_id}"
            )
        if ballot.governor != domain.contract:
            raise BazaarError(f"{where} is for governor {ballot.governor}, not {domain.contract}")
        try:
            signer = ballot.signer(domain.name, domain.version)
        except BazaarError as exc:
            raise BazaarError(f"{where}: {exc}") from None
        if signer != ballot.voter:
            raise BazaarError(
                f"{where}: the signature recovers to {signer}, not to the voter (a forged "
                "or altered ballot)"
            )
        if (ballot.voter, ballot.proposal_id) in seen:
            raise BazaarError(f"{where} votes twice on proposal {ballot.proposal_id}")
        seen.add((ballot.voter, ballot.proposal_id))
        try:
            governor.check_weight(ballot.proposal_id, ballot.voter)
            simulate(governor.w3, relay_call(governor, ballot), ballot.voter)
        except RevertError as exc:
            explained = governor.explained(exc, ballot.proposal_id, "vote")
            raise BazaarError(f"{where}: {explained}") from None
        except BazaarError as exc:
            raise BazaarError(f"{where}: {exc}") from None


def relay(
    governor: GovernorClient, ballot: SignedBallot, label: str = "castVoteBySig"
) -> VoteResult:
    receipt = governor.transact_explained(
        relay_call(governor, ballot, label), ballot.proposal_id, "vote"
    )
    cast = governor.events(receipt, "VoteCast")
    weight = int(cast[0]["weight"]) if cast else 0
    return VoteResult(receipt, ballot.voter, ballot.support, weight, "")
