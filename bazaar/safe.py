"""Safe Transaction Builder batch files: transactions written for a multisig (or a hardware
wallet behind one) to load, instead of being sent.

The format is the one the Safe{Wallet} Transaction Builder app imports: version "1.0", the
chain id as a string, `meta`, and `transactions` of raw calldata (`to`, `value` as a decimal
string, `data`, `contractMethod: null`, `contractInputsValues: null`). `meta.checksum` is the
app's own: keccak256 of its key-sorted serialization of the batch with `meta.name` set to null
and no checksum.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak
from web3 import Web3
from web3.types import TxParams, TxReceipt

from bazaar.errors import BazaarError
from bazaar.tx import GAS_MARGIN_PERCENT, Call, Progress, TxSender

TX_BUILDER_VERSION = "1.18.0"


def _js(value: Any) -> str:
    """JSON.stringify of a scalar or a list of strings (no spaces, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def serialize(value: Any) -> str:
    """The Transaction Builder's `serializeJSONObject`: for an object, its sorted keys as a
    JSON array, then each value followed by a comma, in braces."""
    if isinstance(value, list):
        return "[" + ",".join(serialize(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value)
        return "{" + _js(keys) + "".join(serialize(value[k]) + "," for k in keys) + "}"
    return _js(value)


def checksum(batch: dict[str, Any]) -> str:
    meta = {k: v for k, v in batch["meta"].items() if k != "checksum"}
    return "0x" + keccak(text=serialize({**batch, "meta": {**meta, "name": None}})).hex()


def batch(
    chain_id: int,
    calls: list[Call],
    name: str,
    description: str = "",
    safe: str = "",
    created_at_ms: int | None = None,
) -> dict[str, Any]:
    """A Transaction Builder batch of `calls` (with its checksum)."""
    data: dict[str, Any] = {
        "version": "1.0",
        "chainId": str(chain_id),
        "createdAt": int(time.time() * 1000) if created_at_ms is None else created_at_ms,
        "meta": {
            "name": name,
            "description": description,
            "txBuilderVersion": TX_BUILDER_VERSION,
            "createdFromSafeAddress": safe,
            "createdFromOwnerAddress": "",
        },
        "transactions": [
            {
                "to": call.to,
                "value": str(call.value),
                "data": call.data,
                "contractMethod": None,
                "contractInputsValues": None,
            }
            for call in calls
        ],
    }
    data["meta"]["checksum"] = checksum(data)
    return data


def check_batch_path(path: str | Path) -> Path:
    """Where a batch may be written: a new file in an existing folder.

    Raises:
        BazaarError: the file exists, or its folder does not.
    """
    target = Path(path)
    if target.exists():
        raise BazaarError(f"{target} exists; not overwriting a batch file")
    if not target.parent.is_dir():
        raise BazaarError(f"no folder {target.parent} for {target.name}; create it first")
    return target


def write_batch(path: str | Path, data: dict[str, Any]) -> Path:
    """Writes `data` to `path`, refusing to overwrite a file or to create folders.

    Raises:
        BazaarError: the file exists, its folder does not, or it cannot be written.
    """
    target = check_batch_path(path)
    try:
        target.write_text(json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise BazaarError(f"cannot write {target}: {exc.strerror}") from None
    return target


# Ether the Safe is given on the fork to pay for gas there (the fork's, never the chain's).
FORK_BALANCE_WEI = 10**24


class SafeSender(TxSender):
    """Acts as a Safe on a local fork of the chain (`bazaar --safe-batch`): each call is
    preflighted from the Safe, then run on the fork with the Safe impersonated, so the command
    reads real receipts and state and prints what would happen; the calls are kept for the
    Safe's batch. Nothing is signed, and nothing reaches the real chain."""

    def __init__(self, fork: Web3, safe: ChecksumAddress) -> None:
        self.w3 = fork
        self.safe = safe
        self.chain_id = int(fork.eth.chain_id)
        self.progress = Progress(False)
        self.calls: list[Call] = []
        fork.provider.make_request("anvil_impersonateAccount", [safe])  # type: ignore[arg-type]
        fork.provider.make_request(
            "anvil_setBalance",  # type: ignore[arg-type]
            [safe, hex(FORK_BALANCE_WEI)],
        )

    @property
    def address(self) -> ChecksumAddress:
        return self.safe

    def transact(self, call: Call) -> TxReceipt:
        """Preflight as the Safe, run on the fork, record."""
        gas = self.preflight(call)
        tx: TxParams = {
            "from": self.safe,
            "data": call.data,  # type: ignore[typeddict-item]
            "value": call.value,  # type: ignore[typeddict-item]
            "gas": gas * (100 + GAS_MARGIN_PERCENT) // 100,
        }
        if call.to is not None:
            tx["to"] = call.to
        tx_hash = self.w3.eth.send_transaction(tx)
        receipt = self.wait("0x" + bytes(tx_hash).hex(), call.label)
        self.calls.append(call)
        return receipt
