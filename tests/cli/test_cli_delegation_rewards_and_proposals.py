"""Staking and governance commands beyond stake, vote and execute, through `bazaar.cli.main`
on a suite `bazaar deploy --mocks` handed to its DAO: fee rewards (deposit, activate, claim),
delegation (direct, and signed off-line then relayed by anyone), a proposer cancelling, and a
proposal of several calls executed atomically. Each refusal is one line with nothing sent."""

import json

import brownie
import pytest

from bazaar import artifacts
from bazaar.settings import GOVERNOR_SETTINGS, POINT, STAKING_SETTINGS, TIMELOCK_DELAY, USD
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_by_cli, nonces
from tests.support.helpers import mine_at

INDEX = {"deployer": 0, "buyer": 1, "seller": 2, "arbiter": 3}


def latest() -> int:
    return brownie.web3.eth.get_block("latest")["timestamp"]


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite, handed to the DAO; one $1,000 USDC order completed (the buyer earned 1,000
    points, 10 USDC of fees accrued); the buyer holds 100 USDC more."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("rewards"))
    journal = deployed["journal"]
    found = {k: contract(journal, k) for k in ("market", "points", "staking", "governor")}
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockERC20").abi
    )
    market, buyer, seller = found["market"], brownie.accounts[1], brownie.accounts[2]
    tx = market.list(1_000 * USD, 10, [usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    usdc.mint(buyer, 1_100 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    tx = market.checkout(
        tx.events["Listed"]["listingId"], 1, usdc, 1_050 * 10**6, 2**40, ADDRESSES["arbiter"], 0,
        {"from": buyer},
    )  # fmt: skip
    terms = tuple(tx.events["OrderPaid"]["terms"])
    market.ship(terms, b"\x07" * 32, {"from": seller})
    market.confirm(terms, {"from": buyer})
    return {**deployed, **found, "usdc": usdc}


@pytest.fixture
def staked(bazaar, suite):
    """The buyer stakes 1,000 points from the CLI; warmed up."""
    assert bazaar("stake", "1000", who="buyer").code == 0
    mine_at(latest() + STAKING_SETTINGS.warmup + 1)


def refused(bazaar, who, *args, fragments):
    before = nonces()
    assert_one_line_failure(bazaar(*args, who=who), *fragments)
    assert nonces() == before


# -- rewards ----------------------------------------------------------------------------


def test_a_warmed_up_stake_is_activated_then_earns_the_fee_share_it_claims(bazaar, suite, staked):
    refused(bazaar, "buyer", "claim-rewards", fragments=["1000 points matured", "bazaar activate"])
    activated = bazaar("activate", ADDRESSES["buyer"], who="seller", json=True)
    assert activated.code == 0, activated.err
    refused(bazaar, "seller", "activate", ADDRESSES["buyer"], fragments=["NothingToActivate"])
    refused(bazaar, "buyer", "claim-rewards", fragments=["no rewards to claim yet"])
    paid = bazaar("withdraw-fees", "--token", "usdc", who="seller", json=True).json()
    assert paid["toStakers"] > 0
    mine_at(latest() + 30 * 86_400)  # past the whole stream
    before = suite["usdc"].balanceOf(ADDRESSES["arbiter"])
    data = bazaar("claim-rewards", "--to", ADDRESSES["arbiter"], who="buyer", json=True).json()
    (claimed,) = data["claimed"]
    assert claimed["token"] == suite["usdc"].address and claimed["amount"] > 0
    # the only earning staker gets the whole stream, but for rounding dust
    assert paid["toStakers"] - claimed["amount"] <= 10
    assert suite["usdc"].balanceOf(ADDRESSES["arbiter"]) == before + claimed["amount"]
    refused(bazaar, "buyer", "claim-rewards", "--token", "usdc", fragments=["NothingToClaim"])


def test_anyone_deposits_rewards_approving_first_and_refusing_an_unknown_token(
    bazaar, suite, staked
):
    before = nonces()["buyer"]
    data = bazaar("deposit-rewards", "25", "--token", "usdc", who="buyer", json=True).json()
    assert (data["amount"], data["amountFormatted"]) == (25 * 10**6, "25 USDC")
    assert nonces()["buyer"] == before + 2  # approve, deposit
    refused(
        bazaar, "buyer", "deposit-rewards", "1", "--token", suite["points"].address,
        fragments=["StakingRewardTokenUnknown"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "deposit-rewards", "1", "--token", "usdc", "--no-approve",
        fragments=["allowance too low"],
    )  # fmt: skip


# -- delegation -------------------------------------------------------------------------


def test_delegate_moves_the_votes_and_back(bazaar, suite, staked):
    data = bazaar("delegate", ADDRESSES["arbiter"], who="buyer", json=True).json()
    assert data["delegate"] == ADDRESSES["arbiter"]
    sent_at = brownie.web3.eth.get_block("latest")["timestamp"]
    assert data["votesFrom"] == sent_at + STAKING_SETTINGS.warmup and data["votesFromIso"]
    shown = bazaar("status", "--staker", ADDRESSES["buyer"]).out
    assert f"(delegate {ADDRESSES['arbiter']})" in shown
    assert suite["staking"].getVotes(ADDRESSES["buyer"]) == 0  # the buyer's votes leave now
    mine_at(latest() + STAKING_SETTINGS.warmup + 1)  # and count for the delegate after the warm-up
    assert suite["staking"].getVotes(ADDRESSES["arbiter"]) == 1_000 * POINT
    human = bazaar("delegate", ADDRESSES["buyer"], who="buyer")
    first, second = human.out.strip().splitlines()
    assert first == f"{ADDRESSES['buyer']} now votes through {ADDRESSES['buyer']}"
    assert second.startswith(f"  the moved votes count for {ADDRESSES['buyer']} from 20")
    assert second.endswith(") (the warm-up)")
    assert "(delegate: itself)" in bazaar("status", "--staker", ADDRESSES["buyer"]).out
    fresh = bazaar("status", "--staker", ADDRESSES["seller"]).out  # never staked
    assert "no delegate yet: the first stake delegates to itself" in fresh
    refused(bazaar, "buyer", "delegate", "0x12", fragments=["delegatee"])
    refused(bazaar, "buyer", "delegate", "0x" + "0" * 40, fragments=["throws the votes away"])


def test_a_signed_delegation_is_relayed_by_another_account_once(bazaar, suite, staked, tmp_path):
    before = nonces()
    signed = bazaar("sign-delegation", ADDRESSES["arbiter"], who="buyer")
    assert signed.code == 0 and nonces() == before  # signing sends nothing
    data = json.loads(signed.out)
    assert len(signed.out.splitlines()) == 1
    assert (data["type"], data["delegator"], data["delegatee"], data["nonce"]) == (
        "bazaar-delegation",
        ADDRESSES["buyer"],
        ADDRESSES["arbiter"],
        0,
    )
    path = tmp_path / "delegation.json"
    path.write_text(signed.out)
    relayed = bazaar("relay-delegation", path, who="seller", json=True).json()
    assert relayed["delegate"] == ADDRESSES["arbiter"]
    assert nonces()["buyer"] == before["buyer"]  # the seller paid the gas
    assert suite["staking"].delegates(ADDRESSES["buyer"]) == ADDRESSES["arbiter"]
    refused(bazaar, "seller", "relay-delegation", path, fragments=["InvalidAccountNonce"])


def test_a_tampered_or_foreign_delegation_is_refused_before_sending(bazaar, staked, tmp_path):
    data = json.loads(bazaar("sign-delegation", ADDRESSES["arbiter"], who="buyer").out)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps({**data, "delegatee": ADDRESSES["seller"]}))
    refused(bazaar, "seller", "relay-delegation", tampered, fragments=["not signed by"])
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({**data, "chainId": 1}))
    refused(bazaar, "seller", "relay-delegation", foreign, fragments=["on chain 1"])
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**data, "nonce": "zero"}))
    refused(bazaar, "seller", "relay-delegation", broken, fragments=["nonce"])
    refused(bazaar, "seller", "relay-delegation", tmp_path / "none", fragments=["cannot read"])


