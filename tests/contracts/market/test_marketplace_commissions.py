"""EscrowMarketplace affiliate commissions: a seller offers a listing's commission
(`setCommission`, at most 20 %); a cart's referrer earns it, at the rate fixed in the order's
terms at checkout, out of the seller's proceeds after the platform fee, whenever the seller
is paid (confirm, release, ruling) and in proportion to what the seller keeps; never when
the buyer gets everything back; never blocking the order (a referrer that cannot receive is
credited). Since finding F1 a referrer earns only from sellers who approved it
(`setReferrer`, test_marketplace_referrers.py): the fixtures' sellers approve `referrer`."""

import brownie
import pytest

from tests.support.helpers import (
    CANCELLED,
    COMPLETED,
    PAID,
    REFUNDED,
    RESOLVED,
    SATS,
    USD,
    add_stablecoin,
    b32,
    buy,
    buy_cart,
    err,
    list_digital,
    list_item,
    mint_item,
    next_block_at,
)

TRACKING = b"\x22" * 32
EVIDENCE = b"\x44" * 32
PRICE_SATS = 1_000_000  # the $1,000 listing at $100,000 per BTC
FEE_SATS = 10_000  # 1 % platform fee
PROCEEDS = PRICE_SATS - FEE_SATS
RATE = 1_000  # 10 %: the listing's commission in most tests
COMMISSION = PROCEEDS * RATE // 10_000  # 99,000 sats


@pytest.fixture(scope="module")
def seller_b(accounts):
    """A second seller."""
    return accounts[3]


@pytest.fixture(scope="module")
def referrer(stranger):
    """Who brings the buyer: no other part in the orders."""
    return stranger


@pytest.fixture(scope="module")
def affiliated(market, seller, wbtc, usdc, referrer):
    """$1,000, 10 in stock, WBTC or USDC, offering a 10 % commission; its seller approved
    `referrer`."""
    item = list_item(market, seller, 1_000 * USD, [wbtc, usdc])
    market.setCommission(item, RATE, {"from": seller})
    market.setReferrer(referrer, True, {"from": seller})
    return item


@pytest.fixture(scope="module")
def affiliated_b(market, seller_b, wbtc, referrer):
    """The second seller's $200 listing in WBTC offering a 5 % commission; its seller
    approved `referrer`."""
    item = list_item(market, seller_b, 200 * USD, [wbtc])
    market.setCommission(item, 500, {"from": seller_b})
    market.setReferrer(referrer, True, {"from": seller_b})
    return item


@pytest.fixture
def referred(market, affiliated, buyer, referrer, wbtc, arbiter):
    """A paid WBTC order of the 10 % listing, bought through a cart with `referrer`."""
    _, (order,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=referrer)
    return order


def ship(market, order, seller):
    market.ship(order.terms, TRACKING, {"from": seller})


def ship_and_confirm(market, order, parties, wbtc, commission, proceeds=PROCEEDS):
    """The seller ships, the buyer confirms; asserts the referrer got exactly `commission`
    (and its event, or none when 0) and the seller the rest of `proceeds`. `parties`:
    (buyer, seller, referrer)."""
    buyer, seller, referrer = parties
    ship(market, order, seller)
    before = wbtc.balanceOf(referrer), wbtc.balanceOf(seller)
    tx = market.confirm(order.terms, {"from": buyer})
    if commission:
        assert tx.events["CommissionPaid"]["amount"] == commission
    else:
        assert "CommissionPaid" not in tx.events
    assert wbtc.balanceOf(referrer) == before[0] + commission
    assert wbtc.balanceOf(seller) == before[1] + proceeds - commission


# --- setting a commission ----------------------------------------------------------------


def test_the_seller_sets_a_listings_commission_and_it_is_announced(market, listing, seller, wbtc):
    assert market.getListing(listing)["commissionBps"] == 0  # none until offered
    tx = market.setCommission(listing, 1_500, {"from": seller})
    assert tx.events["CommissionSet"]["listingId"] == listing
    assert tx.events["CommissionSet"]["commissionBps"] == 1_500
    kept = market.getListing(listing)
    assert kept["commissionBps"] == 1_500
    assert kept["priceUsd"] == 1_000 * USD and kept["stock"] == 10 and kept["active"]
    assert market.getListing(list_item(market, seller, USD, [wbtc]))["commissionBps"] == 0


