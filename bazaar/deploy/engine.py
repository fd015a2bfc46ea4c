"""The journaled, resumable engine that runs a plan (bazaar/deploy/plan.py) on a real chain.

Each step goes through the journal (`bazaar.journal`): signed locally, written "sent" with its
raw transaction, broadcast, then written "done" with its block. A re-run:
- sends nothing for a done step, after checking that its init code and arguments are still
  the plan's (else it stops, naming the step);
- resolves a "sent" step by its receipt; when the transaction is unknown, it rebroadcasts the
  very same raw transaction (same nonce: it can never be mined twice).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import rlp
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.types import TxReceipt

from bazaar import artifacts
from bazaar.deploy.plan import Step, resolve
from bazaar.errors import BazaarError, TransactionFailed
from bazaar.journal import Journal
from bazaar.tx import Call, TxSender


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and Web3.is_address(value):
        return to_checksum_address(value)
    return value


def create_address(sender: str, nonce: int) -> str:
    """The address a contract created by `sender` with `nonce` gets (CREATE)."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


@dataclass
class StepReport:
    name: str
    status: str  # "done" (already), "sent", "resumed", "planned"
    tx_hash: str | None = None
    address: str | None = None
    gas: int | None = None  # used (sent) or estimated (dry run)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "status": self.status,
            "txHash": self.tx_hash,
            "address": self.address,
            "gas": self.gas,
            "note": self.note,
        }


