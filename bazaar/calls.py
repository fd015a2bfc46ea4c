"""Contract calls typed by people: a function signature and its arguments as text, checked
and encoded into calldata (for generic proposals).

    encode_call("setFees(uint256,uint256)", ["150", "200"])

Numbers are decimal or 0x hex, booleans true/false, bytes 0x hex (bytesN exactly N bytes),
addresses checksummed (or a name the caller resolves, e.g. "market"), strings as given;
arrays and tuples are JSON (`["0x..", "0x.."]`, `[1, true]`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import EncodingError, ParseError
from eth_abi.grammar import ABIType, BasicType, TupleType, normalize, parse
from eth_abi.registry import registry
from eth_utils.crypto import keccak

from bazaar.errors import BazaarError
from bazaar.units import HEX_ADDRESS, checksum

_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    if current or parts:
        parts.append(current)
    return parts


def parse_signature(signature: str) -> tuple[str, list[str]]:
    """`name(type,...)` -> (name, canonical types).

    Raises:
        BazaarError: not a function signature, or an unknown type.
    """
    text = signature.replace(" ", "")
    head, paren, rest = text.partition("(")
    if not paren or not rest.endswith(")") or not _NAME.fullmatch(head):
        raise BazaarError(
            f"bad function signature {signature!r}: expected e.g. setFees(uint256,uint256)"
        )
    types = []
    for part in _split_top_level(rest[:-1]):
        try:
            # eth_abi.grammar is unannotated: normalize takes and returns a type string
            type_str = parse(normalize(part)).to_type_str()  # type: ignore[no-untyped-call]
            known = registry.has_encoder(type_str)
        except (ParseError, ValueError):
            known = False
        if not known:
            raise BazaarError(f"bad type {part!r} in {signature!r}: not a Solidity ABI type")
        types.append(type_str)
    return head, types


def selector(name: str, types: list[str]) -> bytes:
    return keccak(text=f"{name}({','.join(types)})")[:4]


def _whole(text: Any, kind: str) -> int:
    if isinstance(text, bool):
        raise BazaarError(f"{text!r} is not a whole number (for {kind})")
    if isinstance(text, int):
        return text
    raw = str(text).strip().replace("_", "")
    try:
        return int(raw, 16) if raw.lower().startswith(("0x", "-0x")) else int(raw, 10)
    except ValueError:
        raise BazaarError(f"{text!r} is not a whole number (for {kind})") from None


def _hex(text: Any, kind: str, size: int | None) -> bytes:
    raw = str(text)
    try:
        if not raw.startswith("0x"):
            raise ValueError
        value = bytes.fromhex(raw[2:])
    except ValueError:
        raise BazaarError(f"{text!r} is not 0x-prefixed hex (for {kind})") from None
    if size is not None and len(value) != size:
        raise BazaarError(f"{text!r} has {len(value)} bytes, {kind} takes {size}")
    return value


def convert(kind: ABIType, value: Any, resolve: Callable[[str], str | None] | None = None) -> Any:
    """`value` (text, or JSON-decoded for arrays and tuples) as eth_abi encodes `kind`."""
    # eth_abi.grammar is unannotated: ABIType.to_type_str returns the type string
    type_str: str = kind.to_type_str()  # type: ignore[no-untyped-call]
    if kind.arrlist:
        items = json.loads(value) if isinstance(value, str) else value
        if not isinstance(items, list):
            raise BazaarError(f"{value!r} is not a JSON list (for {type_str})")
        size = kind.arrlist[-1]
        if size and len(items) != size[0]:
            raise BazaarError(f"{type_str} takes {size[0]} items, got {len(items)}")
        inner = kind.item_type
        return [convert(inner, item, resolve) for item in items]
    if isinstance(kind, TupleType):
        items = json.loads(value) if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) != len(kind.components):
            raise BazaarError(f"{value!r} is not a JSON list of {len(kind.components)} items")
        return tuple(
            convert(c, item, resolve) for c, item in zip(kind.components, items, strict=True)
        )
    if not isinstance(kind, BasicType):
        raise BazaarError(f"bad type {type_str!r}")
    base = kind.base
    if base in ("uint", "int"):
        return _whole(value, type_str)
    if base == "bool":
        word = str(value).strip().lower()
        if word not in ("true", "false", "1", "0"):
            raise BazaarError(f"{value!r} is not true or false (for bool)")
        return word in ("true", "1")
    if base == "address":
        text = str(value)
        resolved = resolve(text) if resolve is not None and not text.startswith("0x") else None
        text = resolved or text
        if not HEX_ADDRESS.fullmatch(text):
            raise BazaarError(f"{value!r} is not an address (0x and 40 hex digits)")
        return checksum(text)
    if base == "bytes":
        return _hex(value, type_str, int(kind.sub) if kind.sub else None)
    if base == "string":
        return str(value)
    raise BazaarError(f"arguments of type {type_str} are not supported")


def encode_call(
    signature: str, args: list[str], resolve: Callable[[str], str | None] | None = None
) -> bytes:
    """Calldata of `signature` called with `args` (text).

    Raises:
        BazaarError: a bad signature, the wrong number of arguments, or an argument that is
            not of its type (or out of its range).
    """
    name, types = parse_signature(signature)
    if len(args) != len(types):
        raise BazaarError(
            f"{name}({','.join(types)}) takes {len(types)} argument(s), got {len(args)}"
        )
    values = []
    for n, (type_str, arg) in enumerate(zip(types, args, strict=True), start=1):
        try:
            value = convert(parse(type_str), arg, resolve)
            abi_encode([type_str], [value])  # range and size, argument by argument
        except json.JSONDecodeError:
            raise BazaarError(f"argument {n} {arg!r} is not JSON (for {type_str})") from None
        except (EncodingError, OverflowError, TypeError, ValueError):
            raise BazaarError(f"argument {n} {arg!r} does not fit {type_str}") from None
        values.append(value)
    return selector(name, types) + abi_encode(types, values)
