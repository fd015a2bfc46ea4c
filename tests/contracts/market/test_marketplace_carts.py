"""EscrowMarketplace carts: `checkoutCart` makes one order per line, each exactly the order a
single `checkout` would have made, with one pull of the total; a cart succeeds whole or
changes nothing. The orders of a cart then live apart; `shipBatch` and `confirmBatch` move
several orders of their caller at once, all or none."""

from dataclasses import replace

import brownie
import pytest

from bazaar.settings import ONE_DAY as DAY
from bazaar.settings import POINT
from bazaar.types import OrderTerms
from tests.support.helpers import (
    CANCELLED,
    COMPLETED,
    DISPUTED,
    FAR_FUTURE,
    PAID,
    REFUNDED,
    RESOLVED,
    SHIPPED,
    USD,
    Order,
    buy,
    buy_cart,
    err,
    list_digital,
    list_item,
    mint_item,
    next_block_at,
    transfers_from,
)

TRACKING = b"\x22" * 32
OTHER_TRACKING = b"\x23" * 32
EVIDENCE = b"\x44" * 32
# At $100,000 per BTC: $1,000 is 1,000,000 sats, $250 is 250,000, $40 is 40,000.
LISTING_SATS, GADGET_SATS, TRINKET_SATS = 1_000_000, 250_000, 40_000


@pytest.fixture(scope="module")
def seller_b(accounts):
    """A second seller."""
    return accounts[3]


@pytest.fixture(scope="module")
def gadget(market, seller, wbtc, usdc):
    """The seller's second listing: $250, 5 in stock, WBTC or USDC."""
    return list_item(market, seller, 250 * USD, [wbtc, usdc], stock=5)


@pytest.fixture(scope="module")
def trinket(market, seller_b, wbtc, usdc):
    """The second seller's listing: $40, 6 in stock, WBTC or USDC."""
    return list_item(market, seller_b, 40 * USD, [wbtc, usdc], stock=6)


@pytest.fixture(scope="module")
def discounted(market, seller, wbtc):
    """$1,000 in WBTC, up to 20 % payable in points."""
    return list_item(market, seller, 1_000 * USD, [wbtc], points_cap_bps=2_000)


@pytest.fixture(scope="module")
def discounted_b(market, seller_b, wbtc):
    """The second seller's $500 in WBTC, up to 20 % payable in points."""
    return list_item(market, seller_b, 500 * USD, [wbtc], points_cap_bps=2_000)


@pytest.fixture
def earned(market, points, order, buyer, seller):
    """The buyer holds 1,000 points from a completed $1,000 order."""
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})
    assert points.balanceOf(buyer) == 1_000 * POINT
    return 1_000 * POINT


def state_of(market, buyer, token, points, listings) -> dict:
    """What a refused cart must leave as it was."""
    book = market.tokenBook(token)
    return {
        "buyer": token.balanceOf(buyer),
        "market": token.balanceOf(market),
        "stock": [market.getListing(listing_id)["stock"] for listing_id in listings],
        "points": points.balanceOf(buyer),
        "market_points": points.balanceOf(market),
        "orders": book["orderCount"],
        "escrowed": book["escrowed"],
    }


def ship_all(market, orders, by):
    for placed in orders:
        market.ship(placed.terms, TRACKING, {"from": by})


# --- one order per line, as checkout makes it ---------------------------------------------


