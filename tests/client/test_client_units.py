"""Human amounts parse exactly into contract units, refuse what is malformed, and format back."""

import pytest
from hypothesis import strategies as st

from bazaar.calls import encode_call
from bazaar.errors import BazaarError
from bazaar.units import (
    AmountError,
    checksum,
    format_amount,
    format_btc,
    format_usd,
    parse_amount,
    parse_btc,
    parse_points,
    parse_usd,
)
from tests.support.helpers import given_calls_only


def test_usd_carries_eight_decimals_like_the_contracts():
    assert parse_usd("12.34") == 1_234_000_000
    assert parse_usd("1000") == 1_000 * 10**8
    assert parse_usd("0.00000001") == 1
    assert format_usd(1_234_000_000) == "$12.34"
    assert format_usd(123_456_789_000_000) == "$1,234,567.89"


def test_btc_parses_into_satoshis():
    assert parse_btc("0.0015") == 150_000
    assert parse_btc("21") == 21 * 10**8
    assert format_btc(150_000) == "0.0015 BTC"


def test_points_carry_eighteen_decimals():
    assert parse_points("2.5") == 25 * 10**17


def test_token_amounts_follow_the_token_decimals():
    assert parse_amount("1.5", 6) == 1_500_000
    assert parse_amount("7", 0) == 7
    assert format_amount(1_500_000, 6) == "1.5"
    assert format_amount(0, 6) == "0"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("-1", "negative"),
        ("1.123456789", "more than 8 decimals"),
        ("abc", "not a number"),
        ("", "not a number"),
        ("1e5", "not a number"),
        ("0x10", "not a number"),
        ("1.2.3", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("1,000", "not a number"),
        ("9" * 80, "too large"),
    ],
)
def test_malformed_usd_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_usd(text)


def test_a_value_is_never_rounded_to_fit_the_decimals():
    with pytest.raises(AmountError, match="more than 6 decimals"):
        parse_amount("0.0000001", 6, "USDC amount")
    assert parse_amount("1.500000", 6) == 1_500_000  # trailing zeros are not extra decimals


@given_calls_only(
    300, units=st.integers(min_value=0, max_value=2**128), decimals=st.integers(0, 18)
)
def test_formatting_then_parsing_gives_the_same_units(units, decimals):
    assert parse_amount(format_amount(units, decimals), decimals) == units


@given_calls_only(200, cents=st.integers(min_value=0, max_value=10**14))
def test_usd_strings_round_trip_through_units(cents):
    text = f"{cents // 100}.{cents % 100:02d}"
    units = parse_usd(text)
    assert units == cents * 10**6
    assert format_usd(units).replace("$", "").replace(",", "") == text


# --- addresses -----------------------------------------------------------------------------

GOOD = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # anvil's account 3, EIP-55 checksummed
TYPO = "0x90F79bf6EB2c4f870365E785982E1f101E93B906"  # one letter's case flipped


def test_an_address_is_accepted_checksummed_all_lower_or_all_upper():
    assert checksum(GOOD) == GOOD
    assert checksum(GOOD.lower()) == GOOD
    assert checksum("0x" + GOOD[2:].upper()) == GOOD


def test_a_mixed_case_address_with_a_wrong_checksum_is_refused_everywhere_addresses_are_read():
    with pytest.raises(BazaarError, match="fail the EIP-55 checksum"):
        checksum(TYPO, "arbiter")
    with pytest.raises(BazaarError, match="fail the EIP-55 checksum"):
        encode_call("transfer(address,uint256)", [TYPO, "1"])


def test_json_safe_turns_only_integers_beyond_2_pow_53_into_strings():
    from bazaar.cli.common import json_safe

    data = {"a": 2**53 - 1, "b": 2**53, "c": [-(2**60), True, 5], "d": {"e": 10**21}}
    assert json_safe(data) == {
        "a": 2**53 - 1,
        "b": str(2**53),
        "c": [str(-(2**60)), True, 5],
        "d": {"e": str(10**21)},
    }


def test_a_time_in_json_carries_iso_8601_beside_unix_seconds():
    from bazaar.cli.common import time_json

    assert time_json("readyAt", 1_795_330_920) == {
        "readyAt": 1_795_330_920,
        "readyAtIso": "2026-11-22T07:02:00Z",  # date -u -d @1795330920
    }
    assert time_json("eta", 0) == {"eta": 0, "etaIso": None}  # 0: not set


def test_the_hand_over_salt_is_the_hash_of_its_text():
    from eth_utils.crypto import keccak

    from bazaar.settings import HANDOVER_SALT

    assert keccak(text="btc-bazaar hand-over") == HANDOVER_SALT


@pytest.mark.parametrize(
    "text, decimals, units",
    [
        ("1234567890123456789012345.123456", 6, 1234567890123456789012345123456),
        ("123456789012345678901.12345678", 8, 12345678901234567890112345678),
        ("999999999999999999999999999999999", 8, 999999999999999999999999999999999 * 10**8),
        ("12345678901234567890.123456789012345678", 18, 12345678901234567890123456789012345678),
        ("1.500", 1, 15),
    ],
)
def test_large_amounts_parse_exactly_beyond_28_digits(text, decimals, units):
    """Regression: Decimal's 28-digit context rounded these (mint and transfer sent the
    rounded amount)."""
    assert parse_amount(text, decimals) == units
    expected = text.rstrip("0").rstrip(".") if "." in text else text
    assert format_amount(units, decimals) == expected
