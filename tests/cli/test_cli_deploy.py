"""`bazaar deploy`: the suite deployed step by step through a journal, up to the DAO owning
it; re-runs send nothing, crashes resume without duplicates, changed code or arguments are
refused, dry runs send nothing.

One file, over 400 lines: one command whose journal, resume and refusal cases share the
same deployments.
"""

import contextlib
import io
import json
import shutil
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import brownie
import pytest
from eth_utils import keccak

from bazaar import artifacts, networks
from bazaar.deploy.engine import Deployer
from bazaar.settings import GOVERNOR_SETTINGS, STAKING_SETTINGS, TIMELOCK_DELAY
from bazaar.tx import TxSender
from bazaar.types import ADMIN_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE, PROPOSER_ROLE
from tests.support.cli import (
    ADDRESSES,
    assert_one_line_failure,
    rpc_url,
    run,
)

STEPS = [
    "wbtc",
    "usdc",
    "btc_usd_feed",
    "wbtc_btc_feed",
    "usdc_usd_feed",
    "permit2",
    "oracle",
    "goods",
    "points",
    "offers",
    "market",
    "goods.bindMarketplace",
    "points.bindMarketplace",
    "market.addPaymentToken(wbtc)",
    "market.addPaymentToken(usdc)",
    f"market.setArbiter({ADDRESSES['arbiter']})",
    "staking",
    "market.setFeeShare(staking)",
    "timelock",
    "governor",
    "market.transferOwnership(timelock)",
    "oracle.transferOwnership(timelock)",
    "points.transferOwnership(timelock)",
    "staking.transferOwnership(timelock)",
    "timelock.scheduleBatch(accept ownerships, set delay)",
    "timelock.executeBatch(accept ownerships, set delay)",
    "timelock.grantRole(PROPOSER_ROLE, governor)",
    "timelock.grantRole(CANCELLER_ROLE, governor)",
    "timelock.grantRole(EXECUTOR_ROLE, anyone)",
    "timelock.renounceRole(PROPOSER_ROLE)",
    "timelock.renounceRole(EXECUTOR_ROLE)",
    "timelock.renounceRole(CANCELLER_ROLE)",
    "timelock.renounceRole(DEFAULT_ADMIN_ROLE)",
]
SCHEDULE = "timelock.scheduleBatch(accept ownerships, set delay)"
EXECUTE = "timelock.executeBatch(accept ownerships, set delay)"
ROLES = {"PROPOSER": PROPOSER_ROLE, "EXECUTOR": EXECUTOR_ROLE, "CANCELLER": CANCELLER_ROLE}
ROLES["ADMIN"] = ADMIN_ROLE


class Crash(BaseException):
    """The process dying mid-deployment (not an error the CLI would catch)."""


def deployer_nonce():
    return brownie.web3.eth.get_transaction_count(ADDRESSES["deployer"])


def read(path):
    return json.loads(path.read_text())


def test_deploying_with_mocks_journals_every_contract_and_step(deploy, journal_path):
    start = deployer_nonce()
    result = deploy()
    assert result.code == 0, result.err
    assert deployer_nonce() == start + len(STEPS)
    journal = read(journal_path)
    assert list(journal["steps"]) == STEPS
    assert all(step["status"] == "done" and step["block"] for step in journal["steps"].values())
    assert all("rawTx" not in step for step in journal["steps"].values())
    for key, entry in journal["contracts"].items():
        code = brownie.web3.eth.get_code(entry["address"])
        assert code, key
        assert entry["codeHash"] == "0x" + keccak(bytes(code)).hex()
        assert (
            entry["initCodeHash"]
            == "0x" + keccak(hexstr=artifacts.load(entry["contract"]).bytecode).hex()
        )
        receipt = brownie.web3.eth.get_transaction_receipt(entry["txHash"])
        assert receipt["contractAddress"] == entry["address"]
        assert receipt["blockNumber"] == entry["block"]
    market = journal["contracts"]["market"]
    oracle = journal["contracts"]["oracle"]["address"]
    deployer = ADDRESSES["deployer"]
    goods = journal["contracts"]["goods"]["address"]
    points = journal["contracts"]["points"]["address"]
    permit2 = journal["contracts"]["permit2"]["address"]
    offers = journal["contracts"]["offers"]["address"]
    assert market["constructorArgs"] == [
        deployer, oracle, deployer, deployer, goods, points, permit2, offers
    ]  # fmt: skip
    assert contract_links(offers) == [oracle, goods, points]
    assert journal["tokens"] == {
        "wbtc": journal["contracts"]["wbtc"]["address"],
        "usdc": journal["contracts"]["usdc"]["address"],
    }
    assert journal["permit2"] == journal["contracts"]["permit2"]["address"]
    assert journal["arbiters"] == [ADDRESSES["arbiter"]]
    contract = brownie.Contract.from_abi(
        "M", market["address"], artifacts.load("EscrowMarketplace").abi
    )
    assert contract.oracle() == oracle
    assert (contract.permit2(), contract.offersExtension()) == (permit2, offers)
    assert contract.isActiveArbiter(ADDRESSES["arbiter"])
    assert contract.paymentToken(1) == journal["tokens"]["wbtc"]


