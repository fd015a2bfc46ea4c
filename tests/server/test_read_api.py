"""The storefront's read API on a real chain and both databases: listings with the titles of
their uploaded documents, text search, sorting and bounded pages; orders by role; unknown ids;
the index's lag; a seller's approved referrers and whether a listing's commission applies to a
`ref`; a server that keeps following the chain, and goes on answering while its node fails."""

import http.server
import threading
import urllib.request

import brownie
import requests
import sqlalchemy as sa

from bazaar import catalogue
from tests.server.conftest import (
    ARBITER,
    BUYER,
    SELLER,
    SIGNERS,
    buy,
    listing_document,
    put_on_sale,
    running,
)


def test_listings_carry_the_titles_of_their_uploaded_documents_and_search_finds_them(api, suite):
    lamp = listing_document("Brass desk lamp", description="Warm light for late reading")
    chair = listing_document("Oak chair", description="Solid wood, hand finished")
    for document in (lamp, chair):
        assert catalogue.upload(api.url, document, SIGNERS["seller"]).created
    lamp_id = put_on_sale(suite, 40, lamp)
    chair_id = put_on_sale(suite, 90, chair)
    bare_id = put_on_sale(suite, 10, b"no document uploaded for this one")
    api.wait_indexed()
    found = api.json("/api/listings")
    assert found["total"] == 3 and found["index"]["behind"] == 0
    titles = {item["listingId"]: item["title"] for item in found["listings"]}
    assert titles == {lamp_id: "Brass desk lamp", chair_id: "Oak chair", bare_id: None}
    item = next(i for i in found["listings"] if i["listingId"] == lamp_id)
    assert item["metadataHash"] == catalogue.content_hash(lamp) and item["document"] is True
    assert item["priceFormatted"] == "$40.00" and item["tokens"] == [suite["usdc"].address]
    assert item["seller"] == SELLER
    for q, expected in (("LAMP", [lamp_id]), ("hand finished", [chair_id]), ("o", None)):
        hits = api.json("/api/listings", q=q)
        ids = [i["listingId"] for i in hits["listings"]]
        assert ids == (expected if expected is not None else sorted([lamp_id, chair_id]))
    assert api.json("/api/listings", q="%")["total"] == 0  # a wildcard is a plain character
    assert api.json("/api/listings", seller=BUYER)["total"] == 0
    assert api.json("/api/listings", token="usdc")["total"] == 3
    assert api.json("/api/listings", token="wbtc")["total"] == 0
    one = api.json(f"/api/listings/{chair_id}")["listing"]
    assert one["title"] == "Oak chair" and one["priceUsd"] == 90 * 10**8