def test_another_account_cannot_set_a_listings_commission(
    market, affiliated, seller_b, buyer, stranger
):
    for account in (seller_b, buyer, stranger):
        with brownie.reverts(err("MarketplaceUnauthorized", account, b32(affiliated))):
            market.setCommission(affiliated, 2_000, {"from": account})
    assert market.getListing(affiliated)["commissionBps"] == RATE


def test_a_delisted_listings_commission_cannot_change(market, affiliated, seller):
    market.delist(affiliated, {"from": seller})
    with brownie.reverts(err("MarketplaceListingInactive", affiliated)):
        market.setCommission(affiliated, 0, {"from": seller})
    assert market.getListing(affiliated)["commissionBps"] == RATE


def test_a_commission_above_20pct_is_refused_and_20pct_is_accepted(market, affiliated, seller):
    assert market.MAX_COMMISSION_BPS() == 2_000
    with brownie.reverts(err("MarketplaceCommissionOutOfRange", 2_001, 0, 2_000)):
        market.setCommission(affiliated, 2_001, {"from": seller})
    with brownie.reverts(err("MarketplaceCommissionOutOfRange", 2**16, 0, 2_000)):
        market.setCommission(affiliated, 2**16, {"from": seller})  # never truncated to 0
    assert market.getListing(affiliated)["commissionBps"] == RATE
    tx = market.setCommission(affiliated, 2_000, {"from": seller})
    assert tx.events["CommissionSet"]["commissionBps"] == 2_000
    assert market.getListing(affiliated)["commissionBps"] == 2_000


# --- the rate in the order's terms --------------------------------------------------------


def test_the_rate_is_fixed_in_the_terms_at_checkout_and_a_later_change_pays_nothing_else(
    market, referred, affiliated, buyer, seller, referrer, wbtc
):
    assert referred.term("referrer") == referrer and referred.term("commissionBps") == RATE
    market.setCommission(affiliated, 0, {"from": seller})
    ship_and_confirm(market, referred, (buyer, seller, referrer), wbtc, COMMISSION)


def test_a_rate_raised_after_checkout_does_not_reach_the_order(
    market, referred, affiliated, buyer, seller, referrer, wbtc
):
    market.setCommission(affiliated, 2_000, {"from": seller})
    ship(market, referred, seller)
    before = wbtc.balanceOf(referrer)
    tx = market.confirm(referred.terms, {"from": buyer})
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION
    assert wbtc.balanceOf(referrer) == before + COMMISSION


def test_a_single_checkout_has_no_referrer_and_pays_no_commission(
    market, affiliated, buyer, seller, referrer, wbtc, arbiter
):
    order = buy(market, buyer, affiliated, wbtc, arbiter)
    assert order.term("referrer") == brownie.ZERO_ADDRESS and order.term("commissionBps") == 0
    ship_and_confirm(market, order, (buyer, seller, referrer), wbtc, 0)


# --- paid at confirmation -----------------------------------------------------------------


