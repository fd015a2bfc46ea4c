"""The DAO from the command line, on the suite `bazaar deploy` handed to its timelock: stake,
unstake, propose, vote, sign-vote, relay-votes, queue, execute and status, each through
`bazaar.cli.main`; human and JSON output carrying the same numbers; every bad input one line
with nothing sent.

One file, over 400 lines, because its tests share one module-scoped deployment made by
`bazaar deploy` itself (the slow part); split, each part would deploy again.
"""

import io
import json

import brownie
import pytest
from eth_account import Account

from bazaar import artifacts
from bazaar.cli.common import when as when_text
from bazaar.safe import checksum as batch_checksum
from bazaar.settings import GOVERNOR_SETTINGS, POINT, STAKING_SETTINGS, TIMELOCK_DELAY, USD
from bazaar.signing.ballots import SignedBallot
from bazaar.signing.eip712 import SECP256K1_N, sign_typed
from tests.support.cli import (
    ADDRESSES,
    DEV_KEYS,
    PASSWORD,
    assert_one_line_failure,
    deploy_by_cli,
    nonces,
    run,
)
from tests.support.helpers import mine_at, next_block_at

INDEX = {"deployer": 0, "buyer": 1, "seller": 2, "arbiter": 3}


def latest() -> int:
    return brownie.web3.eth.get_block("latest")["timestamp"]


