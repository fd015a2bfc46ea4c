"""What every contract client shares: a web3 contract from a shipped ABI, views with decoded
reverts, sending through the signer (preflight, local signing), events of a receipt, and the
contract's logs (scanned in chunks from its deploy block)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from bazaar import artifacts
from bazaar.clients.logs import scan_logs
from bazaar.errors import BazaarError, NoSigner, RevertError, decode_revert, revert_data
from bazaar.tx import Call, TxSender
from bazaar.units import checksum


class ContractClient:
    ARTIFACT = ""

    def __init__(
        self, w3: Web3, address: str, sender: TxSender | None = None, *, from_block: int = 0
    ) -> None:
        self.w3 = w3
        self.address = checksum(address, f"{self.ARTIFACT} address")
        self.contract: Contract = w3.eth.contract(
            address=self.address, abi=artifacts.load(self.ARTIFACT).abi
        )
        self.sender = sender
        self.from_block = from_block  # where its logs start (the deploy block)
        # the receipt of this client's latest transaction (for methods that return what it
        # made, such as a listing id, while the caller also wants the transaction)
        self.last_receipt: TxReceipt | None = None

    def signer(self, what: str) -> TxSender:
        """The sender of this client's transactions.

        Raises:
            NoSigner: the client was made without one; `what` needs it.
        """
        if self.sender is None:
            raise NoSigner(what)
        return self.sender

    def view(self, fn: str, *args: Any) -> Any:
        """Calls view `fn`; a revert becomes a decoded RevertError."""
        try:
            return getattr(self.contract.functions, fn)(*args).call()
        except Exception as exc:
            data = revert_data(exc)
            if data is not None:
                raise RevertError(f"{fn}: {decode_revert(data)}", data) from None
            if not self.w3.eth.get_code(self.address):
                raise BazaarError(f"no contract at {self.address}") from None
            raise

    def call_for(self, fn: str, *args: Any, label: str | None = None) -> Call:
        data = self.contract.encode_abi(fn, args=list(args))
        return Call(self.address, data, label or fn)

    def transact(self, call: Call) -> TxReceipt:
        """Sends `call` from the signer (preflighted: a revert is decoded, nothing sent)."""
        receipt = self.signer(call.label).transact(call)
        self.last_receipt = receipt
        return receipt

    def send(self, fn: str, *args: Any, label: str | None = None) -> TxReceipt:
        return self.transact(self.call_for(fn, *args, label=label))

    def events(self, receipt: TxReceipt, name: str) -> list[dict[str, Any]]:
        """The arguments of this contract's `name` events in `receipt`."""
        logs = getattr(self.contract.events, name)().process_receipt(receipt, errors=DISCARD)
        return [dict(log["args"]) for log in logs if log["address"] == self.address]

    def logs(
        self, name: str, *topics: Any, newest_first: bool = False, from_block: int | None = None
    ) -> Iterator[Any]:
        """This contract's `name` events (decoded, with their block), filtered by indexed
        `topics` (0x-hex; a list of them: any of them), scanned from `from_block` (default:
        the client's, its contract's deploy block)."""
        event = getattr(self.contract.events, name)()
        for log in scan_logs(
            self.w3,
            self.address,
            [event.topic, *topics],
            self.from_block if from_block is None else from_block,
            newest_first=newest_first,
        ):
            yield event.process_log(log)