def test_a_referred_cart_pays_the_referrer_each_lines_rate_of_the_proceeds_and_conserves_money(
    market, affiliated, affiliated_b, buyer, seller, seller_b, referrer, wbtc, arbiter
):
    parties = (buyer, seller, seller_b, referrer)
    before = {account: wbtc.balanceOf(account) for account in parties}
    fees_before, held_before = market.feesAccrued(wbtc), wbtc.balanceOf(market)
    _, (first, second) = buy_cart(
        market, buyer, [(affiliated, 1), (affiliated_b, 2)], wbtc, arbiter, referrer=referrer
    )
    assert [o.term("commissionBps") for o in (first, second)] == [RATE, 500]
    assert first.term("referrer") == second.term("referrer") == referrer
    ship(market, first, seller)
    ship(market, second, seller_b)

    tx = market.confirm(first.terms, {"from": buyer})
    paid = tx.events["CommissionPaid"]
    assert str(paid["orderId"]) == first.id
    assert paid["referrer"] == referrer and paid["amount"] == COMMISSION
    assert tx.events["OrderCompleted"]["toSeller"] == PROCEEDS - COMMISSION
    assert tx.events["OrderCompleted"]["fee"] == FEE_SATS

    tx = market.confirm(second.terms, {"from": buyer})
    escrow_b = 400_000  # 2 x $200
    proceeds_b = escrow_b - escrow_b // 100
    commission_b = proceeds_b * 500 // 10_000  # 19,800
    assert tx.events["CommissionPaid"]["amount"] == commission_b
    assert tx.events["OrderCompleted"]["toSeller"] == proceeds_b - commission_b

    assert wbtc.balanceOf(referrer) == before[referrer] + COMMISSION + commission_b
    assert wbtc.balanceOf(seller) == before[seller] + PROCEEDS - COMMISSION
    assert wbtc.balanceOf(seller_b) == before[seller_b] + proceeds_b - commission_b
    fees = market.feesAccrued(wbtc) - fees_before
    assert fees == FEE_SATS + escrow_b // 100
    # Every satoshi the buyer paid is somewhere: sellers, referrer, fees.
    paid_in = before[buyer] - wbtc.balanceOf(buyer)
    paid_out = sum(wbtc.balanceOf(a) - before[a] for a in (seller, seller_b, referrer))
    assert paid_in == PRICE_SATS + escrow_b == paid_out + fees
    assert wbtc.balanceOf(market) == held_before + fees and market.escrowed(wbtc) == 0


def test_a_confirm_batch_pays_each_orders_commission(
    market, affiliated, affiliated_b, buyer, seller, seller_b, referrer, wbtc, arbiter
):
    _, orders = buy_cart(
        market, buyer, [(affiliated, 1), (affiliated_b, 1)], wbtc, arbiter, referrer=referrer
    )
    ship(market, orders[0], seller)
    ship(market, orders[1], seller_b)
    before = wbtc.balanceOf(referrer)
    tx = market.confirmBatch([o.terms for o in orders], {"from": buyer})
    commission_b = (200_000 - 2_000) * 500 // 10_000
    assert [e["amount"] for e in tx.events["CommissionPaid"]] == [COMMISSION, commission_b]
    assert wbtc.balanceOf(referrer) == before + COMMISSION + commission_b


def test_a_usd_protected_orders_commission_leaves_out_the_buffer_returned_to_the_buyer(
    market, protected_listing, buyer, seller, referrer, wbtc, arbiter
):
    market.setCommission(protected_listing, RATE, {"from": seller})
    market.setReferrer(referrer, True, {"from": seller})
    _, (order,) = buy_cart(
        market, buyer, [(protected_listing, 1)], wbtc, arbiter, referrer=referrer
    )
    assert market.getOrder(order.id)["amount"] == 1_100_000  # the price and a 10 % buffer
    ship(market, order, seller)
    before = {a: wbtc.balanceOf(a) for a in (buyer, seller, referrer)}
    tx = market.confirm(order.terms, {"from": buyer})
    assert tx.events["OrderCompleted"]["toBuyer"] == 100_000  # the buffer, at an unmoved price
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION  # of $1,000 less the fee only
    assert wbtc.balanceOf(buyer) == before[buyer] + 100_000
    assert wbtc.balanceOf(seller) == before[seller] + PROCEEDS - COMMISSION
    assert wbtc.balanceOf(referrer) == before[referrer] + COMMISSION


def test_a_cart_without_a_referrer_carries_no_commission_and_pays_none(
    market, affiliated, buyer, seller, referrer, wbtc, arbiter
):
    _, (order,) = buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter)
    assert order.term("referrer") == brownie.ZERO_ADDRESS
    assert order.term("commissionBps") == 0  # although the listing offers 10 %
    ship(market, order, seller)
    before = wbtc.balanceOf(seller)
    tx = market.confirm(order.terms, {"from": buyer})
    assert "CommissionPaid" not in tx.events
    assert tx.events["OrderCompleted"]["toSeller"] == PROCEEDS
    assert wbtc.balanceOf(seller) == before + PROCEEDS


def test_a_referrer_of_a_listing_without_commission_earns_nothing(
    market, listing, buyer, seller, referrer, wbtc, arbiter
):
    _, (order,) = buy_cart(market, buyer, [(listing, 1)], wbtc, arbiter, referrer=referrer)
    assert order.term("referrer") == referrer and order.term("commissionBps") == 0
    ship_and_confirm(market, order, (buyer, seller, referrer), wbtc, 0)