# -- proposals --------------------------------------------------------------------------


def test_the_proposer_cancels_a_pending_proposal_and_nobody_else_may(bazaar, staked):
    proposal = bazaar("propose", "--fee-bps", 120, who="buyer", json=True).json()
    proposal_id = proposal["proposalId"]
    refused(bazaar, "seller", "cancel-proposal", proposal_id, fragments=["would revert"])
    data = bazaar("cancel-proposal", proposal_id, who="buyer", json=True).json()
    assert data["state"] == "Canceled"
    refused(bazaar, "buyer", "vote", proposal_id, "for", fragments=["Canceled"])


def test_a_proposal_of_several_calls_runs_them_all_in_one_execution(bazaar, suite, staked):
    result = bazaar(
        "propose", "--call", "market setFees(uint256,uint256) 150 250",
        "--call", "market setPointsRate(uint256) 2",
        "--call", "staking setCooldown(uint256) 864000", who="buyer", json=True,
    )  # fmt: skip
    assert result.code == 0, result.err
    proposal = result.json()
    market, staking = suite["market"].address, suite["staking"].address
    assert proposal["targets"] == [market, market, staking]
    assert proposal["calldatas"][0] == suite["market"].setFees.encode_input(150, 250)
    proposal_id = proposal["proposalId"]
    mine_at(proposal["snapshot"] + 1)
    assert bazaar("vote", proposal_id, "for", who="buyer").code == 0
    mine_at(proposal["deadline"] + 1 + GOVERNOR_SETTINGS.late_quorum_extension)
    assert bazaar("queue", proposal_id, who="seller").code == 0
    mine_at(latest() + TIMELOCK_DELAY + 1)
    assert bazaar("execute", proposal_id, who="seller").code == 0
    config = suite["market"].config()
    assert (config["feeBps"], config["arbiterFeeBps"], config["pointsPerUsd"]) == (150, 250, 2)
    assert suite["staking"].cooldownSeconds() == 864_000