def test_a_cart_from_two_sellers_makes_one_order_per_line_exactly_as_checkout_would(
    market, listing, gadget, trinket, protected_listing, buyer, seller, seller_b, wbtc, arbiter
):
    lines = [(listing, 2), (gadget, 1), (trinket, 2), (protected_listing, 1)]
    singles = [buy(market, buyer, item, wbtc, arbiter, quantity=q) for item, q in lines]
    quotes = [market.quote(item, q, wbtc) for item, q in lines]
    assert quotes == [2 * LISTING_SATS, GADGET_SATS, 2 * TRINKET_SATS, 1_100_000]
    stock_before = [market.getListing(item)["stock"] for item, _ in lines]
    buyer_before, escrow_before = wbtc.balanceOf(buyer), market.escrowed(wbtc)

    tx, orders = buy_cart(market, buyer, lines, wbtc, arbiter)

    assert len(orders) == len(lines)
    assert [str(order_id) for order_id in tx.return_value] == [placed.id for placed in orders]
    for i, (placed, single) in enumerate(zip(orders, singles, strict=True)):
        terms, reference = OrderTerms.from_event(placed.terms), OrderTerms.from_event(single.terms)
        assert terms.nonce == singles[-1].term("nonce") + 1 + i  # each line its own order
        assert replace(terms, nonce=reference.nonce) == reference  # all else as checkout's
        assert market.orderIdOf(placed.terms) == placed.id
        state, single_state = market.getOrder(placed.id), market.getOrder(single.id)
        assert state["amount"] == single_state["amount"] == quotes[i]
        assert state["status"] == PAID and state["deadline"] == tx.timestamp + 7 * DAY
    assert [placed.term("seller") for placed in orders] == [seller, seller, seller_b, seller]
    assert [market.getListing(item)["stock"] for item, _ in lines] == [
        before - q for before, (_, q) in zip(stock_before, lines, strict=True)
    ]
    # One pull of the total from the buyer, all of it escrowed.
    pulls = transfers_from(tx, wbtc, buyer)
    assert len(pulls) == 1
    assert pulls[0]["to"] == market and pulls[0]["value"] == sum(quotes)
    assert wbtc.balanceOf(buyer) == buyer_before - sum(quotes)
    assert market.escrowed(wbtc) == escrow_before + sum(quotes)


def test_a_cart_in_a_stablecoin_pays_each_line_its_quote_in_that_token(
    market, listing, trinket, buyer, seller_b, usdc, arbiter
):
    before = usdc.balanceOf(buyer)
    tx, (first, second) = buy_cart(market, buyer, [(listing, 1), (trinket, 3)], usdc, arbiter)
    assert market.getOrder(first.id)["amount"] == 1_000 * 10**6
    assert market.getOrder(second.id)["amount"] == 120 * 10**6
    assert first.term("token") == second.term("token") == usdc
    assert second.term("seller") == seller_b
    assert [event["value"] for event in transfers_from(tx, usdc, buyer)] == [1_120 * 10**6]
    assert usdc.balanceOf(buyer) == before - 1_120 * 10**6


def test_points_redeemed_per_line_are_escrowed_per_order_and_settle_as_after_checkout(
    market, points, earned, discounted, discounted_b, buyer, seller, seller_b, wbtc, arbiter
):
    reference_tx = market.checkout(
        discounted, 1, wbtc, 2**255, FAR_FUTURE, arbiter, 100 * POINT, {"from": buyer}
    )
    reference = Order.from_tx(reference_tx)
    held_before = points.balanceOf(buyer)
    tx, (first, second) = buy_cart(
        market, buyer, [(discounted, 1, 100 * POINT), (discounted_b, 2, 300 * POINT)], wbtc, arbiter
    )
    assert first.term("usdAmount") == reference.term("usdAmount") == 999 * USD  # $1 off
    assert first.term("lockedAmount") == reference.term("lockedAmount") == 999_000
    assert second.term("usdAmount") == 997 * USD  # 2 x $500, $3 off
    assert market.getOrder(first.id)["pointsEscrowed"] == 100 * POINT
    assert market.getOrder(second.id)["pointsEscrowed"] == 300 * POINT
    assert points.balanceOf(buyer) == held_before - 400 * POINT
    assert points.balanceOf(market) == 500 * POINT  # the reference order's 100 too
    assert len(transfers_from(tx, wbtc, buyer)) == 1

    # Completed: the points burn, as for the order of a single checkout.
    supply = points.totalSupply()
    settled = []
    for placed, by in ((reference, seller), (first, seller)):
        market.ship(placed.terms, TRACKING, {"from": by})
        done = market.confirm(placed.terms, {"from": buyer})
        settled.append(
            (done.events["PointsSettled"]["returned"], done.events["PointsSettled"]["burned"])
        )
    assert settled == [(0, 100 * POINT), (0, 100 * POINT)]
    assert points.totalSupply() == supply - 200 * POINT + 2 * 999 * POINT  # burned, then earned
    # Refunded in full: the line's points come back, and only that line's.
    held = points.balanceOf(buyer)
    refunded = market.refund(second.terms, second.term("lockedAmount"), {"from": seller_b})
    assert refunded.events["PointsSettled"]["returned"] == 300 * POINT
    assert points.balanceOf(buyer) == held + 300 * POINT
    assert points.balanceOf(market) == 0


