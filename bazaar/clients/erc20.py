"""ERC-20 tokens, read through OpenZeppelin's IERC20Metadata ABI (any real token, not only the
mocks): balance, allowance and approve in the token's own decimals, and the one way a client
pays a contract that takes tokens from its signer (approving first when needed)."""

from __future__ import annotations

from functools import cached_property

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.errors import BazaarError, RevertError
from bazaar.tx import Call
from bazaar.units import checksum, format_token

# How a token refuses to hand over what it was not allowed to (or does not hold): OpenZeppelin
# 5's errors, SafeERC20's for tokens that return false, and the string or empty reverts of
# older tokens. The suite's own contracts revert only with custom errors of their own.
TOKEN_REFUSALS = frozenset(
    {"ERC20InsufficientAllowance", "ERC20InsufficientBalance", "SafeERC20FailedOperation", "Error"}
)


class Erc20Client(ContractClient):
    ARTIFACT = "IERC20Metadata"

    @cached_property
    def decimals(self) -> int:
        return int(self.view("decimals"))

    @cached_property
    def symbol(self) -> str:
        return str(self.view("symbol"))

    @property
    def noun(self) -> str:
        """How sentences name the token."""
        return self.symbol

    def balance_of(self, account: str) -> int:
        return int(self.view("balanceOf", checksum(account)))

    def allowance(self, owner: str, spender: str) -> int:
        return int(self.view("allowance", checksum(owner), checksum(spender)))

    def approve(self, spender: str, amount: int) -> TxReceipt:
        return self.send("approve", checksum(spender), amount, label=f"approve {self.symbol}")

    def transfer(self, to: str, amount: int) -> TxReceipt:
        """Sends `amount` units to `to`.

        Raises:
            BazaarError: an amount of zero, or the wallet holds less; nothing sent.
        """
        sender = self.signer(f"send {self.symbol}").address
        if amount == 0:
            raise BazaarError(f"sending 0 {self.symbol} changes nothing; nothing sent")
        balance = self.balance_of(sender)
        if balance < amount:
            raise BazaarError(
                f"not enough {self.noun}: {sender} holds {self.format(balance)}, "
                f"sending {self.format(amount)}"
            )
        return self.send("transfer", checksum(to, "receiver"), amount, label=f"send {self.symbol}")

    def format(self, units: int) -> str:
        return format_token(units, self.decimals, self.symbol)

    def ensure_allowance(
        self, spender: str, amount: int, *, approve: bool, purpose: str, spender_name: str
    ) -> bool:
        """Makes sure `spender` may take `amount` from the signer: nothing when it may already,
        else an approval of `amount` (when `approve`). Returns whether an approval was sent.

        Raises:
            NoSigner: the client has no signer.
            BazaarError: the wallet holds less than `amount` (an approval is never sent for a
                payment the wallet cannot make), or the allowance is short and not `approve`;
                nothing sent.
        """
        owner = self.signer(purpose).address
        allowance = self.allowance(owner, spender)
        if allowance >= amount:
            return False
        balance = self.balance_of(owner)
        if balance < amount:
            raise BazaarError(
                f"not enough {self.noun}: {owner} holds {self.format(balance)}, "
                f"{purpose} takes up to {self.format(amount)}"
            )
        if not approve:
            raise BazaarError(
                f"allowance too low: {spender_name} may take {self.format(allowance)} of "
                f"{owner}'s {self.noun}, {purpose} takes up to {self.format(amount)}"
            )
        self.approve(spender, amount)
        return True

    def pay(
        self, call: Call, amount: int, *, approve: bool, purpose: str, spender_name: str
    ) -> tuple[TxReceipt, bool]:
        """Sends `call`, in which its target takes up to `amount` of this token from the
        signer, approving `amount` first when the allowance is short (`ensure_allowance`).

        The call is preflighted before any approval: the suite's contracts check everything
        else before they take the tokens, so a refusal other than the token's own (allowance,
        balance) is the answer, and nothing is sent.

        Returns:
            The call's receipt, and whether an approval was sent first.
        Raises:
            RevertError: the call would revert for another reason (decoded); nothing sent.
            BazaarError: as `ensure_allowance`.
        """
        sender = self.signer(purpose)
        spender = checksum(call.to or "", "spender")
        if self.allowance(sender.address, spender) < amount:
            try:
                sender.preflight(call)
            except RevertError as exc:
                if exc.data and exc.error_name not in TOKEN_REFUSALS:
                    raise
        approved = self.ensure_allowance(
            spender, amount, approve=approve, purpose=purpose, spender_name=spender_name
        )
        return sender.transact(call), approved
