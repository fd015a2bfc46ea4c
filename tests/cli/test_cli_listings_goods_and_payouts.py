"""The marketplace commands beyond the order's main path, each through `bazaar.cli.main` on a
suite `bazaar deploy --mocks` made: update-listing and delist, checkout with points,
checkpoints and evidence, the default ruling after a silent arbiter, credits, fee payouts,
sweeps, the guardian's pause, transfers, the oracle's outage record, and digital goods from
mint to delivery. Each refusal is one line with nothing sent."""

import brownie
import pytest

from bazaar import artifacts
from bazaar.settings import ONE_DAY, POINT
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_by_cli, nonces
from tests.support.helpers import mine_at

INDEX = {"deployer": 0, "buyer": 1, "seller": 2, "arbiter": 3}


def later(seconds: int) -> None:
    mine_at(brownie.web3.eth.get_block("latest")["timestamp"] + seconds)


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`; the buyer holds 1 WBTC and 10,000 USDC;
    the seller lists a $1,000 item (listing 1) whose price the buyer may cut with points
    (up to 10 %)."""
    listing = [
        "list", "--price", "1000", "--stock", "10", "--token", "wbtc", "--token", "usdc",
        "--points-cap-bps", "1000",
    ]  # fmt: skip
    deployed = deploy_by_cli(tmp_path_factory.mktemp("payouts"), ("seller", listing))
    journal = deployed["journal"]
    abi = artifacts.load("MockERC20").abi
    tokens = {k: brownie.Contract.from_abi(k, journal["tokens"][k], abi) for k in ("wbtc", "usdc")}
    tokens["wbtc"].mint(ADDRESSES["buyer"], 10**8, {"from": brownie.accounts[0]})
    tokens["usdc"].mint(ADDRESSES["buyer"], 10_000 * 10**6, {"from": brownie.accounts[0]})
    return {
        **deployed,
        **tokens,
        **{k: contract(journal, k) for k in ("market", "points", "goods")},
    }


@pytest.fixture
def paid(bazaar):
    """A paid USDC order for listing 1 ($1,000); its JSON."""
    result = bazaar("buy", "--listing", 1, "--token", "usdc", who="buyer", json=True)
    assert result.code == 0, result.err
    return result.json()


@pytest.fixture
def completed(bazaar, paid):
    """`paid`, shipped and confirmed: the buyer earned 1,000 points, fees accrued in USDC."""
    order = paid["orderId"]
    assert bazaar("ship", order, "--tracking", "t", who="seller").code == 0
    assert bazaar("confirm", order, who="buyer").code == 0
    return paid


def refused(bazaar, who, *args, fragments):
    before = nonces()
    assert_one_line_failure(bazaar(*args, who=who), *fragments)
    assert nonces() == before


# -- listings ---------------------------------------------------------------------------


def test_the_seller_changes_price_and_stock_and_orders_then_pay_the_new_price(bazaar):
    data = bazaar(
        "update-listing", 1, "--price", "900", "--stock", 4, who="seller", json=True
    ).json()
    assert (data["priceUsd"], data["priceFormatted"], data["stock"]) == (900 * 10**8, "$900.00", 4)
    human = bazaar("update-listing", 1, "--stock", 3, who="seller")
    assert human.out.strip() == "listing 1: stock 4 -> 3"
    order = bazaar("buy", "--listing", 1, "--token", "usdc", who="buyer", json=True).json()
    assert order["paid"] == 900 * 10**6


def test_only_the_seller_may_update_a_listing_and_an_update_needs_a_change(bazaar):
    seller = ADDRESSES["seller"]
    refused(
        bazaar, "buyer", "update-listing", 1, "--stock", 1,
        fragments=[f"listing 1 is {seller}'s", "may not update it"],
    )  # fmt: skip
    refused(bazaar, "seller", "update-listing", 1, fragments=["pass --price and/or --stock"])
    refused(bazaar, "seller", "update-listing", 1, "--price", "-3", fragments=["USD"])
    now = bazaar("status", "--listing", 1, json=True).json()
    same = ("--price", str(now["priceUsd"] / 10**8), "--stock", now["stock"])
    refused(
        bazaar, "seller", "update-listing", 1, *same, fragments=["has this price and stock already"]
    )
    refused(bazaar, "seller", "update-listing", 99, "--stock", 1, fragments=["unknown listing 99"])


def test_an_update_reports_only_what_changed(bazaar):
    listing = bazaar(
        "list", "--price", "10", "--stock", 1, "--token", "usdc", who="seller", json=True
    ).json()["listingId"]
    human = bazaar("update-listing", listing, "--price", "10", "--stock", 2, who="seller")
    assert human.out.strip() == f"listing {listing}: stock 1 -> 2"


def test_a_delisted_item_can_no_longer_be_bought(bazaar):
    data = bazaar("delist", 1, who="seller", json=True).json()
    assert data["active"] is False and data["action"] == "delist"
    refused(bazaar, "buyer", "buy", "--listing", 1, "--token", "usdc", fragments=["Inactive"])
    refused(bazaar, "buyer", "delist", 1, fragments=["is " + ADDRESSES["seller"] + "'s"])
    refused(bazaar, "seller", "delist", 1, fragments=["listing 1 is delisted already"])
    refused(bazaar, "seller", "delist", 99, fragments=["unknown listing 99"])


# -- checkout with points ---------------------------------------------------------------


def test_points_cut_the_price_by_a_cent_each_and_wait_in_escrow(bazaar, suite, completed):
    assert suite["points"].balanceOf(ADDRESSES["buyer"]) == 1_000 * POINT
    data = bazaar(
        "buy", "--listing", 1, "--token", "usdc", "--points", "50", who="buyer", json=True
    ).json()
    assert data["usdAmount"] == 99_950_000_000  # $1,000 less 50 points at a cent each
    assert data["paid"] == 999_500_000
    assert (data["pointsRedeemed"], data["pointsRedeemedFormatted"]) == (
        str(50 * POINT),
        "50 points",
    )
    assert suite["points"].balanceOf(ADDRESSES["buyer"]) == 950 * POINT
    human = bazaar("buy", "--listing", 1, "--token", "usdc", "--points", "1", who="buyer")
    assert "redeemed 1 point" in human.out


def test_more_points_than_the_listing_allows_are_refused(bazaar, completed):
    # 10 % of $1,000 is $100: 10,000 points at most; the buyer holds 1,000. Its approval
    # for the first order is used up: nothing may be approved for a checkout that cannot pass.
    refused(
        bazaar, "buyer", "buy", "--listing", 1, "--token", "usdc", "--points", "1001",
        fragments=["not enough points", "holds 1000 points", "redeems 1001 points"],
    )  # fmt: skip
    plain = bazaar(
        "list", "--price", "10", "--stock", 1, "--token", "usdc", who="seller", json=True
    ).json()["listingId"]  # no points discount
    refused(
        bazaar, "buyer", "buy", "--listing", plain, "--token", "usdc", "--points", "1",
        fragments=[f"listing {plain} takes no points", "--points-cap-bps"],
    )  # fmt: skip
    # 10 % of 2 x $1,000: $200, 20,000 points at most (checked before the wallet)
    refused(
        bazaar, "buyer", "buy", "--listing", 1, "--quantity", 2, "--token", "usdc",
        "--points", "20000.5",
        fragments=["takes at most 20000 points for 2", "10% of the price, $200.00"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "buy", "--listing", 1, "--token", "usdc", "--points", "lots",
        fragments=["points"],
    )  # fmt: skip


# -- checkpoints, evidence and the default ruling ---------------------------------------


def test_the_seller_adds_a_checkpoint_and_a_stranger_may_not(bazaar, suite, paid):
    order = paid["orderId"]
    data = bazaar("checkpoint", order, "--data", "left the warehouse", who="seller", json=True)
    assert data.code == 0, data.err
    assert data.json()["action"] == "checkpoint" and data.json()["status"] == "Paid"
    receipt = brownie.web3.eth.get_transaction_receipt(data.json()["txHash"])
    assert receipt["status"] == 1 and len(receipt["logs"]) == 1
    refused(bazaar, "arbiter", "checkpoint", order, "--data", "x", fragments=["would revert"])


def test_evidence_joins_a_dispute_and_a_silent_arbiter_leaves_the_default_ruling(
    bazaar, suite, paid
):
    order = paid["orderId"]
    refused(bazaar, "buyer", "evidence", order, "--evidence", "x", fragments=["would revert"])
    assert bazaar("ship", order, "--tracking", "t", who="seller").code == 0
    assert bazaar("dispute", order, "--evidence", "never came", who="buyer").code == 0
    data = bazaar("evidence", order, "--evidence", "photo of the box", who="seller", json=True)
    assert data.code == 0, data.err and data.json()["status"] == "Disputed"
    early = bazaar("resolve-timeout", order, who="deployer")
    assert_one_line_failure(early, "would revert")
    later(7 * ONE_DAY + 1)
    usdc_before = suite["usdc"].balanceOf(ADDRESSES["buyer"])
    ruled = bazaar("resolve-timeout", order, who="deployer", json=True).json()
    assert ruled["status"] == "Resolved"
    # the default ruling after shipping: half to each side, no arbiter fee
    assert ruled["toBuyer"] == 500 * 10**6
    assert suite["usdc"].balanceOf(ADDRESSES["buyer"]) == usdc_before + 500 * 10**6


# -- money out --------------------------------------------------------------------------


def test_a_claim_without_a_credit_is_refused_before_anything_is_sent(bazaar):
    refused(bazaar, "seller", "claim", "--token", "usdc", fragments=["no USDC credit"])
    refused(bazaar, "seller", "claim", "--token", "dai", fragments=["unknown token"])


def test_a_payout_to_a_blacklisted_seller_is_kept_as_a_credit_it_claims_elsewhere(
    bazaar, suite, paid
):
    order = paid["orderId"]
    assert bazaar("ship", order, "--tracking", "t", who="seller").code == 0
    assert bazaar("mocks", "blacklist", ADDRESSES["seller"], who="deployer").code == 0
    confirmed = bazaar("confirm", order, who="buyer")
    assert confirmed.code == 0, confirmed.err
    assert f"990 USDC kept as a credit of {ADDRESSES['seller']} (bazaar claim)" in confirmed.out
    refused(bazaar, "seller", "claim", "--token", "usdc", fragments=["MockUSDCBlacklisted"])
    data = bazaar(
        "claim", "--token", "usdc", "--to", ADDRESSES["arbiter"], who="seller", json=True
    ).json()
    assert (data["amount"], data["to"]) == (990 * 10**6, ADDRESSES["arbiter"])
    assert suite["usdc"].balanceOf(ADDRESSES["arbiter"]) == 990 * 10**6
    refused(bazaar, "seller", "claim", "--token", "usdc", fragments=["no USDC credit"])


def test_withdraw_fees_pays_the_treasury_and_a_second_call_has_nothing(bazaar, suite, completed):
    treasury = ADDRESSES["deployer"]
    before = suite["usdc"].balanceOf(treasury)
    data = bazaar("withdraw-fees", "--token", "usdc", who="buyer", json=True).json()
    assert data["toTreasury"] + data["toStakers"] == 10 * 10**6  # 1 % of $1,000
    assert suite["usdc"].balanceOf(treasury) == before + data["toTreasury"]
    refused(bazaar, "buyer", "withdraw-fees", "--token", "usdc", fragments=["NothingToClaim"])


def test_sweep_sends_what_was_sent_by_mistake_and_never_the_escrow(bazaar, suite, paid):
    market = suite["market"].address
    refused(bazaar, "buyer", "sweep", "--token", "usdc", fragments=["NothingToSweep"])
    suite["usdc"].mint(market, 7 * 10**6, {"from": brownie.accounts[0]})
    data = bazaar("sweep", "--token", "usdc", who="buyer", json=True).json()
    assert (data["amount"], data["amountFormatted"]) == (7 * 10**6, "7 USDC")
    assert suite["usdc"].balanceOf(market) == 1_000 * 10**6  # the escrow stays


def test_the_guardian_pauses_and_resumes_checkouts_and_nobody_else_may(bazaar):
    refused(
        bazaar, "buyer", "pause",
        fragments=[
            f"only the guardian {ADDRESSES['deployer']}", f"{ADDRESSES['buyer']} is neither"
        ],
    )  # fmt: skip
    refused(bazaar, "deployer", "unpause", fragments=["not paused already"])
    data = bazaar("pause", who="deployer", json=True).json()
    assert data["paused"] is True and data["txHash"].startswith("0x")
    refused(bazaar, "deployer", "pause", fragments=["is paused already"])
    refused(bazaar, "buyer", "buy", "--listing", 1, "--token", "usdc", fragments=["Paused"])
    assert bazaar("unpause", who="deployer", json=True).json()["paused"] is False
    assert bazaar("buy", "--listing", 1, "--token", "usdc", who="buyer").code == 0


def test_transfer_sends_tokens_and_points_and_refuses_more_than_the_wallet(
    bazaar, suite, completed
):
    data = bazaar(
        "transfer", "12.5", "--token", "points", "--to", ADDRESSES["arbiter"], who="buyer",
        json=True,
    ).json()  # fmt: skip
    assert (data["amount"], data["amountFormatted"]) == (str(125 * POINT // 10), "12.5 points")
    assert suite["points"].balanceOf(ADDRESSES["arbiter"]) == 125 * POINT // 10
    human = bazaar("transfer", "0.5", "--token", "wbtc", "--to", ADDRESSES["arbiter"], who="buyer")
    assert human.out.strip() == f"sent 0.5 WBTC to {ADDRESSES['arbiter']}"
    refused(
        bazaar, "buyer", "transfer", "2", "--token", "wbtc", "--to", ADDRESSES["arbiter"],
        fragments=["not enough", "holds 0.5 WBTC"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "transfer", "0", "--token", "wbtc", "--to", ADDRESSES["arbiter"],
        fragments=["sending 0 WBTC changes nothing"],
    )  # fmt: skip
    bad = ADDRESSES["arbiter"].lower().replace("0x9", "0xA")
    refused(
        bazaar, "buyer", "transfer", "1", "--token", "usdc", "--to", bad, fragments=["receiver"]
    )


# -- the oracle's outage record -----------------------------------------------------------


def test_an_outage_is_recorded_once_the_feeds_are_stale_and_cleared_once_they_read(bazaar):
    refused(bazaar, "buyer", "record-outage", "--token", "wbtc", fragments=["would revert"])
    later(3 * ONE_DAY)
    data = bazaar("record-outage", "--token", "wbtc", who="buyer", json=True).json()
    assert data["outageSince"] > 0 and data["version"] == 1
    assert bazaar("mocks", "refresh", who="deployer").code == 0
    cleared = bazaar("record-outage", "--token", "wbtc", who="buyer")
    assert "is cleared" in cleared.out


# -- digital goods ----------------------------------------------------------------------


def test_an_item_is_minted_listed_bought_and_delivered_from_the_cli(bazaar, suite):
    minted = bazaar(
        "goods", "mint", "--uri", "ipfs://book", "--content", "the book", "--royalty-bps", 500,
        who="seller", json=True,
    ).json()  # fmt: skip
    item = minted["itemId"]
    assert minted["owner"] == minted["creator"] == ADDRESSES["seller"]
    shown = bazaar("goods", "show", item)
    assert f"item {item}: owner {ADDRESSES['seller']}" in shown.out and "ipfs://book" in shown.out
    moved = bazaar("goods", "set-uri", item, "ipfs://book-v2", who="seller", json=True).json()
    assert moved["uri"] == "ipfs://book-v2"
    listed = bazaar(
        "goods", "list", item, "--price", "25", "--token", "usdc", who="seller", json=True
    ).json()
    assert (listed["kind"], listed["stock"], listed["goodsTokenId"]) == ("Digital", 1, item)
    assert suite["goods"].ownerOf(item) == suite["market"].address
    bought = bazaar("buy", "--listing", listed["listingId"], "--token", "usdc", who="buyer")
    assert bought.code == 0, bought.err
    assert suite["goods"].ownerOf(item) == ADDRESSES["buyer"]


def test_a_batch_is_minted_and_an_unsold_item_comes_back_on_delist(bazaar, suite):
    batch = bazaar(
        "goods", "mint-batch", "--item", "ipfs://a", "A", "--item", "ipfs://b", "B",
        who="seller", json=True,
    ).json()  # fmt: skip
    first, second = batch["itemIds"]
    assert second == first + 1 and suite["goods"].ownerOf(second) == ADDRESSES["seller"]
    listed = bazaar(
        "goods", "list", first, "--price", "5", "--token", "wbtc", who="seller", json=True
    ).json()
    human = bazaar("delist", listed["listingId"], who="seller")
    assert f"digital item {first} returned to you" in human.out
    assert suite["goods"].ownerOf(first) == ADDRESSES["seller"]


def test_goods_refusals_are_one_line_and_send_nothing(bazaar):
    minted = bazaar("goods", "mint", "--uri", "u", "--content", "c", who="seller", json=True).json()
    item = minted["itemId"]
    refused(bazaar, "buyer", "goods", "set-uri", item, "x", fragments=["GoodsNotCreator"])
    refused(
        bazaar, "buyer", "goods", "mint", "--uri", "u", "--content", "c",
        "--seller", ADDRESSES["seller"], fragments=["GoodsNotSeller"],
    )  # fmt: skip
    refused(
        bazaar, "seller", "goods", "mint", "--uri", "u", "--content", "c", "--royalty-bps",
        5000, fragments=["GoodsRoyaltyTooHigh"],
    )  # fmt: skip
    refused(bazaar, "seller", "goods", "mint", "--uri", "", "--content", "c", fragments=["URI"])
    refused(
        bazaar, "buyer", "goods", "list", item, "--price", "5", "--token", "wbtc",
        fragments=["would revert"],
    )  # fmt: skip
    assert_one_line_failure(bazaar("goods", "show", 999), "unknown item 999")


def test_a_mint_and_a_listing_say_their_transaction_and_a_listed_item_says_it_is_in_escrow(
    bazaar,
):
    minted = bazaar("goods", "mint", "--uri", "u", "--content", "c", who="seller", json=True).json()
    assert minted["txHash"].startswith("0x") and minted["gasUsed"] > 0
    item = minted["itemId"]
    listed = bazaar(
        "goods", "list", item, "--price", "5", "--token", "usdc", who="seller", json=True
    ).json()
    assert listed["txHash"].startswith("0x") and listed["txHash"] != minted["txHash"]
    shown = bazaar("goods", "show", item)
    assert "(the marketplace: in escrow, listed or sold)" in shown.out
    assert bazaar("goods", "show", item, json=True).json()["inEscrow"] is True
    plain = bazaar(
        "list", "--price", "3", "--stock", 1, "--token", "usdc", who="seller", json=True
    ).json()
    assert plain["txHash"].startswith("0x") and plain["gasUsed"] > 0


def test_an_operator_mints_for_the_seller_and_an_item_is_sent_on(bazaar, suite):
    refused(
        bazaar, "deployer", "goods", "mint", "--uri", "u", "--content", "c",
        "--seller", ADDRESSES["seller"], fragments=["GoodsNotSeller"],
    )  # fmt: skip
    allowed = bazaar("goods", "operator", ADDRESSES["deployer"], who="seller", json=True).json()
    assert allowed["approved"] is True
    minted = bazaar(
        "goods", "mint", "--uri", "u", "--content", "c", "--seller", ADDRESSES["seller"],
        who="deployer", json=True,
    ).json()  # fmt: skip
    assert minted["owner"] == minted["creator"] == ADDRESSES["seller"]
    human = bazaar("goods", "operator", ADDRESSES["deployer"], "--revoke", who="seller")
    assert "may no longer mint" in human.out
    sent = bazaar(
        "goods", "transfer", minted["itemId"], "--to", ADDRESSES["buyer"], who="seller", json=True
    ).json()
    assert sent["owner"] == ADDRESSES["buyer"]
    refused(
        bazaar, "seller", "goods", "transfer", minted["itemId"], "--to", ADDRESSES["seller"],
        fragments=["would revert"],
    )  # fmt: skip
