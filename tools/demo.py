"""The demo (``make demo``), played on the local anvil that brownie launches.

It grows with the contracts: today it deploys what exists and moves wrapped bitcoin.
"""

from __future__ import annotations

from decimal import Decimal

from brownie import MockWBTC, accounts

SATS_PER_BTC = 10**8


def btc(sats: int) -> str:
    return f"{Decimal(sats) / SATS_PER_BTC:.8f} BTC"


def main() -> None:
    deployer, buyer, seller = accounts[0], accounts[1], accounts[2]
    print("\n== BTC Bazaar demo ==")
    wbtc = MockWBTC.deploy({"from": deployer})
    print(f"MockWBTC deployed at {wbtc.address}")
    wbtc.mint(buyer, SATS_PER_BTC, {"from": deployer})
    wbtc.transfer(seller, 2_500_000, {"from": buyer})
    print(f"\n{'account':<10}{'address':<44}{'balance':>18}")
    for name, account in (("buyer", buyer), ("seller", seller)):
        print(f"{name:<10}{account.address:<44}{btc(wbtc.balanceOf(account)):>18}")
    print("\nDone: the marketplace contracts join this story as they land.")
