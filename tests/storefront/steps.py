"""What a storefront test does on the page, shared by the page's tests: open it, move to a
fragment, connect the test wallet, switch its account, wait for an action's outcome, take a
screenshot into reports/storefront/; list an item and put it in the cart."""

import contextlib
from pathlib import Path

import brownie
from playwright.sync_api import expect

from bazaar import artifacts, catalogue
from bazaar.clients.oracle import OracleClient
from bazaar.journal import Journal
from bazaar.server.page import Rates, Token
from tests.server.conftest import SIGNERS, USD, listing_document, running
from tests.support.cli import ADDRESSES, deploy_and_fund

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "reports" / "storefront"
TIMEOUT = 30_000  # ms: a transaction's whole round (simulate, sign, mine, index)
SELLER_OF = {"seller": 2, "deployer": 0}  # the dev accounts' indexes in brownie.accounts


def shop_suite(folder):
    """The suite deployed by `bazaar deploy` into `folder`, with its marketplace and mock
    tokens as brownie contracts; the buyer holds 1 WBTC and 10,000 USDC."""
    deployed = deploy_and_fund(folder)
    entry = deployed["journal"]["contracts"]["market"]
    abi = artifacts.load(entry["contract"]).abi
    return {**deployed, "market": brownie.Contract.from_abi("market", entry["address"], abi)}


@contextlib.contextmanager
def priced_server(suite, folder):
    """The storefront server on a new SQLite index in `folder` (its path: `.database`),
    pricing WBTC and USDC from the suite's oracle (/api/rates)."""
    journal = Journal.load(suite["folder"] / "31337.json")
    oracle = OracleClient(brownie.web3, journal.address("oracle"))
    tokens = [
        Token(journal.data["tokens"]["wbtc"], "wbtc", "WBTC", 8),
        Token(journal.data["tokens"]["usdc"], "usdc", "USDC", 6),
    ]
    rates = Rates(tokens, lambda token, usd: oracle.quote(token, usd).token_amount)
    database = folder / "index.sqlite"
    with running(suite, f"sqlite:///{database}", rates=rates) as api:
        api.database = database
        yield api


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def visit(page, server, fragment="#/"):
    page.goto(f"{server.url}/{fragment}")
    expect(page.locator("body")).to_have_attribute("data-ready", fragment, timeout=TIMEOUT)


def go(page, fragment):
    """To `fragment` of the page, drawn anew (through the catalogue when already there)."""
    if page.evaluate("location.hash") == fragment:
        go(page, "#/")
    page.evaluate("f => { location.hash = f }", fragment)
    expect(page.locator("body")).to_have_attribute("data-ready", fragment, timeout=TIMEOUT)


def connect(page):
    page.get_by_role("button", name="Connect Test Wallet").click()
    expect(page.locator(".wallet .account")).to_be_visible(timeout=TIMEOUT)


def switch_to(page, wallet, name):
    wallet.switch_account(name)
    expect(page.locator(".wallet .account")).to_contain_text(ADDRESSES[name][:6], timeout=TIMEOUT)


def done(box, text):
    """Until `box` shows the outcome `text` of the action just taken."""
    expect(box.locator(".notice.ok.progress", has_text=text)).to_have_count(1, timeout=TIMEOUT)


def listed(suite, server, title, price_usd, seller="seller", tokens=("usdc",)):
    """A listing of `seller` with an uploaded description, paid in `tokens`; its id."""
    document = listing_document(title, description="From the cart test")
    catalogue.upload(server.url, document, SIGNERS["seller"])
    metadata = bytes.fromhex(catalogue.content_hash(document)[2:])
    tx = suite["market"].list(
        price_usd * USD, 100, [suite[t] for t in tokens], 0, 0, 0, metadata,
        {"from": brownie.accounts[SELLER_OF[seller]]},
    )  # fmt: skip
    return tx.events["Listed"]["listingId"]


def add_to_cart(page, listing_id, quantity=1):
    go(page, f"#/listing/{listing_id}")
    buy = page.locator("form.buy")
    buy.locator("input[name=quantity]").fill(str(quantity))
    buy.get_by_role("button", name="Add to cart").click()
    done(page.locator("section.checkout"), "Added to your cart.")
