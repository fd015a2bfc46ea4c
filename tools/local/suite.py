"""The suite on the local chain, for the demo, the bench, the invariant machine and the test
fixtures: a brownie adapter that runs the plan of `bazaar deploy` (bazaar/deploy/suite.py),
step by step, with brownie's contract objects in place of addresses. Mock tokens and feeds
stand in for real ones (the `local` preset has none).

Only how a step is sent differs from the journaled engine: here `Container.deploy` and
`contract.function(...)` from the deployer, no journal (a local chain is thrown away). A
contract that is not the project's (Uniswap's Permit2: bazaar.artifacts.EXTERNAL) has no brownie
container: its shipped artifact's init code is sent as is, and brownie is given its ABI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from brownie import Contract, project

from bazaar import artifacts, networks
from bazaar.deploy.plan import Step, resolve
from bazaar.deploy.suite import (
    GOVERNED,
    PERMIT2,
    SuiteConfig,
    feed_step,
    handover_steps,
    market_steps,
    staking_steps,
)
from bazaar.settings import USD
from bazaar.signing import eip712


@dataclass(frozen=True)
class LocalSuite:
    wbtc: Any
    usdc: Any
    btc_usd: Any
    wbtc_btc: Any
    usdc_usd: Any
    oracle: Any
    goods: Any
    market: Any
    points: Any
    staking: Any = None
    governor: Any = None
    timelock: Any = None
    config: SuiteConfig | None = field(default=None, repr=False)
    contracts: dict[str, Any] = field(default_factory=dict, repr=False)  # by step name
    steps: tuple[str, ...] = ()  # the plan's steps run, in order
    permit2: Any = None  # Uniswap's Permit2, deployed from its artifact (bazaar.artifacts)


def config_for(
    deployer: Any,
    treasury: Any,
    guardian: Any,
    arbiters: Iterable[Any],
    btc_usd_price: int = 100_000 * USD,
) -> SuiteConfig:
    """The plan's configuration on the local chain: mocks for every token and feed."""
    return SuiteConfig(
        owner=str(deployer),
        treasury=str(treasury),
        guardian=str(guardian),
        arbiters=tuple(str(a) for a in arbiters),
        preset=networks.preset("local"),
        mocks=True,
        btc_usd_answer=btc_usd_price,
    )


def deploy_artifact(name: str, deployer: Any) -> Any:
    """Contract `name` (one of bazaar.artifacts.EXTERNAL: no constructor arguments) deployed
    from its shipped artifact by `deployer`, as a brownie contract (with its `tx`)."""
    artifact = artifacts.load(name)
    tx = deployer.transfer(data=artifact.bytecode, silent=True)
    contract = Contract.from_abi(name, tx.contract_address, artifact.abi, persist=False)
    contract.tx = tx
    return contract


def run_steps(steps: Iterable[Step], deployer: Any, contracts: dict[str, Any]) -> dict[str, Any]:
    """Runs plan `steps` from `deployer`; `contracts` holds the contracts of earlier steps by
    step name (and receives the new ones). Returns `contracts`."""
    containers = project.get_loaded_projects()[0]
    tx = {"from": deployer}
    for step in steps:
        args = resolve(step.args, contracts.__getitem__)
        if step.kind == "deploy" and step.contract in artifacts.EXTERNAL:
            contracts[step.name] = deploy_artifact(step.contract, deployer)
        elif step.kind == "deploy":
            contracts[step.name] = containers[step.contract].deploy(*args, tx, silent=True)
        elif step.target is not None and step.function is not None:
            getattr(contracts[step.target.step], step.function)(*args, tx, silent=True)
        else:
            raise ValueError(f"step {step.name!r} calls no target function")
    return contracts


def _suite(config: SuiteConfig, contracts: dict[str, Any], steps: Iterable[Step]) -> LocalSuite:
    return LocalSuite(
        contracts["wbtc"],
        contracts["usdc"],
        contracts[feed_step("btc_usd")],
        contracts[feed_step("wbtc_btc")],
        contracts[feed_step("usdc_usd")],
        contracts["oracle"],
        contracts["goods"],
        contracts["market"],
        contracts["points"],
        contracts.get("staking"),
        contracts.get("governor"),
        contracts.get("timelock"),
        config,
        contracts,
        tuple(step.name for step in steps),
        contracts.get(PERMIT2),
    )


def deploy(
    deployer: Any,
    treasury: Any,
    guardian: Any,
    arbiters: Iterable[Any],
    btc_usd_price: int = 100_000 * USD,
    staking: bool = True,
) -> LocalSuite:
    """The suite as `bazaar deploy` builds it, up to the hand-over (`hand_to_dao`); without
    `staking` (the test fixtures' marketplace), only the marketplace's part of the plan."""
    config = config_for(deployer, treasury, guardian, arbiters, btc_usd_price)
    market = market_steps(config)
    steps = list(market.steps)
    if staking:
        steps += staking_steps(config, market.sources)
    return _suite(config, run_steps(steps, deployer, {}), steps)


def hand_over(
    deployer: Any,
    contracts: dict[str, Any],
    governed: tuple[tuple[str, str], ...] = GOVERNED,
    config: SuiteConfig | None = None,
) -> tuple[Any, Any]:
    """The plan's hand-over: deploys the timelock and the governor (voting with
    `contracts["staking"]`) and hands the `governed` contracts (step name, contract) to the
    timelock. Returns (governor, timelock)."""
    config = config or config_for(deployer, deployer, deployer, ())
    done = run_steps(handover_steps(config, governed), deployer, dict(contracts))
    return done["governor"], done["timelock"]


def hand_to_dao(suite: LocalSuite, deployer: Any) -> LocalSuite:
    """`suite` after the plan's hand-over: the DAO owns every governed contract."""
    config = suite.config or config_for(deployer, deployer, deployer, ())
    steps = handover_steps(config)
    contracts = run_steps(steps, deployer, dict(suite.contracts))
    return replace(
        _suite(config, contracts, steps), steps=suite.steps + tuple(s.name for s in steps)
    )


def refresh_feeds(suite: LocalSuite, sender: Any) -> None:
    """The mock feeds publish fresh rounds at their current answers (after time travel)."""
    for feed in (suite.btc_usd, suite.wbtc_btc, suite.usdc_usd):
        feed.setAnswer(feed.latestRoundData()[1], {"from": sender}, silent=True)


def signed_ballot(governor: Any, proposal_id: int, support: int, key: Any) -> bytes:
    """`key`'s (an eth-account LocalAccount) vote on `proposal_id`, signed under the governor's
    EIP-712 domain (as it reports it) with the key's current nonce, for `castVoteBySig`."""
    domain = eip712.domain_from_erc5267(governor.eip712Domain())
    nonce = governor.nonces(key.address)
    return eip712.sign_typed(key, eip712.ballot(domain, proposal_id, support, key.address, nonce))
