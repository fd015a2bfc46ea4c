"""Shared fixtures. Each test runs inside a chain snapshot (brownie's `fn_isolation`).

Run through `make test`, or `brownie test --network bazaar-dev`: the step-tracing anvil
network that revert messages and coverage need.
"""

import os

import brownie
import pytest
from eth_account import Account

from bazaar.deploy.suite import token_inputs
from tests.cli_helpers import PASSWORD, run
from tests.helpers import SATS, USD, buy, list_item, mine_at
from tests.staking_helpers import COOLDOWN, POINT, WARMUP, WINDOW, fund
from tools import brownie_patches, local_suite

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


def _account(name: str, index: int, doc: str):
    def fixture(accounts):
        return accounts[index]

    fixture.__doc__ = doc
    return pytest.fixture(scope="module", name=name)(fixture)


# The accounts by role: fixture name -> (index in brownie's accounts, what it does). The staking
# and governance tests call the first ones alice, bob and carol.
ACCOUNTS = {
    "deployer": (0, "Deploys everything and owns it until the DAO does."),
    "buyer": (1, "The marketplace's buyer."),
    "seller": (2, "The marketplace's seller."),
    "minter": (4, "Bound as the marketplace of `direct_points`: mints them."),
    "guardian": (5, "May pause the marketplace's new business."),
    "treasury": (6, "Receives the platform fees."),
    "arbiter": (7, "An active arbiter of `market`."),
    "arbiter_b": (8, "Another active arbiter of `market`."),
    "stranger": (9, "An account with no part in anything."),
    "alice": (1, "A staker and voter."),
    "bob": (2, "A staker and voter."),
    "carol": (3, "A staker and voter."),
}
for _name, (_index, _doc) in ACCOUNTS.items():
    globals()[_name] = _account(_name, _index, _doc)


@pytest.fixture(scope="module")
def suite_without_staking(deployer, treasury, guardian, arbiter, arbiter_b):
    """The marketplace's part of the suite, deployed by the plan of `bazaar deploy` (through
    tools/local_suite.py): mock tokens and feeds, the oracle, the goods, the points and the
    marketplace, wired, with `arbiter` and `arbiter_b`. No staking and no fee share: the
    staking tests deploy theirs on mintable points (`staking`), the DAO takes them over
    (`dao`)."""
    return local_suite.deploy(deployer, treasury, guardian, [arbiter, arbiter_b], staking=False)


def _part(name: str, doc: str):
    def fixture(suite_without_staking):
        return getattr(suite_without_staking, name)

    fixture.__doc__ = doc
    return pytest.fixture(scope="module", name=name)(fixture)


wbtc = _part("wbtc", "MockWBTC (8 decimals), a payment token of `market`.")
usdc = _part("usdc", "A mock USDC (6 decimals), a payment token of `market`.")
btc_usd = _part("btc_usd", "The mock BTC/USD feed, at $100,000.")
wbtc_btc = _part("wbtc_btc", "The mock WBTC/BTC feed, at 1.0.")
usdc_usd = _part("usdc_usd", "The mock USDC/USD feed, at 1.0.")
oracle = _part("oracle", "The oracle pricing WBTC and USDC off the mock feeds.")
goods = _part("goods", "The digital-goods contract, bound to `market`.")
points = _part("points", "The reward points, bound to `market` (owner: deployer).")


@pytest.fixture(scope="module")
def wbtc_input(btc_usd, wbtc_btc, usdc_usd):
    """WBTC's TokenInput as the plan gives it to the oracle."""
    return token_inputs({"btc_usd": btc_usd, "wbtc_btc": wbtc_btc, "usdc_usd": usdc_usd})[0]


@pytest.fixture(scope="module")
def usdc_input(btc_usd, wbtc_btc, usdc_usd):
    """USDC's TokenInput as the plan gives it to the oracle."""
    return token_inputs({"btc_usd": btc_usd, "wbtc_btc": wbtc_btc, "usdc_usd": usdc_usd})[1]


@pytest.fixture(scope="module")
def math(MathHarness, deployer):
    return MathHarness.deploy({"from": deployer})


# --- marketplace -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def market(suite_without_staking, MarketplaceAdmin, deployer, wbtc, usdc, buyer):
    """The marketplace of the plan (WBTC and USDC; arbiters `arbiter` and `arbiter_b`); the
    buyer holds 10 BTC and 1,000,000 USDC, approved."""
    m = suite_without_staking.market
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
    """(governor, timelock) owning the marketplace, the oracle, the points and the staking:
    the plan's hand-over (the governor votes with `staking`, on mintable points)."""
    contracts = {"market": market, "oracle": oracle, "points": points, "staking": staking}
    return local_suite.hand_over(deployer, contracts)


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
