"""RewardPoints: minted only by the marketplace when an order completes (per USD, per-order
and per-epoch caps) or is reviewed; nothing for refunds, rulings or self-dealing; redemption
at checkout for a seller-funded discount, points escrowed until the order ends."""

import brownie
import pytest

from bazaar.settings import ONE_WEEK as WEEK
from bazaar.settings import POINT
from tests.support.helpers import COMPLETED, REFUNDED, USD, buy, err, list_item, next_block_at

TRACKING = b"\x22" * 32


def complete(market, order, buyer, seller):
    market.ship(order.terms, TRACKING, {"from": seller})
    return market.confirm(order.terms, {"from": buyer})


def test_a_completed_order_earns_one_point_per_usd(market, points, order, buyer, seller):
    complete(market, order, buyer, seller)
    assert points.balanceOf(buyer) == 1_000 * POINT  # $1,000
    assert points.totalSupply() == 1_000 * POINT


def test_a_verified_review_earns_its_small_capped_amount_once(market, points, order, buyer, seller):
    complete(market, order, buyer, seller)
    market.review(order.terms, 5, TRACKING, {"from": buyer})
    assert points.balanceOf(buyer) == 1_005 * POINT
    with brownie.reverts(err("MarketplaceAlreadyReviewed", order.id)):
        market.review(order.terms, 5, TRACKING, {"from": buyer})


def test_points_farming_by_refunds_rulings_or_self_dealing_earns_nothing(
    market, points, listing, order, buyer, seller, arbiter, wbtc
):
    market.refund(order.terms, order.term("lockedAmount"), {"from": seller})
    disputed = buy(market, buyer, listing, wbtc, arbiter)
    market.openDispute(disputed.terms, TRACKING, {"from": buyer})
    market.resolveDispute(disputed.terms, 0, {"from": arbiter})  # lost by the buyer
    with brownie.reverts(err("MarketplaceSelfDealing", seller)):
        buy(market, seller, listing, wbtc, arbiter)
    assert market.getOrder(order.id)["status"] == REFUNDED
    assert points.totalSupply() == 0


def test_the_per_order_cap_holds(market, points, seller, buyer, wbtc, arbiter):
    big = list_item(market, seller, 5_000 * USD, [wbtc])
    complete(market, buy(market, buyer, big, wbtc, arbiter), buyer, seller)
    assert points.balanceOf(buyer) == 1_000 * POINT  # $5,000 would be 5,000; capped at 1,000


