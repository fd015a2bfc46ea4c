"""The keeper: the "auto" in auto-release. It sends what anyone may send once an order's
deadline has passed: `release` (a shipped order whose confirmation window is over), `reclaim`
(a paid order its seller never shipped) and `resolve-timeout` (a dispute its arbiter never
ruled), reading the due orders from the index.

Never the same transaction twice: each one is journaled in the index database (table
`keeper_jobs`, with the signed raw transaction and its nonce) before it is broadcast. A keeper
restarted after a crash first settles what it had in flight: a mined one is recorded, an
unknown one whose nonce is still free is broadcast again (the same bytes, the same hash), and
one whose nonce another transaction took is forgotten, its order due again on the next pass.
Each order is preflighted once (`eth_call` and the gas estimates of `TxSender.preflight`); an
order someone else settled first, or one the index has not seen change yet, is skipped with
the contract's decoded reason and nothing is sent. What it does is reported as one JSON object
per event (`report`), for a log collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from eth_utils.crypto import keccak
from sqlalchemy.engine import Engine
from web3.exceptions import TransactionNotFound

from bazaar.clients.marketplace import MarketplaceClient
from bazaar.errors import BazaarError, TransactionFailed
from bazaar.index import queries
from bazaar.index.indexer import Indexer, terms_of
from bazaar.index.schema import keeper_jobs
from bazaar.tx import TxSender

# index action -> the marketplace function it sends
FUNCTIONS = {"release": "release", "reclaim": "reclaim", "resolve-timeout": "resolveAfterTimeout"}
MAX_PER_PASS = 1_000  # orders preflighted in one pass at most (the rest wait for the next)
WAIT_BUDGET_SECONDS = 120.0  # receipts awaited at the end of a pass, in all


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PassReport:
    """What one pass did."""

    due: int = 0
    sent: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    indexed_to: int | None = None
    tx_hashes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "sent": self.sent,
            "done": self.done,
            "failed": self.failed,
            "skipped": self.skipped,
            "resumed": self.resumed,
            "indexedTo": self.indexed_to,
        }


class Keeper:
    """Sends the due work of one marketplace from one account, journaled in `engine`."""

    def __init__(
        self,
        market: MarketplaceClient,
        sender: TxSender,
        engine: Engine,
        indexer: Indexer,
        report: Callable[[dict[str, Any]], None],
        max_per_pass: int = MAX_PER_PASS,
    ) -> None:
        self.market = market
        self.sender = sender
        self.w3 = sender.w3
        self.engine = engine
        self.indexer = indexer
        self.report = report
        self.max_per_pass = max_per_pass

    def _log(self, event: str, **fields: Any) -> None:
        self.report({"time": _now_iso(), "event": event, **fields})

    # -- one pass --------------------------------------------------------------------------

    def run_once(self, stop: Callable[[], bool] = lambda: False) -> PassReport:
        """Indexes, settles what was in flight, then sends every due order's transaction
        (journaled first) and waits for their receipts. `stop` is asked between orders."""
        result = PassReport()
        progress = self.indexer.sync()
        result.indexed_to = progress.to_block
        self._settle_in_flight(result)
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        # (orders with a transaction of ours in flight or done are left out by the query)
        due = queries.overdue(self.engine, now, self.max_per_pass)
        result.due = len(due)
        nonce = self.sender.next_nonce()
        for row, action in due:
            if stop():
                break
            call = self.market.call_for(
                FUNCTIONS[action], terms_of(row.terms).as_tuple(), label=action
            )
            try:
                gas = self.sender.preflight(call)
            except BazaarError as exc:  # settled by someone else, not due after all, or a
                result.skipped += 1  # node that would not run it: the next pass tries again
                self._log("skipped", orderId=row.id, action=action, reason=str(exc))
                continue
            tx = self.sender.build(call, gas, nonce)
            raw = bytes(self.sender.sign(tx).raw_transaction)
            tx_hash = "0x" + keccak(raw).hex()
            with self.engine.begin() as c:  # journaled before it leaves this process
                c.execute(  # a row of an earlier attempt that failed on chain gives way
                    keeper_jobs.delete()
                    .where(keeper_jobs.c.order_id == row.id)
                    .where(keeper_jobs.c.action == action)
                    .where(keeper_jobs.c.status == "failed")
                )
                c.execute(
                    keeper_jobs.insert().values(
                        order_id=row.id,
                        action=action,
                        status="sent",
                        keeper=self.sender.address,
                        tx_hash=tx_hash,
                        nonce=nonce,
                        raw_tx="0x" + raw.hex(),
                        sent_at=int(time.time()),
                    )
                )
            self.sender.broadcast(raw)
            nonce += 1
            result.sent += 1
            result.tx_hashes.append(tx_hash)
            self._log("sent", orderId=row.id, action=action, txHash=tx_hash, nonce=tx["nonce"])
        self._settle_in_flight(result, wait=True, stop=stop)
        if result.sent or result.resumed:  # the index takes in what this pass did
            result.indexed_to = self.indexer.sync().to_block
        return result

    # -- what was in flight ----------------------------------------------------------------

    def _settle_in_flight(
        self, result: PassReport, wait: bool = False, stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Every journaled "sent" job of this keeper: recorded done or failed once mined.
        At the start of a pass (`wait` False), one the node does not know is broadcast again
        when its nonce is free (after a crash, or a reorg), and forgotten when another
        transaction took its nonce. At the end (`wait`), receipts are awaited for at most
        WAIT_BUDGET_SECONDS in all and while `stop()` is false: what is still pending then
        is settled by the next pass. A job that fails to settle (a node error) is logged and
        left for the next pass; the others go on."""
        with self.engine.connect() as c:
            jobs = c.execute(
                sa.select(keeper_jobs)
                .where(keeper_jobs.c.status == "sent")
                .where(keeper_jobs.c.keeper == self.sender.address)
                .order_by(keeper_jobs.c.nonce)
            ).all()
        deadline = time.monotonic() + WAIT_BUDGET_SECONDS
        for job in jobs:
            try:
                receipt = self.sender.receipt(job.tx_hash)
                if receipt is None and not wait:
                    self._resume(job, result)
                    continue
                if receipt is None:
                    left = deadline - time.monotonic()
                    if left <= 0 or stop():
                        continue  # still "sent": the next pass settles it
                    receipt = self._wait(job, left)
                if receipt is not None:
                    self._record(job, receipt, result)
            except Exception as exc:  # a node error on this job: the next pass retries
                text = " ".join(str(exc).split())[:300] or type(exc).__name__
                self._log("error", orderId=job.order_id, txHash=job.tx_hash, error=text)

    def _resume(self, job: Any, result: PassReport) -> None:
        """A journaled transaction the node has no receipt for."""
        mined_nonce = self.w3.eth.get_transaction_count(self.sender.address, "latest")
        if mined_nonce > job.nonce:
            if not self._known(job.tx_hash):
                self._forget(job, "its nonce was used by another transaction")
            return  # known with its nonce used: mined, the receipt is on its way
        try:
            self.sender.broadcast(bytes.fromhex(job.raw_tx[2:]))
        except BazaarError:
            if not self._known(job.tx_hash):  # a node that words "already known" otherwise
                raise
        result.resumed += 1
        self._log("resumed", orderId=job.order_id, action=job.action, txHash=job.tx_hash)

    def _wait(self, job: Any, seconds: float) -> Any:
        """The receipt of `job`'s transaction within `seconds`, None when it is not mined by
        then (the next pass settles it)."""
        try:
            return self.sender.wait(job.tx_hash, job.action, timeout=seconds)
        except TransactionFailed as exc:
            if not exc.mined:
                self._log("pending", orderId=job.order_id, txHash=job.tx_hash)
                return None
            return self.sender.receipt(job.tx_hash)

    def _record(self, job: Any, receipt: Any, result: PassReport) -> None:
        ok = int(receipt["status"]) == 1
        with self.engine.begin() as c:  # the signed bytes stay: a reorg may need them again
            c.execute(
                keeper_jobs.update()
                .where(keeper_jobs.c.order_id == job.order_id)
                .where(keeper_jobs.c.action == job.action)
                .values(status="done" if ok else "failed", block=int(receipt["blockNumber"]))
            )
        if ok:
            result.done += 1
        else:
            result.failed += 1
        self._log(
            "done" if ok else "failed",
            orderId=job.order_id,
            action=job.action,
            txHash=job.tx_hash,
            block=int(receipt["blockNumber"]),
            gasUsed=int(receipt["gasUsed"]),
        )

    def _known(self, tx_hash: str) -> bool:
        """The node knows the transaction (pending or mined). Only its "not found" answer is
        a no: any other error is raised, so that nothing is forgotten on a node's hiccup."""
        try:
            self.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return False
        return True

    def _forget(self, job: Any, why: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                keeper_jobs.delete()
                .where(keeper_jobs.c.order_id == job.order_id)
                .where(keeper_jobs.c.action == job.action)
            )
        self._log("dropped", orderId=job.order_id, action=job.action, txHash=job.tx_hash, why=why)

    # -- the loop ----------------------------------------------------------------------------

    def run(
        self,
        interval: float,
        stop: Callable[[], bool],
        sleep: Callable[[float], bool],
        max_backoff: float = 300.0,
    ) -> None:
        """Passes every `interval` seconds until `stop()`; a failing node (or database) is
        retried with a doubling wait up to `max_backoff`. `sleep(seconds)` returns True when
        woken to stop."""
        failures = 0
        while not stop():
            try:
                result = self.run_once(stop)
                failures = 0
                self._log("pass", **result.to_json())
                wait = interval
            except BazaarError as exc:
                failures += 1
                wait = min(max_backoff, interval * 2 ** min(failures, 30))
                self._log("error", error=str(exc), retryIn=wait)
            except Exception as exc:  # a node or network error mid-pass: retried, logged
                failures += 1
                wait = min(max_backoff, interval * 2 ** min(failures, 30))
                text = " ".join(str(exc).split())[:300] or type(exc).__name__
                self._log("error", error=text, retryIn=wait)
            if sleep(wait):
                break
