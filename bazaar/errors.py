"""Errors of the client, and revert data turned into readable sentences.

Every custom error of every shipped artifact is known by its 4-byte selector, with its
arguments' names and the `@notice` from the interface, plus Solidity's `Error(string)` and
`Panic(uint256)`. `decode_revert(data)` gives for instance
"MarketplaceUnauthorized(caller=0x70997970..., id=0x00...01): `caller` may not do this to
order or listing `id`."
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from bazaar import artifacts
from bazaar.types import ENUM_NAMES


class BazaarError(Exception):
    """An error the CLI prints as one line on stderr before exiting with status 1."""


class RevertError(BazaarError):
    """A transaction or call that would revert (or did); `data` is the raw revert data."""

    def __init__(self, message: str, data: bytes = b"") -> None:
        super().__init__(message)
        self.data = data


PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division or modulo by zero",
    0x21: "invalid enum value",
    0x22: "bad storage byte array encoding",
    0x31: "pop on an empty array",
    0x32: "array index out of bounds",
    0x41: "out of memory",
    0x51: "call to an uninitialised function pointer",
}


@dataclass(frozen=True)
class ErrorSpec:
    name: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    notice: str
    enums: tuple[tuple[str, ...] | None, ...] = ()  # per argument: enum value names, if any


def _abi_type(item: dict[str, Any]) -> str:
    """The canonical ABI type of an input, tuples expanded."""
    kind = item["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


@cache
def error_table() -> dict[bytes, ErrorSpec]:
    """4-byte selector -> error, from every shipped artifact (plus Error and Panic)."""
    table: dict[bytes, ErrorSpec] = {
        keccak(text="Error(string)")[:4]: ErrorSpec("Error", ("string",), ("reason",), ""),
        keccak(text="Panic(uint256)")[:4]: ErrorSpec("Panic", ("uint256",), ("code",), ""),
    }
    for artifact in artifacts.all_loaded():
        for item in artifact.abi:
            if item["type"] != "error":
                continue
            types = tuple(_abi_type(i) for i in item["inputs"])
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            names = tuple(i["name"] or f"arg{n}" for n, i in enumerate(item["inputs"]))
            notice = artifact.error_notices.get(item["name"], "")
            enums = tuple(ENUM_NAMES.get(i.get("internalType", "")) for i in item["inputs"])
            table.setdefault(selector, ErrorSpec(item["name"], types, names, notice, enums))
    return table


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_render(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def decode_revert(data: bytes | str | None) -> str:
    """A sentence for revert `data` (raw bytes or 0x-hex)."""
    if isinstance(data, str):
        text = data[2:] if data.startswith("0x") else data
        try:
            data = bytes.fromhex(text)
        except ValueError:
            return f"reverted: {data}"
    if not data:
        return "reverted without a reason"
    spec = error_table().get(data[:4])
    if spec is None:
        return f"reverted with unknown error 0x{data[:4].hex()} (data 0x{data.hex()})"
    try:
        values = abi_decode(list(spec.types), data[4:])
    except Exception:  # malformed arguments: still name the error
        return f"{spec.name}(<undecodable arguments 0x{data[4:].hex()}>)"
    if spec.name == "Error":
        return f"reverted: {values[0]}"
    if spec.name == "Panic":
        code = values[0]
        return f"Panic(0x{code:02x}): {PANIC_REASONS.get(code, 'unknown panic code')}"
    rendered = []
    for n, (name, value) in enumerate(zip(spec.names, values, strict=True)):
        labels = spec.enums[n] if n < len(spec.enums) else None
        text = _render(value)
        if labels is not None and isinstance(value, int) and value < len(labels):
            text = f"{labels[value]}"
        rendered.append(f"{name}={text}")
    args = ", ".join(rendered)
    sentence = f"{spec.name}({args})"
    return f"{sentence}: {spec.notice}" if spec.notice else sentence


def revert_data(exc: BaseException) -> bytes | None:
    """The revert data carried by a web3 exception, or None when it carries none."""
    candidates: list[Any] = [getattr(exc, "data", None)]
    candidates += [a for a in getattr(exc, "args", ()) if isinstance(a, dict | str)]
    for candidate in candidates:
        if isinstance(candidate, dict):
            candidate = candidate.get("data")
            if isinstance(candidate, dict):  # some nodes nest {"data": {"data": "0x.."}}
                candidate = candidate.get("data")
        if isinstance(candidate, bytes):
            return candidate
        if isinstance(candidate, str) and candidate.startswith("0x"):
            try:
                return bytes.fromhex(candidate[2:])
            except ValueError:
                continue
    return None
