"""Parity: every state-changing function of every shipped ABI is sent by a client module, or is
listed here with the reason it is not; every `bazaar` command is run by a CLI test.

A function counts as sent when one of the modules of its contract's clients passes its name as
the first argument of `send`, `call_for` or a lifecycle helper (`self.send("claim", ...)`)."""

import argparse
import json
import re
from pathlib import Path

import pytest

from bazaar import artifacts
from bazaar.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "bazaar" / "clients"

PROPOSE = "owner-only (the timelock): reached through `bazaar propose`"
HOOK = "a callback the suite's own contracts make; nobody calls it directly"
RECEIVER = "a token receiver hook (ERC-721/ERC-1155) called by the token contract"
WIRING = "called once by the deploy plan (bazaar/deploy/suite.py)"
SPENDER = "the spender's side of an allowance: contracts call it (the marketplace, the staking)"
FAULTS = "a test-only fault of the mock feed (missing round, reverting read), driven by tests"
GOVERNOR_ONLY = "only the governor itself (onlyGovernance): reached through `bazaar propose`"
TIMELOCK_ROLE = "only the governor, through its timelock roles (queue, execute, cancel)"

# Uniswap's Permit2: the suite uses its SignatureTransfer only
PERMIT2_SPENDER = "the spender's side of a signed transfer: the contract paid calls it"
PERMIT2_ALLOWANCE = (
    "AllowanceTransfer, which the suite does not use (one signature per payment, no standing "
    "Permit2 allowance)"
)

SENDING = r"\b(?:send|call_for|_lifecycle|_lifecycle_call)\(\s*"

# artifact -> the client modules that send its functions
SENDERS = {
    "EscrowMarketplace": ("marketplace.py", "checkouts.py", "offers.py"),
    "DigitalGoods": ("goods.py",),
    "RewardPoints": ("points.py", "erc20.py"),
    "PointsStaking": ("staking.py",),
    "BazaarGovernor": ("governor.py", "ballots.py"),
    "BazaarTimelock": (),
    "WbtcUsdOracle": ("oracle.py",),
    "IERC20Metadata": ("erc20.py",),
    "MockERC20": ("mocks.py", "erc20.py"),
    "MockWBTC": ("mocks.py", "erc20.py"),
    "MockUSDC": ("mocks.py", "erc20.py"),
    "MockAggregator": ("mocks.py",),
    "AggregatorV3Interface": (),
    "Permit2": ("permit2.py",),
    # The offers extension: its functions are the marketplace's, sent to it (delegatecall).
    "MarketplaceOffers": ("offers.py",),
}

OWNERSHIP = {
    "acceptOwnership": PROPOSE,
    "transferOwnership": PROPOSE,
    "renounceOwnership": PROPOSE,
}

