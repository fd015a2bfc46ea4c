"""EscrowMarketplace order lifecycle: Paid -> Shipped -> Completed, the timeouts that let
either side exit alone, cancellation, refunds and the forbidden transitions.

One file, over 400 lines: the one state machine of an order, each transition beside the
ones it excludes.
"""

import brownie
import pytest

from bazaar.settings import ONE_DAY as DAY
from tests.support.helpers import (
    CANCELLED,
    COMPLETED,
    PAID,
    REFUNDED,
    SATS,
    SHIPPED,
    TERM_FIELDS,
    USD,
    buy,
    err,
    mine_at,
    next_block_at,
)

TRACKING = b"\x22" * 32
PRICE_SATS = 1_000_000  # $1,000 at $100,000 per BTC
FEE_SATS = 10_000  # 1 %


def test_full_happy_path_moves_every_satoshi_where_it_belongs(
    market, listing, buyer, seller, wbtc, arbiter, treasury
):
    buyer_before = wbtc.balanceOf(buyer)
    order_id = buy(market, buyer, listing, wbtc, arbiter)
    assert wbtc.balanceOf(buyer) == buyer_before - PRICE_SATS
    assert wbtc.balanceOf(market) == PRICE_SATS
    order = market.getOrder(order_id.id)
    assert order["status"] == PAID and order["amount"] == PRICE_SATS
    assert order_id.term("usdAmount") == 1_000 * USD and order_id.term("feeBps") == 100
    assert market.getListing(listing)["stock"] == 9

    tx = market.ship(order_id.terms, TRACKING, {"from": seller})
    assert tx.events["OrderShipped"]["trackingCommitment"] == "0x" + TRACKING.hex()
    tx = market.confirm(order_id.terms, {"from": buyer})
    assert tx.events["OrderCompleted"]["toSeller"] == PRICE_SATS - FEE_SATS
    assert tx.events["OrderCompleted"]["confirmed"] is True
    assert wbtc.balanceOf(seller) == PRICE_SATS - FEE_SATS
    assert market.feesAccrued(wbtc) == FEE_SATS
    assert wbtc.balanceOf(market) == FEE_SATS
    market.withdrawFees(wbtc, {"from": buyer})
    assert wbtc.balanceOf(treasury) == FEE_SATS
    assert wbtc.balanceOf(market) == 0
    assert market.getOrder(order_id.id)["status"] == COMPLETED
    assert wbtc.balanceOf(buyer) == buyer_before - PRICE_SATS


def test_stablecoin_checkout_and_release_pays_to_the_unit(
    market, listing, buyer, seller, usdc, arbiter, chain
):
    order_id = buy(market, buyer, listing, usdc, arbiter, quantity=3)
    assert usdc.balanceOf(market) == 3_000 * 10**6
    market.ship(order_id.terms, TRACKING, {"from": seller})
    deadline = market.getOrder(order_id.id)["deadline"]
    next_block_at(deadline + 1)
    market.release(order_id.terms, {"from": buyer})
    assert usdc.balanceOf(seller) == 2_970 * 10**6  # less the 1 % fee
    assert market.feesAccrued(usdc) == 30 * 10**6


# --- timeouts at their boundaries --------------------------------------------------------


def test_seller_can_ship_exactly_at_the_fulfilment_deadline(market, order, seller):
    next_block_at(market.getOrder(order.id)["deadline"])
    market.ship(order.terms, TRACKING, {"from": seller})
    assert market.getOrder(order.id)["status"] == SHIPPED


def test_seller_cannot_ship_one_second_past_the_fulfilment_deadline(market, order, seller):
    deadline = market.getOrder(order.id)["deadline"]
    next_block_at(deadline + 1)
    with brownie.reverts(err("MarketplaceDeadlinePassed", order.id, deadline, deadline + 1)):
        market.ship(order.terms, TRACKING, {"from": seller})


