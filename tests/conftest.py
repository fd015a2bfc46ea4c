"""The accounts by role and the isolation: each test runs inside a chain snapshot (brownie's
`fn_isolation`). The deployed suite's fixtures live in tests/fixtures/ by concern (suite and
marketplace; staking and governance), loaded here for every folder; a folder's own fixtures
are in its conftest.py.

Run through `make test`, or `brownie test --network bazaar-dev`: the step-tracing anvil
network that revert messages and coverage need.
"""

import os

import brownie
import pytest

from tools.toolchain import brownie_patches

brownie_patches.apply()

pytest_plugins = ["tests.fixtures.suite", "tests.fixtures.governance"]

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
