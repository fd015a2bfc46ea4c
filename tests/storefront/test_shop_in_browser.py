"""The storefront end to end in Chromium, on a fresh chain with the suite deployed by `bazaar
deploy`, a real `serve` (SQLite index, prices from the oracle) and the test wallet injected by
EIP-6963: a seller lists with a picture, a buyer finds it, pays in WBTC, the seller ships, the
buyer confirms and reviews; a dispute ruled from the arbiter's page; a rejected signature, a
refusal explained before signing, a wrong chain, a tampered document, script in a title, and a
page with no wallet at all. Screenshots of the main pages go to reports/storefront/."""

import json
import subprocess

import brownie
import pytest
import sqlalchemy as sa
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak
from playwright.sync_api import expect

from bazaar import catalogue
from bazaar.index.schema import orders, uploads
from tests.server.conftest import SIGNERS, listing_document, put_on_sale
from tests.storefront.steps import (
    ROOT,
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
from tests.support.cli import ADDRESSES, DEV_KEYS

PICTURE = ROOT / "tools" / "local" / "shop" / "mug.png"
STATUS = {"Paid": 1, "Shipped": 2, "Completed": 3, "Disputed": 6, "Resolved": 7}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return shop_suite(tmp_path_factory.mktemp("storefront"))


@pytest.fixture
def server(suite, tmp_path):
    with priced_server(suite, tmp_path) as api:
        yield api


def listed_with_document(suite, server, title, price_usd=40):
    document = listing_document(title, description="From the test")
    assert catalogue.upload(server.url, document, SIGNERS["seller"]).created
    return put_on_sale(suite, price_usd, document), document


def order_status(suite, order_id):
    return suite["market"].getOrder(order_id)[2]


def test_a_seller_lists_a_picture_a_buyer_finds_it_pays_in_wbtc_and_the_order_completes(
    server, suite, page, wallet
):
    wallet.account = "seller"
    visit(page, server, "#/shop")
    connect(page)
    go(page, "#/shop")
    form = page.locator("form.create")
    form.locator("input[name=title]").fill("Bitcoin orange mug")
    form.locator("textarea[name=description]").fill("Stoneware, 330 ml")
    form.locator("input[name=picture]").set_input_files(str(PICTURE))
    form.locator("input[name=price]").fill("12.50")
    form.locator("input[name=stock]").fill("3")
    shot(page, "shop")
    form.get_by_role("button", name="Upload and list").click()
    done(form, "Listed.")
    signed = [r.params[0].lower() for r in wallet.asked("personal_sign")]
    assert len(signed) == 2 and signed[0] == "0x" + keccak(PICTURE.read_bytes()).hex()
    server.wait_indexed()

    switch_to(page, wallet, "buyer")
    go(page, "#/?q=orange")
    card = page.locator(".card", has_text="Bitcoin orange mug")
    expect(card).to_have_count(1, timeout=TIMEOUT)
    expect(card.locator("img")).to_be_visible(timeout=TIMEOUT)
    assert card.locator("img").get_attribute("src").startswith("blob:")  # checked bytes
    expect(card.locator(".price")).to_have_text("$12.50")
    expect(card.locator(".wbtc")).to_contain_text("WBTC")
    shot(page, "catalogue")
    card.click()
    expect(page.locator("h2.title")).to_have_text("Bitcoin orange mug", timeout=TIMEOUT)
    buy = page.locator("form.buy")
    buy.locator("select[name=token]").select_option(label="WBTC")
    buy.locator("input[name=quantity]").fill("2")
    buy.locator("input[name=quantity]").dispatch_event("change")
    expect(buy.locator(".locked")).to_contain_text("WBTC", timeout=TIMEOUT)
    shot(page, "listing")
    buy.get_by_role("button", name="Buy").click()
    status = page.locator("section.checkout")
    done(status, "Paid.")
    order_id = status.get_attribute("data-order")
    assert order_status(suite, order_id) == STATUS["Paid"]
    server.wait_indexed()

    go(page, "#/orders")
    order = page.locator(f"article.order[data-order='{order_id}']")
    expect(order.locator(".badge")).to_have_text("Paid", timeout=TIMEOUT)
    expect(order.locator(".deadline")).to_contain_text("ship by")
    shot(page, "orders")

    switch_to(page, wallet, "seller")
    go(page, "#/sales")
    sale = page.locator(f"article.order[data-order='{order_id}']")
    sale.locator("input[name=ship]").fill("DHL 00340434161094042557")
    sale.get_by_role("button", name="Ship").click()
    done(sale, "Shipped.")
    assert order_status(suite, order_id) == STATUS["Shipped"]
    server.wait_indexed()

    switch_to(page, wallet, "buyer")
    go(page, "#/orders")
    order = page.locator(f"article.order[data-order='{order_id}']")
    expect(order.locator(".badge")).to_have_text("Shipped", timeout=TIMEOUT)
    order.get_by_role("button", name="Confirm delivery").click()
    done(order, "Delivery confirmed.")
    assert order_status(suite, order_id) == STATUS["Completed"]
    expect(order.locator(".badge")).to_have_text("Completed", timeout=TIMEOUT)  # redrawn
    order.locator("select[name=rating]").select_option("5")
    order.locator("input[name=review]").fill("Lovely mug, fast shipping")
    order.get_by_role("button", name="Review").click()
    done(order, "Review recorded.")
    assert tuple(int(v) for v in suite["market"].sellerRating(ADDRESSES["seller"])) == (5, 1)
    assert not wallet.faults


def buy_in_page(page, server, listing_id, token="USDC"):
    """The connected buyer checks out one of `listing_id`; the order id."""
    go(page, f"#/listing/{listing_id}")
    buy = page.locator("form.buy")
    buy.locator("select[name=token]").select_option(label=token)
    buy.get_by_role("button", name="Buy").click()
    box = page.locator("section.checkout")
    done(box, "Paid.")
    server.wait_indexed()
    return box.get_attribute("data-order")


def test_a_disputed_order_is_ruled_from_the_arbiters_page_with_the_evidence_hash_shown(
    server, suite, page, wallet
):
    listing_id, _ = listed_with_document(suite, server, "Oak reading chair", 180)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    order_id = buy_in_page(page, server, listing_id)
    go(page, "#/orders")
    order = page.locator(f"article.order[data-order='{order_id}']")
    evidence = "The seller stopped answering"
    order.locator("input[name=open-dispute]").fill(evidence)
    order.get_by_role("button", name="Open dispute").click()
    done(order, "Dispute opened.")
    assert order_status(suite, order_id) == STATUS["Disputed"]
    server.wait_indexed()

    switch_to(page, wallet, "arbiter")
    go(page, "#/arbiter")
    dispute = page.locator(f"article.order[data-order='{order_id}']")
    expect(dispute.locator(".evidence")).to_contain_text(
        "0x" + keccak(text=evidence).hex(), timeout=TIMEOUT
    )
    shot(page, "arbiter")
    dispute.locator("input[name=buyer-share]").fill("30")
    dispute.get_by_role("button", name="Rule").click()
    done(dispute, "Ruled.")
    assert order_status(suite, order_id) == STATUS["Resolved"]


def test_a_rejected_signature_sends_nothing_and_the_page_says_so(server, suite, page, wallet):
    listing_id, _ = listed_with_document(suite, server, "Brass desk lamp", 25)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    wallet.decide = lambda method, params: method != "eth_sendTransaction"
    nonce = brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"])
    stock = suite["market"].getListing(listing_id)["stock"]
    go(page, f"#/listing/{listing_id}")
    page.locator("form.buy").get_by_role("button", name="Buy").click()
    box = page.locator("section.checkout")
    expect(box.locator(".notice.error")).to_have_text(
        "You rejected the request in your wallet; nothing was sent.", timeout=TIMEOUT
    )
    assert brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"]) == nonce
    assert suite["market"].getListing(listing_id)["stock"] == stock
    assert wallet.asked("eth_sendTransaction") and not wallet.sent


def test_a_checkout_the_chain_would_refuse_is_explained_before_the_wallet_is_asked(
    server, suite, page, wallet
):
    listing_id, _ = listed_with_document(suite, server, "Notebook", 9)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    go(page, f"#/listing/{listing_id}")
    buy = page.locator("form.buy")
    buy.locator("input[name=quantity]").evaluate("e => { e.removeAttribute('max') }")
    buy.locator("input[name=quantity]").fill("1000")  # more than the 100 in stock
    buy.get_by_role("button", name="Buy").click()
    error = page.locator("section.checkout .notice.error")
    expect(error).to_contain_text("stock", timeout=TIMEOUT)
    sentence = error.inner_text()
    assert "0x" not in sentence[:20], sentence  # a sentence, not raw revert data
    assert not wallet.asked("eth_sendTransaction")  # simulated first: the wallet never asked


def test_a_wallet_on_another_chain_is_detected_and_switched(server, page, wallet):
    wallet.set_chain(1)
    visit(page, server)
    connect(page)
    alert = page.locator(".wrong-chain")
    expect(alert).to_contain_text("chain 1", timeout=TIMEOUT)
    page.get_by_role("button", name="Switch chain").click()
    expect(alert).to_have_count(0, timeout=TIMEOUT)
    assert wallet.chain_id == 31337
    assert wallet.asked("wallet_switchEthereumChain")


def test_a_server_that_swaps_a_description_is_caught_by_the_page(server, suite, page):
    listing_id, document = listed_with_document(suite, server, "Genuine leather bag")
    server.wait_indexed()
    digest = catalogue.content_hash(document)
    swapped = document.replace(b"Genuine leather bag", b"Genuine leather bog")
    engine = sa.create_engine(f"sqlite:///{server.database}")
    with engine.begin() as c:
        c.execute(uploads.update().where(uploads.c.hash == digest).values(body=swapped))
    engine.dispose()
    visit(page, server)
    card = page.locator(f".card[data-listing='{listing_id}']")
    expect(card.locator(".warn")).to_contain_text(
        "does not match the hash on chain", timeout=TIMEOUT
    )
    expect(card.locator("h3")).not_to_contain_text("bog")
    shot(page, "tampered")


def test_script_in_a_title_is_shown_as_text(server, suite, page):
    title = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    listing_id, _ = listed_with_document(suite, server, title)
    server.wait_indexed()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visit(page, server)
    card = page.locator(f".card[data-listing='{listing_id}']")
    expect(card.locator("h3")).to_have_text(title, timeout=TIMEOUT)
    go(page, f"#/listing/{listing_id}")
    expect(page.locator("h2.title")).to_have_text(title, timeout=TIMEOUT)
    assert page.evaluate("window.pwned") is None and not dialogs
    assert page.locator("img[src=x]").count() == 0 and page.locator("main script").count() == 0


def test_with_no_wallet_the_catalogue_works_read_only_and_says_how_to_connect(
    server, suite, bare_page
):
    listing_id, _ = listed_with_document(suite, server, "Walnut cutting board", 35)
    server.wait_indexed()
    visit(bare_page, server)
    card = bare_page.locator(f".card[data-listing='{listing_id}']")
    expect(card.locator("h3")).to_have_text("Walnut cutting board", timeout=TIMEOUT)
    expect(card.locator(".wbtc")).to_contain_text("WBTC")
    expect(bare_page.locator(".no-wallet")).to_contain_text("install a wallet")
    go(bare_page, "#/orders")
    expect(bare_page.locator("main")).to_contain_text("Connect a wallet")
    shot(bare_page, "no-wallet")


def test_an_unknown_listing_says_so(server, page):
    visit(page, server, "#/listing/999")
    expect(page.locator("main .notice.error")).to_contain_text("no listing 999")


def publish_key(page, wallet, name):
    switch_to(page, wallet, name)
    go(page, "#/shop")
    panel = page.locator("section.keys")
    panel.locator("input[name=profile-name]").fill(f"{name} of the test")
    panel.get_by_role("button", name="Publish my key").click()
    done(panel, "Key published.")
    expect(panel.locator(".key-state")).to_contain_text("Published: 0x", timeout=TIMEOUT)


def chain_holds(text):
    """Whether any transaction's input or any log of the test chain holds `text`'s bytes."""
    needle = text.encode().hex()
    web3 = brownie.web3
    for number in range(web3.eth.block_number + 1):
        for tx in web3.eth.get_block(number, full_transactions=True).transactions:
            if needle in bytes(tx["input"]).hex():
                return True
            for log in web3.eth.get_transaction_receipt(tx["hash"]).logs:
                if needle in bytes(log["data"]).hex():
                    return True
    return False


def test_a_delivery_address_is_sealed_to_the_seller_and_arbiter_and_stored_nowhere_in_clear(
    server, suite, page, wallet
):
    address = "Ada Lovelace, 12 Example Street, London NW1"
    listing_id, _ = listed_with_document(suite, server, "Walnut desk", 120)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    publish_key(page, wallet, "seller")
    publish_key(page, wallet, "arbiter")

    switch_to(page, wallet, "buyer")
    go(page, f"#/listing/{listing_id}")
    buy = page.locator("form.buy")
    buy.locator("textarea[name=address]").fill(address)
    buy.get_by_role("button", name="Buy").click()
    box = page.locator("section.checkout")
    expect(box.locator(".details-sent")).to_contain_text(
        "the seller and the arbiter", timeout=TIMEOUT
    )
    order_id = box.get_attribute("data-order")
    go(page, "#/orders")
    line = page.locator(f"article.order[data-order='{order_id}'] .delivery")
    expect(line).to_contain_text("sent, sealed to the seller and the arbiter", timeout=TIMEOUT)

    # The server's store and the chain hold only sealed boxes and hashes.
    engine = sa.create_engine(f"sqlite:///{server.database}")
    with engine.connect() as c:
        stored = [bytes(body) for body in c.execute(sa.select(uploads.c.body)).scalars()]
    engine.dispose()
    assert stored and not any(b"Lovelace" in body or b"Example Street" in body for body in stored)
    assert not chain_holds("Lovelace")

    # The seller opens them in its page; so does the arbiter once the order is disputed.
    switch_to(page, wallet, "seller")
    go(page, "#/sales")
    card = page.locator(f"article.order[data-order='{order_id}']")
    card.get_by_role("button", name="Open").click()
    expect(card.locator(".address")).to_have_text(address, timeout=TIMEOUT)
    shot(page, "delivery-details")
    switch_to(page, wallet, "buyer")
    go(page, "#/orders")
    card = page.locator(f"article.order[data-order='{order_id}']")
    card.locator("input[name=open-dispute]").fill("Wrong colour")
    card.get_by_role("button", name="Open dispute").click()
    done(card, "Dispute opened.")
    server.wait_indexed()
    switch_to(page, wallet, "arbiter")
    go(page, "#/arbiter")
    card = page.locator(f"article.order[data-order='{order_id}']")
    card.get_by_role("button", name="Open").click()
    expect(card.locator(".address")).to_have_text(address, timeout=TIMEOUT)

    # Outside the browser: the seller's key (remade from its wallet's signature of the key
    # text the page asked it to sign: a Sign-In with Ethereum message for this server's
    # domain) opens its copy, with the order and the buyer sealed beside the address; another
    # account's key does not open it, nor the seller's the arbiter's copy.
    texts = [
        bytes.fromhex(r.params[0][2:]).decode()
        for r in wallet.asked("personal_sign")
        if r.params[1].lower() == ADDRESSES["seller"].lower()
        and b"wants you to sign in" in bytes.fromhex(r.params[0][2:])
    ]
    assert texts and texts[0].startswith(server.url.removeprefix("http://") + " wants you")
    found = server.json(f"/api/deliveries/{order_id}")
    document = json.loads(server.get(f"/api/documents/{found['document']}").content)
    copies = {entry["to"]: entry["box"] for entry in document["sealed"]}
    assert sorted(copies) == sorted([ADDRESSES["seller"], ADDRESSES["arbiter"]])
    opened = open_sealed(delivery_key("seller", texts[0]), copies[ADDRESSES["seller"]])
    assert json.loads(opened) == {
        "order": order_id,
        "buyer": ADDRESSES["buyer"],
        "address": address,
    }
    assert len(opened) == 1024  # padded: the box does not tell the address's length
    assert open_sealed(delivery_key("deployer", texts[0]), copies[ADDRESSES["seller"]]) is None
    assert open_sealed(delivery_key("seller", texts[0]), copies[ADDRESSES["arbiter"]]) is None


def delivery_key(name, text):
    """The delivery key the page makes when dev account `name` signs `text` (delivery.js)."""
    signed = Account.from_key(DEV_KEYS[name]).sign_message(encode_defunct(text=text))
    return "0x" + keccak(bytes(signed.signature)).hex()


OPEN = """
const { decrypt } = await import("eciesjs");
const { Config } = await import("eciesjs/config");
const curve = Object.assign(new Config(), { ellipticCurve: "x25519" });
curve.symmetricAlgorithm = "xchacha20";
const [secret, box] = process.argv.slice(1);
try {
  const opened = decrypt(secret.slice(2), Buffer.from(box.slice(2), "hex"), curve);
  process.stdout.write(new TextDecoder().decode(opened));
} catch { process.exit(3); }
"""


def open_sealed(secret, box):
    """`box` opened with `secret` by eciesjs in Node (the page's library), or None."""
    run = subprocess.run(
        ["node", "--input-type=module", "-e", OPEN, secret, box],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    return run.stdout if run.returncode == 0 else None


def test_a_seller_edits_a_listing_delists_another_and_refunds_an_order_from_the_shop(
    server, suite, page, wallet
):
    kept, _ = listed_with_document(suite, server, "Copper kettle", 60)
    dropped, _ = listed_with_document(suite, server, "Tin whistle", 8)
    sold, _ = listed_with_document(suite, server, "Linen apron", 30)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    order_id = buy_in_page(page, server, sold)
    switch_to(page, wallet, "seller")
    go(page, "#/shop")
    card = page.locator(f"article.listing[data-listing='{kept}']")
    card.locator("input[name=price]").fill("64.50")
    card.locator("input[name=stock]").fill("7")
    card.get_by_role("button", name="Update").click()
    done(card, "Updated.")
    listing = suite["market"].getListing(kept)
    assert (listing["priceUsd"], listing["stock"]) == (6_450_000_000, 7)
    page.locator(f"article.listing[data-listing='{dropped}']").get_by_role(
        "button", name="Delist"
    ).click()
    done(page.locator(f"article.listing[data-listing='{dropped}']"), "Delisted.")
    assert not suite["market"].getListing(dropped)["active"]

    paid_back = suite["usdc"].balanceOf(ADDRESSES["buyer"])
    go(page, "#/sales")
    sale = page.locator(f"article.order[data-order='{order_id}']")
    sale.get_by_role("button", name="Refund in full").click()
    done(sale, "Refunded.")
    expect(sale.locator(".badge")).to_have_text("Refunded", timeout=TIMEOUT)
    assert order_status(suite, order_id) == 4  # Refunded
    assert suite["usdc"].balanceOf(ADDRESSES["buyer"]) == paid_back + 30 * 10**6


def test_the_catalogue_filters_by_token_and_seller_and_pages_through_results(server, suite, page):
    for number in range(14):
        listed_with_document(suite, server, f"Postcard {number:02}", 2 + number)
    server.wait_indexed()
    visit(page, server, "#/?q=Postcard&sort=price")
    expect(page.locator(".count")).to_have_text("14 listings, page 1 of 2", timeout=TIMEOUT)
    expect(page.locator(".card h3").first).to_have_text("Postcard 00", timeout=TIMEOUT)
    page.get_by_role("link", name="next →").click()
    expect(page.locator(".count")).to_have_text("14 listings, page 2 of 2", timeout=TIMEOUT)
    expect(page.locator(".card")).to_have_count(2)
    go(page, "#/?q=Postcard&token=wbtc")  # these take USDC only
    expect(page.locator(".results")).to_contain_text("Nothing matches", timeout=TIMEOUT)
    go(page, f"#/?q=Postcard&token=usdc&seller={ADDRESSES['buyer']}")
    expect(page.locator(".results")).to_contain_text("Nothing matches", timeout=TIMEOUT)
    go(page, f"#/?q=Postcard&token=usdc&seller={ADDRESSES['seller']}")
    expect(page.locator(".count")).to_contain_text("14 listings", timeout=TIMEOUT)


def test_a_buyer_asks_to_cancel_and_reclaims_after_the_shipping_deadline_passes(
    server, suite, page
):
    listing_id, _ = listed_with_document(suite, server, "Cast iron pan", 45)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    order_id = buy_in_page(page, server, listing_id)
    go(page, "#/orders")
    order = page.locator(f"article.order[data-order='{order_id}']")
    expect(order.get_by_role("button", name="Reclaim my payment")).to_have_count(0)
    order.get_by_role("button", name="Ask to cancel").click()
    done(order, "Cancellation asked.")
    expect(order).to_contain_text("The buyer asked to cancel.", timeout=TIMEOUT)

    deadline = suite["market"].getOrder(order_id)[1]
    brownie.chain.sleep(deadline - brownie.chain.time() + 60)  # the chain's clock, not ours
    brownie.chain.mine()
    server.wait_indexed()
    go(page, "#/orders")
    expect(order.locator(".deadline")).to_contain_text("(passed)", timeout=TIMEOUT)
    balance = suite["usdc"].balanceOf(ADDRESSES["buyer"])
    order.get_by_role("button", name="Reclaim my payment").click()
    done(order, "Payment reclaimed.")
    assert suite["usdc"].balanceOf(ADDRESSES["buyer"]) == balance + 45 * 10**6


def test_an_order_whose_terms_the_server_changed_is_refused_before_anything_is_signed(
    server, suite, page, wallet
):
    listing_id, _ = listed_with_document(suite, server, "Brass compass", 50)
    server.wait_indexed()
    visit(page, server)
    connect(page)
    order_id = buy_in_page(page, server, listing_id)
    go(page, "#/orders")
    engine = sa.create_engine(f"sqlite:///{server.database}")
    with engine.begin() as c:  # the index (or whoever writes it) lies about the terms
        raw = c.execute(sa.select(orders.c.terms).where(orders.c.id == order_id)).scalar_one()
        terms = json.loads(raw)
        c.execute(
            orders.update()
            .where(orders.c.id == order_id)
            .values(terms=json.dumps({**terms, "quantity": int(terms["quantity"]) + 1}))
        )
    engine.dispose()
    go(page, "#/orders")
    sends = len(wallet.asked("eth_sendTransaction"))
    order = page.locator(f"article.order[data-order='{order_id}']")
    order.get_by_role("button", name="Ask to cancel").click()
    expect(order.locator(".notice.error")).to_contain_text(
        "do not hash to its id: nothing was sent", timeout=TIMEOUT
    )
    assert len(wallet.asked("eth_sendTransaction")) == sends
