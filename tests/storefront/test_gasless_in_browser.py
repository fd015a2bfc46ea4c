"""Gasless checkout in Chromium (DESIGN section 3, "Gasless checkout through Permit2"), on a
fresh chain with the suite deployed by `bazaar deploy`, a real `serve` and the test wallet: a
shopper approves Permit2 once from the cart page, signs a two-line cart with a relayer fee
(nothing sent), and another account relays it on the relay page and earns the fee; the page's
signed checkout is the file `bazaar relay-checkout` reads, and the CLI's file is relayed by the
page; a fee above the marketplace's 3 % cap is refused before anything is signed; a tampered
checkout (its fee raised) and a replayed one are refused on the relay page with nothing sent."""

import json
import re

import brownie
import pytest
from eth_utils import keccak
from playwright.sync_api import expect

from bazaar.clients.checkouts import check_relay
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.signing.checkouts import SignedCheckout
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
from tests.support.cli import ADDRESSES, PASSWORD, run
from tests.support.helpers import mine_at

USDC = 10**6
RELAY_SELECTOR = (
    "0x"
    + keccak(
        text="checkoutCartWithPermit2(((uint256,uint256,uint256)[],address,uint256,uint256,"
        "address,address),(address,uint256,uint256,bytes))"
    ).hex()[:8]
)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    deployed = shop_suite(tmp_path_factory.mktemp("gasless"))
    return {**deployed, "permit2": deployed["journal"]["contracts"]["permit2"]["address"]}


@pytest.fixture
def server(suite, tmp_path):
    with priced_server(suite, tmp_path) as api:
        yield api


@pytest.fixture
def cli(suite, capsys, monkeypatch):
    """`bazaar args...` as the dev account `who`, on the suite's chain."""
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)

    def bazaar(who, *args):
        return run(capsys, *suite["base"], "--keystore", suite["keys"][who], *args)

    return bazaar


def approve_permit2(suite):
    """The buyer has let Permit2 take its USDC (as `bazaar approve-permit2` does)."""
    suite["usdc"].approve(suite["permit2"], 2**256 - 1, {"from": brownie.accounts[1]})


def cart_of(page, server, suite, *prices):
    """The connected buyer's cart on the page: one listing of the seller per price (USD, in
    USDC), paid in USDC; the cart's form."""
    ids = [listed(suite, server, f"Gasless item {n}", price) for n, price in enumerate(prices)]
    server.wait_indexed()
    visit(page, server)
    connect(page)
    for listing_id in ids:
        add_to_cart(page, listing_id)
    go(page, "#/cart")
    form = page.locator("section.cart form.cart-pay")
    form.locator("select[name=token]").select_option(label="USDC")
    form.locator("select[name=token]").dispatch_event("change")
    expect(form.locator(".locked")).to_contain_text("USDC", timeout=TIMEOUT)
    return form


def sign_in_page(form, fee="0", minutes="20"):
    """Pays the cart by signature (Permit2 already approved); the signed checkout's JSON as
    downloaded."""
    form.locator("input[name=deadline]").fill(minutes)
    form.locator("input[name=relayer-fee]").fill(fee)
    form.get_by_role("button", name="Pay by signature (no gas)").click()
    gasless = form.locator(".gasless")
    done(gasless, "Signed: nothing was sent.")
    return downloaded(form)


def downloaded(form):
    with form.page.expect_download() as download:
        form.locator(".signed-checkout a.download").click()
    return json.loads(download.value.path().read_text())


def relay_page_with(page, text):
    """The relay page with `text` pasted in."""
    go(page, "#/relay")
    page.locator("section.relay textarea[name=checkout]").fill(text)
    return page.locator("section.relay")


