"""PriceMath and the oracle's conversions: exact against a Decimal reference, rounding toward
the seller, extremes of price and amount, and every feed/token decimals pairing."""

import brownie
import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.support.helpers import (
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    SATS,
    USD,
    err,
    given_calls_only,
    ref_tokens_to_usd,
    ref_usd_to_tokens,
    token_input,
)

MAX_USD = 10**12 * USD  # PriceMath.MAX_USD_AMOUNT
MAX_TOKENS = 2**128 - 1  # PriceMath.MAX_TOKEN_AMOUNT
UINT256_MAX = 2**256 - 1
# WBTC at BTC/USD x WBTC/BTC, both 8-decimal feeds: USD per BTC = num / den
DEN_8X8 = 10**16


def wbtc_price(btc_usd_answer, peg_answer=SATS):
    return btc_usd_answer * min(peg_answer, SATS), DEN_8X8


# --- extremes through the oracle ---------------------------------------------------------


@pytest.mark.parametrize("btc_dollars", [1_000, 10_000_000])
@pytest.mark.parametrize("usd", [1 * 10**6, 10**9 * USD], ids=["one_cent", "one_billion_usd"])
def test_btc_at_1000_and_10_million_usd_quotes_match_the_decimal_reference(
    oracle, wbtc, btc_usd, btc_dollars, usd
):
    btc_usd.setAnswer(btc_dollars * USD)
    expected = ref_usd_to_tokens(usd, [(btc_dollars * USD, 8), (SATS, 8)], 8)
    q = oracle.quote(wbtc, usd)
    assert q["tokenAmount"] == expected
    assert q["usdAmount"] == usd


def test_one_cent_at_10_million_usd_per_btc_costs_one_satoshi(oracle, wbtc, btc_usd):
    btc_usd.setAnswer(10_000_000 * USD)
    assert oracle.quote(wbtc, 10**6)["tokenAmount"] == 1  # 0.1 sat, rounded up for the seller


def test_one_billion_usd_at_1000_usd_per_btc_is_one_million_btc(oracle, wbtc, btc_usd):
    btc_usd.setAnswer(1_000 * USD)
    assert oracle.quote(wbtc, 10**9 * USD)["tokenAmount"] == 10**6 * SATS


def test_uint256_max_usd_amount_reverts_with_a_named_error(oracle, wbtc):
    with brownie.reverts(err("PriceMathUsdAmountTooLarge", UINT256_MAX, MAX_USD)):
        oracle.quote(wbtc, UINT256_MAX)
    ok, _ = oracle.tryQuote(wbtc, UINT256_MAX)
    assert not ok


def test_uint256_max_token_amount_reverts_with_a_named_error(oracle, wbtc):
    with brownie.reverts(err("PriceMathTokenAmountTooLarge", UINT256_MAX, MAX_TOKENS)):
        oracle.tokenToUsd(wbtc, UINT256_MAX)


def test_largest_amounts_convert_without_overflow(oracle, wbtc):
    assert oracle.quote(wbtc, MAX_USD)["tokenAmount"] == 10**7 * SATS  # $1e12 at $100k
    assert oracle.tokenToUsd(wbtc, MAX_TOKENS) == ref_tokens_to_usd(
        MAX_TOKENS, [(100_000 * USD, 8), (SATS, 8)], 8
    )


def test_zero_price_reverts_in_the_library(math):
    with brownie.reverts(err("PriceMathZeroPrice")):
        math.usdToTokens(USD, 0, 1, 8)
    with brownie.reverts(err("PriceMathZeroPrice")):
        math.tokensToUsd(SATS, 1, 0, 8)


# --- every decimals pairing, against the Decimal reference -------------------------------

DECIMALS = [6, 8, 18]


