"""EscrowMarketplace governance: the constructor's addresses and defaults, the two-step hand-over
to the timelock, pause and unpause by the guardian and by governance, and every governed
setter at its bounds, beyond them and called by a stranger."""

import brownie
import pytest

from bazaar.settings import ONE_DAY as DAY
from tests.support.helpers import DEPEG_FLOOR, PEG_LIMITS, b32, buy, err, list_item, token_input

ZERO = brownie.ZERO_ADDRESS
TRACKING = b"\x22" * 32


# --- construction ------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["oracle", "treasury", "guardian"])
def test_the_marketplace_needs_an_oracle_a_treasury_and_a_guardian(
    EscrowMarketplace, deployer, oracle, treasury, guardian, missing
):
    args = {"oracle": oracle, "treasury": treasury, "guardian": guardian}
    args[missing] = ZERO
    with brownie.reverts(err("MarketplaceZeroAddress")):
        EscrowMarketplace.deploy(
            deployer,
            args["oracle"],
            args["treasury"],
            args["guardian"],
            ZERO,
            ZERO,
            ZERO,
            ZERO,
            {"from": deployer},
        )


def test_a_new_marketplace_starts_with_the_documented_fees_and_windows(
    market, oracle, goods, points, treasury, guardian
):
    config = market.config()
    assert (config["feeBps"], config["arbiterFeeBps"]) == (100, 200)
    assert config["fulfilmentWindow"] == 7 * DAY and config["confirmWindow"] == 14 * DAY
    assert config["rulingWindow"] == 7 * DAY and config["digitalWindow"] == 2 * DAY
    assert not config["paused"]
    assert market.oracle() == oracle and market.goods() == goods and market.rewards() == points
    assert market.treasury() == treasury and market.guardian() == guardian


# --- ownership ---------------------------------------------------------------------------


def test_governance_moves_to_the_timelock_in_two_steps(market, deployer, accounts, stranger):
    timelock = accounts[3]
    tx = market.transferOwnership(timelock, {"from": deployer})
    assert tx.events["OwnershipTransferStarted"]["newOwner"] == timelock
    assert market.owner() == deployer and market.pendingOwner() == timelock
    market.setFees(50, 50, {"from": deployer})  # the old owner governs until the hand-over
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.acceptOwnership({"from": stranger})
    tx = market.acceptOwnership({"from": timelock})
    assert tx.events["OwnershipTransferred"]["newOwner"] == timelock
    assert market.owner() == timelock and market.pendingOwner() == ZERO
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        market.setFees(0, 0, {"from": deployer})
    market.setFees(0, 0, {"from": timelock})
    assert market.config()["feeBps"] == 0


