"""The client's carts, batches and commissions: a cart's orders come from its receipt in the
order of its lines, after one approval at most; the batches and the commission go through in
one transaction each; what the client can see is wrong is refused as `InputRefused` with
nothing sent; a referrer earns only from sellers who approved it (`set_referrer`,
`is_referrer`, `commission_for`); a referrer's earnings come from the CommissionPaid logs with
each order's token."""

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import (
    MAX_CART_LINES,
    MAX_COMMISSION_BPS,
    CartLine,
    MarketplaceClient,
    parse_order_id,
)
from bazaar.errors import BazaarError, InputRefused, RevertError
from bazaar.tx import TxSender
from tests.support.cli import DEV_KEYS
from tests.support.helpers import FAR_FUTURE


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


def client(w3, market, who) -> MarketplaceClient:
    return MarketplaceClient(w3, market.address, TxSender(w3, Account.from_key(DEV_KEYS[who])))


def test_the_clients_bounds_are_the_contracts(market):
    bounds = (market.MAX_CART_LINES(), market.MAX_COMMISSION_BPS())
    assert bounds == (MAX_CART_LINES, MAX_COMMISSION_BPS)


def test_a_carts_orders_come_from_its_receipt_in_the_order_of_its_lines(
    w3, market, listing, wbtc, arbiter, buyer, monkeypatch
):
    def no_scan(*args, **kwargs):
        raise AssertionError("the cart checkout scanned the logs for its own orders")

    monkeypatch.setattr(MarketplaceClient, "logs", no_scan)
    buying = client(w3, market, "buyer")
    token = Erc20Client(w3, wbtc.address, buying.sender)
    lines = [CartLine(listing, 2), CartLine(listing, 1)]
    total = buying.quote_cart(lines, wbtc.address)
    assert total == 3_000_000
    before = wbtc.balanceOf(buyer)
    orders, paid, approved = buying.checkout_cart(lines, token, total, FAR_FUTURE, arbiter.address)
    assert (paid, approved) == (total, False)  # the fixture's buyer approved the marketplace
    assert [o.quantity for o in orders] == [2, 1]
    assert [o.state.status for o in orders] == ["Paid", "Paid"]
    assert all(o.terms.order_id() == o.id for o in orders)
    assert wbtc.balanceOf(buyer) == before - total
    assert buying.last_receipt is not None and buying.last_receipt["status"] == 1


def test_a_referred_cart_pays_its_referrer_through_the_batches_and_its_earnings_say_so(
    w3, market, listing, wbtc, usdc, arbiter, stranger
):
    selling, buying = client(w3, market, "seller"), client(w3, market, "buyer")
    selling.set_commission(listing, 1_000)
    assert selling.listing(listing).commission_bps == 1_000
    selling.set_referrer(stranger.address, True)
    token = Erc20Client(w3, wbtc.address, buying.sender)
    orders, paid, approved = buying.checkout_cart(
        [CartLine(listing), CartLine(listing)], token, 2_000_000, FAR_FUTURE, arbiter.address,
        referrer=stranger.address,
    )  # fmt: skip
    assert (paid, approved) == (2_000_000, False)
    assert [(o.terms.referrer, o.terms.commissionBps) for o in orders] == [
        (stranger.address, 1_000)
    ] * 2
    shipped = selling.ship_batch(orders, [b"\x01" * 32, b"\x02" * 32])
    assert [e["trackingCommitment"] for e in selling.events(shipped, "OrderShipped")] == [
        b"\x01" * 32,
        b"\x02" * 32,
    ]
    confirmed = buying.confirm_batch(orders)
    assert len(buying.events(confirmed, "OrderCompleted")) == 2
    assert wbtc.balanceOf(stranger) == 2 * 99_000  # 10 % of 990,000 each
    earned = buying.commission_earnings(stranger.address)
    assert [(p.id_hex, p.token, p.amount) for p in earned.payments] == [
        (o.id_hex, wbtc.address, 99_000) for o in orders
    ]
    assert earned.totals() == {wbtc.address: 198_000}
    assert earned.credits == {wbtc.address: 0, usdc.address: 0}
    later = buying.commission_earnings(stranger.address, from_block=confirmed["blockNumber"] + 1)
    assert later.payments == () and later.totals() == {}


