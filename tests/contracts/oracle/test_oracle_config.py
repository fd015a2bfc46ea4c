"""WbtcUsdOracle configuration: the constructor and the owner's setters reject nonsense, and
only the owner (the timelock, after a two-step hand-over) may configure.

One file, just over 400 lines: every configuration bound at and one past its limit.
"""

import brownie
import pytest

from tests.support.helpers import (
    BTC_USD_BOUNDS,
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_BOUNDS,
    USD,
    err,
    token_input,
)

ZERO = brownie.ZERO_ADDRESS
MINUTE, HOURS_72 = 60, 72 * 3600


@pytest.fixture
def deploy(WbtcUsdOracle, deployer):
    def deploy_with(tokens, inputs, sequencer=ZERO, grace=0):
        return WbtcUsdOracle.deploy(deployer, sequencer, grace, tokens, inputs, {"from": deployer})

    return deploy_with


PEG_MIN, PEG_MAX = 50_000_000, 200_000_000  # MIN_PEG_ANSWER, MAX_PEG_ANSWER: 0.5 .. 2.0
RATIO = 10**6  # MAX_ANSWER_RANGE_RATIO


def wbtc_config(
    btc_usd,
    wbtc_btc,
    usd_staleness=ONE_HOUR,
    bounds=BTC_USD_BOUNDS,
    floor=DEPEG_FLOOR,
    peg_bounds=PEG_BOUNDS,
):
    return token_input((btc_usd, usd_staleness, *bounds), (wbtc_btc, ONE_DAY, *peg_bounds), floor)


def test_constructor_records_token_and_feed_decimals(oracle, wbtc, usdc, btc_usd, wbtc_btc):
    config = oracle.tokenConfig(wbtc)
    assert config["tokenDecimals"] == 8
    assert config["pegFeed"] == wbtc_btc and config["pegFeedDecimals"] == 8
    assert config["usdFeed"] == btc_usd and config["usdFeedDecimals"] == 8
    assert oracle.tokenConfig(usdc)["tokenDecimals"] == 6
    assert oracle.isSupported(wbtc) and oracle.isSupported(usdc)
    feed, grace = oracle.sequencer()
    assert feed == ZERO and grace == 0


