"""Shared fixtures. Each test runs inside a chain snapshot (brownie's `fn_isolation`)."""

import pytest

from tools import brownie_patches

brownie_patches.apply()


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Revert the chain after every test."""


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def wbtc(MockWBTC, deployer):
    return MockWBTC.deploy({"from": deployer})
