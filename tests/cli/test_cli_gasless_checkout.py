"""Gasless checkout from the command line: `approve-permit2` once, `buy --sign-only` (the cart
signed for Permit2, printed as JSON, nothing sent), `relay-checkout FILE` by another account
(who earns the signed fee) and `cancel-checkout FILE`; an expired, replayed, wrong-chain,
altered or over-max signed checkout is refused in one line with nothing sent."""

import json

import brownie
import pytest

from bazaar import artifacts
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_and_fund, nonces
from tests.support.helpers import mine_at

LISTING_SATS = 1_000_000  # listing 1: $1,000 at $100,000 per BTC
FEE_TEXT, FEE = "0.00001", 1_000  # WBTC, in sats


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`; listing 1: the seller's $1,000 item (10 in
    stock, WBTC). The buyer holds 1 WBTC."""
    listing = ["list", "--price", "1000", "--stock", "10", "--token", "wbtc"]
    deployed = deploy_and_fund(tmp_path_factory.mktemp("gasless"), ("seller", listing))
    journal = deployed["journal"]
    return {
        **deployed,
        "market": journal["contracts"]["market"]["address"],
        "permit2": journal["contracts"]["permit2"]["address"],
    }


@pytest.fixture
def approved(bazaar):
    result = bazaar("approve-permit2", "--token", "wbtc", who="buyer", json=True)
    assert result.code == 0, result.err
    return result


def sign(bazaar, path, *extra):
    """`buy --listing 1 --sign-only --out path` by the buyer; the run."""
    return bazaar(
        "buy",
        "--listing",
        "1",
        "--token",
        "wbtc",
        "--sign-only",
        "--out",
        path,
        *extra,
        who="buyer",
    )


def test_a_buyer_signs_a_checkout_that_another_account_relays_for_the_fee(
    bazaar, suite, approved, tmp_path
):
    wbtc, path = suite["wbtc"], tmp_path / "checkout.json"
    assert approved.json()["approved"] is True
    before, buyer_before = nonces(), wbtc.balanceOf(ADDRESSES["buyer"])
    signed = sign(bazaar, path, "--relayer-fee", FEE_TEXT)
    assert signed.code == 0, signed.err
    assert nonces() == before  # signing sends nothing
    data = json.loads(path.read_text())
    assert data["type"] == "bazaar-gasless-checkout"
    assert data["payment"]["buyer"] == ADDRESSES["buyer"]
    assert data["payment"]["relayerFee"] == str(FEE)
    assert data["cart"]["lines"] == [{"listingId": 1, "quantity": 1, "pointsToRedeem": "0"}]
    # --max-pay by default: the quote, 1 % slippage, and the fee
    assert data["cart"]["maxTotal"] == str(LISTING_SATS + LISTING_SATS // 100 + FEE)
    relayer_before = wbtc.balanceOf(ADDRESSES["deployer"])

    relayed = bazaar("relay-checkout", path, who="deployer", json=True)

    assert relayed.code == 0, relayed.err
    out = relayed.json()
    assert (out["buyer"], out["relayer"], out["fee"]) == (
        ADDRESSES["buyer"],
        ADDRESSES["deployer"],
        str(FEE),
    )
    (order,) = out["orders"]
    assert order["terms"]["buyer"] == ADDRESSES["buyer"] and order["status"] == "Paid"
    assert nonces()["buyer"] == before["buyer"]  # the buyer sent nothing at all
    assert wbtc.balanceOf(ADDRESSES["buyer"]) == buyer_before - LISTING_SATS - FEE
    assert wbtc.balanceOf(ADDRESSES["deployer"]) == relayer_before + FEE
    status = bazaar("status", order["orderId"], json=True).json()
    assert status["status"] == "Paid"


def test_the_same_signed_checkout_relayed_again_is_refused_as_used(bazaar, approved, tmp_path):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path).code == 0
    assert bazaar("relay-checkout", path, who="deployer").code == 0
    before = nonces()
    again = bazaar("relay-checkout", path, who="arbiter")
    assert_one_line_failure(again, "nonce", "used", "relayed already")
    assert nonces() == before


def test_without_sign_only_the_output_is_one_json_line_on_stdout(bazaar, approved):
    result = bazaar("buy", "--listing", "1", "--token", "wbtc", "--sign-only", who="buyer")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["payment"]["nonce"].isdigit()


def test_signing_before_approving_permit2_is_refused_naming_approve_permit2(
    bazaar, suite, tmp_path
):
    wbtc = suite["wbtc"]
    wbtc.approve(suite["permit2"], 0, {"from": brownie.accounts[1]})
    before = nonces()
    result = sign(bazaar, tmp_path / "x.json")
    assert_one_line_failure(result, "approve-permit2 --token wbtc")
    assert nonces() == before and not (tmp_path / "x.json").exists()


def test_a_fee_above_three_percent_is_refused_when_signing(bazaar, approved, tmp_path):
    result = sign(bazaar, tmp_path / "x.json", "--relayer-fee", "0.0004")  # 4 % of 0.01
    assert_one_line_failure(result, "relayer fee", "above the marketplace's cap of 3%")


def test_relayer_options_without_sign_only_are_refused(bazaar):
    result = bazaar(
        "buy", "--listing", "1", "--token", "wbtc", "--relayer-fee", FEE_TEXT, who="buyer"
    )
    assert_one_line_failure(result, "--relayer-fee", "--sign-only")


def test_a_checkout_signed_for_another_chain_is_refused_with_nothing_sent(
    bazaar, approved, tmp_path
):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path).code == 0
    data = json.loads(path.read_text())
    data["chainId"] = 8453
    path.write_text(json.dumps(data))
    before = nonces()
    result = bazaar("relay-checkout", path, who="deployer")
    assert_one_line_failure(result, "signed for chain 8453", "this node is chain 31337")
    assert nonces() == before


def test_an_altered_checkout_is_refused_as_not_signed_by_its_buyer(bazaar, approved, tmp_path):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path, "--relayer-fee", FEE_TEXT).code == 0
    data = json.loads(path.read_text())
    data["payment"]["relayerFee"] = str(2 * FEE)  # a greedy relayer
    path.write_text(json.dumps(data))
    result = bazaar("relay-checkout", path, who="deployer")
    assert_one_line_failure(result, "not by its buyer", "altered or forged")


def test_an_expired_checkout_is_refused(bazaar, approved, tmp_path):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path, "--deadline-minutes", "1").code == 0
    mine_at(json.loads(path.read_text())["cart"]["deadline"] + 1)
    result = bazaar("relay-checkout", path, who="deployer")
    assert_one_line_failure(result, "expired at")


def test_a_checkout_whose_price_rose_above_the_signed_maximum_is_refused(
    bazaar, suite, approved, tmp_path
):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path, "--max-pay", "0.01001", "--relayer-fee", FEE_TEXT).code == 0
    feed_address = suite["journal"]["contracts"]["btc_usd_feed"]["address"]
    feed = brownie.Contract.from_abi("Feed", feed_address, artifacts.load("MockAggregator").abi)
    feed.setAnswer(90_000 * 10**8, {"from": brownie.accounts[0]})  # BTC fell: more sats
    before = nonces()
    result = bazaar("relay-checkout", path, who="deployer")
    assert_one_line_failure(result, "more than the buyer's signed maximum of 1001000 units")
    assert nonces() == before


def test_a_buyer_cancels_its_signed_checkout_and_nobody_can_relay_it(bazaar, approved, tmp_path):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path).code == 0
    assert_one_line_failure(
        bazaar("cancel-checkout", path, who="deployer"), "only the buyer", "can cancel"
    )
    cancelled = bazaar("cancel-checkout", path, who="buyer")
    assert cancelled.code == 0, cancelled.err
    assert_one_line_failure(bazaar("relay-checkout", path, who="deployer"), "nonce", "used")


def test_a_file_that_is_not_a_signed_checkout_is_refused(bazaar, tmp_path):
    path = tmp_path / "nonsense.json"
    path.write_text(json.dumps({"type": "bazaar-ballot"}))
    assert_one_line_failure(bazaar("relay-checkout", path, who="deployer"), "not a signed checkout")
    path.write_text("{")
    assert_one_line_failure(bazaar("relay-checkout", path, who="deployer"), "is not JSON")


def test_check_only_checks_a_signed_checkout_without_sending(bazaar, approved, tmp_path):
    path = tmp_path / "checkout.json"
    assert sign(bazaar, path).code == 0
    before = nonces()
    result = bazaar("relay-checkout", path, "--check-only", who="deployer", json=True)
    assert result.code == 0, result.err
    assert result.json()["ok"] is True and nonces() == before