# --- self-referral ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["buyer", "seller_of_line_2", "arbiter"])
def test_a_referrer_who_is_the_buyer_a_lines_seller_or_the_arbiter_is_refused(
    who, market, affiliated, affiliated_b, buyer, seller_b, arbiter, wbtc
):
    self_referrer = {"buyer": buyer, "seller_of_line_2": seller_b, "arbiter": arbiter}[who]
    before = (
        wbtc.balanceOf(buyer),
        market.getListing(affiliated)["stock"],
        market.getListing(affiliated_b)["stock"],
        market.tokenBook(wbtc)["orderCount"],
    )
    with brownie.reverts(err("MarketplaceReferrerInvalid", self_referrer)):
        buy_cart(
            market,
            buyer,
            [(affiliated, 1), (affiliated_b, 1)],
            wbtc,
            arbiter,
            referrer=self_referrer,
        )
    assert before == (
        wbtc.balanceOf(buyer),
        market.getListing(affiliated)["stock"],
        market.getListing(affiliated_b)["stock"],
        market.tokenBook(wbtc)["orderCount"],
    )


@pytest.mark.parametrize("who", ["the marketplace", "the payment token"])
def test_a_referrer_that_is_the_marketplace_or_the_payment_token_is_refused(
    who, market, affiliated, buyer, arbiter, wbtc
):
    """Review finding F2: a commission paid to the marketplace itself would sit unbooked (or,
    credited, be claimable by nobody); one paid to the token contract would be lost."""
    sink = {"the marketplace": market, "the payment token": wbtc}[who]
    count = market.tokenBook(wbtc)["orderCount"]
    with brownie.reverts(err("MarketplaceReferrerInvalid", sink)):
        buy_cart(market, buyer, [(affiliated, 1)], wbtc, arbiter, referrer=sink)
    assert market.tokenBook(wbtc)["orderCount"] == count


# --- nothing when the buyer gets everything back ------------------------------------------


def test_a_full_refund_a_cancel_or_a_reclaim_pays_the_referrer_nothing(
    market, affiliated, buyer, seller, referrer, wbtc, arbiter, deployer
):
    _, (refunded, cancelled, reclaimed) = buy_cart(
        market, buyer, [(affiliated, 1)] * 3, wbtc, arbiter, referrer=referrer
    )
    assert all(o.term("commissionBps") == RATE for o in (refunded, cancelled, reclaimed))
    ship(market, refunded, seller)
    before = wbtc.balanceOf(referrer), wbtc.balanceOf(buyer)
    txs = [market.refund(refunded.terms, PRICE_SATS, {"from": seller})]
    txs.append(market.cancel(cancelled.terms, {"from": seller}))
    next_block_at(market.getOrder(reclaimed.id)["deadline"] + 1)
    txs.append(market.reclaim(reclaimed.terms, {"from": deployer}))
    assert all("CommissionPaid" not in tx.events for tx in txs)
    statuses = [market.getOrder(o.id)["status"] for o in (refunded, cancelled, reclaimed)]
    assert statuses == [REFUNDED, CANCELLED, REFUNDED]
    assert wbtc.balanceOf(referrer) == before[0]
    assert market.credits(referrer, wbtc) == 0
    assert wbtc.balanceOf(buyer) == before[1] + 3 * PRICE_SATS


def test_after_a_partial_refund_the_commission_is_on_what_the_seller_keeps(
    market, referred, buyer, seller, referrer, wbtc
):
    market.refund(referred.terms, 400_000, {"from": seller})
    kept = 600_000 - 6_000  # the rest of the escrow less the 1 % fee
    commission = kept * RATE // 10_000  # 59,400
    ship_and_confirm(market, referred, (buyer, seller, referrer), wbtc, commission, kept)


# --- rulings and release ------------------------------------------------------------------