def test_a_multi_call_proposal_is_refused_whole_when_one_call_would_fail(
    bazaar, suite, staked, tmp_path
):
    refused(
        bazaar, "buyer", "propose", "--call", "market setFees(uint256,uint256) 150 250",
        "--call", "market setPointsRate(uint256) 99", fragments=["would revert"],
    )  # fmt: skip
    refused(bazaar, "buyer", "propose", "--call", "market", fragments=["bad --call"])
    refused(
        bazaar, "buyer", "propose", "--call", "'market setFees(uint256,uint256) 1",
        fragments=["bad --call"],
    )  # fmt: skip
    bad = tmp_path / "calls.json"
    bad.write_text(json.dumps([{"target": "market"}]))
    refused(bazaar, "buyer", "propose", "--calls", bad, fragments=["call 1 needs"])
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps([{"target": "staking", "signature": "setCooldown(uint256)", "args": [864000]}])
    )
    from_file = bazaar("propose", "--calls", good, who="buyer", json=True)
    assert from_file.code == 0, from_file.err
    assert from_file.json()["targets"] == [suite["staking"].address]
    bad.write_text("[]")
    refused(bazaar, "buyer", "propose", "--calls", bad, fragments=["non-empty JSON list"])
    call = {"target": "staking", "signature": "setCooldown(uint256)", "args": [864001]}
    bad.write_text(json.dumps([{**call, "value": "1"}]))  # would be dropped unseen
    refused(
        bazaar, "buyer", "propose", "--calls", bad,
        fragments=["call 1 has unknown key(s) value", "proposals send no ETH"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "propose", "--calls", good,
        fragments=["exists already (it is Pending)", "change the description"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "propose", "--calls", bad, "--call", "market setPointsRate(uint256) 2",
        fragments=["either in --calls FILE or on the command line"],
    )  # fmt: skip
    refused(
        bazaar, "buyer", "propose", "--fee-bps", 150, "--call", "market setPointsRate(uint256) 2",
        fragments=["pass either"],
    )  # fmt: skip
