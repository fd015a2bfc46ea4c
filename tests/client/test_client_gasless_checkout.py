"""The client's gasless checkout (bazaar/clients/checkouts.py, bazaar/signing/checkouts.py):
a signed checkout survives its JSON form field for field, a malformed one is refused naming the
field, the buyer's next Permit2 nonce is the lowest unused one, and a signed checkout's
signer is recovered from the file alone."""

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar.clients import checkouts
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import CartLine, MarketplaceClient
from bazaar.clients.permit2 import Permit2Client
from bazaar.errors import BazaarError, InputRefused
from bazaar.signing.checkouts import SignedCheckout
from bazaar.tx import TxSender
from tests.support.cli import DEV_KEYS
from tests.support.helpers import FAR_FUTURE


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def key():
    return Account.from_key(DEV_KEYS["buyer"])


@pytest.fixture
def client(w3, market, key):
    return MarketplaceClient(w3, market.address, TxSender(w3, key))


@pytest.fixture
def signed(client, w3, key, listing, wbtc, permit2, arbiter, buyer):
    wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    token = Erc20Client(w3, wbtc.address)
    return checkouts.sign_checkout(
        client,
        key,
        [CartLine(listing, 2)],
        token,
        2_100_000,
        FAR_FUTURE,
        arbiter.address,
        None,
        1_000,
    )


def test_a_signed_checkout_round_trips_through_json_and_names_its_signer(signed, key):
    again = SignedCheckout.from_json(signed.to_json())
    assert again == signed
    assert again.signer() == key.address == again.buyer
    assert again.lines == ((int(again.lines[0][0]), 2, 0),)


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("payment", "buyer"), "0x1234", "buyer '0x1234' is not an address"),
        (("payment", "nonce"), "-1", "nonce '-1' is not a whole number"),
        (("payment", "signature"), "0x00", "signature is not 0x followed by 130 hex digits"),
        (("cart", "maxTotal"), str(2**256), "is out of range"),
        (("cart", "lines"), [], "cart.lines must be a non-empty list"),
        (("type",), "bazaar-ballot", "not a signed checkout"),
    ],
)
def test_a_malformed_signed_checkout_is_refused_naming_the_field(signed, path, value, fragment):
    data = signed.to_json()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(InputRefused, match=fragment):
        SignedCheckout.from_json(data, where="the file")


def test_the_next_nonce_is_the_lowest_unused_one(w3, permit2, buyer):
    client = Permit2Client(w3, permit2.address)
    owner = buyer.address
    assert checkouts.next_nonce(client, owner) == 0
    permit2.invalidateUnorderedNonces(0, 0b1011, {"from": buyer})  # nonces 0, 1 and 3 used
    assert checkouts.next_nonce(client, owner) == 2
    permit2.invalidateUnorderedNonces(0, 2**256 - 1, {"from": buyer})  # the whole first word
    assert checkouts.next_nonce(client, owner) == 256


def test_a_relay_runs_the_checks_before_anything_is_sent(client, signed, w3, stranger):
    relayer = MarketplaceClient(w3, client.address)
    checkouts.check_relay(relayer, signed, stranger.address)  # good now
    forged = SignedCheckout(**{**signed.__dict__, "relayer_fee": signed.relayer_fee + 1})
    with pytest.raises(InputRefused, match="not by its buyer"):
        checkouts.check_relay(relayer, forged, stranger.address)


def test_a_marketplace_without_permit2_has_no_gasless_checkout(w3, plain_market):
    with pytest.raises(BazaarError, match="deployed without Permit2"):
        checkouts.permit2_of(MarketplaceClient(w3, plain_market.address))


def test_the_fee_cap_is_the_contracts(market):
    assert market.MAX_RELAYER_FEE_BPS() == checkouts.MAX_RELAYER_FEE_BPS
    assert checkouts.fee_cap(1_000_000) == 30_000
