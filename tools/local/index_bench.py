"""Index and keeper benchmark (``make bench``, after the gas benchmark): the indexer's catch-up,
`bazaar orders` answering from the index, and one keeper pass, over a marketplace of 10,000
orders on a local anvil this script starts (a free port) and stops.

1. The suite is deployed by `bazaar deploy --mocks` (its deployment journal is what the indexer
   reads); one seller lists an item; 10,000 orders are paid: 9,000 through the test contract
   BatchBuyer (100 checkouts a transaction, as tools/local/bench.py fills the marketplace) and
   1,000 by a plain account (BatchBuyer cannot confirm). Then their lifecycles, sent in bulk
   (many transactions per block, anvil's automine off): at day 0, 1,000 orders are left to
   become overdue (400 paid, 400 shipped, 200 disputed by the seller); six days later the other
   9,000 are shipped, 1,000 of them confirmed by their buyer, 1,000 disputed and ruled by the
   arbiter. Nothing is overdue yet.
2. `Indexer.sync()` from an empty index to the head, on SQLite (a temporary file) and on
   PostgreSQL (a throwaway server, tests/support/postgres.py). Target: under 60 s each.
3. `bazaar orders --as seller --account SELLER` in-process (`bazaar.cli.main`, output captured),
   the median of several runs on each database. Target: under 0.3 s.
4. The chain moves past the deadlines of the first 1,000 orders (and of none of the others);
   one keeper pass (`Keeper.run_once()`) on each database, from the same chain state (anvil
   snapshot and revert between them): wall time, transactions sent, preflights (counted by
   wrapping `TxSender.preflight`, and the node's eth_call / eth_estimateGas requests), then a
   second pass that must send nothing. At most one preflight per order.

Writes ``reports/index-bench.json`` and prints a table. It is a benchmark, not a test: it fails
only when it cannot measure; a missed target is reported, not fatal.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import requests
import sqlalchemy as sa
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector
from web3 import HTTPProvider, Web3

from bazaar import artifacts
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.deploy.rehearsal import anvil
from bazaar.index.indexer import Indexer
from bazaar.index.schema import events, open_index, orders
from bazaar.journal import Journal
from bazaar.keeper import Keeper
from bazaar.settings import ONE_DAY
from bazaar.tx import TxSender
from bazaar.types import OrderTerms
from tests.support.postgres import Server
from tools.local.demo import ADDRESS, PASSWORD, Story

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "index-bench.json"
BLOCK_GAS = 30_000_000

BY_ACCOUNT = 1_000  # orders of a plain account (the ones confirmed)
# The orders that become overdue: left paid, shipped and disputed at day 0.
LEFT_PAID, SHIPPED_EARLY, DISPUTED_EARLY = 400, 400, 200
OVERDUE = LEFT_PAID + SHIPPED_EARLY + DISPUTED_EARLY
RULED = 1_000  # of the later ones: disputed by the seller, ruled by the arbiter
LATER_DAY = 6  # the later lifecycles, days after the checkouts (before any deadline)
PRICE_USD = 100

TARGET_SYNC_SECONDS = 60.0
TARGET_ORDERS_SECONDS = 0.3
ORDERS_RUNS = 7

TERMS = OrderTerms.ABI_TYPES


def selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


SHIP = selector(f"ship({TERMS},bytes32)")
CONFIRM = selector(f"confirm({TERMS})")
DISPUTE = selector(f"openDispute({TERMS},bytes32)")
RULE = selector(f"resolveDispute({TERMS},uint256)")
CHECKOUT = selector("checkout(uint256,uint256,address,uint256,uint256,address,uint256)")
APPROVE = selector("approve(address,uint256)")
BUY_MANY = selector("buyMany(address,uint256,address,address,uint256)")


def calldata(fn: bytes, types: list[str], args: list[Any]) -> str:
    return "0x" + (fn + abi_encode(types, args)).hex()


# -- the node ---------------------------------------------------------------------------------


class Node:
    """JSON-RPC to the local anvil: single requests, batches, and bulk sending (automine off,
    every transaction into the pool, then blocks mined until the pool is empty)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.ids = itertools.count(1)
        self.w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 120}))

    def rpc(self, method: str, *params: Any) -> Any:
        return self.batch([(method, list(params))])[0]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        body = [
            {"jsonrpc": "2.0", "id": next(self.ids), "method": m, "params": p} for m, p in calls
        ]
        answers = self.session.post(self.url, json=body, timeout=300).json()
        by_id = {a["id"]: a for a in answers}
        results = []
        for request in body:
            answer = by_id[request["id"]]
            if "error" in answer:
                raise RuntimeError(f"{request['method']}: {answer['error']}")
            results.append(answer.get("result"))
        return results

    def head(self) -> dict[str, Any]:
        block: dict[str, Any] = self.rpc("eth_getBlockByNumber", "latest", False)
        return block

    def send_bulk(self, sender: str, txs: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
        """Sends (to, data, gas) from `sender` (an unlocked dev account) many to a block;
        returns their receipts. Raises when one reverted."""
        nonce = int(self.rpc("eth_getTransactionCount", sender, "pending"), 16)
        self.rpc("evm_setAutomine", False)
        try:
            hashes: list[str] = []
            for start in range(0, len(txs), 500):
                hashes += self.batch(
                    [
                        (
                            "eth_sendTransaction",
                            [
                                {
                                    "from": sender,
                                    "to": to,
                                    "data": data,
                                    "gas": hex(gas),
                                    "gasPrice": hex(10**9),
                                    "nonce": hex(nonce + start + i),
                                }
                            ],
                        )
                        for i, (to, data, gas) in enumerate(txs[start : start + 500])
                    ]
                )
            first = int(self.head()["number"], 16) + 1
            while _int(self.rpc("txpool_status")["pending"]) > 0:
                self.rpc("evm_mine")
            last = int(self.head()["number"], 16)
        finally:
            self.rpc("evm_setAutomine", True)
        receipts = [
            r
            for block in self.batch(
                [("eth_getBlockReceipts", [hex(n)]) for n in range(first, last + 1)]
            )
            for r in block
        ]
        wanted = set(hashes)
        mine = [r for r in receipts if r["transactionHash"] in wanted]
        failed = [r["transactionHash"] for r in mine if int(r["status"], 16) != 1]
        if len(mine) != len(txs) or failed:
            raise RuntimeError(
                f"bulk send: {len(mine)} of {len(txs)} mined, reverted: {failed[:3]}"
            )
        return mine

    def gas(self, sender: str, to: str, data: str) -> int:
        """A gas limit for transactions like this one: its estimate now, with a margin."""
        estimate = _int(self.rpc("eth_estimateGas", {"from": sender, "to": to, "data": data}))
        return estimate * 3 // 2 + 20_000

    def jump(self, seconds: int) -> None:
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


class CountingProvider(HTTPProvider):
    """An HTTP provider that counts the requests made through it, by method."""

    def __init__(self, url: str) -> None:
        super().__init__(url, request_kwargs={"timeout": 120})
        self.calls: Counter[str] = Counter()

    def make_request(self, method: Any, params: Any) -> Any:
        self.calls[str(method)] += 1
        return super().make_request(method, params)


def anvil_binary() -> str:
    """anvil on PATH, else the one beside this interpreter (the venv's)."""
    return shutil.which("anvil") or str(Path(sys.executable).parent / "anvil")


@contextlib.contextmanager
def local_anvil() -> Iterator[Node]:
    """One anvil on a free port (base fee 0, 30M gas blocks), stopped on exit."""
    with anvil("--accounts", "10", "--base-fee", "0", "--gas-limit", str(BLOCK_GAS)) as url:
        yield Node(url)


# -- 1. the marketplace of 10,000 orders ------------------------------------------------------


def gas_bench() -> tuple[ModuleType, str]:
    """tools/local/bench.py, whose scale (10,000 orders, 100 a transaction) this bench
    shares, and the bytecode of its test contract BatchBuyer, deployed here through web3.
    Both need the brownie project loaded (compiled when needed): bench.py imports its
    contracts from brownie's namespace."""
    from brownie import project

    loaded = project.get_loaded_projects()
    bazaar = loaded[0] if loaded else project.load(ROOT)
    bazaar._add_to_main_namespace()  # what `brownie run` does before running a script
    from tools.local import bench

    return bench, "0x" + str(bazaar.BatchBuyer.bytecode).removeprefix("0x")


def order_paid_terms(node: Node, market: str, first: int, last: int) -> list[OrderTerms]:
    """The terms of every OrderPaid of `market` in blocks first..last, in chain order."""
    abi = artifacts.load("EscrowMarketplace").abi
    contract = node.w3.eth.contract(address=Web3.to_checksum_address(market), abi=abi)
    event = contract.events.OrderPaid()
    topic = event.topic
    logs = node.w3.eth.get_logs(
        {"address": contract.address, "topics": [topic], "fromBlock": first, "toBlock": last}
    )
    return [OrderTerms.from_event(event.process_log(log)["args"]["terms"]) for log in logs]


def fill(node: Node, story: Story) -> dict[str, Any]:
    """Deploys the suite, lists, pays 10,000 orders and plays their lifecycles; the figures."""
    loading = time.monotonic()
    bench, bytecode = gas_bench()
    orders_total, batch = bench.SCALE_ORDERS, bench.BATCH
    started = time.monotonic()
    story.run("deployer", "deploy", "--mocks", "--arbiter", ADDRESS["arbiter"], "--yes", show=False)
    deployed_at = time.monotonic()
    journal = json.loads(story.deployment.read_text())
    market = journal["contracts"]["market"]["address"]
    wbtc = journal["tokens"]["wbtc"]
    listing = story.data(
        "seller",
        "list",
        "--price",
        str(PRICE_USD),
        "--stock",
        str(orders_total + 100),
        "--token",
        "wbtc",
        "--metadata",
        "index bench lamp",
    )["listingId"]

    deployer, member = ADDRESS["deployer"], ADDRESS["member"]
    buyer, seller, arbiter = ADDRESS["buyer"], ADDRESS["seller"], ADDRESS["arbiter"]
    receipt = node.w3.eth.wait_for_transaction_receipt(
        node.w3.eth.send_transaction({"from": deployer, "data": bytecode, "gas": 1_000_000})
    )
    batch_buyer = str(receipt["contractAddress"])
    wbtc_needed = 2 * orders_total * PRICE_USD // 100_000 + 1  # WBTC at $100,000 (the mock's)
    story.run(
        "deployer", "mocks", "mint", "wbtc", str(wbtc_needed), "--to", batch_buyer, show=False
    )
    story.run("deployer", "mocks", "mint", "wbtc", str(wbtc_needed), "--to", buyer, show=False)
    node.send_bulk(
        buyer, [(wbtc, calldata(APPROVE, ["address", "uint256"], [market, 2**256 - 1]), 100_000)]
    )

    # Day 0: the checkouts, 90 BatchBuyer transactions and 1,000 of a plain account.
    first_block = int(node.head()["number"], 16) + 1
    checkout_started = time.monotonic()
    buy_many = calldata(
        BUY_MANY,
        ["address", "uint256", "address", "address", "uint256"],
        [market, listing, wbtc, arbiter, batch],
    )
    node.send_bulk(
        member, [(batch_buyer, buy_many, 12_000_000)] * ((orders_total - BY_ACCOUNT) // batch)
    )
    checkout = calldata(
        CHECKOUT,
        ["uint256", "uint256", "address", "uint256", "uint256", "address", "uint256"],
        [listing, 1, wbtc, 2**255, bench.FAR, arbiter, 0],
    )
    node.send_bulk(buyer, [(market, checkout, node.gas(buyer, market, checkout))] * BY_ACCOUNT)
    checkouts_seconds = time.monotonic() - checkout_started
    paid = order_paid_terms(node, market, first_block, int(node.head()["number"], 16))
    by_contract = [t for t in paid if t.buyer == Web3.to_checksum_address(batch_buyer)]
    by_account = [t for t in paid if t.buyer == buyer]
    if len(by_contract) + len(by_account) != orders_total:
        raise RuntimeError(f"{len(paid)} orders paid, expected {orders_total}")

    def calls(
        sender: str, fn: bytes, terms: list[OrderTerms], extra: tuple[str, Any] | None = None
    ) -> list[tuple[str, str, int]]:
        """`fn(terms, extra)` for each of `terms`, with the gas limit of the first one's."""
        types = [TERMS, extra[0]] if extra else [TERMS]
        datas = [
            calldata(fn, types, [t.as_tuple(), extra[1]] if extra else [t.as_tuple()])
            for t in terms
        ]
        gas = node.gas(sender, market, datas[0])
        return [(market, data, gas) for data in datas]

    # Day 0: the orders that will become overdue first.
    lifecycle_started = time.monotonic()
    left_paid = by_contract[:LEFT_PAID]
    shipped_early = by_contract[LEFT_PAID : LEFT_PAID + SHIPPED_EARLY]
    disputed_early = by_contract[LEFT_PAID + SHIPPED_EARLY : OVERDUE]
    later = by_contract[OVERDUE:] + by_account
    ruled = by_contract[OVERDUE : OVERDUE + RULED]
    node.send_bulk(seller, calls(seller, SHIP, shipped_early, ("bytes32", b"\x01" * 32)))
    node.send_bulk(seller, calls(seller, DISPUTE, disputed_early, ("bytes32", b"\x02" * 32)))
    # Day 6: everything else shipped; 1,000 confirmed, 1,000 disputed and ruled.
    node.jump(LATER_DAY * ONE_DAY)
    node.send_bulk(seller, calls(seller, SHIP, later, ("bytes32", b"\x03" * 32)))
    node.send_bulk(buyer, calls(buyer, CONFIRM, by_account))
    node.send_bulk(seller, calls(seller, DISPUTE, ruled, ("bytes32", b"\x04" * 32)))
    node.send_bulk(arbiter, calls(arbiter, RULE, ruled, ("uint256", 4_000)))
    lifecycle_seconds = time.monotonic() - lifecycle_started
    head = node.head()
    return {
        "journal": journal,
        "listing": listing,
        "batchBuyer": batch_buyer,
        "overdueOrders": {t.id_hex() for t in left_paid + shipped_early + disputed_early},
        "figures": {
            "brownieProjectLoadSeconds": round(started - loading, 2),
            "deploySeconds": round(deployed_at - started, 2),
            "checkoutsSeconds": round(checkouts_seconds, 2),
            "lifecyclesSeconds": round(lifecycle_seconds, 2),
            "totalSeconds": round(time.monotonic() - started, 2),
            "orders": len(paid),
            "ordersByBatchBuyer": len(by_contract),
            "ordersByAccount": len(by_account),
            "plan": {
                "leftPaid": LEFT_PAID,
                "shippedDay0": SHIPPED_EARLY,
                "disputedDay0BySeller": DISPUTED_EARLY,
                f"shippedDay{LATER_DAY}": len(later),
                f"confirmedDay{LATER_DAY}": len(by_account),
                f"disputedAndRuledDay{LATER_DAY}": len(ruled),
            },
            "headBlock": int(head["number"], 16),
        },
    }


# -- 2. and 3. the index ------------------------------------------------------------------------


def measure_index(rpc: str, url: str, journal: Journal) -> dict[str, Any]:
    """Catch-up from empty to the head, then what it holds."""
    started = time.monotonic()
    engine = open_index(url)
    opened = time.monotonic()
    provider = CountingProvider(rpc)
    indexer = Indexer(Web3(provider), engine, journal)
    made = time.monotonic()
    ranges: list[tuple[int, int]] = []
    progress = indexer.sync(on_range=lambda low, high: ranges.append((low, high)))
    synced = time.monotonic()
    with engine.connect() as c:
        by_name = dict(
            c.execute(sa.select(events.c.name, sa.func.count()).group_by(events.c.name)).all()
        )
        stored_orders = c.execute(sa.select(sa.func.count()).select_from(orders)).scalar()
    engine.dispose()
    return {
        "syncSeconds": round(synced - made, 3),
        "openIndexSeconds": round(opened - started, 3),
        "indexerInitSeconds": round(made - opened, 3),
        "fromBlock": progress.from_block,
        "toBlock": progress.to_block,
        "blocks": progress.to_block - progress.from_block + 1,
        "events": progress.events,
        "eventsPerSecond": round(progress.events / (synced - made)),
        "eventsByName": dict(sorted(by_name.items())),
        "orders": stored_orders,
        "getLogsRanges": len(ranges),
        "rpc": dict(sorted(provider.calls.items())),
    }


def measure_orders(story: Story, url: str, seller: str) -> dict[str, Any]:
    """`bazaar orders --as seller --account SELLER`, in-process, output captured; ORDERS_RUNS
    times each, in human and --json output."""
    figures: dict[str, Any] = {}
    command = ["orders", "--db", url, "--as", "seller", "--account", seller]
    for label, extra in (("human", []), ("json", ["--json"])):
        seconds = []
        out = ""
        for _ in range(ORDERS_RUNS):
            started = time.monotonic()
            out = story.run(None, *extra, *command, show=False)
            seconds.append(time.monotonic() - started)
        shown = (
            len(json.loads(out)["orders"])
            if extra
            else sum(1 for line in out.splitlines() if line.startswith("  0x"))
        )
        figures[label] = {
            "medianSeconds": round(statistics.median(seconds), 4),
            "runsSeconds": [round(s, 4) for s in seconds],
            "ordersShown": shown,
            "outputBytes": len(out),
        }
        if not extra:
            figures[label]["firstLine"] = out.splitlines()[0]
    engine = sa.create_engine(url)
    with engine.connect() as c:
        figures["sellerOrdersInIndex"] = c.execute(
            sa.select(sa.func.count()).select_from(orders).where(orders.c.seller == seller)
        ).scalar()
    engine.dispose()
    figures["truncated"] = figures["human"]["ordersShown"] < figures["sellerOrdersInIndex"]
    return figures


# -- 4. the keeper ------------------------------------------------------------------------------


def measure_keeper(
    rpc: str, url: str, journal: Journal, key: Any, overdue_ids: set[str]
) -> dict[str, Any]:
    """One keeper pass over the due orders, then a second one (nothing left to send)."""
    provider = CountingProvider(rpc)
    w3 = Web3(provider)
    engine = open_index(url)
    sender = TxSender(w3, key)
    preflights: Counter[str] = Counter()
    preflight = sender.preflight

    def counted(call: Any) -> int:
        preflights[call.label] += 1
        return preflight(call)

    sender.preflight = counted  # type: ignore[method-assign]
    market = MarketplaceClient(w3, journal.data["contracts"]["market"]["address"], sender)
    lines: list[dict[str, Any]] = []
    keeper = Keeper(market, sender, engine, Indexer(w3, engine, journal), lines.append)
    nonce_before = w3.eth.get_transaction_count(key.address)
    figures: dict[str, Any] = {}
    for name in ("firstPass", "secondPass"):
        provider.calls.clear()
        preflights.clear()
        lines.clear()
        started = time.monotonic()
        result = keeper.run_once()
        seconds = time.monotonic() - started
        logged = Counter(line["event"] for line in lines)
        sent_orders = {line["orderId"] for line in lines if line["event"] == "sent"}
        figures[name] = {
            "seconds": round(seconds, 2),
            **result.to_json(),
            "transactionsSent": len(result.tx_hashes),
            "preflights": sum(preflights.values()),
            "preflightsByAction": dict(sorted(preflights.items())),
            "ethCall": provider.calls["eth_call"],
            "ethEstimateGas": provider.calls["eth_estimateGas"],
            "ethSendRawTransaction": provider.calls["eth_sendRawTransaction"],
            "rpcRequests": sum(provider.calls.values()),
            "rpc": dict(sorted(provider.calls.items())),
            "logged": dict(sorted(logged.items())),
        }
        if result.due:
            figures[name]["secondsPerOrder"] = round(seconds / result.due, 4)
            figures[name]["rpcRequestsPerOrder"] = round(
                sum(provider.calls.values()) / result.due, 2
            )
        if name == "firstPass":
            actions = Counter(line["action"] for line in lines if line["event"] == "sent")
            figures[name]["sentByAction"] = dict(sorted(actions.items()))
            figures[name]["sentExactlyTheOverdueOrders"] = sent_orders == overdue_ids
    figures["secondPassNote"] = (
        "it indexes the first pass's blocks (one keeper transaction, one event each) and "
        "finds nothing due"
    )
    figures["nonceUsed"] = w3.eth.get_transaction_count(key.address) - nonce_before
    with engine.connect() as c:
        figures["statusesAfter"] = dict(
            c.execute(sa.select(orders.c.status, sa.func.count()).group_by(orders.c.status)).all()
        )
    engine.dispose()
    return figures


# -- the run ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "?"

    from tests.support.postgres import binaries

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "loadAverageAtStart": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sa.__version__,
        "postgresql": version(str(binaries() / "postgres"), "--version"),
        "anvil": version(anvil_binary(), "--version"),
        "note": "a shared machine: other work may run on the same cores; anvil, PostgreSQL "
        "and this process share them. PostgreSQL: a throwaway cluster on a unix socket, "
        "fsync off. SQLite: a file in the temp folder. `bazaar orders` timed in-process "
        "(no interpreter start-up).",
    }


@contextlib.contextmanager
def postgres() -> Iterator[Server]:
    """A throwaway PostgreSQL cluster (tests/support/postgres.py) in its own temporary folder
    (as root, the cluster's owner `postgres` must reach it)."""
    with tempfile.TemporaryDirectory(prefix="bazaar-index-bench-pg-") as folder:
        server = Server(Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def create_database(server: Server, name: str) -> str:
    engine = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server.url(name)


def measure() -> dict[str, Any]:
    report: dict[str, Any] = {"machine": machine()}
    with (
        tempfile.TemporaryDirectory(prefix="bazaar-index-bench-") as folder,
        postgres() as server,
        local_anvil() as node,
    ):
        work = Path(folder)
        os.environ["BAZAAR_KEYSTORE_PASSWORD"] = PASSWORD
        story = Story(node.url, work)
        print(f"anvil at {node.url}; filling the marketplace ...")
        filled = fill(node, story)
        report["fill"] = filled["figures"]
        print(f"filled in {filled['figures']['totalSeconds']:.0f} s")
        journal = Journal(story.deployment, filled["journal"])
        keeper_key = Account.create()
        node.w3.eth.wait_for_transaction_receipt(
            node.w3.eth.send_transaction(
                {"from": ADDRESS["deployer"], "to": keeper_key.address, "value": 10**20}
            )
        )
        urls = {
            "sqlite": f"sqlite:///{work / 'index.sqlite'}",
            "postgresql": create_database(server, "index_bench"),
        }
        report["index"], report["orders"], report["keeper"] = {}, {}, {}
        for db, url in urls.items():
            print(f"indexing on {db} ...")
            report["index"][db] = measure_index(node.url, url, journal)
            report["orders"][db] = measure_orders(story, url, ADDRESS["seller"])
        # Past the deadlines of the first 1,000 orders, before those of the others.
        node.jump((14 - LATER_DAY) * ONE_DAY + 3_600)
        report["keeper"]["chainTime"] = int(node.head()["timestamp"], 16)
        # Both keepers start from this state: the chain is put back between them.
        snapshot = node.rpc("evm_snapshot")
        for db, url in urls.items():
            if db != "sqlite" and not node.rpc("evm_revert", snapshot):
                raise RuntimeError("evm_revert refused the snapshot")
            print(f"keeper pass on {db} ...")
            report["keeper"][db] = measure_keeper(
                node.url, url, journal, keeper_key, filled["overdueOrders"]
            )
    return report


def verdicts(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for db in ("sqlite", "postgresql"):
        sync = report["index"][db]["syncSeconds"]
        query = report["orders"][db]["human"]["medianSeconds"]
        first = report["keeper"][db]["firstPass"]
        out[db] = {
            "syncUnder60s": sync < TARGET_SYNC_SECONDS,
            "ordersUnder0_3s": query < TARGET_ORDERS_SECONDS,
            "keeperAtMostOnePreflightPerOrder": first["preflights"] <= first["due"],
            "keeperSentAllDue": first["sent"] == OVERDUE,
            "secondPassSentNothing": report["keeper"][db]["secondPass"]["sent"] == 0,
        }
    return out


def table(report: dict[str, Any]) -> str:
    fill = report["fill"]
    rows = [
        f"{fill['orders']:,} orders, head block {fill['headBlock']:,}; filled in "
        f"{fill['totalSeconds']:.0f} s (checkouts {fill['checkoutsSeconds']:.0f} s, "
        f"lifecycles {fill['lifecyclesSeconds']:.0f} s)",
        f"{'':<44}{'sqlite':>14}{'postgresql':>14}  target",
    ]

    def row(what: str, get: Callable[[str], Any], target: str = "") -> None:
        values = [get(db) for db in ("sqlite", "postgresql")]
        rows.append(f"{what:<44}{values[0]:>14}{values[1]:>14}  {target}")

    ix, od, kp = report["index"], report["orders"], report["keeper"]
    row("index catch-up: events", lambda d: f"{ix[d]['events']:,}")
    row("index catch-up: blocks", lambda d: f"{ix[d]['blocks']:,}")
    row("index catch-up: seconds", lambda d: f"{ix[d]['syncSeconds']:.2f}", "< 60")
    row("orders --as seller: median s", lambda d: f"{od[d]['human']['medianSeconds']:.3f}", "< 0.3")
    row("orders --as seller --json: median s", lambda d: f"{od[d]['json']['medianSeconds']:.3f}")
    row(
        "orders shown / seller's orders",
        lambda d: f"{od[d]['human']['ordersShown']:,}/{od[d]['sellerOrdersInIndex']:,}",
    )
    row("keeper pass: due", lambda d: f"{kp[d]['firstPass']['due']:,}")
    row("keeper pass: seconds", lambda d: f"{kp[d]['firstPass']['seconds']:.2f}")
    row("keeper pass: transactions sent", lambda d: f"{kp[d]['firstPass']['sent']:,}")
    row("keeper pass: preflights", lambda d: f"{kp[d]['firstPass']['preflights']:,}", "<= due")
    row(
        "keeper pass: eth_call / eth_estimateGas",
        lambda d: f"{kp[d]['firstPass']['ethCall']}/{kp[d]['firstPass']['ethEstimateGas']}",
    )
    row(
        "second pass: seconds / sent",
        lambda d: f"{kp[d]['secondPass']['seconds']:.2f}/{kp[d]['secondPass']['sent']}",
    )
    for db, checks in report["verdicts"].items():
        missed = [name for name, ok in checks.items() if not ok]
        rows.append(
            f"{db}: " + ("every target met" if not missed else "MISSED " + ", ".join(missed))
        )
    rows.append(f"whole benchmark: {report['wallSeconds']:.0f} s")
    return "\n".join(rows)


def main() -> None:
    started = time.monotonic()
    report = measure()
    report["verdicts"] = verdicts(report)
    report["targets"] = {
        "syncSeconds": TARGET_SYNC_SECONDS,
        "ordersMedianSeconds": TARGET_ORDERS_SECONDS,
        "preflightsPerOrder": 1,
    }
    report["machine"]["loadAverageAtEnd"] = os.getloadavg()
    report["wallSeconds"] = round(time.monotonic() - started, 1)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    print(table(report))
    print(f"\nwritten: {REPORT}")


if __name__ == "__main__":
    main()
