"""Errors of the client, and revert data turned into readable sentences.

Every custom error of every shipped artifact is known by its 4-byte selector, with its
arguments' names and the `@notice` from the interface, plus Solidity's `Error(string)` and
`Panic(uint256)`. `decode_revert(data)` gives for instance
"MarketplaceUnauthorized(caller=0x70997970..., id=0x00...01): 0x70997970... may not do this
to order or listing 0x00...01." (the notice's `argument` placeholders filled with the values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from bazaar import artifacts
from bazaar.types import ENUM_NAMES, OPERATION_STATES, PROPOSAL_STATES, ROLE_NAMES


class BazaarError(Exception):
    """An error the CLI prints as one line on stderr before exiting with status 1."""


class NoSigner(BazaarError):
    """A transaction was asked of a client that holds no signing account (the CLI adds how to
    give it one)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} needs a signing account")
        self.what = what


class InputRefused(BazaarError):
    """Input the client refuses before anything is sent: what the contract would refuse and
    the client can see locally (an empty or oversized cart, a rate above the contract's
    bound, a referrer that is a party to the order, a batch of mismatched lengths)."""


class RevertError(BazaarError):
    """A transaction or call that would revert (or did); `data` is the raw revert data."""

    def __init__(self, message: str, data: bytes = b"") -> None:
        super().__init__(message)
        self.data = data

    @property
    def error_name(self) -> str | None:
        """The name of the custom error in `data` (or "Error" / "Panic"), None when unknown."""
        spec = error_table().get(bytes(self.data[:4])) if len(self.data) >= 4 else None
        return spec.name if spec else None


class TransactionFailed(RevertError):
    """A transaction that was sent and then failed: reverted on chain (`mined`), or no
    receipt in time (not `mined`: it may still be). Unlike every other error, something was
    sent."""

    def __init__(self, message: str, data: bytes = b"", *, mined: bool = True) -> None:
        super().__init__(message, data)
        self.mined = mined


PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division or modulo by zero",
    0x21: "invalid enum value",
    0x22: "bad storage byte array encoding",
    0x31: "pop on an empty array",
    0x32: "array index out of bounds",
    0x41: "out of memory",
    0x51: "call to an uninitialised function pointer",
}


# Sentences for the OpenZeppelin errors the shipped contracts inherit (their sources carry no
# `@notice`, so the artifacts have none). The project's own errors take their `@notice`.
OPENZEPPELIN_NOTICES = {
    "GovernorUnexpectedProposalState": "proposal `proposalId` is `current`, this needs it "
    "`expectedStates`.",
    "GovernorAlreadyCastVote": "`voter` has already voted on this proposal.",
    "GovernorInvalidSignature": "the signature is not `voter`'s for this ballot (another "
    "signer, chain, governor, vote or nonce, or a ballot already used).",
    "GovernorNonexistentProposal": "there is no proposal `proposalId`.",
    "GovernorInsufficientProposerVotes": "`proposer` has `votes` votes, proposing takes "
    "`threshold`.",
    "GovernorRestrictedProposer": "the description reserves this proposal to another proposer.",
    "GovernorInvalidVoteType": "a vote is against (0), for (1) or abstain (2).",
    "GovernorInvalidProposalLength": "targets, calldatas and values differ in length.",
    "GovernorOnlyExecutor": "only governance (the timelock) may call this; `account` is not it.",
    "GovernorAlreadyQueuedProposal": "proposal `proposalId` is queued already.",
    "GovernorUnableToCancel": "`account` may not cancel proposal `proposalId` now.",
    "TimelockUnexpectedOperationState": "timelock operation `operationId` is not `expectedStates`.",
    "TimelockInsufficientDelay": "a delay of `delay` s is below the timelock's `minDelay` s.",
    "TimelockUnauthorizedCaller": "`caller` may not call the timelock's own functions.",
    "TimelockUnexecutedPredecessor": "the operation before it, `predecessorId`, is not done.",
    "AccessControlUnauthorizedAccount": "`account` lacks `neededRole`.",
    "AccessControlBadConfirmation": "an account may renounce only its own roles.",
    "OwnableUnauthorizedAccount": "`account` is not the owner.",
    "OwnableInvalidOwner": "`owner` cannot be the owner.",
    "ERC20InsufficientBalance": "`sender` holds `balance` token units, `needed` are needed.",
    "ERC20InsufficientAllowance": "`spender` may spend `allowance` token units, `needed` are "
    "needed.",
    "ERC5805FutureLookup": "votes at `timepoint` are not known yet (it is `clock`).",
    "InvalidAccountNonce": "`account`'s nonce is `currentNonce`.",
    "ECDSAInvalidSignature": "the signature does not recover to any address.",
    "ECDSAInvalidSignatureLength": "a signature has 65 bytes, this one `length`.",
    "ECDSAInvalidSignatureS": "the signature's s is in the upper half (malleable).",
    "VotesExpiredSignature": "the signature expired at `expiry`.",
    "FailedCall": "a call the contract made failed without a reason.",
    "ReentrancyGuardReentrantCall": "re-entered a guarded function.",
    "SafeERC20FailedOperation": "token `token` refused the transfer.",
}

