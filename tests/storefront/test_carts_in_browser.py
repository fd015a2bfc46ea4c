"""Carts, referrers and batches in Chromium (issue K), on a fresh chain with the suite deployed
by `bazaar deploy`, a real `serve` and the test wallet: a buyer opened the page with `?ref=` a
third account, puts three lines of two sellers in the cart and pays once (one approval, one
`checkoutCart`); a seller ships two orders in one `shipBatch`, the buyer confirms all three in
one `confirmBatch`, and the referrer is paid the commission of the one seller that approved it
(the other's listing shows no commission to it); a seller sets a commission and approves and
revokes a referrer from the page; a cart whose lines share no token is not offered for
payment."""

import brownie
import pytest
from eth_utils import keccak
from playwright.sync_api import expect

from tests.storefront.steps import (
    TIMEOUT,
    add_to_cart,
    connect,
    done,
    go,
    listed,
    priced_server,
    shop_suite,
    shot,
    switch_to,
    visit,
)
from tests.support.cli import ADDRESSES

STATUS = {"Paid": 1, "Shipped": 2, "Completed": 3}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return shop_suite(tmp_path_factory.mktemp("carts"))


@pytest.fixture
def server(suite, tmp_path):
    with priced_server(suite, tmp_path) as api:
        yield api


def status_of(suite, order_id):
    return suite["market"].getOrder(order_id)[2]


def test_a_referred_buyer_pays_a_cart_of_two_sellers_once_and_the_referrer_earns_on_confirmation(
    server, suite, page, wallet
):
    referrer = brownie.accounts[4].address
    market, usdc = suite["market"], suite["usdc"]
    mug = listed(suite, server, "Cart mug", 40)
    cup = listed(suite, server, "Cart cup", 15)
    lamp = listed(suite, server, "Cart lamp", 25, seller="deployer")
    market.setCommission(mug, 500, {"from": brownie.accounts[2]})
    market.setCommission(lamp, 1000, {"from": brownie.accounts[0]})
    market.setReferrer(referrer, True, {"from": brownie.accounts[2]})  # the lamp's seller: not
    server.wait_indexed()

    page.goto(f"{server.url}/?ref={referrer}#/")
    expect(page.locator("body")).to_have_attribute("data-ready", "#/", timeout=TIMEOUT)
    connect(page)
    go(page, f"#/listing/{mug}")
    expect(page.locator(".commission")).to_have_text("5 % to referrers", timeout=TIMEOUT)
    go(page, f"#/listing/{lamp}")  # 10 % offered, but not to this referrer
    expect(page.locator("section.checkout button[name=buy]")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".commission")).to_have_text("")
    add_to_cart(page, mug, 2)
    add_to_cart(page, cup)
    add_to_cart(page, lamp)
    expect(page.locator('nav.site a[href="#/cart"]')).to_have_text("Cart (3)")

    go(page, "#/cart")
    section = page.locator("section.cart")
    expect(section.locator(".referrer")).to_have_text(f"referred by {referrer[:6]}…{referrer[-4:]}")
    expect(section.locator(".cart-line")).to_have_count(3)
    expect(section.locator(".cart-total")).to_have_text("Total $120.00")
    form = section.locator("form.cart-pay")
    form.locator("select[name=token]").select_option(label="USDC")
    form.locator("select[name=token]").dispatch_event("change")
    expect(form.locator(".locked")).to_contain_text("USDC", timeout=TIMEOUT)
    shot(page, "cart")
    before = usdc.balanceOf(ADDRESSES["buyer"])
    form.get_by_role("button", name="Pay for the cart").click()
    done(section, "Paid.")

    order_ids = section.get_attribute("data-orders").split(",")
    assert len(order_ids) == 3
    sent = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert [tx["to"].lower() for tx in sent] == [usdc.address.lower(), market.address.lower()]
    selector = (
        "0x"
        + keccak(
            text="checkoutCart(((uint256,uint256,uint256)[],address,uint256,uint256,address,address))"
        ).hex()[:8]
    )
    assert (sent[1].get("data") or sent[1]["input"]).startswith(selector)
    paid = brownie.chain.get_transaction(wallet.sent[-1]).events["OrderPaid"]
    assert ["0x" + bytes(e["orderId"]).hex() for e in paid] == order_ids  # one tx, three orders
    locked = sum(e["terms"]["lockedAmount"] for e in paid)
    assert before - usdc.balanceOf(ADDRESSES["buyer"]) == locked
    assert {e["terms"]["referrer"] for e in paid} == {referrer}
    assert sorted(e["terms"]["commissionBps"] for e in paid) == [0, 0, 500]
    assert all(status_of(suite, o) == STATUS["Paid"] for o in order_ids)
    expect(section).to_contain_text("Your cart is empty")
    expect(page.locator('nav.site a[href="#/cart"]')).to_have_text("Cart")
    server.wait_indexed()

    by_listing = {e["terms"]["listingId"]: "0x" + bytes(e["orderId"]).hex() for e in paid}
    switch_to(page, wallet, "seller")
    go(page, "#/sales")
    for listing_id in (mug, cup):
        sale = page.locator(f"article.order[data-order='{by_listing[listing_id]}']")
        sale.locator("input[name=batch]").check()
        sale.locator("input[name=ship]").fill(f"DHL {listing_id}")
    page.locator("section.batch").get_by_role("button", name="Ship the selected orders").click()
    done(page.locator("section.batch"), "Shipped.")
    shipped = brownie.chain.get_transaction(wallet.sent[-1]).events["OrderShipped"]
    assert {"0x" + bytes(e["orderId"]).hex(): e["trackingCommitment"] for e in shipped} == {
        by_listing[i]: "0x" + keccak(text=f"DHL {i}").hex() for i in (mug, cup)
    }
    server.wait_indexed()

    switch_to(page, wallet, "deployer")
    go(page, "#/sales")
    sale = page.locator(f"article.order[data-order='{by_listing[lamp]}']")
    sale.locator("input[name=ship]").fill("UPS 1")
    sale.get_by_role("button", name="Ship").click()
    done(sale, "Shipped.")
    assert all(status_of(suite, o) == STATUS["Shipped"] for o in order_ids)
    server.wait_indexed()

    switch_to(page, wallet, "buyer")
    go(page, "#/orders")
    for order_id in order_ids:
        order = page.locator(f"article.order[data-order='{order_id}']")
        expect(order.locator(".badge")).to_have_text("Shipped", timeout=TIMEOUT)
        order.locator("input[name=batch]").check()
    earned_before = usdc.balanceOf(referrer) + market.credits(referrer, usdc)
    page.locator("section.batch").get_by_role("button", name="Confirm the selected orders").click()
    done(page.locator("section.batch"), "Deliveries confirmed.")
    assert all(status_of(suite, o) == STATUS["Completed"] for o in order_ids)
    commissions = brownie.chain.get_transaction(wallet.sent[-1]).events["CommissionPaid"]
    assert len(commissions) == 1  # the cup offers none; the lamp's seller did not approve
    earned = sum(e["amount"] for e in commissions)
    assert earned > 0
    assert usdc.balanceOf(referrer) + market.credits(referrer, usdc) - earned_before == earned
    server.wait_indexed()
    earnings = server.json(f"/api/earnings/{referrer}")
    assert earnings["totals"] == {usdc.address: str(earned)}
    assert earnings["count"] == 1 and earnings["referredOrders"] == 3
    assert not wallet.faults


