"""Journaled, resumable deployment of the suite.

A plan is an ordered list of steps with stable names: deploy a contract with constructor
arguments, or call a function of a deployed one. Arguments may name an earlier step (`Ref`),
replaced by its address when the step runs; a step may also need the effects of earlier
steps (`after`), which only matters to the dry run's gas estimates. Each step goes through the
journal (`bazaar.journal`): signed locally, written "sent" with its raw transaction, broadcast,
then written "done" with its block. A re-run:
- sends nothing for a done step, after checking that its init code and arguments are still
  the plan's (else it stops, naming the step);
- resolves a "sent" step by its receipt; when the transaction is unknown, it rebroadcasts the
  very same raw transaction (same nonce: it can never be mined twice).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from bazaar import artifacts, networks
from bazaar.errors import BazaarError, RevertError
from bazaar.governance import (
    ADMIN_ROLE,
    CANCELLER_ROLE,
    EXECUTOR_ROLE,
    GOVERNOR_SETTINGS,
    PROPOSER_ROLE,
    STAKER_SHARE_BPS,
    STAKING_SETTINGS,
    TIMELOCK_DELAY,
    GovernorSettings,
    StakingSettings,
)
from bazaar.journal import Journal
from bazaar.networks import NetworkPreset
from bazaar.tx import Call, TxSender

ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Ref:
    """The address of the contract deployed by step `step`."""

    step: str


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # "deploy" or "call"
    contract: str  # deploy: the contract created; call: the artifact of the target
    args: tuple = ()
    target: Ref | None = None  # call: the step whose contract is called
    function: str | None = None
    after: tuple[str, ...] = ()  # earlier steps whose effects it needs (not only addresses)

    def refs(self) -> set[str]:
        found: set[str] = {self.target.step} if self.target else set()

        def walk(value: Any) -> None:
            if isinstance(value, Ref):
                found.add(value.step)
            elif isinstance(value, tuple | list):
                for v in value:
                    walk(v)

        walk(self.args)
        return found


def deploy(name: str, contract: str, *args: Any) -> Step:
    return Step(name, "deploy", contract, args)


def call(
    name: str, target: str, contract: str, function: str, *args: Any, after: tuple[str, ...] = ()
) -> Step:
    return Step(name, "call", contract, args, Ref(target), function, after)


# -- the suite ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteConfig:
    owner: str
    treasury: str
    guardian: str
    arbiters: tuple[str, ...]
    preset: NetworkPreset
    mocks: bool = False
    btc_usd_answer: int = networks.MOCK_ANSWERS["btc_usd"]
    # what the journal records about tokens and feeds: key -> Ref or real address
    sources: dict[str, Any] = field(default_factory=dict)
    governor: GovernorSettings = GOVERNOR_SETTINGS
    staking: StakingSettings = STAKING_SETTINGS
    timelock_delay: int = TIMELOCK_DELAY


MOCK_STEPS = {
    "wbtc": ("MockWBTC", ()),
    "usdc": ("MockERC20", ("Mock USD Coin", "USDC", 6)),
}


def _leg(feed: Any, limits: networks.LegLimits) -> tuple:
    return (feed, limits.max_staleness, limits.min_answer, limits.max_answer)


def suite_sources(config: SuiteConfig) -> tuple[list[Step], dict[str, Any]]:
    """Mock steps for every token and feed the preset lacks (with --mocks), and where each
    token and feed comes from.

    Raises:
        BazaarError: an address is missing and --mocks was not given.
    """
    steps: list[Step] = []
    sources: dict[str, Any] = {}
    missing = []
    for key, (contract, args) in MOCK_STEPS.items():
        real = config.preset.tokens.get(key)
        if real:
            sources[key] = real
        elif config.mocks:
            steps.append(deploy(key, contract, *args))
            sources[key] = Ref(key)
        else:
            missing.append(f"{key} token")
    for key, description in networks.FEED_DESCRIPTIONS.items():
        real = config.preset.feeds.get(key)
        if real:
            sources[key] = real
        elif config.mocks:
            answer = config.btc_usd_answer if key == "btc_usd" else networks.MOCK_ANSWERS[key]
            steps.append(
                deploy(
                    f"{key}_feed", "MockAggregator", networks.USD_FEED_DECIMALS, answer, description
                )
            )
            sources[key] = Ref(f"{key}_feed")
        else:
            missing.append(f"{description} feed")
    if missing:
        raise BazaarError(
            f"network {config.preset.name} has no address for: {', '.join(missing)}; "
            "pass --mocks to deploy mocks in their place"
        )
    return steps, sources


def suite_plan(config: SuiteConfig) -> tuple[list[Step], dict[str, Any]]:
    """The ordered steps deploying the suite, and where tokens and feeds come from."""
    steps, src = suite_sources(config)
    no_leg = (ZERO_ADDRESS, 0, 0, 0)
    wbtc_input = (
        _leg(src["btc_usd"], networks.BTC_USD_LIMITS),
        _leg(src["wbtc_btc"], networks.PEG_LIMITS),
        networks.DEPEG_FLOOR,
    )
    usdc_input = (no_leg, _leg(src["usdc_usd"], networks.PEG_LIMITS), networks.DEPEG_FLOOR)
    sequencer = config.preset.sequencer_feed
    steps.append(
        deploy(
            "oracle",
            "WbtcUsdOracle",
            config.owner,
            sequencer or ZERO_ADDRESS,
            networks.SEQUENCER_GRACE_PERIOD if sequencer else 0,
            (src["wbtc"], src["usdc"]),
            (wbtc_input, usdc_input),
        )
    )
    steps.append(deploy("goods", "DigitalGoods"))
    steps.append(deploy("points", "RewardPoints", config.owner))
    steps.append(
        deploy(
            "market",
            "EscrowMarketplace",
            config.owner,
            Ref("oracle"),
            config.treasury,
            config.guardian,
            Ref("goods"),
            Ref("points"),
        )
    )
    steps.append(
        call("goods.bindMarketplace", "goods", "DigitalGoods", "bindMarketplace", Ref("market"))
    )
    steps.append(
        call("points.bindMarketplace", "points", "RewardPoints", "bindMarketplace", Ref("market"))
    )
    for key in ("wbtc", "usdc"):
        steps.append(
            call(
                f"market.addPaymentToken({key})",
                "market",
                "EscrowMarketplace",
                "addPaymentToken",
                src[key],
            )
        )
    for arbiter in config.arbiters:
        steps.append(
            call(
                f"market.setArbiter({arbiter})",
                "market",
                "EscrowMarketplace",
                "setArbiter",
                arbiter,
                True,
            )
        )
    steps += dao_steps(config, src)
    return steps, src


# Contracts governed by the DAO (Ownable2Step): the timelock becomes their owner.
GOVERNED = (
    ("market", "EscrowMarketplace"),
    ("oracle", "WbtcUsdOracle"),
    ("points", "RewardPoints"),
    ("staking", "PointsStaking"),
)
HANDOVER_SALT = keccak(text="btc-bazaar hand-over")
NO_PREDECESSOR = b"\x00" * 32


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def dao_steps(config: SuiteConfig, src: dict[str, Any]) -> list[Step]:
    """Staking, timelock and governor, then the hand-over (as tools/governance.py on the
    local chain):

    1. the timelock starts with no delay, the deployer its only proposer, executor and admin;
    2. each governed contract offers its ownership to the timelock (Ownable2Step), and one
       timelock batch, scheduled then executed, accepts them all and sets the real delay;
    3. the governor becomes the only proposer and canceller; anyone may execute;
    4. the deployer renounces every timelock role, the admin role last.
    """
    owner, s = config.owner, config.staking
    steps = [
        deploy(
            "staking",
            "PointsStaking",
            Ref("points"),
            owner,
            s.warmup,
            s.cooldown,
            s.window,
            (src["wbtc"], src["usdc"]),  # the payment tokens are the reward tokens
        ),
        call(
            "market.setFeeShare(staking)",
            "market",
            "EscrowMarketplace",
            "setFeeShare",
            Ref("staking"),
            STAKER_SHARE_BPS,
        ),
        deploy("timelock", "BazaarTimelock", 0, (owner,), (owner,), owner),
        deploy(
            "governor",
            "BazaarGovernor",
            Ref("staking"),
            Ref("timelock"),
            *config.governor.as_args(),
        ),
    ]
    offers = []
    for key, contract in GOVERNED:
        name = f"{key}.transferOwnership(timelock)"
        steps.append(call(name, key, contract, "transferOwnership", Ref("timelock")))
        offers.append(name)
    accept = _selector("acceptOwnership()")
    update_delay = _selector("updateDelay(uint256)") + abi_encode(
        ["uint256"], [config.timelock_delay]
    )
    targets = (*(Ref(key) for key, _ in GOVERNED), Ref("timelock"))
    batch = (targets, (0,) * len(targets), (accept,) * len(GOVERNED) + (update_delay,))
    schedule = "timelock.scheduleBatch(accept ownerships, set delay)"
    steps.append(
        call(
            schedule,
            "timelock",
            "BazaarTimelock",
            "scheduleBatch",
            *batch,
            NO_PREDECESSOR,
            HANDOVER_SALT,
            0,
        )
    )
    steps.append(
        call(
            "timelock.executeBatch(accept ownerships, set delay)",
            "timelock",
            "BazaarTimelock",
            "executeBatch",
            *batch,
            NO_PREDECESSOR,
            HANDOVER_SALT,
            after=(*offers, schedule),
        )
    )
    for role_name, role, grantee, label in (
        ("PROPOSER_ROLE", PROPOSER_ROLE, Ref("governor"), "governor"),
        ("CANCELLER_ROLE", CANCELLER_ROLE, Ref("governor"), "governor"),
        ("EXECUTOR_ROLE", EXECUTOR_ROLE, ZERO_ADDRESS, "anyone"),
    ):
        steps.append(
            call(
                f"timelock.grantRole({role_name}, {label})",
                "timelock",
                "BazaarTimelock",
                "grantRole",
                role,
                grantee,
            )
        )
    for role_name, role in (
        ("PROPOSER_ROLE", PROPOSER_ROLE),
        ("EXECUTOR_ROLE", EXECUTOR_ROLE),
        ("CANCELLER_ROLE", CANCELLER_ROLE),
        ("DEFAULT_ADMIN_ROLE", ADMIN_ROLE),
    ):
        steps.append(
            call(
                f"timelock.renounceRole({role_name})",
                "timelock",
                "BazaarTimelock",
                "renounceRole",
                role,
                owner,
            )
        )
    return steps


# -- the engine --------------------------------------------------------------------------


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
        plan: list[Step],
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

    def _resolve(self, value: Any, addresses: dict[str, str]) -> Any:
        if isinstance(value, Ref):
            if value.step not in addresses:
                raise BazaarError(f"step {value.step!r} is not deployed yet")
            return addresses[value.step]
        if isinstance(value, tuple | list):
            return [self._resolve(v, addresses) for v in value]
        return value

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
        assert step.target is not None and step.function is not None
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

    def _check_unchanged(self, step: Step, entry: dict[str, Any], expected: dict[str, Any]):
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
        arguments) — checked for all of them before anything is sent.

        Raises:
            BazaarError: naming the first step that changed.
        """
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
        except RevertError as exc:
            self.journal.set_step(step.name, status="failed")
            raise BazaarError(f"step {step.name!r} failed: {exc}") from None
        address = receipt.get("contractAddress")
        fields: dict[str, Any] = {"status": "done", "block": receipt["blockNumber"]}
        self.journal.steps[step.name].pop("rawTx", None)  # needed only while in flight
        if step.kind == "deploy" and address:
            fields["address"] = address
            self._record_contract(step, receipt, address)
        self.journal.set_step(step.name, **fields)
        return StepReport(step.name, status, tx_hash, address, int(receipt["gasUsed"]))

    def _record_contract(self, step: Step, receipt: Any, address: str) -> None:
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


def check_feeds(w3: Web3, sources: dict[str, Any]) -> None:
    """Real feeds must say what they are: description and 8 decimals, before any send.

    Raises:
        BazaarError: naming the feed that does not match.
    """
    abi = artifacts.load("MockAggregator").abi
    for key, description in networks.FEED_DESCRIPTIONS.items():
        address = sources.get(key)
        if not isinstance(address, str):
            continue
        feed = w3.eth.contract(address=to_checksum_address(address), abi=abi)
        try:
            said = feed.functions.description().call()
            decimals = feed.functions.decimals().call()
        except Exception:
            raise BazaarError(
                f"{key} feed {address} does not answer description()/decimals()"
            ) from None
        if said != description or decimals != networks.USD_FEED_DECIMALS:
            raise BazaarError(
                f"{key} feed {address} reports {said!r} with {decimals} decimals, expected "
                f"{description!r} with {networks.USD_FEED_DECIMALS}"
            )