def test_a_digital_listing_in_a_cart_is_delivered_and_its_order_starts_shipped(
    market, goods, listing, seller_b, buyer, wbtc, arbiter
):
    item = mint_item(goods, seller_b, b"\x55" * 32)
    digital = list_digital(market, seller_b, item, 100 * USD, [wbtc])
    assert goods.ownerOf(item) == market
    tx, (physical, download) = buy_cart(market, buyer, [(listing, 1), (digital, 1)], wbtc, arbiter)
    assert goods.ownerOf(item) == buyer
    state = market.getOrder(download.id)
    assert state["status"] == SHIPPED and state["deadline"] == tx.timestamp + 2 * DAY
    assert download.term("confirmWindow") == 2 * DAY
    assert market.getOrder(physical.id)["status"] == PAID
    assert market.getListing(digital)["stock"] == 0
    before = wbtc.balanceOf(seller_b)
    market.confirm(download.terms, {"from": buyer})
    assert wbtc.balanceOf(seller_b) == before + 99_000  # $100 less the 1 % fee


# --- the buyer's bounds -------------------------------------------------------------------


def test_a_cart_above_its_max_total_is_refused_and_one_at_it_is_accepted(
    market, points, listing, trinket, buyer, wbtc, arbiter
):
    lines = [(listing, 1), (trinket, 2)]
    total = LISTING_SATS + 2 * TRINKET_SATS
    before = state_of(market, buyer, wbtc, points, [listing, trinket])
    with brownie.reverts(err("MarketplacePriceAboveMax", total, total - 1)):
        buy_cart(market, buyer, lines, wbtc, arbiter, max_total=total - 1)
    assert state_of(market, buyer, wbtc, points, [listing, trinket]) == before
    _, orders = buy_cart(market, buyer, lines, wbtc, arbiter, max_total=total)
    assert len(orders) == 2 and wbtc.balanceOf(buyer) == before["buyer"] - total


def test_a_cart_after_its_deadline_is_refused_and_one_in_its_last_second_is_accepted(
    market, points, listing, buyer, wbtc, arbiter, chain
):
    before = state_of(market, buyer, wbtc, points, [listing])
    now = chain[-1].timestamp
    next_block_at(now + 10)
    with brownie.reverts(err("MarketplaceCheckoutExpired", now + 9, now + 10)):
        buy_cart(market, buyer, [(listing, 1)], wbtc, arbiter, deadline=now + 9)
    assert state_of(market, buyer, wbtc, points, [listing]) == before
    next_block_at(now + 20)
    tx, orders = buy_cart(market, buyer, [(listing, 1)], wbtc, arbiter, deadline=now + 20)
    assert tx.timestamp == now + 20 and market.getOrder(orders[0].id)["status"] == PAID