def test_buyer_reclaims_one_second_past_the_fulfilment_deadline_and_not_at_it(
    market, order, buyer, wbtc, stranger
):
    deadline = market.getOrder(order.id)["deadline"]
    before = wbtc.balanceOf(buyer)
    next_block_at(deadline)
    with brownie.reverts(err("MarketplaceDeadlineNotReached", order.id, deadline, deadline)):
        market.reclaim(order.terms, {"from": buyer})
    next_block_at(deadline + 1)
    market.reclaim(order.terms, {"from": stranger})  # anyone may trigger; the buyer is paid
    assert wbtc.balanceOf(buyer) == before + PRICE_SATS
    assert market.getOrder(order.id)["status"] == REFUNDED


def test_anyone_releases_one_second_past_the_confirmation_window_and_not_at_it(
    market, order, seller, stranger, wbtc
):
    market.ship(order.terms, TRACKING, {"from": seller})
    deadline = market.getOrder(order.id)["deadline"]
    next_block_at(deadline)
    with brownie.reverts(err("MarketplaceDeadlineNotReached", order.id, deadline, deadline)):
        market.release(order.terms, {"from": stranger})
    next_block_at(deadline + 1)
    tx = market.release(order.terms, {"from": stranger})
    assert wbtc.balanceOf(seller) == PRICE_SATS - FEE_SATS
    assert tx.events["OrderCompleted"]["confirmed"] is False  # released, not confirmed


def test_confirmation_window_is_the_one_fixed_at_checkout(market, order, seller, deployer, chain):
    market.setWindows(3 * DAY, 30 * DAY, 5 * DAY, {"from": deployer})
    tx = market.ship(order.terms, TRACKING, {"from": seller})
    assert market.getOrder(order.id)["deadline"] == tx.timestamp + 14 * DAY


def test_buyer_can_still_confirm_after_the_window_if_nobody_released(market, order, seller, buyer):
    market.ship(order.terms, TRACKING, {"from": seller})
    next_block_at(market.getOrder(order.id)["deadline"] + 100)
    market.confirm(order.terms, {"from": buyer})
    assert market.getOrder(order.id)["status"] == COMPLETED


# --- forbidden transitions ---------------------------------------------------------------


def test_only_the_buyer_confirms_and_only_a_shipped_order(market, order, buyer, seller, stranger):
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, PAID)):
        market.confirm(order.terms, {"from": buyer})
    market.ship(order.terms, TRACKING, {"from": seller})
    for account in (seller, stranger):
        with brownie.reverts(err("MarketplaceUnauthorized", account, order.id)):
            market.confirm(order.terms, {"from": account})


def test_only_the_seller_ships_and_only_once(market, order, buyer, seller):
    with brownie.reverts(err("MarketplaceUnauthorized", buyer, order.id)):
        market.ship(order.terms, TRACKING, {"from": buyer})
    market.ship(order.terms, TRACKING, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, SHIPPED)):
        market.ship(order.terms, TRACKING, {"from": seller})


def test_release_of_an_unshipped_order_and_reclaim_of_a_shipped_one_are_refused(
    market, order, seller, stranger
):
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, PAID)):
        market.release(order.terms, {"from": stranger})
    market.ship(order.terms, TRACKING, {"from": seller})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, SHIPPED)):
        market.reclaim(order.terms, {"from": stranger})


def test_a_completed_order_cannot_be_released_refunded_disputed_or_cancelled(
    market, order, seller, buyer
):
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, COMPLETED)):
        market.confirm(order.terms, {"from": buyer})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, COMPLETED)):
        market.refund(order.terms, 1, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, COMPLETED)):
        market.openDispute(order.terms, TRACKING, {"from": buyer})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, COMPLETED)):
        market.cancel(order.terms, {"from": seller})


