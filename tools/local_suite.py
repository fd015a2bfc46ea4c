"""Deploys the suite with mock feeds and tokens on the local anvil, for the demo and the bench.

(The resumable, journaled deployment for real networks is the `bazaar deploy` command.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from brownie import (
    ZERO_ADDRESS,
    DigitalGoods,
    EscrowMarketplace,
    MockAggregator,
    MockERC20,
    MockWBTC,
    PointsStaking,
    RewardPoints,
    WbtcUsdOracle,
)

from bazaar.governance import STAKER_SHARE_BPS, STAKING_SETTINGS
from tools import governance

USD = 10**8  # USD amounts and USD feeds carry 8 decimals
ONE_HOUR, ONE_DAY = 3600, 86_400
# Limits as a real deployment would set them: BTC/USD heartbeat 1 h, WBTC/BTC and USDC/USD 24 h.
BTC_USD_LEG = (ONE_HOUR, 100 * USD, 100_000_000 * USD)  # staleness, sanity bounds $100..$100M
PEG_LEG = (ONE_DAY, 50_000_000, 200_000_000)  # 0.5 .. 2.0
DEPEG_FLOOR = 98_000_000  # 0.98
# Staking as `bazaar deploy` sets it: votes count 2 days after staking; unstaking waits 7 days,
# then 2 days to withdraw.
STAKING_WARMUP = STAKING_SETTINGS.warmup
STAKING_COOLDOWN = STAKING_SETTINGS.cooldown
STAKING_WINDOW = STAKING_SETTINGS.window


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
    staking: Any
    governor: Any = None
    timelock: Any = None


def deploy(
    deployer: Any,
    treasury: Any,
    guardian: Any,
    arbiters: list[Any],
    btc_usd_price: int = 100_000 * USD,
) -> LocalSuite:
    tx = {"from": deployer}
    wbtc = MockWBTC.deploy(tx, silent=True)
    usdc = MockERC20.deploy("Mock USD Coin", "USDC", 6, tx, silent=True)
    btc_usd = MockAggregator.deploy(8, btc_usd_price, "BTC / USD", tx, silent=True)
    wbtc_btc = MockAggregator.deploy(8, 10**8, "WBTC / BTC", tx, silent=True)
    usdc_usd = MockAggregator.deploy(8, 10**8, "USDC / USD", tx, silent=True)
    no_leg = (ZERO_ADDRESS, 0, 0, 0)
    wbtc_config = ((btc_usd, *BTC_USD_LEG), (wbtc_btc, *PEG_LEG), DEPEG_FLOOR)
    usdc_config = (no_leg, (usdc_usd, *PEG_LEG), DEPEG_FLOOR)
    oracle = WbtcUsdOracle.deploy(
        deployer, ZERO_ADDRESS, 0, [wbtc, usdc], [wbtc_config, usdc_config], tx, silent=True
    )
    goods = DigitalGoods.deploy(tx, silent=True)
    points = RewardPoints.deploy(deployer, tx, silent=True)
    market = EscrowMarketplace.deploy(
        deployer, oracle, treasury, guardian, goods, points, tx, silent=True
    )
    goods.bindMarketplace(market, tx, silent=True)
    points.bindMarketplace(market, tx, silent=True)
    for token in (wbtc, usdc):
        market.addPaymentToken(token, tx, silent=True)
    for account in arbiters:
        market.setArbiter(account, True, tx, silent=True)
    staking = PointsStaking.deploy(
        points,
        deployer,
        STAKING_WARMUP,
        STAKING_COOLDOWN,
        STAKING_WINDOW,
        [wbtc, usdc],  # the payment tokens are the reward tokens
        tx,
        silent=True,
    )
    market.setFeeShare(staking, STAKER_SHARE_BPS, tx, silent=True)
    return LocalSuite(
        wbtc, usdc, btc_usd, wbtc_btc, usdc_usd, oracle, goods, market, points, staking
    )


def refresh_feeds(suite: LocalSuite, sender: Any) -> None:
    """The mock feeds publish fresh rounds at their current answers (after time travel)."""
    for feed in (suite.btc_usd, suite.wbtc_btc, suite.usdc_usd):
        feed.setAnswer(feed.latestRoundData()[1], {"from": sender}, silent=True)


def hand_to_dao(suite: LocalSuite, deployer: Any) -> LocalSuite:
    """Deploys the governor and the timelock and hands them every governed contract."""
    owned = [suite.market, suite.oracle, suite.points, suite.staking]
    governor, timelock = governance.deploy_dao(deployer, suite.staking, owned)
    return replace(suite, governor=governor, timelock=timelock)
