"""The price adapter: USD (8 decimals) to token units and back, with the feed data used."""

from __future__ import annotations

from dataclasses import dataclass

from bazaar.clients.base import ContractClient, checksum


@dataclass(frozen=True)
class Quote:
    """IWbtcUsdOracle.Quote: token units for a USD amount now, and the feed data used."""

    token_amount: int
    usd_amount: int
    usd_leg_answer: int
    peg_leg_answer: int
    usd_leg_updated_at: int
    peg_leg_updated_at: int
    quoted_at: int


class OracleClient(ContractClient):
    ARTIFACT = "WbtcUsdOracle"

    def quote(self, token: str, usd_amount: int) -> Quote:
        """Token units that buy `usd_amount` (USD, 8 decimals) now, rounded up."""
        return Quote(*self.view("quote", checksum(token, "token"), usd_amount))

    def token_to_usd(self, token: str, amount: int) -> int:
        """USD value (8 decimals) of `amount` token units now, rounded down."""
        return int(self.view("tokenToUsd", checksum(token, "token"), amount))

    def is_supported(self, token: str) -> bool:
        return bool(self.view("isSupported", checksum(token, "token")))
