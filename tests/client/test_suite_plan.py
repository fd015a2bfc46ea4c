"""One plan builds the suite everywhere. On the same anvil, `bazaar deploy` (the journaled
engine) and the brownie adapter that the demo, the bench, the invariant machine and the test
fixtures use (tools/local/suite.py) run the same steps, deploy the same contracts with the same
constructor arguments, and end with the same owners, roles and wiring."""

import contextlib
import io
import json
from pathlib import Path

import pytest
from eth_abi import decode
from eth_utils.abi import collapse_if_tuple
from web3 import Web3

from bazaar import artifacts
from bazaar.cli import main
from bazaar.deploy.plan import ZERO_ADDRESS
from bazaar.deploy.suite import GOVERNED
from bazaar.settings import TIMELOCK_DELAY
from bazaar.types import ROLE_NAMES
from tests.support.cli import ADDRESSES, PASSWORD, rpc_url, write_fast_keystores
from tools.local import suite as local_suite

ROOT = Path(__file__).resolve().parents[2]
SUITE_CONTRACTS = (
    "WbtcUsdOracle",
    "DigitalGoods",
    "RewardPoints",
    "MarketplaceOffers",
    "EscrowMarketplace",
    "PointsStaking",
    "BazaarTimelock",
    "BazaarGovernor",
)


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(rpc_url()))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """`bazaar deploy --mocks`: the steps it ran, and each contract's (type, address, tx)."""
    folder = tmp_path_factory.mktemp("plan")
    keys = write_fast_keystores(folder / "keys")
    path = folder / "31337.json"
    argv = ["--rpc-url", rpc_url(), "--deployment", str(path), "--keystore", keys["deployer"]]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([*argv, "deploy", "--mocks", "--arbiter", ADDRESSES["arbiter"]]) == 0
    journal = json.loads(path.read_text())
    contracts = {
        name: (entry["contract"], entry["address"], entry["txHash"])
        for name, entry in journal["contracts"].items()
    }
    return list(journal["steps"]), contracts


@pytest.fixture(scope="module")
def adapter(accounts):
    """The adapter's suite, handed to the DAO, from the same deployer (as the demo does)."""
    deployer = accounts[0]
    suite = local_suite.deploy(deployer, deployer, deployer, [ADDRESSES["arbiter"]])
    suite = local_suite.hand_to_dao(suite, deployer)
    contracts = {
        name: (contract._name, contract.address, contract.tx.txid)
        for name, contract in suite.contracts.items()
    }
    return list(suite.steps), contracts


def naming(contracts):
    """Address -> what it is in its own deployment (step name, or the account's role)."""
    names = {address: name for name, (_, address, _) in contracts.items()}
    return names | {
        ADDRESSES["deployer"]: "deployer",
        ADDRESSES["arbiter"]: "arbiter",
        ZERO_ADDRESS: "zero",
    }