def test_a_shoppers_cart_signed_in_the_page_is_relayed_by_another_account_who_earns_the_fee(
    server, suite, page, wallet
):
    market, usdc = suite["market"], suite["usdc"]
    form = cart_of(page, server, suite, 40, 15)
    form.locator("input[name=relayer-fee]").fill("0.5")
    form.get_by_role("button", name="Pay by signature (no gas)").click()
    gasless = form.locator(".gasless")
    expect(gasless.locator(".approve-permit2")).to_contain_text("costs gas", timeout=TIMEOUT)
    assert not wallet.asked("eth_sendTransaction")  # nothing until the shopper approves
    buyer_nonce = brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"])
    gasless.get_by_role("button", name="Approve Permit2").click()
    done(gasless, "Permit2 approved (this transaction), then signed: nothing else was sent.")
    expect(form.locator("textarea.signed-json")).to_have_value(re.compile("bazaar-gasless"))
    (approval,) = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert approval["to"].lower() == usdc.address.lower()  # the one transaction: approve
    assert usdc.allowance(ADDRESSES["buyer"], suite["permit2"]) == 2**256 - 1
    assert len(wallet.asked("eth_signTypedData_v4")) == 1
    shot(page, "gasless-cart")

    data = downloaded(form)
    assert json.loads(form.locator("textarea.signed-json").input_value()) == data
    signed = SignedCheckout.from_json(data)
    assert signed.to_json() == data  # the very file `bazaar buy --sign-only` writes
    assert signed.buyer == ADDRESSES["buyer"] and signed.signer() == ADDRESSES["buyer"]
    assert signed.relayer_fee == USDC // 2 and signed.nonce == 0
    assert [line[1:] for line in signed.lines] == [(1, 0), (1, 0)]
    quoted = sum(market.quote(line[0], 1, usdc) for line in signed.lines)
    assert signed.max_total == quoted + quoted // 100 + USDC // 2  # quote, 1 % slippage, fee
    check_relay(MarketplaceClient(brownie.web3, market.address), signed, ADDRESSES["deployer"])

    form.locator(".signed-checkout a.relay-link").click()
    section = page.locator("section.relay")
    expect(section.locator(".buyer")).to_have_text(ADDRESSES["buyer"], timeout=TIMEOUT)
    switch_to(page, wallet, "deployer")  # the relayer; the page keeps the checkout
    expect(section.locator(".fee")).to_have_text("0.5 USDC", timeout=TIMEOUT)
    expect(section.locator(".lines li")).to_have_count(2)
    expect(section.locator(".nonce")).to_have_text("0")
    expect(section.locator(".verdict")).to_contain_text("It would go through now", timeout=TIMEOUT)
    shot(page, "gasless-relay")
    buyer_before = usdc.balanceOf(ADDRESSES["buyer"])
    relayer_before = usdc.balanceOf(ADDRESSES["deployer"])
    section.get_by_role("button", name="Relay it").click()
    done(section.locator(".status"), "Relayed.")

    sent = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert len(sent) == 2 and sent[1]["from"].lower() == ADDRESSES["deployer"].lower()
    assert (sent[1].get("data") or sent[1]["input"]).startswith(RELAY_SELECTOR)
    tx = brownie.chain.get_transaction(wallet.sent[-1])
    paid = tx.events["OrderPaid"]
    assert len(paid) == 2 and {e["terms"]["buyer"] for e in paid} == {ADDRESSES["buyer"]}
    order_ids = ["0x" + bytes(e["orderId"]).hex() for e in paid]
    assert section.get_attribute("data-orders").split(",") == order_ids
    assert all(market.getOrder(o)[2] == 1 for o in order_ids)  # Paid
    relayed = tx.events["CartRelayed"]
    assert (relayed["buyer"], relayed["relayer"], relayed["fee"]) == (
        ADDRESSES["buyer"],
        ADDRESSES["deployer"],
        USDC // 2,
    )
    assert usdc.balanceOf(ADDRESSES["deployer"]) == relayer_before + USDC // 2
    locked = sum(e["terms"]["lockedAmount"] for e in paid)
    assert usdc.balanceOf(ADDRESSES["buyer"]) == buyer_before - locked - USDC // 2
    assert brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"]) == buyer_nonce + 1
    expect(section.locator(".verdict")).to_contain_text("You earned 0.5 USDC; 2 orders paid")


