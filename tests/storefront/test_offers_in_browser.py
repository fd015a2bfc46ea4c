"""Signed offers in Chromium (DESIGN section 3, "Signed offers"), on a fresh chain with the
suite deployed by `bazaar deploy`, a real `serve` and the test wallet: a seller lists by
signature on #/shop (its wallet signs, nothing is sent) and the shop publishes the offer; the
catalogue shows it beside the listings, a shopper buys two units from the offer's view and the
order (its listing id the offer's hash) is in "my orders" while the units left fall; the page's
signed offer is the file `bazaar buy --offer` reads, field for field what bazaar.signing.offers
makes; a cancelled offer and one superseded by "cancel all" leave the catalogue and cannot be
bought; an offer whose signature is not its seller's is refused with nothing sent."""

import json
import time

import brownie
import pytest
from playwright.sync_api import expect
from web3 import Web3

from bazaar.clients import offers as offer_client
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.settings import USD
from bazaar.signing.eip712 import sign_typed
from bazaar.signing.offers import SignedOffer, typed_data
from bazaar.tx import TxSender
from tests.server.conftest import SIGNERS
from tests.storefront.steps import (
    TIMEOUT,
    connect,
    done,
    go,
    priced_server,
    shop_suite,
    shot,
    switch_to,
    visit,
)
from tests.support.cli import ADDRESSES, PASSWORD, rpc_url, run

USDC = 10**6
DAY = 86_400


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return shop_suite(tmp_path_factory.mktemp("offers"))


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


def seller_market(suite):
    w3 = Web3(Web3.HTTPProvider(rpc_url()))
    return MarketplaceClient(w3, suite["market"].address, TxSender(w3, SIGNERS["seller"]))


def list_by_signature(page, server, title, price="25.00", stock=5, days=7, commission="0"):
    """The connected seller lists `title` by signature on #/shop, paid in USDC only; the
    signed offer's JSON as the page shows it."""
    go(page, "#/shop")
    form = page.locator("form.create")
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=description]").fill("Listed by signature in the page")
    form.locator("input[name=price]").fill(price)
    form.locator("input[name=stock]").fill(str(stock))
    form.locator("input[name=token-wbtc]").uncheck()
    form.locator("input[name=by-signature]").check()
    form.locator("input[name=valid-days]").fill(str(days))
    form.locator("input[name=offer-commission]").fill(commission)
    form.get_by_role("button", name="Upload and list").click()
    done(form, "Signed and published: no transaction was sent.")
    return json.loads(form.locator("textarea.signed-json").input_value())


def seller_page(page, server, wallet):
    wallet.account = "seller"
    visit(page, server, "#/shop")
    connect(page)


