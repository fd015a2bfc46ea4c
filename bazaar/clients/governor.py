"""The DAO's governor (OpenZeppelin 5 Governor with a timelock): proposals, votes (also by
EIP-712 signature), queue, execute, and a proposal's status.

A proposal is known by its id, the hash of its actions and description. Queue and execute pass
the actions back: the client rebuilds them from the proposal's `ProposalCreated` event (its id
is not an indexed topic, so the governor's logs are scanned in chunks, newest first) and checks
that they hash to the id.

The governor and the timelock check their own rules: every transaction is preflighted (a Safe's
or a relayed one run as eth_call) and a refusal is the contract's decoded error. When that error
says the proposal is in the wrong state, the client adds what the state means (when voting
opens or ends, the tally, the eta). Two checks are the client's own, because the contract would
accept what they refuse: a vote of no weight, and a ballot file's chain, governor, signer and
duplicates (votes by signature are in clients/ballots.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eth_utils.crypto import keccak
from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.errors import BazaarError, RevertError, decode_revert, revert_data
from bazaar.signing import eip712
from bazaar.signing.eip712 import Domain
from bazaar.tx import Call
from bazaar.types import PROPOSAL_STATES, SUPPORT_NAMES
from bazaar.units import checksum, format_points

# The errors by which the governor and the timelock say a proposal is in the wrong state.
STATE_ERRORS = ("GovernorUnexpectedProposalState", "TimelockUnexpectedOperationState")


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

    # -- views ---------------------------------------------------------------------------

    @cached_property
    def domain(self) -> Domain:
        """The governor's EIP-712 domain, as it reports it (ERC-5267)."""
        return eip712.domain_from_erc5267(self.view("eip712Domain"))

    @cached_property
    def timelock(self) -> str:
        return checksum(self.view("timelock"))

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
        for log in self.logs("ProposalCreated", newest_first=True):
            args = log["args"]
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
        """Proposes `actions`; returns the proposal id and the receipt.

        Raises:
            RevertError: the governor refuses (votes below the threshold, an existing
                proposal...), decoded; nothing sent.
        """
        receipt = self.transact(self.propose_call(actions))
        return int(self.events(receipt, "ProposalCreated")[0]["proposalId"]), receipt

    # -- voting --------------------------------------------------------------------------

    def check_weight(self, proposal_id: int, voter: str) -> None:
        """Refuses a vote of no weight once the snapshot is past: the governor would count
        it (nothing), and the voter could never vote on the proposal again."""
        snapshot = int(self.view("proposalSnapshot", proposal_id))
        if 0 < snapshot < self.clock() and self.votes_at(voter, snapshot) == 0:
            raise BazaarError(
                f"{voter} had no votes at proposal {proposal_id}'s snapshot ({snapshot}): "
                "points must be staked, and warmed up, before a proposal's snapshot"
            )

    def vote(self, proposal_id: int, support: int, reason: str = "") -> VoteResult:
        label = f"vote {SUPPORT_NAMES[support]}"
        voter = self.signer(label).address
        self.check_weight(proposal_id, voter)
        if reason:
            call = self.call_for("castVoteWithReason", proposal_id, support, reason, label=label)
        else:
            call = self.call_for("castVote", proposal_id, support, label=label)
        receipt = self.transact_explained(call, proposal_id, "vote")
        cast = self.events(receipt, "VoteCast")
        return VoteResult(receipt, voter, support, int(cast[0]["weight"]), reason)

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

    def queue_call(self, actions: Actions) -> Call:
        return self._lifecycle_call("queue", actions)

    def execute_call(self, actions: Actions) -> Call:
        return self._lifecycle_call("execute", actions)

    def cancel_call(self, actions: Actions) -> Call:
        return self._lifecycle_call("cancel", actions)

    def cancel(self, proposal_id: int) -> TxReceipt:
        """The proposer withdraws its proposal while it is Pending (before voting opens)."""
        actions, _ = self.actions(proposal_id)
        return self.transact_explained(self.cancel_call(actions), proposal_id, "cancel")

    def queue(self, proposal_id: int) -> tuple[TxReceipt, int]:
        """Queues a Succeeded proposal in the timelock; returns the receipt and its eta."""
        actions, _ = self.actions(proposal_id)
        receipt = self.transact_explained(self.queue_call(actions), proposal_id, "queue")
        queued = self.events(receipt, "ProposalQueued")
        eta = int(queued[0]["etaSeconds"]) if queued else int(self.view("proposalEta", proposal_id))
        return receipt, eta

    def execute(self, proposal_id: int) -> TxReceipt:
        """Executes a Queued proposal whose timelock delay is over."""
        actions, _ = self.actions(proposal_id)
        return self.transact_explained(self.execute_call(actions), proposal_id, "execute")

    # -- a refusal, explained ------------------------------------------------------------

    def transact_explained(self, call: Call, proposal_id: int, verb: str) -> TxReceipt:
        try:
            return self.transact(call)
        except RevertError as exc:
            raise self.explained(exc, proposal_id, verb) from None

    def explained(self, exc: RevertError, proposal_id: int, verb: str) -> BazaarError:
        """`exc` as it stands, or, when it says the proposal is in the wrong state for `verb`
        (vote, queue, execute), what that state means for the proposal now."""
        if exc.error_name not in STATE_ERRORS:
            return exc
        status = self.status(proposal_id)
        if verb == "vote":
            when = f"; voting opens after {status.snapshot}" if status.state == "Pending" else ""
            return BazaarError(
                f"proposal {proposal_id} is {status.state}: votes are taken only while it is "
                f"Active{when}"
            )
        if verb == "execute" and status.state == "Queued":
            now = int(self.w3.eth.get_block("latest")["timestamp"])
            if now < status.eta:
                return BazaarError(
                    f"proposal {proposal_id} is Queued: executable from {status.eta} "
                    f"(in {status.eta - now} s, the timelock's delay)"
                )
        needed = {"queue": "Succeeded", "execute": "Queued"}.get(verb)
        if needed is None or status.state == needed:
            return exc
        return BazaarError(
            self._not_now(status, "queued" if verb == "queue" else "executed", needed)
        )

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