def block_number() -> int:
    return brownie.web3.eth.block_number


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The whole suite deployed and handed to the DAO by `bazaar deploy --mocks`; two $1,000
    orders completed, so the buyer earned 2,000 points; it gave 500 to the arbiter account.
    Nothing is staked yet."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("dao"))
    journal = deployed["journal"]
    market, points = contract(journal, "market"), contract(journal, "points")
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockERC20").abi
    )
    buyer, seller = brownie.accounts[1], brownie.accounts[2]
    tx = market.list(1_000 * USD, 10, [usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    listing = tx.events["Listed"]["listingId"]
    usdc.mint(buyer, 2_100 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    for _ in range(2):
        tx = market.checkout(
            listing, 1, usdc, 1_050 * 10**6, 2**40, ADDRESSES["arbiter"], 0, {"from": buyer}
        )
        terms = tuple(tx.events["OrderPaid"]["terms"])
        market.ship(terms, b"\x07" * 32, {"from": seller})
        market.confirm(terms, {"from": buyer})
    points.transfer(ADDRESSES["arbiter"], 500 * POINT, {"from": buyer})
    assert points.balanceOf(buyer) == 1_500 * POINT
    return deployed


@pytest.fixture
def dao(suite):
    journal = suite["journal"]
    return {key: contract(journal, key) for key in ("market", "points", "staking", "governor")}


@pytest.fixture
def staked(dao):
    """The buyer stakes 1,000 points (500 stay in its wallet) and the arbiter 500; warmed up."""
    points, staking = dao["points"], dao["staking"]
    for who, amount in (("buyer", 1_000 * POINT), ("arbiter", 500 * POINT)):
        account = brownie.accounts[INDEX[who]]
        points.approve(staking, amount, {"from": account})
        staking.stake(amount, {"from": account})
    mine_at(latest() + STAKING_SETTINGS.warmup + 1)


@pytest.fixture
def proposal(bazaar, staked):
    """The buyer proposes a platform fee of 1.5 %; its JSON."""
    result = bazaar("propose", "--fee-bps", 150, who="buyer", json=True)
    assert result.code == 0, result.err
    return result.json()


@pytest.fixture
def active(proposal):
    """`proposal` with its voting period open."""
    mine_at(proposal["snapshot"] + 1)
    return proposal


def rpc(method, *params):
    return brownie.web3.provider.make_request(method, list(params))["result"]


def human_and_json(bazaar, *args, who=None):
    """The command run twice from the same chain state and block time: human, then JSON."""
    at = latest() + 60
    snapshot = rpc("evm_snapshot")
    next_block_at(at)
    human = bazaar(*args, who=who)
    assert human.code == 0, human.err
    rpc("evm_revert", snapshot)
    next_block_at(at)
    data = bazaar(*args, who=who, json=True)
    assert data.code == 0, data.err
    return human.out, data.json()


def ballot_of(bazaar, proposal_id, support, who):
    result = bazaar("sign-vote", proposal_id, support, who=who, json=True)
    assert result.code == 0, result.err
    return result.json()


# --- staking -----------------------------------------------------------------------------


def test_stake_approves_when_needed_and_counts_votes_after_the_warm_up(bazaar, dao):
    before = nonces()
    result = bazaar("stake", "100", who="buyer")
    assert result.code == 0, result.err
    assert nonces()["buyer"] == before["buyer"] + 2  # approve, stake
    assert result.out.splitlines()[0] == "staked 100 points (approved first)"
    assert dao["staking"].balanceOf(ADDRESSES["buyer"]) == 100 * POINT
    assert dao["staking"].getVotes(ADDRESSES["buyer"]) == 0  # not warmed up yet


def test_stake_in_json_carries_the_numbers_of_its_human_lines(bazaar, dao):
    dao["points"].approve(dao["staking"], 2**256 - 1, {"from": brownie.accounts[1]})
    human, data = human_and_json(bazaar, "stake", "2.5", who="buyer")
    assert (data["amount"], data["amountFormatted"]) == (str(25 * POINT // 10), "2.5 points")
    assert (data["staked"], data["approved"]) == (str(25 * POINT // 10), False)
    assert data["votesFrom"] == data_block_time(data) + STAKING_SETTINGS.warmup
    assert human.splitlines() == [
        "staked 2.5 points",
        f"  2.5 points staked in all; the new points vote from {when_text(data['votesFrom'])}",
    ]


def data_block_time(data):
    receipt = brownie.web3.eth.get_transaction_receipt(data["txHash"])
    return brownie.web3.eth.get_block(receipt["blockNumber"])["timestamp"]


def test_an_unstake_is_requested_then_withdrawn_inside_its_window(bazaar, staked, dao):
    human, data = human_and_json(bazaar, "unstake", "400", who="buyer")
    assert (data["amount"], data["pending"], data["staked"]) == (
        str(400 * POINT),
        str(400 * POINT),
        str(600 * POINT),
    )
    assert data["readyAt"] == data_block_time(data) + STAKING_SETTINGS.cooldown
    assert (
        data["readyAtIso"]
        == when_text(data["readyAt"]).replace(" UTC", "Z").replace(" ", "T", 1).split(" (")[0]
    )
    assert data["closesAt"] == data["readyAt"] + STAKING_SETTINGS.window
    assert human.splitlines() == [
        "unstake of 400 points requested: 400 points pending, no longer voting",
        f"  withdraw from {when_text(data['readyAt'])} until {when_text(data['closesAt'])}",
        "  600 points still staked",
    ]
    before = nonces()
    early = bazaar("unstake", "--withdraw", who="buyer")
    assert_one_line_failure(early, "StakingCooldownNotOver", f"readyAt={data['readyAt']}")
    assert nonces() == before
    mine_at(data["readyAt"])
    withdrawn = bazaar("unstake", "--withdraw", who="buyer", json=True).json()
    assert (withdrawn["amount"], withdrawn["staked"]) == (str(400 * POINT), str(600 * POINT))
    assert dao["points"].balanceOf(ADDRESSES["buyer"]) == 900 * POINT


def test_a_cancelled_unstake_goes_back_into_the_stake(bazaar, staked, dao):
    assert bazaar("unstake", "250", who="arbiter").code == 0
    human = bazaar("unstake", "--cancel", who="arbiter")
    assert human.out.splitlines() == ["put 250 points back into the stake", "  500 points staked"]
    assert dao["staking"].balanceOf(ADDRESSES["arbiter"]) == 500 * POINT


def test_a_missed_withdraw_window_says_to_cancel_or_request_again(bazaar, staked):
    data = bazaar("unstake", "100", who="buyer", json=True).json()
    mine_at(data["closesAt"] + 1)
    before = nonces()
    late = bazaar("unstake", "--withdraw", who="buyer")
    assert_one_line_failure(late, "window closed at", "--cancel")
    assert nonces() == before


def test_the_status_of_a_staker_shows_stake_votes_wallet_and_pending(bazaar, staked):
    assert bazaar("unstake", "100", who="buyer").code == 0
    data = bazaar("status", "--staker", ADDRESSES["buyer"], json=True).json()
    assert (data["staked"], data["votes"], data["wallet"], data["pending"]) == (
        str(900 * POINT),
        str(900 * POINT),
        str(500 * POINT),
        str(100 * POINT),
    )
    human = bazaar("status", "--staker", ADDRESSES["buyer"]).out
    assert f"staker {ADDRESSES['buyer']}: 900 points staked, votes 900 points" in human
    assert "500 points in the wallet; earned 0 WBTC, 0 USDC" in human
    assert f"100 points pending: withdraw from {when_text(data['readyAt'])}" in human


# --- proposals ---------------------------------------------------------------------------


def test_propose_prints_the_proposal_id_and_its_voting_period(bazaar, staked, dao):
    human, data = human_and_json(bazaar, "propose", "--fee-bps", "150", who="buyer")
    proposal_id = int(data["proposalId"])
    assert dao["governor"].state(proposal_id) == 0  # Pending
    assert data["snapshot"] == data_block_time(data) + GOVERNOR_SETTINGS.voting_delay
    assert data["deadline"] == data["snapshot"] + GOVERNOR_SETTINGS.voting_period
    market = dao["market"]
    assert data["targets"] == [market.address]
    assert data["calldatas"] == [market.setFees.encode_input(150, 200)]
    assert human.splitlines() == [
        f"proposal {proposal_id}",
        "  marketplace fees: platform 100 -> 150 bps, arbiter 200 -> 200 bps",
        "  description: Set the platform fee to 150 bps and the arbiter fee to 200 bps",
        f"  voting from {when_text(data['snapshot'])} until {when_text(data['deadline'])}",
    ]


def test_a_generic_call_proposal_encodes_its_signature_and_arguments(bazaar, staked, dao):
    signature = "setWindows(uint256,uint256,uint256)"
    args = ["--arg", "864000", "--arg", "1209600", "--arg", "0xd2f00"]
    result = bazaar(
        "propose", "--target", "market", "--signature", signature, *args, who="buyer", json=True
    )
    assert result.code == 0, result.err
    data = result.json()
    expected = dao["market"].setWindows.encode_input(864_000, 1_209_600, 864_000)
    assert data["targets"] == [dao["market"].address] and data["calldatas"] == [expected]
    assert data["description"] == (
        f"Call {signature} with (864000, 1209600, 0xd2f00) on {dao['market'].address}"
    )
    assert dao["governor"].proposalProposer(int(data["proposalId"])) == ADDRESSES["buyer"]


def test_a_proposal_that_would_revert_at_execution_is_refused_unless_told_not_to_check(
    bazaar, staked
):
    before = nonces()
    refused = bazaar("propose", "--fee-bps", 501, who="buyer")
    assert_one_line_failure(
        refused, "would revert when the timelock executes it now", "MarketplaceFeeOutOfRange"
    )
    assert nonces() == before
    forced = bazaar("propose", "--fee-bps", 501, "--no-check", who="buyer", json=True)
    assert forced.code == 0, forced.err
    assert forced.json()["state"] == "Pending"


def test_the_whole_round_trip_changes_the_fee_through_the_cli(bazaar, proposal, dao, tmp_path):
    """Vote with a reason, a ballot signed by one account and relayed by another, queue after
    the vote, execute after the timelock's delay."""
    proposal_id = proposal["proposalId"]
    mine_at(proposal["snapshot"] + 1)
    voted = bazaar("vote", proposal_id, "for", "--reason", "fees pay for arbiters", who="buyer")
    assert voted.code == 0, voted.err
    assert voted.out.splitlines()[0] == (
        f"voted for on proposal {proposal_id} with 1000 points (fees pay for arbiters)"
    )
    ballot = tmp_path / "ballots.json"
    ballot.write_text(json.dumps([ballot_of(bazaar, proposal_id, "for", "arbiter")]))
    relayed = bazaar("relay-votes", ballot, who="seller")
    assert relayed.code == 0, relayed.err
    assert relayed.out.splitlines() == [
        f"relayed {ADDRESSES['arbiter']}'s vote for on proposal {proposal_id}: 500 points",
        "1 ballot(s) relayed",
    ]
    status = bazaar("status", "--proposal", proposal_id, json=True).json()
    assert status["state"] == "Active"
    assert status["votes"] == {"for": str(1_500 * POINT), "against": "0", "abstain": "0"}
    assert status["quorum"] == str(1_500 * POINT * GOVERNOR_SETTINGS.quorum_percent // 100)
    mine_at(status["deadline"] + 1)
    queued = bazaar("queue", proposal_id, who="seller", json=True)
    assert queued.code == 0, queued.err
    eta = queued.json()["eta"]
    assert eta == data_block_time(queued.json()) + TIMELOCK_DELAY
    before = nonces()
    early = bazaar("execute", proposal_id, who="seller")
    assert_one_line_failure(early, f"proposal {proposal_id} is Queued: executable from {eta}")
    assert nonces() == before
    mine_at(eta)
    executed = bazaar("execute", proposal_id, who="seller")
    assert executed.code == 0, executed.err
    assert executed.out.strip() == f"executed proposal {proposal_id}: now Executed"
    assert dao["market"].config()["feeBps"] == 150


def test_status_of_a_proposal_in_json_carries_the_numbers_of_its_human_lines(bazaar, active):
    proposal_id = active["proposalId"]
    assert bazaar("vote", proposal_id, "against", who="arbiter").code == 0
    human = bazaar("status", "--proposal", proposal_id).out.splitlines()
    data = bazaar("status", "--proposal", proposal_id, json=True).json()
    assert data["votes"] == {"for": "0", "against": str(500 * POINT), "abstain": "0"}
    assert data["votesFormatted"] == {
        "for": "0 points",
        "against": "500 points",
        "abstain": "0 points",
    }
    assert data["quorumFormatted"] == "60 points"  # 4 % of the 1,500 staked at the snapshot
    assert human == [
        f"proposal {proposal_id}: Active",
        "  votes for 0 points, against 500 points, abstain 0 points; quorum 60 points",
        f"  snapshot {when_text(data['snapshot'])}, deadline {when_text(data['deadline'])}, eta -",
        f"  proposer {ADDRESSES['buyer']}",
        "  description: Set the platform fee to 150 bps and the arbiter fee to 200 bps",
    ]


def test_vote_in_json_carries_the_numbers_of_its_human_lines(bazaar, active):
    proposal_id = active["proposalId"]
    human, data = human_and_json(bazaar, "vote", proposal_id, "abstain", who="arbiter")
    assert (data["weight"], data["weightFormatted"], data["support"]) == (
        str(500 * POINT),
        "500 points",
        "abstain",
    )
    assert data["votes"]["abstain"] == str(500 * POINT)
    assert human.splitlines() == [
        f"voted abstain on proposal {proposal_id} with 500 points",
        "  now for 0 points, against 0 points, abstain 500 points",
    ]


def test_queue_in_json_carries_the_numbers_of_its_human_line(bazaar, active):
    proposal_id = active["proposalId"]
    assert bazaar("vote", proposal_id, "for", who="buyer").code == 0
    mine_at(active["deadline"] + 1)
    human, data = human_and_json(bazaar, "queue", proposal_id, who="seller")
    assert data["state"] == "Queued"
    assert data["eta"] == data_block_time(data) + TIMELOCK_DELAY
    assert (
        human.strip() == f"queued proposal {proposal_id}: executable from {when_text(data['eta'])}"
    )


def test_relay_and_execute_in_json_carry_the_numbers_of_their_human_lines(bazaar, active, tmp_path):
    proposal_id = active["proposalId"]
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(ballot_of(bazaar, proposal_id, "for", "arbiter")))
    human, data = human_and_json(bazaar, "relay-votes", path, who="seller")
    (relayed,) = data["relayed"]
    assert (relayed["weight"], relayed["weightFormatted"], data["count"]) == (
        str(500 * POINT),
        "500 points",
        1,
    )
    assert human.splitlines()[0] == (
        f"relayed {ADDRESSES['arbiter']}'s vote for on proposal {proposal_id}: 500 points"
    )
    mine_at(active["deadline"] + 1)
    eta = bazaar("queue", proposal_id, who="seller", json=True).json()["eta"]
    mine_at(eta)
    human, data = human_and_json(bazaar, "execute", proposal_id, who="seller")
    assert (data["proposalId"], data["state"]) == (proposal_id, "Executed")
    assert human.strip() == f"executed proposal {proposal_id}: now Executed"


# --- votes by signature ------------------------------------------------------------------


def test_sign_vote_prints_a_ballot_and_sends_nothing(bazaar, active, dao):
    proposal_id = active["proposalId"]
    before, block = nonces(), block_number()
    human = bazaar("sign-vote", proposal_id, "for", who="arbiter")
    data = ballot_of(bazaar, proposal_id, "for", "arbiter")
    assert nonces() == before and block_number() == block
    assert human.out.count("\n") == 1  # one line: ballots collected with >> are JSON lines
    assert json.loads(human.out) == data  # the same ballot, human or --json
    governor = dao["governor"]
    assert data == {
        "type": "bazaar-ballot",
        "governor": governor.address,
        "chainId": brownie.web3.eth.chain_id,
        "proposalId": proposal_id,
        "support": "for",
        "voter": ADDRESSES["arbiter"],
        "nonce": governor.nonces(ADDRESSES["arbiter"]),
        "signature": data["signature"],
    }
    assert not governor.hasVoted(int(proposal_id), ADDRESSES["arbiter"])


def test_a_ballot_signed_while_pending_is_relayed_once_voting_opens(bazaar, proposal, dao):
    proposal_id = proposal["proposalId"]
    ballot = ballot_of(bazaar, proposal_id, "against", "arbiter")
    mine_at(proposal["snapshot"] + 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(json.dumps(ballot) + "\n"))
        relayed = bazaar("relay-votes", who="seller", json=True)
    assert relayed.code == 0, relayed.err
    data = relayed.json()
    assert data["count"] == 1
    assert (data["relayed"][0]["weight"], data["relayed"][0]["support"]) == (
        str(500 * POINT),
        "against",
    )
    assert dao["governor"].proposalVotes(int(proposal_id))[0] == 500 * POINT


def forge(kind, ballot):
    """`ballot` (the arbiter's) altered the way `kind` says."""
    forged = dict(ballot)
    if kind == "another signer":  # the arbiter's very ballot, signed by the buyer's key
        data = SignedBallot.from_json(ballot).typed_data("BazaarGovernor", "1")
        signature = sign_typed(Account.from_key(DEV_KEYS["buyer"]), data)
        forged["signature"] = "0x" + signature.hex()
    elif kind == "altered vote":
        forged["support"] = "against"
    elif kind == "other chain":
        forged["chainId"] = 1
    elif kind == "other governor":
        forged["governor"] = ADDRESSES["seller"]
    elif kind == "high s":
        raw = bytes.fromhex(ballot["signature"][2:])
        s = int.from_bytes(raw[32:64], "big")
        forged["signature"] = (
            "0x" + (raw[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - raw[64]])).hex()
        )
    elif kind == "short signature":
        forged["signature"] = ballot["signature"][:-2]
    elif kind == "missing voter":
        del forged["voter"]
    return forged


@pytest.mark.parametrize(
    "kind, fragments",
    [
        ("another signer", ["ballot 2", "recovers to", ADDRESSES["buyer"], "not to the voter"]),
        ("altered vote", ["ballot 2", "not to the voter"]),
        ("other chain", ["ballot 2", "is for chain id 1"]),
        ("other governor", ["ballot 2", f"is for governor {ADDRESSES['seller']}"]),
        ("high s", ["ballot 2", "upper half"]),
        ("future nonce", ["ballot 2", "GovernorInvalidSignature"]),
        ("short signature", ["ballot 2", "130 hex digits"]),
        ("missing voter", ["ballot 2", "missing voter"]),
    ],
)
def test_a_forged_or_malformed_ballot_stops_the_relay_before_anything_is_sent(
    bazaar, active, dao, tmp_path, kind, fragments
):
    proposal_id = active["proposalId"]
    buyer = ballot_of(bazaar, proposal_id, "for", "buyer")
    if kind == "future nonce":  # well signed, for the arbiter's next vote
        bad = bazaar("sign-vote", proposal_id, "for", "--nonce", 1, who="arbiter", json=True)
        bad = bad.json()
    else:
        bad = forge(kind, ballot_of(bazaar, proposal_id, "for", "arbiter"))
    path = tmp_path / "ballots.jsonl"
    path.write_text(json.dumps(buyer) + "\n" + json.dumps(bad) + "\n")
    before = nonces()
    result = bazaar("relay-votes", path, who="seller")
    assert_one_line_failure(result, *fragments)
    assert nonces() == before
    assert not dao["governor"].hasVoted(int(proposal_id), ADDRESSES["buyer"])  # not even #1


def test_relay_refuses_a_file_that_is_not_ballots(bazaar, active, tmp_path):
    before = nonces()
    path = tmp_path / "notes.txt"
    path.write_text("vote for, please\n")
    assert_one_line_failure(bazaar("relay-votes", path, who="seller"), "line 1 is not JSON")
    path.write_text("[]")
    assert_one_line_failure(bazaar("relay-votes", path, who="seller"), "no ballots in")
    missing = bazaar("relay-votes", tmp_path / "none.json", who="seller")
    assert_one_line_failure(missing, "cannot read ballots from")
    assert nonces() == before


def test_a_ballot_relayed_twice_is_refused_the_second_time(bazaar, active, tmp_path):
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(ballot_of(bazaar, active["proposalId"], "for", "arbiter")))
    assert bazaar("relay-votes", path, who="seller").code == 0
    before = nonces()
    again = bazaar("relay-votes", path, who="seller")
    # the ballot's nonce is not used up (BazaarGovernor._validateVoteSig): the double vote is
    # what refuses it
    assert_one_line_failure(again, "ballot 1", "GovernorAlreadyCastVote", "has already voted")
    assert nonces() == before


# --- Safe batches ------------------------------------------------------------------------


def test_safe_batches_of_propose_queue_and_execute_send_nothing_and_work_when_sent(
    bazaar, staked, dao, tmp_path
):
    """Each batch is written without a keystore; sending its one transaction (as the Safe
    would) does what the command would have done."""
    governor, buyer = dao["governor"], brownie.accounts[1]
    before, block = nonces(), block_number()
    path = tmp_path / "propose.json"
    safe = ["--safe", ADDRESSES["buyer"]]  # the buyer stands in for the Safe
    written = bazaar("propose", "--fee-bps", 120, "--safe-batch", path, *safe, json=True)
    assert written.code == 0, written.err
    assert nonces() == before and block_number() == block
    batch = json.loads(path.read_text())
    assert batch["chainId"] == str(brownie.web3.eth.chain_id)
    assert batch["meta"]["checksum"] == batch_checksum(batch)
    (tx,) = batch["transactions"]
    assert (tx["to"], tx["value"], tx["contractMethod"]) == (governor.address, "0", None)
    proposal_id = int(written.json()["proposalId"])
    buyer.transfer(tx["to"], 0, data=tx["data"])  # the buyer stands in for the Safe
    assert governor.proposalSnapshot(proposal_id) != 0
    mine_at(governor.proposalSnapshot(proposal_id) + 1)
    governor.castVote(proposal_id, 1, {"from": buyer})
    mine_at(governor.proposalDeadline(proposal_id) + 1)
    for verb, expected_state in (("queue", 5), ("execute", 7)):
        path = tmp_path / f"{verb}.json"
        result = bazaar(verb, proposal_id, "--safe-batch", path, *safe)
        assert result.code == 0, result.err
        assert f"written to {path}" in result.out
        (tx,) = json.loads(path.read_text())["transactions"]
        buyer.transfer(tx["to"], 0, data=tx["data"])
        assert governor.state(proposal_id) == expected_state
        if verb == "queue":
            mine_at(governor.proposalEta(proposal_id))
    assert dao["market"].config()["feeBps"] == 120


def test_a_safe_batch_never_overwrites_a_file(bazaar, staked, tmp_path):
    path = tmp_path / "batch.json"
    path.write_text("{}")
    result = bazaar("propose", "--fee-bps", 120, "--safe-batch", path, "--safe", ADDRESSES["buyer"])
    assert_one_line_failure(result, "exists; not overwriting")
    assert path.read_text() == "{}"


def test_a_safe_batch_in_a_folder_that_does_not_exist_creates_nothing(bazaar, staked, tmp_path):
    path = tmp_path / "no" / "such" / "fee.json"
    result = bazaar("propose", "--fee-bps", 120, "--safe-batch", path, "--safe", ADDRESSES["buyer"])
    assert_one_line_failure(result, f"no folder {path.parent} for fee.json; create it first")
    assert not (tmp_path / "no").exists()


def test_ballots_signed_one_after_the_other_relay_from_one_file(bazaar, active, tmp_path):
    ballots = tmp_path / "ballots.jsonl"
    for who in ("buyer", "arbiter"):
        signed = bazaar("sign-vote", active["proposalId"], "for", who=who)
        with ballots.open("a") as file:  # as `bazaar sign-vote ... >> ballots.jsonl`
            file.write(signed.out)
    relayed = bazaar("relay-votes", ballots, who="deployer", json=True)
    assert relayed.code == 0, relayed.err


# --- bad inputs --------------------------------------------------------------------------

UNKNOWN = "12345"


@pytest.mark.parametrize(
    "who, args, fragments",
    [
        ("buyer", ["stake", "5000"], ["not enough points", "holds 500 points"]),
        ("buyer", ["stake", "10", "--no-approve"], ["allowance too low", "0 points"]),
        ("buyer", ["stake", "abc"], ["points amount 'abc' is not a number"]),
        ("buyer", ["stake", "0.0000000000000000001"], ["more than 18 decimals"]),
        ("buyer", ["stake", "-3"], ["negative"]),
        ("buyer", ["stake", "0"], ["stake would revert", "StakingZeroAmount"]),
        ("buyer", ["unstake", "1001"], ["StakingInsufficientStake", f"staked={1_000 * POINT}"]),
        ("seller", ["unstake", "--withdraw"], ["withdraw would revert", "StakingNothingPending"]),
        (
            "seller",
            ["unstake", "--cancel"],
            ["cancel unstake would revert", "StakingNothingPending"],
        ),
        ("buyer", ["unstake"], ["pass POINTS"]),
        (
            "seller",
            ["propose", "--fee-bps", "150"],
            ["GovernorInsufficientProposerVotes", "votes=0"],
        ),
        ("buyer", ["propose"], ["pass either --fee-bps"]),
        ("buyer", ["propose", "--fee-bps", "1", "--target", "market"], ["pass either"]),
        ("buyer", ["propose", "--target", "0x123", "--signature", "f()"], ["bad target"]),
        (
            "buyer",
            ["propose", "--target", ADDRESSES["seller"], "--signature", "f()"],
            ["is not a contract"],
        ),
        (
            "buyer",
            ["propose", "--target", "market", "--signature", "setFees(uint256)", "--arg", "-1"],
            ["argument 1 '-1' does not fit uint256"],
        ),
        ("buyer", ["propose", "--target", "market", "--signature", "setFees"], ["bad function"]),
        ("buyer", ["vote", UNKNOWN, "for"], [f"NonexistentProposal(proposalId={UNKNOWN})"]),
        ("buyer", ["vote", "PROPOSAL", "maybe"], ["bad vote 'maybe'"]),
        ("buyer", ["vote", "nope", "for"], ["bad proposal id 'nope'"]),
        ("buyer", ["vote", "PROPOSAL", "for"], ["is Pending", "votes are taken only while"]),
        (
            "buyer",
            ["sign-vote", UNKNOWN, "for"],
            [f"GovernorNonexistentProposal(proposalId={UNKNOWN})"],
        ),
        ("seller", ["queue", "PROPOSAL"], ["is Pending: only a Succeeded proposal can be queued"]),
        ("seller", ["execute", "PROPOSAL"], ["is Pending: only a Queued proposal"]),
        ("buyer", ["status", "--staker", "0xzz"], ["bad staker"]),
        ("buyer", ["status", "--proposal", UNKNOWN], [f"unknown proposal {UNKNOWN}"]),
        (None, ["stake", "1"], ["--keystore"]),
    ],
)
def test_a_bad_input_is_one_line_and_sends_nothing(bazaar, proposal, who, args, fragments):
    args = [proposal["proposalId"] if a == "PROPOSAL" else a for a in args]
    before, block = nonces(), block_number()
    result = bazaar(*args, who=who)
    assert_one_line_failure(result, *fragments)
    assert nonces() == before and block_number() == block


@pytest.mark.parametrize(
    "who, args, fragments",
    [
        (
            "buyer",
            ["vote", "PROPOSAL", "against"],
            ["GovernorAlreadyCastVote", "has already voted"],
        ),
        ("seller", ["vote", "PROPOSAL", "for"], ["had no votes at proposal", "snapshot"]),
        ("buyer", ["sign-vote", "PROPOSAL", "for"], ["has already voted"]),
        ("seller", ["queue", "PROPOSAL"], ["is Active", "voting ends at"]),
    ],
)
def test_a_bad_vote_on_an_active_proposal_is_one_line_and_sends_nothing(
    bazaar, active, who, args, fragments
):
    assert bazaar("vote", active["proposalId"], "for", who="buyer").code == 0
    args = [active["proposalId"] if a == "PROPOSAL" else a for a in args]
    before, block = nonces(), block_number()
    result = bazaar(*args, who=who)
    assert_one_line_failure(result, *fragments)
    assert nonces() == before and block_number() == block


def test_voting_after_the_deadline_is_refused(bazaar, active):
    mine_at(active["deadline"] + 1)
    before = nonces()
    result = bazaar("vote", active["proposalId"], "for", who="buyer")
    assert_one_line_failure(result, "is Defeated", "votes are taken only while it is Active")
    queue = bazaar("queue", active["proposalId"], who="buyer")
    assert_one_line_failure(queue, "is Defeated", "for 0 points, against 0 points, quorum")
    assert nonces() == before


def test_a_missing_keystore_wrong_password_and_wrong_chain_send_nothing(
    bazaar, suite, capsys, monkeypatch, active
):
    before = nonces()
    proposal_id = active["proposalId"]
    missing = run(
        capsys, *suite["base"], "--keystore", "/nonexistent/k.json", "vote", proposal_id, "for"
    )
    assert_one_line_failure(missing, "keystore not found")
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", "wrong")
    assert_one_line_failure(bazaar("stake", "1", who="buyer"), "wrong password")
    assert_one_line_failure(bazaar("sign-vote", proposal_id, "for", who="buyer"), "wrong password")
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
    wrong_chain = bazaar("--network", "sepolia", "vote", proposal_id, "for", who="buyer")
    assert_one_line_failure(wrong_chain, "wrong chain", "11155111")
    assert nonces() == before


def test_json_never_carries_an_integer_a_javascript_reader_would_round(bazaar, staked):
    data = bazaar("status", "--staker", ADDRESSES["buyer"], json=True).json()

    def numbers(value):
        if isinstance(value, dict):
            return [n for v in value.values() for n in numbers(v)]
        if isinstance(value, list):
            return [n for v in value for n in numbers(v)]
        return [value] if isinstance(value, int) and not isinstance(value, bool) else []

    assert data["staked"] == str(1_000 * POINT)  # 1e21: beyond 2^53, so a string
    assert all(abs(n) <= 2**53 - 1 for n in numbers(data))