def test_only_the_owner_offers_or_renounces_governance(market, deployer, stranger):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.transferOwnership(stranger, {"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.renounceOwnership({"from": stranger})


def test_after_governance_renounces_only_the_guardian_can_pause(market, deployer, guardian):
    market.renounceOwnership({"from": deployer})
    assert market.owner() == ZERO
    with brownie.reverts(err("MarketplaceUnauthorized", deployer, b32(0))):
        market.setPaused(True, {"from": deployer})
    market.setPaused(True, {"from": guardian})
    assert market.config()["paused"]


# --- pause -------------------------------------------------------------------------------


def test_the_guardian_pauses_and_governance_unpauses_each_announced(
    market, listing, guardian, deployer, buyer, wbtc, arbiter
):
    tx = market.setPaused(True, {"from": guardian})
    assert tx.events["PausedSet"]["paused"]
    with brownie.reverts(err("MarketplacePaused")):
        buy(market, buyer, listing, wbtc, arbiter)
    tx = market.setPaused(False, {"from": deployer})
    assert not tx.events["PausedSet"]["paused"] and not market.config()["paused"]
    assert buy(market, buyer, listing, wbtc, arbiter).term("buyer") == buyer


def test_governance_pauses_and_the_guardian_unpauses(market, guardian, deployer, seller, wbtc):
    market.setPaused(True, {"from": deployer})
    with brownie.reverts(err("MarketplacePaused")):
        list_item(market, seller, 100, [wbtc])
    market.setPaused(False, {"from": guardian})
    assert list_item(market, seller, 100, [wbtc]) == market.config()["listingCount"]


def test_a_replaced_guardian_can_no_longer_pause(market, guardian, deployer, accounts):
    market.setGuardian(accounts[3], {"from": deployer})
    with brownie.reverts(err("MarketplaceUnauthorized", guardian, b32(0))):
        market.setPaused(True, {"from": guardian})


# --- fees and windows --------------------------------------------------------------------


def test_fee_changes_are_announced(market, deployer):
    tx = market.setFees(0, 500, {"from": deployer})
    assert tx.events["FeesSet"]["feeBps"] == 0 and tx.events["FeesSet"]["arbiterFeeBps"] == 500
    assert market.config()["arbiterFeeBps"] == 500


@pytest.mark.parametrize(
    "windows",
    [(DAY, DAY, DAY), (60 * DAY, 60 * DAY, 30 * DAY)],
    ids=["all_at_their_minimum", "all_at_their_maximum"],
)
def test_windows_at_their_bounds_are_accepted_and_announced(market, deployer, windows):
    tx = market.setWindows(*windows, {"from": deployer})
    event = tx.events["WindowsSet"]
    assert (event["fulfilmentWindow"], event["confirmWindow"], event["rulingWindow"]) == windows
    config = market.config()
    assert (config["fulfilmentWindow"], config["confirmWindow"], config["rulingWindow"]) == windows


@pytest.mark.parametrize(
    "windows, what, value, low, high",
    [
        ((60 * DAY + 1, DAY, DAY), "FulfilmentWindow", 60 * DAY + 1, DAY, 60 * DAY),
        ((DAY, DAY - 1, DAY), "ConfirmWindow", DAY - 1, DAY, 60 * DAY),
        ((DAY, DAY, DAY - 1), "RulingWindow", DAY - 1, DAY, 30 * DAY),
    ],
)
def test_windows_past_their_other_bound_are_refused(
    market, deployer, windows, what, value, low, high
):
    with brownie.reverts(err(f"Marketplace{what}OutOfRange", value, low, high)):
        market.setWindows(*windows, {"from": deployer})


def test_only_governance_sets_the_addresses_tokens_and_carriers(market, stranger, usdc):
    for call in (
        lambda: market.addPaymentToken(usdc, {"from": stranger}),
        lambda: market.setCarrier(stranger, True, {"from": stranger}),
        lambda: market.setArbiter(stranger, False, {"from": stranger}),
    ):
        with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
            call()


# --- payment tokens ----------------------------------------------------------------------


def test_a_payment_token_is_added_once_with_the_next_id(
    market, oracle, MockERC20, usdc_usd, deployer, wbtc
):
    token = MockERC20.deploy("Dai", "DAI", 18, {"from": deployer})
    config = token_input(None, PEG_LIMITS.leg(usdc_usd), DEPEG_FLOOR)
    oracle.configureToken(token, config, {"from": deployer})
    tx = market.addPaymentToken(token, {"from": deployer})
    assert tx.events["PaymentTokenAdded"]["tokenId"] == 3
    assert market.tokenId(token) == 3 and market.paymentToken(3) == token
    assert market.config()["tokenCount"] == 3
    for again in (token, wbtc):
        with brownie.reverts(err("MarketplaceTokenAlreadyAccepted", again)):
            market.addPaymentToken(again, {"from": deployer})
    assert market.config()["tokenCount"] == 3 and market.tokenId(token) == 3
    with brownie.reverts(err("MarketplaceZeroAddress")):
        market.addPaymentToken(ZERO, {"from": deployer})


def test_sixteen_payment_tokens_are_accepted_and_a_seventeenth_is_refused(
    market, oracle, MockERC20, usdc_usd, deployer, seller, buyer, arbiter
):
    config = token_input(None, PEG_LIMITS.leg(usdc_usd), DEPEG_FLOOR)
    tokens = [MockERC20.deploy(f"S{i}", f"S{i}", 6, {"from": deployer}) for i in range(15)]
    for token in tokens:
        oracle.configureToken(token, config, {"from": deployer})
    for token in tokens[:14]:  # 2 + 14 = 16
        market.addPaymentToken(token, {"from": deployer})
    assert market.config()["tokenCount"] == 16 and market.paymentToken(16) == tokens[13]
    with brownie.reverts(err("MarketplaceTooManyPaymentTokens", 16)):
        market.addPaymentToken(tokens[14], {"from": deployer})
    # the sixteenth is the mask's last bit, and pays orders like the first
    last = tokens[13]
    item = list_item(market, seller, 10 * 10**8, [last])
    assert market.getListing(item)["tokenMask"] == 1 << 15
    last.mint(buyer, 10 * 10**6, {"from": deployer})
    last.approve(market, 10 * 10**6, {"from": buyer})
    assert buy(market, buyer, item, last, arbiter).term("lockedAmount") == 10 * 10**6


# --- arbiters and carriers ---------------------------------------------------------------


def test_arbiters_are_added_and_removed_with_an_event_and_a_count(
    market, deployer, accounts, arbiter
):
    newcomer = accounts[3]
    tx = market.setArbiter(newcomer, True, {"from": deployer})
    assert tx.events["ArbiterSet"]["arbiter"] == newcomer and tx.events["ArbiterSet"]["active"]
    assert market.config()["activeArbiters"] == 3 and market.isActiveArbiter(newcomer)
    market.setArbiter(arbiter, False, {"from": deployer})
    assert market.config()["activeArbiters"] == 2 and not market.isActiveArbiter(arbiter)


def test_the_arbiter_list_holds_exactly_the_active_arbiters(market, deployer, accounts, arbiter):
    before = set(market.arbiters())
    assert arbiter in before and len(before) == market.config()["activeArbiters"]
    newcomer = accounts[3]
    market.setArbiter(newcomer, True, {"from": deployer})
    assert set(market.arbiters()) == before | {newcomer}
    market.setArbiter(arbiter, False, {"from": deployer})
    assert set(market.arbiters()) == (before | {newcomer}) - {arbiter}
    assert len(market.arbiters()) == market.config()["activeArbiters"]


def test_governance_cannot_add_more_than_the_most_active_arbiters(market, deployer):
    most = market.MAX_ACTIVE_ARBITERS()
    assert most == 64
    for n in range(most - market.config()["activeArbiters"]):
        market.setArbiter(f"0x{n + 1:040x}", True, {"from": deployer})
    assert len(market.arbiters()) == most
    with brownie.reverts(err("MarketplaceTooManyArbiters", most)):
        market.setArbiter(f"0x{most + 1:040x}", True, {"from": deployer})
    market.setArbiter(market.arbiters()[0], False, {"from": deployer})  # room again
    market.setArbiter(f"0x{most + 1:040x}", True, {"from": deployer})


def test_adding_an_active_arbiter_or_removing_an_inactive_one_is_refused(
    market, deployer, arbiter, stranger
):
    with brownie.reverts(err("MarketplaceArbiterUnchanged", arbiter, True)):
        market.setArbiter(arbiter, True, {"from": deployer})
    with brownie.reverts(err("MarketplaceArbiterUnchanged", stranger, False)):
        market.setArbiter(stranger, False, {"from": deployer})
    with brownie.reverts(err("MarketplaceZeroAddress")):
        market.setArbiter(ZERO, True, {"from": deployer})


def test_a_removed_carrier_can_no_longer_add_checkpoints(market, order, deployer, stranger):
    tx = market.setCarrier(stranger, True, {"from": deployer})
    assert tx.events["CarrierSet"]["registered"]
    market.addCheckpoint(order.terms, TRACKING, {"from": stranger})
    market.setCarrier(stranger, False, {"from": deployer})
    assert not market.isCarrier(stranger)
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, order.id)):
        market.addCheckpoint(order.terms, TRACKING, {"from": stranger})
    with brownie.reverts(err("MarketplaceZeroAddress")):
        market.setCarrier(ZERO, True, {"from": deployer})


def test_fees_withdrawn_with_nothing_accrued_are_refused(market, treasury, wbtc, stranger):
    with brownie.reverts(err("MarketplaceNothingToClaim", treasury, wbtc)):
        market.withdrawFees(wbtc, {"from": stranger})
