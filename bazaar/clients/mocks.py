"""The mock tokens and feeds that `bazaar deploy --mocks` puts where a chain has none: a
faucet for the tokens (anyone may mint) and the feeds pushed to the current time, so that a
local or test chain stays usable after a time jump (the oracle refuses stale answers)."""

from __future__ import annotations

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.clients.erc20 import Erc20Client
from bazaar.errors import BazaarError
from bazaar.units import checksum


class MockTokenClient(Erc20Client):
    """MockERC20 / MockWBTC: an ERC-20 whose `mint` is open to anyone."""

    ARTIFACT = "MockERC20"

    def mint(self, to: str, amount: int) -> TxReceipt:
        """Mints `amount` units to `to`.

        Raises:
            BazaarError: an amount of zero (it would change nothing); nothing sent.
        """
        if amount == 0:
            raise BazaarError("minting 0 changes nothing; nothing sent")
        return self.send("mint", to, amount, label=f"mint {self.format(amount)}")


class MockUsdcClient(MockTokenClient):
    """MockUSDC: also a blacklist like Circle's, set by its deployer."""

    ARTIFACT = "MockUSDC"

    def is_blacklisted(self, account: str) -> bool:
        return bool(self.view("isBlacklisted", checksum(account, "account")))

    def set_blacklisted(self, account: str, blocked: bool) -> TxReceipt:
        """The blacklister blocks (or unblocks) `account` from sending and receiving.

        Raises:
            BazaarError: the zero address (blocking it would stop every mint and burn), or
                an account already so; nothing sent.
        """
        target = checksum(account, "account")
        if int(target, 16) == 0:
            raise BazaarError(
                "the zero address cannot be blacklisted: every mint and burn moves through it"
            )
        if self.is_blacklisted(target) == blocked:
            state = "blacklisted already" if blocked else "not blacklisted"
            raise BazaarError(f"{target} is {state}; nothing sent")
        return self.send(
            "setBlacklisted",
            target,
            blocked,
            label="blacklist" if blocked else "unblacklist",
        )


class MockFeedClient(ContractClient):
    """MockAggregator: a Chainlink-shaped feed whose answer anyone sets."""

    ARTIFACT = "MockAggregator"

    def latest(self) -> tuple[int, int]:
        """(answer, updatedAt) of the latest round."""
        _, answer, _, updated_at, _ = self.view("latestRoundData")
        return int(answer), int(updated_at)

    @property
    def decimals(self) -> int:
        return int(self.view("decimals"))

    def set_answer(self, answer: int) -> TxReceipt:
        """A new round with `answer`, started and updated at the block's time."""
        return self.send("setAnswer", answer, label="set the feed's answer")
