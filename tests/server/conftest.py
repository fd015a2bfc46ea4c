"""The storefront server's tests: the suite deployed by `bazaar deploy` on the test chain, and
a real server (bazaar/server/app.py's `serve`) listening on a free loopback port, driven over
HTTP with `requests`, on both databases (tests/index/conftest.py's fixtures, as the keeper's
tests use them). Each test gets a new database and its own server, stopped before the chain
is reverted."""

import asyncio
import contextlib
import json
import struct
import threading
import time
import zlib

import brownie
import pytest
import requests
from eth_account import Account
from web3 import Web3

from bazaar import artifacts, catalogue
from bazaar.clients.governor import GovernorClient
from bazaar.index.indexer import Indexer
from bazaar.index.schema import open_index
from bazaar.journal import Journal
from bazaar.server.app import ProposalStates, ServerSettings, serve, storefront
from bazaar.server.reads import STATE_SECONDS
from bazaar.settings import USD
from tests.index.conftest import db_url, keystore_password, postgres  # noqa: F401
from tests.support.cli import ADDRESSES, DEV_KEYS, deploy_by_cli, rpc_url

SELLER, BUYER, ARBITER = ADDRESSES["seller"], ADDRESSES["buyer"], ADDRESSES["arbiter"]
SIGNERS = {name: Account.from_key(key) for name, key in DEV_KEYS.items()}


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite; the buyer holds USDC and has approved the marketplace. Tests list what they
    need (the chain is reverted after each)."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("server"))
    journal = deployed["journal"]
    market = contract(journal, "market")
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockUSDC").abi
    )
    buyer = brownie.accounts[1]
    usdc.mint(buyer, 1_000_000 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    return {**deployed, "market": market, "usdc": usdc}


def listing_document(title, **fields):
    """A bazaar.listing/1 document's bytes."""
    return json.dumps({"schema": catalogue.LISTING_SCHEMA, "title": title, **fields}).encode()


def put_on_sale(suite, price_usd, document=b"", seller=2):
    """Lists an item (USDC) with the hash of `document` as its metadata; its listing id."""
    metadata = bytes.fromhex(catalogue.content_hash(document)[2:])
    tx = suite["market"].list(
        price_usd * USD, 100, [suite["usdc"]], 0, 0, 0, metadata,
        {"from": brownie.accounts[seller]},
    )  # fmt: skip
    return tx.events["Listed"]["listingId"]


def buy(suite, listing_id, quantity=1):
    """A paid order: (its terms as a tuple, its id)."""
    tx = suite["market"].checkout(
        listing_id, quantity, suite["usdc"], 10**12, 2**40, ARBITER, 0,
        {"from": brownie.accounts[1]},
    )  # fmt: skip
    event = tx.events["OrderPaid"]
    return tuple(event["terms"]), "0x" + bytes(event["orderId"]).hex()


class Api:
    """The server over HTTP."""

    def __init__(self, url, log):
        self.url = url
        self.log = log  # the server's log entries
        self.http = requests.Session()

    def get(self, path, **params):
        return self.http.get(self.url + path, params=params, timeout=30)

    def json(self, path, **params):
        answer = self.get(path, **params)
        assert answer.status_code == 200, (path, answer.status_code, answer.text)
        return answer.json()

    def upload(self, collection, body, signer="seller", uploader=None, content_type=None):
        """POST /api/<collection> signed by `signer` (a dev account's name), naming
        `uploader` (default: the signer)."""
        account = SIGNERS[signer]
        headers = {
            "Content-Type": content_type
            or ("application/json" if collection == "documents" else "image/png"),
            catalogue.UPLOADER_HEADER: uploader or account.address,
            catalogue.SIGNATURE_HEADER: catalogue.sign_upload(
                account, catalogue.content_hash(body)
            ),
        }
        return self.http.post(
            f"{self.url}/api/{collection}", data=body, headers=headers, timeout=30
        )

    def wait_until(self, condition, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"not within {timeout} s: {what}; the server's log: {self.log}")

    def wait_indexed(self, timeout=30):
        """Until the index holds the chain's latest block and the follower's pass that brought
        it there has ended (the index's rows are written before the pass's state: a status
        read in between shows the rows but no head yet)."""
        head = brownie.web3.eth.block_number

        def indexed():
            index = self.json("/api/status")["index"]
            return (index["lastBlock"] or 0) >= head and (index["head"] or 0) >= head

        self.wait_until(indexed, f"the index at block {head}", timeout)


@contextlib.contextmanager
def running(suite, database, rpc=None, rates=None, state_seconds=STATE_SECONDS, **settings):
    """A storefront server on a free loopback port (its follower every 0.2 s unless
    `settings` say otherwise), on the node at `rpc` (default: the test chain's), pricing
    with `rates` (bazaar.server.page.Rates) when given, reading proposals' states from the
    governor (as `bazaar serve` does), each kept `state_seconds`."""
    w3 = Web3(Web3.HTTPProvider(rpc or rpc_url()))
    journal = Journal.load(suite["folder"] / "31337.json")
    engine = open_index(database)
    log = []
    shop = storefront(
        engine,
        Indexer(w3, engine, journal, 0).sync,
        ServerSettings(**{"interval": 0.2, **settings}),
        31337,
        journal,
        log.append,
    )
    states = ProposalStates(GovernorClient(w3, journal.address("governor")).state, state_seconds)
    started, state = threading.Event(), {}

    async def main():
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()

        def listening(url):
            state["url"] = url
            started.set()

        await serve(shop, "127.0.0.1", 0, state["stop"], listening, rates, states)

    def thread():
        try:
            asyncio.run(main())
        except BaseException as exc:
            state["failure"] = exc
        finally:
            started.set()

    worker = threading.Thread(target=thread, daemon=True)
    worker.start()
    assert started.wait(30) and "url" in state, state.get("failure")
    try:
        api = Api(state["url"], log)
        api.storefront = shop  # for tests that reach past HTTP (the collector)
        yield api
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        worker.join(30)
        engine.dispose()
    assert not worker.is_alive(), "the server did not stop"
    assert "failure" not in state, state["failure"]


@pytest.fixture
def api(suite, db_url):  # noqa: F811 (the fixture imported above)
    """A running server on a new database (SQLite or PostgreSQL)."""
    with running(suite, db_url) as server:
        yield server


def png(shade=0):
    """A real 1x1 PNG (grey `shade`: distinct images for distinct shades)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(bytes([0, shade % 256]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
