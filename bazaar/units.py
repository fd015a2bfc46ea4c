"""Human units at the edge: strict parsing of amounts typed by people, and formatting back.

The contracts count in integers: USD with 8 decimals (prices, feed answers), satoshis for
WBTC (8 decimals), each token in its own decimals, reward points in 18. Parsing is exact
(Decimal, no floats): a value with more decimals than the unit holds is refused, never rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from eth_typing import ChecksumAddress
from eth_utils.address import is_checksum_address, to_checksum_address

from bazaar.errors import BazaarError

USD_DECIMALS = 8
BTC_DECIMALS = 8
POINTS_DECIMALS = 18
UINT256_MAX = 2**256 - 1


class AmountError(ValueError):
    """A malformed amount: says what came in and what was expected."""


def parse_amount(text: str, decimals: int, what: str = "amount") -> int:
    """`text` ("12.34") in units with `decimals` decimals (1234000000 for 8).

    Raises:
        AmountError: not a plain decimal number, negative, more decimals than the unit holds,
            or larger than a uint256.
    """
    raw = text.strip() if isinstance(text, str) else text
    if not isinstance(raw, str) or not raw or raw.lower() in ("nan", "inf", "infinity"):
        raise AmountError(f"{what} {text!r} is not a number (expected e.g. 12.34)")
    cleaned = raw.replace("_", "")
    if not all(c.isdigit() or c in ".-+" for c in cleaned):
        raise AmountError(f"{what} {text!r} is not a number (expected e.g. 12.34)")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"{what} {text!r} is not a number (expected e.g. 12.34)") from None
    if not value.is_finite():
        raise AmountError(f"{what} {text!r} is not a number (expected e.g. 12.34)")
    if value < 0:
        raise AmountError(f"{what} {text!r} is negative")
    # Exact integer arithmetic on the digits: Decimal's context arithmetic (normalize, scaleb)
    # rounds to 28 significant digits, which silently changed large amounts.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    mantissa: int = int("".join(map(str, digits)) or "0")
    shift = exponent + decimals
    if shift >= 0:
        units: int = mantissa * 10**shift
    else:
        units, rest = divmod(mantissa, 10**-shift)
        if rest:
            raise AmountError(f"{what} {text!r} has more than {decimals} decimals")
    if units > UINT256_MAX:
        raise AmountError(f"{what} {text!r} is too large")
    return units


def format_amount(units: int, decimals: int) -> str:
    """`units` as a plain decimal string with every decimal the unit holds trimmed of zeros
    after the point ("12.34", "0.0015", "7")."""
    if units < 0:
        return "-" + format_amount(-units, decimals)
    whole, frac = divmod(units, 10**decimals)
    if not frac:
        return str(whole)
    return f"{whole}.{str(frac).rjust(decimals, '0').rstrip('0')}"


def parse_usd(text: str) -> int:
    """USD ("12.34") in the contracts' USD units (8 decimals)."""
    return parse_amount(text, USD_DECIMALS, "USD amount")


def format_usd(units: int) -> str:
    """USD units (8 decimals) as "$1,234.50" (cents always shown, more when present)."""
    text = format_amount(units, USD_DECIMALS)
    whole, _, frac = text.partition(".")
    return f"${int(whole):,}.{frac.ljust(2, '0')}"


def parse_btc(text: str) -> int:
    """BTC ("0.0015") in satoshis."""
    return parse_amount(text, BTC_DECIMALS, "BTC amount")


def format_btc(sats: int) -> str:
    return f"{format_amount(sats, BTC_DECIMALS)} BTC"


def parse_points(text: str) -> int:
    """Reward points ("2.5") in their 18-decimal units."""
    return parse_amount(text, POINTS_DECIMALS, "points amount")


def format_points(units: int) -> str:
    return f"{format_amount(units, POINTS_DECIMALS)} points"


def format_token(units: int, decimals: int, symbol: str) -> str:
    return f"{format_amount(units, decimals)} {symbol}"


# 0x and 40 hex digits, in any case: the shape of an address before its checksum is checked.
HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def checksum(address: str, what: str = "address") -> ChecksumAddress:
    """`address` checksummed.

    Raises:
        BazaarError: not 0x + 40 hex digits, or a mixed-case address with a bad checksum.
    """
    if not isinstance(address, str) or not HEX_ADDRESS.fullmatch(address):
        raise BazaarError(f"bad {what} {address!r}: expected 0x followed by 40 hex digits")
    digits = address[2:]
    mixed = digits != digits.lower() and digits != digits.upper()
    if mixed and not is_checksum_address(address):  # web3's is_address lets these pass
        raise BazaarError(
            f"bad {what} {address}: its mixed-case letters fail the EIP-55 checksum (a typo?); "
            "check it, or pass it all in lower case"
        )
    return to_checksum_address(address)
