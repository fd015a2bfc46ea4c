"""WbtcUsdOracle sanity bounds carry 8 decimals and compare exactly with feeds of any decimals."""

import brownie

from tests.helpers import DEPEG_FLOOR, ONE_DAY, ONE_HOUR, PEG_BOUNDS, USD, err, token_input


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