def test_terms_that_are_not_an_orders_find_no_order(market, order, buyer, stranger):
    forged = list(order.terms)
    forged[TERM_FIELDS.index("feeBps")] = 0  # the seller would pay no fee
    forged_id = str(market.orderIdOf(forged))
    with brownie.reverts(err("MarketplaceOrderUnknown", forged_id)):
        market.reclaim(forged, {"from": stranger})
    forged = list(order.terms)
    forged[TERM_FIELDS.index("buyer")] = stranger.address  # a thief claiming to be the buyer
    with brownie.reverts(err("MarketplaceOrderUnknown", str(market.orderIdOf(forged)))):
        market.cancel(forged, {"from": stranger})


# --- cancel and refund -------------------------------------------------------------------


def test_mutual_cancel_before_shipping_refunds_the_buyer_in_full(
    market, order, buyer, seller, wbtc
):
    before = wbtc.balanceOf(buyer)
    tx = market.cancel(order.terms, {"from": buyer})
    assert "CancelRequested" in tx.events and market.getOrder(order.id)["status"] == PAID
    assert market.getOrder(order.id)["flags"] & 1  # cancel requested
    market.cancel(order.terms, {"from": seller})
    assert wbtc.balanceOf(buyer) == before + PRICE_SATS
    assert market.getOrder(order.id)["status"] == CANCELLED


def test_cancel_after_shipping_is_refused(market, order, seller, buyer):
    market.ship(order.terms, TRACKING, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, SHIPPED)):
        market.cancel(order.terms, {"from": buyer})


def test_a_stranger_cannot_cancel(market, order, stranger):
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, order.id)):
        market.cancel(order.terms, {"from": stranger})


def test_seller_partial_refund_keeps_the_order_open_with_the_rest(
    market, order, seller, buyer, wbtc
):
    before = wbtc.balanceOf(buyer)
    tx = market.refund(order.terms, 250_000, {"from": seller})
    assert tx.events["OrderRefunded"]["remaining"] == 750_000
    assert wbtc.balanceOf(buyer) == before + 250_000
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    assert wbtc.balanceOf(seller) == 750_000 - 7_500


def test_seller_full_refund_ends_the_order(market, order, seller, buyer, wbtc):
    market.refund(order.terms, PRICE_SATS, {"from": seller})
    assert market.getOrder(order.id)["status"] == REFUNDED
    assert wbtc.balanceOf(market) == 0


def test_refund_above_the_escrow_or_by_the_buyer_is_refused(market, order, seller, buyer):
    with brownie.reverts(err("MarketplaceRefundOutOfRange", order.id, PRICE_SATS + 1, PRICE_SATS)):
        market.refund(order.terms, PRICE_SATS + 1, {"from": seller})
    with brownie.reverts(err("MarketplaceRefundOutOfRange", order.id, 0, PRICE_SATS)):
        market.refund(order.terms, 0, {"from": seller})
    with brownie.reverts(err("MarketplaceUnauthorized", buyer, order.id)):
        market.refund(order.terms, 1, {"from": buyer})


# --- logistics trail ---------------------------------------------------------------------


def test_seller_and_registered_carriers_append_checkpoints_and_strangers_cannot(
    market, order, seller, stranger, deployer
):
    tx = market.addCheckpoint(order.terms, b"\x01" * 32, {"from": seller})
    assert tx.events["Checkpoint"]["by"] == seller
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, order.id)):
        market.addCheckpoint(order.terms, b"\x02" * 32, {"from": stranger})
    market.setCarrier(stranger, True, {"from": deployer})
    market.addCheckpoint(order.terms, b"\x02" * 32, {"from": stranger})


def test_checkpoints_are_added_to_shipped_orders_and_refused_once_the_order_ends(
    market, order, seller, buyer
):
    market.ship(order.terms, TRACKING, {"from": seller})
    tx = market.addCheckpoint(order.terms, b"\x03" * 32, {"from": seller})
    assert tx.events["Checkpoint"]["checkpointHash"] == "0x" + "03" * 32
    market.confirm(order.terms, {"from": buyer})
    with brownie.reverts(err("MarketplaceWrongStatus", order.id, COMPLETED)):
        market.addCheckpoint(order.terms, b"\x04" * 32, {"from": seller})


