"""WbtcUsdOracle: every per-leg check, the peg rules and the sequencer, each failing closed."""

import brownie
import pytest

from tests.support.helpers import (
    BTC_USD_BOUNDS,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    SATS,
    USD,
    err,
    mine_at,
)

INT256_MIN = -(2**255)


@pytest.fixture
def now(chain):
    return chain[-1].timestamp


# --- staleness ---------------------------------------------------------------------------


@pytest.mark.parametrize("leg, limit", [("usd", ONE_HOUR), ("peg", ONE_DAY)])
def test_leg_exactly_at_its_staleness_limit_quotes_and_one_second_past_reverts(
    oracle, wbtc, btc_usd, wbtc_btc, chain, now, leg, limit
):
    feed, other = (btc_usd, wbtc_btc) if leg == "usd" else (wbtc_btc, btc_usd)
    answers = {btc_usd: 100_000 * USD, wbtc_btc: SATS}
    feed.setRoundData(7, answers[feed], now, now)
    # the other leg stays fresh: its round is dated at the moment of the reads below
    other.setRoundData(7, answers[other], now + limit, now + limit)
    mine_at(now + limit)
    assert oracle.quote(wbtc, 100 * USD)["tokenAmount"] == 100_000
    mine_at(now + limit + 1)
    with brownie.reverts(err("OracleStale", feed, now, limit)):
        oracle.quote(wbtc, 100 * USD)


def test_stale_peg_leg_reverts_while_btc_usd_is_fresh(oracle, wbtc, btc_usd, wbtc_btc, chain, now):
    wbtc_btc.setRoundData(3, SATS, now - ONE_DAY - 10, now - ONE_DAY - 10)
    btc_usd.setAnswer(100_000 * USD)
    with brownie.reverts(err("OracleStale", wbtc_btc, now - ONE_DAY - 10, ONE_DAY)):
        oracle.quote(wbtc, USD)


def test_updated_at_zero_reverts(oracle, wbtc, btc_usd, now):
    btc_usd.setRoundData(5, 100_000 * USD, now, 0)
    with brownie.reverts(err("OracleTimestampMissing", btc_usd, now, 0)):
        oracle.quote(wbtc, USD)


def test_started_at_zero_reverts(oracle, wbtc, btc_usd, now):
    btc_usd.setRoundData(5, 100_000 * USD, 0, now)
    with brownie.reverts(err("OracleTimestampMissing", btc_usd, 0, now)):
        oracle.quote(wbtc, USD)


def test_updated_at_in_the_future_reverts(oracle, wbtc, wbtc_btc, chain):
    future = chain[-1].timestamp + 1000
    wbtc_btc.setRoundData(5, SATS, future, future)
    block_time = chain[-1].timestamp
    with brownie.reverts(err("OracleTimestampInFuture", wbtc_btc, future, block_time)):
        oracle.quote(wbtc, USD)


def test_round_id_zero_reverts(oracle, wbtc, btc_usd, now):
    btc_usd.setRoundData(0, 100_000 * USD, now, now)
    with brownie.reverts(err("OracleRoundInvalid", btc_usd, 0)):
        oracle.quote(wbtc, USD)


# --- broken feeds ------------------------------------------------------------------------

REVERT, BURN_GAS = 1, 2


@pytest.mark.parametrize("mode", [REVERT, BURN_GAS], ids=["reverts", "burns_all_gas"])
def test_a_feed_that_reverts_or_burns_all_gas_fails_closed_with_its_address(
    oracle, wbtc, btc_usd, deployer, mode
):
    btc_usd.setMode(mode)
    with brownie.reverts(err("OracleFeedCallFailed", btc_usd)):
        oracle.quote(wbtc, USD)
    ok, amount = oracle.tryQuote(wbtc, USD)
    assert not ok and amount == 0


def test_a_gas_burning_feed_costs_a_transaction_at_most_the_feed_gas_cap(
    oracle, wbtc, btc_usd, deployer
):
    btc_usd.setMode(BURN_GAS)
    tx = oracle.tryQuote.transact(wbtc, USD, {"from": deployer, "gas_limit": 1_000_000})
    ok, amount = tx.return_value
    assert not ok and amount == 0
    assert tx.gas_used < 21_000 + 2 * oracle.FEED_CALL_GAS()