def test_an_empty_cart_and_a_cart_of_21_lines_are_refused(
    market, points, listing, buyer, wbtc, arbiter
):
    before = state_of(market, buyer, wbtc, points, [listing])
    with brownie.reverts(err("MarketplaceCartSizeOutOfRange", 0, 1, 20)):
        buy_cart(market, buyer, [], wbtc, arbiter)
    with brownie.reverts(err("MarketplaceCartSizeOutOfRange", 21, 1, 20)):
        buy_cart(market, buyer, [(listing, 1)] * 21, wbtc, arbiter)
    assert state_of(market, buyer, wbtc, points, [listing]) == before


def test_a_cart_of_20_lines_makes_20_orders_with_one_pull(market, seller, buyer, usdc, arbiter):
    assert market.MAX_CART_LINES() == 20
    item = list_item(market, seller, 5 * USD, [usdc], stock=25)
    before = usdc.balanceOf(buyer)
    tx, orders = buy_cart(market, buyer, [(item, 1)] * 20, usdc, arbiter)
    assert len({placed.id for placed in orders}) == 20
    assert all(market.getOrder(placed.id)["amount"] == 5 * 10**6 for placed in orders)
    assert len(transfers_from(tx, usdc, buyer)) == 1
    assert usdc.balanceOf(buyer) == before - 100 * 10**6
    assert market.getListing(item)["stock"] == 5


def test_a_cart_while_paused_is_refused_and_accepted_once_resumed(
    market, points, listing, trinket, buyer, wbtc, arbiter, guardian
):
    market.setPaused(True, {"from": guardian})
    before = state_of(market, buyer, wbtc, points, [listing, trinket])
    with brownie.reverts(err("MarketplacePaused")):
        buy_cart(market, buyer, [(listing, 1), (trinket, 1)], wbtc, arbiter)
    assert state_of(market, buyer, wbtc, points, [listing, trinket]) == before
    market.setPaused(False, {"from": guardian})
    _, orders = buy_cart(market, buyer, [(listing, 1), (trinket, 1)], wbtc, arbiter)
    assert [market.getOrder(placed.id)["status"] for placed in orders] == [PAID, PAID]


# --- attacks: a cart whose second line fails changes nothing ------------------------------


def _spoil_second_line(case, market, trinket, buyer, seller_b, wbtc, usdc, guardian):
    """Prepares `case`; returns the second line and the error that refuses the cart."""
    if case == "out_of_stock":
        return (trinket, 7), err("MarketplaceOutOfStock", trinket, 7, 6)
    if case == "wrong_token":
        usdc_only = list_item(market, seller_b, 40 * USD, [usdc])
        return (usdc_only, 1), err("MarketplaceTokenNotAccepted", wbtc)
    if case == "own_listing":
        own = list_item(market, buyer, 40 * USD, [wbtc])
        return (own, 1), err("MarketplaceSelfDealing", buyer)
    if case == "delisted":
        market.delist(trinket, {"from": seller_b})
        return (trinket, 1), err("MarketplaceListingInactive", trinket)
    assert case == "paused"
    market.setPaused(True, {"from": guardian})
    return (trinket, 1), err("MarketplacePaused")


@pytest.mark.parametrize(
    "case", ["out_of_stock", "wrong_token", "own_listing", "delisted", "paused"]
)
def test_a_cart_whose_second_line_fails_changes_nothing(
    case,
    market,
    points,
    earned,
    discounted,
    trinket,
    gadget,
    buyer,
    seller_b,
    wbtc,
    usdc,
    arbiter,
    guardian,
):
    second, error = _spoil_second_line(case, market, trinket, buyer, seller_b, wbtc, usdc, guardian)
    listings = [discounted, second[0], gadget]
    lines = [(discounted, 1, 100 * POINT), second, (gadget, 1)]
    before = state_of(market, buyer, wbtc, points, listings)
    assert before["points"] == earned
    with brownie.reverts(error):
        buy_cart(market, buyer, lines, wbtc, arbiter)
    assert state_of(market, buyer, wbtc, points, listings) == before
    # The first line alone still goes through: nothing of the refused cart was kept.
    if case == "paused":
        market.setPaused(False, {"from": guardian})
    _, (alone,) = buy_cart(market, buyer, [lines[0]], wbtc, arbiter)
    assert alone.term("nonce") == before["orders"] + 1
    assert market.getOrder(alone.id)["pointsEscrowed"] == 100 * POINT


