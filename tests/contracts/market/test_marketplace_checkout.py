"""EscrowMarketplace listings and checkout: the price lock, the buyer's bounds, and every
refusal (self-dealing, arbiters, tokens, stock, pause, a failing oracle)."""

import brownie
import pytest

from tests.support.helpers import (
    DEPEG_FLOOR,
    DIGITAL,
    FAR_FUTURE,
    PAID,
    PEG_LIMITS,
    SATS,
    USD,
    Order,
    add_stablecoin,
    b32,
    buy,
    err,
    list_item,
    next_block_at,
    token_input,
)

TRACKING = b"\x22" * 32


# --- listings ----------------------------------------------------------------------------


def test_listing_records_its_terms_and_emits_them(market, seller, wbtc, usdc):
    tx = market.list(1_000 * USD, 5, [wbtc, usdc], 1_000, 2_000, 0, b"\x33" * 32, {"from": seller})
    event = tx.events["Listed"]
    listing = market.getListing(event["listingId"])
    assert listing["seller"] == seller and listing["priceUsd"] == 1_000 * USD
    assert listing["stock"] == 5 and listing["tokenMask"] == 0b11 and listing["bufferBps"] == 1_000
    assert listing["pointsDiscountCapBps"] == 2_000
    assert listing["active"] and event["metadataHash"] == "0x" + "33" * 32


def test_listing_refuses_a_token_governance_did_not_accept(market, seller, MockERC20, deployer):
    other = MockERC20.deploy("X", "X", 18, {"from": deployer})
    with brownie.reverts(err("MarketplaceTokenNotAccepted", other)):
        list_item(market, seller, USD, [other])


@pytest.mark.parametrize(
    "price, stock, buffer, what, value, low, high",
    [
        (0, 1, 0, "Price", 0, 1, 2**64 - 1),
        (2**64, 1, 0, "Price", 2**64, 1, 2**64 - 1),
        (USD, 0, 0, "Stock", 0, 1, 2**32 - 1),
        (USD, 2**32, 0, "Stock", 2**32, 1, 2**32 - 1),
        (USD, 1, 5_001, "Buffer", 5_001, 0, 5_000),
    ],
    ids=[
        "zero_price",
        "price_past_64_bits",
        "zero_stock",
        "stock_past_32_bits",
        "buffer_above_50pct",
    ],
)
def test_listing_refuses_values_out_of_range(
    market, seller, wbtc, price, stock, buffer, what, value, low, high
):
    with brownie.reverts(err(f"Marketplace{what}OutOfRange", value, low, high)):
        list_item(market, seller, price, [wbtc], buffer_bps=buffer, stock=stock)


def test_a_listing_at_the_largest_price_and_stock_is_accepted(market, seller, wbtc):
    listing_id = list_item(market, seller, 2**64 - 1, [wbtc], stock=2**32 - 1)
    listing = market.getListing(listing_id)
    assert listing["priceUsd"] == 2**64 - 1 and listing["stock"] == 2**32 - 1
    assert listing["seller"] == seller and listing["active"]


def test_a_listing_at_the_largest_buffer_and_points_share_is_accepted(market, seller, wbtc):
    listing_id = list_item(market, seller, USD, [wbtc], buffer_bps=5_000, points_cap_bps=2_000)
    listing = market.getListing(listing_id)
    assert (listing["bufferBps"], listing["pointsDiscountCapBps"]) == (5_000, 2_000)


def test_points_discount_cap_above_20pct_is_refused(market, seller, wbtc):
    with brownie.reverts(err("MarketplacePointsCapOutOfRange", 2_001, 0, 2_000)):
        list_item(market, seller, USD, [wbtc], points_cap_bps=2_001)


def test_digital_items_are_listed_with_list_digital_not_list(market, seller, wbtc):
    with brownie.reverts(err("MarketplaceKindNotSupported", DIGITAL)):
        market.list(USD, 1, [wbtc], 0, 0, DIGITAL, b"\x00" * 32, {"from": seller})


