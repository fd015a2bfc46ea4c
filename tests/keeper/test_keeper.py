"""`bazaar keeper` on a real chain and both databases: it releases, reclaims and applies the
default ruling once deadlines pass; a second pass sends nothing; killed mid-send and
restarted, it sends nothing twice; an order someone else settled first is skipped with the
contract's reason; SIGTERM stops the service cleanly."""

import contextlib
import io
import json
import os
import signal
import subprocess

import brownie
import pytest
from eth_account import Account
from web3 import Web3

from bazaar import artifacts
from bazaar.cli import main
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.index import queries
from bazaar.index.indexer import Indexer
from bazaar.index.schema import keeper_jobs, open_index
from bazaar.journal import Journal
from bazaar.keeper import Keeper
from bazaar.settings import ONE_DAY, USD
from bazaar.tx import TxSender
from bazaar.types import STATUS_NAMES
from tests.support.cli import ADDRESSES, BAZAAR, DEV_KEYS, PASSWORD, deploy_by_cli, rpc_url, run
from tests.support.helpers import mine_at

BUYER, SELLER, ARBITER, KEEPER = (ADDRESSES[k] for k in ("buyer", "seller", "arbiter", "deployer"))


class Crash(BaseException):
    """The keeper's process dying (not an error the CLI would catch)."""


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite; the seller lists a $20 item (listing 1, USDC); the buyer holds USDC and has
    approved the marketplace."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("keeper"))
    journal = deployed["journal"]
    market = contract(journal, "market")
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockUSDC").abi
    )
    market.list(20 * USD, 1_000, [usdc], 0, 0, 0, b"\x01" * 32, {"from": brownie.accounts[2]})
    usdc.mint(BUYER, 1_000_000 * 10**6, {"from": brownie.accounts[1]})
    usdc.approve(market, 2**256 - 1, {"from": brownie.accounts[1]})
    return {**deployed, "market": market, "usdc": usdc}


def paid(suite):
    """A paid order: (its terms as a tuple, its id)."""
    tx = suite["market"].checkout(
        1, 1, suite["usdc"], 10**12, 2**40, ARBITER, 0, {"from": brownie.accounts[1]}
    )
    event = tx.events["OrderPaid"]
    return tuple(event["terms"]), "0x" + bytes(event["orderId"]).hex()


