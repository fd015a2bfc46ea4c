"""The browser harness itself (tests/support/browser.py), proved on a probe page of its own
(fixtures/wallet_probe.html): EIP-6963 discovery, connecting, the chain and the accounts
followed by events, real transactions on the test chain, node errors with their revert data."""

import re
from pathlib import Path

import brownie
import pytest
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from playwright.sync_api import expect
from web3 import Web3

from tests.support.browser import ICON, RDNS, serve_folder
from tests.support.cli import ADDRESSES

LOCAL_CHAIN = "0x7a69"  # anvil's 31337
REJECTED = "4001: User rejected the request."


@pytest.fixture(scope="module")
def probe_site():
    with serve_folder(Path(__file__).parent / "fixtures") as url:
        yield url + "/wallet_probe.html"


def open_probe(page, url):
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "yes")
    return page


def connect(page):
    page.click("#connect")
    expect(page.locator("#account")).to_have_text(ADDRESSES["buyer"])


def send(page, to, value):
    page.fill("#to", to)
    page.fill("#value", str(value))
    page.click("#send")


def test_discovery_finds_exactly_one_provider_with_the_announced_info(page, wallet, probe_site):
    open_probe(page, probe_site)
    expect(page.locator("#providers")).to_have_text("1")
    wallets = page.evaluate("probe.wallets")
    assert wallets == [{"info": wallet.info, "frozen": True}]
    assert wallet.info["name"] == "Test Wallet" and wallet.info["rdns"] == RDNS
    assert wallet.info["icon"] == ICON and ICON.startswith("data:image/svg+xml")
    # the icon is a picture the page can show
    expect(page.locator("#wallet-name")).to_have_text("Test Wallet")
    assert page.evaluate("document.getElementById('wallet-icon').naturalWidth") == 96
    # a second request is answered again, by the same provider
    assert page.evaluate("""() => {
        const seen = [];
        window.addEventListener("eip6963:announceProvider", e => seen.push(e.detail));
        window.dispatchEvent(new Event("eip6963:requestProvider"));
        return seen.length === 1 && seen[0].provider === probe.provider;
    }""")


def test_a_page_with_no_injected_wallet_finds_no_provider(bare_page, probe_site):
    open_probe(bare_page, probe_site)
    expect(bare_page.locator("#providers")).to_have_text("0")
    expect(bare_page.locator("#wallet-name")).to_have_text("none")
    assert bare_page.evaluate("window.__testWallet === undefined && probe.wallets.length === 0")


def test_a_connection_reads_the_chain_and_shows_the_account(page, wallet, probe_site):
    open_probe(page, probe_site)
    expect(page.locator("#account")).to_have_text("not connected")
    expect(page.locator("#chain")).to_have_text(LOCAL_CHAIN)
    expect(page.locator("#network")).to_have_text("local")
    connect(page)
    assert [(r.method, r.decision) for r in wallet.asked("eth_requestAccounts")] == [
        ("eth_requestAccounts", True)
    ]
    assert page.evaluate("probe.attempt('eth_accounts', [])") == {"result": [ADDRESSES["buyer"]]}


def test_a_rejected_connection_gives_4001_and_no_accounts(page, wallet, probe_site):
    wallet.decide = lambda method, params: method != "eth_requestAccounts"
    open_probe(page, probe_site)
    page.click("#connect")
    expect(page.locator("#error")).to_have_text(REJECTED)
    assert page.evaluate("probe.lastError.code") == 4001
    expect(page.locator("#account")).to_have_text("not connected")
    assert page.evaluate("probe.attempt('eth_accounts', [])") == {"result": []}
    assert [r.decision for r in wallet.asked("eth_requestAccounts")] == [False]


def test_an_approved_transaction_is_mined_on_the_chain(page, wallet, probe_site):
    seller = ADDRESSES["seller"]
    before = brownie.web3.eth.get_balance(seller)
    open_probe(page, probe_site)
    connect(page)
    send(page, seller, 10**18)
    expect(page.locator("#hash")).to_have_text(re.compile(r"^0x[0-9a-f]{64}$"))
    [tx_hash] = wallet.sent
    assert page.text_content("#hash") == tx_hash
    receipt = brownie.web3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)  # under load
    assert receipt["status"] == 1
    assert (receipt["from"], receipt["to"]) == (ADDRESSES["buyer"], seller)
    tx = brownie.web3.eth.get_transaction(tx_hash)
    assert tx["value"] == 10**18 and tx["type"] == 2 and tx["chainId"] == 31337
    assert brownie.web3.eth.get_balance(seller) == before + 10**18
    assert [r.decision for r in wallet.asked("eth_sendTransaction")] == [True]


