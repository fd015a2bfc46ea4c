"""The fields of a signed message read back from JSON (a ballot, a gasless checkout, an offer),
each checked the same way, one place: an address (checksummed), a whole number below 2^256 (a
JSON number or a decimal string), and 0x-hex bytes of a given size. `where` names the field in
the one-line refusal."""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address
from web3 import Web3

from bazaar.errors import InputRefused


def address(value: Any, where: str) -> str:
    """`value` as a checksummed address.

    Raises:
        InputRefused: not an address.
    """
    if not isinstance(value, str) or not Web3.is_address(value):
        raise InputRefused(f"{where} {value!r} is not an address")
    return to_checksum_address(value)


def whole(value: Any, where: str) -> int:
    """`value` (a JSON number or a decimal string) as a uint256.

    Raises:
        InputRefused: not a whole number, or out of range.
    """
    if isinstance(value, bool):
        raise InputRefused(f"{where} {value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise InputRefused(f"{where} {value!r} is not a whole number")
    if not 0 <= number < 2**256:
        raise InputRefused(f"{where} {value!r} is out of range")
    return number


def hex_bytes(value: Any, size: int, where: str) -> bytes:
    """`value` ("0x" and 2 * `size` hex digits) as bytes.

    Raises:
        InputRefused: anything else.
    """
    raw = value[2:] if isinstance(value, str) and value.startswith("0x") else None
    try:
        data = bytes.fromhex(raw) if raw is not None else None
    except ValueError:
        data = None
    if data is None or len(data) != size:
        raise InputRefused(f"{where} is not 0x followed by {2 * size} hex digits")
    return data
