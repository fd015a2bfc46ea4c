"""The client's signed offers (bazaar/clients/offers.py, bazaar/signing/offers.py): a signed
offer survives its JSON form and its hash is the contract's; a malformed, foreign or altered
one is refused naming what is wrong; an offer outside what `list` accepts is never signed; and
an offer's state (filled, cancelled, superseded, expired, units left) is the chain's."""

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar.clients import offers
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.errors import InputRefused
from bazaar.settings import USD
from bazaar.signing.offers import SignedOffer
from bazaar.tx import TxSender
from tests.support.helpers import FAR_FUTURE, next_block_at
from tools.local.dev_keys import DEV_KEYS

PRICE = 40 * USD  # $40: 40,000 sats at $100,000


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def seller_key():
    return Account.from_key(DEV_KEYS["seller"])


@pytest.fixture
def seller_client(w3, market, seller_key):
    return MarketplaceClient(w3, market.address, TxSender(w3, seller_key))


@pytest.fixture
def signed(seller_client, seller_key, wbtc):
    expiry = brownie.chain.time() + 3_600
    return offers.sign_offer(seller_client, seller_key, PRICE, 4, [wbtc.address], expiry)


def purchase(wbtc, arbiter, quantity=1):
    return (quantity, wbtc, 2**256 - 1, FAR_FUTURE, arbiter, brownie.ZERO_ADDRESS, 0)


def test_a_signed_offer_round_trips_through_json_and_its_hash_is_the_contracts(
    signed, market, wbtc, arbiter, buyer, seller_key
):
    assert SignedOffer.from_json(signed.to_json()) == signed
    assert signed.signer() == seller_key.address == signed.offer.seller
    tx = market.checkoutOffer(
        signed.offer.as_tuple(), signed.signature, purchase(wbtc, arbiter), {"from": buyer}
    )
    event = tx.events["OfferFilled"]
    assert "0x" + bytes(event["offerHash"]).hex() == signed.hash_hex
    assert int(tx.events["OrderPaid"]["terms"]["listingId"]) == int(signed.hash_hex, 16)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("price_usd", 0, "a price of 0"),
        ("stock", 0, "a stock of 0"),
        ("buffer_bps", 5_001, "a buffer of 5001"),
        ("points_cap_bps", 2_001, "a points cap of 2001"),
        ("commission_bps", 2_001, "a commission of 2001"),
        ("expiry", 1, "is over"),
        ("tokens", [], "at least one payment token"),
        ("tokens", ["0x" + "12" * 20], "does not accept"),
    ],
)
def test_an_offer_list_would_refuse_is_never_signed(
    seller_client, seller_key, wbtc, field, value, fragment
):
    args = {
        "price_usd": PRICE,
        "stock": 4,
        "tokens": [wbtc.address],
        "expiry": brownie.chain.time() + 3_600,
    }
    options = {}
    if field in args:
        args[field] = value
    else:
        options[field] = value
    with pytest.raises(InputRefused, match=fragment):
        offers.sign_offer(
            seller_client,
            seller_key,
            args["price_usd"],
            args["stock"],
            args["tokens"],
            args["expiry"],
            **options,
        )


def test_an_altered_or_foreign_offer_is_refused_before_anything_is_sent(
    signed, seller_client, w3, market
):
    buyer_view = MarketplaceClient(w3, market.address)
    offers.check_offer(buyer_view, signed)  # good as signed
    cheaper = SignedOffer(
        signed.chain_id,
        signed.marketplace,
        type(signed.offer)(**{**signed.offer.__dict__, "priceUsd": 1}),
        signed.signature,
    )
    with pytest.raises(InputRefused, match="not by its seller"):
        offers.check_offer(buyer_view, cheaper)
    foreign = SignedOffer(8453, signed.marketplace, signed.offer, signed.signature)
    with pytest.raises(InputRefused, match="signed for chain 8453"):
        offers.check_offer(buyer_view, foreign)
    data = signed.to_json()
    data["offer"]["stock"] = 99
    with pytest.raises(InputRefused, match="is not the hash of its offer"):
        SignedOffer.from_json(data)


def test_the_offers_state_follows_the_chain(
    signed, seller_client, w3, market, wbtc, arbiter, buyer
):
    view = MarketplaceClient(w3, market.address)
    assert offers.offer_state(view, signed).left == 4
    market.checkoutOffer(
        signed.offer.as_tuple(), signed.signature, purchase(wbtc, arbiter, 3), {"from": buyer}
    )
    state = offers.offer_state(view, signed)
    assert (state.filled, state.left) == (3, 1)
    with pytest.raises(InputRefused, match="has 1 unit"):
        offers.check_offer(view, signed, quantity=2)
    offers.cancel_offer(seller_client, signed)
    state = offers.offer_state(view, signed)
    assert state.cancelled and state.left == 0
    with pytest.raises(InputRefused, match="cancelled by its seller"):
        offers.check_offer(view, signed)
    with pytest.raises(InputRefused, match="cancelled already"):
        offers.cancel_offer(seller_client, signed)


def test_cancelling_all_offers_supersedes_them_and_expiry_ends_them(
    signed, seller_client, seller_key, w3, market, wbtc
):
    view = MarketplaceClient(w3, market.address)
    counter, _ = offers.cancel_all_offers(seller_client)
    assert counter == market.offerCounter(signed.offer.seller) != 0
    assert offers.offer_state(view, signed).superseded
    with pytest.raises(InputRefused, match="cancelled all its offers since"):
        offers.check_offer(view, signed)
    fresh = offers.sign_offer(
        seller_client, seller_key, PRICE, 1, [wbtc.address], brownie.chain.time() + 100
    )
    assert fresh.offer.counter == counter
    offers.check_offer(view, fresh)
    next_block_at(fresh.offer.expiry + 1)
    brownie.chain.mine()
    with pytest.raises(InputRefused, match="expired at"):
        offers.check_offer(view, fresh)


def test_only_the_seller_may_cancel_its_offer(signed, w3, market):
    stranger = MarketplaceClient(
        w3, market.address, TxSender(w3, Account.from_key(DEV_KEYS["buyer"]))
    )
    with pytest.raises(InputRefused, match="only the offer's seller"):
        offers.cancel_offer(stranger, signed)