# Sentences that read better with the values in human form than the contract's `@notice`.
NOTICE_OVERRIDES = {
    # `id` is shown as "listing 7", "order 0x…" or, for 0, "this marketplace's settings"
    "MarketplaceUnauthorized": "`caller` may not do this to `id`.",
    "MarketplaceCheckoutExpired": "the buyer's checkout deadline, `deadline`, has passed (it "
    "is now `nowTs`).",
    "MarketplaceDeadlineNotReached": "the order's deadline, `deadline`, has not passed yet (it "
    "is now `nowTs`).",
    "MarketplaceDeadlinePassed": "the order's deadline, `deadline`, has passed (it is now "
    "`nowTs`).",
    "MarketplaceDiscountAboveCap": "`points` buy a discount of `discountUsd`, which is zero or "
    "above the listing's cap of `capUsd` for this order.",
    "MarketplacePriceOutOfRange": "a unit price outside `min`..`max`.",
    "StakingInsufficientStake": "`account` asked for `requested` but has `staked` staked.",
    "GovernorInsufficientProposerVotes": "`proposer` has `votes` of votes, proposing takes "
    "`threshold`.",
    "GovernorProposalThresholdOutOfRange": "a proposal threshold of `value`, above `max`.",
    "OracleStale": "`feed`'s answer, of `updatedAt`, is older than its leg's staleness limit "
    "of `maxStaleness` s (a mock feed: bazaar mocks refresh).",
    "OracleVersionDeviation": "a new version whose price for one whole token, `newPrice`, "
    "deviates from the latest version's `latestPrice` by more than `maxBps` basis points.",
    "OracleTimestampInFuture": "`feed` reported an updatedAt of `updatedAt`, later than the "
    "current block's `blockTimestamp`.",
}

# bytes32 arguments that are bitmaps of enum values (OpenZeppelin's `_encodeStateBitmap`)
STATE_BITMAPS = {
    ("GovernorUnexpectedProposalState", "expectedStates"): PROPOSAL_STATES,
    ("TimelockUnexpectedOperationState", "expectedStates"): OPERATION_STATES,
}


# Arguments in the contracts' integer units, shown in human ones (the raw integer kept in the
# error's own `Name(arg=...)` part): unix times by name, USD and points by (error, argument).
TIME_ARGUMENTS = frozenset(
    {
        "deadline", "nowTs", "readyAt", "closedAt", "updatedAt", "upSince", "maturesAt",
        "startedAt", "blockTimestamp", "outageSince", "expiry", "timepoint", "clock",
    }
)  # fmt: skip
USD_ARGUMENTS = frozenset(
    {
        ("MarketplaceDiscountAboveCap", "discountUsd"),
        ("MarketplaceDiscountAboveCap", "capUsd"),
        ("MarketplacePriceOutOfRange", "value"),
        ("MarketplacePriceOutOfRange", "min"),
        ("MarketplacePriceOutOfRange", "max"),
        ("OracleVersionDeviation", "latestPrice"),
        ("OracleVersionDeviation", "newPrice"),
        ("PriceMathUsdAmountTooLarge", "usdAmount"),
        ("PriceMathUsdAmountTooLarge", "maxUsdAmount"),
    }
)
POINTS_ARGUMENTS = frozenset(
    {
        ("MarketplaceDiscountAboveCap", "points"),
        ("StakingInsufficientStake", "requested"),
        ("StakingInsufficientStake", "staked"),
        ("GovernorInsufficientProposerVotes", "votes"),
        ("GovernorInsufficientProposerVotes", "threshold"),
        ("GovernorProposalThresholdOutOfRange", "value"),
        ("GovernorProposalThresholdOutOfRange", "max"),
        ("StakeHistoryOverflow", "value"),
    }
)
# Below this, a bytes32 `id` is a listing id (an order id is the keccak hash of its terms).
LISTING_ID_BOUND = 2**64


def _human(error: str, name: str, value: Any) -> str | None:
    """`value` of argument `name` of `error` in human units, None when it has none."""
    from bazaar.units import format_points, format_usd  # units imports this module

    if not isinstance(value, int) or isinstance(value, bool):
        if error == "MarketplaceUnauthorized" and name == "id" and isinstance(value, bytes):
            number = int.from_bytes(value, "big")
            if number == 0:
                return "this marketplace's settings"
            return f"listing {number}" if number < LISTING_ID_BOUND else f"order 0x{value.hex()}"
        return None
    if name in TIME_ARGUMENTS:
        if value == 0:
            return "0 (never)"
        try:
            text = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            return None
        return f"{text} ({value})"
    if (error, name) in USD_ARGUMENTS:
        return format_usd(value)
    if (error, name) in POINTS_ARGUMENTS:
        return format_points(value)
    return None