# --- USD-protected settlement ------------------------------------------------------------


@pytest.mark.parametrize(
    "btc_after, to_seller, to_buyer",
    [(80_000, 1_100_000, 0), (120_000, 833_334, 266_666)],
    ids=["btc_down_20pct", "btc_up_20pct"],
)
def test_usd_protected_order_pays_the_locked_usd_at_the_release_price(
    market, protected_listing, buyer, seller, wbtc, arbiter, btc_usd, btc_after, to_seller, to_buyer
):
    order_id = buy(market, buyer, protected_listing, wbtc, arbiter)
    assert market.getOrder(order_id.id)["amount"] == 1_100_000  # +10 % buffer
    market.ship(order_id.terms, TRACKING, {"from": seller})
    btc_usd.setAnswer(btc_after * USD)
    before = wbtc.balanceOf(buyer)
    tx = market.confirm(order_id.terms, {"from": buyer})
    fee = to_seller // 100
    assert tx.events["OrderCompleted"]["toSeller"] == to_seller - fee
    assert wbtc.balanceOf(seller) == to_seller - fee
    assert wbtc.balanceOf(buyer) == before + to_buyer
    assert wbtc.balanceOf(market) == fee


def test_while_the_settlement_price_cannot_be_read_a_protected_order_cannot_be_settled(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    """Finding H3: any read failure used to settle at the locked amount at once, a free
    option for whichever side that favoured. Now nobody can pick that moment."""
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    btc_usd.setMode(2)  # burns all gas: no price
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, 0)):
        market.confirm(order.terms, {"from": buyer})
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, 0)):
        market.release(order.terms, {"from": stranger})
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, since)):
        market.release(order.terms, {"from": stranger})
    assert market.getOrder(order.id)["status"] == SHIPPED


def test_after_a_recorded_outage_of_three_days_and_the_deadline_it_settles_at_the_locked_amount(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    deadline = market.getOrder(order.id)["deadline"]
    btc_usd.setMode(2)
    next_block_at(deadline - 3 * 86_400)
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    for day in (1, 2, 3):  # seen again daily: the record stays live
        next_block_at(since + day * 86_400 - 60)
        tx = oracle.recordOutage(wbtc, 1, {"from": stranger})
        assert tx.events["OutageConfirmed"]["since"] == since
    outage_over = since + market.SETTLEMENT_OUTAGE_SECONDS()
    before = wbtc.balanceOf(buyer)  # read first: under --coverage a call is a transaction
    next_block_at(outage_over - 1)
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, since)):
        market.confirm(order.terms, {"from": buyer})  # one second short, and before the deadline
    next_block_at(deadline + 1)
    market.release(order.terms, {"from": stranger})
    assert wbtc.balanceOf(seller) == PRICE_SATS - FEE_SATS
    assert wbtc.balanceOf(buyer) == before + 100_000


