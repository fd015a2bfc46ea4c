"""Before a deployment on a real network sends anything: each configured feed must say what it
is. Chainlink reuses proxy addresses across testnets for different pairs (see
bazaar/networks.py), so a feed's `description()` and `decimals()` are read and compared."""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address
from web3 import Web3

from bazaar import artifacts, settings
from bazaar.errors import BazaarError


def check_feeds(w3: Web3, sources: dict[str, Any]) -> None:
    """Real feeds must say what they are: description and 8 decimals, before any send.

    Raises:
        BazaarError: naming the feed that does not match.
    """
    abi = artifacts.load("AggregatorV3Interface").abi
    for key, description in settings.FEED_DESCRIPTIONS.items():
        address = sources.get(key)
        if not isinstance(address, str):
            continue
        feed = w3.eth.contract(address=to_checksum_address(address), abi=abi)
        try:
            said = feed.functions.description().call()
            decimals = feed.functions.decimals().call()
        except Exception:
            raise BazaarError(
                f"{key} feed {address} does not answer description()/decimals()"
            ) from None
        if said != description or decimals != settings.USD_FEED_DECIMALS:
            raise BazaarError(
                f"{key} feed {address} reports {said!r} with {decimals} decimals, expected "
                f"{description!r} with {settings.USD_FEED_DECIMALS}"
            )