def test_a_rejected_transaction_gives_4001_and_leaves_the_nonce_unchanged(page, wallet, probe_site):
    wallet.decide = lambda method, params: method != "eth_sendTransaction"
    nonce = brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"])
    open_probe(page, probe_site)
    connect(page)
    send(page, ADDRESSES["seller"], 10**18)
    expect(page.locator("#error")).to_have_text(REJECTED)
    expect(page.locator("#hash")).to_have_text("none")
    assert wallet.sent == []
    assert [r.decision for r in wallet.asked("eth_sendTransaction")] == [False]
    assert brownie.web3.eth.get_transaction_count(ADDRESSES["buyer"]) == nonce


def test_a_wrong_chain_is_seen_by_the_page_and_switching_fixes_it(page, wallet, probe_site):
    wallet.set_chain(1)
    open_probe(page, probe_site)
    expect(page.locator("#chain")).to_have_text("0x1")
    expect(page.locator("#network")).to_have_text(f"wrong network (want {LOCAL_CHAIN})")
    page.click("#switch")
    expect(page.locator("#network")).to_have_text("local")
    assert page.evaluate("probe.events") == [["chainChanged", LOCAL_CHAIN]]
    assert wallet.chain_id == 31337
    # and the test can move the wallet again: the page hears it
    wallet.set_chain(5)
    expect(page.locator("#chain")).to_have_text("0x5")


def test_switching_to_an_unknown_chain_gives_4902(page, wallet, probe_site):
    open_probe(page, probe_site)
    answer = page.evaluate("probe.attempt('wallet_switchEthereumChain', [{chainId: '0x539'}])")
    assert answer["error"]["code"] == 4902
    assert wallet.chain_id == 31337 and page.evaluate("probe.events") == []


def test_accounts_changed_reaches_the_page(page, wallet, probe_site):
    open_probe(page, probe_site)
    connect(page)
    wallet.switch_account("seller")
    expect(page.locator("#account")).to_have_text(ADDRESSES["seller"])
    assert page.evaluate("probe.events") == [["accountsChanged", [ADDRESSES["seller"]]]]
    assert page.evaluate("probe.attempt('eth_accounts', [])") == {"result": [ADDRESSES["seller"]]}


def test_a_revert_reaches_the_page_with_its_custom_error_data(
    page, wallet, probe_site, MockUSDC, deployer
):
    usdc = MockUSDC.deploy({"from": deployer})
    buyer = ADDRESSES["buyer"]
    data = usdc.setBlacklisted.encode_input(buyer, True)
    call = {"from": buyer, "to": usdc.address, "data": data}
    # MockUSDCNotBlacklister(buyer): only the deployer may blacklist
    selector = Web3.keccak(text="MockUSDCNotBlacklister(address)")[:4]
    revert_data = "0x" + (selector + encode(["address"], [buyer])).hex()
    open_probe(page, probe_site)
    connect(page)
    nonce = brownie.web3.eth.get_transaction_count(buyer)
    for method, params in (
        ("eth_call", [call, "latest"]),
        ("eth_estimateGas", [call]),
        ("eth_sendTransaction", [call]),  # the wallet's own estimate fails first
    ):
        error = page.evaluate("([m, p]) => probe.attempt(m, p)", [method, params])["error"]
        assert (error["code"], error["data"]) == (3, revert_data), method
        assert error["message"].startswith("execution reverted"), error
    assert wallet.sent == [] and brownie.web3.eth.get_transaction_count(buyer) == nonce


def test_a_screenshot_is_written(page, wallet, probe_site, tmp_path):
    open_probe(page, probe_site)
    connect(page)
    path = tmp_path / "wallet_probe.png"
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 5_000


TYPED = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "chainId", "type": "uint256"},
        ],
        "Note": [{"name": "text", "type": "string"}, {"name": "amount", "type": "uint256"}],
    },
    "primaryType": "Note",
    "domain": {"name": "Wallet probe", "chainId": 31337},
    "message": {"text": "hello", "amount": 7},
}


def test_signatures_recover_to_the_current_account_and_can_be_refused(page, wallet, probe_site):
    open_probe(page, probe_site)
    connect(page)
    buyer = ADDRESSES["buyer"]
    personal = page.evaluate("a => probe.attempt('personal_sign', ['0x68656c6c6f', a])", buyer)
    assert (
        Account.recover_message(encode_defunct(text="hello"), signature=personal["result"]) == buyer
    )
    typed = page.evaluate(
        "([a, t]) => probe.attempt('eth_signTypedData_v4', [a, JSON.stringify(t)])", [buyer, TYPED]
    )
    signable = encode_typed_data(full_message=TYPED)
    assert Account.recover_message(signable, signature=typed["result"]) == buyer
    wallet.decide = lambda method, params: False
    refused = page.evaluate("a => probe.attempt('personal_sign', ['0x00', a])", buyer)
    assert refused["error"]["code"] == 4001
    # a signing method the wallet does not offer never reaches the node (whose keys are unlocked)
    other = page.evaluate("a => probe.attempt('eth_sign', [a, '0x00'])", buyer)
    assert other["error"]["code"] == 4200
    assert [r.decision for r in wallet.requests if r.decision is not None] == [
        True,
        True,
        True,
        False,
    ]