def nonce(w3, account) -> int:
    return w3.eth.get_transaction_count(account.address)


def test_a_seller_approves_and_revokes_a_referrer_and_the_preview_follows(
    w3, market, listing, wbtc, arbiter, seller, stranger
):
    selling, buying = client(w3, market, "seller"), client(w3, market, "buyer")
    selling.set_commission(listing, 1_000)
    offered = selling.listing(listing)
    assert not buying.is_referrer(seller.address, stranger.address)
    assert buying.commission_for(offered, stranger.address) == 0  # not approved: nothing
    assert buying.commission_for(offered, None) == 0
    receipt = selling.set_referrer(stranger.address.lower(), True)
    [event] = selling.events(receipt, "ReferrerSet")
    assert (event["seller"], event["referrer"], event["approved"]) == (
        seller.address,
        stranger.address,
        True,
    )
    assert buying.is_referrer(seller.address, stranger.address)
    assert buying.commission_for(offered, stranger.address) == 1_000
    token = Erc20Client(w3, wbtc.address, buying.sender)
    [order], _, _ = buying.checkout_cart(
        [CartLine(listing)], token, 10**8, FAR_FUTURE, arbiter.address, stranger.address
    )
    assert order.terms.commissionBps == buying.commission_for(offered, stranger.address)
    selling.set_referrer(stranger.address, False)
    assert buying.commission_for(offered, stranger.address) == 0
    [later], _, _ = buying.checkout_cart(
        [CartLine(listing)], token, 10**8, FAR_FUTURE, arbiter.address, stranger.address
    )
    assert (later.terms.referrer, later.terms.commissionBps) == (stranger.address, 0)


def test_a_referrer_approval_the_client_can_see_is_wrong_is_refused_unsent(
    w3, market, seller, stranger
):
    selling = client(w3, market, "seller")
    before = nonce(w3, seller)
    with pytest.raises(BazaarError, match="bad referrer '0x12'"):
        selling.set_referrer("0x12", True)
    with pytest.raises(BazaarError, match=r"is not approved by .* already"):
        selling.set_referrer(stranger.address, False)
    with pytest.raises(RevertError, match="MarketplaceReferrerZero"):
        selling.set_referrer("0x" + "00" * 20, True)
    assert nonce(w3, seller) == before


@pytest.mark.parametrize(
    "lines, who_refers, message",
    [
        ([], None, "an empty cart"),
        ([1] * (MAX_CART_LINES + 1), None, "a cart of 21 lines"),
        ([1], "buyer", "is the buyer"),
        ([1], "seller", "is the seller of listing"),
        ([1], "arbiter", "is the order's arbiter"),
    ],
)
def test_a_cart_the_client_can_see_is_wrong_is_refused_before_anything_is_sent(
    w3, market, listing, wbtc, arbiter, buyer, seller, lines, who_refers, message
):
    buying = client(w3, market, "buyer")
    token = Erc20Client(w3, wbtc.address, buying.sender)
    referrer = {"buyer": buyer, "seller": seller, "arbiter": arbiter}.get(who_refers)
    before = nonce(w3, buyer)
    with pytest.raises(InputRefused, match=message):
        buying.checkout_cart(
            [CartLine(listing) for _ in lines], token, 10**8, FAR_FUTURE, arbiter.address,
            referrer=referrer.address if referrer else None,
        )  # fmt: skip
    assert nonce(w3, buyer) == before


def test_a_commission_or_a_batch_the_client_can_see_is_wrong_is_refused_unsent(
    w3, market, listing, order, seller, buyer
):
    selling, buying = client(w3, market, "seller"), client(w3, market, "buyer")
    paid = buying.order(parse_order_id(order.id))
    before = (nonce(w3, seller), nonce(w3, buyer))
    with pytest.raises(InputRefused, match="at most 2000 bps"):
        selling.set_commission(listing, MAX_COMMISSION_BPS + 1)
    with pytest.raises(InputRefused, match="no order to confirm"):
        buying.confirm_batch([])
    with pytest.raises(InputRefused, match="one per order"):
        selling.ship_batch([paid], [])
    with pytest.raises(InputRefused, match="twice in the batch"):
        buying.confirm_batch([paid, paid])
    assert (nonce(w3, seller), nonce(w3, buyer)) == before