def test_a_ruling_pays_the_commission_on_the_sellers_part_after_the_fee(
    market, referred, buyer, seller, referrer, arbiter, wbtc
):
    market.openDispute(referred.terms, EVIDENCE, {"from": buyer})
    before = {a: wbtc.balanceOf(a) for a in (buyer, seller, referrer, arbiter)}
    fees_before = market.feesAccrued(wbtc)
    tx = market.resolveDispute(referred.terms, 3_000, {"from": arbiter})  # 30 % to the buyer
    arbiter_fee = PRICE_SATS * 200 // 10_000  # 20,000
    seller_gross = (PRICE_SATS - arbiter_fee) * 7_000 // 10_000  # 686,000
    fee = seller_gross // 100  # 6,860
    commission = (seller_gross - fee) * RATE // 10_000  # 67,914
    to_buyer = PRICE_SATS - seller_gross - arbiter_fee  # 294,000
    resolved = tx.events["DisputeResolved"]
    assert resolved["toSeller"] == seller_gross - fee - commission  # net of the commission
    assert resolved["toBuyer"] == to_buyer and resolved["fee"] == fee
    assert resolved["arbiterFee"] == arbiter_fee
    assert tx.events["CommissionPaid"]["amount"] == commission
    assert tx.events["CommissionPaid"]["referrer"] == referrer
    assert wbtc.balanceOf(seller) == before[seller] + seller_gross - fee - commission
    assert wbtc.balanceOf(referrer) == before[referrer] + commission
    assert wbtc.balanceOf(buyer) == before[buyer] + to_buyer
    assert wbtc.balanceOf(arbiter) == before[arbiter] + arbiter_fee
    assert market.feesAccrued(wbtc) == fees_before + fee
    assert market.getOrder(referred.id)["status"] == RESOLVED


def test_a_ruling_all_for_the_buyer_pays_the_referrer_nothing(
    market, referred, buyer, referrer, arbiter, wbtc
):
    market.openDispute(referred.terms, EVIDENCE, {"from": buyer})
    before = wbtc.balanceOf(referrer)
    tx = market.resolveDispute(referred.terms, 10_000, {"from": arbiter})
    assert "CommissionPaid" not in tx.events
    assert tx.events["DisputeResolved"]["toSeller"] == 0
    assert wbtc.balanceOf(referrer) == before


