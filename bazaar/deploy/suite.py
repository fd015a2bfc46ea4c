"""The suite as a plan: its contracts, their constructor arguments, the wiring, and the DAO
hand-over. The one description of the suite: `bazaar deploy` runs it through the journaled
engine (bazaar/deploy/engine.py) on real networks, and tools/local/suite.py runs the very same
steps with brownie for the demo, the bench, the invariant machine and the test fixtures.

The plan comes in three parts, run in this order:
1. `market_steps`: tokens and feeds (mocks where the network has none), Uniswap's Permit2
   (deployed from its artifact where the network has none: a local chain), the oracle, the
   goods, the points, the signed-offers extension, the marketplace, and their wiring
   (bindings, payment tokens, arbiters);
2. `staking_steps`: the points staking, which receives a share of the fees;
3. `handover_steps`: the timelock and the governor, then the hand-over:
   - the timelock starts with no delay, the deployer its only proposer, executor and admin;
   - each governed contract offers its ownership to the timelock (Ownable2Step), and one
     timelock batch, scheduled then executed, accepts them all and sets the real delay;
   - the governor becomes the only proposer and canceller; anyone may execute;
   - the deployer renounces every timelock role, the admin role last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from bazaar import settings
from bazaar.deploy.plan import ZERO_ADDRESS, Ref, Step, call, deploy
from bazaar.errors import BazaarError
from bazaar.networks import NetworkPreset
from bazaar.settings import GovernorSettings, StakingSettings
from bazaar.types import ADMIN_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE


@dataclass(frozen=True)
class SuiteConfig:
    owner: str  # the deployer: owns everything until the hand-over
    treasury: str
    guardian: str
    arbiters: tuple[str, ...]
    preset: NetworkPreset
    mocks: bool = False
    btc_usd_answer: int = settings.MOCK_ANSWERS["btc_usd"]
    governor: GovernorSettings = settings.GOVERNOR_SETTINGS
    staking: StakingSettings = settings.STAKING_SETTINGS
    timelock_delay: int = settings.TIMELOCK_DELAY
    staker_share_bps: int = settings.STAKER_SHARE_BPS
    handover_salt: bytes = settings.HANDOVER_SALT


@dataclass(frozen=True)
class Plan:
    """The steps of a deployment, and where each token and feed, and Permit2, comes from (key
    -> `Ref` to the step deploying it, or a real address)."""

    steps: tuple[Step, ...]
    sources: dict[str, Ref | str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [step.name for step in self.steps]


# Mock tokens where the network has none: step name -> (contract, constructor arguments).
MOCK_TOKENS = {
    "wbtc": ("MockWBTC", ()),
    "usdc": ("MockUSDC", ()),
}
# The payment tokens, in the order the marketplace numbers them (1, 2): also the staking's
# reward tokens.
PAYMENT_TOKENS = ("wbtc", "usdc")
# Contracts governed by the DAO (Ownable2Step): step name -> contract. The timelock owns them.
GOVERNED = (
    ("market", "EscrowMarketplace"),
    ("oracle", "WbtcUsdOracle"),
    ("points", "RewardPoints"),
    ("staking", "PointsStaking"),
)
NO_PREDECESSOR = b"\x00" * 32
# The step (and sources key) of Uniswap's Permit2 where the plan deploys it.
PERMIT2 = "permit2"


def feed_step(key: str) -> str:
    """The name of the step deploying the mock feed `key` (btc_usd, wbtc_btc, usdc_usd)."""
    return f"{key}_feed"


def sources(config: SuiteConfig) -> Plan:
    """Mock steps for every token and feed the preset lacks (with `mocks`), a Permit2 step
    where the preset has no Permit2 (a local chain, or any chain with `mocks`: Uniswap's code
    from bazaar/artifacts/Permit2.json, at whatever address the chain gives it), and where
    each token and feed, and Permit2, comes from.

    Raises:
        BazaarError: an address is missing and `mocks` is not set.
    """
    steps: list[Step] = []
    found: dict[str, Ref | str] = {}
    missing = []
    for key, (contract, args) in MOCK_TOKENS.items():
        real = config.preset.tokens.get(key)
        if real:
            found[key] = real
        elif config.mocks:
            steps.append(deploy(key, contract, *args))
            found[key] = Ref(key)
        else:
            missing.append(f"{key} token")
    for key, description in settings.FEED_DESCRIPTIONS.items():
        real = config.preset.feeds.get(key)
        if real:
            found[key] = real
        elif config.mocks:
            answer = config.btc_usd_answer if key == "btc_usd" else settings.MOCK_ANSWERS[key]
            decimals = settings.USD_FEED_DECIMALS
            steps.append(deploy(feed_step(key), "MockAggregator", decimals, answer, description))
            found[key] = Ref(feed_step(key))
        else:
            missing.append(f"{description} feed")
    if config.preset.permit2:
        found[PERMIT2] = config.preset.permit2
    elif config.mocks or config.preset.is_local:
        steps.append(deploy(PERMIT2, "Permit2"))
        found[PERMIT2] = Ref(PERMIT2)
    else:
        missing.append("Permit2 (--permit2 ADDRESS)")
    if missing:
        raise BazaarError(
            f"network {config.preset.name} has no address for: {', '.join(missing)}; "
            "pass --mocks to deploy mocks (and Permit2, from its artifact) in their place"
        )
    return Plan(tuple(steps), found)


def token_inputs(
    src: dict[str, Any], staleness: Mapping[str, int] | None = None
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The oracle's TokenInput of WBTC (BTC/USD and WBTC/BTC legs) and of USDC (its USD peg
    leg only), with the feeds of `src` and the limits of bazaar.settings (FEED_LIMITS), each
    leg's staleness limit from `staleness` where it has the feed (a preset's, from its feeds'
    heartbeats: NetworkPreset.staleness)."""

    def leg(key: str) -> tuple[object, int, int, int]:
        limits = settings.FEED_LIMITS[key]
        if staleness is not None and key in staleness:
            limits = replace(limits, max_staleness=staleness[key])
        return limits.leg(src[key])

    no_leg = (ZERO_ADDRESS, 0, 0, 0)
    wbtc = (leg("btc_usd"), leg("wbtc_btc"), settings.DEPEG_FLOOR)
    usdc = (no_leg, leg("usdc_usd"), settings.DEPEG_FLOOR)
    return wbtc, usdc


