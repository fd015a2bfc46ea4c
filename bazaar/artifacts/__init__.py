"""The ABIs and bytecode shipped with the package (no compiler needed at run time).

Written by `python -m tools.toolchain.export_artifacts` from brownie's build; a test fails when one
differs from the build. Permit2 (`EXTERNAL`) is not the project's: it is compiled from Uniswap's
published source by `python -m tools.toolchain.permit2`, whose `--check` proves it canonical.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ARTIFACT_DIR = Path(__file__).resolve().parent

# Every contract the deployment may create. Adding one is one line here, then re-export.
DEPLOYABLE_CONTRACTS: tuple[str, ...] = (
    "EscrowMarketplace",
    "MarketplaceOffers",
    "DigitalGoods",
    "RewardPoints",
    "PointsStaking",
    "BazaarTimelock",
    "BazaarGovernor",
    "WbtcUsdOracle",
    "MockWBTC",
    "MockERC20",
    "MockUSDC",
    "MockAggregator",
)
# Interfaces of contracts the suite uses but does not deploy: real ERC-20 tokens (OpenZeppelin's
# IERC20Metadata) and Chainlink feeds (interfaces/AggregatorV3Interface.sol). ABI only.
INTERFACES: tuple[str, ...] = ("IERC20Metadata", "AggregatorV3Interface")
SHIPPED: tuple[str, ...] = DEPLOYABLE_CONTRACTS + INTERFACES
# Contracts of others that the deployment may create where a chain has none (a local one):
# compiled from their published source (an npm package) by tools/toolchain/permit2.py, not by
# brownie, and checked to be the code deployed on the public chains.
EXTERNAL: tuple[str, ...] = ("Permit2",)


@dataclass(frozen=True)
class Artifact:
    """A compiled contract: its ABI, init code ("" for an interface), and the notice of each
    custom error."""

    name: str
    abi: list[dict[str, Any]] = field(repr=False)
    bytecode: str = field(repr=False)
    error_notices: dict[str, str] = field(repr=False)


@cache
def load(name: str) -> Artifact:
    """The shipped artifact of contract `name`.

    Raises:
        KeyError: no artifact ships under that name.
    """
    path = ARTIFACT_DIR / f"{name}.json"
    if name not in (*SHIPPED, *EXTERNAL) or not path.exists():
        raise KeyError(f"no artifact for contract {name!r}; shipped: {', '.join(available())}")
    data = json.loads(path.read_text())
    return Artifact(name, data["abi"], data["bytecode"], data.get("errorNotices", {}))


def available() -> list[str]:
    """Names of the contracts and interfaces whose artifacts ship (the project's, then
    `EXTERNAL`)."""
    return [n for n in (*SHIPPED, *EXTERNAL) if (ARTIFACT_DIR / f"{n}.json").exists()]


def all_loaded() -> list[Artifact]:
    return [load(name) for name in available()]