def contract_links(address):
    """What the offers extension at `address` was built with (oracle, goods, points)."""
    offers = brownie.Contract.from_abi("O", address, artifacts.load("MarketplaceOffers").abi)
    return list(offers.links())


def test_a_rerun_sends_nothing(deploy, journal_path):
    assert deploy().code == 0
    before, nonce = journal_path.read_text(), deployer_nonce()
    again = deploy("--json")
    assert again.code == 0, again.err
    assert deployer_nonce() == nonce
    report = again.json()
    assert report["sent"] == 0
    assert [s["status"] for s in report["steps"]] == ["done"] * len(STEPS)
    assert read(journal_path)["steps"] == json.loads(before)["steps"]


def crash_at_broadcast_of(step, monkeypatch):
    """The process dies as it is about to broadcast `step` (signed and journaled "sent").
    Returns the raw transactions broadcast so far and the real broadcast, to restore."""
    real_broadcast = TxSender.broadcast
    calls = []

    def crashing_broadcast(self, raw):
        calls.append(raw)
        if len(calls) == STEPS.index(step) + 1:
            raise Crash
        return real_broadcast(self, raw)

    monkeypatch.setattr(TxSender, "broadcast", crashing_broadcast)
    return calls, real_broadcast


def test_a_crash_after_a_step_is_journaled_sent_resumes_with_the_same_transaction(
    deploy, journal_path, monkeypatch
):
    """Killed after signing and journaling the market step, before it reached the node:
    the re-run broadcasts the very raw transaction of the journal (same nonce, same hash)."""
    start = deployer_nonce()
    calls, real_broadcast = crash_at_broadcast_of("market", monkeypatch)
    with pytest.raises(Crash):
        deploy()
    journal = read(journal_path)
    market = journal["steps"]["market"]
    assert market["status"] == "sent" and market["rawTx"] == "0x" + calls[-1].hex()
    assert deployer_nonce() == start + STEPS.index("market")  # it never reached the node
    monkeypatch.setattr(TxSender, "broadcast", real_broadcast)
    resumed = deploy("--json")
    assert resumed.code == 0, resumed.err
    statuses = {s["step"]: s for s in resumed.json()["steps"]}
    assert statuses["market"]["status"] == "resumed"
    assert statuses["market"]["txHash"] == market["txHash"]
    assert statuses["oracle"]["status"] == "done"
    assert deployer_nonce() == start + len(STEPS)  # nothing twice
    assert read(journal_path)["contracts"]["market"]["txHash"] == market["txHash"]


def test_a_sent_step_whose_nonce_another_transaction_took_is_sent_anew(
    deploy, journal_path, monkeypatch
):
    """The journaled transaction never reached the node and the account used its nonce for
    something else: that transaction can never be mined, so the step is signed again."""
    _, real_broadcast = crash_at_broadcast_of("market", monkeypatch)
    with pytest.raises(Crash):
        deploy()
    lost = read(journal_path)["steps"]["market"]["txHash"]
    monkeypatch.setattr(TxSender, "broadcast", real_broadcast)
    brownie.accounts[0].transfer(brownie.accounts[9], 1)  # takes the journaled nonce
    resumed = deploy("--json")
    assert resumed.code == 0, resumed.err
    market = {s["step"]: s for s in resumed.json()["steps"]}["market"]
    assert market["status"] == "sent" and market["txHash"] != lost
    assert brownie.web3.eth.get_code(market["address"])


