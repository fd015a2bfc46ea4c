"""Hands the governed contracts to the DAO on a local chain (tests, demo, bench), the same
sequence `bazaar deploy` journals on real networks:

1. the timelock starts with a zero delay, the deployer as its only proposer and executor;
2. each governed contract (Ownable2Step) offers its ownership to the timelock, and one
   timelock batch accepts them all and sets the real minimum delay;
3. the governor becomes the only proposer and canceller, anyone may execute;
4. the deployer gives up every timelock role, the admin role last.
"""

from __future__ import annotations

from typing import Any

from brownie import ZERO_ADDRESS, BazaarGovernor, BazaarTimelock, web3

from bazaar import governance
from bazaar.governance import ADMIN_ROLE as ADMIN
from bazaar.governance import CANCELLER_ROLE as CANCELLER
from bazaar.governance import EXECUTOR_ROLE as EXECUTOR
from bazaar.governance import PROPOSER_ROLE as PROPOSER
from bazaar.governance import TIMELOCK_DELAY, Domain

# The suite's settings, as `bazaar deploy` uses them (bazaar/governance.py): 1 day voting
# delay, 3 days of voting, 100 points to propose, 4 % quorum, voting extended 1 day when
# quorum is reached late; 2 days of timelock.
GOVERNOR_SETTINGS = governance.GOVERNOR_SETTINGS.as_args()
__all__ = [
    "ADMIN",
    "CANCELLER",
    "EXECUTOR",
    "GOVERNOR_SETTINGS",
    "PROPOSER",
    "TIMELOCK_DELAY",
    "ballot",
    "deploy_dao",
    "sign",
    "signed_ballot",
    "typed_data",
]


def deploy_dao(
    deployer: Any,
    staking: Any,
    owned: list[Any],
    settings: tuple = GOVERNOR_SETTINGS,
    delay: int = TIMELOCK_DELAY,
    silent: bool = True,
) -> tuple[Any, Any]:
    """Deploys the timelock and the governor and hands `owned` to the timelock; returns
    (governor, timelock)."""
    tx = {"from": deployer}
    timelock = BazaarTimelock.deploy(0, [deployer], [deployer], deployer, tx, silent=silent)
    governor = BazaarGovernor.deploy(staking, timelock, *settings, tx, silent=silent)
    for contract in owned:
        contract.transferOwnership(timelock, tx, silent=silent)
    targets = [*owned, timelock]
    datas = [c.acceptOwnership.encode_input() for c in owned]
    datas.append(timelock.updateDelay.encode_input(delay))
    salt = b"\x00" * 32
    timelock.scheduleBatch(targets, [0] * len(targets), datas, salt, salt, 0, tx, silent=silent)
    timelock.executeBatch(targets, [0] * len(targets), datas, salt, salt, tx, silent=silent)
    timelock.grantRole(PROPOSER, governor, tx, silent=silent)
    timelock.grantRole(CANCELLER, governor, tx, silent=silent)
    timelock.grantRole(EXECUTOR, ZERO_ADDRESS, tx, silent=silent)
    for name in (PROPOSER, EXECUTOR, CANCELLER, ADMIN):
        timelock.renounceRole(name, deployer, tx, silent=silent)
    return governor, timelock


def typed_data(
    name: str,
    contract: str,
    primary: str,
    fields: list[tuple[str, str]],
    message: dict,
    chain_id: int | None = None,
) -> dict:
    """EIP-712 typed data under the domain (name, version "1", chain id, contract) that the
    OpenZeppelin EIP712 contracts here use; `fields` are (name, type) of `primary`."""
    chain = web3.eth.chain_id if chain_id is None else chain_id
    return governance.typed_data(Domain(name, "1", chain, contract), primary, fields, message)


def ballot(
    governor: Any,
    proposal_id: int,
    support: int,
    voter: str,
    nonce: int,
    chain_id: int | None = None,
    contract: str | None = None,
) -> dict:
    """The governor's `Ballot` for `castVoteBySig` (chain id and contract overridable, to
    forge misdirected ballots in tests)."""
    chain = web3.eth.chain_id if chain_id is None else chain_id
    domain = Domain("BazaarGovernor", "1", chain, contract or governor.address)
    return governance.ballot_data(domain, proposal_id, support, voter, nonce)


def extended_ballot(
    governor: Any,
    proposal_id: int,
    support: int,
    voter: str,
    nonce: int,
    reason: str,
    params: bytes,
) -> dict:
    """The governor's `ExtendedBallot` for `castVoteWithReasonAndParamsBySig` (a vote with a
    reason and parameters; its nonce is used up)."""
    fields = [
        ("proposalId", "uint256"),
        ("support", "uint8"),
        ("voter", "address"),
        ("nonce", "uint256"),
        ("reason", "string"),
        ("params", "bytes"),
    ]
    message = {
        "proposalId": proposal_id,
        "support": support,
        "voter": voter,
        "nonce": nonce,
        "reason": reason,
        "params": params,
    }
    return typed_data("BazaarGovernor", governor.address, "ExtendedBallot", fields, message)


def sign(key: Any, data: dict) -> bytes:
    """The 65-byte signature of typed `data` by `key` (an eth-account LocalAccount)."""
    return governance.sign_typed(key, data)


def signed_ballot(governor: Any, proposal_id: int, support: int, key: Any) -> bytes:
    """`key`'s signed vote on `proposal_id`, with its current nonce."""
    nonce = governor.nonces(key.address)
    return sign(key, ballot(governor, proposal_id, support, key.address, nonce))