class Deployer:
    """Runs a plan against a journal, from one account."""

    def __init__(
        self,
        sender: TxSender,
        journal: Journal,
        plan: Sequence[Step],
        on_step: Callable[[StepReport], None] | None = None,
    ) -> None:
        self.sender = sender
        self.w3 = sender.w3
        self.journal = journal
        self.plan = plan
        self.on_step = on_step or (lambda report: None)
        names = [s.name for s in plan]
        if len(set(names)) != len(names):
            raise BazaarError("the plan names a step twice")

    # -- what a step would send ----------------------------------------------------------

    @staticmethod
    def _resolve(value: Any, addresses: dict[str, str]) -> Any:
        def address(step: str) -> str:
            if step not in addresses:
                raise BazaarError(f"step {step!r} is not deployed yet")
            return addresses[step]

        return resolve(value, address)

    def _done_addresses(self) -> dict[str, str]:
        return {
            name: entry["address"]
            for name, entry in self.journal.steps.items()
            if entry.get("status") == "done" and entry.get("address")
        }

    def _call(self, step: Step, addresses: dict[str, str]) -> tuple[Call, list[Any]]:
        args = self._resolve(list(step.args), addresses)
        artifact = artifacts.load(step.contract)
        if step.kind == "deploy":
            factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
            data = factory.constructor(*args).data_in_transaction
            return Call(None, data, f"deploy {step.name} ({step.contract})"), args
        if step.target is None or step.function is None:
            raise BazaarError(f"step {step.name!r} calls no target function")
        target = self._resolve(step.target, addresses)
        contract = self.w3.eth.contract(address=target, abi=artifact.abi)
        data = contract.encode_abi(step.function, args=args)
        return Call(target, data, step.name), args

    def _expected(self, step: Step, args: list[Any], target: str | None) -> dict[str, Any]:
        expected: dict[str, Any] = {"kind": step.kind, "contract": step.contract}
        expected["args"] = _jsonable(args)
        if step.kind == "deploy":
            expected["initCodeHash"] = (
                "0x" + keccak(hexstr=artifacts.load(step.contract).bytecode).hex()
            )
        else:
            expected["function"] = step.function
            expected["target"] = target
        return expected

    def _check_unchanged(self, step: Step, entry: dict[str, Any], expected: dict[str, Any]) -> None:
        if entry.get("kind") != expected["kind"] or entry.get("contract") != expected["contract"]:
            raise BazaarError(
                f"step {step.name!r} was a {entry.get('kind')} of {entry.get('contract')}, the "
                f"plan now makes it a {expected['kind']} of {expected['contract']}; refusing to "
                "continue (use a new deployment file for a new deployment)"
            )
        if step.kind == "deploy" and entry.get("initCodeHash") != expected["initCodeHash"]:
            raise BazaarError(
                f"step {step.name!r}: the code of {step.contract} changed since it was deployed "
                f"(init code hash {entry.get('initCodeHash')} then, {expected['initCodeHash']} "
                "now); refusing to continue (use a new deployment file for a new deployment)"
            )
        for key, what in (("args", "arguments"), ("function", "function"), ("target", "target")):
            if key in expected and entry.get(key) != expected[key]:
                raise BazaarError(
                    f"step {step.name!r}: the {what} changed since it was sent "
                    f"({json.dumps(entry.get(key))} then, {json.dumps(expected[key])} now); "
                    "refusing to continue (use a new deployment file for a new deployment)"
                )

    # -- running -------------------------------------------------------------------------

    def check(self) -> None:
        """Every step the journal has sent or done must still be the plan's (same code, same
        arguments), and every contract it calls deployed must still be there with the code
        it had — checked for all of them before anything is sent.

        Raises:
            BazaarError: naming the first step that changed, or the first contract missing.
        """
        self.check_deployed_code()
        addresses = self._done_addresses()
        for step in self.plan:
            entry = self.journal.steps.get(step.name)
            if not entry or entry.get("status") not in ("done", "sent"):
                continue
            if step.refs() - set(addresses):
                raise BazaarError(
                    f"step {step.name!r} is journaled {entry['status']} but depends on "
                    f"{', '.join(sorted(step.refs() - set(addresses)))}, which is not done"
                )
            call_, args = self._call(step, addresses)
            self._check_unchanged(step, entry, self._expected(step, args, call_.to))
        self._check_same_steps()

    def _check_same_steps(self) -> None:
        """The plan may add steps only after the last one journaled: a journaled step the plan
        no longer has, or a new step before one already done, means other inputs than the
        deployment was made with (another --arbiter, say), which resuming cannot give.

        Raises:
            BazaarError: naming the step, with what to do instead.
        """
        advice = (
            f"the inputs differ from those {self.journal.path} was deployed with: a deployed "
            "suite changes through governance (bazaar propose), or deploy anew with --fresh; "
            "nothing sent"
        )
        started = {
            name
            for name, entry in self.journal.steps.items()
            if entry.get("status") in ("done", "sent")
        }
        planned = [step.name for step in self.plan]
        gone = sorted(started - set(planned))
        if gone:
            raise BazaarError(
                f"step {gone[0]!r} is journaled but these inputs do not make it: {advice}"
            )
        later_started = False
        for name in reversed(planned):
            if name in started:
                later_started = True
            elif later_started:
                raise BazaarError(
                    f"step {name!r} is new, but steps after it are done already: {advice}"
                )

    def check_deployed_code(self) -> None:
        """Each contract the journal calls deployed has code at its address, and the same
        code (by hash) as when it was deployed.

        Raises:
            BazaarError: no code there (the chain is not the one the journal was written on,
                or it was reset) or other code; nothing was sent.
        """
        contracts = self.journal.data.get("contracts", {})
        for step in self.plan:
            entry = self.journal.steps.get(step.name, {})
            if step.kind != "deploy" or entry.get("status") != "done" or not entry.get("address"):
                continue
            address = entry["address"]
            code = bytes(self.w3.eth.get_code(address))
            if not code:
                raise BazaarError(
                    f"step {step.name!r}: no contract at {address}, which {self.journal.path} "
                    f"says was deployed in block {entry.get('block')}: this chain is not the "
                    "one the journal was written on (reset?); nothing sent; `bazaar deploy "
                    "--fresh` starts a new deployment and keeps this file"
                )
            recorded = contracts.get(step.name, {}).get("codeHash")
            if recorded is not None and "0x" + keccak(code).hex() != recorded:
                raise BazaarError(
                    f"step {step.name!r}: the code at {address} is not the {step.contract} "
                    f"{self.journal.path} recorded there; nothing sent"
                )

    def run(self) -> list[StepReport]:
        self.check()
        reports = []
        for step in self.plan:
            report = self._run_step(step)
            reports.append(report)
            self.on_step(report)
        return reports

    def _run_step(self, step: Step) -> StepReport:
        addresses = self._done_addresses()
        call_, args = self._call(step, addresses)
        expected = self._expected(step, args, call_.to)
        entry = self.journal.steps.get(step.name)
        if entry and entry.get("status") in ("done", "sent"):
            self._check_unchanged(step, entry, expected)
        if entry and entry.get("status") == "done":
            return StepReport(step.name, "done", entry.get("txHash"), entry.get("address"))
        if entry and entry.get("status") == "sent":
            resumed = self._resume(step, entry)
            if resumed is not None:
                return resumed
        # not started (or a sent transaction that can never be mined): sign, journal, send
        gas = self.sender.preflight(call_)
        tx = self.sender.build(call_, gas)
        raw = bytes(self.sender.sign(tx).raw_transaction)
        tx_hash = "0x" + keccak(raw).hex()
        self.journal.steps[step.name] = {}
        self.journal.set_step(
            step.name,
            status="sent",
            **expected,
            txHash=tx_hash,
            rawTx="0x" + raw.hex(),
            nonce=tx["nonce"],
        )
        self.sender.broadcast(raw)
        return self._finish(step, tx_hash, "sent")

    def _resume(self, step: Step, entry: dict[str, Any]) -> StepReport | None:
        """A step journaled "sent": done when mined; rebroadcast when unknown and its nonce
        is still free; None when its nonce was taken by another transaction (send anew)."""
        tx_hash = entry["txHash"]
        if self.sender.receipt(tx_hash) is not None:
            return self._finish(step, tx_hash, "resumed")
        mined_nonce = self.w3.eth.get_transaction_count(self.sender.address, "latest")
        if mined_nonce > entry["nonce"]:
            try:
                self.w3.eth.get_transaction(tx_hash)
            except Exception:
                self.journal.set_step(step.name, status="dropped")
                return None
        self.sender.broadcast(bytes.fromhex(entry["rawTx"][2:]))
        return self._finish(step, tx_hash, "resumed")

    def _finish(self, step: Step, tx_hash: str, status: str) -> StepReport:
        try:
            receipt = self.sender.wait(tx_hash, step.name)
        except TransactionFailed as exc:
            if not exc.mined:
                raise  # still "sent": a re-run picks up its receipt
            self.journal.set_step(step.name, status="failed")
            raise TransactionFailed(f"step {step.name!r} failed: {exc}", exc.data) from None
        address = receipt.get("contractAddress")
        fields: dict[str, Any] = {"status": "done", "block": receipt["blockNumber"]}
        self.journal.steps[step.name].pop("rawTx", None)  # needed only while in flight
        if step.kind == "deploy" and address:
            fields["address"] = address
            self._record_contract(step, receipt, address)
        self.journal.set_step(step.name, **fields)
        return StepReport(step.name, status, tx_hash, address, int(receipt["gasUsed"]))

    def _record_contract(self, step: Step, receipt: TxReceipt, address: ChecksumAddress) -> None:
        entry = self.journal.steps[step.name]
        code = self.w3.eth.get_code(address)
        self.journal.data.setdefault("contracts", {})[step.name] = {
            "contract": step.contract,
            "address": address,
            "txHash": entry["txHash"],
            "block": receipt["blockNumber"],
            "constructorArgs": entry["args"],
            "initCodeHash": entry["initCodeHash"],
            "codeHash": "0x" + keccak(bytes(code)).hex(),
        }

    # -- dry run -------------------------------------------------------------------------

    def dry_run(self) -> list[StepReport]:
        """Each step's status and estimated gas; sends and writes nothing.

        Contracts not yet deployed stand at the addresses they would get (from the account's
        nonce); a step whose estimate needs code that does not exist yet says so.
        """
        addresses = self._done_addresses()
        nonce = self.sender.next_nonce()
        reports = []
        for step in self.plan:
            entry = self.journal.steps.get(step.name, {})
            if entry.get("status") == "done":
                reports.append(
                    StepReport(step.name, "done", entry.get("txHash"), entry.get("address"))
                )
                continue
            missing = step.refs() - set(self._done_addresses())
            waiting = [
                name
                for name in step.after
                if self.journal.steps.get(name, {}).get("status") != "done"
            ]
            predicted = None
            if step.kind == "deploy":
                predicted = create_address(self.sender.address, nonce)
            call_, _ = self._call(step, addresses | ({step.name: predicted} if predicted else {}))
            gas, note = None, ""
            if step.kind == "call" and missing:
                note = f"gas known once {', '.join(sorted(missing))} deployed"
            elif waiting:
                note = f"gas known once {', '.join(waiting)} done"
            else:
                try:
                    gas = self.sender.preflight(call_)
                except BazaarError as exc:
                    note = (
                        f"gas known once {', '.join(sorted(missing))} deployed"
                        if missing
                        else f"would fail: {exc}"
                    )
            status = "sent" if entry.get("status") == "sent" else "planned"
            reports.append(StepReport(step.name, status, entry.get("txHash"), predicted, gas, note))
            if predicted:
                addresses[step.name] = predicted
            nonce += 1
        return reports