def test_a_seller_lists_by_signature_without_a_transaction_and_a_shopper_buys_two_units(
    server, suite, page, wallet
):
    market, usdc = suite["market"], suite["usdc"]
    seller_page(page, server, wallet)
    nonce = brownie.web3.eth.get_transaction_count(ADDRESSES["seller"])
    data = list_by_signature(page, server, "Signed teapot", price="25.00", stock=5)
    assert brownie.web3.eth.get_transaction_count(ADDRESSES["seller"]) == nonce
    assert not wallet.asked("eth_sendTransaction")  # the upload's signature and the offer's
    assert len(wallet.asked("eth_signTypedData_v4")) == 1
    signed = SignedOffer.from_json(data)
    assert signed.signer() == ADDRESSES["seller"] == signed.offer.seller
    expect(page.locator(".offer-published .offer-hash")).to_have_text(signed.hash_hex)
    shot(page, "offer-signed")
    (published,) = server.json("/api/offers")["offers"]
    assert published["offerHash"] == signed.hash_hex and published["left"] == 5
    assert published["signedOffer"] == data

    switch_to(page, wallet, "buyer")
    go(page, "#/")
    card = page.locator(f".card.offer[data-offer='{signed.hash_hex}']")
    expect(card.locator(".title")).to_have_text("Signed teapot", timeout=TIMEOUT)
    expect(card.locator(".badge")).to_have_text("signed offer")
    expect(card.locator(".price")).to_have_text("$25.00")
    expect(card.locator(".left")).to_have_text("5 left")
    shot(page, "offer-catalogue")
    card.click()
    expect(page.locator("h2.title")).to_have_text("Signed teapot", timeout=TIMEOUT)
    expect(page.locator("p.left")).to_have_text("5 of 5 left", timeout=TIMEOUT)
    buy = page.locator("form.buy")
    buy.locator("select[name=token]").select_option(label="USDC")
    buy.locator("input[name=quantity]").fill("2")
    buy.locator("input[name=quantity]").dispatch_event("change")
    expect(buy.locator(".locked")).to_contain_text("USDC", timeout=TIMEOUT)
    shot(page, "offer-view")
    buy.get_by_role("button", name="Buy").click()
    box = page.locator("section.checkout")
    done(box, "Paid.")

    order_id = box.get_attribute("data-order")
    sent = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert [s["to"].lower() for s in sent] == [usdc.address.lower(), market.address.lower()]
    (paid,) = brownie.chain.get_transaction(wallet.sent[-1]).events["OrderPaid"]
    assert "0x" + bytes(paid["orderId"]).hex() == order_id
    assert paid["terms"]["listingId"] == int(signed.hash_hex, 16)
    assert paid["terms"]["buyer"] == ADDRESSES["buyer"] and paid["terms"]["quantity"] == 2
    assert market.getOrder(order_id)[2] == 1  # Paid
    assert market.offerFilled(signed.hash_hex) == 2
    server.wait_indexed()

    go(page, "#/")
    expect(card.locator(".left")).to_have_text("3 left", timeout=TIMEOUT)
    go(page, "#/orders")
    order = page.locator(f"article.order[data-order='{order_id}']")
    expect(order.locator(".badge")).to_have_text("Paid", timeout=TIMEOUT)
    expect(order.locator(".title")).to_have_text("Signed teapot", timeout=TIMEOUT)
    shot(page, "offer-order")


