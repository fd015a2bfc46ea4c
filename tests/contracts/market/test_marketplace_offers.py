"""Signed offers (issue K): a seller signs an EIP-712 `Offer` off chain and pays no gas to
list; `checkoutOffer` checks the signature and writes exactly the order a listing with the
same fields would make (listing id: the offer's hash); `offerFilled` counts the units sold and
never passes the offer's stock; `cancelOffer` and `cancelAllOffers` end offers; cancels,
reclaims and full refunds give the units back. The code runs in `MarketplaceOffers`, the
marketplace's second extension, by DELEGATECALL.

The attacks named by the issue: an offer filled past its stock by two checkouts in one block,
a cancelled offer, an expired one, a stale counter, a signature replayed on another
marketplace, a signature by another key, a tampered field, a cancel by someone else, the
seller buying its own offer."""

import brownie
import pytest
from eth_account import Account

from bazaar.settings import POINT
from tests.support import offers
from tests.support.cli import DEV_KEYS
from tests.support.helpers import (
    CANCELLED,
    PAID,
    REFUNDED,
    TERM_FIELDS,
    USD,
    Order,
    add_stablecoin,
    buy,
    err,
    list_item,
    next_block_at,
)
from tests.support.offers import Offer

WBTC_AND_USDC = 0b11  # payment token ids 1 and 2
MAX = 2**256 - 1


@pytest.fixture(scope="module")
def seller_key(seller):
    key = Account.from_key(DEV_KEYS["seller"])
    assert key.address == seller.address
    return key


@pytest.fixture(scope="module")
def extension(market, MarketplaceOffers):
    return MarketplaceOffers.at(market.offersExtension())


@pytest.fixture(scope="module")
def lamp(seller):
    """$1,000 a unit, 5 units, WBTC or USDC, locked-amount settlement."""
    return Offer(seller.address, 1_000 * USD, 5, WBTC_AND_USDC)


def fill(market, offer, signature, buyer, token, arbiter, **options):
    """Checks the offer out; returns the transaction and its order."""
    tx = market.checkoutOffer(
        offer.tuple(), signature, offers.purchase(token, arbiter, **options), {"from": buyer}
    )
    return tx, Order.from_tx(tx)


def as_int(offer_hash: str) -> int:
    return int(offer_hash, 16)


# --- fills ---------------------------------------------------------------------------------


def test_a_first_fill_records_the_offer_and_makes_the_order_a_listing_with_the_same_fields_would(
    market, lamp, seller, seller_key, buyer, wbtc, usdc, arbiter
):
    offer = lamp.but(bufferBps=500)
    offer_hash = offers.offer_hash(market, offer)
    assert market.offerFilled(offer_hash) == 0
    tx, order = fill(
        market, offer, offers.sign(market, seller_key, offer), buyer, wbtc, arbiter, quantity=2
    )
    listing = list_item(market, seller, 1_000 * USD, [wbtc, usdc], buffer_bps=500, stock=5)
    twin = buy(market, buyer, listing, wbtc, arbiter, quantity=2)

    assert market.offerFilled(offer_hash) == 2
    assert list(tx.events["OfferFilled"].values()) == [offer_hash, seller, order.id, 2, 2]
    mine, theirs = (
        dict(zip(TERM_FIELDS, order.terms, strict=True)),
        dict(zip(TERM_FIELDS, twin.terms, strict=True)),
    )
    assert mine["listingId"] == as_int(offer_hash)
    assert mine["nonce"] + 1 == theirs["nonce"]
    for name in ("listingId", "nonce"):
        del mine[name], theirs[name]
    assert mine == theirs
    mine_state, their_state = market.getOrder(order.id), market.getOrder(twin.id)
    assert (mine_state[0], mine_state[2]) == (their_state[0], their_state[2])
    assert market.escrowed(wbtc) == 2 * mine_state[0]


