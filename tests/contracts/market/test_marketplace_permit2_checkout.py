"""Gasless checkout: `checkoutCartWithPermit2` writes a cart exactly as `checkoutCart` does,
paid by the buyer's Permit2 signature (SignatureTransfer with the cart as witness) that anyone
may submit for the relayer fee the buyer signed. The buyer holds no ETH after its one approval
of Permit2.

The attacks named by issue K: a replayed and a cross-chain signature; a witness for one cart
used for another (other seller, amount, listing, quantity, arbiter, referrer, fee, buyer,
token, deadline); a fee above the cap; a signature for another spender; a front-run
submission (the buyer's later checkouts still work, nothing stuck)."""

import brownie
import pytest
from eth_account import Account
from eth_account._utils.encode_typed_data.encoding_and_hashing import encode_type

from bazaar.settings import POINT
from bazaar.signing import permit2 as typed
from bazaar.signing.eip712 import sign_typed
from tests.support.cli import DEV_KEYS
from tests.support.helpers import (
    FAR_FUTURE,
    PAID,
    SHIPPED,
    USD,
    Order,
    buy,
    cart,
    err,
    list_digital,
    list_item,
    mint_item,
    next_block_at,
    transfers_from,
)

LISTING_SATS = 1_000_000  # $1,000 at $100,000 per BTC
FEE = 1_000  # sats, $1: 0.1 % of $1,000, within the cap of a $40 line too
TRACKING = b"\x22" * 32


@pytest.fixture(scope="module")
def shopper(accounts, market, permit2, wbtc, deployer):
    """A buyer with 1 WBTC and no ETH at all that approved Permit2 once (free here: the test
    chain's base fee is zero; on a real chain, the one approval is the only gas it ever pays).
    It signs; it never sends. (account, eth-account key)."""
    account = accounts.add()
    wbtc.mint(account, 10**8, {"from": deployer})
    wbtc.approve(permit2, 2**256 - 1, {"from": account, "gas_price": 0})
    assert account.balance() == 0
    return account, Account.from_key(account.private_key)


@pytest.fixture(scope="module")
def relayer(accounts):
    return accounts[9]


@pytest.fixture(scope="module")
def seller_b(accounts):
    return accounts[3]


@pytest.fixture(scope="module")
def gadget(market, seller, wbtc):
    """The seller's second listing: $250, 5 in stock, WBTC."""
    return list_item(market, seller, 250 * USD, [wbtc], stock=5)


@pytest.fixture(scope="module")
def trinket(market, seller_b, wbtc):
    """The second seller's $40, 6 in stock, WBTC."""
    return list_item(market, seller_b, 40 * USD, [wbtc], stock=6)


def signed_payment(
    market, permit2, signer, the_cart, fee=FEE, nonce=1, chain_id=None, spender=None
):
    """The Permit2Payment tuple for `the_cart`, signed by `signer` (eth-account)."""
    rows, token, max_total, deadline, arbiter, referrer = the_cart
    data = typed.cart_checkout(
        chain_id if chain_id is not None else brownie.chain.id,
        permit2.address,
        spender or market.address,
        {
            "lines": rows,
            "token": str(token),
            "maxTotal": max_total,
            "deadline": deadline,
            "arbiter": str(arbiter),
            "referrer": str(referrer),
        },
        fee,
        nonce,
    )
    return (signer.address, fee, nonce, sign_typed(signer, data))


def relay(market, the_cart, payment, relayer):
    tx = market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})
    return tx, Order.all_from_tx(tx)


def nonce_used(permit2, owner, nonce) -> bool:
    word, bit = typed.nonce_position(nonce)
    return bool(permit2.nonceBitmap(owner, word) >> bit & 1)


# --- the witness -----------------------------------------------------------------------------


def test_the_witness_type_string_is_what_eth_account_encodes_for_the_signed_message():
    data = typed.cart_checkout(
        1,
        "0x" + "11" * 20,
        "0x" + "22" * 20,
        {
            "lines": [(1, 1, 0)],
            "token": "0x" + "33" * 20,
            "maxTotal": 1,
            "deadline": 1,
            "arbiter": "0x" + "44" * 20,
            "referrer": "0x" + "55" * 20,
        },
        0,
        0,
    )
    types = {k: v for k, v in data["types"].items() if k != "EIP712Domain"}
    assert encode_type("PermitWitnessTransferFrom", types) == (
        typed.PERMIT_WITNESS_TRANSFER_FROM_STUB + typed.WITNESS_TYPE_STRING
    )