def test_seller_updates_and_delists_and_nobody_else_can(
    market, listing, seller, stranger, buyer, wbtc, arbiter
):
    market.updateListing(listing, 2_000 * USD, 1, {"from": seller})
    assert market.quote(listing, 1, wbtc) == 2_000_000
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, b32(listing))):
        market.updateListing(listing, USD, 1, {"from": stranger})
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, b32(listing))):
        market.delist(listing, {"from": stranger})
    market.delist(listing, {"from": seller})
    with brownie.reverts(err("MarketplaceListingInactive", listing)):
        buy(market, buyer, listing, wbtc, arbiter)


@pytest.mark.parametrize(
    "price, stock, what, value, low, high",
    [
        (0, 1, "Price", 0, 1, 2**64 - 1),
        (2**64, 1, "Price", 2**64, 1, 2**64 - 1),
        (USD, 2**32, "Stock", 2**32, 0, 2**32 - 1),
    ],
    ids=["zero_price", "price_past_64_bits", "stock_past_32_bits"],
)
def test_an_update_out_of_range_is_refused_and_changes_nothing(
    market, listing, seller, price, stock, what, value, low, high
):
    with brownie.reverts(err(f"Marketplace{what}OutOfRange", value, low, high)):
        market.updateListing(listing, price, stock, {"from": seller})
    kept = market.getListing(listing)
    assert kept["priceUsd"] == 1_000 * USD and kept["stock"] == 10 and kept["active"]


def test_an_update_to_the_largest_price_and_stock_or_to_no_stock_is_accepted_and_announced(
    market, listing, seller, buyer, wbtc, arbiter
):
    tx = market.updateListing(listing, 2**64 - 1, 2**32 - 1, {"from": seller})
    event = tx.events["ListingUpdated"]
    assert event["listingId"] == listing
    assert event["priceUsd"] == 2**64 - 1 and event["stock"] == 2**32 - 1
    updated = market.getListing(listing)
    assert updated["priceUsd"] == 2**64 - 1 and updated["stock"] == 2**32 - 1
    market.updateListing(listing, USD, 0, {"from": seller})
    assert market.getListing(listing)["stock"] == 0 and market.getListing(listing)["active"]
    with brownie.reverts(err("MarketplaceOutOfStock", listing, 1, 0)):
        buy(market, buyer, listing, wbtc, arbiter)


# --- checkout ----------------------------------------------------------------------------


def test_checkout_locks_the_rate_and_emits_the_feed_data(
    market, listing, buyer, wbtc, arbiter, btc_usd
):
    tx = market.checkout(listing, 2, wbtc, 2_000_000, FAR_FUTURE, arbiter, 0, {"from": buyer})
    event = tx.events["OrderPaid"]
    assert event["terms"]["quantity"] == 2 and event["terms"]["lockedAmount"] == 2_000_000
    assert event["usdLegAnswer"] == 100_000 * USD and event["pegLegAnswer"] == SATS
    assert event["usdLegUpdatedAt"] == btc_usd.latestRoundData()[3]
    order = Order.from_tx(tx)
    assert order.term("arbiter") == arbiter and order.term("buyer") == buyer
    assert order.term("lockedAmount") == 2_000_000 and order.term("usdAmount") == 2_000 * USD
    assert order.term("feeBps") == 100 and order.term("confirmWindow") == 14 * 86_400
    assert market.orderIdOf(order.terms) == order.id == tx.return_value
    state = market.getOrder(order.id)
    assert state["status"] == PAID and state["deadline"] == tx.timestamp + 7 * 86_400
    btc_usd.setAnswer(50_000 * USD)
    assert market.getOrder(order.id)["amount"] == 2_000_000  # never changes


def test_checkout_above_max_payment_is_refused(market, listing, buyer, wbtc, arbiter):
    with brownie.reverts(err("MarketplacePriceAboveMax", 1_000_000, 999_999)):
        buy(market, buyer, listing, wbtc, arbiter, max_payment=999_999)


