"""`--safe-batch FILE --safe ADDRESS` on any command that sends: the command runs as the Safe on
a local fork of the chain (so its output is what would happen), its transactions are written as
a Safe Transaction Builder batch, and nothing reaches the chain. Sending the batch's
transactions from the Safe then does what the command printed. (A test account stands in for
the Safe: what matters is the address the calls come from.)"""

import argparse
import json

import brownie
import pytest

from bazaar import artifacts
from bazaar.cli import build_parser
from bazaar.safe import checksum as batch_checksum
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_by_cli, nonces

SAFE = ADDRESSES["seller"]  # the "Safe" of these tests


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite; the Safe (the seller's address) lists a $1,000 item (listing 1); the buyer
    holds 1 WBTC."""
    listing = ["list", "--price", "1000", "--stock", "10", "--token", "wbtc"]
    deployed = deploy_by_cli(tmp_path_factory.mktemp("safe"), ("seller", listing))
    wbtc = brownie.Contract.from_abi(
        "WBTC", deployed["journal"]["tokens"]["wbtc"], artifacts.load("MockERC20").abi
    )
    wbtc.mint(ADDRESSES["buyer"], 10**8, {"from": brownie.accounts[0]})
    market = deployed["journal"]["contracts"]["market"]["address"]
    return {**deployed, "wbtc": wbtc, "market": market}


def chain_state():
    return nonces(), brownie.web3.eth.block_number


def send_as_safe(batch):
    """Sends the batch's transactions from the Safe, in order (as the Safe would)."""
    safe = brownie.accounts.at(SAFE, force=True)
    for tx in batch["transactions"]:
        safe.transfer(tx["to"], int(tx["value"]), data=tx["data"])


def test_a_listing_batched_for_a_safe_sends_nothing_and_lists_when_the_safe_sends_it(
    bazaar, suite, tmp_path
):
    path = tmp_path / "list.json"
    before = chain_state()
    result = bazaar(
        "list", "--price", "25", "--stock", 2, "--token", "wbtc", "--safe-batch", path,
        "--safe", SAFE, json=True,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert chain_state() == before
    data = result.json()
    assert data["listingId"] == 2 and data["safe"] == SAFE and data["safeBatch"] == str(path)
    assert "txHash" not in data and "gasUsed" not in data  # the fork's, not the Safe's
    batch = json.loads(path.read_text())
    assert batch["meta"]["checksum"] == batch_checksum(batch)
    assert batch["meta"]["createdFromSafeAddress"] == SAFE
    assert batch["meta"]["name"] == "bazaar list --price 25 --stock 2 --token wbtc"
    assert batch["meta"]["description"] == (
        "bazaar list --price 25 --stock 2 --token wbtc"
    )  # no node URL, no file names
    (tx,) = batch["transactions"]
    assert tx["to"] == suite["market"]
    send_as_safe(batch)
    status = bazaar("status", "--listing", 2, json=True).json()
    assert (status["seller"], status["priceUsd"], status["stock"]) == (SAFE, 25 * 10**8, 2)


def test_a_checkout_by_a_safe_is_an_approval_then_the_checkout_in_one_batch(
    bazaar, suite, tmp_path
):
    path = tmp_path / "buy.json"
    before = chain_state()
    result = bazaar(
        "buy", "--listing", 1, "--token", "wbtc", "--arbiter", ADDRESSES["arbiter"],
        "--safe-batch", path, "--safe", ADDRESSES["buyer"],
    )  # fmt: skip
    assert result.code == 0, result.err
    assert chain_state() == before
    assert "approved first" in result.out and f"2 transaction(s) written to {path}" in result.out
    batch = json.loads(path.read_text())
    approve, checkout = batch["transactions"]
    assert approve["to"] == suite["wbtc"].address and checkout["to"] == suite["market"]
    buyer = brownie.accounts[1]
    for tx in batch["transactions"]:
        buyer.transfer(tx["to"], 0, data=tx["data"])
    assert suite["wbtc"].balanceOf(suite["market"]) == 10**6


def test_a_refusal_on_the_fork_is_one_line_and_writes_no_batch(bazaar, tmp_path):
    path = tmp_path / "never.json"
    before = chain_state()
    result = bazaar(
        "update-listing", 1, "--stock", 1, "--safe-batch", path, "--safe", SAFE[:-1] + "0"
    )
    assert_one_line_failure(result)
    result = bazaar(
        "update-listing", 1, "--stock", 1, "--safe-batch", path, "--safe", ADDRESSES["buyer"]
    )
    assert_one_line_failure(result, "may not update it")
    assert not path.exists() and chain_state() == before


def test_a_batch_needs_the_safe_and_a_new_file_in_an_existing_folder(bazaar, tmp_path):
    assert_one_line_failure(
        bazaar("pause", "--safe-batch", tmp_path / "b.json"), "--safe-batch needs --safe"
    )
    assert_one_line_failure(bazaar("pause", "--safe", SAFE), "--safe needs --safe-batch FILE")
    taken = tmp_path / "taken.json"
    taken.write_text("{}")
    assert_one_line_failure(
        bazaar("pause", "--safe-batch", taken, "--safe", SAFE), "exists; not overwriting"
    )
    assert taken.read_text() == "{}"


def test_a_staking_batch_and_a_guardian_batch_replay_as_printed(bazaar, suite, tmp_path):
    guardian = ADDRESSES["deployer"]
    path = tmp_path / "pause.json"
    assert bazaar("pause", "--safe-batch", path, "--safe", guardian).code == 0
    market = brownie.Contract.from_abi(
        "market", suite["market"], artifacts.load("EscrowMarketplace").abi
    )
    assert market.config()["paused"] is False
    for tx in json.loads(path.read_text())["transactions"]:
        brownie.accounts[0].transfer(tx["to"], 0, data=tx["data"])
    assert market.config()["paused"] is True


READ_ONLY = {
    "account new", "account import", "account address", "deploy", "quote", "status",
    "goods show", "sign-vote", "sign-delegation", "index", "orders", "listings", "proposals",
    "earnings",
    "keeper",  # sends, but as a service from its own key: never a Safe's one-off batch
    "serve", "catalogue upload",  # the storefront server and its uploads: no transactions
    "publish-offer",  # a signed offer into the index: no transaction
}  # fmt: skip


def commands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = list(commands(sub, (*prefix, name)))
                yield from nested or [(" ".join((*prefix, name)), sub)]


def test_every_command_that_sends_offers_a_safe_batch_and_no_other_does():
    offered = {
        name
        for name, parser in commands(build_parser())
        if any("--safe-batch" in a.option_strings for a in parser._actions)
    }
    every = {name for name, _ in commands(build_parser())}
    assert every - offered == READ_ONLY
