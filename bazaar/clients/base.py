"""What every contract client shares: a web3 contract from a shipped ABI, and sending."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from bazaar import artifacts
from bazaar.errors import BazaarError, RevertError, decode_revert, revert_data
from bazaar.tx import Call, TxSender


def checksum(address: str, what: str = "address") -> str:
    """`address` checksummed.

    Raises:
        BazaarError: not 0x + 40 hex digits, or a mixed-case address with a bad checksum.
    """
    if not isinstance(address, str) or not Web3.is_address(address):
        raise BazaarError(f"bad {what} {address!r}: expected 0x followed by 40 hex digits")
    return Web3.to_checksum_address(address)


class ContractClient:
    ARTIFACT = ""

    def __init__(self, w3: Web3, address: str, sender: TxSender | None = None) -> None:
        self.w3 = w3
        self.address = checksum(address, f"{self.ARTIFACT} address")
        self.contract: Contract = w3.eth.contract(
            address=self.address, abi=artifacts.load(self.ARTIFACT).abi
        )
        self.sender = sender

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

    def send(self, fn: str, *args: Any, label: str | None = None) -> TxReceipt:
        if self.sender is None:
            raise BazaarError(f"{label or fn} needs an account: pass --keystore")
        return self.sender.transact(self.call_for(fn, *args, label=label))

    def events(self, receipt: TxReceipt, name: str) -> list[dict[str, Any]]:
        logs = getattr(self.contract.events, name)().process_receipt(receipt, errors=DISCARD)
        return [dict(log["args"]) for log in logs if log["address"] == self.address]
