"""MockWBTC: the 8-decimal stand-in for WBTC on local chains."""

import brownie

from bazaar.settings import SATS as ONE_BTC_SATS


def test_mock_wbtc_has_wbtc_metadata(wbtc):
    assert wbtc.decimals() == 8
    assert wbtc.symbol() == "WBTC"
    assert wbtc.totalSupply() == 0


def test_anyone_can_mint_and_balances_move_to_the_satoshi(wbtc, accounts):
    alice, bob = accounts[1], accounts[2]
    wbtc.mint(alice, ONE_BTC_SATS + 1, {"from": bob})
    wbtc.transfer(bob, 12_345, {"from": alice})
    assert wbtc.balanceOf(alice) == ONE_BTC_SATS + 1 - 12_345
    assert wbtc.balanceOf(bob) == 12_345
    assert wbtc.totalSupply() == ONE_BTC_SATS + 1


def test_transfer_above_balance_reverts_with_the_erc20_custom_error(wbtc, accounts):
    alice, bob = accounts[1], accounts[2]
    wbtc.mint(alice, 100, {"from": alice})
    with brownie.reverts(f"ERC20InsufficientBalance: {alice.address.lower()}, 100, 101"):
        wbtc.transfer(bob, 101, {"from": alice})
    assert wbtc.balanceOf(alice) == 100