def _bitmap_names(value: bytes, labels: tuple[str, ...]) -> str:
    bits = int.from_bytes(value, "big")
    names = [label for n, label in enumerate(labels) if bits & (1 << n)]
    return " or ".join(names) if names else "none"


@dataclass(frozen=True)
class ErrorSpec:
    name: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    notice: str
    enums: tuple[tuple[str, ...] | None, ...] = ()  # per argument: enum value names, if any


def _abi_type(item: dict[str, Any]) -> str:
    """The canonical ABI type of an input, tuples expanded."""
    kind: str = item["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


@cache
def error_table() -> dict[bytes, ErrorSpec]:
    """4-byte selector -> error, from every shipped artifact (plus Error and Panic)."""
    table: dict[bytes, ErrorSpec] = {
        keccak(text="Error(string)")[:4]: ErrorSpec("Error", ("string",), ("reason",), ""),
        keccak(text="Panic(uint256)")[:4]: ErrorSpec("Panic", ("uint256",), ("code",), ""),
    }
    for artifact in artifacts.all_loaded():
        for item in artifact.abi:
            if item["type"] != "error":
                continue
            types = tuple(_abi_type(i) for i in item["inputs"])
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            names = tuple(i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"]))
            notice = (
                NOTICE_OVERRIDES.get(item["name"])
                or artifact.error_notices.get(item["name"])
                or OPENZEPPELIN_NOTICES.get(item["name"], "")
            )
            enums = tuple(ENUM_NAMES.get(i.get("internalType", "")) for i in item["inputs"])
            table.setdefault(selector, ErrorSpec(item["name"], types, names, notice, enums))
    return table


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_render(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def decode_revert(data: bytes | str | None) -> str:
    """A sentence for revert `data` (raw bytes or 0x-hex)."""
    if isinstance(data, str):
        text = data[2:] if data.startswith("0x") else data
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            return f"reverted: {data}"
        data = raw
    if not data:
        return "reverted without a reason"
    spec = error_table().get(data[:4])
    if spec is None:
        return f"reverted with unknown error 0x{data[:4].hex()} (data 0x{data.hex()})"
    try:
        values = abi_decode(list(spec.types), data[4:])
    except Exception:  # malformed arguments: still name the error
        return f"{spec.name}(<undecodable arguments 0x{data[4:].hex()}>)"
    if spec.name == "Error":
        return f"reverted: {values[0]}"
    if spec.name == "Panic":
        code = values[0]
        return f"Panic(0x{code:02x}): {PANIC_REASONS.get(code, 'unknown panic code')}"
    rendered, by_name = [], {}
    for n, (name, value) in enumerate(zip(spec.names, values, strict=True)):
        labels = spec.enums[n] if n < len(spec.enums) else None
        bitmap = STATE_BITMAPS.get((spec.name, name))
        text = _render(value)
        if labels is not None and isinstance(value, int) and value < len(labels):
            text = f"{labels[value]}"
        elif bitmap is not None and isinstance(value, bytes):
            text = _bitmap_names(value, bitmap)
        elif name in ("neededRole", "role") and isinstance(value, bytes) and value in ROLE_NAMES:
            text = ROLE_NAMES[value]
        rendered.append(f"{name}={text}")
        by_name[name] = _human(spec.name, name, value) or text
    args = ", ".join(rendered)
    sentence = f"{spec.name}({args})"
    if spec.name == "GovernorUnexpectedProposalState" and by_name.get("expectedStates") == "none":
        # OpenZeppelin's propose() asks for no state at all: the proposal exists already
        return (
            f"{sentence}: proposal {by_name['proposalId']} exists already (it is "
            f"{by_name['current']}): the same calls with the same description are the same "
            "proposal; change the description to propose them again."
        )
    if not spec.notice:
        return sentence
    # The notice names the error's arguments in backticks: their values take their place.
    notice = re.sub(r"`(\w+)`", lambda m: by_name.get(m.group(1), m.group(0)), spec.notice)
    return f"{sentence}: {notice}"


def revert_data(exc: BaseException) -> bytes | None:
    """The revert data carried by a web3 exception, or None when it carries none."""
    candidates: list[Any] = [getattr(exc, "data", None)]
    candidates += [a for a in getattr(exc, "args", ()) if isinstance(a, dict | str)]
    for candidate in candidates:
        if isinstance(candidate, dict):
            candidate = candidate.get("data")
            if isinstance(candidate, dict):  # some nodes nest {"data": {"data": "0x.."}}
                candidate = candidate.get("data")
        if isinstance(candidate, bytes):
            return candidate
        if isinstance(candidate, str) and candidate.startswith("0x"):
            try:
                return bytes.fromhex(candidate[2:])
            except ValueError:
                continue
    return None
