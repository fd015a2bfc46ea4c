"""What the index knows beyond orders, on both databases: proposals with their state, votes
and deadlines (`bazaar proposals`), a seller's proceeds and a staker's rewards
(`bazaar earnings`); and the marketplace client finding an order's terms in the index (no
log scan), falling back to the logs for an order the index has not seen."""

import json

import brownie
import pytest

from bazaar import artifacts
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.settings import POINT, STAKING_SETTINGS, USD
from tests.support.cli import ADDRESSES, deploy_by_cli, run
from tests.support.helpers import mine_at

BUYER, SELLER, ARBITER = ADDRESSES["buyer"], ADDRESSES["seller"], ADDRESSES["arbiter"]


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


def latest() -> int:
    return brownie.web3.eth.get_block("latest")["timestamp"]


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """One $1,000 USDC order completed (the seller was paid 990 USDC, the buyer earned 1,000
    points); the buyer staked them (warmed up) and the fees went to the stakers."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("earnings"))
    journal = deployed["journal"]
    found = {k: contract(journal, k) for k in ("market", "points", "staking")}
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockUSDC").abi
    )
    market, buyer, seller = found["market"], brownie.accounts[1], brownie.accounts[2]
    market.list(1_000 * USD, 10, [usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    usdc.mint(buyer, 2_000 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    tx = market.checkout(1, 1, usdc, 1_050 * 10**6, 2**40, ARBITER, 0, {"from": buyer})
    terms = tuple(tx.events["OrderPaid"]["terms"])
    market.ship(terms, b"\x07" * 32, {"from": seller})
    market.confirm(terms, {"from": buyer})
    found["points"].approve(found["staking"], 1_000 * POINT, {"from": buyer})
    found["staking"].stake(1_000 * POINT, {"from": buyer})
    mine_at(latest() + STAKING_SETTINGS.warmup + 1)
    found["staking"].activate(BUYER, {"from": buyer})
    market.withdrawFees(usdc, {"from": brownie.accounts[5]})
    mine_at(latest() + 3_600)
    return {**deployed, **found, "usdc": usdc, "order": "0x" + bytes(
        tx.events["OrderPaid"]["orderId"]
    ).hex()}  # fmt: skip


def bazaar(capsys, suite, *args, who=None):
    extra = ["--keystore", suite["keys"][who]] if who else []
    return run(capsys, *suite["base"], *extra, *args)


def ask(capsys, suite, db_url, *args, who=None):
    result = bazaar(capsys, suite, "--json", *args, "--db", db_url, who=who)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_proposal_is_listed_with_its_state_votes_and_deadlines(capsys, suite, db_url):
    proposed = bazaar(capsys, suite, "--json", "propose", "--fee-bps", "150", who="buyer")
    assert proposed.code == 0, proposed.err
    proposal = json.loads(proposed.out)["proposalId"]
    ask(capsys, suite, db_url, "index")
    (row,) = ask(capsys, suite, db_url, "proposals")["proposals"]
    assert (row["proposalId"], row["state"], row["proposer"]) == (proposal, "Pending", BUYER)
    assert row["votesFor"] == "0" and row["voteEndIso"].endswith("Z")
    mine_at(row["voteStart"] + 1)
    assert bazaar(capsys, suite, "vote", proposal, "for", who="buyer").code == 0
    ask(capsys, suite, db_url, "index")
    (row,) = ask(capsys, suite, db_url, "proposals")["proposals"]
    assert row["state"] == "Active" and row["voters"] == 1
    assert (row["votesFor"], row["votesForFormatted"]) == (str(1_000 * POINT), "1000 points")
    human = bazaar(capsys, suite, "proposals", "--db", db_url).out
    assert f"  {proposal}\n    Active: " in human and "for 1000 points" in human
    assert ask(capsys, suite, db_url, "proposals", "--proposer", SELLER)["proposals"] == []


def test_earnings_give_a_seller_s_proceeds_and_a_staker_s_rewards(capsys, suite, db_url):
    claimed = bazaar(capsys, suite, "claim-rewards", who="buyer")
    assert claimed.code == 0, claimed.err
    ask(capsys, suite, db_url, "index")
    usdc = suite["usdc"].address
    seller = ask(capsys, suite, db_url, "earnings", "--account", SELLER)
    assert seller["orders"] == 1
    assert seller["proceeds"][usdc] == {"units": str(990 * 10**6), "formatted": "990 USDC"}
    staker = ask(capsys, suite, db_url, "earnings", "--account", BUYER)
    paid = int(staker["rewardsClaimed"][usdc]["units"])
    assert paid > 0 and suite["usdc"].balanceOf(BUYER) >= paid
    assert staker["proceeds"] == {}
    human = bazaar(capsys, suite, "earnings", "--account", SELLER, "--db", db_url).out
    assert "as a seller: 990 USDC paid out for 1 order(s)" in human


def test_the_client_finds_order_terms_in_the_index_and_in_the_logs_without_it(
    capsys, suite, db_url, monkeypatch, tmp_path
):
    ask(capsys, suite, db_url, "index")
    monkeypatch.setenv("BAZAAR_INDEX_URL", db_url)

    def no_scan(self, *args, **kwargs):
        raise AssertionError("the logs were scanned")

    with monkeypatch.context() as patch:
        patch.setattr(MarketplaceClient, "logs", no_scan)
        status = bazaar(capsys, suite, "--json", "status", suite["order"])
        assert status.code == 0, status.err
        assert json.loads(status.out)["status"] == "Completed"
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"  # an index that has not seen the order
    monkeypatch.setenv("BAZAAR_INDEX_URL", empty)
    status = bazaar(capsys, suite, "--json", "status", suite["order"])
    assert status.code == 0 and json.loads(status.out)["status"] == "Completed"
