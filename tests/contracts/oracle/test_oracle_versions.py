"""WbtcUsdOracle configuration versions: append-only, every version readable for ever, a new
version bounded against the latest one, settlement reads by version (longer staleness, no
depeg floor, disabled tokens included) and outage records."""

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar.clients.oracle import OracleClient
from bazaar.errors import RevertError
from bazaar.tx import TxSender
from tests.support.cli import DEV_KEYS
from tests.support.helpers import (
    BTC_USD_BOUNDS,
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    SATS,
    USD,
    err,
    mine_at,
    token_input,
)

BTC = 100_000 * USD  # the fixtures' BTC/USD answer
MAX_BPS = 500


@pytest.fixture
def now(chain):
    return chain[-1].timestamp


@pytest.fixture
def new_feed(MockAggregator, deployer):
    """A BTC/USD feed a proposal could point WBTC at (its answer set per test)."""
    return MockAggregator.deploy(8, BTC, "BTC / USD (new)", {"from": deployer})


def settle(oracle, token, version, usd_amount):
    """settlementQuote as a plain (ok, tokenAmount) tuple."""
    ok, amount = oracle.settlementQuote(token, version, usd_amount)
    return bool(ok), int(amount)


def wbtc_config(btc_usd, wbtc_btc, usd_staleness=ONE_HOUR):
    return token_input(
        (btc_usd, usd_staleness, *BTC_USD_BOUNDS), (wbtc_btc, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR
    )


# --- versions ----------------------------------------------------------------------------


def test_the_constructor_configures_version_1_of_each_token(oracle, wbtc, usdc):
    for token in (wbtc, usdc):
        assert oracle.latestVersion(token) == 1
        assert oracle.tokenConfig(token)["version"] == 1
        assert oracle.tokenConfigAt(token, 1) == oracle.tokenConfig(token)
    events = oracle.tx.events["TokenConfigured"]
    assert [(e["version"], e["deviationChecked"]) for e in events] == [(1, False), (1, False)]
    assert oracle.quote(wbtc, USD)["version"] == 1


def test_a_token_never_configured_has_version_0(oracle, MockERC20, deployer):
    other = MockERC20.deploy("Other", "OTH", 18, {"from": deployer})
    assert oracle.latestVersion(other) == 0


def test_configuring_a_token_appends_a_version_and_keeps_every_earlier_one_readable(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, new_feed
):
    first = oracle.tokenConfig(wbtc)
    tx = oracle.configureToken(wbtc, wbtc_config(new_feed, wbtc_btc), {"from": deployer})
    event = tx.events["TokenConfigured"]
    assert event["version"] == 2 and event["deviationChecked"]
    assert oracle.latestVersion(wbtc) == 2
    assert oracle.tokenConfig(wbtc)["usdFeed"] == new_feed
    assert oracle.tokenConfigAt(wbtc, 2) == oracle.tokenConfig(wbtc)
    archived = oracle.tokenConfigAt(wbtc, 1)
    assert archived["usdFeed"] == btc_usd and archived["version"] == 1
    assert not archived["enabled"]  # an archived version prices no new quote
    assert dict(archived.dict(), enabled=True) == first.dict()
    assert oracle.quote(wbtc, USD)["version"] == 2
    oracle.configureToken(wbtc, wbtc_config(btc_usd, wbtc_btc), {"from": deployer})
    assert oracle.latestVersion(wbtc) == 3
    assert oracle.tokenConfigAt(wbtc, 2)["usdFeed"] == new_feed
    assert oracle.tokenConfigAt(wbtc, 1)["usdFeed"] == btc_usd


def test_a_new_feed_configured_by_governance_does_not_reprice_orders_priced_with_the_old_version(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, new_feed
):
    """Finding H2: a proposal pointing WBTC's USD leg at a feed it controls."""
    priced = oracle.quote(wbtc, 1_000 * USD)
    assert priced["version"] == 1 and priced["tokenAmount"] == 1_000_000  # $1,000 at $100k
    new_feed.setAnswer(104_000 * USD)  # within 5 %: the new version is accepted
    oracle.configureToken(wbtc, wbtc_config(new_feed, wbtc_btc), {"from": deployer})
    new_feed.setAnswer(1_000 * USD)  # then the controlled feed moves at will
    assert settle(oracle, wbtc, 1, 1_000 * USD) == (True, 1_000_000)
    assert oracle.settlementQuoteOrRevert(wbtc, 1, 1_000 * USD)["usdLegAnswer"] == BTC
    assert settle(oracle, wbtc, 2, 1_000 * USD) == (True, SATS)  # only version 2's orders
    btc_usd.setAnswer(110_000 * USD)  # version 1 follows its own feeds
    assert settle(oracle, wbtc, 1, 1_100 * USD) == (True, 1_000_000)


@pytest.mark.parametrize(
    "answer, ok",
    [
        (105_000 * USD, True),
        (105_000 * USD + 1, False),
        (95_000 * USD, True),
        (95_000 * USD - 1, False),
    ],
    ids=["up_5_percent", "up_one_unit_more", "down_5_percent", "down_one_unit_more"],
)
def test_a_new_version_may_deviate_5_percent_from_the_latest_and_not_one_unit_more(
    oracle, deployer, wbtc, wbtc_btc, new_feed, answer, ok
):
    new_feed.setAnswer(answer)
    config = wbtc_config(new_feed, wbtc_btc)
    if ok:
        tx = oracle.configureToken(wbtc, config, {"from": deployer})
        assert tx.events["TokenConfigured"]["deviationChecked"]
        assert oracle.latestVersion(wbtc) == 2
    else:
        with brownie.reverts(err("OracleVersionDeviation", wbtc, BTC, answer, MAX_BPS)):
            oracle.configureToken(wbtc, config, {"from": deployer})
        assert oracle.latestVersion(wbtc) == 1


def test_a_new_version_is_compared_with_a_disabled_latest_version_too(
    oracle, deployer, wbtc, wbtc_btc, new_feed
):
    oracle.disableToken(wbtc, {"from": deployer})
    new_feed.setAnswer(90_000 * USD)
    with brownie.reverts(err("OracleVersionDeviation", wbtc, BTC, 90_000 * USD, MAX_BPS)):
        oracle.configureToken(wbtc, wbtc_config(new_feed, wbtc_btc), {"from": deployer})


def test_a_new_version_replacing_a_dead_latest_version_skips_the_deviation_check(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, new_feed
):
    btc_usd.setMode(1)  # the latest version's USD leg reverts
    new_feed.setAnswer(50_000 * USD)
    tx = oracle.configureToken(wbtc, wbtc_config(new_feed, wbtc_btc), {"from": deployer})
    event = tx.events["TokenConfigured"]
    assert event["version"] == 2 and not event["deviationChecked"]
    assert oracle.quote(wbtc, 50_000 * USD)["tokenAmount"] == SATS


@pytest.mark.parametrize("failure", ["answer_not_positive", "stale", "depegged", "out_of_bounds"])
def test_a_new_version_that_cannot_quote_is_refused(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, new_feed, now, failure
):
    config = wbtc_config(new_feed, wbtc_btc)
    if failure == "answer_not_positive":
        new_feed.setAnswer(0)
    elif failure == "stale":
        new_feed.setRoundData(9, BTC, now - ONE_HOUR - 1, now - ONE_HOUR - 1)
    elif failure == "depegged":  # the peg leg is shared: version 1 is depegged too
        wbtc_btc.setAnswer(DEPEG_FLOOR - 1)
    else:
        config = wbtc_config(btc_usd, wbtc_btc)
        config = ((new_feed, ONE_HOUR, 200_000 * USD, 300_000 * USD), *config[1:])
    with brownie.reverts(err("OracleNewVersionUnreadable", wbtc)):
        oracle.configureToken(wbtc, config, {"from": deployer})
    assert oracle.latestVersion(wbtc) == 1 and oracle.tokenConfig(wbtc)["usdFeed"] == btc_usd


def test_the_first_version_of_a_token_must_quote(oracle, deployer, MockERC20, usdc_usd, now):
    dai = MockERC20.deploy("Dai", "DAI", 18, {"from": deployer})
    usdc_usd.setRoundData(9, USD, now - ONE_DAY - 1, now - ONE_DAY - 1)
    config = token_input(None, (usdc_usd, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR)
    with brownie.reverts(err("OracleNewVersionUnreadable", dai)):
        oracle.configureToken(dai, config, {"from": deployer})
    assert oracle.latestVersion(dai) == 0


def test_a_constructor_configuration_that_cannot_quote_is_refused_with_the_legs_error(
    WbtcUsdOracle, deployer, wbtc, btc_usd, wbtc_btc, now
):
    """In the constructor the oracle cannot call itself: the failing leg's error is raised."""
    btc_usd.setRoundData(9, BTC, now - ONE_HOUR - 1, now - ONE_HOUR - 1)
    with brownie.reverts(err("OracleStale", btc_usd, now - ONE_HOUR - 1, ONE_HOUR)):
        WbtcUsdOracle.deploy(
            deployer,
            brownie.ZERO_ADDRESS,
            0,
            [wbtc],
            [wbtc_config(btc_usd, wbtc_btc)],
            {"from": deployer},
        )


def test_an_unknown_version_is_refused(oracle, deployer, wbtc, stranger, MockERC20):
    other = MockERC20.deploy("Other", "OTH", 18, {"from": deployer})
    for token, version in ((wbtc, 0), (wbtc, 2), (other, 1)):
        error = err("OracleVersionUnknown", token, version)
        with brownie.reverts(error):
            oracle.settlementQuote(token, version, USD)
        with brownie.reverts(error):
            oracle.settlementQuoteOrRevert(token, version, USD)
        with brownie.reverts(error):
            oracle.tokenConfigAt(token, version)
        with brownie.reverts(error):
            oracle.recordOutage(token, version, {"from": stranger})


# --- settlement reads --------------------------------------------------------------------


@pytest.mark.parametrize("leg, limit", [("usd", ONE_HOUR), ("peg", ONE_DAY)])
def test_settlement_accepts_twice_the_staleness_limit_and_not_one_second_more(
    oracle, wbtc, btc_usd, wbtc_btc, now, leg, limit
):
    feed, other = (btc_usd, wbtc_btc) if leg == "usd" else (wbtc_btc, btc_usd)
    answers = {btc_usd: BTC, wbtc_btc: SATS}
    feed.setRoundData(7, answers[feed], now, now)
    other.setRoundData(7, answers[other], now + 2 * limit, now + 2 * limit)
    mine_at(now + 2 * limit)
    assert settle(oracle, wbtc, 1, 100 * USD) == (True, 100_000)
    with brownie.reverts(err("OracleStale", feed, now, limit)):
        oracle.quote(wbtc, 100 * USD)  # new quotes keep the leg's own limit
    mine_at(now + 2 * limit + 1)
    assert settle(oracle, wbtc, 1, 100 * USD) == (False, 0)
    with brownie.reverts(err("OracleStale", feed, now, 2 * limit)):
        oracle.settlementQuoteOrRevert(wbtc, 1, 100 * USD)


def test_a_disabled_token_still_settles_its_orders(oracle, deployer, wbtc, usdc):
    for token in (wbtc, usdc):
        oracle.disableToken(token, {"from": deployer})
    assert settle(oracle, wbtc, 1, 100 * USD) == (True, 100_000)
    assert settle(oracle, usdc, 1, 25 * USD) == (True, 25 * 10**6)


def test_a_depegged_token_settles_at_its_peg_answer_and_a_premium_is_capped(
    oracle, wbtc, wbtc_btc, usdc, usdc_usd
):
    wbtc_btc.setAnswer(90_000_000)  # 0.90: below the 0.98 floor
    with brownie.reverts(err("OracleDepegged", wbtc, 90_000_000, DEPEG_FLOOR)):
        oracle.quote(wbtc, 90 * USD)
    assert settle(oracle, wbtc, 1, 90 * USD) == (True, 100_000)  # $90 at $90k
    usdc_usd.setAnswer(80_000_000)
    assert settle(oracle, usdc, 1, 8 * USD) == (True, 10 * 10**6)
    usdc_usd.setAnswer(105_000_000)  # a premium pays nobody
    assert settle(oracle, usdc, 1, 8 * USD) == (True, 8 * 10**6)


@pytest.mark.parametrize("failure", ["reverts", "burns_gas", "out_of_bounds", "decimals"])
def test_a_settlement_read_that_fails_returns_not_ok(oracle, wbtc, btc_usd, failure):
    if failure == "reverts":
        btc_usd.setMode(1)
    elif failure == "burns_gas":
        btc_usd.setMode(2)
    elif failure == "out_of_bounds":
        btc_usd.setAnswer(BTC_USD_BOUNDS[1] + 1)
    else:
        btc_usd.setDecimals(18)
    assert settle(oracle, wbtc, 1, USD) == (False, 0)


def test_settlement_reads_check_the_sequencer(
    WbtcUsdOracle, MockAggregator, deployer, wbtc, wbtc_input, now
):
    sequencer = MockAggregator.deploy(0, 0, "L2 Sequencer Uptime", {"from": deployer})
    sequencer.setRoundData(1, 0, now - 2 * ONE_HOUR, now - 2 * ONE_HOUR)
    l2 = WbtcUsdOracle.deploy(
        deployer, sequencer, ONE_HOUR, [wbtc], [wbtc_input], {"from": deployer}
    )
    assert settle(l2, wbtc, 1, 100 * USD) == (True, 100_000)
    sequencer.setRoundData(2, 1, now, now)  # down
    assert settle(l2, wbtc, 1, 100 * USD) == (False, 0)
    with brownie.reverts(err("OracleSequencerDown", sequencer)):
        l2.settlementQuoteOrRevert(wbtc, 1, 100 * USD)


# --- outages -----------------------------------------------------------------------------


def test_an_outage_is_recorded_once_by_anyone_and_cleared_when_the_version_reads_again(
    oracle, wbtc, btc_usd, stranger, chain
):
    btc_usd.setMode(1)
    tx = oracle.recordOutage(wbtc, 1, {"from": stranger})
    since = tx.timestamp
    assert tx.return_value == since and oracle.outageSince(wbtc, 1) == since
    assert dict(tx.events["OutageRecorded"]) == {
        "token": wbtc.address,
        "version": 1,
        "since": since,
    }
    mine_at(since + 100)
    again = oracle.recordOutage(wbtc, 1, {"from": stranger})  # the earlier record stands
    assert again.return_value == since and "OutageRecorded" not in again.events
    assert oracle.outageSince(wbtc, 1) == since
    btc_usd.setMode(0)
    btc_usd.setAnswer(BTC)
    cleared = oracle.recordOutage(wbtc, 1, {"from": stranger})
    assert cleared.return_value == 0 and oracle.outageSince(wbtc, 1) == 0
    assert dict(cleared.events["OutageCleared"]) == {
        "token": wbtc.address,
        "version": 1,
        "since": since,
    }


def test_recording_an_outage_of_a_version_that_reads_is_refused(oracle, wbtc, stranger):
    assert oracle.outageSince(wbtc, 1) == 0
    with brownie.reverts(err("OracleNoOutage", wbtc, 1)):
        oracle.recordOutage(wbtc, 1, {"from": stranger})


def test_outages_are_recorded_per_version(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, new_feed, stranger
):
    oracle.configureToken(wbtc, wbtc_config(new_feed, wbtc_btc), {"from": deployer})
    btc_usd.setMode(1)  # only version 1 reads it
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    assert oracle.outageSince(wbtc, 1) == since and oracle.outageSince(wbtc, 2) == 0
    with brownie.reverts(err("OracleNoOutage", wbtc, 2)):
        oracle.recordOutage(wbtc, 2, {"from": stranger})
    assert settle(oracle, wbtc, 2, 100 * USD) == (True, 100_000)


# --- the client ----------------------------------------------------------------------------


def test_the_client_reads_versions_settlements_and_records_outages(oracle, wbtc, btc_usd):
    w3 = Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))
    reader = OracleClient(w3, oracle.address)
    client = OracleClient(w3, oracle.address, TxSender(w3, Account.from_key(DEV_KEYS["buyer"])))
    assert reader.latest_version(wbtc.address) == 1
    assert reader.quote(wbtc.address, 100 * USD).version == 1
    assert reader.settlement_quote(wbtc.address, 1, 100 * USD) == 100_000
    with pytest.raises(RevertError, match="OracleVersionUnknown"):
        reader.settlement_quote(wbtc.address, 2, USD)
    with pytest.raises(RevertError, match="OracleNoOutage"):
        client.record_outage(wbtc.address, 1)
    btc_usd.setMode(1)
    assert reader.settlement_quote(wbtc.address, 1, 100 * USD) is None
    receipt = client.record_outage(wbtc.address, 1)
    since = w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert reader.outage_since(wbtc.address, 1) == since
    assert client.events(receipt, "OutageRecorded")[0]["since"] == since