def named(value, names):
    if isinstance(value, tuple | list):
        return [named(v, names) for v in value]
    if isinstance(value, str) and Web3.is_address(value):
        return names.get(Web3.to_checksum_address(value), value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def constructor_args(w3, contracts):
    """Each contract's type and constructor arguments, read back from its creation
    transaction, addresses named."""
    names, found = naming(contracts), {}
    for name, (kind, _, tx_hash) in contracts.items():
        artifact = artifacts.load(kind)
        data = bytes(w3.eth.get_transaction(tx_hash)["input"])
        # the init code, then the arguments (the adapter deploys brownie's build, the engine
        # the shipped artifact: the same code, its length is what counts here)
        code = bytes.fromhex(artifact.bytecode[2:])
        constructor = [i for i in artifact.abi if i["type"] == "constructor"]
        inputs = constructor[0]["inputs"] if constructor else []
        args = decode([collapse_if_tuple(i) for i in inputs], data[len(code) :])
        found[name] = (kind, named(list(args), names))
    return found


def final_state(w3, contracts):
    """Owners, the timelock's delay and roles, and the wiring, addresses named."""
    names = naming(contracts)
    address = {name: a for name, (_, a, _) in contracts.items()} | {
        "deployer": ADDRESSES["deployer"],
        "zero": ZERO_ADDRESS,
    }

    def at(name):
        kind = contracts[name][0]
        return w3.eth.contract(address=address[name], abi=artifacts.load(kind).abi).functions

    state = {f"{key}.owner": names[at(key).owner().call()] for key, _ in GOVERNED}
    state |= {f"{key}.pendingOwner": names[at(key).pendingOwner().call()] for key, _ in GOVERNED}
    timelock = at("timelock")
    state["timelock.minDelay"] = timelock.getMinDelay().call()
    for role, role_name in ROLE_NAMES.items():
        for who in ("governor", "deployer", "zero", "timelock"):
            state[f"{role_name}({who})"] = timelock.hasRole(role, address[who]).call()
    market = at("market")
    state["market.staking"] = names[market.staking().call()]
    state["market.stakerShareBps"] = market.stakerShareBps().call()
    state["market.tokens"] = [names[market.paymentToken(i).call()] for i in (1, 2)]
    state["market.arbiter"] = market.isActiveArbiter(ADDRESSES["arbiter"]).call()
    state["goods.marketplace"] = names[at("goods").marketplace().call()]
    state["points.marketplace"] = names[at("points").marketplace().call()]
    return state


def test_the_engine_and_the_adapter_run_the_same_steps(engine, adapter):
    assert adapter[0] == engine[0]
    assert len(engine[0]) == 33


def test_they_deploy_the_same_contracts_with_the_same_constructor_arguments(w3, engine, adapter):
    deployed = constructor_args(w3, engine[1])
    assert constructor_args(w3, adapter[1]) == deployed
    assert sorted(kind for kind, _ in deployed.values() if kind in SUITE_CONTRACTS) == sorted(
        SUITE_CONTRACTS
    )
    assert deployed["market"][1] == [
        "deployer",
        "oracle",
        "deployer",
        "deployer",
        "goods",
        "points",
        "permit2",
        "offers",
    ]
    assert deployed["offers"][1] == ["oracle", "goods", "points"]


def test_they_end_with_the_same_owners_roles_and_wiring(w3, engine, adapter):
    state = final_state(w3, engine[1])
    assert final_state(w3, adapter[1]) == state
    assert {state[f"{key}.owner"] for key, _ in GOVERNED} == {"timelock"}
    assert state["timelock.minDelay"] == TIMELOCK_DELAY
    assert state["PROPOSER_ROLE(governor)"] and state["EXECUTOR_ROLE(zero)"]
    assert not any(v for k, v in state.items() if k.endswith("(deployer)"))


@pytest.mark.parametrize("path", ["tools/local/bench.py", "tests/invariant/test_invariants.py"])
def test_the_bench_and_the_invariant_machine_deploy_through_the_adapter(path):
    text = (ROOT / path).read_text()
    assert "local_suite.deploy(" in text
    assert not [name for name in SUITE_CONTRACTS if f"{name}.deploy(" in text]


def test_the_demo_deploys_with_bazaar_deploy_itself():
    text = (ROOT / "tools" / "local" / "demo.py").read_text()
    assert 'run("deployer", "deploy", "--mocks"' in text
    assert "brownie" not in text and "local_suite" not in text


def fixture_source(module, name):
    """The source of fixture `name` in tests/fixtures/<module>.py."""
    text = (ROOT / "tests" / "fixtures" / f"{module}.py").read_text()
    return text.split(f"\ndef {name}(", 1)[1].split("\n@pytest.fixture", 1)[0]


def test_the_fixtures_build_the_marketplace_and_the_dao_through_the_adapter():
    assert "local_suite.deploy(" in fixture_source("suite", "suite_without_staking")
    assert "local_suite.hand_over(" in fixture_source("governance", "dao")
