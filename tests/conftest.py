"""Shared fixtures. Each test runs inside a chain snapshot (brownie's `fn_isolation`).

Run through `make test`, or `brownie test --network bazaar-dev`: the step-tracing anvil
network that revert messages and coverage need.
"""

import os

import brownie
import pytest
from eth_account import Account

from tests.cli_helpers import PASSWORD, run
from tests.helpers import (
    BTC_USD_BOUNDS,
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    SATS,
    USD,
    buy,
    list_item,
    mine_at,
    token_input,
)
from tests.staking_helpers import COOLDOWN, POINT, WARMUP, WINDOW, fund
from tools import brownie_patches
from tools.governance import deploy_dao

brownie_patches.apply()

# BAZAAR_TEST_NETWORK lets a second checkout test on a network (port) of its own.
NETWORK = os.environ.get("BAZAAR_TEST_NETWORK", "bazaar-dev")


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


# --- marketplace -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def buyer(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def seller(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def guardian(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def treasury(accounts):
    return accounts[6]


@pytest.fixture(scope="module")
def arbiter(accounts):
    return accounts[7]


@pytest.fixture(scope="module")
def arbiter_b(accounts):
    return accounts[8]


@pytest.fixture(scope="module")
def goods(DigitalGoods, deployer):
    """The digital-goods contract, bound to `market` when that fixture is used."""
    return DigitalGoods.deploy({"from": deployer})


@pytest.fixture(scope="module")
def points(RewardPoints, deployer):
    """The reward points, bound to `market` when that fixture is used (owner: deployer)."""
    return RewardPoints.deploy(deployer, {"from": deployer})


@pytest.fixture(scope="module")
def market(
    EscrowMarketplace,
    MarketplaceAdmin,
    deployer,
    oracle,
    goods,
    points,
    wbtc,
    usdc,
    treasury,
    guardian,
    arbiter,
    arbiter_b,
    buyer,
):
    m = EscrowMarketplace.deploy(
        deployer, oracle, treasury, guardian, goods, points, {"from": deployer}
    )
    goods.bindMarketplace(m, {"from": deployer})
    points.bindMarketplace(m, {"from": deployer})
    for token in (wbtc, usdc):
        m.addPaymentToken(token, {"from": deployer})
    for account in (arbiter, arbiter_b):
        m.setArbiter(account, True, {"from": deployer})
    wbtc.mint(buyer, 10 * SATS, {"from": deployer})
    usdc.mint(buyer, 1_000_000 * 10**6, {"from": deployer})
    wbtc.approve(m, 2**256 - 1, {"from": buyer})
    usdc.approve(m, 2**256 - 1, {"from": buyer})
    # Known to brownie, so that traces and coverage follow the code it runs by DELEGATECALL
    MarketplaceAdmin.at(m.extension())
    return m


@pytest.fixture
def plain_market(
    EscrowMarketplace, MarketplaceAdmin, deployer, oracle, treasury, guardian, wbtc, arbiter
):
    """A marketplace without a goods or a points contract, accepting WBTC and `arbiter`."""
    m = EscrowMarketplace.deploy(
        deployer,
        oracle,
        treasury,
        guardian,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        {"from": deployer},
    )
    m.addPaymentToken(wbtc, {"from": deployer})
    m.setArbiter(arbiter, True, {"from": deployer})
    MarketplaceAdmin.at(m.extension())
    return m


@pytest.fixture(scope="module")
def listing(market, seller, wbtc, usdc):
    """$1,000, 10 in stock, WBTC or USDC, locked-amount settlement."""
    return list_item(market, seller, 1_000 * USD, [wbtc, usdc])


@pytest.fixture(scope="module")
def protected_listing(market, seller, wbtc):
    """$1,000 in WBTC, USD-protected settlement with a 10 % buffer."""
    return list_item(market, seller, 1_000 * USD, [wbtc], buffer_bps=1_000)


@pytest.fixture
def order(market, listing, buyer, wbtc, arbiter):
    """A paid WBTC order for the $1,000 listing: 1,000,000 sats in escrow."""
    return buy(market, buyer, listing, wbtc, arbiter)


# --- staking and governance ---------------------------------------------------------------


@pytest.fixture(scope="module")
def minter(accounts):
    """An account bound as the marketplace of `direct_points`: the only one that mints them."""
    return accounts[4]


@pytest.fixture(scope="module")
def direct_points(RewardPoints, deployer, minter):
    """Points whose marketplace is the account `minter`, which calls their hooks directly."""
    p = RewardPoints.deploy(deployer, {"from": deployer})
    p.bindMarketplace(minter, {"from": deployer})
    return p


@pytest.fixture(scope="module")
def mock_points(MockERC20, deployer):
    """Points for staking and governance tests: a mock ERC-20 anyone can mint (the real
    RewardPoints are minted only by the marketplace)."""
    return MockERC20.deploy("Bazaar Points", "BZP", 18, {"from": deployer})


@pytest.fixture(scope="module")
def staking(PointsStaking, mock_points, wbtc, usdc, deployer):
    """Warm-up 2 days, cooldown 7 days, withdraw window 2 days; rewards in WBTC and USDC."""
    return PointsStaking.deploy(
        mock_points, deployer, WARMUP, COOLDOWN, WINDOW, [wbtc, usdc], {"from": deployer}
    )


@pytest.fixture(scope="module")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def carol(accounts):
    return accounts[3]


# --- the bazaar CLI tests --------------------------------------------------------------------


@pytest.fixture
def keystore_password(monkeypatch):
    """The keystores' password in BAZAAR_KEYSTORE_PASSWORD (test_cli_* modules use it)."""
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)


@pytest.fixture
def bazaar(suite, capsys):
    """`bazaar [--json] [--keystore <as>] args...` on the test chain of the module's `suite`."""

    def bazaar_(*args, who=None, json=False):
        extra = ["--keystore", suite["keys"][who]] if who else []
        return run(capsys, *suite["base"], *extra, *(["--json"] if json else []), *args)

    return bazaar_


@pytest.fixture(scope="module")
def dao(deployer, staking, market, oracle, points):
    """(governor, timelock) owning the marketplace, the oracle, the points and the staking."""
    return deploy_dao(deployer, staking, [market, oracle, points, staking])


@pytest.fixture(scope="module")
def governor(dao):
    return dao[0]


@pytest.fixture(scope="module")
def timelock(dao):
    return dao[1]


@pytest.fixture
def voters(mock_points, staking, alice, bob, governor):
    """Alice stakes 10,000 points and Bob 1,000; both warmed up. Returns now."""
    for account, amount in ((alice, 10_000 * POINT), (bob, 1_000 * POINT)):
        fund(mock_points, staking, account, amount)
        staking.stake(amount, {"from": account})
    now = brownie.chain[-1].timestamp + WARMUP + 1
    mine_at(now)
    return now


@pytest.fixture
def signer(mock_points, staking, voters):
    """A staker whose key the test holds (to sign ballots), 5,000 points, warmed up."""
    key = Account.create()
    account = brownie.accounts.add(key.key)
    fund(mock_points, staking, account, 5_000 * POINT)
    staking.stake(5_000 * POINT, {"from": account})
    mine_at(brownie.chain[-1].timestamp + WARMUP + 1)
    return key
