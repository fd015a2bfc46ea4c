"""Every function a contract of ours publishes is declared (with NatSpec) in its interface,
except the OpenZeppelin standards it inherits, which their own interfaces declare.

A getter or setter added to a contract and forgotten in its interface fails here by name.
"""

import pytest
from brownie import (
    BazaarGovernor,
    DigitalGoods,
    EscrowMarketplace,
    PointsStaking,
    RewardPoints,
    WbtcUsdOracle,
    interface,
)

OWNABLE_2STEP = {
    "owner", "pendingOwner", "transferOwnership", "acceptOwnership", "renounceOwnership",
}  # fmt: skip
ERC20_PERMIT = {
    "name", "symbol", "decimals", "totalSupply", "balanceOf", "transfer", "allowance",
    "approve", "transferFrom", "permit", "nonces", "DOMAIN_SEPARATOR", "eip712Domain",
}  # fmt: skip
ERC721_2981 = {
    "name", "symbol", "balanceOf", "ownerOf", "safeTransferFrom", "transferFrom", "approve",
    "setApprovalForAll", "getApproved", "isApprovedForAll", "tokenURI", "supportsInterface",
    "royaltyInfo",
}  # fmt: skip
ERC5805_NONCES = {"eip712Domain", "nonces", "clock", "CLOCK_MODE", "getVotes", "getPastVotes",
                  "getPastTotalSupply", "delegates", "delegate", "delegateBySig"}  # fmt: skip

# contract, its interface, what OpenZeppelin's interfaces declare for it
CASES = [
    (EscrowMarketplace, "IEscrowMarketplace", OWNABLE_2STEP),
    (WbtcUsdOracle, "IWbtcUsdOracle", OWNABLE_2STEP),
    (DigitalGoods, "IDigitalGoods", ERC721_2981),
    (RewardPoints, "IRewardPoints", OWNABLE_2STEP | ERC20_PERMIT),
    (PointsStaking, "IPointsStaking", OWNABLE_2STEP | ERC5805_NONCES),
]


def functions(abi):
    return {item["name"] for item in abi if item["type"] == "function"}


@pytest.mark.parametrize("contract, iface, inherited", CASES, ids=[c[1] for c in CASES])
def test_every_function_of_the_contract_is_declared_in_its_interface(contract, iface, inherited):
    undeclared = functions(contract.abi) - functions(getattr(interface, iface).abi) - inherited
    assert undeclared == set(), f"{contract._name} publishes functions {iface} does not declare"


@pytest.mark.parametrize("contract, iface, inherited", CASES, ids=[c[1] for c in CASES])
def test_the_interface_declares_nothing_the_contract_lacks(contract, iface, inherited):
    assert functions(getattr(interface, iface).abi) - functions(contract.abi) == set()


def test_the_governor_declares_its_own_bounds_beside_openzeppelins_governor():
    own = {name for name in functions(BazaarGovernor.abi) if name.startswith(("MIN_", "MAX_"))}
    assert own and own <= functions(interface.IBazaarGovernor.abi)