def test_a_seller_sets_a_commission_from_the_listing_page(server, suite, page, wallet):
    listing_id = listed(suite, server, "Commissioned teapot", 30)
    server.wait_indexed()
    wallet.account = "seller"
    visit(page, server)
    connect(page)
    go(page, f"#/listing/{listing_id}")
    expect(page.locator(".commission")).to_have_text("")
    form = page.locator("form.commission-form")
    form.locator("input[name=commission]").fill("7.5")
    form.get_by_role("button", name="Set commission").click()
    done(page.locator("section.seller-tools"), "Commission set.")
    assert suite["market"].getListing(listing_id)["commissionBps"] == 750
    expect(page.locator(".commission")).to_have_text("7.5 % to referrers")
    server.wait_indexed()
    assert server.json(f"/api/listings/{listing_id}")["listing"]["commissionBps"] == 750

    form.locator("input[name=commission]").evaluate("e => { e.removeAttribute('max') }")
    form.locator("input[name=commission]").fill("25")  # the page's own check, not the browser's
    form.get_by_role("button", name="Set commission").click()
    expect(page.locator("section.seller-tools .notice.error")).to_contain_text("0 to 20")
    assert suite["market"].getListing(listing_id)["commissionBps"] == 750

    # The affiliates: only referrers the seller approves earn its commissions.
    market, referrer = suite["market"], brownie.accounts[4].address
    referrers = page.locator("form.referrer-form")
    referrers.locator("input[name=referrer]").fill("0x12")
    referrers.get_by_role("button", name="Approve referrer").click()
    expect(page.locator("div.referrers .notice.error")).to_contain_text("40 hex digits")
    referrers.locator("input[name=referrer]").fill(referrer.lower())
    referrers.get_by_role("button", name="Approve referrer").click()
    done(page.locator("div.referrers"), "Referrer approved.")
    assert market.isReferrer(ADDRESSES["seller"], referrer)
    server.wait_indexed()
    assert server.json(f"/api/referrers/{ADDRESSES['seller']}")["referrers"][-1]["referrer"] == (
        referrer
    )
    referrers.get_by_role("button", name="Revoke referrer").click()
    done(page.locator("div.referrers"), "Referrer revoked.")
    assert not market.isReferrer(ADDRESSES["seller"], referrer)


def test_a_cart_whose_lines_share_no_token_is_not_offered_for_payment(server, suite, page, wallet):
    in_usdc = listed(suite, server, "USDC only", 10)
    in_wbtc = listed(suite, server, "WBTC only", 10, seller="deployer", tokens=("wbtc",))
    server.wait_indexed()
    visit(page, server)
    connect(page)
    add_to_cart(page, in_usdc)
    add_to_cart(page, in_wbtc)
    go(page, "#/cart")
    section = page.locator("section.cart")
    expect(section.locator(".no-common-token")).to_contain_text("No token is accepted")
    expect(section.locator("form.cart-pay")).to_have_count(0)
    section.locator(f".cart-line[data-listing='{in_wbtc}']").get_by_role(
        "button", name="Remove"
    ).click()
    expect(section.locator(".cart-line")).to_have_count(1)
    options = section.locator("form.cart-pay select[name=token] option")
    expect(options).to_have_text(["USDC"])
    assert not wallet.asked("eth_sendTransaction")


def test_an_invalid_referrer_in_the_address_is_ignored_with_a_notice(server, page):
    page.goto(f"{server.url}/?ref=0x123#/cart")
    expect(page.locator("body")).to_have_attribute("data-ready", "#/cart", timeout=TIMEOUT)
    expect(page.locator(".bad-referrer")).to_contain_text("is not an address")
    expect(page.locator("section.cart .referrer")).to_have_count(0)