def test_the_default_ruling_pays_the_commission_on_the_sellers_half(
    market, referred, buyer, seller, referrer, deployer, wbtc
):
    ship(market, referred, seller)
    market.openDispute(referred.terms, EVIDENCE, {"from": buyer})
    # Reads first: under --coverage they are sent as transactions and would take the pinned block.
    before = wbtc.balanceOf(referrer), wbtc.balanceOf(seller)
    deadline = market.getOrder(referred.id)["deadline"]
    next_block_at(deadline + 1)
    tx = market.resolveAfterTimeout(referred.terms, {"from": deployer})
    half = PRICE_SATS // 2
    commission = (half - half // 100) * RATE // 10_000  # 49,500
    assert tx.events["CommissionPaid"]["amount"] == commission
    assert tx.events["DisputeResolved"]["toSeller"] == half - half // 100 - commission
    assert wbtc.balanceOf(referrer) == before[0] + commission
    assert wbtc.balanceOf(seller) == before[1] + half - half // 100 - commission


def test_the_release_after_the_confirmation_window_pays_the_commission(
    market, referred, seller, referrer, deployer, wbtc
):
    ship(market, referred, seller)
    before = wbtc.balanceOf(referrer), wbtc.balanceOf(seller)  # reads first (see above)
    deadline = market.getOrder(referred.id)["deadline"]
    next_block_at(deadline + 1)
    tx = market.release(referred.terms, {"from": deployer})
    assert tx.events["OrderCompleted"]["confirmed"] is False
    assert tx.events["CommissionPaid"]["amount"] == COMMISSION
    assert wbtc.balanceOf(referrer) == before[0] + COMMISSION
    assert wbtc.balanceOf(seller) == before[1] + PROCEEDS - COMMISSION
    assert market.getOrder(referred.id)["status"] == COMPLETED


# --- a referrer that cannot receive never blocks the order --------------------------------


@pytest.fixture
def rusd(ReentrantToken, market, oracle, usdc_usd, deployer, buyer):
    return add_stablecoin(ReentrantToken, market, oracle, usdc_usd, deployer, buyer)


@pytest.fixture
def busd(BlacklistToken, market, oracle, usdc_usd, deployer, buyer):
    return add_stablecoin(BlacklistToken, market, oracle, usdc_usd, deployer, buyer)


def test_a_referrer_contract_whose_receipt_reverts_is_credited_and_claims_later(
    market, rusd, MaliciousReceiver, buyer, seller, arbiter, deployer, accounts
):
    contract = MaliciousReceiver.deploy(market, {"from": deployer})
    item = list_item(market, seller, 100 * USD, [rusd])
    market.setCommission(item, RATE, {"from": seller})
    market.setReferrer(contract, True, {"from": seller})
    _, (order,) = buy_cart(market, buyer, [(item, 1)], rusd, arbiter, referrer=contract)
    ship(market, order, seller)
    # Paid, the contract tries to re-enter and then reverts: its payout fails.
    rusd.setHooked(contract, True, {"from": deployer})
    contract.arm(order.terms, True, {"from": deployer})
    tx = market.confirm(order.terms, {"from": buyer})
    proceeds = 99 * 10**6
    commission = proceeds * RATE // 10_000  # 9.9 RUSD
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert tx.events["CommissionPaid"]["referrer"] == contract
    credited = tx.events["PaymentCredited"]
    assert (credited["account"], credited["token"], credited["amount"]) == (
        contract,
        rusd,
        commission,
    )
    assert rusd.balanceOf(contract) == 0
    assert rusd.balanceOf(seller) == proceeds - commission
    assert market.credits(contract, rusd) == market.creditsOutstanding(rusd) == commission
    assert rusd.balanceOf(market) == commission + 10**6  # the credit and the fee
    wallet = accounts[4]
    before = rusd.balanceOf(wallet)
    contract.claim(rusd, wallet, {"from": deployer})
    assert rusd.balanceOf(wallet) == before + commission
    assert market.credits(contract, rusd) == market.creditsOutstanding(rusd) == 0


def test_a_blacklisted_referrer_is_credited_and_claims_to_another_address(
    market, busd, buyer, seller, referrer, arbiter, accounts
):
    item = list_item(market, seller, 100 * USD, [busd])
    market.setCommission(item, RATE, {"from": seller})
    market.setReferrer(referrer, True, {"from": seller})
    _, (order,) = buy_cart(market, buyer, [(item, 1)], busd, arbiter, referrer=referrer)
    ship(market, order, seller)
    busd.setBlacklisted(referrer, True, {"from": seller})
    tx = market.confirm(order.terms, {"from": buyer})
    proceeds = 99 * 10**6
    commission = proceeds * RATE // 10_000
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert tx.events["PaymentCredited"]["account"] == referrer
    assert tx.events["PaymentCredited"]["amount"] == commission
    assert busd.balanceOf(seller) == proceeds - commission
    assert busd.balanceOf(referrer) == 0
    assert market.credits(referrer, busd) == market.creditsOutstanding(busd) == commission
    with brownie.reverts(err("BlacklistTokenBlocked", referrer)):
        market.claim(busd, referrer, {"from": referrer})  # still blacklisted
    wallet = accounts[4]
    claimed = market.claim(busd, wallet, {"from": referrer})
    assert claimed.events["CreditClaimed"]["amount"] == commission
    assert busd.balanceOf(wallet) == commission
    assert market.credits(referrer, busd) == market.creditsOutstanding(busd) == 0
    assert busd.balanceOf(market) == market.feesAccrued(busd) == 10**6


# --- royalty and commission together ------------------------------------------------------


def test_a_resold_digital_item_pays_royalty_and_commission_from_the_proceeds(
    market, goods, buyer, seller, seller_b, referrer, wbtc, arbiter, deployer
):
    """The creator (`seller`, 5 % royalty) sold the item to `buyer`, who resells it with a
    10 % commission; `seller_b` buys it through `referrer`."""
    item = mint_item(goods, seller, b"\x66" * 32, royalty_bps=500)
    first = buy(market, buyer, list_digital(market, seller, item, 100 * USD, [wbtc]), wbtc, arbiter)
    market.confirm(first.terms, {"from": buyer})
    resale = list_digital(market, buyer, item, 100 * USD, [wbtc])
    market.setCommission(resale, RATE, {"from": buyer})
    market.setReferrer(referrer, True, {"from": buyer})
    wbtc.mint(seller_b, SATS, {"from": deployer})
    wbtc.approve(market, 2**256 - 1, {"from": seller_b})
    _, (order,) = buy_cart(market, seller_b, [(resale, 1)], wbtc, arbiter, referrer=referrer)
    assert goods.ownerOf(item) == seller_b
    before = {a: wbtc.balanceOf(a) for a in (buyer, seller, referrer)}
    fees_before = market.feesAccrued(wbtc)
    tx = market.confirm(order.terms, {"from": seller_b})
    escrow = 100_000
    proceeds = escrow - escrow // 100  # 99,000
    royalty = proceeds * 500 // 10_000  # 4,950
    commission = proceeds * RATE // 10_000  # 9,900
    assert tx.events["RoyaltyPaid"]["receiver"] == seller
    assert tx.events["RoyaltyPaid"]["amount"] == royalty
    assert tx.events["CommissionPaid"]["amount"] == commission
    assert tx.events["OrderCompleted"]["toSeller"] == proceeds - royalty - commission
    assert wbtc.balanceOf(seller) == before[seller] + royalty
    assert wbtc.balanceOf(referrer) == before[referrer] + commission
    assert wbtc.balanceOf(buyer) == before[buyer] + proceeds - royalty - commission
    assert market.feesAccrued(wbtc) == fees_before + escrow // 100
    assert market.getOrder(order.id)["status"] == COMPLETED


def test_commission_orders_start_paid_and_hold_their_escrow_until_settled(
    market, referred, wbtc, referrer
):
    state = market.getOrder(referred.id)
    assert state["status"] == PAID and state["amount"] == PRICE_SATS
    assert market.escrowed(wbtc) == PRICE_SATS
    assert wbtc.balanceOf(referrer) == 0 and market.credits(referrer, wbtc) == 0


def test_a_royalty_that_leaves_less_than_the_commission_is_capped_and_the_order_completes(
    EscrowMarketplace,
    ReferenceGoods,
    oracle,
    deployer,
    treasury,
    guardian,
    wbtc,
    arbiter,
    buyer,
    seller,
    seller_b,
    referrer,
):
    """Review finding F3: with a goods contract that asks a 90 % ERC-2981 royalty, royalty plus
    a 20 % commission exceed the proceeds; the commission is paid first and the royalty capped
    at what is left, so the order completes (an underflow would lock its escrow for ever)."""
    goods = ReferenceGoods.deploy({"from": deployer})
    market = EscrowMarketplace.deploy(
        deployer,
        oracle,
        treasury,
        guardian,
        goods,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        brownie.ZERO_ADDRESS,
        {"from": deployer},
    )
    market.addPaymentToken(wbtc, {"from": deployer})
    market.setArbiter(arbiter, True, {"from": deployer})
    goods.safeMint(seller, "ipfs://greedy", b"\x67" * 32, 9_000, {"from": seller})
    goods.transferFrom(seller, seller_b, 1, {"from": seller})  # the creator sold it on
    goods.setApprovalForAll(market, True, {"from": seller_b})
    resale = list_digital(market, seller_b, 1, 100 * USD, [wbtc])
    market.setCommission(resale, 2_000, {"from": seller_b})
    market.setReferrer(referrer, True, {"from": seller_b})
    wbtc.mint(buyer, SATS, {"from": deployer})
    wbtc.approve(market, 2**256 - 1, {"from": buyer})
    _, (order,) = buy_cart(market, buyer, [(resale, 1)], wbtc, arbiter, referrer=referrer)
    before = {a: wbtc.balanceOf(a) for a in (seller, seller_b, referrer)}
    tx = market.confirm(order.terms, {"from": buyer})
    escrow = 100_000
    proceeds = escrow - escrow // 100
    commission = proceeds * 2_000 // 10_000
    assert tx.events["CommissionPaid"]["amount"] == commission
    assert tx.events["RoyaltyPaid"]["amount"] == proceeds - commission
    assert tx.events["OrderCompleted"]["toSeller"] == 0
    assert wbtc.balanceOf(referrer) == before[referrer] + commission
    assert wbtc.balanceOf(seller) == before[seller] + proceeds - commission
    assert wbtc.balanceOf(seller_b) == before[seller_b]
    assert market.getOrder(order.id)["status"] == COMPLETED
    assert market.escrowed(wbtc) == 0