@pytest.fixture(
    scope="module",
    params=[(f, t) for f in DECIMALS for t in DECIMALS],
    ids=lambda p: f"feed{p[0]}_token{p[1]}",
)
def pairing(request, MockAggregator, MockERC20, WbtcUsdOracle, deployer):
    feed_decimals, token_decimals = request.param
    one = 10**feed_decimals
    usd_feed = MockAggregator.deploy(feed_decimals, 50_000 * one, "X / USD", {"from": deployer})
    peg_feed = MockAggregator.deploy(feed_decimals, one, "T / X", {"from": deployer})
    token = MockERC20.deploy("T", "T", token_decimals, {"from": deployer})
    # sanity bounds carry 8 decimals whatever the feed's; $1,000..$1B is the widest range (1e6)
    bounds = (1_000 * USD, 10**9 * USD)
    config = token_input(
        (usd_feed, ONE_HOUR, *bounds), (peg_feed, ONE_DAY, USD // 2, 2 * USD), DEPEG_FLOOR
    )
    oracle = WbtcUsdOracle.deploy(
        deployer, brownie.ZERO_ADDRESS, 0, [token], [config], {"from": deployer}
    )
    return oracle, token, usd_feed, peg_feed, feed_decimals, token_decimals


@given(
    dollars_e8=st.integers(min_value=1, max_value=10**9 * USD),
    price_e2=st.integers(min_value=100_000, max_value=1_000_000_000),
    peg_bps=st.integers(min_value=9_800, max_value=10_500),
)
# data_too_large: hypothesis 6.27 misfires it on three bounded integers under brownie's given
@settings(max_examples=10, suppress_health_check=[HealthCheck.data_too_large])
def test_feed_and_token_decimals_6_8_18_match_the_decimal_reference(
    pairing, dollars_e8, price_e2, peg_bps
):
    oracle, token, usd_feed, peg_feed, feed_decimals, token_decimals = pairing
    one = 10**feed_decimals
    usd_answer = price_e2 * one // 100  # $1,000.00 .. $10,000,000.00
    peg_answer = peg_bps * one // 10_000
    usd_feed.setAnswer(usd_answer)
    peg_feed.setAnswer(peg_answer)
    legs = [(usd_answer, feed_decimals), (peg_answer, feed_decimals)]
    assert oracle.quote(token, dollars_e8)["tokenAmount"] == ref_usd_to_tokens(
        dollars_e8, legs, token_decimals
    )
    amount = dollars_e8 * 10**token_decimals // 10**8
    assert oracle.tokenToUsd(token, amount) == ref_tokens_to_usd(amount, legs, token_decimals)


# --- rounding properties (pure library, exact integers) ----------------------------------


@given_calls_only(
    max_examples=200,
    usd=st.integers(min_value=1, max_value=MAX_USD),
    btc_dollars=st.integers(min_value=1_000, max_value=10_000_000),
    peg=st.integers(min_value=98_000_000, max_value=105_000_000),
)
def test_sats_times_price_covers_the_usd_amount_and_one_sat_less_does_not(
    math, usd, btc_dollars, peg
):
    num, den = wbtc_price(btc_dollars * USD, peg)
    sats = math.usdToTokens(usd, num, den, 8)
    # price of one sat in USD units = num * 1e8 / (1e8 * den) = num / den; compare exactly
    assert sats * num >= usd * den
    assert (sats - 1) * num < usd * den


@given_calls_only(
    max_examples=200,
    usd=st.integers(min_value=1, max_value=MAX_USD),
    btc_dollars=st.integers(min_value=1_000, max_value=10_000_000),
)
def test_usd_to_wbtc_to_usd_round_trip_never_loses_and_gains_less_than_one_sat(
    math, usd, btc_dollars
):
    num, den = wbtc_price(btc_dollars * USD)
    sats = math.usdToTokens(usd, num, den, 8)
    back = math.tokensToUsd(sats, num, den, 8)
    assert back >= usd
    assert (back - usd) * den < num  # the gain is under the value of one satoshi


@given_calls_only(
    max_examples=200,
    sats=st.integers(min_value=0, max_value=10_000 * SATS),  # <= $1e11 at $10M/BTC
    btc_dollars=st.integers(min_value=1_000, max_value=10_000_000),
)
def test_wbtc_to_usd_to_wbtc_round_trip_loses_at_most_one_sat(math, sats, btc_dollars):
    num, den = wbtc_price(btc_dollars * USD)
    usd = math.tokensToUsd(sats, num, den, 8)
    back = math.usdToTokens(usd, num, den, 8)
    assert sats - 1 <= back <= sats