def test_a_crash_after_broadcast_picks_up_the_mined_receipt(deploy, journal_path, monkeypatch):
    start = deployer_nonce()
    real_wait = TxSender.wait

    def crashing_wait(self, tx_hash, label, timeout=600):
        if label == "oracle":
            raise Crash
        return real_wait(self, tx_hash, label, timeout)

    monkeypatch.setattr(TxSender, "wait", crashing_wait)
    with pytest.raises(Crash):
        deploy()
    assert read(journal_path)["steps"]["oracle"]["status"] == "sent"
    # anvil mines it on its own (automine): the crash only lost the wait for its receipt
    for _ in range(100):
        if deployer_nonce() == start + STEPS.index("oracle") + 1:
            break
        time.sleep(0.05)
    assert deployer_nonce() == start + STEPS.index("oracle") + 1
    monkeypatch.setattr(TxSender, "wait", real_wait)
    resumed = deploy("--json")
    assert resumed.code == 0, resumed.err
    statuses = {s["step"]: s["status"] for s in resumed.json()["steps"]}
    assert statuses["oracle"] == "resumed"
    assert deployer_nonce() == start + len(STEPS)


def test_a_crash_between_steps_resumes_at_the_next_step(deploy, journal_path, monkeypatch):
    start = deployer_nonce()
    real_run_step = Deployer._run_step

    def dying_run_step(self, step):
        if step.name == "market.addPaymentToken(usdc)":
            raise Crash
        return real_run_step(self, step)

    monkeypatch.setattr(Deployer, "_run_step", dying_run_step)
    with pytest.raises(Crash):
        deploy()
    assert "market.addPaymentToken(usdc)" not in read(journal_path)["steps"]
    monkeypatch.setattr(Deployer, "_run_step", real_run_step)
    resumed = deploy("--json").json()
    statuses = [s["status"] for s in resumed["steps"]]
    done_before = STEPS.index("market.addPaymentToken(usdc)")
    assert statuses == ["done"] * done_before + ["sent"] * (len(STEPS) - done_before)
    assert deployer_nonce() == start + len(STEPS)


