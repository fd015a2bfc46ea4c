"""`bazaar deploy` and Uniswap's Permit2: a local chain gets one deployed from its artifact (the
step `permit2`), `--permit2 ADDRESS` uses an existing one instead, and every Permit2 address
the plan would use (given, or a public preset's canonical one) is checked before anything is
sent: it must have code, and Permit2's DOMAIN_SEPARATOR() for this chain and that address."""

import json
from dataclasses import replace

import brownie
import pytest
from eth_utils import keccak
from web3 import Web3

from bazaar import artifacts, networks
from bazaar.cli import EXIT_REFUSED
from bazaar.deploy.rehearsal import anvil
from bazaar.signing import permit2 as typed
from tests.support.cli import ADDRESSES, assert_one_line_failure, run
from tools.local.suite import deploy_artifact
from tools.toolchain.permit2 import CREATE2_DEPLOYER, CREATE2_SALT


def nonce(w3=None):
    return (w3 or brownie.web3).eth.get_transaction_count(ADDRESSES["deployer"])


def deployed(name, *args):
    """Contract `name` deployed from its shipped artifact by account 5 (not the deployer)."""
    artifact = artifacts.load(name)
    factory = brownie.web3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx = factory.constructor(*args).transact({"from": brownie.accounts[5].address})
    return brownie.web3.eth.wait_for_transaction_receipt(tx, timeout=30)["contractAddress"]


def test_a_local_chain_gets_permit2_deployed_from_its_artifact_and_journaled(deploy, journal_path):
    result = deploy("--json")
    assert result.code == 0, result.err
    data = result.json()
    steps = [s["step"] for s in data["steps"]]
    assert steps.index("permit2") < steps.index("oracle")
    address = data["contracts"]["permit2"]
    assert data["permit2"] == address
    journal = json.loads(journal_path.read_text())
    assert journal["permit2"] == address
    permit2 = journal["contracts"]["permit2"]
    assert permit2["contract"] == "Permit2" and permit2["constructorArgs"] == []
    assert permit2["initCodeHash"] == "0x" + keccak(hexstr=artifacts.load("Permit2").bytecode).hex()
    contract = brownie.Contract.from_abi("P2", address, artifacts.load("Permit2").abi)
    assert bytes(contract.DOMAIN_SEPARATOR()) == typed.domain_separator(31337, address)


def test_an_existing_permit2_given_with_permit2_is_used_and_none_is_deployed(deploy):
    existing = deploy_artifact("Permit2", brownie.accounts[5]).address
    result = deploy("--permit2", existing, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert "permit2" not in {s["step"] for s in data["steps"]}
    assert "permit2" not in data["contracts"]
    assert data["permit2"] == existing


@pytest.mark.parametrize(
    "given, fragments",
    [
        ("EOA", ["--permit2: no contract at", "on chain 31337", "nothing sent"]),
        ("TOKEN", ["does not answer DOMAIN_SEPARATOR(): not a Permit2", "nothing sent"]),
        ("POINTS", ["has DOMAIN_SEPARATOR() 0x", "Permit2's there is 0x", "chain 31337"]),
        ("0x1234", ["bad --permit2 '0x1234'", "40 hex digits"]),
    ],
)
def test_a_permit2_that_is_not_permit2_is_refused_with_one_line_and_nothing_sent(
    deploy, journal_path, given, fragments
):
    addresses = {
        "EOA": ADDRESSES["seller"],
        "TOKEN": deployed("MockWBTC"),
        # an ERC-2612 token: it has a DOMAIN_SEPARATOR(), but its own
        "POINTS": deployed("RewardPoints", ADDRESSES["seller"]),
    }
    before = nonce()
    result = deploy("--permit2", addresses.get(given, given))
    assert_one_line_failure(result, *fragments)
    assert result.code == EXIT_REFUSED
    assert nonce() == before and not journal_path.exists()


def test_a_public_presets_canonical_permit2_is_checked_before_anything_is_sent(
    deploy, tmp_path, monkeypatch
):
    """Optimism's chain id on an anvil: the preset names the canonical Permit2, which is not
    there until it is created the way it was on the public chains (the CREATE2 deployer,
    Permit2's salt, the artifact's init code); then the plan uses it and deploys none."""
    optimism = networks.PRESETS["optimism"]
    bare = replace(  # mocks for the feeds and tokens; the preset's Permit2 kept
        optimism,
        feeds=dict.fromkeys(optimism.feeds),
        tokens=dict.fromkeys(optimism.tokens),
        sequencer_feed=None,
    )
    monkeypatch.setitem(networks.PRESETS, "optimism", bare)
    canonical = networks.PERMIT2_ADDRESS
    path = tmp_path / "10.json"
    with anvil("--chain-id", "10", "--max-persisted-states", "0") as url:
        w3 = Web3(Web3.HTTPProvider(url))
        refused = deploy("--yes", url=url, path=path)
        assert_one_line_failure(
            refused, f"optimism's Permit2: no contract at {canonical} on chain 10", "nothing sent"
        )
        assert nonce(w3) == 0 and not path.exists()
        init_code = bytes.fromhex(artifacts.load("Permit2").bytecode[2:])
        tx = w3.eth.send_transaction(
            {"from": ADDRESSES["seller"], "to": CREATE2_DEPLOYER, "data": CREATE2_SALT + init_code}
        )
        assert w3.eth.wait_for_transaction_receipt(tx)["status"] == 1
        dry = deploy("--yes", "--dry-run", "--json", url=url, path=path)
        assert dry.code == 0, dry.err
        assert "permit2" not in {s["step"] for s in dry.json()["steps"]}
        assert nonce(w3) == 0


def test_without_mocks_a_chain_without_a_known_permit2_names_it_among_what_is_missing(
    capsys, keystores, tmp_path
):
    with anvil("--chain-id", "4242", "--max-persisted-states", "0") as url:
        common = ["--rpc-url", url, "--keystore", keystores["deployer"]]
        result = run(
            capsys, *common, "--deployment", tmp_path / "4242.json", "deploy", "--arbiter",
            ADDRESSES["arbiter"],
        )  # fmt: skip
        assert_one_line_failure(
            result, "network chain-4242 has no address for", "Permit2 (--permit2 ADDRESS)"
        )