# --- the orders of a cart live apart ------------------------------------------------------


def test_each_order_of_a_cart_ships_confirms_refunds_and_disputes_on_its_own(
    market, listing, gadget, trinket, buyer, seller, seller_b, wbtc, arbiter
):
    _, (shipped, cancelled, refunded, disputed) = buy_cart(
        market, buyer, [(listing, 1), (gadget, 1), (trinket, 2), (trinket, 1)], wbtc, arbiter
    )

    def statuses():
        return [market.getOrder(o.id)["status"] for o in (shipped, cancelled, refunded, disputed)]

    seller_before, seller_b_before = wbtc.balanceOf(seller), wbtc.balanceOf(seller_b)
    buyer_before = wbtc.balanceOf(buyer)

    market.ship(shipped.terms, TRACKING, {"from": seller})
    assert statuses() == [SHIPPED, PAID, PAID, PAID]
    market.confirm(shipped.terms, {"from": buyer})
    assert statuses() == [COMPLETED, PAID, PAID, PAID]
    assert wbtc.balanceOf(seller) == seller_before + LISTING_SATS * 99 // 100

    market.cancel(cancelled.terms, {"from": seller})
    assert market.getListing(gadget)["stock"] == 5
    market.refund(refunded.terms, 2 * TRINKET_SATS, {"from": seller_b})
    assert market.getListing(trinket)["stock"] == 5  # 6 - 2 - 1 + 2
    assert statuses() == [COMPLETED, CANCELLED, REFUNDED, PAID]
    assert wbtc.balanceOf(buyer) == buyer_before + GADGET_SATS + 2 * TRINKET_SATS

    market.openDispute(disputed.terms, EVIDENCE, {"from": buyer})
    assert statuses() == [COMPLETED, CANCELLED, REFUNDED, DISPUTED]
    market.resolveDispute(disputed.terms, 5_000, {"from": arbiter})
    assert statuses() == [COMPLETED, CANCELLED, REFUNDED, RESOLVED]
    arbiter_fee = TRINKET_SATS * 2 // 100
    seller_part = (TRINKET_SATS - arbiter_fee) // 2
    assert wbtc.balanceOf(seller_b) == seller_b_before + seller_part - seller_part // 100
    assert market.escrowed(wbtc) == 0


# --- shipBatch ----------------------------------------------------------------------------


def test_a_seller_ships_several_orders_of_a_cart_in_one_batch(
    market, listing, gadget, trinket, buyer, seller, wbtc, arbiter
):
    _, (first, second, other) = buy_cart(
        market, buyer, [(listing, 1), (gadget, 1), (trinket, 1)], wbtc, arbiter
    )
    shipped = market.shipBatch(
        [first.terms, second.terms], [TRACKING, OTHER_TRACKING], {"from": seller}
    )
    events = shipped.events["OrderShipped"]
    assert [str(event["orderId"]) for event in events] == [first.id, second.id]
    assert [event["trackingCommitment"] for event in events] == [
        "0x" + TRACKING.hex(),
        "0x" + OTHER_TRACKING.hex(),
    ]
    for placed in (first, second):
        state = market.getOrder(placed.id)
        assert state["status"] == SHIPPED and state["deadline"] == shipped.timestamp + 14 * DAY
    assert market.getOrder(other.id)["status"] == PAID  # the other seller's


