"""The storefront's browser tests: Debian's Chromium driven by Playwright, one browser per
module and a new context per test, with the test wallet of tests/support/browser.py injected
(`page`) or no wallet at all (`bare_page`). The wallet holds anvil's dev keys and forwards to
the test chain; the chain is reverted after each test (tests/conftest.py)."""

import pytest

from tests.support.browser import Wallet, launch, open_page
from tests.support.cli import DEV_KEYS, rpc_url


@pytest.fixture(scope="module")
def browser():
    """Chromium (a missing one fails the tests, never skips them)."""
    with launch() as chromium:
        yield chromium


@pytest.fixture
def wallet():
    """The test wallet on the test chain, as the dev account `buyer`; approves everything
    until the test sets `wallet.decide`."""
    return Wallet(rpc_url(), DEV_KEYS, "buyer")


@pytest.fixture
def page(browser, wallet):
    """A page in a new context with `wallet` injected."""
    with open_page(browser, wallet) as opened:
        yield opened


@pytest.fixture
def bare_page(browser):
    """A page in a new context with no wallet at all."""
    with open_page(browser) as opened:
        yield opened