def test_an_outage_record_not_seen_again_for_a_day_vouches_for_nothing(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    btc_usd.setMode(2)
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    gap = oracle.OUTAGE_CONFIRMATION_SECONDS()
    mine_at(since + gap)
    assert oracle.outageSince(wbtc, 1) == since  # seen a day ago: still live
    mine_at(since + gap + 1)
    assert oracle.outageSince(wbtc, 1) == 0
    restarted = oracle.recordOutage(wbtc, 1, {"from": stranger})
    assert restarted.events["OutageRecorded"]["since"] == restarted.timestamp != since


def test_an_outage_cleared_when_the_price_returns_settles_at_the_price_again(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    btc_usd.setMode(2)
    oracle.recordOutage(wbtc, 1, {"from": stranger})
    btc_usd.setMode(0)
    btc_usd.setAnswer(125_000 * 10**8)  # BTC +25 %: the seller is owed fewer satoshis
    assert oracle.recordOutage(wbtc, 1, {"from": stranger}).return_value == 0
    assert oracle.outageSince(wbtc, 1) == 0
    market.confirm(order.terms, {"from": buyer})
    assert wbtc.balanceOf(seller) == 800_000 - 8_000


def test_partial_refund_of_a_protected_order_shrinks_the_usd_owed_in_proportion(
    market, protected_listing, buyer, seller, wbtc, arbiter
):
    order_id = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.refund(order_id.terms, 550_000, {"from": seller})  # half the deposit
    assert market.getOrder(order_id.id)["amount"] == 550_000
    market.ship(order_id.terms, TRACKING, {"from": seller})
    market.confirm(order_id.terms, {"from": buyer})
    assert wbtc.balanceOf(seller) == 500_000 - 5_000


def test_max_payment_bounds_the_protected_deposit_not_the_price(
    market, protected_listing, buyer, wbtc, arbiter
):
    with brownie.reverts(err("MarketplacePriceAboveMax", 1_100_000, 1_099_999)):
        buy(market, buyer, protected_listing, wbtc, arbiter, max_payment=1_099_999)
    assert market.quote(protected_listing, 1, wbtc) == 1_100_000
    assert market.quote(protected_listing, 2, wbtc) == 2_200_000


def test_one_btc_orders_fit_the_escrow_to_the_satoshi(market, seller, buyer, wbtc, arbiter):
    from tests.support.helpers import list_item

    big = list_item(market, seller, 100_000 * USD, [wbtc])
    order_id = buy(market, buyer, big, wbtc, arbiter)
    assert market.getOrder(order_id.id)["amount"] == SATS


# --- stock comes back when an order is undone ---------------------------------------------


def test_cancel_reclaim_and_a_full_refund_put_the_units_back_in_stock(
    market, listing, buyer, seller, wbtc, arbiter, stranger
):
    """Finding H6: stock was never restored by cancel, reclaim or a full refund."""
    stock = market.getListing(listing)["stock"]
    cancelled = buy(market, buyer, listing, wbtc, arbiter, quantity=2)
    reclaimed = buy(market, buyer, listing, wbtc, arbiter)
    refunded = buy(market, buyer, listing, wbtc, arbiter)
    assert market.getListing(listing)["stock"] == stock - 4
    tx = market.cancel(cancelled.terms, {"from": seller})
    assert tx.events["Restocked"]["quantity"] == 2
    market.refund(refunded.terms, refunded.term("lockedAmount"), {"from": seller})
    next_block_at(market.getOrder(reclaimed.id)["deadline"] + 1)
    market.reclaim(reclaimed.terms, {"from": stranger})
    assert market.getListing(listing)["stock"] == stock


def test_units_given_back_to_a_listing_restocked_to_the_largest_stock_stay_at_it(
    market, listing, order, seller
):
    """The seller raised the stock to its largest after the sale: the cancelled unit cannot
    wrap the 32-bit stock to a small number."""
    market.updateListing(listing, 1_000 * USD, 2**32 - 1, {"from": seller})
    tx = market.cancel(order.terms, {"from": seller})
    assert tx.events["Restocked"]["stock"] == 2**32 - 1
    assert market.getListing(listing)["stock"] == 2**32 - 1


def test_a_partial_refund_or_a_completed_order_keeps_the_units_sold(
    market, listing, order, buyer, seller
):
    stock = market.getListing(listing)["stock"]
    market.refund(order.terms, 1, {"from": seller})
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    assert market.getListing(listing)["stock"] == stock


def test_an_unknown_listing_is_refused_by_its_own_error(market):
    """Finding H6: getListing of an unknown id returned zeros."""
    count = market.config()["listingCount"]
    with brownie.reverts(err("MarketplaceListingUnknown", count + 1)):
        market.getListing(count + 1)


# --- oracle changes cannot reach orders in flight -----------------------------------------


def test_a_new_feed_configured_by_governance_does_not_reprice_a_protected_order_in_flight(
    market, oracle, protected_listing, buyer, seller, wbtc, arbiter, deployer, MockAggregator
):
    """Finding H2: a proposal pointing WBTC's USD leg at a feed it controls settled every open
    protected order at its price. Orders settle against the version they were priced with."""
    from tests.support.helpers import (
        BTC_USD_BOUNDS,
        DEPEG_FLOOR,
        ONE_DAY,
        ONE_HOUR,
        PEG_BOUNDS,
        token_input,
    )

    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    assert order.term("oracleVersion") == 1
    config = oracle.tokenConfig(wbtc)
    rogue = MockAggregator.deploy(8, 104_000 * USD, "rogue BTC / USD", {"from": deployer})
    oracle.configureToken(
        wbtc,
        token_input(
            (rogue, ONE_HOUR, *BTC_USD_BOUNDS),
            (config["pegFeed"], ONE_DAY, *PEG_BOUNDS),
            DEPEG_FLOOR,
        ),
        {"from": deployer},
    )
    assert oracle.latestVersion(wbtc) == 2
    rogue.setAnswer(200_000 * USD)  # the new feed now says BTC doubled
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    assert wbtc.balanceOf(seller) == PRICE_SATS - FEE_SATS  # priced by version 1's feed


def test_a_ruling_after_a_long_enough_outage_settles_at_the_locked_amount_before_the_deadline(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    """A ruling is not bound by the order's deadline: once the outage has lasted long enough,
    the arbiter rules on the locked amount, and the buffer goes back to the buyer."""
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.openDispute(order.terms, TRACKING, {"from": buyer})
    btc_usd.setMode(2)
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    for day in (1, 2, 3):
        next_block_at(since + day * 86_400 - 60)
        oracle.recordOutage(wbtc, 1, {"from": stranger})
    over = since + market.SETTLEMENT_OUTAGE_SECONDS()
    assert over < market.getOrder(order.id)["deadline"]
    next_block_at(over - 1)
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, since)):
        market.resolveDispute(order.terms, 0, {"from": arbiter})
    before = wbtc.balanceOf(buyer)
    next_block_at(over + 1)
    tx = market.resolveDispute(order.terms, 0, {"from": arbiter})  # all to the seller
    arbiter_fee = PRICE_SATS * 2 // 100
    assert wbtc.balanceOf(arbiter) == arbiter_fee
    seller_gross = PRICE_SATS - arbiter_fee
    assert wbtc.balanceOf(seller) == seller_gross - seller_gross // 100
    assert wbtc.balanceOf(buyer) == before + 100_000  # the buffer
    assert tx.events["DisputeResolved"]["toBuyer"] == 100_000


def test_a_long_enough_outage_does_not_settle_before_the_orders_deadline(
    market, oracle, protected_listing, buyer, seller, stranger, wbtc, arbiter, btc_usd
):
    """Mutation survivor EscrowMarketplace.sol `_protectedOwed(..., true)` -> `false`: confirm
    and release settle at the locked amount only past the order's deadline, however long the
    outage."""
    order = buy(market, buyer, protected_listing, wbtc, arbiter)
    market.ship(order.terms, TRACKING, {"from": seller})
    btc_usd.setMode(2)
    since = oracle.recordOutage(wbtc, 1, {"from": stranger}).timestamp
    for day in (1, 2, 3):
        next_block_at(since + day * 86_400 - 60)
        oracle.recordOutage(wbtc, 1, {"from": stranger})
    over = since + market.SETTLEMENT_OUTAGE_SECONDS()
    assert over < market.getOrder(order.id)["deadline"]
    next_block_at(over + 1)
    with brownie.reverts(err("MarketplaceSettlementPriceUnavailable", order.id, since)):
        market.confirm(order.terms, {"from": buyer})
