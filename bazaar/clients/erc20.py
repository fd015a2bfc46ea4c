"""ERC-20 tokens: balance, allowance, approve, in the token's own decimals."""

from __future__ import annotations

from functools import cached_property

from bazaar.clients.base import ContractClient, checksum
from bazaar.units import format_token


class Erc20Client(ContractClient):
    ARTIFACT = "MockERC20"  # only the standard ERC-20 functions are used

    @cached_property
    def decimals(self) -> int:
        return int(self.view("decimals"))

    @cached_property
    def symbol(self) -> str:
        return str(self.view("symbol"))

    def balance_of(self, account: str) -> int:
        return int(self.view("balanceOf", checksum(account)))

    def allowance(self, owner: str, spender: str) -> int:
        return int(self.view("allowance", checksum(owner), checksum(spender)))

    def approve(self, spender: str, amount: int):
        return self.send("approve", checksum(spender), amount, label=f"approve {self.symbol}")

    def format(self, units: int) -> str:
        return format_token(units, self.decimals, self.symbol)
