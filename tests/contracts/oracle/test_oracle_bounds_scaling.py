"""WbtcUsdOracle sanity bounds carry 8 decimals and compare exactly with feeds of any decimals;
the largest amounts convert exactly whatever the decimals."""

import brownie

from tests.support.helpers import (
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    USD,
    err,
    ref_tokens_to_usd,
    token_input,
)


def test_bounds_compare_exactly_with_an_18_decimal_feed(
    MockAggregator, WbtcUsdOracle, wbtc, wbtc_btc, deployer
):
    feed = MockAggregator.deploy(18, 50_000 * 10**18, "BTC / USD", {"from": deployer})
    low, high = 1_000 * USD, 90_000 * USD
    config = token_input((feed, ONE_HOUR, low, high), (wbtc_btc, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR)
    oracle = WbtcUsdOracle.deploy(
        deployer, brownie.ZERO_ADDRESS, 0, [wbtc], [config], {"from": deployer}
    )
    feed.setAnswer(90_000 * 10**18)  # exactly the upper bound
    assert oracle.quote(wbtc, 90_000 * USD)["tokenAmount"] == 10**8
    feed.setAnswer(90_000 * 10**18 + 1)  # one wei above $90,000
    with brownie.reverts(err("OracleAnswerOutOfBounds", feed, 90_000 * 10**18 + 1, low, high)):
        oracle.quote(wbtc, USD)
    feed.setAnswer(1_000 * 10**18 - 1)
    with brownie.reverts(err("OracleAnswerOutOfBounds", feed, 1_000 * 10**18 - 1, low, high)):
        oracle.quote(wbtc, USD)


def test_the_largest_token_amount_of_an_18_decimal_token_on_18_decimal_feeds_converts_exactly(
    MockAggregator, MockERC20, WbtcUsdOracle, deployer
):
    """amount x price overflows 256 bits here: the conversion takes mulDiv's 512-bit path."""
    usd_feed = MockAggregator.deploy(18, 100_000 * 10**18, "X / USD", {"from": deployer})
    peg_feed = MockAggregator.deploy(18, 10**18, "T / X", {"from": deployer})
    token = MockERC20.deploy("T", "T", 18, {"from": deployer})
    config = token_input(
        (usd_feed, ONE_HOUR, 1_000 * USD, 10**9 * USD),  # the widest range: 1e6
        (peg_feed, ONE_DAY, *PEG_BOUNDS),
        DEPEG_FLOOR,
    )
    oracle = WbtcUsdOracle.deploy(
        deployer, brownie.ZERO_ADDRESS, 0, [token], [config], {"from": deployer}
    )
    largest = 2**128 - 1
    legs = [(100_000 * 10**18, 18), (10**18, 18)]
    assert largest * 100_000 * 10**36 * USD >= 2**256  # the product needs 512 bits
    assert oracle.tokenToUsd(token, largest) == ref_tokens_to_usd(largest, legs, 18)
