"""The price lock and both settlement modes when BTC moves 20 % between checkout and release.

Locked-amount mode: the order's WBTC amount is fixed at checkout. USD-protected mode: the
buyer escrows a buffer; at release the seller gets the WBTC worth the locked USD at the
release-time price, capped at the deposit, and the buyer the rest; with no release-time price
the seller gets the amount locked at checkout.
"""

import brownie
import pytest
from hypothesis import strategies as st

from tests.support.helpers import SATS, USD, err, given_calls_only

PRICE_USD = 1_000 * USD  # a listing at $1,000
BTC_AT_CHECKOUT = 100_000 * USD
BUFFER_BPS = 1_000  # +10 %


@pytest.fixture
def lock(oracle, wbtc, chain):
    """The quote taken at checkout: the price lock."""
    return oracle.quote(wbtc, PRICE_USD)


def test_the_lock_records_the_amount_the_feed_data_and_the_time(lock, btc_usd, wbtc_btc, chain):
    assert lock["tokenAmount"] == 1_000_000  # 0.01 BTC
    assert lock["usdAmount"] == PRICE_USD
    assert lock["usdLegAnswer"] == BTC_AT_CHECKOUT and lock["pegLegAnswer"] == SATS
    assert lock["usdLegUpdatedAt"] == btc_usd.latestRoundData()[3]
    assert lock["pegLegUpdatedAt"] == wbtc_btc.latestRoundData()[3]
    assert lock["quotedAt"] == chain[-1].timestamp


@pytest.mark.parametrize("move", [-20, 20], ids=["btc_down_20pct", "btc_up_20pct"])
def test_locked_amount_mode_pays_exactly_the_checkout_amount_whatever_btc_does(
    lock, oracle, wbtc, btc_usd, move
):
    btc_usd.setAnswer(BTC_AT_CHECKOUT * (100 + move) // 100)
    assert oracle.quote(wbtc, PRICE_USD)["tokenAmount"] != lock["tokenAmount"]  # price moved
    # the order keeps the locked amount: what the seller is paid does not change
    assert lock["tokenAmount"] == 1_000_000


def test_usd_protected_mode_when_btc_falls_20pct_pays_the_whole_deposit_to_the_seller(
    lock, oracle, wbtc, btc_usd, math
):
    deposit = math.bufferedDeposit(lock["tokenAmount"], BUFFER_BPS)
    assert deposit == 1_100_000
    btc_usd.setAnswer(80_000 * USD)
    ok, owed = oracle.tryQuote(wbtc, PRICE_USD)
    assert ok and owed == 1_250_000  # $1,000 at $80,000 is 0.0125 BTC, above the deposit
    to_seller, to_buyer = math.protectedSplit(deposit, owed)
    assert (to_seller, to_buyer) == (1_100_000, 0)  # capped at the deposit: $880 of value


def test_usd_protected_mode_when_btc_rises_20pct_pays_the_locked_usd_and_refunds_the_rest(
    lock, oracle, wbtc, btc_usd, math
):
    deposit = math.bufferedDeposit(lock["tokenAmount"], BUFFER_BPS)
    btc_usd.setAnswer(120_000 * USD)
    ok, owed = oracle.tryQuote(wbtc, PRICE_USD)
    assert ok and owed == 833_334  # ceil(1e6 / 1.2): the seller gets at least $1,000
    to_seller, to_buyer = math.protectedSplit(deposit, owed)
    assert to_seller == 833_334 and to_buyer == 1_100_000 - 833_334
    assert oracle.tokenToUsd(wbtc, to_seller) >= PRICE_USD


def test_usd_protected_release_with_the_oracle_down_falls_back_to_the_locked_amount(
    lock, oracle, wbtc, btc_usd, math
):
    deposit = math.bufferedDeposit(lock["tokenAmount"], BUFFER_BPS)
    btc_usd.setMode(1)  # feed reverts
    ok, owed = oracle.tryQuote(wbtc, PRICE_USD)
    assert not ok and owed == 0
    to_seller, to_buyer = math.protectedSplit(deposit, lock["tokenAmount"])
    assert (to_seller, to_buyer) == (1_000_000, 100_000)


def test_buffered_deposit_rounds_up_and_a_buffer_above_50pct_is_refused(math):
    assert math.bufferedDeposit(1, 1) == 2  # 1.0001 rounds up
    assert math.bufferedDeposit(1_000_000, 5_000) == 1_500_000
    with brownie.reverts(err("SettlementMathBufferTooLarge", 5_001, 5_000)):
        math.bufferedDeposit(1_000_000, 5_001)


@given_calls_only(
    max_examples=100,
    deposit=st.integers(min_value=0, max_value=2**128),
    owed=st.integers(min_value=0, max_value=2**128),
)
def test_a_protected_split_hands_out_exactly_the_deposit(math, deposit, owed):
    to_seller, to_buyer = math.protectedSplit(deposit, owed)
    assert to_seller + to_buyer == deposit
    assert to_seller == min(owed, deposit)
