"""The client library's layers: a client without a signer raises a typed `NoSigner` that only the
CLI turns into the --keystore hint; a checkout's order is the one in its receipt; a payment the
contract refuses sends no approval first; one log scanner, whose block ranges halve when the
node refuses them; real tokens are read through IERC20Metadata, not a mock's ABI."""

from types import SimpleNamespace

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar import cli
from bazaar.cli import market as cli_market
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.logs import scan_logs
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.errors import BazaarError, NoSigner, RevertError
from bazaar.tx import TxSender
from tests.support.cli import DEV_KEYS
from tests.support.helpers import FAR_FUTURE


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


def sender(w3, who):
    return TxSender(w3, Account.from_key(DEV_KEYS[who]))


def test_a_client_without_a_signer_raises_no_signer_without_naming_the_cli(w3, market, order):
    client = MarketplaceClient(w3, market.address)
    with pytest.raises(NoSigner) as raised:
        client.send("confirm", order.terms, label="confirm")
    assert str(raised.value) == "confirm needs a signing account"
    assert "--keystore" not in str(raised.value)


def test_the_cli_maps_no_signer_to_the_keystore_hint(capsys, monkeypatch):
    def needs_a_signer(ctx):
        raise NoSigner("checkout")

    monkeypatch.setattr(cli_market, "cmd_quote", needs_a_signer)
    assert cli.main(["quote", "--token", "wbtc", "--usd", "1"]) == 1
    assert capsys.readouterr().err == (
        "bazaar: error: checkout needs a signing account: pass --keystore FILE\n"
    )


def test_a_checkouts_order_comes_from_its_receipt_not_from_a_log_scan(
    w3, market, listing, wbtc, arbiter, buyer, monkeypatch
):
    def no_scan(*args, **kwargs):
        raise AssertionError("the checkout scanned the logs for its own order")

    monkeypatch.setattr(MarketplaceClient, "logs", no_scan)
    client = MarketplaceClient(w3, market.address, sender(w3, "buyer"))
    token = Erc20Client(w3, wbtc.address, client.sender)
    order, paid, approved = client.checkout(
        listing, 1, token, 2 * 10**6, FAR_FUTURE, arbiter.address
    )
    assert (paid, approved, order.state.status) == (1_000_000, False, "Paid")
    assert order.terms.buyer == buyer.address and order.terms.id_hex() == order.id_hex
    assert market.getOrder(order.id_hex)[0] == paid  # the escrow it holds


def test_a_checkout_the_marketplace_refuses_sends_no_approval_first(
    w3, market, listing, wbtc, arbiter, seller
):
    client = MarketplaceClient(w3, market.address, sender(w3, "seller"))
    token = Erc20Client(w3, wbtc.address, client.sender)
    wbtc.mint(seller, 10**8, {"from": seller})
    nonce = w3.eth.get_transaction_count(seller.address)
    with pytest.raises(RevertError, match="checkout would revert: MarketplaceSelfDealing"):
        client.checkout(listing, 1, token, 2 * 10**6, FAR_FUTURE, arbiter.address)
    assert w3.eth.get_transaction_count(seller.address) == nonce
    assert wbtc.allowance(seller, market) == 0


def test_real_tokens_are_read_through_the_erc20_interface(w3, usdc):
    token = Erc20Client(w3, usdc.address)
    assert Erc20Client.ARTIFACT == "IERC20Metadata"
    names = {item.get("name") for item in token.contract.abi}
    assert "mint" not in names and {"symbol", "decimals", "allowance"} <= names
    assert (token.symbol, token.decimals) == ("USDC", 6)


class RangeCappedNode:
    """A node that refuses eth_getLogs over more than `cap` blocks; one log per block."""

    def __init__(self, latest: int, cap: int) -> None:
        self.cap, self.asked = cap, []
        self.eth = SimpleNamespace(block_number=latest, get_logs=self.get_logs)

    def get_logs(self, query):
        start, end = query["fromBlock"], query["toBlock"]
        self.asked.append((start, end))
        if end - start + 1 > self.cap:
            raise ValueError({"code": -32005, "message": "block range too large"})
        return [{"blockNumber": n} for n in range(start, end + 1)]


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_log_scanner_halves_a_range_the_node_refuses(newest_first):
    node = RangeCappedNode(latest=1_000, cap=300)
    found = [log["blockNumber"] for log in scan_logs(node, "0x", [], 10, newest_first=newest_first)]
    expected = list(range(10, 1_001))
    assert found == (expected[::-1] if newest_first else expected)
    refused = [(s, e) for s, e in node.asked if e - s + 1 > node.cap]
    # all 991 blocks at once, then 495, are refused; ranges of 247 go through (5 of them)
    assert [e - s + 1 for s, e in refused] == [991, 495]
    assert len(node.asked) == 2 + 5


def test_the_log_scanner_stops_asking_once_the_caller_has_what_it_wanted():
    node = RangeCappedNode(latest=50_000, cap=10_000)
    first = next(scan_logs(node, "0x", [], 0))
    assert first["blockNumber"] == 0 and node.asked == [(0, 9_999)]


def test_a_node_that_refuses_even_one_block_is_named():
    node = RangeCappedNode(latest=5, cap=0)
    with pytest.raises(BazaarError, match="refuses eth_getLogs for block 0 of 0xabc"):
        list(scan_logs(node, "0xabc", [], 0))
