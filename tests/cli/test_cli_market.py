"""The marketplace from the command line: every command through `bazaar.cli.main`, human and
JSON output carrying the same numbers, and every bad input as one line with nothing sent."""

import json
import os
import re
import subprocess

import brownie
import pytest

from bazaar.settings import ONE_DAY
from bazaar.tx import TxSender
from tests.support.cli import (
    ADDRESSES,
    BAZAAR,
    PASSWORD,
    assert_one_line_failure,
    deploy_and_fund,
    nonces,
    rpc_url,
    run,
)
from tests.support.helpers import mine_at


def later(seconds: int) -> None:
    """Mines a block `seconds` after the latest one."""
    mine_at(brownie.web3.eth.get_block("latest")["timestamp"] + seconds)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`; the buyer holds 1 WBTC and 10,000 USDC;
    the seller lists a $1,000 item (listing 1)."""
    listing = ["list", "--price", "1000", "--stock", "10", "--token", "wbtc", "--token", "usdc"]
    return deploy_and_fund(tmp_path_factory.mktemp("market"), ("seller", listing))


@pytest.fixture
def paid(bazaar):
    """A paid WBTC order for listing 1 (0.01 WBTC at $100,000/BTC); its JSON."""
    result = bazaar("buy", "--listing", 1, "--token", "wbtc", who="buyer", json=True)
    assert result.code == 0, result.err
    return result.json()


def test_quote_prints_the_same_numbers_as_human_text_and_json(bazaar):
    human = bazaar("quote", "--listing", 1, "--token", "wbtc")
    data = bazaar("quote", "--listing", 1, "--token", "wbtc", json=True).json()
    assert data["amount"] == 1_000_000 and data["amountFormatted"] == "0.01 WBTC"
    assert human.out.strip() == "listing 1 x1 ($1,000.00) = 0.01 WBTC (1000000 units) now"
    usd = bazaar("quote", "--usd", "12.34", "--token", "usdc", json=True).json()
    assert (usd["usdAmount"], usd["amount"], usd["amountFormatted"]) == (
        1_234_000_000,
        12_340_000,
        "12.34 USDC",
    )


def test_list_creates_a_listing_with_its_price_in_usd(bazaar):
    data = bazaar(
        "list", "--price", "12.34", "--stock", 3, "--token", "usdc", who="seller", json=True
    )
    assert data.code == 0, data.err
    listing = data.json()
    assert (listing["priceUsd"], listing["priceFormatted"], listing["stock"]) == (
        1_234_000_000,
        "$12.34",
        3,
    )
    status = bazaar("status", "--listing", listing["listingId"], json=True).json()
    assert status["priceUsd"] == 1_234_000_000 and status["seller"] == ADDRESSES["seller"]
    human = bazaar("status", "--listing", listing["listingId"])
    assert f"listing {listing['listingId']}: $12.34, 3 in stock, active" in human.out


def test_buy_approves_when_the_allowance_is_short_then_locks_the_price(bazaar, suite):
    before = nonces()
    result = bazaar("buy", "--listing", 1, "--token", "wbtc", who="buyer")
    assert result.code == 0, result.err
    assert nonces()["buyer"] == before["buyer"] + 2  # approve, checkout
    assert "paid 0.01 WBTC (1000000 units) for $1,000.00" in result.out
    assert "approved first" in result.out
    assert suite["wbtc"].balanceOf(suite["journal"]["contracts"]["market"]["address"]) == 10**6


def test_buy_with_enough_allowance_sends_only_the_checkout(bazaar, suite):
    market = suite["journal"]["contracts"]["market"]["address"]
    suite["usdc"].approve(market, 2**256 - 1, {"from": brownie.accounts[1]})
    before = nonces()["buyer"]
    data = bazaar("buy", "--listing", 1, "--token", "usdc", who="buyer", json=True).json()
    assert nonces()["buyer"] == before + 1
    assert data["approved"] is False
    assert (data["paid"], data["status"], data["symbol"]) == (1_000 * 10**6, "Paid", "USDC")


def test_an_order_ships_confirms_and_is_reviewed(bazaar, paid):
    order = paid["orderId"]
    assert paid["status"] == "Paid" and paid["paid"] == 1_000_000
    human = bazaar("status", order)
    assert f"order {order}: Paid" in human.out
    assert "locked 0.01 WBTC, escrow 0.01 WBTC" in human.out
    assert re.search(r"deadline 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+\)", human.out)
    status = bazaar("status", order, json=True).json()
    assert status["terms"]["lockedAmount"] == 1_000_000 and status["escrow"] == 1_000_000
    assert status["terms"]["buyer"] == ADDRESSES["buyer"]
    shipped = bazaar("ship", order, "--tracking", "DHL 0042", who="seller", json=True).json()
    assert shipped["status"] == "Shipped"
    confirm_human = bazaar("confirm", order, who="buyer")
    assert confirm_human.code == 0, confirm_human.err
    assert (
        "now Completed; toSeller 0.0099 WBTC, fee 0.0001 WBTC, toBuyer 0 WBTC" in confirm_human.out
    )
    completed = bazaar("status", order, json=True).json()
    assert completed["status"] == "Completed" and completed["escrow"] == 0
    reviewed = bazaar(
        "review", order, "--rating", 5, "--content", "great lamp", who="buyer", json=True
    )
    assert reviewed.json()["reviewed"] is True
    rating = bazaar("status", "--listing", 1, json=True).json()
    assert (rating["sellerRatingSum"], rating["sellerRatingCount"]) == (5, 1)


def test_confirm_in_json_carries_the_numbers_of_its_human_line(bazaar, paid):
    order = paid["orderId"]
    assert bazaar("ship", order, "--tracking", "x", who="seller").code == 0
    data = bazaar("confirm", order, who="buyer", json=True).json()
    assert (data["toSeller"], data["fee"], data["toBuyer"]) == (990_000, 10_000, 0)
    assert (data["toSellerFormatted"], data["feeFormatted"]) == ("0.0099 WBTC", "0.0001 WBTC")


def test_a_dispute_is_ruled_by_the_arbiter(bazaar, paid):
    order = paid["orderId"]
    opened = bazaar("dispute", order, "--evidence", "arrived broken", who="buyer", json=True)
    assert opened.json()["status"] == "Disputed"
    ruled = bazaar("rule", order, "--buyer-share", "50%", who="arbiter", json=True).json()
    assert ruled["status"] == "Resolved"
    assert ruled["buyerShareBps"] == 5_000
    assert ruled["toBuyer"] == 490_000  # half of the escrow after the arbiter fee
    assert ruled["arbiterFee"] == 20_000  # 2 % of the escrow
    assert ruled["toBuyer"] + ruled["toSeller"] + ruled["fee"] + ruled["arbiterFee"] == 1_000_000
    assert "buyerShareBpsFormatted" not in ruled


def test_the_ruling_line_gives_the_buyer_share_in_percent_not_in_tokens(bazaar, paid):
    order = paid["orderId"]
    assert bazaar("dispute", order, "--evidence", "x", who="buyer").code == 0
    ruled = bazaar("rule", order, "--buyer-share", "70", who="arbiter")
    assert ruled.out.strip() == (
        f"rule {order}: now Resolved; buyer share 70%, toBuyer 0.00686 WBTC, "
        "toSeller 0.0029106 WBTC, fee 0.0000294 WBTC, arbiterFee 0.0002 WBTC"
    )


def test_anyone_releases_after_the_confirmation_window(bazaar, paid):
    order = paid["orderId"]
    assert bazaar("ship", order, "--tracking", "x", who="seller").code == 0
    early = bazaar("release", order, who="deployer")
    assert_one_line_failure(early, "release would revert", "MarketplaceDeadlineNotReached")
    later(14 * ONE_DAY + 1)
    data = bazaar("release", order, who="deployer", json=True).json()
    assert data["status"] == "Completed" and data["toSeller"] == 990_000


def test_the_buyer_reclaims_after_a_missed_shipping_deadline(bazaar, paid):
    later(7 * ONE_DAY + 1)
    data = bazaar("reclaim", paid["orderId"], who="buyer", json=True).json()
    assert data["status"] == "Refunded" and data["amount"] == 1_000_000


def test_the_seller_cancels_or_refunds_before_shipping(bazaar, paid):
    cancelled = bazaar("cancel", paid["orderId"], who="seller", json=True).json()
    assert cancelled["status"] == "Cancelled" and cancelled["amount"] == 1_000_000
    second = bazaar("buy", "--listing", 1, "--token", "wbtc", who="buyer", json=True).json()
    part = bazaar("refund", second["orderId"], "--amount", "0.004", who="seller", json=True).json()
    assert (part["amount"], part["remaining"], part["status"]) == (400_000, 600_000, "Paid")
    rest = bazaar("refund", second["orderId"], who="seller", json=True).json()
    assert (rest["amount"], rest["status"]) == (600_000, "Refunded")


BAD_ORDER = "0x" + "00" * 31 + "05"


@pytest.mark.parametrize(
    "who, args, fragments",
    [
        (
            "buyer",
            ["buy", "--listing", 1, "--token", "wbtc", "--arbiter", "0x123"],
            ["bad arbiter"],
        ),
        ("buyer", ["confirm", BAD_ORDER], ["unknown order", BAD_ORDER]),
        ("buyer", ["confirm", "0x1234"], ["bad order id"]),
        ("buyer", ["buy", "--listing", 99, "--token", "wbtc"], ["unknown listing 99"]),
        ("buyer", ["buy", "--listing", 1, "--token", "doge"], ["unknown token 'doge'"]),
        (
            "buyer",
            ["buy", "--listing", 1, "--token", "wbtc", "--max-pay", "5"],
            ["not enough WBTC"],
        ),
        (
            "buyer",
            ["buy", "--listing", 1, "--token", "wbtc", "--no-approve"],
            ["allowance too low"],
        ),
        ("buyer", ["buy", "--listing", 1, "--token", "wbtc", "--max-pay", "abc"], ["not a number"]),
        (
            "buyer",
            ["buy", "--listing", 1, "--token", "wbtc", "--max-pay", "0.000000001"],
            ["more than 8 decimals"],
        ),
        (
            "buyer",
            ["buy", "--listing", 1, "--token", "wbtc", "--max-pay", "0.001"],
            ["checkout would revert", "MarketplacePriceAboveMax"],
        ),
        ("seller", ["buy", "--listing", 1, "--token", "wbtc"], ["MarketplaceSelfDealing"]),
        ("seller", ["list", "--price", "-5", "--stock", 1, "--token", "wbtc"], ["negative"]),
        (
            "seller",
            ["list", "--price", "1", "--stock", "x", "--token", "wbtc"],
            ["not a whole number"],
        ),
        (
            "buyer",
            ["ship", "PAID", "--tracking", "x"],
            ["MarketplaceUnauthorized", "ship would revert", "may not do this to order 0x"],
        ),
        ("buyer", ["dispute", "PAID", "--evidence", " "], ["--evidence is empty"]),
        ("seller", ["ship", "PAID", "--tracking", ""], ["--tracking is empty"]),
        ("seller", ["confirm", "PAID"], ["MarketplaceWrongStatus", "status=Paid"]),
        ("arbiter", ["rule", "PAID", "--buyer-share", "-1"], ["0 to 100"]),
        ("arbiter", ["rule", "PAID", "--buyer-share", "100.001"], ["0 to 100"]),
        ("arbiter", ["rule", "PAID", "--buyer-share", "half"], ["percentage"]),
        (None, ["confirm", "PAID"], ["--keystore"]),
    ],
)
def test_a_bad_input_is_one_line_and_sends_nothing(bazaar, paid, who, args, fragments):
    args = [paid["orderId"] if a == "PAID" else a for a in args]
    before = nonces()
    result = bazaar(*args, who=who)
    assert_one_line_failure(result, *fragments)
    assert nonces() == before


def test_a_missing_keystore_wrong_password_and_wrong_chain_send_nothing(
    bazaar, suite, capsys, monkeypatch, paid
):
    before = nonces()
    order = paid["orderId"]
    missing = run(capsys, *suite["base"], "--keystore", "/nonexistent/k.json", "confirm", order)
    assert_one_line_failure(missing, "keystore not found")
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", "wrong")
    assert_one_line_failure(bazaar("confirm", order, who="buyer"), "wrong password")
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
    wrong_chain = bazaar("--network", "base-sepolia", "confirm", order, who="buyer")
    assert_one_line_failure(wrong_chain, "wrong chain", "84532")
    no_file = run(
        capsys, "--rpc-url", rpc_url(), "--deployment", "/nonexistent/d.json", "status", order
    )
    assert_one_line_failure(no_file, "no deployment file")
    assert nonces() == before


def test_the_console_script_runs_as_a_real_process(suite):
    env = {**os.environ, "BAZAAR_KEYSTORE_PASSWORD": PASSWORD}
    shown = subprocess.run([BAZAAR, "--help"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: bazaar")
    for command in ("deploy", "buy", "status", "account"):
        assert command in shown.stdout
    bad = subprocess.run(
        [BAZAAR, *suite["base"], "status", "0x12"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "bazaar: error: bad order id '0x12': expected 0x followed by 64 hex digits"
    ]
    listing = subprocess.run(
        [BAZAAR, *suite["base"], "--json", "status", "--listing", "1"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert listing.returncode == 0, listing.stderr
    assert '"priceUsd": 100000000000' in listing.stdout


def test_a_transaction_sent_that_reverts_on_chain_exits_3(bazaar, paid, monkeypatch):
    # The preflight would refuse this (the order is not shipped); skipping it sends it anyway.
    monkeypatch.setattr(TxSender, "preflight", lambda self, call: 200_000)
    before = nonces()
    result = bazaar("confirm", paid["orderId"], who="buyer", json=True)
    assert result.code == 3
    assert nonces()["buyer"] == before["buyer"] + 1  # sent
    error = json.loads(result.out)
    assert error["exitCode"] == 3 and "reverted on chain" in error["error"]
    assert "MarketplaceWrongStatus" in error["error"]