@pytest.mark.parametrize("answer", [0, -1, INT256_MIN], ids=["zero", "minus_one", "int256_min"])
def test_a_non_positive_answer_reverts(oracle, wbtc, btc_usd, now, answer):
    btc_usd.setRoundData(9, answer, now, now)
    with brownie.reverts(err("OracleAnswerNotPositive", btc_usd, answer)):
        oracle.quote(wbtc, USD)


def test_decimals_changed_after_deploy_reverts(oracle, wbtc, btc_usd):
    btc_usd.setDecimals(18)
    with brownie.reverts(err("OracleDecimalsChanged", btc_usd, 8, 18)):
        oracle.quote(wbtc, USD)


# --- sanity bounds -----------------------------------------------------------------------


@pytest.mark.parametrize("bound", [0, 1], ids=["min", "max"])
def test_answer_at_a_sanity_bound_quotes_and_one_past_reverts(oracle, wbtc, btc_usd, bound):
    low, high = BTC_USD_BOUNDS
    at_bound, past = (low, low - 1) if bound == 0 else (high, high + 1)
    btc_usd.setAnswer(at_bound)
    assert oracle.quote(wbtc, USD)["usdLegAnswer"] == at_bound
    btc_usd.setAnswer(past)
    with brownie.reverts(err("OracleAnswerOutOfBounds", btc_usd, past, low, high)):
        oracle.quote(wbtc, USD)


def test_peg_answer_past_its_upper_sanity_bound_reverts(oracle, wbtc, wbtc_btc):
    wbtc_btc.setAnswer(PEG_BOUNDS[1] + 1)
    with brownie.reverts(err("OracleAnswerOutOfBounds", wbtc_btc, PEG_BOUNDS[1] + 1, *PEG_BOUNDS)):
        oracle.quote(wbtc, USD)


# --- peg ---------------------------------------------------------------------------------


def test_peg_at_0_985_costs_more_sats_than_at_par(oracle, wbtc, wbtc_btc):
    at_par = oracle.quote(wbtc, 1_000 * USD)["tokenAmount"]
    wbtc_btc.setAnswer(98_500_000)
    depegged = oracle.quote(wbtc, 1_000 * USD)["tokenAmount"]
    assert at_par == 1_000_000  # $1,000 at $100,000/BTC = 0.01 BTC
    assert depegged == 1_015_229  # ceil(1e6 / 0.985)
    assert depegged > at_par


def test_peg_at_0_97_halts_new_quotes(oracle, wbtc, wbtc_btc):
    wbtc_btc.setAnswer(97_000_000)
    with brownie.reverts(err("OracleDepegged", wbtc, 97_000_000, 98_000_000)):
        oracle.quote(wbtc, USD)
    with brownie.reverts(err("OracleDepegged", wbtc, 97_000_000, 98_000_000)):
        oracle.tokenToUsd(wbtc, SATS)


def test_peg_exactly_at_the_floor_still_quotes(oracle, wbtc, wbtc_btc):
    wbtc_btc.setAnswer(98_000_000)
    assert oracle.quote(wbtc, 980 * USD)["tokenAmount"] == 1_000_000


def test_peg_at_1_05_is_capped_at_one_btc(oracle, wbtc, wbtc_btc):
    wbtc_btc.setAnswer(105_000_000)
    q = oracle.quote(wbtc, 1_000 * USD)
    assert q["tokenAmount"] == 1_000_000  # valued as 1 BTC, not 1.05
    assert q["pegLegAnswer"] == 105_000_000  # the raw answer is still reported
    assert oracle.tokenToUsd(wbtc, SATS) == 100_000 * USD


def test_stablecoin_below_its_depeg_floor_halts_and_above_par_is_capped(oracle, usdc, usdc_usd):
    usdc_usd.setAnswer(101_000_000)
    assert oracle.quote(usdc, 25 * USD)["tokenAmount"] == 25_000_000  # 25 USDC, 6 decimals
    usdc_usd.setAnswer(99_000_000)
    assert oracle.quote(usdc, 99 * USD)["tokenAmount"] == 100_000_000
    usdc_usd.setAnswer(97_999_999)
    with brownie.reverts(err("OracleDepegged", usdc, 97_999_999, 98_000_000)):
        oracle.quote(usdc, USD)


# --- sequencer ---------------------------------------------------------------------------

GRACE = ONE_HOUR


