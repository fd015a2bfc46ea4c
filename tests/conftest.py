"""Shared fixtures. Each test runs inside a chain snapshot (brownie's `fn_isolation`).

Run through `make test`, or `brownie test --network bazaar-dev`: the step-tracing anvil
network that revert messages and coverage need.
"""

import brownie
import pytest

from tests.helpers import (
    BTC_USD_BOUNDS,
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    token_input,
)
from tools import brownie_patches

brownie_patches.apply()

NETWORK = "bazaar-dev"


@pytest.fixture(scope="session", autouse=True)
def on_the_tracing_network():
    if brownie.network.show_active() != NETWORK:
        pytest.exit(f"run the tests with `make test` or `brownie test --network {NETWORK}`", 2)


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Revert the chain after every test."""


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="module")
def wbtc(MockWBTC, deployer):
    return MockWBTC.deploy({"from": deployer})


@pytest.fixture(scope="module")
def usdc(MockERC20, deployer):
    return MockERC20.deploy("Mock USD Coin", "USDC", 6, {"from": deployer})


@pytest.fixture(scope="module")
def btc_usd(MockAggregator, deployer):
    return MockAggregator.deploy(8, 100_000 * 10**8, "BTC / USD", {"from": deployer})


@pytest.fixture(scope="module")
def wbtc_btc(MockAggregator, deployer):
    return MockAggregator.deploy(8, 10**8, "WBTC / BTC", {"from": deployer})


@pytest.fixture(scope="module")
def usdc_usd(MockAggregator, deployer):
    return MockAggregator.deploy(8, 10**8, "USDC / USD", {"from": deployer})


@pytest.fixture(scope="module")
def wbtc_input(btc_usd, wbtc_btc):
    return token_input(
        (btc_usd, ONE_HOUR, *BTC_USD_BOUNDS), (wbtc_btc, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR
    )


@pytest.fixture(scope="module")
def usdc_input(usdc_usd):
    return token_input(None, (usdc_usd, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR)


@pytest.fixture(scope="module")
def oracle(WbtcUsdOracle, deployer, wbtc, usdc, wbtc_input, usdc_input):
    return WbtcUsdOracle.deploy(
        deployer,
        brownie.ZERO_ADDRESS,
        0,
        [wbtc, usdc],
        [wbtc_input, usdc_input],
        {"from": deployer},
    )


@pytest.fixture(scope="module")
def math(MathHarness, deployer):
    return MathHarness.deploy({"from": deployer})
