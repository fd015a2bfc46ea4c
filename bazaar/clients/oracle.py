"""The price adapter: USD (8 decimals) to token units and back, with the feed data used."""

from __future__ import annotations

from dataclasses import dataclass

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.units import checksum


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
    version: int  # the token's configuration version that priced it


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

    def latest_version(self, token: str) -> int:
        """The latest configuration version of `token` (0: never configured)."""
        return int(self.view("latestVersion", checksum(token, "token")))

    def settlement_quote(self, token: str, version: int, usd_amount: int) -> int | None:
        """Token units worth `usd_amount` at the price of configuration `version` (settlement
        rules: twice the staleness limits, no depeg floor, disabled tokens included), rounded
        up; None when that price cannot be had now. An unknown version raises RevertError."""
        ok, amount = self.view("settlementQuote", checksum(token, "token"), version, usd_amount)
        return int(amount) if ok else None

    def outage_since(self, token: str, version: int) -> int:
        """When an outage of configuration `version` was recorded (0: none)."""
        return int(self.view("outageSince", checksum(token, "token"), version))

    def record_outage(self, token: str, version: int) -> TxReceipt:
        """Records that `version` cannot be read for settlement now, or clears the record
        when it can (anyone may; preflight refuses a version that reads with no record)."""
        return self.send(
            "recordOutage",
            checksum(token, "token"),
            version,
            label=f"record-outage (version {version})",
        )