def test_the_pages_signed_checkout_is_relayed_by_the_cli(
    server, suite, page, wallet, cli, tmp_path
):
    approve_permit2(suite)
    form = cart_of(page, server, suite, 25)
    data = sign_in_page(form, "0.25")
    assert not wallet.asked("eth_sendTransaction")  # Permit2 approved: nothing but a signature
    path = tmp_path / "checkout.json"
    path.write_text(json.dumps(data))
    before = suite["usdc"].balanceOf(ADDRESSES["arbiter"])

    relayed = cli("arbiter", "--json", "relay-checkout", path)

    assert relayed.code == 0, relayed.err
    out = relayed.json()
    assert (out["buyer"], out["relayer"], out["fee"]) == (
        ADDRESSES["buyer"],
        ADDRESSES["arbiter"],
        str(USDC // 4),
    )
    (order,) = out["orders"]
    assert order["terms"]["buyer"] == ADDRESSES["buyer"] and order["status"] == "Paid"
    assert suite["usdc"].balanceOf(ADDRESSES["arbiter"]) == before + USDC // 4


def test_the_clis_signed_checkout_is_relayed_by_the_page(
    server, suite, page, wallet, cli, tmp_path
):
    listing_id = listed(suite, server, "Signed by the CLI", 30)
    server.wait_indexed()
    approve = cli("buyer", "approve-permit2", "--token", "usdc")
    assert approve.code == 0, approve.err
    path = tmp_path / "cli-checkout.json"
    buy = ["buy", "--line", str(listing_id), "--token", "usdc", "--sign-only"]
    signed = cli("buyer", *buy, "--relayer-fee", "0.3", "--out", path)
    assert signed.code == 0, signed.err
    wallet.account = "seller"  # the listing's own seller may relay a buyer's cart too
    visit(page, server)
    connect(page)
    section = page.locator("section.relay")
    go(page, "#/relay")
    section.locator("input[name=file]").set_input_files(str(path))
    expect(section.locator(".buyer")).to_have_text(ADDRESSES["buyer"], timeout=TIMEOUT)
    expect(section.locator(".fee")).to_have_text("0.3 USDC")
    expect(section.locator(".verdict")).to_contain_text("It would go through now", timeout=TIMEOUT)
    before = suite["usdc"].balanceOf(ADDRESSES["seller"])
    section.get_by_role("button", name="Relay it").click()
    done(section.locator(".status"), "Relayed.")
    paid = brownie.chain.get_transaction(wallet.sent[-1]).events["OrderPaid"]
    assert [e["terms"]["buyer"] for e in paid] == [ADDRESSES["buyer"]]
    assert paid[0]["terms"]["listingId"] == listing_id
    fee = 3 * USDC // 10
    seller_got = suite["usdc"].balanceOf(ADDRESSES["seller"]) - before
    assert seller_got == fee  # the fee now; the sale's proceeds stay in escrow until delivery


def test_a_relayer_fee_above_three_percent_is_refused_in_the_page_before_anything_is_signed(
    server, suite, page, wallet
):
    approve_permit2(suite)
    form = cart_of(page, server, suite, 20)  # $20: the cap is 0.6 USDC
    form.locator("input[name=relayer-fee]").fill("0.61")
    form.get_by_role("button", name="Pay by signature (no gas)").click()
    error = form.locator(".gasless .notice.error")
    expect(error).to_contain_text("above the marketplace's cap of 3 % of the cart", timeout=TIMEOUT)
    expect(error).to_contain_text("nothing was signed")
    form.locator("input[name=relayer-fee]").fill("-1")
    form.get_by_role("button", name="Pay by signature (no gas)").click()
    expect(error).to_contain_text("is not a USDC amount", timeout=TIMEOUT)
    assert not wallet.asked("eth_signTypedData_v4") and not wallet.asked("eth_sendTransaction")
    expect(form.locator(".signed-checkout")).to_have_count(0)


def test_a_tampered_checkout_and_a_replayed_one_are_refused_on_the_relay_page_with_nothing_sent(
    server, suite, page, wallet
):
    approve_permit2(suite)
    form = cart_of(page, server, suite, 50)
    data = sign_in_page(form, "0.1")
    switch_to(page, wallet, "deployer")

    greedy = json.loads(json.dumps(data))
    greedy["payment"]["relayerFee"] = str(USDC)  # a relayer raises the fee it earns
    section = relay_page_with(page, json.dumps(greedy))
    refused = section.locator(".verdict .notice.error.refused")
    expect(refused).to_contain_text(
        f"not by its buyer {ADDRESSES['buyer']}: altered or forged", timeout=TIMEOUT
    )
    expect(section.get_by_role("button", name="Relay it")).to_have_count(0)
    assert not wallet.asked("eth_sendTransaction")

    section = relay_page_with(page, json.dumps(data))  # as signed: relayed once
    section.get_by_role("button", name="Relay it").click()
    done(section.locator(".status"), "Relayed.")
    assert len(wallet.asked("eth_sendTransaction")) == 1

    section = relay_page_with(page, json.dumps(data))  # and again
    expect(section.locator(".verdict .notice.error.refused")).to_contain_text(
        f"nonce {data['payment']['nonce']} is used: it was relayed already", timeout=TIMEOUT
    )
    expect(section.get_by_role("button", name="Relay it")).to_have_count(0)
    assert len(wallet.asked("eth_sendTransaction")) == 1

    section.locator("textarea[name=checkout]").fill('{"type": "bazaar-ballot"}')
    expect(section.locator(".checked .notice.error")).to_contain_text("not a signed checkout")


def test_a_checkout_for_another_chain_or_past_its_deadline_is_refused_on_the_relay_page(
    server, suite, page, wallet
):
    approve_permit2(suite)
    form = cart_of(page, server, suite, 35)
    data = sign_in_page(form, minutes="1")
    switch_to(page, wallet, "arbiter")
    elsewhere = json.loads(json.dumps(data))
    elsewhere["chainId"] = 8453
    section = relay_page_with(page, json.dumps(elsewhere))
    expect(section.locator(".verdict .notice.error.refused")).to_contain_text(
        "signed for chain 8453; this marketplace is on chain 31337", timeout=TIMEOUT
    )
    mine_at(int(data["cart"]["deadline"]) + 1)  # past the deadline, whatever the clocks
    section = relay_page_with(page, json.dumps(data))
    expect(section.locator(".verdict .notice.error.refused")).to_contain_text(
        f"expired at {data['cart']['deadline']} (unix)", timeout=TIMEOUT
    )
    expect(section.get_by_role("button", name="Relay it")).to_have_count(0)
    assert not wallet.asked("eth_sendTransaction")