def test_later_fills_add_up_to_the_stock_and_no_further(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    signature = offers.sign(market, seller_key, lamp)
    offer_hash = offers.offer_hash(market, lamp)
    fill(market, lamp, signature, buyer, wbtc, arbiter, quantity=1)
    tx, order = fill(market, lamp, signature, buyer, wbtc, arbiter, quantity=4)
    assert tx.events["OfferFilled"]["filled"] == 5 and order.term("quantity") == 4
    with brownie.reverts(err("MarketplaceOfferStockExceeded", offer_hash, 1, 5, 5)):
        fill(market, lamp, signature, buyer, wbtc, arbiter, quantity=1)
    assert market.offerFilled(offer_hash) == 5


def test_a_zero_quantity_is_refused(market, lamp, seller_key, buyer, wbtc, arbiter):
    offer_hash = offers.offer_hash(market, lamp)
    with brownie.reverts(err("MarketplaceOfferStockExceeded", offer_hash, 0, 0, 5)):
        fill(market, lamp, offers.sign(market, seller_key, lamp), buyer, wbtc, arbiter, quantity=0)


def test_two_checkouts_in_one_block_never_sell_past_the_stock(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    """The second of two checkouts mined together, each within the stock alone, reverts."""
    signature = offers.sign(market, seller_key, lamp)
    data = market.checkoutOffer.encode_input(
        lamp.tuple(), signature, offers.purchase(wbtc, arbiter, quantity=3)
    )
    web3, sent = brownie.web3, []
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        for _ in range(2):
            sent.append(
                web3.eth.send_transaction(
                    {"from": buyer.address, "to": market.address, "data": data, "gas": 1_500_000}
                )
            )
        web3.provider.make_request("evm_mine", [])
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    first, second = (web3.eth.get_transaction_receipt(h) for h in sent)
    assert first["blockNumber"] == second["blockNumber"]
    assert (first["status"], second["status"]) == (1, 0)
    assert market.offerFilled(offers.offer_hash(market, lamp)) == 3


def test_an_erc1271_seller_signs_through_its_wallet(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter, ContractWallet, deployer
):
    wallet = ContractWallet.deploy(seller, {"from": deployer})
    offer = lamp.but(seller=wallet.address)
    tx, order = fill(market, offer, offers.sign(market, seller_key, offer), buyer, wbtc, arbiter)
    assert order.term("seller") == wallet.address
    assert tx.events["OfferFilled"]["seller"] == wallet.address


# --- refusals ------------------------------------------------------------------------------


def test_a_cancelled_offer_is_refused(market, lamp, seller, seller_key, buyer, wbtc, arbiter):
    signature = offers.sign(market, seller_key, lamp)
    offer_hash = offers.offer_hash(market, lamp)
    fill(market, lamp, signature, buyer, wbtc, arbiter)
    tx = market.cancelOffer(lamp.tuple(), {"from": seller})
    assert list(tx.events["OfferCancelled"].values()) == [offer_hash, seller]
    assert market.offerFilled(offer_hash) == MAX
    with brownie.reverts(err("MarketplaceOfferCancelled", offer_hash)):
        fill(market, lamp, signature, buyer, wbtc, arbiter)


def test_an_offer_never_filled_can_be_cancelled_before_its_first_checkout(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    market.cancelOffer(lamp.tuple(), {"from": seller})
    with brownie.reverts(err("MarketplaceOfferCancelled", offers.offer_hash(market, lamp))):
        fill(market, lamp, offers.sign(market, seller_key, lamp), buyer, wbtc, arbiter)


def test_only_the_seller_may_cancel_its_offer(market, lamp, buyer, stranger):
    offer_hash = offers.offer_hash(market, lamp)
    for account in (buyer, stranger):
        with brownie.reverts(err("MarketplaceUnauthorized", account, offer_hash)):
            market.cancelOffer(lamp.tuple(), {"from": account})
    assert market.offerFilled(offer_hash) == 0


def test_an_expired_offer_is_refused_and_one_in_its_last_second_is_accepted(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    expiry = brownie.chain.time() + 1_000
    offer = lamp.but(expiry=expiry)
    signature = offers.sign(market, seller_key, offer)
    next_block_at(expiry)
    fill(market, offer, signature, buyer, wbtc, arbiter)
    next_block_at(expiry + 1)
    with brownie.reverts(
        err("MarketplaceOfferExpired", offers.offer_hash(market, offer), expiry, expiry + 1)
    ):
        fill(market, offer, signature, buyer, wbtc, arbiter)


def test_a_purchase_after_its_deadline_is_refused(market, lamp, seller_key, buyer, wbtc, arbiter):
    deadline = brownie.chain.time() + 100
    next_block_at(deadline + 1)
    with brownie.reverts(err("MarketplaceCheckoutExpired", deadline, deadline + 1)):
        fill(
            market,
            lamp,
            offers.sign(market, seller_key, lamp),
            buyer,
            wbtc,
            arbiter,
            deadline=deadline,
        )


def test_cancel_all_offers_makes_every_older_offer_stale(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    old = lamp.but(salt=1)
    old_signature = offers.sign(market, seller_key, old)
    fill(market, old, old_signature, buyer, wbtc, arbiter)
    tx = market.cancelAllOffers({"from": seller})
    counter = market.offerCounter(seller)
    assert counter != 0 and tx.return_value == counter
    assert list(tx.events["OffersCancelled"].values()) == [seller, counter]
    old_hash = offers.offer_hash(market, old)
    with brownie.reverts(err("MarketplaceOfferCounterStale", old_hash, 0, counter)):
        fill(market, old, old_signature, buyer, wbtc, arbiter)
    new = old.but(counter=counter)
    fill(market, new, offers.sign(market, seller_key, new), buyer, wbtc, arbiter)
    assert market.offerFilled(offers.offer_hash(market, new)) == 1


def test_a_signature_for_one_marketplace_is_refused_by_another(
    market,
    lamp,
    seller,
    seller_key,
    buyer,
    wbtc,
    arbiter,
    oracle,
    goods,
    points,
    deployer,
    treasury,
    guardian,
    EscrowMarketplace,
    MarketplaceOffers,
    usdc,
):
    extension = MarketplaceOffers.deploy(oracle, goods, points, {"from": deployer})
    other = EscrowMarketplace.deploy(
        deployer,
        oracle,
        treasury,
        guardian,
        goods,
        points,
        brownie.ZERO_ADDRESS,
        extension,
        {"from": deployer},
    )
    other.addPaymentToken(wbtc, {"from": deployer})
    other.addPaymentToken(usdc, {"from": deployer})  # the lamp takes both
    other.setArbiter(arbiter, True, {"from": deployer})
    wbtc.approve(other, MAX, {"from": buyer})
    signature = offers.sign(market, seller_key, lamp)
    with brownie.reverts(
        err("MarketplaceOfferSignatureInvalid", offers.offer_hash(other, lamp), seller)
    ):
        fill(other, lamp, signature, buyer, wbtc, arbiter)
    assert offers.offer_hash(other, lamp) != offers.offer_hash(market, lamp)
    # The same offer signed for the other marketplace is good there.
    fill(other, lamp, offers.sign(other, seller_key, lamp), buyer, wbtc, arbiter)


def test_a_signature_by_anyone_but_the_seller_is_refused(
    market, lamp, seller, buyer, wbtc, arbiter
):
    forged = offers.sign(market, Account.from_key(DEV_KEYS["buyer"]), lamp)
    with brownie.reverts(
        err("MarketplaceOfferSignatureInvalid", offers.offer_hash(market, lamp), seller)
    ):
        fill(market, lamp, forged, buyer, wbtc, arbiter)


@pytest.mark.parametrize(
    "change",
    [
        {"priceUsd": 1 * USD},
        {"stock": 500},
        {"commissionBps": 2_000},
        {"expiry": 2**41},
        {"tokenMask": 1},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_tampered_field_is_refused(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter, change
):
    signature = offers.sign(market, seller_key, lamp)
    tampered = lamp.but(**change)
    with brownie.reverts(
        err("MarketplaceOfferSignatureInvalid", offers.offer_hash(market, tampered), seller)
    ):
        fill(market, tampered, signature, buyer, wbtc, arbiter)


@pytest.mark.parametrize(
    "change, error",
    [
        ({"priceUsd": 0}, ("MarketplacePriceOutOfRange", 0, 1, 2**64 - 1)),
        ({"priceUsd": 2**64}, ("MarketplacePriceOutOfRange", 2**64, 1, 2**64 - 1)),
        ({"stock": 0}, ("MarketplaceStockOutOfRange", 0, 1, 2**32 - 1)),
        ({"stock": 2**32}, ("MarketplaceStockOutOfRange", 2**32, 1, 2**32 - 1)),
        ({"tokenMask": 0}, ("MarketplaceNoPaymentTokens",)),
        ({"bufferBps": 5_001}, ("MarketplaceBufferOutOfRange", 5_001, 0, 5_000)),
        ({"pointsDiscountCapBps": 2_001}, ("MarketplacePointsCapOutOfRange", 2_001, 0, 2_000)),
        ({"commissionBps": 2_001}, ("MarketplaceCommissionOutOfRange", 2_001, 0, 2_000)),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_fields_a_listing_may_not_have_are_refused_even_when_signed(
    market, lamp, seller_key, buyer, wbtc, arbiter, change, error
):
    offer = lamp.but(**change)
    with brownie.reverts(err(*error)):
        fill(market, offer, offers.sign(market, seller_key, offer), buyer, wbtc, arbiter)


def test_a_token_outside_the_mask_is_refused(market, lamp, seller_key, buyer, usdc, arbiter):
    offer = lamp.but(tokenMask=0b1)
    with brownie.reverts(err("MarketplaceTokenNotAccepted", usdc)):
        fill(market, offer, offers.sign(market, seller_key, offer), buyer, usdc, arbiter)


def test_the_seller_may_not_buy_its_own_offer(market, lamp, seller, seller_key, wbtc, arbiter):
    with brownie.reverts(err("MarketplaceSelfDealing", seller)):
        fill(market, lamp, offers.sign(market, seller_key, lamp), seller, wbtc, arbiter)


def test_the_arbiter_must_be_active_and_no_party(
    market, lamp, seller, seller_key, buyer, wbtc, stranger, deployer
):
    """Even a party that is an active arbiter elsewhere may not arbitrate its own order."""
    for party in (seller, buyer):
        market.setArbiter(party, True, {"from": deployer})
    signature = offers.sign(market, seller_key, lamp)
    for arbiter in (stranger, seller, buyer):
        with brownie.reverts(err("MarketplaceArbiterInvalid", arbiter)):
            fill(market, lamp, signature, buyer, wbtc, arbiter)


def test_a_price_above_the_buyers_maximum_is_refused(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    with brownie.reverts(err("MarketplacePriceAboveMax", 1_000_000, 999_999)):
        fill(
            market,
            lamp,
            offers.sign(market, seller_key, lamp),
            buyer,
            wbtc,
            arbiter,
            max_payment=999_999,
        )


def test_checkouts_against_offers_are_refused_while_paused_and_cancels_are_not(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter, guardian
):
    market.setPaused(True, {"from": guardian})
    with brownie.reverts(err("MarketplacePaused")):
        fill(market, lamp, offers.sign(market, seller_key, lamp), buyer, wbtc, arbiter)
    market.cancelOffer(lamp.tuple(), {"from": seller})
    market.cancelAllOffers({"from": seller})


# --- points and payment tokens ------------------------------------------------------------


def earn_points(market, seller, seller_key, buyer, wbtc, arbiter):
    """The buyer completes a $1,000 order of an offer: 1,000 points."""
    offer = Offer(seller.address, 1_000 * USD, 1, 0b1, salt=77)
    _, order = fill(market, offer, offers.sign(market, seller_key, offer), buyer, wbtc, arbiter)
    market.ship(order.terms, b"\x01" * 32, {"from": seller})
    market.confirm(order.terms, {"from": buyer})


def test_points_buy_a_discount_on_an_offer_and_are_held_by_its_order_until_it_ends(
    market, points, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    earn_points(market, seller, seller_key, buyer, wbtc, arbiter)
    assert points.balanceOf(buyer) == 1_000 * POINT
    offer = lamp.but(pointsDiscountCapBps=2_000)  # up to $200 of $1,000 in points
    _, order = fill(
        market,
        offer,
        offers.sign(market, seller_key, offer),
        buyer,
        wbtc,
        arbiter,
        points=500 * POINT,
    )
    assert order.term("usdAmount") == 995 * USD  # 500 points = $5
    assert order.term("lockedAmount") == 995_000  # sats at $100,000
    assert market.getOrder(order.id)["pointsEscrowed"] == 500 * POINT
    assert points.balanceOf(buyer) == 500 * POINT
    market.cancel(order.terms, {"from": seller})
    assert points.balanceOf(buyer) == 1_000 * POINT  # nothing settled: all of them back


def test_a_points_discount_worth_nothing_or_above_the_offers_cap_is_refused(
    market, lamp, seller_key, buyer, wbtc, arbiter
):
    offer = lamp.but(pointsDiscountCapBps=2_000)
    signature = offers.sign(market, seller_key, offer)
    cap = 200 * USD
    dust = 10**12 - 1  # under one USD unit (a point is a cent: 10**18 units for 10**6)
    for redeemed, discount in ((dust, 0), (20_001 * POINT, cap + USD // 100)):
        with brownie.reverts(err("MarketplaceDiscountAboveCap", redeemed, discount, cap)):
            fill(market, offer, signature, buyer, wbtc, arbiter, points=redeemed)


def test_points_on_an_offer_are_refused_by_a_marketplace_without_points(
    oracle,
    deployer,
    treasury,
    guardian,
    wbtc,
    seller,
    seller_key,
    buyer,
    arbiter,
    EscrowMarketplace,
    MarketplaceOffers,
):
    extension = MarketplaceOffers.deploy(
        oracle, brownie.ZERO_ADDRESS, brownie.ZERO_ADDRESS, {"from": deployer}
    )
    market = EscrowMarketplace.deploy(
        deployer,
        oracle,
        treasury,
        guardian,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        extension,
        {"from": deployer},
    )
    market.addPaymentToken(wbtc, {"from": deployer})
    market.setArbiter(arbiter, True, {"from": deployer})
    offer = Offer(seller.address, 1_000 * USD, 5, 0b1, pointsDiscountCapBps=2_000)
    with brownie.reverts(err("MarketplacePointsNotEnabled")):
        fill(
            market,
            offer,
            offers.sign(market, seller_key, offer),
            buyer,
            wbtc,
            arbiter,
            points=POINT,
        )


def test_a_fee_on_transfer_token_is_refused_for_an_offer_and_nothing_moves(
    market, oracle, FeeOnTransferToken, usdc_usd, deployer, lamp, seller_key, buyer, arbiter
):
    fot = add_stablecoin(FeeOnTransferToken, market, oracle, usdc_usd, deployer, buyer)
    offer = lamp.but(tokenMask=0b111)  # WBTC, USDC and the new token (id 3)
    offer_hash = offers.offer_hash(market, offer)
    with brownie.reverts(err("MarketplaceTransferMismatch", 1_000 * 10**6, 990 * 10**6)):
        fill(market, offer, offers.sign(market, seller_key, offer), buyer, fot, arbiter)
    assert fot.balanceOf(market) == 0
    assert market.offerFilled(offer_hash) == 0


def test_a_token_the_marketplace_never_accepted_is_refused(
    market, lamp, seller_key, buyer, arbiter, MockERC20, deployer
):
    stray = MockERC20.deploy("Stray", "STRAY", 8, {"from": deployer})
    with brownie.reverts(err("MarketplaceTokenNotAccepted", stray)):
        fill(market, lamp, offers.sign(market, seller_key, lamp), buyer, stray, arbiter)


# --- referrers -----------------------------------------------------------------------------


def test_the_offers_commission_goes_only_to_a_referrer_the_seller_approved(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter, stranger
):
    offer = lamp.but(commissionBps=1_500)
    signature = offers.sign(market, seller_key, offer)
    _, unapproved = fill(market, offer, signature, buyer, wbtc, arbiter, referrer=stranger)
    assert (unapproved.term("referrer"), unapproved.term("commissionBps")) == (stranger, 0)
    market.setReferrer(stranger, True, {"from": seller})
    _, approved = fill(market, offer, signature, buyer, wbtc, arbiter, referrer=stranger)
    assert (approved.term("referrer"), approved.term("commissionBps")) == (stranger, 1_500)


def test_a_referrer_that_is_a_party_is_refused(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    signature = offers.sign(market, seller_key, lamp)
    for referrer in (buyer, seller, arbiter, market, wbtc):
        with brownie.reverts(err("MarketplaceReferrerInvalid", referrer)):
            fill(market, lamp, signature, buyer, wbtc, arbiter, referrer=referrer)


# --- restocks ------------------------------------------------------------------------------


def test_a_cancel_a_full_refund_and_a_reclaim_give_the_units_back_to_the_offer(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter, chain, btc_usd, wbtc_btc, deployer
):
    signature = offers.sign(market, seller_key, lamp)
    offer_hash = offers.offer_hash(market, lamp)
    orders = [fill(market, lamp, signature, buyer, wbtc, arbiter, quantity=q)[1] for q in (1, 2, 2)]
    assert market.offerFilled(offer_hash) == 5

    tx = market.cancel(orders[0].terms, {"from": seller})
    assert list(tx.events["OfferRestocked"].values()) == [offer_hash, orders[0].id, 1, 4]
    assert "Restocked" not in tx.events
    assert market.getOrder(orders[0].id)[2] == CANCELLED

    escrow = market.getOrder(orders[1].id)[0]
    tx = market.refund(orders[1].terms, escrow, {"from": seller})
    assert tx.events["OfferRestocked"]["filled"] == 2
    assert market.getOrder(orders[1].id)[2] == REFUNDED

    chain.sleep(8 * 86_400)
    tx = market.reclaim(orders[2].terms, {"from": buyer})
    assert tx.events["OfferRestocked"]["filled"] == 0
    assert market.offerFilled(offer_hash) == 0
    # The units are for sale again (fresh prices after the wait).
    for feed in (btc_usd, wbtc_btc):
        feed.setAnswer(feed.latestRoundData()[1], {"from": deployer})
    fill(market, lamp, signature, buyer, wbtc, arbiter, quantity=5)


def test_a_partial_refund_gives_no_units_back(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    _, order = fill(
        market, lamp, offers.sign(market, seller_key, lamp), buyer, wbtc, arbiter, quantity=2
    )
    tx = market.refund(order.terms, 1_000, {"from": seller})
    assert "OfferRestocked" not in tx.events
    assert market.offerFilled(offers.offer_hash(market, lamp)) == 2
    assert market.getOrder(order.id)[2] == PAID


def test_an_order_of_a_cancelled_offer_is_undone_and_the_offer_stays_cancelled(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    _, order = fill(
        market, lamp, offers.sign(market, seller_key, lamp), buyer, wbtc, arbiter, quantity=2
    )
    market.cancelOffer(lamp.tuple(), {"from": seller})
    tx = market.cancel(order.terms, {"from": seller})
    offer_hash = offers.offer_hash(market, lamp)
    assert list(tx.events["OfferRestocked"].values()) == [offer_hash, order.id, 2, MAX]
    assert market.offerFilled(offer_hash) == MAX


def test_an_offers_order_completes_and_is_ruled_like_any_other(
    market, lamp, seller, seller_key, buyer, wbtc, arbiter
):
    signature = offers.sign(market, seller_key, lamp)
    _, order = fill(market, lamp, signature, buyer, wbtc, arbiter)
    market.ship(order.terms, b"\x01" * 32, {"from": seller})
    tx = market.confirm(order.terms, {"from": buyer})
    assert tx.events["OrderCompleted"]["toSeller"] == 990_000
    _, disputed = fill(market, lamp, signature, buyer, wbtc, arbiter)
    market.openDispute(disputed.terms, b"\x02" * 32, {"from": buyer})
    tx = market.resolveDispute(disputed.terms, 10_000, {"from": arbiter})
    assert "GoodsReturned" not in tx.events and "OfferRestocked" not in tx.events


# --- the extension -------------------------------------------------------------------------


def test_a_marketplace_without_the_offers_extension_refuses_offers(
    plain_market, lamp, seller_key, buyer, wbtc, arbiter, seller
):
    assert plain_market.offersExtension() == brownie.ZERO_ADDRESS
    with brownie.reverts(err("MarketplaceOffersNotEnabled")):
        fill(plain_market, lamp, offers.sign(plain_market, seller_key, lamp), buyer, wbtc, arbiter)
    with brownie.reverts(err("MarketplaceOffersNotEnabled")):
        plain_market.cancelOffer(lamp.tuple(), {"from": seller})
    with brownie.reverts(err("MarketplaceOffersNotEnabled")):
        plain_market.cancelAllOffers({"from": seller})


@pytest.mark.parametrize("wrong", ["oracle", "goods", "points"])
def test_the_constructor_refuses_an_offers_extension_built_with_other_links(
    wrong,
    oracle,
    goods,
    points,
    deployer,
    treasury,
    guardian,
    stranger,
    EscrowMarketplace,
    MarketplaceOffers,
):
    links = {"oracle": oracle, "goods": goods, "points": points}
    links[wrong] = stranger
    extension = MarketplaceOffers.deploy(
        links["oracle"], links["goods"], links["points"], {"from": deployer}
    )
    assert extension.links() == [links["oracle"], links["goods"], links["points"]]
    with brownie.reverts(err("MarketplaceOffersMismatch", extension)):
        EscrowMarketplace.deploy(
            deployer,
            oracle,
            treasury,
            guardian,
            goods,
            points,
            brownie.ZERO_ADDRESS,
            extension,
            {"from": deployer},
        )


def test_the_suites_marketplace_has_an_offers_extension_with_its_links(
    market, extension, oracle, goods, points
):
    assert extension.address != market.extension()
    assert extension.links() == [oracle, goods, points]


def test_direct_calls_to_the_extension_are_refused(
    extension, lamp, seller, seller_key, market, buyer, wbtc, arbiter
):
    with brownie.reverts(err("MarketplaceOffersDirectCall")):
        extension.checkoutOffer(
            lamp.tuple(),
            offers.sign(extension, seller_key, lamp),
            offers.purchase(wbtc, arbiter),
            {"from": buyer},
        )
    with brownie.reverts(err("MarketplaceOffersDirectCall")):
        extension.cancelOffer(lamp.tuple(), {"from": seller})
    with brownie.reverts(err("MarketplaceOffersDirectCall")):
        extension.cancelAllOffers({"from": seller})