def test_constructor_rejects_a_zero_token_or_a_zero_peg_feed(deploy, wbtc, btc_usd, wbtc_btc):
    with brownie.reverts(err("OracleZeroAddress")):
        deploy([ZERO], [wbtc_config(btc_usd, wbtc_btc)])
    no_peg = token_input(
        (btc_usd, ONE_HOUR, *BTC_USD_BOUNDS), (ZERO, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR
    )
    with brownie.reverts(err("OracleZeroAddress")):
        deploy([wbtc], [no_peg])


def test_constructor_rejects_mismatched_token_and_config_lists(deploy, wbtc, btc_usd, wbtc_btc):
    with brownie.reverts(err("OracleConfigLengthMismatch", 1, 0)):
        deploy([wbtc], [])


def test_constructor_rejects_a_token_with_19_decimals(
    deploy, MockERC20, deployer, btc_usd, wbtc_btc
):
    odd = MockERC20.deploy("Odd", "ODD", 19, {"from": deployer})
    with brownie.reverts(err("OracleTokenDecimalsOutOfRange", odd, 19)):
        deploy([odd], [wbtc_config(btc_usd, wbtc_btc)])


def test_constructor_rejects_a_feed_with_19_decimals(
    deploy, MockAggregator, deployer, wbtc, wbtc_btc
):
    odd = MockAggregator.deploy(19, 10**24, "ODD / USD", {"from": deployer})
    with brownie.reverts(err("OracleFeedDecimalsOutOfRange", odd, 19)):
        deploy([wbtc], [wbtc_config(odd, wbtc_btc)])


@pytest.mark.parametrize(
    "staleness, ok", [(MINUTE - 1, False), (MINUTE, True), (HOURS_72, True), (HOURS_72 + 1, False)]
)
def test_staleness_limits_between_one_minute_and_72_hours_are_accepted(
    deploy, wbtc, btc_usd, wbtc_btc, staleness, ok
):
    config = wbtc_config(btc_usd, wbtc_btc, usd_staleness=staleness)
    if ok:
        assert deploy([wbtc], [config]).tokenConfig(wbtc)["usdMaxStaleness"] == staleness
    else:
        with brownie.reverts(err("OracleStalenessOutOfRange", staleness, MINUTE, HOURS_72)):
            deploy([wbtc], [config])


@pytest.mark.parametrize(
    "bounds", [(0, 10), (10, 10), (11, 10)], ids=["min_zero", "min_eq_max", "min_gt_max"]
)
def test_sanity_bounds_must_satisfy_zero_below_min_below_max(
    deploy, wbtc, btc_usd, wbtc_btc, bounds
):
    with brownie.reverts(err("OracleAnswerBoundsInvalid", *bounds)):
        deploy([wbtc], [wbtc_config(btc_usd, wbtc_btc, bounds=bounds)])


@pytest.mark.parametrize(
    "peg_bounds, ok",
    [
        ((PEG_MIN, PEG_MAX), True),
        ((PEG_MIN - 1, PEG_MAX), False),
        ((PEG_MIN, PEG_MAX + 1), False),
        ((10**8, 10**10), False),
    ],
    ids=["exactly_0_5_to_2_0", "min_below_0_5", "max_above_2_0", "max_far_above"],
)
def test_peg_bounds_must_lie_within_0_5_and_2_0(
    deploy, oracle, deployer, wbtc, btc_usd, wbtc_btc, peg_bounds, ok
):
    config = wbtc_config(btc_usd, wbtc_btc, peg_bounds=peg_bounds)
    if ok:
        assert deploy([wbtc], [config]).tokenConfig(wbtc)["pegMinAnswer"] == PEG_MIN
        return
    error = err("OraclePegBoundsOutOfRange", *peg_bounds, PEG_MIN, PEG_MAX)
    with brownie.reverts(error):
        deploy([wbtc], [config])
    with brownie.reverts(error):
        oracle.configureToken(wbtc, config, {"from": deployer})


@pytest.mark.parametrize(
    "bounds, ok",
    [
        ((100 * USD, RATIO * 100 * USD), True),
        ((100 * USD, RATIO * 100 * USD + 1), False),
        ((10_000 * USD, RATIO * 10_000 * USD), True),
        ((10_000 * USD, RATIO * 10_000 * USD + 1), False),
    ],
    ids=["100_to_100m", "one_unit_wider", "10k_to_10b", "10k_to_one_unit_past_10b"],
)
def test_usd_leg_bounds_may_span_a_factor_of_a_million_and_no_more(
    deploy, oracle, deployer, wbtc, btc_usd, wbtc_btc, bounds, ok
):
    config = wbtc_config(btc_usd, wbtc_btc, bounds=bounds)
    if ok:
        assert deploy([wbtc], [config]).tokenConfig(wbtc)["usdMaxAnswer"] == bounds[1]
        return
    error = err("OracleAnswerRangeTooWide", *bounds, RATIO)
    with brownie.reverts(error):
        deploy([wbtc], [config])
    with brownie.reverts(error):
        oracle.configureToken(wbtc, config, {"from": deployer})


@pytest.mark.parametrize("floor", [90_000_000 - 1, 100_000_000 + 1])
def test_depeg_floor_outside_0_90_to_1_00_is_rejected(deploy, wbtc, btc_usd, wbtc_btc, floor):
    with brownie.reverts(err("OracleDepegFloorOutOfRange", floor, 90_000_000, 100_000_000)):
        deploy([wbtc], [wbtc_config(btc_usd, wbtc_btc, floor=floor)])


@pytest.mark.parametrize("floor", [90_000_000, 100_000_000])
def test_depeg_floor_of_exactly_0_90_or_1_00_is_accepted(deploy, wbtc, btc_usd, wbtc_btc, floor):
    oracle = deploy([wbtc], [wbtc_config(btc_usd, wbtc_btc, floor=floor)])
    assert oracle.tokenConfig(wbtc)["depegFloor"] == floor


def up_for_two_days(sequencer):
    """The sequencer has been up for longer than any grace period: configurations given to
    the constructor must quote, and quotes wait out the grace period."""
    up_since = brownie.chain[-1].timestamp - 2 * ONE_DAY
    sequencer.setRoundData(1, 0, up_since, up_since)
    return sequencer


def test_a_constructor_configuration_waits_for_the_sequencers_grace_period(
    deploy, MockAggregator, deployer, wbtc, btc_usd, wbtc_btc
):
    sequencer = MockAggregator.deploy(0, 0, "uptime", {"from": deployer})  # up since now
    up_since = sequencer.latestRoundData()[2]
    with brownie.reverts(err("OracleSequencerGracePeriod", sequencer, up_since, 3600)):
        deploy([wbtc], [wbtc_config(btc_usd, wbtc_btc)], sequencer, 3600)
    feed, grace = deploy([], [], sequencer, 3600).sequencer()
    assert feed == sequencer and grace == 3600


def test_sequencer_grace_period_is_bounded_and_needs_a_feed(
    deploy, MockAggregator, deployer, wbtc, btc_usd, wbtc_btc
):
    config = [wbtc_config(btc_usd, wbtc_btc)]
    sequencer = up_for_two_days(MockAggregator.deploy(0, 0, "uptime", {"from": deployer}))
    with brownie.reverts(err("OracleGracePeriodOutOfRange", 59, 60, 86_400)):
        deploy([wbtc], config, sequencer, 59)
    with brownie.reverts(err("OracleGracePeriodOutOfRange", 86_401, 60, 86_400)):
        deploy([wbtc], config, sequencer, 86_401)
    with brownie.reverts(err("OracleGracePeriodOutOfRange", 3600, 0, 0)):
        deploy([wbtc], config, ZERO, 3600)
    feed, grace = deploy([wbtc], config, sequencer, 3600).sequencer()
    assert feed == sequencer and grace == 3600


@pytest.mark.parametrize("grace", [60, 86_400])
def test_sequencer_grace_period_of_exactly_1_minute_or_24_hours_is_accepted(
    deploy, MockAggregator, deployer, wbtc, btc_usd, wbtc_btc, grace
):
    sequencer = up_for_two_days(MockAggregator.deploy(0, 0, "uptime", {"from": deployer}))
    feed, recorded = deploy([wbtc], [wbtc_config(btc_usd, wbtc_btc)], sequencer, grace).sequencer()
    assert feed == sequencer and recorded == grace


def test_unknown_token_cannot_be_quoted(oracle, MockERC20, deployer):
    other = MockERC20.deploy("Other", "OTH", 18, {"from": deployer})
    with brownie.reverts(err("OracleTokenNotSupported", other)):
        oracle.quote(other, USD)
    ok, _ = oracle.tryQuote(other, USD)
    assert not ok


def test_only_the_owner_configures_or_disables_tokens(oracle, wbtc, stranger, wbtc_input):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        oracle.configureToken(wbtc, wbtc_input, {"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        oracle.disableToken(wbtc, {"from": stranger})


def test_disabling_a_token_stops_its_quotes_and_emits_an_event(oracle, wbtc, deployer):
    tx = oracle.disableToken(wbtc, {"from": deployer})
    assert tx.events["TokenDisabled"]["token"] == wbtc
    assert not oracle.isSupported(wbtc)
    with brownie.reverts(err("OracleTokenNotSupported", wbtc)):
        oracle.quote(wbtc, USD)
    with brownie.reverts(err("OracleTokenNotSupported", wbtc)):
        oracle.disableToken(wbtc, {"from": deployer})


def test_reconfiguring_after_a_feed_migration_records_the_new_decimals(
    oracle, wbtc, btc_usd, wbtc_btc, deployer
):
    btc_usd.setDecimals(18)
    btc_usd.setAnswer(100_000 * 10**18)
    with brownie.reverts(err("OracleDecimalsChanged", btc_usd, 8, 18)):
        oracle.quote(wbtc, USD)
    bounds = (100 * USD, 10**8 * USD)  # bounds carry 8 decimals, whatever the feed's
    tx = oracle.configureToken(
        wbtc, wbtc_config(btc_usd, wbtc_btc, bounds=bounds), {"from": deployer}
    )
    assert tx.events["TokenConfigured"]["usdFeedDecimals"] == 18
    assert oracle.quote(wbtc, 100 * USD)["tokenAmount"] == 100_000


def test_ownership_moves_to_the_timelock_in_two_steps(oracle, deployer, accounts, wbtc, wbtc_input):
    timelock = accounts[5]
    oracle.transferOwnership(timelock, {"from": deployer})
    assert oracle.owner() == deployer and oracle.pendingOwner() == timelock
    oracle.acceptOwnership({"from": timelock})
    assert oracle.owner() == timelock
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        oracle.configureToken(wbtc, wbtc_input, {"from": deployer})


# --- the owner's setter applies the constructor's checks ---------------------------------


@pytest.fixture
def odd_token(MockERC20, deployer):
    return MockERC20.deploy("Odd", "ODD", 19, {"from": deployer})


@pytest.fixture
def odd_feed(MockAggregator, deployer):
    return MockAggregator.deploy(19, 10**24, "ODD / USD", {"from": deployer})


def refusal(case, wbtc, btc_usd, wbtc_btc, odd_token, odd_feed):
    """(token, config, expected error) for each way a configuration can be wrong."""
    good = wbtc_config(btc_usd, wbtc_btc)
    no_peg = token_input((btc_usd, ONE_HOUR, *BTC_USD_BOUNDS), (ZERO, ONE_DAY, *PEG_BOUNDS), 0)
    return {
        "zero_token": (ZERO, good, err("OracleZeroAddress")),
        "zero_peg_feed": (wbtc, no_peg, err("OracleZeroAddress")),
        "token_19_decimals": (odd_token, good, err("OracleTokenDecimalsOutOfRange", odd_token, 19)),
        "floor_below_0_90": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, floor=89_999_999),
            err("OracleDepegFloorOutOfRange", 89_999_999, 90_000_000, 100_000_000),
        ),
        "floor_above_1_00": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, floor=100_000_001),
            err("OracleDepegFloorOutOfRange", 100_000_001, 90_000_000, 100_000_000),
        ),
        "staleness_below_a_minute": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, usd_staleness=MINUTE - 1),
            err("OracleStalenessOutOfRange", MINUTE - 1, MINUTE, HOURS_72),
        ),
        "staleness_above_72_hours": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, usd_staleness=HOURS_72 + 1),
            err("OracleStalenessOutOfRange", HOURS_72 + 1, MINUTE, HOURS_72),
        ),
        "min_answer_zero": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, bounds=(0, 10)),
            err("OracleAnswerBoundsInvalid", 0, 10),
        ),
        "min_answer_not_below_max": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, bounds=(10, 10)),
            err("OracleAnswerBoundsInvalid", 10, 10),
        ),
        "feed_19_decimals": (
            wbtc,
            wbtc_config(odd_feed, wbtc_btc),
            err("OracleFeedDecimalsOutOfRange", odd_feed, 19),
        ),
        "peg_bounds_below_0_5": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, peg_bounds=(PEG_MIN - 1, PEG_MAX)),
            err("OraclePegBoundsOutOfRange", PEG_MIN - 1, PEG_MAX, PEG_MIN, PEG_MAX),
        ),
        "usd_range_wider_than_1e6": (
            wbtc,
            wbtc_config(btc_usd, wbtc_btc, bounds=(100 * USD, RATIO * 100 * USD + 1)),
            err("OracleAnswerRangeTooWide", 100 * USD, RATIO * 100 * USD + 1, RATIO),
        ),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "zero_token",
        "zero_peg_feed",
        "token_19_decimals",
        "floor_below_0_90",
        "floor_above_1_00",
        "staleness_below_a_minute",
        "staleness_above_72_hours",
        "min_answer_zero",
        "min_answer_not_below_max",
        "feed_19_decimals",
        "peg_bounds_below_0_5",
        "usd_range_wider_than_1e6",
    ],
)
def test_reconfiguring_a_token_applies_every_check_of_the_constructor(
    oracle, deployer, wbtc, btc_usd, wbtc_btc, odd_token, odd_feed, case
):
    token, config, error = refusal(case, wbtc, btc_usd, wbtc_btc, odd_token, odd_feed)
    with brownie.reverts(error):
        oracle.configureToken(token, config, {"from": deployer})
    assert oracle.tokenConfig(wbtc)["usdFeed"] == btc_usd  # the old configuration stands


