"""Signed listings from the command line: `list --sign-only` (an offer signed off-line, nothing
sent), `publish-offer` into the index (then `listings` shows it), `buy --offer FILE|HASH`,
`cancel-offer` and `cancel-offers`; a cancelled, superseded, expired, altered or sold-out
offer is refused in one line with nothing sent."""

import json

import pytest

from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_and_fund, nonces
from tests.support.helpers import mine_at


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`; the buyer holds 1 WBTC."""
    folder = tmp_path_factory.mktemp("offers")
    deployed = deploy_and_fund(folder)
    return {**deployed, "db": f"sqlite:///{folder / 'index.sqlite'}"}


def offer(bazaar, path, *extra, stock="3", price="250"):
    """The seller signs an offer into `path` (WBTC); the run."""
    return bazaar(
        "list", "--price", price, "--stock", stock, "--token", "wbtc", "--metadata", "Tea set",
        "--sign-only", "--out", path, *extra, who="seller",
    )  # fmt: skip


def buy(bazaar, source, *extra):
    return bazaar("buy", "--offer", source, "--token", "wbtc", *extra, who="buyer", json=True)


def test_a_seller_signs_an_offer_for_free_and_a_buyer_checks_out_against_it(
    bazaar, suite, tmp_path
):
    path = tmp_path / "offer.json"
    before = nonces()
    signed = offer(bazaar, path)
    assert signed.code == 0, signed.err
    assert nonces() == before  # listing by signature sends nothing
    data = json.loads(path.read_text())
    assert data["type"] == "bazaar-signed-offer" and data["offer"]["seller"] == ADDRESSES["seller"]
    wbtc, buyer_before = suite["wbtc"], suite["wbtc"].balanceOf(ADDRESSES["buyer"])
    bought = buy(bazaar, path, "--quantity", "2")
    assert bought.code == 0, bought.err
    order = bought.json()
    assert order["offerHash"] == data["offerHash"]
    assert order["terms"]["seller"] == ADDRESSES["seller"]
    assert int(order["terms"]["listingId"]) == int(data["offerHash"], 16)
    assert order["status"] == "Paid" and order["quantity"] == 2
    assert wbtc.balanceOf(ADDRESSES["buyer"]) == buyer_before - 500_000  # $500 at $100,000
    # one unit left: two more are refused before anything is sent
    before = nonces()
    assert_one_line_failure(buy(bazaar, path, "--quantity", "2"), "has 1 unit(s) left, not 2")
    assert nonces() == before


def test_a_published_offer_shows_in_listings_and_is_bought_by_its_hash(bazaar, suite, tmp_path):
    path, db = tmp_path / "offer.json", suite["db"]
    assert offer(bazaar, path).code == 0
    published = bazaar("publish-offer", path, "--db", db, json=True)
    assert published.code == 0, published.err
    offer_hash = published.json()["offerHash"]
    assert bazaar("index", "--db", db).code == 0
    listed = bazaar("listings", "--db", db, json=True).json()
    assert [o["offerHash"] for o in listed["offers"]] == [offer_hash]
    assert listed["offers"][0]["left"] == 3
    bought = bazaar("buy", "--offer", offer_hash, "--token", "wbtc", "--db", db, who="buyer")
    assert bought.code == 0, bought.err
    assert bazaar("index", "--db", db).code == 0
    assert bazaar("listings", "--db", db, json=True).json()["offers"][0]["left"] == 2


def test_a_cancelled_offer_is_refused_and_only_its_seller_may_cancel_it(bazaar, tmp_path):
    path = tmp_path / "offer.json"
    assert offer(bazaar, path).code == 0
    assert_one_line_failure(bazaar("cancel-offer", path, who="buyer"), "only the offer's seller")
    cancelled = bazaar("cancel-offer", path, who="seller")
    assert cancelled.code == 0, cancelled.err
    before = nonces()
    assert_one_line_failure(buy(bazaar, path), "was cancelled by its seller")
    assert nonces() == before


def test_cancel_offers_voids_every_offer_signed_before(bazaar, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert offer(bazaar, first).code == 0 and offer(bazaar, second).code == 0
    voided = bazaar("cancel-offers", who="seller", json=True)
    assert voided.code == 0 and voided.json()["counter"] not in (0, 1)
    for path in (first, second):
        assert_one_line_failure(buy(bazaar, path), "its seller cancelled all its offers since")
    newer = tmp_path / "c.json"
    assert offer(bazaar, newer).code == 0  # signed with the new counter: good
    assert buy(bazaar, newer).code == 0


def test_an_expired_or_altered_offer_is_refused(bazaar, tmp_path):
    path = tmp_path / "offer.json"
    assert offer(bazaar, path, "--valid-days", "1").code == 0
    data = json.loads(path.read_text())
    altered = tmp_path / "altered.json"
    data["offer"]["priceUsd"] = "1"
    del data["offerHash"]
    altered.write_text(json.dumps(data))
    assert_one_line_failure(buy(bazaar, altered), "not by its seller", "altered or forged")
    mine_at(int(json.loads(path.read_text())["offer"]["expiry"]) + 1)
    assert_one_line_failure(buy(bazaar, path), "expired at")


def test_bad_offer_options_are_refused_in_one_line(bazaar, tmp_path):
    assert_one_line_failure(
        bazaar("list", "--price", "1", "--stock", "1", "--token", "wbtc", "--out", "x.json",
               who="seller"),
        "--sign-only",
    )  # fmt: skip
    path = tmp_path / "nonsense.json"
    path.write_text("{}")
    assert_one_line_failure(buy(bazaar, path), "not a signed offer")
    assert_one_line_failure(
        bazaar("buy", "--offer", "0x" + "ab" * 32, "--token", "wbtc", who="buyer"),
        "no offer 0x",
    )
