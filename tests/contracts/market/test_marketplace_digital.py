"""Digital goods sold through the escrow: the item is delivered at checkout while the payment
stays escrowed for the digital dispute window; a full refund or a ruling for the buyer takes
the item back first; reentrancy through the ERC-721 receiver hook; contract buyers."""

import brownie
import pytest
from brownie import web3

from tests.support.helpers import (
    COMPLETED,
    DIGITAL,
    DISPUTED,
    FAR_FUTURE,
    REFUNDED,
    RESOLVED,
    SATS,
    SHIPPED,
    USD,
    buy,
    err,
    list_digital,
    mint_item,
    next_block_at,
)

CONTENT = b"\x22" * 32
PRICE_SATS = 100_000  # $100 at $100,000 per BTC
FEE_SATS = 1_000  # 1 % platform fee
ARBITER_FEE_SATS = 2_000  # 2 % of the escrow
DIGITAL_WINDOW = 2 * 86_400
EVIDENCE = b"\x44" * 32


def selector(signature: str) -> str:
    return web3.keccak(text=signature)[:4].hex().removeprefix("0x")


@pytest.fixture(scope="module")
def item(goods, seller):
    return mint_item(goods, seller, CONTENT)


@pytest.fixture(scope="module")
def digital_listing(market, goods, seller, item, wbtc, usdc):
    """Item `item` listed at $100 in WBTC or USDC."""
    return list_digital(market, seller, item, 100 * USD, [wbtc, usdc])


@pytest.fixture
def digital_order(market, digital_listing, buyer, wbtc, arbiter):
    return buy(market, buyer, digital_listing, wbtc, arbiter)


@pytest.fixture
def agent(GoodsAgent, deployer):
    return GoodsAgent.deploy({"from": deployer})


@pytest.fixture
def receiver(ReentrantGoodsReceiver, deployer):
    return ReentrantGoodsReceiver.deploy({"from": deployer})


def fund_contract_buyer(contract, market, wbtc, deployer):
    wbtc.mint(contract, SATS, {"from": deployer})
    contract.execute(wbtc, wbtc.approve.encode_input(market, 2**256 - 1), {"from": deployer})


def checkout_input(market, listing_id, wbtc, arbiter):
    return market.checkout.encode_input(listing_id, 1, wbtc, 2**256 - 1, FAR_FUTURE, arbiter, 0)


# --- listing -----------------------------------------------------------------------------


def test_listing_moves_the_item_into_escrow_with_its_content_hash(
    market, goods, seller, item, wbtc
):
    tx = market.listDigital(item, 100 * USD, [wbtc], 0, 0, {"from": seller})
    listing_id = tx.events["Listed"]["listingId"]
    assert tx.events["GoodsEscrowed"]["goodsTokenId"] == item
    assert goods.ownerOf(item) == market
    listing = market.getListing(listing_id)
    assert listing["kind"] == DIGITAL and listing["stock"] == 1
    assert listing["goodsTokenId"] == item
    assert listing["metadataHash"] == "0x" + CONTENT.hex()


def test_listing_an_item_the_caller_does_not_hold_is_refused(
    market, goods, item, seller, stranger, wbtc
):
    with brownie.reverts(err("ERC721IncorrectOwner", stranger, item, seller)):
        market.listDigital(item, 100 * USD, [wbtc], 0, 0, {"from": stranger})
    assert goods.ownerOf(item) == seller


def test_list_refuses_the_digital_kind_and_list_digital_refuses_id_zero(market, seller, wbtc):
    with brownie.reverts(err("MarketplaceKindNotSupported", DIGITAL)):
        market.list(USD, 1, [wbtc], 0, 0, DIGITAL, CONTENT, {"from": seller})
    with brownie.reverts(err("MarketplaceGoodsTokenIdOutOfRange", 0, 1, 2**64 - 1)):
        market.listDigital(0, USD, [wbtc], 0, 0, {"from": seller})