def test_pages_are_bounded_and_do_not_overlap(api, suite):
    ids = [put_on_sale(suite, 5 + n) for n in range(5)]
    api.wait_indexed()
    pages = [api.json("/api/listings", per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert [[i["listingId"] for i in p["listings"]] for p in pages] == [
        ids[0:2], ids[2:4], ids[4:5], [],
    ]  # fmt: skip
    assert all(p["total"] == 5 and p["perPage"] == 2 for p in pages)
    for params, reason in (
        ({"per_page": 101}, "per_page must be from 1 to 100"),
        ({"per_page": 0}, "per_page must be from 1 to 100"),
        ({"page": 0}, "page must be from 1"),
        ({"page": "-1"}, "page must be a whole number"),
        ({"page": "1e3"}, "page must be a whole number"),
        ({"sort": "cheapest"}, "sort must be one of id, price, rating"),
        ({"colour": "red"}, "unknown parameter 'colour'"),
        ({"q": "x" * 101}, "q is at most 100 characters"),
        ({"seller": "0x123"}, "bad seller"),
        ({"token": "doge"}, "bad token"),
    ):
        answer = api.get("/api/listings", **params)
        assert answer.status_code == 400, (params, answer.text)
        assert reason in answer.json()["error"], (params, answer.json())


def test_listings_sort_by_price_and_by_the_seller_s_average_rating(api, suite):
    market, buyer = suite["market"], brownie.accounts[1]
    fair = put_on_sale(suite, 30, seller=4)  # a seller rated 2
    best = put_on_sale(suite, 20, seller=2)  # a seller rated 5 and 4
    unrated = put_on_sale(suite, 10, seller=5)
    for listing, ratings in ((fair, [2]), (best, [5, 4])):
        for rating in ratings:
            terms, _ = buy(suite, listing)
            market.ship(
                terms, b"\x07" * 32, {"from": brownie.accounts[2 if listing == best else 4]}
            )
            market.confirm(terms, {"from": buyer})
            market.review(terms, rating, b"\x05" * 32, {"from": buyer})
    api.wait_indexed()

    def order(sort):
        return [i["listingId"] for i in api.json("/api/listings", sort=sort)["listings"]]

    assert order("id") == [fair, best, unrated]
    assert order("price") == [unrated, best, fair]
    assert order("rating") == [best, fair, unrated]
    rated = api.json(f"/api/listings/{best}")["listing"]["sellerRating"]
    assert rated == {"sum": 9, "reviews": 2}


def test_orders_are_found_by_role_and_what_is_due(api, suite):
    listing = put_on_sale(suite, 25)
    shipped_terms, shipped = buy(suite, listing)
    suite["market"].ship(shipped_terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    _, waiting = buy(suite, listing, 2)
    api.wait_indexed()

    def ids(account, role, **extra):
        found = api.json("/api/orders", account=account, role=role, **extra)
        return {o["orderId"]: o["status"] for o in found["orders"]}

    assert ids(BUYER, "buyer") == {shipped: "Shipped", waiting: "Paid"}
    assert ids(SELLER, "seller", due="true") == {waiting: "Paid"}  # to ship
    assert ids(BUYER, "buyer", due="1") == {shipped: "Shipped"}  # to confirm
    assert ids(ARBITER, "arbiter") == {shipped: "Shipped", waiting: "Paid"}
    assert ids(ARBITER, "arbiter", due="true") == {}
    assert ids(SELLER, "buyer") == {}
    paged = api.json("/api/orders", account=BUYER, role="buyer", per_page=1)
    assert len(paged["orders"]) == 1 and paged["more"] is True
    one = api.json(f"/api/orders/{waiting}")["order"]
    assert (one["quantity"], one["seller"], one["listingId"]) == (2, SELLER, listing)
    assert one["terms"]["buyer"] == BUYER  # what the lifecycle calls pass back
    assert api.json(f"/api/orders/{waiting.upper().replace('0X', '0x')}")["order"] == one
    for params, reason in (
        ({"role": "buyer"}, "account is required"),
        ({"account": BUYER, "role": "courier"}, "role must be one of buyer, seller, arbiter"),
        ({"account": BUYER, "role": "buyer", "due": "maybe"}, "due must be true or false"),
    ):
        answer = api.get("/api/orders", **params)
        assert answer.status_code == 400 and reason in answer.json()["error"], answer.text


def test_unknown_ids_are_404_and_malformed_ones_400_always_as_json(api, suite):
    api.wait_indexed()
    for path, status, reason in (
        ("/api/listings/999", 404, "no listing 999"),
        ("/api/listings/99999999999999999999", 400, "a listing id is a whole number"),
        ("/api/listings/lamp", 400, "a listing id is a whole number"),
        ("/api/orders/0x" + "00" * 32, 404, "no order 0x" + "00" * 32),
        ("/api/orders/0x1234", 400, "0x followed by 64 hex digits"),
        ("/api/documents/0x" + "ab" * 32, 404, "no document"),
        ("/api/images/not-a-hash", 400, "0x followed by 64 hex digits"),
        ("/api/profiles/" + SELLER, 404, "no profile"),
        ("/api/nothing-here", 404, "no such path: /api/nothing-here"),
    ):
        answer = api.get(path)
        assert answer.status_code == status, (path, answer.text)
        assert answer.headers["Content-Type"].startswith("application/json")
        assert reason in answer.json()["error"], (path, answer.json())
        assert "Traceback" not in answer.text
    wrong = requests.delete(api.url + "/api/listings", timeout=10)
    assert wrong.status_code == 405 and "DELETE is not allowed" in wrong.json()["error"]


def test_status_and_proposals_come_from_the_index(api, suite):
    api.wait_indexed()
    status = api.json("/api/status")
    head = brownie.web3.eth.block_number
    assert status["index"] == {"lastBlock": head, "head": head, "behind": 0}
    assert status["chainId"] == 31337 and status["market"] == suite["market"].address
    assert status["follower"]["error"] is None and status["follower"]["passes"] >= 1
    assert status["uploads"]["maxDocumentBytes"] == 64 * 1024
    deployed = suite["journal"]["contracts"]
    assert status["contracts"] == {
        key: deployed[key]["address"] for key in ("governor", "staking", "points", "timelock")
    }
    proposals = api.json("/api/proposals")
    assert proposals["proposals"] == [] and proposals["more"] is False


def test_the_server_keeps_following_the_chain_a_new_listing_appears_without_restart(api, suite):
    api.wait_indexed()
    assert api.get("/api/listings/1").status_code == 404
    listing = put_on_sale(suite, 15, listing_document("Late arrival"))
    api.wait_until(lambda: api.get(f"/api/listings/{listing}").status_code == 200, "listing")
    assert api.json("/api/listings")["total"] == 1


class FlakyNode(http.server.BaseHTTPRequestHandler):
    """The test chain's node behind a switch: while `down`, every request gets HTTP 502."""

    upstream = ""
    down = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).down:
            return self._reply(502, b"bad gateway")
        forwarded = urllib.request.Request(
            self.upstream, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(forwarded, timeout=30) as response:
            self._reply(200, response.read())

    def _reply(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_failing_node_is_retried_while_the_server_goes_on_answering(suite, db_url):
    FlakyNode.upstream, FlakyNode.down = brownie.web3.provider.endpoint_uri, False
    node = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyNode)
    threading.Thread(target=node.serve_forever, daemon=True).start()
    try:
        with running(suite, db_url, rpc=f"http://127.0.0.1:{node.server_address[1]}") as api:
            first = put_on_sale(suite, 12)
            api.wait_indexed()
            FlakyNode.down = True
            later = put_on_sale(suite, 13)
            api.wait_until(
                lambda: api.json("/api/status")["follower"]["failures"] >= 2, "two failures"
            )
            follower = api.json("/api/status")["follower"]
            assert "502" in follower["error"] and follower["retryIn"] > 0.2
            assert [i["listingId"] for i in api.json("/api/listings")["listings"]] == [first]
            FlakyNode.down = False
            api.wait_until(lambda: api.get(f"/api/listings/{later}").status_code == 200, "later")
            assert api.json("/api/status")["follower"]["error"] is None
            errors = [entry for entry in api.log if entry["event"] == "error"]
            waits = [entry["retryIn"] for entry in errors]
            assert waits[:2] == [0.4, 0.8]  # doubling from the interval
    finally:
        node.shutdown()


def test_a_database_that_goes_away_is_503_and_never_a_traceback(suite, postgres):
    admin = sa.create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text("CREATE DATABASE going_away"))
    try:
        with running(suite, postgres.url("going_away")) as api:
            api.wait_indexed()
            with admin.connect() as c:
                c.execute(sa.text("DROP DATABASE going_away WITH (FORCE)"))
            for path in ("/api/listings", "/api/status", "/api/documents/0x" + "ab" * 32):
                answer = api.get(path)
                assert answer.status_code == 503, (path, answer.text)
                assert answer.json() == {
                    "error": "the index database is unavailable; try again later"
                }
            api.wait_until(
                lambda: any(entry["event"] == "error" for entry in api.log), "a follower error"
            )
    finally:
        admin.dispose()


def test_a_review_orphaned_by_a_reorg_leaves_the_seller_s_rating(api, suite):
    market, buyer = suite["market"], brownie.accounts[1]
    listing = put_on_sale(suite, 30)
    terms, _ = buy(suite, listing)
    market.ship(terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    market.confirm(terms, {"from": buyer})
    api.wait_indexed()

    def rating():
        return api.json(f"/api/listings/{listing}")["listing"]["sellerRating"]

    brownie.chain.snapshot()  # brownie's own (it also resets its accounts' nonces on revert)
    market.review(terms, 5, b"\x05" * 32, {"from": buyer})
    api.wait_until(lambda: rating() == {"sum": 5, "reviews": 1}, "the review indexed")
    brownie.chain.revert()
    later = [put_on_sale(suite, 1) for _ in range(3)]  # the new chain grows past the old one
    api.wait_until(
        lambda: api.get(f"/api/listings/{later[-1]}").status_code == 200, "the new chain"
    )
    assert rating() == {"sum": 0, "reviews": 0}
    assert any(entry["event"] == "reorg" for entry in api.log)


def test_a_catalogue_page_is_answered_from_the_cache_until_the_index_or_catalogue_changes(
    api, suite
):
    lamp = listing_document("Brass desk lamp")
    assert catalogue.upload(api.url, lamp, SIGNERS["seller"]).created
    put_on_sale(suite, 40, lamp)
    api.wait_indexed()
    pages = api.storefront.pages
    before = api.json("/api/listings")["total"]
    first = api.get("/api/listings", q="lamp")
    hits = pages.hits
    assert api.get("/api/listings", q="lamp").content == first.content
    assert pages.hits == hits + 1  # the same page again: from the cache
    chair = listing_document("Oak chair")
    assert catalogue.upload(api.url, chair, SIGNERS["seller"]).created
    assert pages.answers == {}  # an upload clears it
    put_on_sale(suite, 90, chair)
    api.wait_indexed()  # a pass of the follower clears it too
    assert api.json("/api/listings")["total"] == before + 1


def test_a_referrer_s_earnings_and_the_listing_s_commission_are_in_the_api(api, suite):
    market, seller, buyer = suite["market"], brownie.accounts[2], brownie.accounts[1]
    referrer = brownie.accounts[9].address
    listing = put_on_sale(suite, 1_000)
    market.setCommission(listing, 1_000, {"from": seller})  # 10 % of the proceeds
    market.setReferrer(referrer, True, {"from": seller})  # only approved referrers earn
    cart = ([(listing, 1, 0), (listing, 2, 0)], suite["usdc"], 10**12, 2**40, ARBITER, referrer)
    tx = market.checkoutCart(cart, {"from": buyer})
    (first, first_id), (_, second_id) = [
        (tuple(e["terms"]), "0x" + bytes(e["orderId"]).hex()) for e in tx.events["OrderPaid"]
    ]
    market.ship(first, b"\x07" * 32, {"from": seller})
    done = market.confirm(first, {"from": buyer})
    api.wait_indexed()
    assert api.json(f"/api/listings/{listing}")["listing"]["commissionBps"] == 1_000
    catalogue_page = api.json("/api/listings", seller=SELLER, per_page=100)["listings"]
    assert {i["listingId"]: i["commissionBps"] for i in catalogue_page}[listing] == 1_000
    order = api.json(f"/api/orders/{second_id}")["order"]
    assert (order["referrer"], order["commissionBps"], order["status"]) == (referrer, 1_000, "Paid")
    usdc = suite["usdc"].address
    earned = api.json(f"/api/earnings/{referrer.lower()}")
    assert earned["account"] == referrer and earned["index"]["behind"] == 0
    # $1,000 in USDC less the 1 % fee: 990 USDC of proceeds, 10 % of them
    assert earned["totals"] == {usdc: str(99 * 10**6)}
    assert (earned["count"], earned["referredOrders"], earned["more"]) == (1, 2, False)
    assert earned["commissions"] == [{
        "orderId": first_id, "listingId": listing, "token": usdc, "amount": str(99 * 10**6),
        "block": done.block_number,
        "timestamp": brownie.web3.eth.get_block(done.block_number)["timestamp"],
    }]  # fmt: skip
    nothing = api.json(f"/api/earnings/{SELLER}")
    assert (nothing["totals"], nothing["commissions"], nothing["referredOrders"]) == ({}, [], 0)
    mixed = referrer[:2] + referrer[2:].swapcase()  # mixed case, its checksum wrong
    for path, reason in (
        ("/api/earnings/0x1234", "account must be 0x followed by 40 hex digits"),
        ("/api/earnings/alice", "account must be 0x followed by 40 hex digits"),
        (f"/api/earnings/{mixed}", "fail the EIP-55 checksum"),
        (f"/api/earnings/{referrer}?per_page=0", "per_page must be from 1 to 100"),
        (f"/api/earnings/{referrer}?token=usdc", "unknown parameter 'token'"),
    ):
        answer = api.get(path)
        assert answer.status_code == 400, (path, answer.text)
        assert reason in answer.json()["error"], (path, answer.json())


def test_a_seller_s_approved_referrers_and_whether_a_ref_earns_a_listing_s_commission(api, suite):
    market, seller = suite["market"], brownie.accounts[2]
    approved, other = brownie.accounts[9].address, brownie.accounts[3].address
    listing = put_on_sale(suite, 200)
    market.setCommission(listing, 500, {"from": seller})
    market.setReferrer(approved, True, {"from": seller})
    market.setReferrer(other, True, {"from": seller})
    revoked = market.setReferrer(other, False, {"from": seller})
    api.wait_indexed()
    found = api.json(f"/api/referrers/{SELLER.lower()}")
    assert found["seller"] == SELLER and found["index"]["behind"] == 0
    assert [r["referrer"] for r in found["referrers"]] == [approved]
    assert found["referrers"][0]["block"] < revoked.block_number
    assert api.json(f"/api/referrers/{BUYER}")["referrers"] == []
    yes = api.json(f"/api/listings/{listing}", ref=approved.lower())
    assert (yes["ref"], yes["refApproved"], yes["refCommissionBps"]) == (approved, True, 500)
    no = api.json(f"/api/listings/{listing}", ref=other)
    assert (no["ref"], no["refApproved"], no["refCommissionBps"]) == (other, False, 0)
    assert no["listing"]["commissionBps"] == 500  # what the seller offers its referrers
    assert "ref" not in api.json(f"/api/listings/{listing}")
    for path, reason in (
        ("/api/referrers/0x1234", "seller must be 0x followed by 40 hex digits"),
        (f"/api/referrers/{SELLER}?page=2", "unknown parameter 'page'"),
        (f"/api/listings/{listing}?ref=alice", "ref must be 0x followed by 40 hex digits"),
    ):
        answer = api.get(path)
        assert answer.status_code == 400, (path, answer.text)
        assert reason in answer.json()["error"], (path, answer.json())