def test_checkout_after_its_deadline_is_refused(market, listing, buyer, wbtc, arbiter, chain):
    now = chain[-1].timestamp
    next_block_at(now + 10)
    with brownie.reverts(err("MarketplaceCheckoutExpired", now + 9, now + 10)):
        market.checkout(listing, 1, wbtc, 2**255, now + 9, arbiter, 0, {"from": buyer})


def test_checkout_in_the_second_of_its_deadline_is_accepted(
    market, listing, buyer, wbtc, arbiter, chain
):
    deadline = chain[-1].timestamp + 10
    next_block_at(deadline)
    tx = market.checkout(listing, 1, wbtc, 2**255, deadline, arbiter, 0, {"from": buyer})
    assert tx.timestamp == deadline
    assert market.getOrder(Order.from_tx(tx).id)["status"] == PAID


def test_checkout_beyond_stock_or_of_zero_units_is_refused(market, listing, buyer, wbtc, arbiter):
    with brownie.reverts(err("MarketplaceOutOfStock", listing, 11, 10)):
        buy(market, buyer, listing, wbtc, arbiter, quantity=11)
    with brownie.reverts(err("MarketplaceOutOfStock", listing, 0, 10)):
        buy(market, buyer, listing, wbtc, arbiter, quantity=0)


def test_buyer_equal_to_seller_is_refused(market, listing, seller, wbtc, arbiter):
    wbtc.mint(seller, SATS, {"from": seller})
    wbtc.approve(market, SATS, {"from": seller})
    with brownie.reverts(err("MarketplaceSelfDealing", seller)):
        buy(market, seller, listing, wbtc, arbiter)


def test_arbiter_equal_to_buyer_or_seller_or_not_allow_listed_is_refused(
    market, listing, buyer, seller, stranger, wbtc, deployer
):
    for account in (buyer, seller, stranger):
        with brownie.reverts(err("MarketplaceArbiterInvalid", account)):
            buy(market, buyer, listing, wbtc, account)
    # even an allow-listed arbiter cannot judge its own purchase or sale
    market.setArbiter(seller, True, {"from": deployer})
    with brownie.reverts(err("MarketplaceArbiterInvalid", seller)):
        buy(market, buyer, listing, wbtc, seller)


def test_token_not_accepted_by_the_listing_is_refused(market, seller, buyer, wbtc, usdc, arbiter):
    usdc_only = list_item(market, seller, USD, [usdc])
    with brownie.reverts(err("MarketplaceTokenNotAccepted", wbtc)):
        buy(market, buyer, usdc_only, wbtc, arbiter)


def test_fee_on_transfer_token_is_refused(
    market, oracle, FeeOnTransferToken, usdc_usd, deployer, seller, buyer, arbiter
):
    fot = add_stablecoin(FeeOnTransferToken, market, oracle, usdc_usd, deployer, buyer)
    item = list_item(market, seller, 100 * USD, [fot])
    with brownie.reverts(err("MarketplaceTransferMismatch", 100 * 10**6, 99 * 10**6)):
        buy(market, buyer, item, fot, arbiter)
    assert fot.balanceOf(market) == 0


# --- pause and oracle failure block new business only ------------------------------------


def test_pause_blocks_new_listings_and_checkouts_and_nothing_else(
    market, listing, order, buyer, seller, wbtc, arbiter, guardian, stranger
):
    second = buy(market, buyer, listing, wbtc, arbiter)
    third = buy(market, buyer, listing, wbtc, arbiter)
    market.setPaused(True, {"from": guardian})
    with brownie.reverts(err("MarketplacePaused")):
        buy(market, buyer, listing, wbtc, arbiter)
    with brownie.reverts(err("MarketplacePaused")):
        list_item(market, seller, USD, [wbtc])
    # every exit still works
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    market.cancel(second.terms, {"from": seller})
    market.openDispute(third.terms, TRACKING, {"from": buyer})
    market.resolveDispute(third.terms, 5_000, {"from": arbiter})
    market.withdrawFees(wbtc, {"from": stranger})
    market.setPaused(False, {"from": guardian})
    buy(market, buyer, listing, wbtc, arbiter)


