"""Transactions: build, preflight, sign locally, send raw, wait.

Preflight runs the transaction as `eth_call` and `eth_estimateGas` first: a transaction that
would revert is decoded into a sentence and NOTHING is sent. Gas is estimated against the
latest block and against the pending one (the block the transaction lands in, with its later
timestamp), the larger taken, plus a margin. Signing is local (the keystore
account); the node only ever sees the signed raw transaction.
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from eth_account.datastructures import SignedTransaction
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress, HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import TimeExhausted, TransactionNotFound
from web3.types import TxParams, TxReceipt, Wei

from bazaar.errors import (
    BazaarError,
    RevertError,
    TransactionFailed,
    decode_revert,
    revert_data,
)
from bazaar.units import format_amount

GAS_MARGIN_PERCENT = 20  # estimates move a little between preflight and inclusion
RECEIPT_TIMEOUT = 600  # seconds


@dataclass(frozen=True)
class Call:
    """A transaction to make: target (None: contract creation), calldata, value, label."""

    to: str | None
    data: str
    label: str
    value: int = 0


class Progress:
    """A one-line spinner on stderr while waiting; silent unless enabled (a TTY, no --json)."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._spin = itertools.cycle("|/-\\")

    @classmethod
    def auto(cls, json_output: bool) -> Progress:
        return cls(enabled=not json_output and sys.stderr.isatty())

    def tick(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r{next(self._spin)} {text}\033[K")
            self.stream.flush()

    def done(self, text: str = "") -> None:
        if self.enabled:
            self.stream.write(f"\r{text}\033[K\n" if text else "\r\033[K")
            self.stream.flush()


def _node_message(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    if isinstance(exc.args[0] if exc.args else None, dict):
        text = str(exc.args[0].get("message", text))
    return text.splitlines()[0][:300]


def _call_tx(call: Call, sender: str) -> TxParams:
    tx: TxParams = {"from": sender, "data": HexStr(call.data), "value": Wei(call.value)}
    if call.to is not None:
        tx["to"] = call.to
    return tx


def _refusal(call: Call, exc: Exception) -> BazaarError:
    """The error of a call the node would not run: its revert decoded, or the node's reason."""
    data = revert_data(exc)
    if data is not None:
        return RevertError(f"{call.label} would revert: {decode_revert(data)}", data)
    if "revert" in str(exc).lower():
        return RevertError(f"{call.label} would revert: {_node_message(exc)}")
    return BazaarError(f"{call.label}: the node refused it: {_node_message(exc)}")


def simulate(w3: Web3, call: Call, sender: str) -> None:
    """Runs `call` from `sender` as eth_call (no account needed): the check of what a
    transaction nobody signs here (a Safe's, a relayed ballot) would do.

    Raises:
        RevertError: it would revert (decoded).
    """
    try:
        w3.eth.call(_call_tx(call, sender))
    except Exception as exc:
        raise _refusal(call, exc) from None


class TxSender:
    """Sends transactions from one local account on one chain."""

    def __init__(self, w3: Web3, account: LocalAccount, progress: Progress | None = None):
        self.w3 = w3
        self.account = account
        self.chain_id = w3.eth.chain_id
        self.progress = progress or Progress(False)

    @property
    def address(self) -> ChecksumAddress:
        return self.account.address

    # -- steps ---------------------------------------------------------------------------

    def preflight(self, call: Call) -> int:
        """Runs `call` as eth_call then estimates its gas; returns the estimate.

        Raises:
            RevertError: it would revert (decoded); nothing was sent.
        """
        tx = _call_tx(call, self.address)
        try:
            self.w3.eth.call(tx)
            latest = int(self.w3.eth.estimate_gas(tx))
        except Exception as exc:
            raise _refusal(call, exc) from None
        return max(latest, self._estimate_pending(call, tx))

    def _estimate_pending(self, call: Call, tx: TxParams) -> int:
        """The estimate against the pending block: the one the transaction lands in, with its
        later timestamp (state keyed by time, such as a new vote checkpoint, costs more
        there). A revert there is a refusal like one at the latest block; 0 when the node does
        not estimate against "pending" (the latest block's estimate then stands).

        Raises:
            RevertError: it would revert in the pending block (decoded); nothing was sent.
        """
        try:
            return int(self.w3.eth.estimate_gas(tx, "pending"))
        except Exception as exc:
            refusal = _refusal(call, exc)
            if isinstance(refusal, RevertError):
                raise refusal from None
            return 0

    def fees(self) -> dict[str, int]:
        """EIP-1559 fee fields where the chain has a base fee, else a legacy gas price."""
        block = self.w3.eth.get_block("latest")
        base = block.get("baseFeePerGas")
        if base is None:
            return {"gasPrice": int(self.w3.eth.gas_price)}
        try:
            tip = int(self.w3.eth.max_priority_fee)
        except Exception:  # nodes without eth_maxPriorityFeePerGas
            tip = 10**9
        return {"maxFeePerGas": 2 * int(base) + tip, "maxPriorityFeePerGas": tip}

    def build(self, call: Call, gas: int, nonce: int | None = None) -> dict[str, Any]:
        """The full transaction for `call`, with a gas margin; checks the account can pay."""
        tx: dict[str, Any] = {
            "from": self.address,
            "data": call.data,
            "value": call.value,
            "chainId": self.chain_id,
            "nonce": self.next_nonce() if nonce is None else nonce,
            "gas": gas * (100 + GAS_MARGIN_PERCENT) // 100,
            **self.fees(),
        }
        if call.to is not None:
            tx["to"] = call.to
        price = tx.get("maxFeePerGas", tx.get("gasPrice", 0))
        need = tx["gas"] * price + call.value
        have = self.w3.eth.get_balance(self.address)
        if have < need:
            raise BazaarError(
                f"{call.label}: {self.address} holds {format_amount(have, 18)} ETH, needs up to "
                f"{format_amount(need, 18)} ETH for gas"
            )
        return tx

    def next_nonce(self) -> int:
        return int(self.w3.eth.get_transaction_count(self.address, "pending"))

    def sign(self, tx: dict[str, Any]) -> SignedTransaction:
        return self.account.sign_transaction(tx)

    def broadcast(self, raw: bytes) -> str:
        """Sends a signed raw transaction; returns its hash (0x-hex).

        A node that already knows the transaction ("already known") is not an error: the
        hash is what it would have been.
        """
        tx_hash = "0x" + Web3.keccak(raw).hex().removeprefix("0x")
        try:
            self.w3.eth.send_raw_transaction(raw)
        except Exception as exc:
            message = _node_message(exc)
            if "already known" not in message.lower():
                raise BazaarError(f"the node refused the transaction: {message}") from None
        return tx_hash

    def receipt(self, tx_hash: str) -> TxReceipt | None:
        try:
            return self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
        except TransactionNotFound:
            return None

    def wait(self, tx_hash: str, label: str, timeout: float = RECEIPT_TIMEOUT) -> TxReceipt:
        """Waits for the receipt (spinner on stderr when enabled).

        Raises:
            RevertError: the transaction was mined but reverted (decoded by replaying it).
            BazaarError: no receipt within `timeout` seconds.
        """
        started = time.monotonic()
        poll = 0.05
        while True:
            receipt = self.receipt(tx_hash)
            if receipt is not None:
                break
            elapsed = time.monotonic() - started
            if elapsed > timeout:
                self.progress.done()
                raise TransactionFailed(
                    f"{label}: no receipt for {tx_hash} after {timeout:.0f} s; "
                    "it may still be mined: re-run to pick it up",
                    mined=False,
                ) from TimeExhausted()
            self.progress.tick(f"{label}: waiting for {tx_hash[:12]}.. {elapsed:.0f} s")
            time.sleep(poll)
            poll = min(poll * 2, 2.0)
        self.progress.done()
        if receipt["status"] != 1:
            raise TransactionFailed(f"{label} reverted on chain: {self._replay_reason(receipt)}")
        return receipt

    def _replay_reason(self, receipt: TxReceipt) -> str:
        tx = self.w3.eth.get_transaction(receipt["transactionHash"])
        call: TxParams = {"from": tx["from"], "data": tx["input"], "value": tx["value"]}
        if tx.get("to"):
            call["to"] = tx["to"]
        try:
            self.w3.eth.call(call, receipt["blockNumber"] - 1)
        except Exception as exc:
            data = revert_data(exc)
            return decode_revert(data) if data is not None else _node_message(exc)
        return "no reason (out of gas?)"

    # -- all together --------------------------------------------------------------------

    def transact(self, call: Call) -> TxReceipt:
        """Preflight, build, sign, broadcast, wait for the receipt."""
        gas = self.preflight(call)
        raw = bytes(self.sign(self.build(call, gas)).raw_transaction)
        return self.wait(self.broadcast(raw), call.label)
