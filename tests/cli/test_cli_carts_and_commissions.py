"""Carts, batches and affiliate commissions from the command line: `buy --line` (one approval,
one transaction, one order per line), `buy --referrer`, `ship`/`confirm` of several orders in
one transaction, `set-commission`, `approve-referrer`/`revoke-referrer` (only referrers the
seller approved earn its commissions) and `earnings --referrer`, on a real chain; every bad
input as one line with nothing sent."""

import brownie
import pytest
from eth_utils.crypto import keccak
from web3 import Web3

from bazaar.clients.marketplace import MarketplaceClient
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_and_fund, nonces


def referrer() -> str:
    """Someone with no part in any order who brings buyers (anvil's account 5)."""
    return brownie.accounts[5].address


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`; listing 1: the seller's $1,000 item (10 in
    stock, WBTC or USDC); listing 2: the deployer's $500 item (10 in stock, WBTC, points up to
    10 %). The buyer holds 1 WBTC and 10,000 USDC."""
    first = ["list", "--price", "1000", "--stock", "10", "--token", "wbtc", "--token", "usdc"]
    second = ["list", "--price", "500", "--stock", "10", "--token", "wbtc"]
    deployed = deploy_and_fund(
        tmp_path_factory.mktemp("carts"), ("seller", first), ("deployer", second)
    )
    return {**deployed, "market": deployed["journal"]["contracts"]["market"]["address"]}


def market_client(suite) -> MarketplaceClient:
    return MarketplaceClient(
        Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri)), suite["market"]
    )


def receipt_of(tx_hash: str):
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri)).eth.get_transaction_receipt(
        tx_hash
    )


@pytest.fixture
def two_paid(bazaar):
    """Two paid WBTC orders of listing 1, bought as a cart of two lines; their ids."""
    result = bazaar("buy", "--line", "1", "--line", "1", "--token", "wbtc", who="buyer", json=True)
    assert result.code == 0, result.err
    return [o["orderId"] for o in result.json()["orders"]]


def test_a_cart_of_two_sellers_lines_is_bought_in_one_transaction_after_one_approval(bazaar, suite):
    wbtc, market = suite["wbtc"], suite["market"]
    buyer_before, market_before = wbtc.balanceOf(ADDRESSES["buyer"]), wbtc.balanceOf(market)
    before = nonces()
    result = bazaar(
        "buy", "--line", "1:2", "--line", "2", "--token", "wbtc", who="buyer", json=True
    )
    assert result.code == 0, result.err
    assert nonces()["buyer"] == before["buyer"] + 2  # one approval, one checkoutCart
    data = result.json()
    assert (data["approved"], data["paid"], data["paidFormatted"]) == (
        True,
        2_500_000,
        "0.025 WBTC",
    )
    assert data["usdFormatted"] == "$2,500.00"
    orders = data["orders"]
    assert [(o["listingId"], o["quantity"], o["paid"]) for o in orders] == [
        (1, 2, 2_000_000),
        (2, 1, 500_000),
    ]
    assert [o["terms"]["seller"] for o in orders] == [ADDRESSES["seller"], ADDRESSES["deployer"]]
    assert all(o["status"] == "Paid" and o["terms"]["buyer"] == ADDRESSES["buyer"] for o in orders)
    # one pull of the total, in one transaction that made both orders
    assert wbtc.balanceOf(ADDRESSES["buyer"]) == buyer_before - 2_500_000
    assert wbtc.balanceOf(market) == market_before + 2_500_000
    paid = market_client(suite).events(receipt_of(data["txHash"]), "OrderPaid")
    assert ["0x" + bytes(p["orderId"]).hex() for p in paid] == [o["orderId"] for o in orders]
    # the approval was the quote of the cart plus the default 1 % slippage
    assert wbtc.allowance(ADDRESSES["buyer"], market) == 2_525_000 - 2_500_000
    stocks = [bazaar("status", "--listing", i, json=True).json()["stock"] for i in (1, 2)]
    assert stocks == [8, 9]
    for order in orders:
        assert bazaar("status", order["orderId"], json=True).json()["status"] == "Paid"


def test_a_cart_prints_one_line_for_the_cart_and_one_per_order(bazaar):
    result = bazaar("buy", "--line", "2:1", "--line", "1", "--token", "wbtc", who="buyer")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[0].startswith(
        "cart of 2 order(s) in one transaction: paid 0.015 WBTC (1500000 units) for "
        "$1,500.00 at the locked rate; arbiter "
    )
    assert lines[0].endswith("; approved first")
    assert lines[1].endswith(": listing 2 x1, $500.00, 0.005 WBTC")
    assert lines[2].endswith(": listing 1 x1, $1,000.00, 0.01 WBTC")


def test_a_referred_purchase_pays_the_referrer_when_confirmed_and_earnings_shows_it(bazaar, suite):
    wbtc = suite["wbtc"]
    set_ = bazaar("set-commission", 1, "--percent", "5", who="seller", json=True)
    assert set_.code == 0, set_.err
    assert set_.json()["commissionBps"] == 500
    assert bazaar("approve-referrer", referrer(), who="seller").code == 0
    before = nonces()["buyer"]
    bought = bazaar(
        "buy", "--listing", 1, "--token", "wbtc", "--referrer", referrer(), who="buyer", json=True
    )
    assert bought.code == 0, bought.err
    assert nonces()["buyer"] == before + 2  # approval, then the one-line cart
    order = bought.json()
    assert (order["referrer"], order["commissionBps"]) == (referrer(), 500)
    assert order["unapprovedListings"] == [] and not bought.err
    assert (order["terms"]["referrer"], order["terms"]["commissionBps"]) == (referrer(), 500)
    assert order["paid"] == 1_000_000 and order["status"] == "Paid"
    # the seller lowers the rate: the order keeps the one it was paid with
    assert bazaar("set-commission", 1, "--bps", 0, who="seller").code == 0
    assert bazaar("ship", order["orderId"], "--tracking", "DHL 7", who="seller").code == 0
    seller_before = wbtc.balanceOf(ADDRESSES["seller"])
    confirmed = bazaar("confirm", order["orderId"], who="buyer", json=True).json()
    # 1 % platform fee: 990,000 proceeds; 5 % of them to the referrer
    assert confirmed["commission"] == {
        "referrer": referrer(),
        "amount": 49_500,
        "amountFormatted": "0.000495 WBTC",
    }
    assert wbtc.balanceOf(referrer()) == 49_500
    assert wbtc.balanceOf(ADDRESSES["seller"]) == seller_before + 990_000 - 49_500
    earned = bazaar("earnings", "--referrer", referrer(), json=True).json()
    assert earned["commissions"] == [
        {
            "orderId": order["orderId"],
            "token": wbtc.address,
            "symbol": "WBTC",
            "amount": 49_500,
            "amountFormatted": "0.000495 WBTC",
            "block": earned["commissions"][0]["block"],
            "txHash": earned["commissions"][0]["txHash"],
        }
    ]
    assert earned["totals"] == {wbtc.address: {"units": "49500", "formatted": "0.000495 WBTC"}}
    assert earned["credits"] == {}
    human = bazaar("earnings", "--referrer", referrer())
    assert f"commissions earned by {referrer()}: 1" in human.out
    assert "in all: 0.000495 WBTC" in human.out and "credits to claim: none" in human.out


def test_a_commission_the_referrer_cannot_receive_is_kept_as_its_claimable_credit(bazaar, suite):
    assert bazaar("set-commission", 1, "--percent", "10", who="seller").code == 0
    assert bazaar("approve-referrer", referrer(), who="seller").code == 0
    assert bazaar("mocks", "blacklist", referrer(), who="deployer").code == 0
    bought = bazaar(
        "buy", "--line", "1", "--token", "usdc", "--referrer", referrer(), who="buyer", json=True
    ).json()
    order = bought["orders"][0]["orderId"]
    assert bought["orders"][0]["commissionBps"] == 1_000
    assert bazaar("ship", order, "--tracking", "x", who="seller").code == 0
    confirmed = bazaar("confirm", order, who="buyer", json=True).json()
    assert confirmed["commission"]["amount"] == 99 * 10**6  # 10 % of 990 USDC
    assert confirmed["credited"] == [
        {"account": referrer(), "amount": 99 * 10**6, "amountFormatted": "99 USDC"}
    ]
    assert suite["usdc"].balanceOf(referrer()) == 0
    earned = bazaar("earnings", "--referrer", referrer(), json=True).json()
    usdc = suite["usdc"].address
    assert earned["credits"] == {usdc: {"units": str(99 * 10**6), "formatted": "99 USDC"}}
    assert [c["amount"] for c in earned["commissions"]] == [99 * 10**6]
    human = bazaar("earnings", "--referrer", referrer())
    assert f"credits to claim: 99 USDC (bazaar claim --token {usdc})" in human.out


def test_several_orders_ship_in_one_transaction_and_are_confirmed_in_one(bazaar, suite, two_paid):
    before = nonces()
    shipped = bazaar(
        "ship", *two_paid, "--tracking", "DHL 1", "--tracking", "DHL 2", who="seller", json=True
    )
    assert shipped.code == 0, shipped.err
    assert nonces()["seller"] == before["seller"] + 1
    data = shipped.json()
    assert [o["orderId"] for o in data["orders"]] == two_paid
    assert [o["status"] for o in data["orders"]] == ["Shipped", "Shipped"]
    events = market_client(suite).events(receipt_of(data["txHash"]), "OrderShipped")
    assert [bytes(e["trackingCommitment"]) for e in events] == [
        keccak(text="DHL 1"),
        keccak(text="DHL 2"),
    ]
    seller_before = suite["wbtc"].balanceOf(ADDRESSES["seller"])
    confirmed = bazaar("confirm", *two_paid, who="buyer")
    assert confirmed.code == 0, confirmed.err
    assert nonces()["buyer"] == before["buyer"] + 1
    assert confirmed.out.strip().splitlines() == [
        "confirm: 2 orders in one transaction",
        *(
            f"  confirm {o}: now Completed; toSeller 0.0099 WBTC, fee 0.0001 WBTC, toBuyer 0 WBTC"
            for o in two_paid
        ),
    ]
    assert suite["wbtc"].balanceOf(ADDRESSES["seller"]) == seller_before + 2 * 990_000
    for order in two_paid:
        assert bazaar("status", order, json=True).json()["status"] == "Completed"


def test_one_tracking_for_several_orders_ships_them_as_one_parcel(bazaar, suite, two_paid):
    shipped = bazaar("ship", *two_paid, "--tracking", "one parcel", who="seller", json=True)
    assert shipped.code == 0, shipped.err
    events = market_client(suite).events(receipt_of(shipped.json()["txHash"]), "OrderShipped")
    assert [bytes(e["trackingCommitment"]) for e in events] == [keccak(text="one parcel")] * 2


def test_set_commission_changes_the_listings_rate_and_status_shows_it(bazaar):
    result = bazaar("set-commission", 1, "--percent", "12.5", who="seller")
    assert result.code == 0, result.err
    assert result.out.strip() == (
        "listing 1: commission 0% -> 12.5% of the proceeds after the platform fee, to referrers "
        "of new orders"
    )
    status = bazaar("status", "--listing", 1, json=True).json()
    assert status["commissionBps"] == 1_250
    assert "commission 1250 bps to referrers" in bazaar("status", "--listing", 1).out
    data = bazaar("set-commission", 1, "--bps", 2_000, who="seller", json=True).json()
    assert (data["commissionBps"], data["action"]) == (2_000, "set-commission")


def test_a_seller_approves_and_revokes_a_referrer(bazaar, suite):
    market = market_client(suite)
    before = nonces()["seller"]
    approved = bazaar("approve-referrer", referrer(), who="seller")
    assert approved.code == 0, approved.err
    assert approved.out.strip() == (
        f"referrer {referrer()} approved by {ADDRESSES['seller']}: its referred orders of your "
        "listings carry their commission"
    )
    assert nonces()["seller"] == before + 1
    assert market.is_referrer(ADDRESSES["seller"], referrer())
    assert not market.is_referrer(ADDRESSES["deployer"], referrer())  # the seller's own list
    revoked = bazaar("revoke-referrer", referrer().lower(), who="seller", json=True)
    assert revoked.code == 0, revoked.err
    data = revoked.json()
    assert (data["action"], data["seller"], data["referrer"], data["approved"]) == (
        "revoke-referrer",
        ADDRESSES["seller"],
        referrer(),
        False,
    )
    events = market.events(receipt_of(data["txHash"]), "ReferrerSet")
    assert [(e["seller"], e["referrer"], e["approved"]) for e in events] == [
        (ADDRESSES["seller"], referrer(), False)
    ]
    assert not market.is_referrer(ADDRESSES["seller"], referrer())


def test_a_cart_notes_the_sellers_that_have_not_approved_the_referrer(bazaar, suite):
    """Both listings offer 5 %; only the seller of listing 1 approved the referrer: the cart
    goes through, listing 2's order carries no commission and a note says so."""
    assert bazaar("set-commission", 1, "--percent", "5", who="seller").code == 0
    assert bazaar("set-commission", 2, "--percent", "5", who="deployer").code == 0
    assert bazaar("approve-referrer", referrer(), who="seller").code == 0
    args = ["buy", "--line", "1", "--line", "2", "--token", "wbtc", "--referrer", referrer()]
    human = bazaar(*args, who="buyer")
    assert human.code == 0, human.err
    assert human.err.strip().splitlines() == [
        f"note: seller {ADDRESSES['deployer']} has not approved the referrer {referrer()}: it "
        "earns no commission on listing(s) 2"
    ]
    assert human.out.strip().splitlines()[1].endswith(", commission 5%")
    assert human.out.strip().splitlines()[2].endswith(", commission 0%")
    data = bazaar(*args, who="buyer", json=True)
    assert data.code == 0 and not data.err
    assert data.json()["unapprovedListings"] == [2]
    assert [o["commissionBps"] for o in data.json()["orders"]] == [500, 0]


BUYER, SELLER = ADDRESSES["buyer"], ADDRESSES["seller"]
ZERO = "0x" + "00" * 20
BUY = ["buy", "--token", "wbtc"]


@pytest.mark.parametrize(
    "who, args, fragments",
    [
        ("buyer", [*BUY, "--listing", 1, "--referrer", BUYER], ["is you, the buyer"]),
        ("buyer", [*BUY, "--line", 1, "--referrer", SELLER], ["sells a listing of this cart"]),
        ("buyer", [*BUY, "--line", 1, "--referrer", "0x12"], ["bad referrer"]),
        ("seller", ["set-commission", 1, "--percent", "20.01"], ["at most 2000 bps"]),
        ("seller", ["set-commission", 1, "--bps", 2_001], ["at most 2000 bps"]),
        ("seller", ["set-commission", 1, "--percent", "2.555"], ["at most 2 decimals"]),
        ("seller", ["set-commission", 1, "--percent", "five"], ["must be a percentage"]),
        ("seller", ["set-commission", 1, "--percent", 0], ["offers 0 bps already"]),
        ("seller", ["set-commission", 1], ["one of the arguments --percent --bps is required"]),
        ("deployer", ["set-commission", 1, "--percent", 5], ["may not set the commission of"]),
        ("seller", ["set-commission", 9, "--percent", 5], ["unknown listing 9"]),
        ("seller", ["approve-referrer", "0x12"], ["bad referrer"]),
        ("seller", ["approve-referrer", ZERO], ["the referrer is the zero address"]),
        ("seller", ["revoke-referrer", ZERO], ["the referrer is the zero address"]),
        ("seller", ["revoke-referrer", "REFERRER"], ["is not approved by", "already"]),
        ("seller", ["approve-referrer"], ["the following arguments are required: ADDRESS"]),
        (None, ["approve-referrer", "REFERRER"], ["--keystore"]),
        ("buyer", BUY, ["what to buy?"]),
        ("buyer", [*BUY, *["--line", "1"] * 21], ["a cart of 21 lines", "at most 20"]),
        ("buyer", [*BUY, "--line", "1:x"], ["bad --line '1:x'", "LISTING[:QUANTITY[:POINTS]]"]),
        ("buyer", [*BUY, "--line", ""], ["bad --line ''"]),
        ("buyer", [*BUY, "--line", "1:2:3:4"], ["bad --line '1:2:3:4'"]),
        ("buyer", [*BUY, "--line", "1:0"], ["bad --line '1:0'", "at least 1"]),
        ("buyer", [*BUY, "--line", "1:1:lots"], ["bad --line '1:1:lots'", "not a number"]),
        ("buyer", [*BUY, "--line", "1", "--listing", 2], ["--listing or --line"]),
        ("buyer", [*BUY, "--line", "1", "--quantity", 2], ["are for --listing"]),
        ("buyer", [*BUY, "--line", "1", "--line", "99"], ["unknown listing 99"]),
        (
            "buyer",
            [*BUY, "--line", "1:10", "--line", "1"],
            ["cart checkout would revert", "MarketplaceOutOfStock"],
        ),
        (
            "buyer",
            [*BUY, "--line", "1", "--line", "2", "--max-pay", "0.01"],
            ["cart checkout would revert", "MarketplacePriceAboveMax"],
        ),
        ("buyer", [*BUY, "--line", "1:1:5"], ["listing 1 takes no points"]),
        (
            "seller",
            ["ship", "PAID", "PAID2", "--tracking", "a", "--tracking", "b", "--tracking", "c"],
            ["2 order(s) and 3 --tracking"],
        ),
        ("seller", ["ship", "PAID", "PAID2", "--tracking", " "], ["--tracking is empty"]),
        ("buyer", ["confirm", "PAID", "PAID"], ["is twice in the batch to confirm"]),
        ("buyer", ["confirm", "PAID", "0x12"], ["bad order id '0x12'"]),
        (
            "buyer",
            ["confirm", "PAID", "PAID2"],
            ["confirm would revert", "MarketplaceWrongStatus", "status=Paid"],
        ),
        (
            "buyer",
            ["ship", "PAID", "PAID2", "--tracking", "x"],
            ["ship would revert", "MarketplaceUnauthorized"],
        ),
        (None, ["earnings", "--referrer"], ["whose? pass --referrer ADDRESS"]),
    ],
)
def test_a_bad_cart_batch_or_commission_is_one_line_and_sends_nothing(
    bazaar, two_paid, who, args, fragments
):
    paid = {"PAID": two_paid[0], "PAID2": two_paid[1], "REFERRER": referrer()}
    args = [paid.get(a, a) if isinstance(a, str) else a for a in args]
    before = nonces()
    result = bazaar(*args, who=who)
    assert_one_line_failure(result, *fragments)
    assert nonces() == before