def test_list_digital_refuses_a_token_id_or_a_price_past_64_bits_and_keeps_no_item(
    market, goods, seller, wbtc
):
    item = mint_item(goods, seller, CONTENT)
    listings = market.config()["listingCount"]
    with brownie.reverts(err("MarketplaceGoodsTokenIdOutOfRange", 2**64, 1, 2**64 - 1)):
        market.listDigital(2**64, USD, [wbtc], 0, 0, {"from": seller})
    with brownie.reverts(err("MarketplacePriceOutOfRange", 2**64, 1, 2**64 - 1)):
        market.listDigital(item, 2**64, [wbtc], 0, 0, {"from": seller})
    assert goods.ownerOf(item) == seller and market.config()["listingCount"] == listings


def test_a_marketplace_without_a_goods_contract_refuses_digital_listings(
    plain_market, seller, wbtc
):
    plain = plain_market
    with brownie.reverts(err("MarketplaceKindNotSupported", DIGITAL)):
        plain.listDigital(1, USD, [wbtc], 0, 0, {"from": seller})


def test_delisting_an_unsold_item_returns_it_to_the_seller(
    market, goods, digital_listing, item, seller
):
    tx = market.delist(digital_listing, {"from": seller})
    assert tx.events["GoodsReturned"]["goodsTokenId"] == item
    assert goods.ownerOf(item) == seller
    assert market.getListing(digital_listing)["stock"] == 0


def test_delisting_a_sold_item_moves_nothing(
    market, goods, digital_order, digital_listing, item, seller, buyer
):
    tx = market.delist(digital_listing, {"from": seller})
    assert "GoodsReturned" not in tx.events and "Delisted" in tx.events
    assert goods.ownerOf(item) == buyer
    assert not market.getListing(digital_listing)["active"]


def test_a_digital_listings_stock_cannot_change(market, digital_listing, seller):
    with brownie.reverts(err("MarketplaceStockOutOfRange", 2, 1, 1)):
        market.updateListing(digital_listing, 50 * USD, 2, {"from": seller})
    with brownie.reverts(err("MarketplaceStockOutOfRange", 0, 1, 1)):
        market.updateListing(digital_listing, 50 * USD, 0, {"from": seller})
    market.updateListing(digital_listing, 50 * USD, 1, {"from": seller})
    assert market.getListing(digital_listing)["priceUsd"] == 50 * USD


# --- checkout and release ----------------------------------------------------------------


def test_happy_path_checkout_delivers_the_item_and_confirm_pays_the_seller(
    market, goods, digital_listing, item, buyer, seller, wbtc, arbiter
):
    tx = market.checkout(
        digital_listing, 1, wbtc, PRICE_SATS, FAR_FUTURE, arbiter, 0, {"from": buyer}
    )
    order_id = tx.events["OrderPaid"]["orderId"]
    terms = tx.events["OrderPaid"]["terms"]
    assert goods.ownerOf(item) == buyer
    state = market.getOrder(order_id)
    assert state["status"] == SHIPPED and state["amount"] == PRICE_SATS
    assert state["deadline"] == tx.timestamp + DIGITAL_WINDOW
    assert terms["confirmWindow"] == DIGITAL_WINDOW
    assert market.getListing(digital_listing)["stock"] == 0
    assert wbtc.balanceOf(market) == PRICE_SATS

    before = wbtc.balanceOf(seller)
    market.confirm(terms, {"from": buyer})
    assert market.getOrder(order_id)["status"] == COMPLETED
    assert wbtc.balanceOf(seller) - before == PRICE_SATS - FEE_SATS
    assert goods.ownerOf(item) == buyer


def test_a_sold_item_cannot_be_bought_twice(
    market, digital_order, digital_listing, buyer, wbtc, arbiter
):
    with brownie.reverts(err("MarketplaceOutOfStock", digital_listing, 1, 0)):
        buy(market, buyer, digital_listing, wbtc, arbiter)


