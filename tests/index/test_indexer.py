"""The index on SQLite and on a real PostgreSQL server: `bazaar index` follows the suite's
events, `bazaar orders` and `bazaar listings` answer from it and say how far it is behind, a
reorg drops the orphaned events, and a node refusing large block ranges is read in small ones."""

import http.server
import json
import threading
import urllib.request

import brownie
import pytest
from web3 import Web3

from bazaar import artifacts
from bazaar.index import queries
from bazaar.index.indexer import Indexer
from bazaar.index.schema import open_index
from bazaar.journal import Journal
from bazaar.settings import ONE_DAY, USD
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_by_cli, rpc_url, run

BUYER, SELLER, ARBITER = ADDRESSES["buyer"], ADDRESSES["seller"], ADDRESSES["arbiter"]


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite; the seller lists a $1,000 lamp (listing 1, WBTC or USDC) and a $50 book
    (listing 2, USDC only); the buyer holds USDC and has approved the marketplace."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("index"))
    journal = deployed["journal"]
    market = contract(journal, "market")
    abi = artifacts.load("MockUSDC").abi
    usdc = brownie.Contract.from_abi("USDC", journal["tokens"]["usdc"], abi)
    wbtc = journal["tokens"]["wbtc"]
    seller, buyer = brownie.accounts[2], brownie.accounts[1]
    market.list(1_000 * USD, 10, [wbtc, usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    market.list(50 * USD, 3, [usdc], 0, 0, 0, b"\x02" * 32, {"from": seller})
    usdc.mint(buyer, 100_000 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    return {**deployed, "market": market, "usdc": usdc}


def checkout(suite, listing=1, quantity=1):
    tx = suite["market"].checkout(
        listing, quantity, suite["usdc"], 10**12, 2**40, ARBITER, 0, {"from": brownie.accounts[1]}
    )
    return tuple(tx.events["OrderPaid"]["terms"]), "0x" + bytes(
        tx.events["OrderPaid"]["orderId"]
    ).hex()


def index(capsys, suite, db_url, *extra):
    return run(capsys, *suite["base"], "--json", "index", "--db", db_url, *extra)


def ask(capsys, suite, db_url, command, *args, json=True):
    output = ["--json"] if json else []
    return run(capsys, *suite["base"], *output, command, "--db", db_url, *args)


def test_a_seller_finds_the_orders_it_must_ship_and_by_when(capsys, suite, db_url):
    shipped_terms, shipped = checkout(suite)
    suite["market"].ship(shipped_terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    _, waiting = checkout(suite, 2, 2)
    paid_at = brownie.web3.eth.get_block("latest")["timestamp"]
    done = index(capsys, suite, db_url)
    assert done.code == 0, done.err
    assert done.json()["index"]["behind"] == 0 and done.json()["events"] >= 5
    due = ask(capsys, suite, db_url, "orders", "--as", "seller", "--account", SELLER, "--due")
    assert due.code == 0, due.err
    (order,) = due.json()["orders"]
    assert (order["orderId"], order["status"], order["quantity"]) == (waiting, "Paid", 2)
    assert order["deadline"] == paid_at + 7 * ONE_DAY  # the fulfilment window
    everything = ask(capsys, suite, db_url, "orders", "--as", "buyer", "--account", BUYER).json()
    assert {o["orderId"]: o["status"] for o in everything["orders"]} == {
        shipped: "Shipped",
        waiting: "Paid",
    }
    human = ask(
        capsys, suite, db_url, "orders", "--as", "arbiter", "--account", ARBITER, json=False
    )
    assert (
        human.out.splitlines()[-1]
        == f"(index at block {brownie.web3.eth.block_number:,}, at the head)"
    )


def test_orders_and_listings_say_how_far_the_index_is_behind(capsys, suite, db_url):
    assert index(capsys, suite, db_url).code == 0
    checkout(suite)
    checkout(suite)
    head = brownie.web3.eth.block_number
    data = ask(capsys, suite, db_url, "listings").json()
    assert data["index"] == {"lastBlock": head - 2, "head": head, "behind": 2}
    human = ask(capsys, suite, db_url, "listings", json=False)
    assert f"2 block(s) behind the head ({head:,})" in human.out


def test_the_order_follows_its_lifecycle_and_credits_are_kept(capsys, suite, db_url):
    market, seller, buyer = suite["market"], brownie.accounts[2], brownie.accounts[1]
    a_terms, a = checkout(suite)
    b_terms, b = checkout(suite)
    c_terms, c = checkout(suite)
    market.ship(a_terms, b"\x07" * 32, {"from": seller})
    market.confirm(a_terms, {"from": buyer})
    market.refund(b_terms, 1, {"from": seller})  # partial: the order goes on
    market.openDispute(c_terms, b"\x09" * 32, {"from": buyer})
    assert index(capsys, suite, db_url).code == 0
    engine = open_index(db_url)
    assert queries.order(engine, a).status == "Completed"
    assert queries.order(engine, b).status == "Paid"
    disputed = queries.order(engine, c)
    assert disputed.status == "Disputed" and disputed.deadline > 0
    market.refund(b_terms, market.getOrder(b)["amount"], {"from": seller})  # the rest
    suite["usdc"].setBlacklisted(SELLER, True, {"from": brownie.accounts[0]})
    d_terms, _ = checkout(suite)
    market.ship(d_terms, b"\x07" * 32, {"from": seller})
    market.confirm(d_terms, {"from": buyer})
    assert index(capsys, suite, db_url).code == 0
    assert queries.order(engine, b).status == "Refunded"
    assert queries.credits_of(engine, SELLER) == {suite["usdc"].address: 990 * 10**6}
    listing = queries.listings_where(engine, SELLER)[0]
    assert listing["stock"] == 10 - 4 + 1  # four sold, one refunded in full


def test_listings_filter_by_seller_token_and_sort_by_price(capsys, suite, db_url):
    suite["market"].delist(1, {"from": brownie.accounts[2]})
    assert index(capsys, suite, db_url).code == 0
    active = ask(capsys, suite, db_url, "listings").json()["listings"]
    assert [r["listingId"] for r in active] == [2]
    every = ask(capsys, suite, db_url, "listings", "--all", "--sort", "price").json()["listings"]
    assert [(r["listingId"], r["active"]) for r in every] == [(2, True), (1, False)]
    wbtc_only = ask(capsys, suite, db_url, "listings", "--all", "--token", "wbtc").json()
    assert [r["listingId"] for r in wbtc_only["listings"]] == [1]
    assert ask(capsys, suite, db_url, "listings", "--seller", BUYER).json()["listings"] == []
    one = ask(capsys, suite, db_url, "listings", "--all", "--limit", "1").json()
    assert len(one["listings"]) == 1 and one["truncated"] is True
    human = ask(capsys, suite, db_url, "listings", "--all", "--limit", "1", json=False).out
    assert "the first 1 only: pass --limit" in human


def test_a_reorg_drops_the_orphaned_order_and_the_index_follows_the_new_chain(
    capsys, suite, db_url
):
    brownie.chain.snapshot()  # brownie's own (it also resets its accounts' nonces on revert)
    _, orphan = checkout(suite)
    assert index(capsys, suite, db_url).code == 0
    engine = open_index(db_url)
    assert queries.order(engine, orphan) is not None
    brownie.chain.revert()
    _, survivor = checkout(suite, 2)  # the same height, another block
    checkout(suite, 2)
    done = index(capsys, suite, db_url)
    assert done.code == 0, done.err
    assert done.json()["reorgedFrom"] is not None
    assert queries.order(engine, orphan) is None
    assert queries.order(engine, survivor).status == "Paid"
    assert queries.listings_where(engine, SELLER, active=None)[0]["stock"] == 10


class RangeCappingProxy(http.server.BaseHTTPRequestHandler):
    """A node that refuses eth_getLogs over more than 3 blocks, like public RPCs."""

    upstream = ""
    refused = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = json.loads(body)
        if request.get("method") == "eth_getLogs":
            query = request["params"][0]
            span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
            if span > 3:
                type(self).refused += 1
                refusal = {"code": -32005, "message": "block range too large"}
                answer = {"jsonrpc": "2.0", "id": request["id"], "error": refusal}
                return self._reply(json.dumps(answer).encode())
        forwarded = urllib.request.Request(
            self.upstream, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(forwarded, timeout=30) as response:
            self._reply(response.read())

    def _reply(self, data):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_node_refusing_large_block_ranges_is_read_in_small_ones(suite, db_url):
    for _ in range(3):
        checkout(suite)
    RangeCappingProxy.upstream, RangeCappingProxy.refused = rpc_url(), 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeCappingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{server.server_address[1]}"))
        journal = Journal(suite["folder"] / "31337.json", suite["journal"])
        indexer = Indexer(w3, open_index(db_url), journal, chunk=1_000)
        progress = indexer.sync()
    finally:
        server.shutdown()
    assert RangeCappingProxy.refused > 0
    assert progress.to_block == brownie.web3.eth.block_number
    orders = queries.orders_of(open_index(db_url), BUYER, "buyer")
    assert len(orders) == 3


def test_an_index_of_another_deployment_is_refused(capsys, suite, db_url, tmp_path):
    assert index(capsys, suite, db_url).code == 0
    contracts = suite["journal"]["contracts"]
    market = {**contracts["market"], "address": contracts["oracle"]["address"]}
    other = {**suite["journal"], "contracts": {**contracts, "market": market}}
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    result = run(capsys, "--rpc-url", rpc_url(), "--deployment", path, "index", "--db", db_url)
    assert_one_line_failure(result, "this index holds market", "use another --db")


def test_bad_index_inputs_are_one_line(capsys, suite, db_url):
    assert index(capsys, suite, db_url).code == 0
    base = [*suite["base"], "--json"]
    whose = run(capsys, *base, "orders", "--as", "seller", "--db", db_url)
    assert_one_line_failure(whose, "whose? pass --account ADDRESS")
    role = run(capsys, *base, "orders", "--as", "courier", "--account", SELLER, "--db", db_url)
    assert role.code == 1 and "invalid choice: 'courier'" in role.err
    dead = run(capsys, *base, "listings", "--db", "postgresql+psycopg://nobody@/x?host=/nowhere")
    assert_one_line_failure(dead, "index database")
    token = run(capsys, *base, "listings", "--token", "doge", "--db", db_url)
    assert_one_line_failure(token, "unknown token 'doge'")


def test_a_reorg_whose_new_events_lie_between_stored_blocks_is_read_from_the_fork_point(
    capsys, suite, db_url
):
    assert index(capsys, suite, db_url).code == 0
    brownie.chain.snapshot()
    brownie.chain.mine(3)  # three empty blocks: only the last is stored (the range's end)
    assert index(capsys, suite, db_url).code == 0
    brownie.chain.revert()
    brownie.chain.mine(1)
    _, added = checkout(suite)  # in the second block of the new chain: never stored before
    brownie.chain.mine(1)
    done = index(capsys, suite, db_url)
    assert done.code == 0, done.err
    assert done.json()["reorgedFrom"] is not None
    assert queries.order(open_index(db_url), added) is not None


def test_a_writer_that_lost_the_race_for_a_range_writes_nothing_and_moves_nothing_back(
    suite, db_url
):
    w3 = Web3(Web3.HTTPProvider(rpc_url()))
    journal = Journal(suite["folder"] / "31337.json", suite["journal"])
    first, late = (Indexer(w3, open_index(db_url), journal) for _ in range(2))
    checkout(suite)
    head = brownie.web3.eth.block_number
    first.sync()
    assert first.last_block() == head
    logs = w3.eth.get_logs({"address": list(late.names), "fromBlock": head, "toBlock": head})
    high_hash = "0x" + bytes(w3.eth.get_block(head)["hash"]).hex()
    # the late writer read last_block = head - 1 before the first one moved it on
    assert late._write_range(head - 1, head, high_hash, logs) is None
    assert first.last_block() == head
    first.sync()  # and the index goes on (before: the same events again, IntegrityError)


def test_the_indexer_s_event_decoding_gives_what_web3_gives_for_every_event_of_the_suite(suite):
    from web3._utils.events import get_event_data

    from bazaar.index.indexer import _jsonable

    checkout(suite)  # an OrderPaid, with its struct
    w3 = Web3(Web3.HTTPProvider(rpc_url()))
    journal = Journal(suite["folder"] / "31337.json", suite["journal"])
    indexer = Indexer(w3, open_index("sqlite://"), journal)
    logs = w3.eth.get_logs({"address": list(indexer.names), "fromBlock": 0, "toBlock": "latest"})
    names = set()
    for log in logs:
        found = indexer.decoders.get((log["address"], bytes(log["topics"][0])))
        if found is None:
            continue
        _, decoder = found
        ours = decoder.decode_log(log)
        theirs = get_event_data(w3.codec, decoder.abi, log)
        assert _jsonable(ours["args"]) == _jsonable(dict(theirs["args"])), decoder.name
        names.add(decoder.name)
    assert {"OrderPaid", "Listed", "ArbiterSet", "OwnershipTransferred"} <= names


def test_without_db_the_index_is_an_sqlite_file_in_the_user_s_data_folder(
    capsys, suite, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("BAZAAR_INDEX_URL", raising=False)
    done = run(capsys, *suite["base"], "--json", "index")
    assert done.code == 0, done.err
    assert (tmp_path / "bazaar" / f"index-{brownie.chain.id}.sqlite").is_file()
    listed = run(capsys, *suite["base"], "--json", "listings", "--all")
    assert listed.code == 0 and json.loads(listed.out)["index"]["lastBlock"] is not None