def shipped(suite):
    terms, order = paid(suite)
    suite["market"].ship(terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    return terms, order


def disputed(suite):
    terms, order = shipped(suite)
    suite["market"].openDispute(terms, b"\x08" * 32, {"from": brownie.accounts[1]})
    return terms, order


def after_every_deadline(suite):
    """Time past every window; the mock feeds pushed to it (new checkouts need fresh prices),
    by the seller (the keeper's nonce stays the keeper's own)."""
    mine_at(brownie.web3.eth.get_block("latest")["timestamp"] + 60 * ONE_DAY)
    with contextlib.redirect_stdout(io.StringIO()):
        argv = [*suite["base"], "--keystore", suite["keys"]["seller"], "mocks", "refresh"]
        assert main(argv) == 0


def keeper(capsys, suite, db_url, *extra):
    """`bazaar keeper --once` as the dev account `deployer`; (exit status, its JSON lines)."""
    result = run(
        capsys, *suite["base"], "--keystore", suite["keys"]["deployer"], "keeper", "--once",
        "--db", db_url, *extra,
    )  # fmt: skip
    return result.code, [json.loads(line) for line in result.out.splitlines()]


def events(lines, name):
    return [line for line in lines if line["event"] == name]


def nonce(address=KEEPER):
    return brownie.web3.eth.get_transaction_count(address)


def status(suite, order):
    return STATUS_NAMES[suite["market"].getOrder(order)["status"]]


def test_the_keeper_releases_reclaims_and_rules_by_default_once_deadlines_pass(
    capsys, suite, db_url
):
    _, to_release = shipped(suite)
    _, to_reclaim = paid(suite)
    _, to_rule = disputed(suite)
    code, lines = keeper(capsys, suite, db_url)  # nothing is due yet
    assert code == 0 and events(lines, "sent") == []
    after_every_deadline(suite)
    start = nonce()
    code, lines = keeper(capsys, suite, db_url)
    assert code == 0, lines
    done = {(e["orderId"], e["action"]) for e in events(lines, "done")}
    assert {(to_release, "release"), (to_reclaim, "reclaim"), (to_rule, "resolve-timeout")} <= done
    assert nonce() - start == len(events(lines, "sent")) == len(done)
    assert events(lines, "pass")[-1]["done"] == len(done)
    assert [status(suite, o) for o in (to_release, to_reclaim, to_rule)] == [
        "Completed", "Refunded", "Resolved",
    ]  # fmt: skip
    again = nonce()
    code, lines = keeper(capsys, suite, db_url)
    assert code == 0 and events(lines, "sent") == [] and nonce() == again
    engine = open_index(db_url)
    assert queries.order(engine, to_release).status == "Completed"


def test_a_keeper_killed_after_journaling_a_transaction_sends_that_same_one_on_restart(
    capsys, suite, db_url, monkeypatch
):
    keeper(capsys, suite, db_url)  # settle what earlier tests left due
    _, order = shipped(suite)
    after_every_deadline(suite)
    start = nonce()

    def crash(self, raw):
        raise Crash  # after the journal row, before anything left the process

    with monkeypatch.context() as patch:
        patch.setattr(TxSender, "broadcast", crash)
        with pytest.raises(Crash):
            keeper(capsys, suite, db_url)
    assert nonce() == start
    code, lines = keeper(capsys, suite, db_url)
    assert code == 0, lines
    (resumed,) = events(lines, "resumed")
    assert resumed["orderId"] == order
    assert events(lines, "sent") == []
    assert [e["txHash"] for e in events(lines, "done")] == [resumed["txHash"]]
    assert nonce() == start + 1


def test_a_keeper_killed_after_broadcasting_sends_nothing_again(capsys, suite, db_url, monkeypatch):
    keeper(capsys, suite, db_url)
    _, order = shipped(suite)
    after_every_deadline(suite)
    start = nonce()
    real = TxSender.broadcast

    def broadcast_then_crash(self, raw):
        real(self, raw)
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(TxSender, "broadcast", broadcast_then_crash)
        with pytest.raises(Crash):
            keeper(capsys, suite, db_url)
    assert nonce() == start + 1 and status(suite, order) == "Completed"
    code, lines = keeper(capsys, suite, db_url)
    assert code == 0 and events(lines, "sent") == [] and events(lines, "resumed") == []
    assert [e["orderId"] for e in events(lines, "done")] == [order]
    assert nonce() == start + 1


def test_an_order_someone_else_settled_first_is_skipped_with_the_contract_s_reason(
    capsys, suite, db_url
):
    keeper(capsys, suite, db_url)  # nothing left due
    terms, order = shipped(suite)
    after_every_deadline(suite)
    suite["market"].release(terms, {"from": brownie.accounts[5]})  # not yet in the index:
    start = nonce()
    code, lines = keeper(capsys, suite, db_url, "--confirmations", "1")  # one block behind
    assert code == 0
    (skipped,) = [e for e in events(lines, "skipped") if e["orderId"] == order]
    assert "release would revert" in skipped["reason"]
    assert "MarketplaceWrongStatus" in skipped["reason"] and "Completed" in skipped["reason"]
    assert nonce() == start


def test_sigterm_stops_the_running_keeper_cleanly(suite, db_url):
    env = {**os.environ, "BAZAAR_KEYSTORE_PASSWORD": PASSWORD}
    argv = [str(BAZAAR), *suite["base"], "--keystore", suite["keys"]["deployer"], "keeper"]
    process = subprocess.Popen(
        [*map(str, argv), "--db", db_url, "--interval", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first_pass = None
        for line in process.stdout:
            entry = json.loads(line)
            if entry["event"] == "pass":
                first_pass = entry
                break
        assert first_pass is not None, process.stderr.read()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == {"event": "stop"}


def test_a_failing_node_is_retried_with_a_doubling_wait_and_the_keeper_goes_on(suite, db_url):
    w3 = Web3(Web3.HTTPProvider(rpc_url()))
    journal = Journal.load(suite["folder"] / "31337.json")
    engine = open_index(db_url)
    indexer = Indexer(w3, engine, journal, 0)
    sender = TxSender(w3, Account.from_key(DEV_KEYS["deployer"]))
    market = MarketplaceClient(w3, journal.address("market"), sender)
    lines, waits = [], []
    keeper = Keeper(market, sender, engine, indexer, lines.append)
    real_sync, failures = indexer.sync, iter([ConnectionError("node down"), OSError("reset")])

    def flaky_sync(*args, **kwargs):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_sync(*args, **kwargs)

    indexer.sync = flaky_sync

    def sleep(seconds):
        waits.append(seconds)
        return len(waits) == 3  # stop after the third wait

    keeper.run(interval=2, stop=lambda: False, sleep=sleep, max_backoff=5)
    assert [line["event"] for line in lines] == ["error", "error", "pass"]
    assert lines[0]["error"] == "node down" and lines[0]["retryIn"] == 4
    assert waits == [4, 5, 2]  # doubled, capped at max_backoff, then the interval again


def test_an_order_whose_earlier_transaction_failed_on_chain_is_tried_again(capsys, suite, db_url):
    keeper(capsys, suite, db_url)
    _, order = shipped(suite)
    after_every_deadline(suite)
    with open_index(db_url).begin() as c:  # as a pass whose release reverted on chain leaves it
        c.execute(
            keeper_jobs.insert().values(
                order_id=order, action="release", status="failed", keeper=KEEPER,
                tx_hash="0x" + "ab" * 32, nonce=0, raw_tx=None, block=1, sent_at=0,
            )
        )  # fmt: skip
    code, lines = keeper(capsys, suite, db_url)
    assert code == 0, lines
    assert [e["orderId"] for e in events(lines, "done")] == [order]
    assert status(suite, order) == "Completed"