def test_a_digital_order_is_released_to_the_seller_after_the_dispute_window(
    market, digital_order, seller, stranger, wbtc
):
    deadline = market.getOrder(digital_order.id)["deadline"]
    next_block_at(deadline)
    with brownie.reverts(
        err("MarketplaceDeadlineNotReached", digital_order.id, deadline, deadline)
    ):
        market.release(digital_order.terms, {"from": stranger})
    before = wbtc.balanceOf(seller)  # before pinning the next block's time (see next_block_at)
    next_block_at(deadline + 1)
    market.release(digital_order.terms, {"from": stranger})
    assert wbtc.balanceOf(seller) - before == PRICE_SATS - FEE_SATS


def test_a_digital_order_is_never_shipped_or_reclaimed(market, digital_order, buyer, seller):
    with brownie.reverts(err("MarketplaceWrongStatus", digital_order.id, SHIPPED)):
        market.ship(digital_order.terms, EVIDENCE, {"from": seller})
    with brownie.reverts(err("MarketplaceWrongStatus", digital_order.id, SHIPPED)):
        market.reclaim(digital_order.terms, {"from": buyer})


def test_the_digital_window_is_governed_within_one_hour_and_seven_days(market, deployer, stranger):
    for bad in (3_599, 7 * 86_400 + 1):
        with brownie.reverts(err("MarketplaceDigitalWindowOutOfRange", bad, 3_600, 7 * 86_400)):
            market.setDigitalWindow(bad, {"from": deployer})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setDigitalWindow(86_400, {"from": stranger})
    tx = market.setDigitalWindow(3_600, {"from": deployer})
    assert tx.events["DigitalWindowSet"]["digitalWindow"] == 3_600
    assert market.config()["digitalWindow"] == 3_600


# --- refunds and rulings take the item back ----------------------------------------------


def test_refund_returns_the_item_to_the_seller_and_the_money_to_the_buyer(
    market, goods, digital_order, item, buyer, seller, wbtc
):
    before = wbtc.balanceOf(buyer)
    tx = market.refund(digital_order.terms, PRICE_SATS, {"from": seller})
    assert tx.events["GoodsReturned"]["goodsTokenId"] == item
    assert goods.ownerOf(item) == seller
    assert wbtc.balanceOf(buyer) - before == PRICE_SATS
    assert market.getOrder(digital_order.id)["status"] == REFUNDED


