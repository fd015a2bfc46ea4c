"""The oracle tests' token inputs, as the deploy plan gives them to the oracle."""

import pytest

from bazaar.deploy.suite import token_inputs


@pytest.fixture(scope="module")
def wbtc_input(btc_usd, wbtc_btc, usdc_usd):
    """WBTC's TokenInput as the plan gives it to the oracle."""
    return token_inputs({"btc_usd": btc_usd, "wbtc_btc": wbtc_btc, "usdc_usd": usdc_usd})[0]


@pytest.fixture(scope="module")
def usdc_input(btc_usd, wbtc_btc, usdc_usd):
    """USDC's TokenInput as the plan gives it to the oracle."""
    return token_inputs({"btc_usd": btc_usd, "wbtc_btc": wbtc_btc, "usdc_usd": usdc_usd})[1]