ABSENT = {
    "EscrowMarketplace": {
        **OWNERSHIP,
        **{
            f: PROPOSE
            for f in (
                "addPaymentToken",
                "setArbiter",
                "setCarrier",
                "setDigitalWindow",
                "setFeeShare",
                "setFees",
                "setGuardian",
                "setPointsRate",
                "setTreasury",
                "setWindows",
            )
        },
    },
    "DigitalGoods": {
        "approve": "a single-item ERC-721 approval: `goods operator` covers what sellers need",
        "transferFrom": "`goods transfer` uses safeTransferFrom (checks contract receivers)",
        "bindMarketplace": WIRING,
    },
    "RewardPoints": {
        **OWNERSHIP,
        "setMintConfig": PROPOSE,
        "bindMarketplace": WIRING,
        "escrowFrom": HOOK,
        "burnEscrowed": HOOK,
        "onOrderCompleted": HOOK,
        "onReview": HOOK,
        "transferFrom": SPENDER,
        "permit": "ERC-2612 for integrators' wallets; the CLI approves with a transaction "
        "(its typed data is bazaar.signing.eip712.permit, tested against the contract)",
    },
    "PointsStaking": {
        **OWNERSHIP,
        "addRewardToken": PROPOSE,
        "setCooldown": PROPOSE,
        "setWithdrawWindow": PROPOSE,
    },
    "BazaarGovernor": {
        "castVoteWithReasonAndParams": "the packed tally takes no params: `vote --reason`",
        "castVoteWithReasonAndParamsBySig": "the packed tally takes no params: `relay-votes`",
        **{
            f: GOVERNOR_ONLY
            for f in (
                "relay",
                "setLateQuorumVoteExtension",
                "setProposalThreshold",
                "setVotingDelay",
                "setVotingPeriod",
                "updateQuorumNumerator",
                "updateTimelock",
            )
        },
        "onERC721Received": RECEIVER,
        "onERC1155Received": RECEIVER,
        "onERC1155BatchReceived": RECEIVER,
    },
    "BazaarTimelock": {
        **{
            f: TIMELOCK_ROLE
            for f in ("schedule", "scheduleBatch", "execute", "executeBatch", "cancel")
        },
        "grantRole": PROPOSE,
        "revokeRole": PROPOSE,
        "renounceRole": "a role holder gives up its own role: the deployer's hand-over does it",
        "updateDelay": PROPOSE,
        "onERC721Received": RECEIVER,
        "onERC1155Received": RECEIVER,
        "onERC1155BatchReceived": RECEIVER,
    },
    "WbtcUsdOracle": {**OWNERSHIP, "configureToken": PROPOSE, "disableToken": PROPOSE},
    "IERC20Metadata": {"transferFrom": SPENDER},
    "MockERC20": {"transferFrom": SPENDER},
    "MockWBTC": {"transferFrom": SPENDER},
    "MockUSDC": {"transferFrom": SPENDER},
    "MockAggregator": {"setDecimals": FAULTS, "setMode": FAULTS, "setRoundData": FAULTS},
    "MarketplaceOffers": {
        f: "the extension's own storage, which means nothing (it runs by delegatecall from the "
        "marketplace, whose owner functions are its own: reached through `bazaar propose`)"
        for f in ("acceptOwnership", "transferOwnership", "renounceOwnership")
    },
    "Permit2": {
        "permitTransferFrom": PERMIT2_SPENDER,
        "permitWitnessTransferFrom": PERMIT2_SPENDER,
        **{
            f: PERMIT2_ALLOWANCE
            for f in ("approve", "invalidateNonces", "lockdown", "permit", "transferFrom")
        },
    },
}


def state_changing(name: str) -> set[str]:
    return {
        item["name"]
        for item in artifacts.load(name).abi
        if item.get("type") == "function" and item.get("stateMutability") not in ("view", "pure")
    }


def shipped() -> list[str]:
    folder = Path(artifacts.__file__).parent
    return sorted(p.stem for p in folder.glob("*.json"))


def test_every_shipped_artifact_has_its_senders_named():
    assert sorted(SENDERS) == shipped()


@pytest.mark.parametrize("name", sorted(SENDERS))
def test_every_state_changing_function_is_sent_by_a_client_or_has_a_reason(name):
    text = "\n".join((CLIENTS / module).read_text() for module in SENDERS[name])
    functions = state_changing(name)
    sent = {f for f in functions if re.search(SENDING + re.escape(f'"{f}"'), text)}
    reasons = ABSENT.get(name, {})
    assert functions - sent - set(reasons) == set(), "neither a client method nor a reason"
    assert set(reasons) - functions == set(), "a reason for a function the ABI does not have"
    assert set(reasons) & sent == set(), "a reason for a function a client does send"


def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = commands(sub, (*prefix, name))
                found.extend(nested or [(*prefix, name)])
    return found


def test_every_command_is_run_by_a_cli_test():
    """Each command's words appear as a call's arguments (`"goods", "mint"`) in tests/cli."""
    text = "\n".join(p.read_text() for p in (ROOT / "tests" / "cli").glob("test_*.py"))
    text += (ROOT / "tests" / "support" / "cli.py").read_text()
    missing = []
    for words in commands(build_parser()):
        pattern = r",\s*".join(re.escape(json.dumps(w)) for w in words)
        if not re.search(r"[(\[,]\s*" + pattern + r"\s*[,)\]]", text):
            missing.append(" ".join(words))
    assert missing == []