def test_a_partial_refund_leaves_the_item_with_the_buyer(
    market, goods, digital_order, item, buyer, seller
):
    tx = market.refund(digital_order.terms, PRICE_SATS // 4, {"from": seller})
    assert "GoodsReturned" not in tx.events
    assert goods.ownerOf(item) == buyer
    assert market.getOrder(digital_order.id)["status"] == SHIPPED


def test_a_buyer_who_sold_the_item_on_cannot_be_refunded_until_it_comes_back(
    market, goods, digital_order, item, buyer, seller, stranger, wbtc
):
    goods.transferFrom(buyer, stranger, item, {"from": buyer})
    with brownie.reverts(err("MarketplaceGoodsNotReturned", digital_order.id, item, stranger)):
        market.refund(digital_order.terms, PRICE_SATS, {"from": seller})
    assert market.getOrder(digital_order.id)["amount"] == PRICE_SATS  # nothing moved
    goods.transferFrom(stranger, buyer, item, {"from": stranger})
    market.refund(digital_order.terms, PRICE_SATS, {"from": seller})
    assert goods.ownerOf(item) == seller


def test_an_item_the_buyer_already_gave_back_to_the_seller_is_not_moved_again(
    market, goods, digital_order, item, buyer, seller
):
    goods.transferFrom(buyer, seller, item, {"from": buyer})
    tx = market.refund(digital_order.terms, PRICE_SATS, {"from": seller})
    assert "GoodsReturned" not in tx.events
    assert goods.ownerOf(item) == seller


def test_a_ruling_for_the_buyer_takes_the_item_back_first(
    market, goods, digital_order, item, buyer, seller, arbiter, wbtc
):
    market.openDispute(digital_order.terms, EVIDENCE, {"from": buyer})
    before = wbtc.balanceOf(buyer)
    tx = market.resolveDispute(digital_order.terms, 10_000, {"from": arbiter})
    assert tx.events["GoodsReturned"]["goodsTokenId"] == item
    assert goods.ownerOf(item) == seller
    assert wbtc.balanceOf(buyer) - before == PRICE_SATS - ARBITER_FEE_SATS
    assert market.getOrder(digital_order.id)["status"] == RESOLVED


def test_a_ruling_for_a_buyer_who_sold_the_item_on_is_refused(
    market, goods, digital_order, item, buyer, arbiter, stranger
):
    market.openDispute(digital_order.terms, EVIDENCE, {"from": buyer})
    goods.transferFrom(buyer, stranger, item, {"from": buyer})
    with brownie.reverts(err("MarketplaceGoodsNotReturned", digital_order.id, item, stranger)):
        market.resolveDispute(digital_order.terms, 10_000, {"from": arbiter})
    assert market.getOrder(digital_order.id)["status"] == DISPUTED


def test_a_split_ruling_and_the_default_ruling_leave_the_item_with_the_buyer(
    market, goods, digital_order, item, buyer, arbiter, stranger
):
    market.openDispute(digital_order.terms, EVIDENCE, {"from": buyer})
    goods.transferFrom(buyer, stranger, item, {"from": buyer})  # never needed back
    market.resolveDispute(digital_order.terms, 5_000, {"from": arbiter})
    assert goods.ownerOf(item) == stranger


def test_the_default_ruling_after_the_deadline_never_needs_the_item(
    market, goods, digital_order, item, buyer, stranger
):
    market.openDispute(digital_order.terms, EVIDENCE, {"from": buyer})
    goods.transferFrom(buyer, stranger, item, {"from": buyer})
    next_block_at(market.getOrder(digital_order.id)["deadline"] + 1)
    market.resolveAfterTimeout(digital_order.terms, {"from": stranger})
    assert market.getOrder(digital_order.id)["status"] == RESOLVED
    assert goods.ownerOf(item) == stranger


# --- contract buyers and reentrancy ------------------------------------------------------


def test_a_contract_buyer_without_the_receiver_hook_is_refused(
    market, goods, digital_listing, item, agent, wbtc, deployer, arbiter
):
    """Decision: refused. An item sent to a contract that cannot handle it is lost, and the
    buyer could never return it for a refund."""
    fund_contract_buyer(agent, market, wbtc, deployer)
    with brownie.reverts(err("ERC721InvalidReceiver", agent)):
        agent.execute(
            market, checkout_input(market, digital_listing, wbtc, arbiter), {"from": deployer}
        )
    assert goods.ownerOf(item) == market
    assert market.getListing(digital_listing)["stock"] == 1
    assert wbtc.balanceOf(agent) == SATS


def test_a_contract_buyer_with_the_receiver_hook_gets_the_item(
    market, goods, digital_listing, item, receiver, wbtc, deployer, arbiter
):
    fund_contract_buyer(receiver, market, wbtc, deployer)
    receiver.execute(
        market, checkout_input(market, digital_listing, wbtc, arbiter), {"from": deployer}
    )
    assert goods.ownerOf(item) == receiver
    assert receiver.hookCalls() == 1


def test_reentrancy_through_on_erc721_received_during_checkout_is_refused(
    market, goods, seller, digital_listing, item, receiver, wbtc, deployer, arbiter
):
    second = list_digital(market, seller, mint_item(goods, seller, b"\x33" * 32), 100 * USD, [wbtc])
    fund_contract_buyer(receiver, market, wbtc, deployer)
    receiver.arm(market, checkout_input(market, second, wbtc, arbiter), {"from": deployer})
    tx = receiver.execute(
        market, checkout_input(market, digital_listing, wbtc, arbiter), {"from": deployer}
    )
    assert not receiver.reentrySucceeded()
    assert receiver.reentryError().hex().removeprefix("0x") == selector(
        "ReentrancyGuardReentrantCall()"
    )
    assert len(tx.events["OrderPaid"]) == 1
    assert goods.ownerOf(item) == receiver
    assert market.getListing(second)["stock"] == 1
    assert wbtc.balanceOf(market) == PRICE_SATS


def test_reentrancy_through_on_erc721_received_during_refund_cannot_happen(
    market, goods, receiver, buyer, wbtc, deployer, arbiter
):
    """The refund moves the item back with a plain transfer: the seller's receiver hook (armed
    to refund the order again) is never called, and the buyer is paid once."""
    mint_input = goods.mint.encode_input(receiver, "ipfs://seller-contract", CONTENT, 0)
    receiver.execute(goods, mint_input, {"from": deployer})
    token_id = goods.lastTokenId()
    list_input = market.listDigital.encode_input(token_id, 100 * USD, [wbtc], 0, 0)
    listing_id = receiver.execute(market, list_input, {"from": deployer}).events["Listed"][
        "listingId"
    ]
    order = buy(market, buyer, listing_id, wbtc, arbiter)
    hooks_before = receiver.hookCalls()  # 1: the safe mint
    refund_input = market.refund.encode_input(order.terms, PRICE_SATS)
    receiver.arm(market, refund_input, {"from": deployer})
    before = wbtc.balanceOf(buyer)
    receiver.execute(market, refund_input, {"from": deployer})
    assert receiver.hookCalls() == hooks_before
    assert goods.ownerOf(token_id) == receiver
    assert wbtc.balanceOf(buyer) - before == PRICE_SATS
    assert market.getOrder(order.id)["status"] == REFUNDED


# --- royalties on resales through the marketplace -----------------------------------------


def test_a_resale_through_the_marketplace_pays_the_creator_its_royalty(
    market, goods, digital_order, item, buyer, seller, wbtc, usdc, arbiter, accounts, deployer
):
    """Finding H6: a digital item resold through the marketplace paid its creator no royalty
    although DigitalGoods implements ERC-2981 (5 % here, capped at 10 % by DigitalGoods)."""
    first = market.confirm(digital_order.terms, {"from": buyer})
    assert "RoyaltyPaid" not in first.events  # the creator sold it: no royalty to itself
    resale = list_digital(market, buyer, item, 100 * USD, [wbtc])
    collector = accounts[3]
    wbtc.mint(collector, SATS, {"from": deployer})
    wbtc.approve(market, 2**256 - 1, {"from": collector})
    order = buy(market, collector, resale, wbtc, arbiter)
    creator_before = wbtc.balanceOf(seller)
    reseller_before = wbtc.balanceOf(buyer)
    tx = market.confirm(order.terms, {"from": collector})
    proceeds = PRICE_SATS - FEE_SATS
    royalty = proceeds * 500 // 10_000
    assert tx.events["RoyaltyPaid"]["receiver"] == seller
    assert tx.events["RoyaltyPaid"]["amount"] == royalty
    assert wbtc.balanceOf(seller) == creator_before + royalty
    assert wbtc.balanceOf(buyer) == reseller_before + proceeds - royalty
    assert tx.events["OrderCompleted"]["toSeller"] == proceeds - royalty


def test_a_resale_of_an_item_minted_without_royalty_pays_the_creator_nothing(
    market, goods, seller, buyer, wbtc, arbiter, accounts, deployer
):
    item = mint_item(goods, seller, b"\x33" * 32, royalty_bps=0)
    first = buy(market, buyer, list_digital(market, seller, item, 100 * USD, [wbtc]), wbtc, arbiter)
    market.confirm(first.terms, {"from": buyer})
    collector = accounts[3]
    wbtc.mint(collector, SATS, {"from": deployer})
    wbtc.approve(market, 2**256 - 1, {"from": collector})
    resale = buy(
        market, collector, list_digital(market, buyer, item, 100 * USD, [wbtc]), wbtc, arbiter
    )
    reseller_before = wbtc.balanceOf(buyer)
    tx = market.confirm(resale.terms, {"from": collector})
    assert "RoyaltyPaid" not in tx.events
    assert tx.events["OrderCompleted"]["toSeller"] == PRICE_SATS - FEE_SATS
    assert wbtc.balanceOf(buyer) == reseller_before + PRICE_SATS - FEE_SATS