def test_a_feed_whose_decimals_cannot_be_read_is_refused_with_its_address(
    oracle, deployer, wbtc, btc_usd, wbtc_btc
):
    btc_usd.setMode(1)  # reverts
    with brownie.reverts(err("OracleFeedCallFailed", btc_usd)):
        oracle.configureToken(wbtc, wbtc_config(btc_usd, wbtc_btc), {"from": deployer})


def test_a_stablecoin_added_later_is_priced_off_its_peg_leg_alone(
    oracle, deployer, MockERC20, usdc_usd
):
    dai = MockERC20.deploy("Dai", "DAI", 18, {"from": deployer})
    config = token_input(None, (usdc_usd, ONE_DAY, *PEG_BOUNDS), DEPEG_FLOOR)
    tx = oracle.configureToken(dai, config, {"from": deployer})
    event = tx.events["TokenConfigured"]
    assert event["tokenDecimals"] == 18 and event["usdFeedDecimals"] == 0
    assert oracle.tokenConfig(dai)["usdFeed"] == ZERO
    q = oracle.quote(dai, 25 * USD)
    assert q["tokenAmount"] == 25 * 10**18
    assert q["usdLegAnswer"] == 0 and q["usdLegUpdatedAt"] == 0


def test_a_disabled_token_is_enabled_again_by_configuring_it(
    oracle, deployer, wbtc, btc_usd, wbtc_btc
):
    oracle.disableToken(wbtc, {"from": deployer})
    oracle.configureToken(wbtc, wbtc_config(btc_usd, wbtc_btc), {"from": deployer})
    assert oracle.isSupported(wbtc)
    assert oracle.quote(wbtc, 100 * USD)["tokenAmount"] == 100_000


# --- ownership ---------------------------------------------------------------------------


def test_only_the_pending_owner_accepts_ownership(oracle, deployer, accounts, stranger):
    oracle.transferOwnership(accounts[5], {"from": deployer})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        oracle.acceptOwnership({"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        oracle.transferOwnership(stranger, {"from": stranger})
    assert oracle.owner() == deployer and oracle.pendingOwner() == accounts[5]


def test_renounced_ownership_freezes_the_configuration(
    oracle, deployer, wbtc, wbtc_input, stranger
):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        oracle.renounceOwnership({"from": stranger})
    tx = oracle.renounceOwnership({"from": deployer})
    assert tx.events["OwnershipTransferred"]["newOwner"] == ZERO
    assert oracle.owner() == ZERO
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        oracle.configureToken(wbtc, wbtc_input, {"from": deployer})
    assert oracle.isSupported(wbtc)  # quotes go on


def test_an_oracle_without_an_owner_cannot_be_deployed(WbtcUsdOracle, deployer):
    with brownie.reverts(err("OwnableInvalidOwner", ZERO)):
        WbtcUsdOracle.deploy(ZERO, ZERO, 0, [], [], {"from": deployer})