def test_an_offer_signed_in_the_page_is_the_python_file_and_the_cli_buys_from_it(
    server, suite, page, wallet, cli, tmp_path
):
    seller_page(page, server, wallet)
    before = int(time.time())
    data = list_by_signature(
        page, server, "Signed kettle", price="12.34", stock=3, days=10, commission="5"
    )
    form = page.locator("form.create")
    with page.expect_download() as download:
        form.locator(".published a.download").click()
    assert json.loads(download.value.path().read_text()) == data

    signed = SignedOffer.from_json(data)
    offer = signed.offer
    assert (signed.chain_id, signed.marketplace) == (brownie.chain.id, suite["market"].address)
    assert (offer.priceUsd, offer.stock, offer.commissionBps) == (1234 * USD // 100, 3, 500)
    assert offer.tokenMask == 1 << 1  # USDC only: the marketplace's token 2 (WBTC is 1)
    assert (offer.bufferBps, offer.pointsDiscountCapBps, offer.counter) == (0, 0, 0)
    assert before + 10 * DAY <= offer.expiry <= int(time.time()) + 10 * DAY + 60
    document = server.get(f"/api/documents/0x{offer.metadataHash.hex()}")
    assert document.status_code == 200 and document.json()["title"] == "Signed kettle"
    # What bazaar.signing.offers makes of the same fields is the page's file, byte for byte
    # in JSON (eth-account's signatures are deterministic, and the test wallet signs with it).
    market = seller_market(suite)
    python = offer_client.sign_offer(
        market,
        SIGNERS["seller"],
        offer.priceUsd,
        offer.stock,
        [suite["usdc"].address],
        offer.expiry,
        commission_bps=500,
        metadata_hash=offer.metadataHash,
        salt=offer.salt,
    )
    assert python.to_json() == data
    assert offer_client.check_offer(market, signed, 3).left == 3

    path = tmp_path / "offer.json"
    path.write_text(json.dumps(data))
    bought = cli(
        "buyer", "--json", "buy", "--offer", str(path), "--token", "usdc", "--quantity", "2"
    )
    assert bought.code == 0, bought.err
    out = bought.json()
    assert out["offerHash"] == signed.hash_hex and out["terms"]["buyer"] == ADDRESSES["buyer"]
    assert suite["market"].offerFilled(signed.hash_hex) == 2


def test_a_cancelled_offer_and_offers_cancelled_at_once_leave_the_catalogue_unbuyable(
    server, suite, page, wallet
):
    market = suite["market"]
    seller_page(page, server, wallet)
    first = SignedOffer.from_json(list_by_signature(page, server, "Cancelled lamp"))
    second = SignedOffer.from_json(list_by_signature(page, server, "Superseded chair"))
    go(page, "#/shop")
    mine = page.locator(f"section.my-offers article.offer[data-offer='{first.hash_hex}']")
    expect(mine).to_have_count(1, timeout=TIMEOUT)
    mine.get_by_role("button", name="Cancel offer").click()
    done(mine, "Offer cancelled.")
    assert market.offerFilled(first.hash_hex) == 2**256 - 1
    server.wait_indexed()

    switch_to(page, wallet, "buyer")
    go(page, "#/")
    expect(page.locator(f".card.offer[data-offer='{second.hash_hex}']")).to_have_count(
        1, timeout=TIMEOUT
    )
    expect(page.locator(f".card.offer[data-offer='{first.hash_hex}']")).to_have_count(0)
    go(page, f"#/offer/{first.hash_hex}")
    verdict = page.locator(".verdict .notice.error")
    expect(verdict).to_have_text(
        f"The offer {first.hash_hex} was cancelled by its seller.", timeout=TIMEOUT
    )
    expect(page.locator("form.buy")).to_have_count(0)

    switch_to(page, wallet, "seller")
    go(page, "#/shop")
    section = page.locator("section.my-offers")
    expect(section.locator("article.offer")).to_have_count(1, timeout=TIMEOUT)
    section.get_by_role("button", name="Cancel all my offers").click()
    done(section, "Every offer you signed so far is void.")
    assert market.offerCounter(ADDRESSES["seller"]) != 0  # a jump, not +1 (review finding R1)
    server.wait_indexed()

    switch_to(page, wallet, "buyer")
    go(page, "#/")
    expect(page.locator(".card.offer")).to_have_count(0, timeout=TIMEOUT)
    go(page, f"#/offer/{second.hash_hex}")
    expect(page.locator(".verdict .notice.error")).to_contain_text(
        "is no longer valid: its seller cancelled all its offers since", timeout=TIMEOUT
    )
    expect(page.locator("form.buy")).to_have_count(0)
    assert [r.params[0]["from"].lower() for r in wallet.asked("eth_sendTransaction")] == [
        ADDRESSES["seller"].lower()
    ] * 2  # the seller's two cancellations, nothing from the buyer


def test_an_offer_whose_signature_is_not_its_sellers_is_refused_with_nothing_sent(
    server, suite, page, wallet
):
    seller_page(page, server, wallet)
    data = list_by_signature(page, server, "Forged vase")
    signed = SignedOffer.from_json(data)
    # A server that swaps the signature for another account's over the very same offer.
    other = sign_typed(
        SIGNERS["buyer"], typed_data(signed.chain_id, signed.marketplace, signed.offer)
    )
    forged = {**data, "signature": "0x" + other.hex()}

    def serve_forged(route):
        answer = route.fetch()
        body = answer.json()
        body["offer"]["signedOffer"] = forged
        route.fulfill(response=answer, json=body)

    page.route(f"**/api/offers/{signed.hash_hex}", serve_forged)
    switch_to(page, wallet, "deployer")
    go(page, f"#/offer/{signed.hash_hex}")
    expect(page.locator(".verdict .notice.error")).to_have_text(
        f"The offer is signed by {ADDRESSES['buyer']}, not by its seller "
        f"{ADDRESSES['seller']}: altered or forged.",
        timeout=TIMEOUT,
    )
    expect(page.locator("form.buy")).to_have_count(0)
    assert not wallet.asked("eth_sendTransaction")