def contract_at(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


def role_holders(timelock, role):
    """Every account holding `role` on the timelock, from its RoleGranted/RoleRevoked logs
    (AccessControl cannot be enumerated otherwise)."""
    holders = set()
    events = []
    contract = brownie.web3.eth.contract(address=timelock.address, abi=timelock.abi)
    for name in ("RoleGranted", "RoleRevoked"):
        event = getattr(contract.events, name)()
        events += event.get_logs(from_block=0, argument_filters={"role": role})
    for log in sorted(events, key=lambda e: (e["blockNumber"], e["logIndex"])):
        account = log["args"]["account"]
        (holders.add if log["event"] == "RoleGranted" else holders.discard)(account)
    return holders


def assert_handed_to_the_dao(journal):
    """The timelock owns the governed contracts; the governor is the only proposer and
    canceller; anyone executes; the deployer keeps nothing; the settings are the plan's."""
    timelock, governor = contract_at(journal, "timelock"), contract_at(journal, "governor")
    staking = contract_at(journal, "staking")
    for key in ("market", "oracle", "points", "staking"):
        contract = contract_at(journal, key)
        assert contract.owner() == timelock.address, key
        assert contract.pendingOwner() == brownie.ZERO_ADDRESS, key
    assert role_holders(timelock, PROPOSER_ROLE) == {governor.address}
    assert role_holders(timelock, CANCELLER_ROLE) == {governor.address}
    assert role_holders(timelock, EXECUTOR_ROLE) == {brownie.ZERO_ADDRESS}
    assert role_holders(timelock, ADMIN_ROLE) == {timelock.address}
    for name, role in ROLES.items():
        assert not timelock.hasRole(role, ADDRESSES["deployer"]), name
    assert timelock.getMinDelay() == TIMELOCK_DELAY
    settings = GOVERNOR_SETTINGS
    assert governor.votingDelay() == settings.voting_delay
    assert governor.votingPeriod() == settings.voting_period
    assert governor.proposalThreshold() == settings.proposal_threshold
    assert governor.quorumNumerator() == settings.quorum_percent
    assert governor.lateQuorumVoteExtension() == settings.late_quorum_extension
    assert governor.timelock() == timelock.address and governor.token() == staking.address
    assert staking.points() == journal["contracts"]["points"]["address"]
    tokens = journal["tokens"]
    assert staking.rewardTokens() == [tokens["wbtc"], tokens["usdc"]]
    assert staking.warmupSeconds() == STAKING_SETTINGS.warmup
    assert staking.cooldownSeconds() == STAKING_SETTINGS.cooldown


def test_the_deployment_hands_the_suite_to_the_dao_and_the_deployer_keeps_no_role(
    deploy, journal_path
):
    result = deploy()
    assert result.code == 0, result.err
    journal = read(journal_path)
    assert {"staking", "timelock", "governor"} <= set(journal["contracts"])
    governor = journal["contracts"]["governor"]
    staking, timelock = (journal["contracts"][k]["address"] for k in ("staking", "timelock"))
    assert governor["constructorArgs"] == [staking, timelock, *GOVERNOR_SETTINGS.as_args()]
    deployer = ADDRESSES["deployer"]
    assert journal["contracts"]["timelock"]["constructorArgs"] == [
        0,
        [deployer],
        [deployer],
        deployer,
    ]
    assert_handed_to_the_dao(journal)
    assert f"DAO: governor {governor['address']}, timelock {timelock}" in result.out


@pytest.mark.parametrize("step", [EXECUTE, "timelock.grantRole(EXECUTOR_ROLE, anyone)"])
def test_a_crash_between_the_hand_over_steps_resumes_without_duplicates(
    deploy, journal_path, monkeypatch, step
):
    start = deployer_nonce()
    real_run_step = Deployer._run_step

    def dying_run_step(self, planned):
        if planned.name == step:
            raise Crash
        return real_run_step(self, planned)

    monkeypatch.setattr(Deployer, "_run_step", dying_run_step)
    with pytest.raises(Crash):
        deploy()
    assert deployer_nonce() == start + STEPS.index(step)
    monkeypatch.setattr(Deployer, "_run_step", real_run_step)
    resumed = deploy("--json")
    assert resumed.code == 0, resumed.err
    statuses = [s["status"] for s in resumed.json()["steps"]]
    done_before = STEPS.index(step)
    assert statuses == ["done"] * done_before + ["sent"] * (len(STEPS) - done_before)
    assert deployer_nonce() == start + len(STEPS)
    assert_handed_to_the_dao(read(journal_path))


def test_a_crash_as_the_admin_role_is_renounced_resumes_with_the_journaled_transaction(
    deploy, journal_path, monkeypatch
):
    start = deployer_nonce()
    last = "timelock.renounceRole(DEFAULT_ADMIN_ROLE)"
    _, real_broadcast = crash_at_broadcast_of(last, monkeypatch)
    with pytest.raises(Crash):
        deploy()
    journaled = read(journal_path)["steps"][last]
    assert journaled["status"] == "sent"
    monkeypatch.setattr(TxSender, "broadcast", real_broadcast)
    resumed = {s["step"]: s for s in deploy("--json").json()["steps"]}
    assert resumed[last]["status"] == "resumed"
    assert resumed[last]["txHash"] == journaled["txHash"]
    assert deployer_nonce() == start + len(STEPS)
    assert_handed_to_the_dao(read(journal_path))


def test_a_dry_run_mid_hand_over_says_which_estimates_wait_for_earlier_steps(
    deploy, journal_path, monkeypatch
):
    real_run_step = Deployer._run_step

    def dying_run_step(self, planned):
        if planned.name == SCHEDULE:
            raise Crash
        return real_run_step(self, planned)

    monkeypatch.setattr(Deployer, "_run_step", dying_run_step)
    with pytest.raises(Crash):
        deploy()
    monkeypatch.setattr(Deployer, "_run_step", real_run_step)
    nonce, before = deployer_nonce(), journal_path.read_text()
    data = deploy("--dry-run", "--json").json()
    report = {s["step"]: s for s in data["steps"]}
    assert data["rehearsed"] is True
    assert report["governor"]["status"] == "done"
    assert report[SCHEDULE]["status"] == "planned" and report[SCHEDULE]["gas"] > 50_000
    # the rehearsal on a fork runs the schedule first, so the execution has its gas too
    assert report[EXECUTE]["status"] == "planned" and report[EXECUTE]["gas"] > 50_000
    assert report["timelock.grantRole(PROPOSER_ROLE, governor)"]["gas"] > 20_000
    assert deployer_nonce() == nonce
    assert journal_path.read_text() == before  # the rehearsal's journal was a copy


def test_without_anvil_a_dry_run_estimates_what_it_can_and_says_why_not_the_rest(
    deploy, journal_path, monkeypatch
):
    monkeypatch.setenv("PATH", "/nonexistent")  # no anvil to fork with
    nonce = deployer_nonce()
    data = deploy("--dry-run", "--json").json()
    report = {s["step"]: s for s in data["steps"]}
    assert data["rehearsed"] is False
    assert report["wbtc"]["gas"] > 100_000
    assert report["oracle"]["gas"] is None  # its constructor reads feeds not deployed yet
    assert report["goods.bindMarketplace"]["note"].startswith("gas known once")
    assert deployer_nonce() == nonce and not journal_path.exists()
    human = deploy("--dry-run")
    assert "(estimates only: no anvil on PATH" in human.out


def test_changed_constructor_arguments_are_refused_naming_the_step(deploy, journal_path):
    assert deploy().code == 0
    nonce, before = deployer_nonce(), journal_path.read_text()
    result = deploy("--treasury", ADDRESSES["seller"])
    assert_one_line_failure(result, "step 'market'", "arguments changed", ADDRESSES["seller"])
    assert deployer_nonce() == nonce
    assert journal_path.read_text() == before


def test_another_arbiter_for_a_finished_deployment_is_refused_naming_the_step(
    capsys, keystores, deploy, journal_path
):
    assert deploy().code == 0
    nonce, before = deployer_nonce(), journal_path.read_text()
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    common += ["--deployment", journal_path, "deploy", "--mocks"]
    other = run(capsys, *common, "--arbiter", ADDRESSES["seller"])  # instead of the arbiter
    assert_one_line_failure(
        other,
        f"step 'market.setArbiter({ADDRESSES['arbiter']})' is journaled but these inputs do not",
        "bazaar propose",
        "--fresh",
    )
    more = run(capsys, *common, "--arbiter", ADDRESSES["arbiter"], "--arbiter", ADDRESSES["seller"])
    assert_one_line_failure(
        more, f"step 'market.setArbiter({ADDRESSES['seller']})' is new, but steps after it"
    )
    assert deployer_nonce() == nonce
    assert journal_path.read_text() == before


def test_changed_contract_code_is_refused_naming_the_step(deploy, journal_path, monkeypatch):
    assert deploy().code == 0
    nonce = deployer_nonce()
    real_load = artifacts.load

    def changed_oracle(name):
        artifact = real_load(name)
        if name == "WbtcUsdOracle":
            return replace(artifact, bytecode=artifact.bytecode + "00")
        return artifact

    monkeypatch.setattr(artifacts, "load", changed_oracle)
    result = deploy()
    assert_one_line_failure(result, "step 'oracle'", "code of WbtcUsdOracle changed")
    assert deployer_nonce() == nonce


def test_a_dry_run_prints_the_plan_with_gas_and_sends_nothing(deploy, journal_path):
    nonce = deployer_nonce()
    result = deploy("--dry-run", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert [s["step"] for s in report["steps"]] == STEPS
    assert {s["status"] for s in report["steps"]} == {"planned"}
    gas = {s["step"]: s["gas"] for s in report["steps"]}
    assert gas["wbtc"] > 100_000 and gas["market"] > 1_000_000
    assert gas["oracle"] > 1_000_000  # its feeds exist on the fork, deployed by earlier steps
    assert all(g > 20_000 for g in gas.values())  # every step, rehearsed on a fork
    assert report["rehearsed"] is True
    assert report["estimatedGas"] == sum(gas.values())
    assert deployer_nonce() == nonce
    assert not journal_path.exists()
    human = deploy("--dry-run")
    assert f"gas: {report['estimatedGas']:,} (rehearsed on a fork at block " in human.out


def test_a_dry_run_after_a_deployment_shows_every_step_done(deploy):
    assert deploy().code == 0
    report = deploy("--dry-run", "--json").json()
    assert {s["status"] for s in report["steps"]} == {"done"}


def test_without_mocks_a_network_lacking_addresses_is_refused(capsys, keystores, journal_path):
    nonce = deployer_nonce()
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    result = run(
        capsys, *common, "--deployment", journal_path, "deploy", "--arbiter", ADDRESSES["arbiter"]
    )
    assert_one_line_failure(result, "network local has no address for", "wbtc token", "--mocks")
    assert deployer_nonce() == nonce


def test_an_arbiter_is_required(capsys, keystores, journal_path):
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    result = run(capsys, *common, "--deployment", journal_path, "deploy", "--mocks")
    assert_one_line_failure(result, "--arbiter")


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("role", ["--arbiter", "--treasury", "--guardian"])
def test_a_zero_address_role_is_refused_before_anything_is_sent(
    capsys, keystores, journal_path, role, dry_run
):
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    args = ["deploy", "--mocks", "--arbiter", ADDRESSES["arbiter"], role, "0x" + "0" * 40]
    nonce = deployer_nonce()
    result = run(capsys, *common, "--deployment", journal_path, *args, *(["--dry-run"] * dry_run))
    assert_one_line_failure(result, f"the zero address cannot be the {role[2:]}", "nothing sent")
    assert deployer_nonce() == nonce
    assert not journal_path.exists()


def test_a_mistyped_mixed_case_arbiter_fails_its_checksum(capsys, keystores, journal_path):
    good = ADDRESSES["arbiter"]
    flipped = good[:-1] + (good[-1].lower() if good[-1].isupper() else good[-1].upper())
    if flipped == good:  # the last character is a digit: flip the last letter instead
        i = max(i for i, c in enumerate(good) if c.isalpha() and i > 1)
        flipped = good[:i] + good[i].swapcase() + good[i + 1 :]
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    nonce = deployer_nonce()
    result = run(capsys, *common, "--deployment", journal_path, "deploy", "--arbiter", flipped)
    assert_one_line_failure(result, f"bad arbiter {flipped}", "EIP-55 checksum")
    assert deployer_nonce() == nonce
    lower = run(
        capsys,
        *common,
        "--deployment",
        journal_path,
        "deploy",
        "--mocks",
        "--dry-run",
        "--arbiter",
        good.lower(),
    )
    assert lower.code == 0, lower.err


def test_a_preset_on_the_wrong_chain_is_refused(capsys, keystores, journal_path):
    common = ["--network", "sepolia", "--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    result = run(capsys, *common, "deploy", "--mocks", "--arbiter", ADDRESSES["arbiter"])
    assert_one_line_failure(result, "wrong chain", "31337", "11155111")


def test_a_network_preset_takes_its_rpc_url_from_its_environment_variable(
    capsys, keystores, journal_path, monkeypatch
):
    common = ["--keystore", keystores["deployer"], "--deployment", journal_path]
    deploy_args = ["deploy", "--mocks", "--arbiter", ADDRESSES["arbiter"], "--dry-run", "--json"]
    monkeypatch.delenv("BAZAAR_SEPOLIA_RPC_URL", raising=False)
    unset = run(capsys, "--network", "sepolia", *common, *deploy_args)
    assert_one_line_failure(unset, "set BAZAAR_SEPOLIA_RPC_URL or pass --rpc-url")
    monkeypatch.setenv("BAZAAR_LOCAL_RPC_URL", rpc_url())
    local = run(capsys, "--network", "local", *common, *deploy_args)
    assert local.code == 0, local.err
    assert local.json()["network"] == "local"


def test_a_configured_feed_that_is_not_what_the_preset_says_is_refused(
    deploy, capsys, keystores, tmp_path, monkeypatch
):
    """Real feed addresses are checked (description, decimals) before anything is sent."""
    assert deploy().code == 0
    mocks = json.loads(next(tmp_path.glob("deployments/*.json")).read_text())["contracts"]
    wrong = mocks["usdc_usd_feed"]["address"]  # says "USDC / USD", not "BTC / USD"
    local = networks.PRESETS["local"]
    feeds = {**local.feeds, "btc_usd": wrong}
    monkeypatch.setitem(networks.PRESETS, "local", replace(local, feeds=feeds))
    monkeypatch.setenv("BAZAAR_LOCAL_RPC_URL", rpc_url())
    nonce = deployer_nonce()
    common = ["--network", "local", "--keystore", keystores["deployer"]]
    result = run(
        capsys,
        *common,
        "--deployment",
        tmp_path / "other.json",
        "deploy",
        "--mocks",
        "--arbiter",
        ADDRESSES["arbiter"],
    )
    assert_one_line_failure(result, f"btc_usd feed {wrong} reports 'USDC / USD'", "'BTC / USD'")
    assert deployer_nonce() == nonce


@contextlib.contextmanager
def anvil_on(port, *args):
    """An anvil of our own on `port` (extra command-line `args`), stopped afterwards."""
    anvil = shutil.which("anvil")
    if anvil is None:
        pytest.fail("anvil is not on PATH (make setup links one into .venv/bin)")
    command = [anvil, "--port", str(port), "--max-persisted-states", "0", "--silent", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def foreign_chain():
    """An anvil of our own (port 18642) with a chain id no preset knows."""
    with anvil_on(18642, "--chain-id", "4242") as url:
        yield url


def test_a_chain_other_than_the_local_one_asks_for_confirmation(
    deploy, tmp_path, foreign_chain, monkeypatch
):
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(foreign_chain))
    path = tmp_path / "4242.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    refused = deploy(url=foreign_chain, path=path)
    assert_one_line_failure(refused, "not confirmed; nothing sent", "--yes")
    assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == 0
    accepted = deploy("--yes", "--json", url=foreign_chain, path=path)
    assert accepted.code == 0, accepted.err
    assert accepted.json()["network"] == "chain-4242"
    assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == len(STEPS)


@pytest.fixture
def public_chain():
    """An anvil of our own (port 18644) with Optimism's chain id (10): a known public chain."""
    with anvil_on(18644, "--chain-id", "10") as url:
        yield url


def test_mocks_on_a_known_public_chain_are_refused_without_yes(
    deploy, tmp_path, public_chain, monkeypatch
):
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(public_chain))
    path = tmp_path / "10.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # a yes at a prompt is not enough
    refused = deploy(url=public_chain, path=path)
    rule = "--mocks on optimism (chain id 10), a public chain"
    assert_one_line_failure(refused, rule, "--mocks --yes", "nothing sent")
    assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == 0
    assert not path.exists()
    # --yes passes the rule; the preset's real feeds are still checked before anything is sent
    # (this anvil has no code at Optimism's BTC/USD address)
    feed = networks.PRESETS["optimism"].feeds["btc_usd"]
    unchecked = deploy("--yes", url=public_chain, path=path)
    assert_one_line_failure(unchecked, f"btc_usd feed {feed} does not answer")
    # with the preset's addresses taken away, --mocks --yes deploys mocks (and Permit2, from
    # its artifact) in their place
    bare = replace(
        networks.PRESETS["optimism"],
        feeds=dict.fromkeys(networks.PRESETS["optimism"].feeds),
        tokens=dict.fromkeys(networks.PRESETS["optimism"].tokens),
        sequencer_feed=None,
        permit2=None,
    )
    monkeypatch.setitem(networks.PRESETS, "optimism", bare)
    dry = deploy("--yes", "--dry-run", "--json", url=public_chain, path=path)
    assert dry.code == 0, dry.err
    assert dry.json()["network"] == "optimism"
    assert [s["step"] for s in dry.json()["steps"]] == STEPS
    assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == 0


# --- a journal never lies about the chain -------------------------------------------------

RESTARTED_PORT = 18643  # an anvil of this module's own, restarted by the test


def test_a_deploy_after_the_chain_restarted_stops_with_one_line_and_sends_nothing(
    deploy, tmp_path, capsys, keystores
):
    from web3 import Web3

    path = tmp_path / "31337.json"
    with anvil_on(RESTARTED_PORT) as url:
        assert deploy("--json", url=url, path=path).code == 0
    with anvil_on(RESTARTED_PORT) as url:  # the same chain id, a new chain
        w3 = Web3(Web3.HTTPProvider(url))
        again = deploy(url=url, path=path)
        assert_one_line_failure(
            again, f"{path} was written on another chain with id 31337", "restarted?", "--fresh"
        )
        assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == 0
        # later commands say the same instead of misreading addresses without code
        status = run(capsys, "--rpc-url", url, "--deployment", path, "status", "--listing", "1")
        assert_one_line_failure(status, "was written on another chain with id 31337")
        before = path.read_text()
        fresh = deploy("--fresh", url=url, path=path)
        assert fresh.code == 0, fresh.err
        kept = fresh.out.splitlines()[0].removeprefix("kept the earlier deployment file as ")
        assert Path(kept).read_text() == before and Path(kept).parent == path.parent
        assert w3.eth.get_transaction_count(ADDRESSES["deployer"]) == len(STEPS)
        assert read(path)["genesisHash"] == "0x" + bytes(w3.eth.get_block(0)["hash"]).hex()


def test_a_journal_whose_contracts_are_gone_stops_naming_the_first_one(deploy, journal_path):
    snapshot = brownie.web3.provider.make_request("evm_snapshot", [])["result"]
    assert deploy().code == 0
    brownie.web3.provider.make_request("evm_revert", [snapshot])  # the chain reset under it
    journal = read(journal_path)
    del journal["genesisHash"]  # as a journal written before the genesis was recorded
    journal_path.write_text(json.dumps(journal))
    nonce = deployer_nonce()
    again = deploy()
    first = journal["steps"][STEPS[0]]
    assert_one_line_failure(
        again, f"step '{STEPS[0]}': no contract at {first['address']}", "nothing sent", "--fresh"
    )
    assert deployer_nonce() == nonce


def test_a_fresh_dry_run_plans_every_step_and_keeps_the_file(deploy, journal_path):
    assert deploy().code == 0
    before = journal_path.read_text()
    dry = deploy("--fresh", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert {s["status"] for s in dry.json()["steps"]} == {"planned"}
    assert journal_path.read_text() == before
    assert list(journal_path.parent.iterdir()) == [journal_path]


def test_with_stdin_closed_the_confirmation_is_a_no_and_nothing_is_sent(
    deploy, tmp_path, foreign_chain, monkeypatch
):
    from web3 import Web3

    monkeypatch.setattr("sys.stdin", None)
    refused = deploy(url=foreign_chain, path=tmp_path / "4242.json")
    assert_one_line_failure(refused, "not confirmed; nothing sent", "--yes")
    assert (
        Web3(Web3.HTTPProvider(foreign_chain)).eth.get_transaction_count(ADDRESSES["deployer"]) == 0
    )


@pytest.fixture
def own_feeds_and_tokens():
    """Feeds and tokens deployed by someone else (as on a chain without a preset)."""
    owner = {"from": brownie.accounts[5]}
    feed, token = artifacts.load("MockAggregator"), artifacts.load("MockERC20")

    def deployed(artifact, *args):
        contract = brownie.web3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        tx = contract.constructor(*args).transact({"from": owner["from"].address})
        return brownie.web3.eth.wait_for_transaction_receipt(tx, timeout=30)["contractAddress"]

    return {
        "btc_usd": deployed(feed, 8, 100_000 * 10**8, "BTC / USD"),
        "wbtc_btc": deployed(feed, 8, 10**8, "WBTC / BTC"),
        "usdc_usd": deployed(feed, 8, 10**8, "USDC / USD"),
        "wbtc": deployed(token, "Wrapped BTC", "WBTC", 8),
        "usdc": deployed(token, "USD Coin", "USDC", 6),
    }


def test_feeds_and_tokens_given_on_the_command_line_replace_the_mocks(
    capsys, keystores, journal_path, own_feeds_and_tokens
):
    given = own_feeds_and_tokens
    common = ["--rpc-url", rpc_url(), "--keystore", keystores["deployer"]]
    args = [f"--feed={k}={given[k]}" for k in ("btc_usd", "wbtc_btc", "usdc_usd")]
    args += [f"--token={k}={given[k]}" for k in ("wbtc", "usdc")]
    result = run(
        capsys, *common, "--deployment", journal_path, "--json", "deploy", *args,
        "--arbiter", ADDRESSES["arbiter"],
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["tokens"] == {"wbtc": given["wbtc"], "usdc": given["usdc"]}
    assert not {"wbtc", "usdc", "btc_usd_feed"} & {s["step"] for s in data["steps"]}
    oracle = brownie.Contract.from_abi(
        "oracle", data["contracts"]["oracle"], artifacts.load("WbtcUsdOracle").abi
    )
    assert oracle.quote(given["wbtc"], 1_000 * 10**8)[0] == 10**6  # $1,000 = 0.01 WBTC


@pytest.mark.parametrize(
    "extra, fragments",
    [
        (["--feed", "eth_usd=ADDR"], ["bad --feed", "KEY=ADDRESS"]),
        (["--feed", "btc_usd"], ["bad --feed"]),
        (["--token", "wbtc=EOA"], ["--token wbtc: no contract at"]),
        (["--token", "wbtc=FEED"], ["--token wbtc:", "is not an ERC-20 token"]),
        (["--feed", "btc_usd=USDCFEED"], ["btc_usd feed", "'USDC / USD'"]),
        (["--feed", "btc_usd=ADDR", "--feed", "btc_usd=ADDR"], ["given twice"]),
        (["--sequencer-feed", "0x0000000000000000000000000000000000000000"], ["zero address"]),
    ],
)
def test_a_bad_feed_or_token_on_the_command_line_is_refused_before_anything_is_sent(
    deploy, journal_path, own_feeds_and_tokens, extra, fragments
):
    given = own_feeds_and_tokens
    values = {
        "ADDR": given["btc_usd"],
        "EOA": ADDRESSES["seller"],
        "FEED": given["btc_usd"],
        "USDCFEED": given["usdc_usd"],
    }
    extra = [
        "=".join([*a.split("=")[:-1], values.get(a.split("=")[-1], a.split("=")[-1])])
        if "=" in a
        else a
        for a in extra
    ]
    nonce = deployer_nonce()
    assert_one_line_failure(deploy(*extra), *fragments)
    assert deployer_nonce() == nonce and not journal_path.exists()