def test_a_ship_batch_with_an_order_of_another_seller_reverts_whole(
    market, listing, gadget, trinket, buyer, seller, wbtc, arbiter
):
    _, (first, second, other) = buy_cart(
        market, buyer, [(listing, 1), (gadget, 1), (trinket, 1)], wbtc, arbiter
    )
    with brownie.reverts(err("MarketplaceUnauthorized", seller, other.id)):
        market.shipBatch([first.terms, second.terms, other.terms], [TRACKING] * 3, {"from": seller})
    assert [market.getOrder(o.id)["status"] for o in (first, second, other)] == [PAID] * 3
    market.ship(first.terms, TRACKING, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", first.id, SHIPPED)):
        market.shipBatch([second.terms, first.terms], [TRACKING] * 2, {"from": seller})
    assert market.getOrder(second.id)["status"] == PAID


def test_a_ship_batch_whose_arrays_differ_in_length_is_refused(
    market, listing, gadget, buyer, seller, wbtc, arbiter
):
    _, (first, second) = buy_cart(market, buyer, [(listing, 1), (gadget, 1)], wbtc, arbiter)
    with brownie.reverts(err("MarketplaceBatchLengthMismatch", 2, 1)):
        market.shipBatch([first.terms, second.terms], [TRACKING], {"from": seller})
    with brownie.reverts(err("MarketplaceBatchLengthMismatch", 1, 2)):
        market.shipBatch([first.terms], [TRACKING, TRACKING], {"from": seller})
    assert [market.getOrder(o.id)["status"] for o in (first, second)] == [PAID, PAID]


# --- confirmBatch -------------------------------------------------------------------------


def test_a_buyer_confirms_several_orders_in_one_batch_and_each_seller_is_paid(
    market, listing, gadget, trinket, buyer, seller, seller_b, wbtc, arbiter
):
    _, (first, second, other) = buy_cart(
        market, buyer, [(listing, 1), (gadget, 1), (trinket, 2)], wbtc, arbiter
    )
    ship_all(market, [first, second], seller)
    ship_all(market, [other], seller_b)
    seller_before, seller_b_before = wbtc.balanceOf(seller), wbtc.balanceOf(seller_b)
    fees_before = market.feesAccrued(wbtc)
    tx = market.confirmBatch([first.terms, second.terms, other.terms], {"from": buyer})
    completed = tx.events["OrderCompleted"]
    assert [str(event["orderId"]) for event in completed] == [first.id, second.id, other.id]
    assert all(event["confirmed"] for event in completed)
    assert [market.getOrder(o.id)["status"] for o in (first, second, other)] == [COMPLETED] * 3
    seller_gross = LISTING_SATS + GADGET_SATS
    assert wbtc.balanceOf(seller) == seller_before + seller_gross - seller_gross // 100
    assert wbtc.balanceOf(seller_b) == seller_b_before + 2 * TRINKET_SATS * 99 // 100
    assert market.feesAccrued(wbtc) == fees_before + seller_gross // 100 + 2 * TRINKET_SATS // 100
    assert market.escrowed(wbtc) == 0


def test_a_confirm_batch_with_an_unshipped_or_foreign_order_reverts_whole(
    market, listing, gadget, buyer, seller, stranger, wbtc, arbiter
):
    _, (first, second) = buy_cart(market, buyer, [(listing, 1), (gadget, 1)], wbtc, arbiter)
    market.ship(first.terms, TRACKING, {"from": seller})
    seller_before = wbtc.balanceOf(seller)
    with brownie.reverts(err("MarketplaceWrongStatus", second.id, PAID)):
        market.confirmBatch([first.terms, second.terms], {"from": buyer})
    market.ship(second.terms, TRACKING, {"from": seller})
    with brownie.reverts(err("MarketplaceUnauthorized", stranger, first.id)):
        market.confirmBatch([first.terms, second.terms], {"from": stranger})
    assert [market.getOrder(o.id)["status"] for o in (first, second)] == [SHIPPED, SHIPPED]
    assert wbtc.balanceOf(seller) == seller_before
    assert market.escrowed(wbtc) == LISTING_SATS + GADGET_SATS