def test_only_the_guardian_or_governance_pauses(market, stranger, deployer):
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, b32(0))):
        market.setPaused(True, {"from": stranger})
    market.setPaused(True, {"from": deployer})
    assert market.config()["paused"]


def test_oracle_failure_blocks_new_checkouts_and_nothing_else(
    market, listing, order, buyer, seller, wbtc, arbiter, btc_usd
):
    second = buy(market, buyer, listing, wbtc, arbiter)
    btc_usd.setMode(1)  # the BTC/USD feed reverts
    with brownie.reverts(err("OracleFeedCallFailed", btc_usd)):
        buy(market, buyer, listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    from tests.support.helpers import next_block_at

    next_block_at(market.getOrder(second.id)["deadline"] + 1)
    market.reclaim(second.terms, {"from": buyer})
    assert wbtc.balanceOf(market) == market.feesAccrued(wbtc)


# --- more refusals -----------------------------------------------------------------------


def test_a_listing_without_payment_tokens_is_refused(market, seller):
    with brownie.reverts(err("MarketplaceNoPaymentTokens")):
        list_item(market, seller, USD, [])


def test_an_active_arbiter_cannot_judge_its_own_purchase(market, listing, buyer, wbtc, deployer):
    market.setArbiter(buyer, True, {"from": deployer})
    with brownie.reverts(err("MarketplaceArbiterInvalid", buyer)):
        buy(market, buyer, listing, wbtc, buyer)


def test_a_token_governance_never_accepted_can_neither_pay_nor_be_quoted(
    market, listing, buyer, arbiter, MockERC20, deployer
):
    other = MockERC20.deploy("X", "X", 6, {"from": deployer})
    with brownie.reverts(err("MarketplaceTokenNotAccepted", other)):
        buy(market, buyer, listing, other, arbiter)
    with brownie.reverts(err("MarketplaceTokenNotAccepted", other)):
        market.quote(listing, 1, other)


def test_a_delisted_listing_is_neither_quoted_nor_updated_nor_delisted_again(
    market, listing, seller, wbtc
):
    market.delist(listing, {"from": seller})
    assert not market.getListing(listing)["active"]
    for call in (
        lambda: market.quote(listing, 1, wbtc),
        lambda: market.updateListing(listing, USD, 1, {"from": seller}),
        lambda: market.delist(listing, {"from": seller}),
    ):
        with brownie.reverts(err("MarketplaceListingInactive", listing)):
            call()


def test_a_listing_that_does_not_exist_can_neither_be_quoted_nor_bought(
    market, buyer, wbtc, arbiter
):
    with brownie.reverts(err("MarketplaceListingInactive", 999)):
        market.quote(999, 1, wbtc)
    with brownie.reverts(err("MarketplaceListingInactive", 999)):
        buy(market, buyer, 999, wbtc, arbiter)


def test_an_order_too_large_for_the_escrows_96_bit_amount_is_refused(
    market, oracle, MockERC20, usdc_usd, deployer, seller, buyer, arbiter
):
    dai = MockERC20.deploy("Dai", "DAI", 18, {"from": deployer})
    config = token_input(None, PEG_LIMITS.leg(usdc_usd), DEPEG_FLOOR)
    oracle.configureToken(dai, config, {"from": deployer})
    market.addPaymentToken(dai, {"from": deployer})
    item = list_item(market, seller, 10**11 * USD, [dai])  # $100 billion: 1e29 units
    assert market.quote(item, 1, dai) == 10**29 > 2**96
    with brownie.reverts(err("SafeCastOverflowedUintDowncast", 96, 10**29)):
        buy(market, buyer, item, dai, arbiter)
