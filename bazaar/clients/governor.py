"""The DAO's governor (OpenZeppelin 5 Governor with a timelock): proposals, votes (also by
EIP-712 signature), queue, execute, and a proposal's status.

A proposal is known by its id, the hash of its actions and description. Queue and execute pass
the actions back: the client rebuilds them from the proposal's `ProposalCreated` event (its id
is not an indexed topic, so the governor's logs are scanned in chunks, newest first) and checks
that they hash to the id. Every transaction is checked here first (state, double vote, votes,
nonce, signature), so a bad input is refused in one sentence with nothing sent; the preflight
of `bazaar.tx` catches the rest and decodes the governor's errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eth_utils import keccak
from web3.types import TxReceipt

from bazaar.clients.base import ContractClient, checksum
from bazaar.errors import BazaarError, RevertError, decode_revert, revert_data
from bazaar.governance import (
    PROPOSAL_STATES,
    SUPPORT_NAMES,
    Domain,
    SignedBallot,
    ballot_data,
    sign_typed,
)
from bazaar.tx import Call
from bazaar.units import format_points

LOG_CHUNK = 10_000  # blocks per eth_getLogs request (public RPCs cap the range)


def parse_proposal_id(text: str) -> int:
    """A proposal id: a decimal number, or 0x and up to 64 hex digits.

    Raises:
        BazaarError: anything else.
    """
    raw = str(text).strip()
    try:
        if raw.lower().startswith("0x"):
            if not 2 < len(raw) <= 66:
                raise ValueError
            value = int(raw, 16)
        elif raw.isdigit():
            value = int(raw, 10)
        else:
            raise ValueError
    except ValueError:
        raise BazaarError(
            f"bad proposal id {text!r}: expected a decimal number or 0x and hex digits"
        ) from None
    if value >= 2**256:
        raise BazaarError(f"bad proposal id {text!r}: larger than 256 bits")
    return value


@dataclass(frozen=True)
class Actions:
    """What a proposal does: calls made by the timelock, and its description."""

    targets: tuple[str, ...]
    values: tuple[int, ...]
    calldatas: tuple[bytes, ...]
    description: str

    @property
    def description_hash(self) -> bytes:
        return keccak(text=self.description)

    def to_json(self) -> dict[str, Any]:
        return {
            "targets": list(self.targets),
            "values": list(self.values),
            "calldatas": ["0x" + c.hex() for c in self.calldatas],
            "description": self.description,
        }


@dataclass(frozen=True)
class Tally:
    against: int
    for_: int
    abstain: int

    def to_json(self) -> dict[str, int]:
        return {"against": self.against, "for": self.for_, "abstain": self.abstain}


@dataclass(frozen=True)
class ProposalStatus:
    id: int
    state: str
    proposer: str
    snapshot: int  # votes count as staked at this time (Unix seconds)
    deadline: int  # voting ends (Unix seconds; may move with late quorum)
    eta: int  # executable from (Unix seconds); 0 until queued
    tally: Tally
    quorum: int | None  # point units; None while the snapshot is in the future
    now: int  # the governor's clock when read


@dataclass(frozen=True)
class VoteResult:
    receipt: TxReceipt
    voter: str
    support: int
    weight: int
    reason: str


class GovernorClient(ContractClient):
    ARTIFACT = "BazaarGovernor"

    def __init__(self, *args: Any, from_block: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.from_block = from_block  # the deploy block: where its events start

    # -- views ---------------------------------------------------------------------------

    @cached_property
    def domain(self) -> Domain:
        """The governor's EIP-712 domain, as it reports it (ERC-5267)."""
        _, name, version, chain_id, contract, _, _ = self.view("eip712Domain")
        return Domain(str(name), str(version), int(chain_id), checksum(contract))

    @cached_property
    def timelock(self) -> str:
        return checksum(self.view("timelock"))

    @cached_property
    def threshold(self) -> int:
        return int(self.view("proposalThreshold"))

    def clock(self) -> int:
        return int(self.view("clock"))

    def nonce(self, voter: str) -> int:
        return int(self.view("nonces", checksum(voter, "voter")))

    def votes_at(self, account: str, timepoint: int) -> int:
        """`account`'s votes at a past `timepoint` (Unix seconds)."""
        return int(self.view("getVotes", checksum(account), timepoint))

    def has_voted(self, proposal_id: int, account: str) -> bool:
        return bool(self.view("hasVoted", proposal_id, checksum(account)))

    def proposal_id(self, actions: Actions) -> int:
        return int(
            self.view(
                "hashProposal",
                list(actions.targets),
                list(actions.values),
                list(actions.calldatas),
                actions.description_hash,
            )
        )

    def exists(self, proposal_id: int) -> bool:
        return int(self.view("proposalSnapshot", proposal_id)) != 0

    def state(self, proposal_id: int) -> str:
        """The proposal's state name.

        Raises:
            BazaarError: no such proposal.
        """
        self._known(proposal_id)
        return PROPOSAL_STATES[int(self.view("state", proposal_id))]

    def _known(self, proposal_id: int) -> None:
        if not self.exists(proposal_id):
            raise BazaarError(f"unknown proposal {proposal_id} on governor {self.address}")

    def status(self, proposal_id: int) -> ProposalStatus:
        """State, tally, times and quorum of a proposal.

        Raises:
            BazaarError: no such proposal.
        """
        state = self.state(proposal_id)
        snapshot = int(self.view("proposalSnapshot", proposal_id))
        now = self.clock()
        against, for_, abstain = self.view("proposalVotes", proposal_id)
        return ProposalStatus(
            proposal_id,
            state,
            self.view("proposalProposer", proposal_id),
            snapshot,
            int(self.view("proposalDeadline", proposal_id)),
            int(self.view("proposalEta", proposal_id)),
            Tally(int(against), int(for_), int(abstain)),
            int(self.view("quorum", snapshot)) if snapshot < now else None,
            now,
        )

    def actions(self, proposal_id: int) -> tuple[Actions, str]:
        """The actions and proposer of a proposal, from its ProposalCreated event.

        Raises:
            BazaarError: no such proposal, or no event carrying it (wrong deploy block).
        """
        self._known(proposal_id)
        event = self.contract.events.ProposalCreated()
        latest = int(self.w3.eth.block_number)
        end = latest
        while end >= self.from_block:
            start = max(self.from_block, end - LOG_CHUNK + 1)
            logs = self.w3.eth.get_logs(
                {
                    "address": self.address,
                    "topics": [event.topic],
                    "fromBlock": start,
                    "toBlock": end,
                }
            )
            for log in reversed(logs):
                args = event.process_log(log)["args"]
                if int(args["proposalId"]) != proposal_id:
                    continue
                actions = Actions(
                    tuple(checksum(t) for t in args["targets"]),
                    tuple(int(v) for v in args["values"]),
                    tuple(bytes(c) for c in args["calldatas"]),
                    str(args["description"]),
                )
                if self.proposal_id(actions) != proposal_id:  # a node's foreign logs
                    continue
                return actions, checksum(args["proposer"])
            end = start - 1
        raise BazaarError(
            f"no ProposalCreated event of proposal {proposal_id} on governor {self.address} "
            f"after block {self.from_block}"
        )

    def simulate(self, actions: Actions) -> None:
        """Runs each action as the timelock would now (eth_call from the timelock).

        Raises:
            RevertError: naming the action that would revert, decoded.
        """
        for n, (target, value, data) in enumerate(
            zip(actions.targets, actions.values, actions.calldatas, strict=True)
        ):
            tx = {"from": self.timelock, "to": target, "value": value, "data": data}
            try:
                self.w3.eth.call(tx)  # type: ignore[arg-type]
            except Exception as exc:
                found = revert_data(exc)
                reason = decode_revert(found) if found is not None else str(exc).splitlines()[0]
                raise RevertError(
                    f"action {n + 1} (to {target}) would revert when the timelock executes it "
                    f"now: {reason}",
                    found or b"",
                ) from None

    # -- proposing -----------------------------------------------------------------------

    def check_can_propose(self, proposer: str) -> None:
        """Raises BazaarError when `proposer`'s votes are below the proposal threshold."""
        votes = self.votes_at(proposer, self.clock() - 1)
        if votes < self.threshold:
            raise BazaarError(
                f"not enough votes to propose: {proposer} has {format_points(votes)} of votes, "
                f"proposing takes {format_points(self.threshold)} (stake points and wait for "
                "the warm-up)"
            )

    def check_new(self, actions: Actions) -> int:
        """The id `actions` would get; raises BazaarError if that proposal exists."""
        proposal_id = self.proposal_id(actions)
        if self.exists(proposal_id):
            raise BazaarError(
                f"proposal {proposal_id} with these actions and description exists already "
                f"({self.state(proposal_id)}); change the description for a new one"
            )
        return proposal_id

    def propose_call(self, actions: Actions) -> Call:
        return self.call_for(
            "propose",
            list(actions.targets),
            list(actions.values),
            list(actions.calldatas),
            actions.description,
            label="propose",
        )

    def propose(self, actions: Actions) -> tuple[int, TxReceipt]:
        """Proposes `actions`; returns the proposal id and the receipt."""
        proposer = self._account()
        self.check_can_propose(proposer)
        self.check_new(actions)
        assert self.sender is not None
        receipt = self.sender.transact(self.propose_call(actions))
        return int(self.events(receipt, "ProposalCreated")[0]["proposalId"]), receipt

    # -- voting --------------------------------------------------------------------------

    def check_can_vote(self, proposal_id: int, voter: str, signing: bool = False) -> int:
        """`voter`'s weight on an Active proposal it has not voted on (Pending too, when
        `signing` a ballot for later: its weight is then not known yet and 0 is returned).

        Raises:
            BazaarError: unknown proposal, not open for votes, already voted, no votes.
        """
        state = self.state(proposal_id)
        open_states = ("Pending", "Active") if signing else ("Active",)
        if state not in open_states:
            snapshot = int(self.view("proposalSnapshot", proposal_id))
            when = f"; voting opens after {snapshot}" if state == "Pending" else ""
            raise BazaarError(
                f"proposal {proposal_id} is {state}: votes are taken only while it is Active{when}"
            )
        if self.has_voted(proposal_id, voter):
            raise BazaarError(f"{voter} has already voted on proposal {proposal_id}")
        if state == "Pending":
            return 0
        snapshot = int(self.view("proposalSnapshot", proposal_id))
        weight = self.votes_at(voter, snapshot)
        if weight == 0:
            raise BazaarError(
                f"{voter} had no votes at proposal {proposal_id}'s snapshot ({snapshot}): "
                "points must be staked, and warmed up, before a proposal's snapshot"
            )
        return weight

    def vote(self, proposal_id: int, support: int, reason: str = "") -> VoteResult:
        voter = self._account()
        weight = self.check_can_vote(proposal_id, voter)
        label = f"vote {SUPPORT_NAMES[support]}"
        if reason:
            receipt = self.send("castVoteWithReason", proposal_id, support, reason, label=label)
        else:
            receipt = self.send("castVote", proposal_id, support, label=label)
        cast = self.events(receipt, "VoteCast")
        return VoteResult(
            receipt, voter, support, int(cast[0]["weight"]) if cast else weight, reason
        )

    def sign_ballot(
        self, account: Any, proposal_id: int, support: int, nonce: int | None = None
    ) -> SignedBallot:
        """`account`'s (a LocalAccount) vote signed off-line; sends nothing.

        Raises:
            BazaarError: unknown proposal, voting over, already voted.
        """
        voter = checksum(account.address)
        self.check_can_vote(proposal_id, voter, signing=True)
        nonce = self.nonce(voter) if nonce is None else nonce
        domain = self.domain
        data = ballot_data(domain, proposal_id, support, voter, nonce)
        signature = sign_typed(account, data)
        return SignedBallot(
            domain.contract, domain.chain_id, proposal_id, support, voter, nonce, signature
        )

    def check_ballots(self, ballots: list[SignedBallot]) -> list[int]:
        """Every ballot valid for relay now, in this order; returns their weights.

        Checks the chain, the governor, the signature (it must recover to the voter), the
        proposal's state, double votes (on chain and within the list), the nonce (the voter's
        current one, counting the voter's earlier ballots in the list) and the weight.

        Raises:
            BazaarError: naming the first bad ballot (by its position, from 1).
        """
        domain = self.domain
        nonces: dict[str, int] = {}
        seen: set[tuple[str, int]] = set()
        weights = []
        for n, ballot in enumerate(ballots, start=1):
            where = f"ballot {n} (voter {ballot.voter})"
            if ballot.chain_id != domain.chain_id:
                raise BazaarError(
                    f"{where} is for chain id {ballot.chain_id}, this governor is on chain id "
                    f"{domain.chain_id}"
                )
            if ballot.governor != domain.contract:
                raise BazaarError(
                    f"{where} is for governor {ballot.governor}, not {domain.contract}"
                )
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
            expected = nonces.get(ballot.voter)
            if expected is None:
                expected = self.nonce(ballot.voter)
            if ballot.nonce != expected:
                raise BazaarError(
                    f"{where} was signed with nonce {ballot.nonce}, the governor expects "
                    f"{expected} (a stale or made-up nonce): sign it again"
                )
            # BazaarGovernor checks a ballot against the voter's current nonce without using it
            # up (a voter votes once per proposal), so every ballot of a voter carries it.
            nonces[ballot.voter] = expected
            try:
                weights.append(self.check_can_vote(ballot.proposal_id, ballot.voter))
            except BazaarError as exc:
                raise BazaarError(f"{where}: {exc}") from None
        return weights

    def relay(self, ballot: SignedBallot, label: str = "castVoteBySig") -> VoteResult:
        receipt = self.send(
            "castVoteBySig",
            ballot.proposal_id,
            ballot.support,
            ballot.voter,
            ballot.signature,
            label=label,
        )
        cast = self.events(receipt, "VoteCast")
        weight = int(cast[0]["weight"]) if cast else 0
        return VoteResult(receipt, ballot.voter, ballot.support, weight, "")

    # -- queue and execute ---------------------------------------------------------------

    def _lifecycle_call(self, fn: str, actions: Actions) -> Call:
        return self.call_for(
            fn,
            list(actions.targets),
            list(actions.values),
            list(actions.calldatas),
            actions.description_hash,
            label=fn,
        )

    def check_can_queue(self, proposal_id: int) -> None:
        status = self.status(proposal_id)
        if status.state == "Succeeded":
            return
        raise BazaarError(self._not_now(status, "queued", "Succeeded"))

    def check_can_execute(self, proposal_id: int) -> None:
        status = self.status(proposal_id)
        if status.state == "Queued":
            now = int(self.w3.eth.get_block("latest")["timestamp"])
            if now < status.eta:
                raise BazaarError(
                    f"proposal {proposal_id} is Queued: executable from {status.eta} "
                    f"(in {status.eta - now} s, the timelock's delay)"
                )
            return
        raise BazaarError(self._not_now(status, "executed", "Queued"))

    def _not_now(self, status: ProposalStatus, verb: str, needed: str) -> str:
        head = f"proposal {status.id} is {status.state}: only a {needed} proposal can be {verb}"
        t = status.tally
        detail = {
            "Pending": f"; voting opens after {status.snapshot}",
            "Active": f"; voting ends at {status.deadline}",
            "Defeated": f" (for {format_points(t.for_)}, against {format_points(t.against)}"
            + (f", quorum {format_points(status.quorum)})" if status.quorum is not None else ")"),
            "Succeeded": "; queue it first",
            "Queued": f"; executable from {status.eta}",
        }.get(status.state, "")
        return head + detail

    def queue_call(self, actions: Actions) -> Call:
        return self._lifecycle_call("queue", actions)

    def execute_call(self, actions: Actions) -> Call:
        return self._lifecycle_call("execute", actions)

    def queue(self, proposal_id: int) -> tuple[TxReceipt, int]:
        """Queues a Succeeded proposal in the timelock; returns the receipt and its eta."""
        self.check_can_queue(proposal_id)
        actions, _ = self.actions(proposal_id)
        self._account()
        assert self.sender is not None
        receipt = self.sender.transact(self.queue_call(actions))
        queued = self.events(receipt, "ProposalQueued")
        eta = int(queued[0]["etaSeconds"]) if queued else int(self.view("proposalEta", proposal_id))
        return receipt, eta

    def execute(self, proposal_id: int) -> TxReceipt:
        """Executes a Queued proposal whose timelock delay is over."""
        self.check_can_execute(proposal_id)
        actions, _ = self.actions(proposal_id)
        self._account()
        assert self.sender is not None
        return self.sender.transact(self.execute_call(actions))

    def _account(self) -> str:
        if self.sender is None:
            raise BazaarError("this needs an account: pass --keystore")
        return self.sender.address