def market_steps(config: SuiteConfig) -> Plan:
    """Tokens and feeds, the oracle, the goods, the points, the signed-offers extension, the
    marketplace and their wiring."""
    found = sources(config)
    src = found.sources
    sequencer = config.preset.sequencer_feed
    steps = [
        *found.steps,
        deploy(
            "oracle",
            "WbtcUsdOracle",
            config.owner,
            sequencer or ZERO_ADDRESS,
            settings.SEQUENCER_GRACE_PERIOD if sequencer else 0,
            tuple(src[key] for key in PAYMENT_TOKENS),
            token_inputs(src, config.preset.staleness),
        ),
        deploy("goods", "DigitalGoods"),
        deploy("points", "RewardPoints", config.owner),
        # Signed offers: the marketplace's second extension, deployed on its own (the
        # marketplace's init code already embeds the first) with the same links.
        deploy("offers", "MarketplaceOffers", Ref("oracle"), Ref("goods"), Ref("points")),
        deploy(
            "market",
            "EscrowMarketplace",
            config.owner,
            Ref("oracle"),
            config.treasury,
            config.guardian,
            Ref("goods"),
            Ref("points"),
            src[PERMIT2],
            Ref("offers"),
        ),
        call("goods.bindMarketplace", "goods", "DigitalGoods", "bindMarketplace", Ref("market")),
        call("points.bindMarketplace", "points", "RewardPoints", "bindMarketplace", Ref("market")),
    ]
    for key in PAYMENT_TOKENS:
        name = f"market.addPaymentToken({key})"
        steps.append(call(name, "market", "EscrowMarketplace", "addPaymentToken", src[key]))
    for arbiter in config.arbiters:
        name = f"market.setArbiter({arbiter})"
        steps.append(call(name, "market", "EscrowMarketplace", "setArbiter", arbiter, True))
    return Plan(tuple(steps), src)