# --- a relayed checkout -----------------------------------------------------------------------


def test_a_buyer_without_eth_signs_a_cart_that_another_account_relays_for_the_signed_fee(
    market, permit2, listing, trinket, shopper, relayer, wbtc, arbiter, seller, seller_b
):
    account, key = shopper
    the_cart = cart([(listing, 1), (trinket, 2)], wbtc, arbiter, max_total=1_100_000)
    total = LISTING_SATS + 2 * 40_000
    payment = signed_payment(market, permit2, key, the_cart, nonce=7)
    buyer_before, relayer_before = wbtc.balanceOf(account), wbtc.balanceOf(relayer)
    escrow_before = market.escrowed(wbtc)

    tx, orders = relay(market, the_cart, payment, relayer)

    assert [o.term("buyer") for o in orders] == [account, account]
    assert [o.term("seller") for o in orders] == [seller, seller_b]
    assert [market.getOrder(o.id)["status"] for o in orders] == [PAID, PAID]
    assert [str(order_id) for order_id in tx.return_value] == [o.id for o in orders]
    assert wbtc.balanceOf(account) == buyer_before - total - FEE
    assert wbtc.balanceOf(relayer) == relayer_before + FEE
    assert market.escrowed(wbtc) == escrow_before + total
    assert account.balance() == 0  # the buyer never paid gas
    relayed = tx.events["CartRelayed"][0]
    assert (relayed["buyer"], relayed["relayer"], relayed["token"]) == (account, relayer, wbtc)
    assert (relayed["fee"], relayed["nonce"]) == (FEE, 7)
    assert nonce_used(permit2, account, 7)
    # One pull from the buyer, by Permit2, of the total and the fee.
    pulls = transfers_from(tx, wbtc, account)
    assert [(p["to"], p["value"]) for p in pulls] == [(market, total + FEE)]


def test_a_relayed_order_lives_like_any_other_order(
    market, permit2, listing, shopper, relayer, wbtc, arbiter, seller
):
    _account, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE)
    _tx, (order,) = relay(market, the_cart, signed_payment(market, permit2, key, the_cart), relayer)
    market.ship(order.terms, TRACKING, {"from": seller})
    seller_before = wbtc.balanceOf(seller)
    # The buyer has no ETH: a relayed confirm is not part of this; the window releases it.
    next_block_at(market.getOrder(order.id)["deadline"] + 1)
    market.release(order.terms, {"from": relayer})
    assert wbtc.balanceOf(seller) - seller_before == LISTING_SATS - LISTING_SATS // 100


def test_a_buyer_may_submit_its_own_signed_cart_without_a_fee(
    market, permit2, listing, buyer, wbtc, arbiter
):
    key = Account.from_key(DEV_KEYS["buyer"])
    wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    the_cart = cart([(listing, 2)], wbtc, arbiter, max_total=2 * LISTING_SATS)
    before = wbtc.balanceOf(buyer)
    tx, orders = relay(
        market, the_cart, signed_payment(market, permit2, key, the_cart, fee=0), buyer
    )
    assert len(orders) == 1 and orders[0].term("buyer") == buyer
    assert wbtc.balanceOf(buyer) == before - 2 * LISTING_SATS
    assert tx.events["CartRelayed"][0]["fee"] == 0


def test_points_and_digital_items_of_a_signed_cart_are_the_signers(
    market, permit2, goods, points, order, shopper, relayer, wbtc, arbiter, seller, buyer
):
    account, key = shopper
    market.ship(order.terms, TRACKING, {"from": seller})
    market.confirm(order.terms, {"from": buyer})  # the buyer earns 1,000 points
    redeem = 100 * POINT  # $1 off
    points.transfer(account, redeem, {"from": buyer})
    held = points.balanceOf(account)
    discounted = list_item(market, seller, 1_000 * USD, [wbtc], points_cap_bps=2_000)
    song = list_digital(market, seller, mint_item(goods, seller), 10 * USD, [wbtc])
    the_cart = cart([(discounted, 1, redeem), (song, 1)], wbtc, arbiter)
    _tx, orders = relay(market, the_cart, signed_payment(market, permit2, key, the_cart), relayer)
    assert goods.ownerOf(market.getListing(song)["goodsTokenId"]) == account
    assert market.getOrder(orders[1].id)["status"] == SHIPPED
    assert points.balanceOf(account) == held - redeem
    assert market.getOrder(orders[0].id)["pointsEscrowed"] == redeem