@pytest.fixture
def sequencer(MockAggregator, deployer, chain):
    feed = MockAggregator.deploy(0, 0, "L2 Sequencer Uptime", {"from": deployer})
    up_since = chain[-1].timestamp - 2 * GRACE
    feed.setRoundData(1, 0, up_since, up_since)
    return feed


@pytest.fixture
def l2_oracle(WbtcUsdOracle, deployer, wbtc, wbtc_input, sequencer):
    return WbtcUsdOracle.deploy(
        deployer, sequencer, GRACE, [wbtc], [wbtc_input], {"from": deployer}
    )


def test_sequencer_up_past_the_grace_period_quotes(l2_oracle, wbtc):
    assert l2_oracle.quote(wbtc, 100 * USD)["tokenAmount"] == 100_000


def test_sequencer_down_halts_every_read(l2_oracle, wbtc, sequencer, now):
    sequencer.setRoundData(2, 1, now, now)
    with brownie.reverts(err("OracleSequencerDown", sequencer)):
        l2_oracle.quote(wbtc, USD)
    with brownie.reverts(err("OracleSequencerDown", sequencer)):
        l2_oracle.tokenToUsd(wbtc, SATS)
    ok, _ = l2_oracle.tryQuote(wbtc, USD)
    assert not ok


def test_sequencer_up_inside_the_grace_period_reverts_until_it_has_passed(
    l2_oracle, wbtc, sequencer, btc_usd, wbtc_btc, chain, now
):
    sequencer.setRoundData(3, 0, now, now)
    mine_at(now + GRACE)
    with brownie.reverts(err("OracleSequencerGracePeriod", sequencer, now, GRACE)):
        l2_oracle.quote(wbtc, USD)
    btc_usd.setRoundData(9, 100_000 * USD, now + GRACE, now + GRACE)
    wbtc_btc.setRoundData(9, SATS, now + GRACE, now + GRACE)
    mine_at(now + GRACE + 2)
    assert l2_oracle.quote(wbtc, 100 * USD)["tokenAmount"] == 100_000


def test_sequencer_round_with_started_at_zero_reverts(l2_oracle, wbtc, sequencer):
    sequencer.setRoundData(4, 0, 0, 0)
    with brownie.reverts(err("OracleSequencerStatusInvalid", sequencer, 0, 0)):
        l2_oracle.quote(wbtc, USD)


def test_sequencer_status_other_than_up_or_down_reverts(l2_oracle, wbtc, sequencer, now):
    sequencer.setRoundData(4, 2, now - 2 * GRACE, now - 2 * GRACE)
    with brownie.reverts(err("OracleSequencerStatusInvalid", sequencer, 2, now - 2 * GRACE)):
        l2_oracle.quote(wbtc, USD)


def test_sequencer_round_started_in_the_future_reverts(l2_oracle, wbtc, sequencer, chain):
    future = chain[-1].timestamp + 1_000
    sequencer.setRoundData(5, 0, future, future)
    with brownie.reverts(err("OracleSequencerStatusInvalid", sequencer, 0, future)):
        l2_oracle.quote(wbtc, USD)


def test_sequencer_status_below_zero_reverts(l2_oracle, wbtc, sequencer, now):
    sequencer.setRoundData(5, -1, now - 2 * GRACE, now - 2 * GRACE)
    with brownie.reverts(err("OracleSequencerStatusInvalid", sequencer, -1, now - 2 * GRACE)):
        l2_oracle.quote(wbtc, USD)


@pytest.mark.parametrize("mode", [REVERT, BURN_GAS], ids=["reverts", "burns_all_gas"])
def test_a_sequencer_feed_that_fails_halts_every_read_with_its_address(
    l2_oracle, wbtc, sequencer, mode
):
    sequencer.setMode(mode)
    with brownie.reverts(err("OracleFeedCallFailed", sequencer)):
        l2_oracle.quote(wbtc, USD)
    ok, amount = l2_oracle.tryQuote(wbtc, USD)
    assert not ok and amount == 0


# --- tryQuote ----------------------------------------------------------------------------


def test_try_quote_returns_the_quoted_amount_when_every_check_passes(oracle, wbtc, usdc):
    ok, amount = oracle.tryQuote(wbtc, 1_000 * USD)
    assert ok and amount == oracle.quote(wbtc, 1_000 * USD)["tokenAmount"] == 1_000_000
    ok, amount = oracle.tryQuote(usdc, 25 * USD)
    assert ok and amount == 25 * 10**6