def test_the_per_epoch_cap_holds_and_resets_next_epoch(
    market, points, listing, buyer, seller, wbtc, arbiter, deployer, btc_usd, wbtc_btc
):
    points.setMintConfig(1_000, 1_500, 10_000, 5, {"from": deployer})  # 1,500 points a week
    next_block_at((brownie.chain[-1].timestamp // WEEK + 1) * WEEK + 10)  # a fresh epoch
    for feed in (btc_usd, wbtc_btc):  # fresh rounds after the jump
        feed.setAnswer(feed.latestRoundData()[1], {"from": deployer})
    orders = [buy(market, buyer, listing, wbtc, arbiter) for _ in range(3)]
    for o in orders:
        market.ship(o.terms, TRACKING, {"from": seller})
    for o in orders[:2]:
        market.confirm(o.terms, {"from": buyer})
    assert points.balanceOf(buyer) == 1_500 * POINT  # 1,000 + 500 (clipped)
    assert points.mintState()["epochMintedCenti"] == 150_000
    next_block_at((brownie.chain[-1].timestamp // WEEK + 1) * WEEK + 10)
    market.confirm(orders[2].terms, {"from": buyer})
    assert points.balanceOf(buyer) == 2_500 * POINT


def test_only_the_marketplace_mints_escrows_or_burns(points, buyer, stranger):
    for call in (
        lambda: points.onOrderCompleted(1, buyer, stranger, 10**6, 1, {"from": stranger}),
        lambda: points.onReview(1, buyer, {"from": stranger}),
        lambda: points.escrowFrom(buyer, 1, {"from": stranger}),
        lambda: points.burnEscrowed(1, {"from": stranger}),
    ):
        with brownie.reverts(err("PointsOnlyMarketplace", stranger)):
            call()


@pytest.mark.parametrize(
    "args, error, value, high",
    [
        ((10_001, 1, 1, 1), "PointsOrderCapOutOfRange", 10_001, 10_000),
        ((1, 10_000_001, 1, 1), "PointsEpochCapOutOfRange", 10_000_001, 10_000_000),
        ((1, 1, 1_000_001, 1), "PointsAccountEpochCapOutOfRange", 1_000_001, 1_000_000),
        ((1, 1, 1, 51), "PointsReviewPointsOutOfRange", 51, 50),
    ],
)
def test_minting_parameters_are_bounded_in_code(points, deployer, args, error, value, high):
    with brownie.reverts(err(error, value, high)):
        points.setMintConfig(*args, {"from": deployer})


def test_the_marketplace_is_bound_once_by_the_deployer_only(RewardPoints, deployer, stranger):
    fresh = RewardPoints.deploy(deployer, {"from": deployer})
    with brownie.reverts(err("PointsBindRefused", stranger)):
        fresh.bindMarketplace(stranger, {"from": stranger})
    fresh.bindMarketplace(stranger, {"from": deployer})
    assert fresh.marketplace() == stranger
    with brownie.reverts(err("PointsBindRefused", deployer)):
        fresh.bindMarketplace(deployer, {"from": deployer})


def test_the_marketplace_cannot_be_bound_to_the_zero_address(RewardPoints, deployer):
    fresh = RewardPoints.deploy(deployer, {"from": deployer})
    with brownie.reverts(err("PointsBindRefused", deployer)):
        fresh.bindMarketplace(brownie.ZERO_ADDRESS, {"from": deployer})
    assert fresh.marketplace() == brownie.ZERO_ADDRESS


def test_minting_parameters_at_their_upper_bounds_are_accepted_and_announced(points, deployer):
    tx = points.setMintConfig(10_000, 10_000_000, 1_000_000, 50, {"from": deployer})
    event = tx.events["MintConfigSet"]
    assert (event["orderCap"], event["epochCap"]) == (10_000, 10_000_000)
    assert (event["accountEpochCap"], event["reviewPoints"]) == (1_000_000, 50)
    state = points.mintState()
    assert state["orderCap"] == 10_000 and state["epochCap"] == 10_000_000
    assert [int(v) for v in points.rules()] == [1_000_000, 50] and points.reviewPoints() == 50


def test_only_governance_sets_the_minting_parameters(points, stranger):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        points.setMintConfig(1, 1, 1, 1, {"from": stranger})


# --- the hooks, called directly by an account bound as the marketplace -------------------


def test_an_order_whose_buyer_is_its_seller_earns_nothing_even_if_reported(
    direct_points, minter, buyer
):
    tx = direct_points.onOrderCompleted(1, buyer, buyer, 100_000, 1, {"from": minter})
    assert "Transfer" not in tx.events
    assert direct_points.totalSupply() == 0 and direct_points.mintState()["epochMintedCenti"] == 0


def test_reviews_earn_nothing_when_governance_sets_review_points_to_zero(
    direct_points, minter, buyer, deployer
):
    direct_points.setMintConfig(1_000, 1_000_000, 10_000, 0, {"from": deployer})
    tx = direct_points.onReview(1, buyer, {"from": minter})
    assert "Transfer" not in tx.events and direct_points.balanceOf(buyer) == 0


def test_once_the_epoch_cap_is_reached_completions_and_reviews_earn_nothing(
    direct_points, minter, buyer, seller, deployer
):
    direct_points.setMintConfig(1_000, 1_000, 10_000, 5, {"from": deployer})
    # one transaction per block; each at least a second apart, all well inside one 7-day epoch
    epoch_start = (brownie.chain[-1].timestamp // WEEK + 1) * WEEK
    next_block_at(epoch_start + 10)
    direct_points.onOrderCompleted(1, buyer, seller, 100_000, 1, {"from": minter})  # the whole cap
    assert direct_points.balanceOf(buyer) == 1_000 * POINT
    tx = direct_points.onOrderCompleted(2, buyer, seller, 100_000, 1, {"from": minter})
    assert "Transfer" not in tx.events
    tx = direct_points.onReview(2, buyer, {"from": minter})
    assert "Transfer" not in tx.events
    assert direct_points.mintState()["epochMintedCenti"] == 100_000
    assert direct_points.totalSupply() == 1_000 * POINT


def test_the_marketplace_escrows_a_buyers_points_and_burns_them(
    direct_points, minter, buyer, seller
):
    direct_points.onOrderCompleted(1, buyer, seller, 100_000, 1, {"from": minter})
    tx = direct_points.escrowFrom(buyer, 400 * POINT, {"from": minter})
    assert tx.events["PointsEscrowed"]["buyer"] == buyer
    assert tx.events["PointsEscrowed"]["amount"] == 400 * POINT
    assert direct_points.balanceOf(minter) == 400 * POINT
    direct_points.burnEscrowed(150 * POINT, {"from": minter})
    assert direct_points.balanceOf(minter) == 250 * POINT
    assert direct_points.totalSupply() == 850 * POINT


def test_the_hooks_refuse_to_mint_to_or_escrow_from_the_zero_address(direct_points, minter, seller):
    zero = brownie.ZERO_ADDRESS
    with brownie.reverts(err("ERC20InvalidReceiver", zero)):
        direct_points.onOrderCompleted(1, zero, seller, 100_000, 1, {"from": minter})
    with brownie.reverts(err("ERC20InvalidReceiver", zero)):
        direct_points.onReview(1, zero, {"from": minter})
    with brownie.reverts(err("ERC20InvalidSender", zero)):
        direct_points.escrowFrom(zero, POINT, {"from": minter})
    assert direct_points.totalSupply() == 0


def test_burning_more_than_the_marketplace_holds_is_refused(direct_points, minter):
    with brownie.reverts(err("ERC20InsufficientBalance", minter, 0, POINT)):
        direct_points.burnEscrowed(POINT, {"from": minter})


# --- redemption --------------------------------------------------------------------------


@pytest.fixture
def earned(market, points, order, buyer, seller):
    """The buyer holds 1,000 points from a completed $1,000 order."""
    complete(market, order, buyer, seller)
    return 1_000 * POINT


@pytest.fixture
def discounted(market, seller, wbtc):
    """$1,000, up to 20 % payable in points."""
    return list_item(market, seller, 1_000 * USD, [wbtc], points_cap_bps=2_000)


def test_redeemed_points_buy_a_seller_funded_discount_and_burn_on_completion(
    market, points, earned, discounted, buyer, seller, wbtc, arbiter
):
    tx = market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, 500 * POINT, {"from": buyer})
    terms = tx.events["OrderPaid"]["terms"]
    order_id = tx.events["OrderPaid"]["orderId"]
    assert terms["usdAmount"] == 995 * USD  # 500 points = $5
    assert terms["lockedAmount"] == 995_000  # sats at $100,000
    assert market.getOrder(order_id)["pointsEscrowed"] == 500 * POINT
    assert points.balanceOf(market) == 500 * POINT
    supply = points.totalSupply()
    market.ship(terms, TRACKING, {"from": seller})
    market.confirm(terms, {"from": buyer})
    assert market.getOrder(order_id)["status"] == COMPLETED
    assert points.balanceOf(market) == 0
    assert points.totalSupply() == supply - 500 * POINT + 995 * POINT  # burned, then earned


def test_redeemed_points_come_back_when_the_order_is_refunded(
    market, points, earned, discounted, buyer, seller, wbtc, arbiter
):
    tx = market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, 500 * POINT, {"from": buyer})
    terms = tx.events["OrderPaid"]["terms"]
    market.refund(terms, terms["lockedAmount"], {"from": seller})
    assert points.balanceOf(buyer) == earned
    assert points.balanceOf(market) == 0


def test_a_discount_above_the_listings_cap_or_on_a_listing_without_points_is_refused(
    market, earned, discounted, listing, buyer, wbtc, arbiter
):
    too_many = 20_001 * POINT  # $200.01 > 20 % of $1,000
    with brownie.reverts(err("MarketplaceDiscountAboveCap", too_many, 20_001 * 10**6, 200 * USD)):
        market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, too_many, {"from": buyer})
    with brownie.reverts(err("MarketplaceDiscountAboveCap", POINT, 10**6, 0)):
        market.checkout(listing, 1, wbtc, 2**255, 2**40, arbiter, POINT, {"from": buyer})


def test_redeeming_too_few_points_to_buy_any_discount_is_refused(
    market, discounted, buyer, wbtc, arbiter
):
    dust = 10**12 - 1  # 1e12 point units buy one USD unit (1e-8 USD); fewer buy nothing
    with brownie.reverts(err("MarketplaceDiscountAboveCap", dust, 0, 200 * USD)):
        market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, dust, {"from": buyer})


def test_redeeming_more_points_than_held_is_refused(
    market, earned, discounted, buyer, wbtc, arbiter
):
    with brownie.reverts(err("ERC20InsufficientBalance", buyer, earned, earned + POINT)):
        market.checkout(
            discounted, 1, wbtc, 2**255, 2**40, arbiter, earned + POINT, {"from": buyer}
        )


def test_a_marketplace_without_points_refuses_redemption(
    plain_market, seller, buyer, wbtc, arbiter
):
    plain = plain_market
    item = list_item(plain, seller, 1_000 * USD, [wbtc], points_cap_bps=2_000)
    with brownie.reverts(err("MarketplacePointsNotEnabled")):
        plain.checkout(item, 1, wbtc, 2**255, 2**40, arbiter, POINT, {"from": buyer})


# --- points only for value that changed hands ---------------------------------------------


def test_a_refund_of_all_but_one_satoshi_earns_no_points_and_no_review_points(
    market, points, order, buyer, seller
):
    """Finding H1: checkout $1,000, refund all but 1 satoshi, ship, confirm used to mint
    1,000 points and 5 review points for 1 satoshi that changed hands."""
    market.refund(order.terms, order.term("lockedAmount") - 1, {"from": seller})
    complete(market, order, buyer, seller)
    assert points.balanceOf(buyer) == 0  # $0.001 settled: no whole cent
    market.review(order.terms, 5, TRACKING, {"from": buyer})
    assert points.balanceOf(buyer) == 0
    assert [int(v) for v in market.sellerRating(seller)] == [5, 1]  # it counts in the rating


def test_a_partial_refund_earns_points_on_what_settled_only(market, points, order, buyer, seller):
    market.refund(order.terms, order.term("lockedAmount") * 3 // 10, {"from": seller})
    complete(market, order, buyer, seller)
    assert points.balanceOf(buyer) == 700 * POINT  # 70 % of $1,000 settled


def test_a_one_satoshi_listing_earns_no_review_points(market, points, seller, buyer, wbtc, arbiter):
    """Finding H1: a listing priced at one satoshi earned 5 review points per order."""
    tiny = list_item(market, seller, USD // 10**5, [wbtc])  # $0.001: one satoshi at $100,000
    cheap = buy(market, buyer, tiny, wbtc, arbiter)
    assert cheap.term("lockedAmount") == 1
    complete(market, cheap, buyer, seller)
    market.review(cheap.terms, 5, TRACKING, {"from": buyer})
    assert points.balanceOf(buyer) == 0


def test_reviews_earn_points_from_the_minimum_order_value_and_not_below(
    market, points, seller, buyer, wbtc, arbiter
):
    minimum = market.MIN_REVIEW_REWARD_USD()
    assert minimum == 10 * USD
    at = buy(market, buyer, list_item(market, seller, minimum, [wbtc]), wbtc, arbiter)
    below = buy(
        market, buyer, list_item(market, seller, minimum - USD // 100, [wbtc]), wbtc, arbiter
    )
    for o in (at, below):
        complete(market, o, buyer, seller)
    earned = points.balanceOf(buyer)
    market.review(below.terms, 5, TRACKING, {"from": buyer})
    assert points.balanceOf(buyer) == earned
    market.review(at.terms, 5, TRACKING, {"from": buyer})
    assert points.balanceOf(buyer) == earned + 5 * POINT


def test_one_account_cannot_take_more_than_its_own_cap_per_epoch(
    market, points, seller, buyer, wbtc, arbiter, deployer, accounts
):
    """Finding H1: the epoch cap was global, so about 1,000 farmed orders starved every honest
    buyer for the week. Each account now has its own cap beside the global one."""
    points.setMintConfig(1_000, 1_000_000, 1_500, 5, {"from": deployer})
    listing = list_item(market, seller, 1_000 * USD, [wbtc])
    orders = [buy(market, buyer, listing, wbtc, arbiter) for _ in range(3)]
    for o in orders:
        complete(market, o, buyer, seller)
    assert points.balanceOf(buyer) == 1_500 * POINT  # 3,000 earned, 1,500 minted
    assert points.mintedThisEpoch(buyer) == 1_500 * POINT
    honest = accounts[3]
    wbtc.mint(honest, 10**8, {"from": deployer})
    wbtc.approve(market, 2**256 - 1, {"from": honest})
    complete(market, buy(market, honest, listing, wbtc, arbiter), honest, seller)
    assert points.balanceOf(honest) == 1_000 * POINT


def test_the_reward_rate_is_fixed_in_the_order_at_checkout(
    market, points, listing, buyer, seller, wbtc, arbiter, deployer
):
    """Finding H6: a governance change of the rate reached orders already in flight."""
    order = buy(market, buyer, listing, wbtc, arbiter)
    assert order.term("pointsPerUsd") == 1
    market.setPointsRate(3, {"from": deployer})
    later = buy(market, buyer, listing, wbtc, arbiter)
    assert later.term("pointsPerUsd") == 3
    complete(market, order, buyer, seller)
    assert points.balanceOf(buyer) == 1_000 * POINT


def test_the_reward_rate_is_bounded_in_code(market, deployer, stranger):
    with brownie.reverts(err("MarketplacePointsRateOutOfRange", 11, 10)):
        market.setPointsRate(11, {"from": deployer})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        market.setPointsRate(1, {"from": stranger})
    assert (
        market.setPointsRate(10, {"from": deployer}).events["PointsRateSet"]["pointsPerUsd"] == 10
    )
    assert market.config()["pointsPerUsd"] == 10


def test_redeemed_points_come_back_in_proportion_to_what_a_ruling_gives_the_buyer(
    market, points, earned, discounted, buyer, seller, wbtc, arbiter
):
    """Finding H6: points redeemed at checkout were burned even when a ruling gave the buyer
    everything."""
    tx = market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, 500 * POINT, {"from": buyer})
    terms = tx.events["OrderPaid"]["terms"]
    market.openDispute(terms, TRACKING, {"from": buyer})
    ruling = market.resolveDispute(terms, 10_000, {"from": arbiter})
    assert ruling.events["PointsSettled"]["returned"] == 500 * POINT
    assert points.balanceOf(buyer) == earned
    tx = market.checkout(discounted, 1, wbtc, 2**255, 2**40, arbiter, 500 * POINT, {"from": buyer})
    terms = tx.events["OrderPaid"]["terms"]
    market.openDispute(terms, TRACKING, {"from": buyer})
    market.resolveDispute(terms, 4_000, {"from": arbiter})
    assert points.balanceOf(buyer) == earned - 300 * POINT  # 40 % back, 60 % burned


def test_a_completed_order_earns_at_the_rate_fixed_in_it(
    market, points, seller, buyer, wbtc, arbiter, deployer
):
    """Mutation survivor RewardPoints.sol `usdCents * pointsPerUsd` -> `/`: at one point per
    USD both give the same; at three they do not."""
    market.setPointsRate(3, {"from": deployer})
    order = buy(market, buyer, list_item(market, seller, 100 * USD, [wbtc]), wbtc, arbiter)
    complete(market, order, buyer, seller)
    assert points.balanceOf(buyer) == 300 * POINT