# --- refusals: nothing changes ---------------------------------------------------------------


def test_a_replayed_signature_is_refused_and_changes_nothing(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    account, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE)
    payment = signed_payment(market, permit2, key, the_cart, nonce=3)
    relay(market, the_cart, payment, relayer)
    before = (wbtc.balanceOf(account), market.getListing(listing)["stock"], market.escrowed(wbtc))
    with brownie.reverts(err("InvalidNonce")):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})
    assert before == (
        wbtc.balanceOf(account),
        market.getListing(listing)["stock"],
        market.escrowed(wbtc),
    )


def test_a_signature_made_for_another_chain_is_refused(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    _, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE)
    payment = signed_payment(market, permit2, key, the_cart, chain_id=brownie.chain.id + 1)
    with brownie.reverts(err("InvalidSigner")):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


def test_a_signature_for_another_spender_is_refused(
    market, permit2, listing, shopper, relayer, wbtc, arbiter, stranger
):
    _, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE)
    payment = signed_payment(market, permit2, key, the_cart, spender=stranger.address)
    with brownie.reverts(err("InvalidSigner")):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


@pytest.mark.parametrize(
    "field",
    [
        "listing",
        "seller",
        "quantity",
        "line_added",
        "max_total",
        "arbiter",
        "referrer",
        "deadline",
        "token",
        "fee",
        "buyer",
    ],
)
def test_a_relayer_that_changes_any_field_of_the_signed_cart_is_refused(
    market,
    permit2,
    listing,
    gadget,
    trinket,
    shopper,
    relayer,
    wbtc,
    usdc,
    arbiter,
    arbiter_b,
    stranger,
    buyer,
    field,
):
    account, key = shopper
    signed_cart = cart([(listing, 1)], wbtc, arbiter, max_total=10**10, deadline=FAR_FUTURE)
    payment = signed_payment(market, permit2, key, signed_cart)
    rows, token, max_total, deadline, arb, referrer = signed_cart
    fee, who = payment[1], payment[0]
    if field == "listing":
        rows = [(gadget, 1, 0)]  # same seller, another listing
    elif field == "seller":
        rows = [(trinket, 1, 0)]  # another seller
    elif field == "quantity":
        rows = [(listing, 2, 0)]
    elif field == "line_added":
        rows = [(listing, 1, 0), (trinket, 1, 0)]
    elif field == "max_total":
        max_total = max_total + 1
    elif field == "arbiter":
        arb = arbiter_b
    elif field == "referrer":
        referrer = stranger
    elif field == "deadline":
        deadline = deadline - 1
    elif field == "token":
        token = usdc
    elif field == "fee":
        fee = fee + 1
    elif field == "buyer":
        who = buyer.address  # a buyer who approved Permit2 too
        usdc.approve(permit2, 2**256 - 1, {"from": buyer})
        wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    altered = (rows, token, max_total, deadline, arb, referrer)
    before = wbtc.balanceOf(account)
    with brownie.reverts(err("InvalidSigner")):
        market.checkoutCartWithPermit2(
            altered, (who, fee, payment[2], payment[3]), {"from": relayer}
        )
    assert wbtc.balanceOf(account) == before and not nonce_used(permit2, account, payment[2])


def test_a_relayer_fee_above_three_percent_of_the_total_is_refused_even_when_signed(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    _, key = shopper
    cap = LISTING_SATS * 300 // 10_000
    assert market.MAX_RELAYER_FEE_BPS() == 300
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + cap + 1)
    over = signed_payment(market, permit2, key, the_cart, fee=cap + 1, nonce=11)
    with brownie.reverts(err("MarketplaceRelayerFeeAboveCap", cap + 1, cap)):
        market.checkoutCartWithPermit2(the_cart, over, {"from": relayer})
    at_cap = signed_payment(market, permit2, key, the_cart, fee=cap, nonce=12)
    tx, _ = relay(market, the_cart, at_cap, relayer)
    assert tx.events["CartRelayed"][0]["fee"] == cap


def test_an_expired_signed_cart_is_refused_and_one_in_its_last_second_is_accepted(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    _, key = shopper
    deadline = brownie.chain.time() + 100
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE, deadline=deadline)
    payment = signed_payment(market, permit2, key, the_cart)
    next_block_at(deadline + 1)
    with brownie.reverts(err("MarketplaceCheckoutExpired", deadline, deadline + 1)):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})
    brownie.chain.undo()
    next_block_at(deadline)
    relay(market, the_cart, payment, relayer)