def staking_steps(config: SuiteConfig, src: dict[str, Any]) -> list[Step]:
    """The points staking (rewards in the payment tokens) and its share of the fees."""
    s = config.staking
    rewards = tuple(src[key] for key in PAYMENT_TOKENS)
    return [
        deploy(
            "staking",
            "PointsStaking",
            Ref("points"),
            config.owner,
            s.warmup,
            s.cooldown,
            s.window,
            rewards,
        ),
        call(
            "market.setFeeShare(staking)",
            "market",
            "EscrowMarketplace",
            "setFeeShare",
            Ref("staking"),
            config.staker_share_bps,
        ),
    ]


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def handover_steps(
    config: SuiteConfig, governed: tuple[tuple[str, str], ...] = GOVERNED
) -> list[Step]:
    """The timelock and the governor (voting with the "staking" step's stake), and the
    hand-over of the `governed` contracts (step name, contract) to the timelock."""
    owner = config.owner
    steps = [
        deploy("timelock", "BazaarTimelock", 0, (owner,), (owner,), owner),
        deploy(
            "governor",
            "BazaarGovernor",
            Ref("staking"),
            Ref("timelock"),
            *config.governor.as_args(),
        ),
    ]
    offers = []
    for key, contract in governed:
        name = f"{key}.transferOwnership(timelock)"
        steps.append(call(name, key, contract, "transferOwnership", Ref("timelock")))
        offers.append(name)
    accept = _selector("acceptOwnership()")
    update_delay = _selector("updateDelay(uint256)") + abi_encode(
        ["uint256"], [config.timelock_delay]
    )
    targets = (*(Ref(key) for key, _ in governed), Ref("timelock"))
    batch = (targets, (0,) * len(targets), (accept,) * len(governed) + (update_delay,))
    salt = config.handover_salt
    schedule = "timelock.scheduleBatch(accept ownerships, set delay)"
    steps += [
        call(
            schedule, "timelock", "BazaarTimelock", "scheduleBatch", *batch, NO_PREDECESSOR, salt, 0
        ),
        call(
            "timelock.executeBatch(accept ownerships, set delay)",
            "timelock",
            "BazaarTimelock",
            "executeBatch",
            *batch,
            NO_PREDECESSOR,
            salt,
            after=(*offers, schedule),
        ),
    ]
    for role_name, role, grantee, label in (
        ("PROPOSER_ROLE", PROPOSER_ROLE, Ref("governor"), "governor"),
        ("CANCELLER_ROLE", CANCELLER_ROLE, Ref("governor"), "governor"),
        ("EXECUTOR_ROLE", EXECUTOR_ROLE, ZERO_ADDRESS, "anyone"),
    ):
        name = f"timelock.grantRole({role_name}, {label})"
        steps.append(call(name, "timelock", "BazaarTimelock", "grantRole", role, grantee))
    for role_name, role in (
        ("PROPOSER_ROLE", PROPOSER_ROLE),
        ("EXECUTOR_ROLE", EXECUTOR_ROLE),
        ("CANCELLER_ROLE", CANCELLER_ROLE),
        ("DEFAULT_ADMIN_ROLE", ADMIN_ROLE),
    ):
        name = f"timelock.renounceRole({role_name})"
        steps.append(call(name, "timelock", "BazaarTimelock", "renounceRole", role, owner))
    return steps


def suite_plan(config: SuiteConfig) -> Plan:
    """The whole suite, up to the DAO owning it."""
    market = market_steps(config)
    steps = [*market.steps, *staking_steps(config, market.sources), *handover_steps(config)]
    return Plan(tuple(steps), market.sources)
