"""Proposals' states in the read API: read from the governor (bazaar/server/reads.py's
ProposalStates), not computed from the index, on both databases; each state kept a few
seconds, and a node that fails answers null with its reason instead of failing the page."""

import brownie

from bazaar.errors import BazaarError
from bazaar.server.reads import ProposalStates
from bazaar.settings import POINT, STAKING_SETTINGS
from tests.server.conftest import buy, contract, put_on_sale, running
from tests.support.governance import FOR, Proposal
from tests.support.helpers import mine_at, next_block_at


def staked_proposer(suite):
    """The buyer earns 200 points on a completed $200 order, stakes them and waits out the
    warm-up: enough votes to propose (100) and to carry a vote alone."""
    market, buyer = suite["market"], brownie.accounts[1]
    points, staking = contract(suite["journal"], "points"), contract(suite["journal"], "staking")
    terms, _ = buy(suite, put_on_sale(suite, 200))
    market.ship(terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    market.confirm(terms, {"from": buyer})
    points.approve(staking, 200 * POINT, {"from": buyer})
    staking.stake(200 * POINT, {"from": buyer})
    mine_at(brownie.chain[-1].timestamp + STAKING_SETTINGS.warmup + 1)
    return buyer


def test_each_proposal_carries_its_state_as_the_governor_reads_it_now(suite, db_url):
    buyer = staked_proposer(suite)
    governor, market = contract(suite["journal"], "governor"), suite["market"]

    def propose(fee):
        data = market.setFees.encode_input(fee, 200)
        return Proposal(governor, [market], [data], f"Set the platform fee to {fee} bps", buyer)

    carried, ignored, withdrawn = propose(150), propose(160), propose(170)
    with running(suite, db_url, state_seconds=0) as api:

        def states():
            api.wait_indexed()
            found = api.json("/api/proposals")["proposals"]
            assert all(p["stateError"] is None for p in found), found
            return {int(p["proposalId"]): p["state"] for p in found}

        withdrawn.cancel(buyer)
        assert states() == {carried.id: "Pending", ignored.id: "Pending", withdrawn.id: "Canceled"}
        carried.open_voting()
        governor.castVote(carried.id, FOR, {"from": buyer})
        assert states()[carried.id] == "Active"
        mine_at(max(governor.proposalDeadline(p.id) for p in (carried, ignored)) + 1)
        assert states() == {
            carried.id: "Succeeded",
            ignored.id: "Defeated",  # no votes: no quorum (the index alone cannot tell)
            withdrawn.id: "Canceled",
        }
        eta = carried.queued(buyer)
        found = states()
        assert found[carried.id] == "Queued"
        listed = {int(p["proposalId"]): p for p in api.json("/api/proposals")["proposals"]}
        assert listed[carried.id]["eta"] == eta and listed[carried.id]["votesFor"] == str(
            200 * POINT
        )
        next_block_at(eta)
        carried.execute(buyer)
        assert states()[carried.id] == "Executed"
        assert market.config()[0] == 150


def test_a_state_is_read_once_in_its_window_and_a_failing_node_once_per_pass():
    """A refusal of the governor's is one proposal's; a failing node's, the whole pass's."""
    now, asked = [100.0], []

    def read(proposal_id):
        asked.append(proposal_id)
        if proposal_id == 3:
            raise BazaarError("unknown proposal 3 on governor 0x00")
        if proposal_id >= 7:
            raise ConnectionError("the node at http://127.0.0.1:9 refused the connection")
        return "Active"

    states = ProposalStates(read, seconds=5, clock=lambda: now[0])
    assert states.of([1, 2]) == {1: ("Active", None), 2: ("Active", None)}
    now[0] += 4.9
    assert states.of([1, 2]) == {1: ("Active", None), 2: ("Active", None)}
    assert asked == [1, 2]  # kept within the window
    now[0] += 0.2
    states.of([1])
    assert asked == [1, 2, 1]  # read again after it
    unknown = (None, "unknown proposal 3 on governor 0x00")
    assert states.of([3, 4]) == {3: unknown, 4: ("Active", None)}  # the node answered
    reason = "the node at <url> refused the connection"  # its URL never goes to a visitor
    assert states.of([7, 8, 9]) == {n: (None, reason) for n in (7, 8, 9)}
    assert asked == [1, 2, 1, 3, 4, 7]  # the node failed: the rest of the pass is not asked