def test_a_signed_cart_whose_price_rose_above_its_max_total_is_refused(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    _, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS - 1)
    payment = signed_payment(market, permit2, key, the_cart)
    with brownie.reverts(err("MarketplacePriceAboveMax", LISTING_SATS, LISTING_SATS - 1)):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


def test_a_signed_cart_whose_total_and_fee_exceed_its_max_total_is_refused(
    market, permit2, listing, shopper, relayer, wbtc, arbiter
):
    """`maxTotal` is the most the buyer pays in all: the cart within it but not the fee."""
    _, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE - 1)
    payment = signed_payment(market, permit2, key, the_cart)
    with brownie.reverts(
        err("MarketplacePriceAboveMax", LISTING_SATS + FEE, LISTING_SATS + FEE - 1)
    ):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


def test_a_signed_cart_whose_second_line_fails_changes_nothing_and_its_nonce_stays_unused(
    market, permit2, listing, trinket, shopper, relayer, wbtc, arbiter
):
    account, key = shopper
    the_cart = cart([(listing, 1), (trinket, 7)], wbtc, arbiter)  # 6 in stock
    payment = signed_payment(market, permit2, key, the_cart, nonce=5)
    before = (wbtc.balanceOf(account), market.getListing(listing)["stock"], market.escrowed(wbtc))
    with brownie.reverts(err("MarketplaceOutOfStock", trinket, 7, 6)):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})
    assert before == (
        wbtc.balanceOf(account),
        market.getListing(listing)["stock"],
        market.escrowed(wbtc),
    )
    assert not nonce_used(permit2, account, 5)


def test_a_signed_cart_while_paused_is_refused(
    market, permit2, listing, shopper, relayer, wbtc, arbiter, guardian
):
    _, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter)
    payment = signed_payment(market, permit2, key, the_cart)
    market.setPaused(True, {"from": guardian})
    with brownie.reverts(err("MarketplacePaused")):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


def test_a_marketplace_without_permit2_refuses_signed_carts(
    plain_market, permit2, wbtc, arbiter, shopper, relayer, seller
):
    _, key = shopper
    item = list_item(plain_market, seller, 1_000 * USD, [wbtc])
    the_cart = cart([(item, 1)], wbtc, arbiter)
    payment = signed_payment(plain_market, permit2, key, the_cart)
    assert plain_market.permit2() == brownie.ZERO_ADDRESS
    with brownie.reverts(err("MarketplacePermit2NotEnabled")):
        plain_market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})


# --- front-running ------------------------------------------------------------------------------


def test_a_front_run_submission_pays_the_front_runner_once_and_the_buyers_later_checkouts_work(
    market, permit2, listing, shopper, relayer, stranger, wbtc, arbiter
):
    """Someone copies the signed cart from the mempool and submits it first: the cart is
    bought once, exactly as signed (the front-runner only takes the fee the buyer offered to
    whoever submits); the intended relayer's submission then fails cleanly on the used nonce;
    the buyer's next signed cart and a cancelled nonce both behave."""
    account, key = shopper
    the_cart = cart([(listing, 1)], wbtc, arbiter, max_total=LISTING_SATS + FEE)
    payment = signed_payment(market, permit2, key, the_cart, nonce=21)
    before = wbtc.balanceOf(account)
    relay(market, the_cart, payment, stranger)
    with brownie.reverts(err("InvalidNonce")):
        market.checkoutCartWithPermit2(the_cart, payment, {"from": relayer})
    assert wbtc.balanceOf(account) == before - LISTING_SATS - FEE  # bought once
    # The next signed cart goes through.
    relay(market, the_cart, signed_payment(market, permit2, key, the_cart, nonce=22), relayer)
    # A signed cart the buyer changed its mind about: the buyer cancels its nonce (here sent by
    # an account with gas) and nobody can use it.
    pending = signed_payment(market, permit2, key, the_cart, nonce=23)
    word, bit = typed.nonce_position(23)
    permit2.invalidateUnorderedNonces(word, 1 << bit, {"from": account, "gas_price": 0})
    assert nonce_used(permit2, account, 23)
    with brownie.reverts(err("InvalidNonce")):
        market.checkoutCartWithPermit2(the_cart, pending, {"from": relayer})


def test_a_plain_checkout_still_works_after_the_buyer_approved_permit2(
    market, permit2, listing, buyer, wbtc, arbiter
):
    wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    order = buy(market, buyer, listing, wbtc, arbiter)
    assert market.getOrder(order.id)["status"] == PAID
