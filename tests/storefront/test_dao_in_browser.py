"""The storefront's DAO page (#/dao) in Chromium, on the suite deployed by `bazaar deploy` and
handed to its DAO, a real `serve` (SQLite index, proposals' states read from the governor) and
the test wallet: a member stakes (approving only when the allowance is short), votes on an
active proposal, is refused a second vote in the CLI's words with nothing sent, unstakes and
withdraws after the cooldown, claims its share of the fees; the page shows each proposal's
state as the server reads it, and lists proposals read-only with no wallet. The screenshot of
the page goes to reports/storefront/dao.png."""

import re

import brownie
import pytest
from playwright.sync_api import expect

from bazaar import artifacts
from bazaar.settings import POINT, STAKING_SETTINGS, USD
from bazaar.types import PROPOSAL_STATES
from tests.server.conftest import contract
from tests.storefront.steps import TIMEOUT, connect, done, go, priced_server, shot, visit
from tests.support.cli import ADDRESSES, PASSWORD, assert_one_line_failure, deploy_by_cli, run
from tests.support.governance import FOR, Proposal
from tests.support.helpers import mine_at

BUYER = ADDRESSES["buyer"]
# Markup in a description is text to the page.
DESCRIPTION = "Lower the platform fee to 1.5 % <b>for buyers</b>"
APPROVE = "0x095ea7b3"  # approve(address,uint256)
ZERO = "0x" + "00" * 20


def latest():
    return brownie.web3.eth.get_block("latest")["timestamp"]


def rpc(method, *params):
    return brownie.web3.provider.make_request(method, list(params))["result"]


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite handed to its DAO by `bazaar deploy --mocks`. The buyer (the page's member)
    earned 2,000 points on two completed $1,000 USDC orders, gave 500 to the arbiter and staked
    1,000 (500 stay in its wallet); the arbiter staked 500; both warmed up and earning, with
    the stakers' share of the fees streaming to them. The arbiter proposed a lower platform
    fee, now Active."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("dao"))
    journal = deployed["journal"]
    market, points, staking, governor = (
        contract(journal, key) for key in ("market", "points", "staking", "governor")
    )
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockUSDC").abi
    )
    buyer, seller, arbiter = (brownie.accounts[n] for n in (1, 2, 3))
    tx = market.list(1_000 * USD, 10, [usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    listing = tx.events["Listed"]["listingId"]
    usdc.mint(buyer, 2_100 * 10**6, {"from": brownie.accounts[0]})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    for _ in range(2):
        tx = market.checkout(
            listing, 1, usdc, 1_050 * 10**6, 2**40, ADDRESSES["arbiter"], 0, {"from": buyer}
        )
        terms = tuple(tx.events["OrderPaid"]["terms"])
        market.ship(terms, b"\x07" * 32, {"from": seller})
        market.confirm(terms, {"from": buyer})
    points.transfer(arbiter, 500 * POINT, {"from": buyer})
    for account, amount in ((buyer, 1_000 * POINT), (arbiter, 500 * POINT)):
        points.approve(staking, amount, {"from": account})
        staking.stake(amount, {"from": account})
    mine_at(latest() + STAKING_SETTINGS.warmup + 1)
    for account in (buyer, arbiter):
        staking.activate(account, {"from": account})
    market.withdrawFees(usdc, {"from": seller})  # the stakers' share starts streaming
    fee = Proposal(
        governor, [market], [market.setFees.encode_input(150, 200)], DESCRIPTION, arbiter
    )
    fee.open_voting()
    assert points.balanceOf(buyer) == 500 * POINT and staking.earned(buyer, usdc) > 0
    dao = {"market": market, "points": points, "staking": staking, "governor": governor}
    return {**deployed, **dao, "usdc": usdc, "proposal": fee}


@pytest.fixture
def server(suite, tmp_path):
    with priced_server(suite, tmp_path) as api:
        api.wait_indexed()
        yield api


def dao_page(page, server):
    """The DAO page with the test wallet connected; its staking section."""
    visit(page, server, "#/dao")
    connect(page)
    go(page, "#/dao")
    section = page.locator("section.staking")
    expect(section.locator(".staked")).to_be_visible(timeout=TIMEOUT)
    return section


def card_of(page, proposal_id):
    return page.locator(f"article.proposal[data-proposal='{proposal_id}']")


def test_a_member_stakes_from_the_page_approving_only_when_the_allowance_is_short(
    server, suite, page, wallet
):
    points, staking = suite["points"], suite["staking"]
    section = dao_page(page, server)
    expect(section.locator(".staked")).to_have_text("1000 points")
    expect(section.locator(".in-wallet")).to_have_text("500 points")
    section.locator("input[name=stake]").fill("100")
    section.get_by_role("button", name="Stake", exact=True).click()
    done(section, "Staked.")
    sent = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert [tx["to"].lower() for tx in sent] == [points.address.lower(), staking.address.lower()]
    assert sent[0]["data"].startswith(APPROVE)  # the allowance was 0: approved first
    assert staking.balanceOf(BUYER) == 1_100 * POINT
    expect(section.locator(".staked")).to_have_text("1100 points", timeout=TIMEOUT)

    points.approve(staking, 50 * POINT, {"from": brownie.accounts[1]})
    go(page, "#/dao")
    section.locator("input[name=stake]").fill("50")
    section.get_by_role("button", name="Stake", exact=True).click()
    done(section, "Staked.")
    sent = [r.params[0] for r in wallet.asked("eth_sendTransaction")]
    assert len(sent) == 3 and sent[2]["to"].lower() == staking.address.lower()  # no approval
    assert staking.balanceOf(BUYER) == 1_150 * POINT
    expect(section.locator(".staked")).to_have_text("1150 points", timeout=TIMEOUT)
    expect(section.locator(".in-wallet")).to_have_text("350 points")


def test_a_member_votes_for_an_active_proposal_and_the_tally_on_chain_moves_by_its_votes(
    server, suite, page, wallet
):
    governor, proposal = suite["governor"], suite["proposal"]
    weight = governor.getVotes(BUYER, proposal.snapshot)
    against, for_, abstain = governor.proposalVotes(proposal.id)
    dao_page(page, server)
    card = card_of(page, proposal.id)
    expect(card.locator(".badge")).to_have_text("Active", timeout=TIMEOUT)
    expect(card.locator(".description")).to_have_text(DESCRIPTION)
    expect(card.locator(".power")).to_have_text("Your votes at the snapshot: 1000 points")
    card.locator("input[name=reason]").fill("Lower fees bring more buyers")
    card.get_by_role("button", name="For", exact=True).click()
    done(card, "Voted For.")
    assert tuple(governor.proposalVotes(proposal.id)) == (against, for_ + weight, abstain)
    assert weight == 1_000 * POINT
    cast = brownie.chain.get_transaction(wallet.sent[-1]).events["VoteCast"]
    assert (cast["voter"], cast["support"]) == (BUYER, FOR)
    assert cast["reason"] == "Lower fees bring more buyers"  # castVoteWithReason
    expect(card.locator(".voted")).to_have_text("You voted For.", timeout=TIMEOUT)  # redrawn
    expect(card.locator(".votes-for")).to_have_text("1000 points")
    expect(card.get_by_role("button", name="For", exact=True)).to_have_count(0)
    shot(page, "dao")


def test_a_second_vote_by_the_same_account_is_refused_with_the_clis_sentence_and_nothing_is_sent(
    server, suite, page, wallet, capsys, monkeypatch
):
    governor, proposal = suite["governor"], suite["proposal"]
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)

    def bazaar(*args):
        return run(capsys, *suite["base"], "--keystore", suite["keys"]["buyer"], *args)

    dao_page(page, server)
    card = card_of(page, proposal.id)
    expect(card.get_by_role("button", name="Against", exact=True)).to_be_visible(timeout=TIMEOUT)
    first = bazaar("vote", proposal.id, "for")  # the same account, after the page was drawn
    assert first.code == 0, first.err
    tally = tuple(governor.proposalVotes(proposal.id))
    card.get_by_role("button", name="Against", exact=True).click()
    error = card.locator(".notice.error")
    expect(error).to_contain_text("has already voted on this proposal", timeout=TIMEOUT)
    sentence = error.inner_text()
    assert_one_line_failure(bazaar("vote", proposal.id, "against"), sentence)  # the CLI's own
    assert not wallet.asked("eth_sendTransaction")
    assert tuple(governor.proposalVotes(proposal.id)) == tally


def test_a_vote_of_no_weight_is_refused_in_the_clis_words_before_the_wallet_is_asked(
    server, suite, page, wallet, capsys, monkeypatch
):
    governor, proposal = suite["governor"], suite["proposal"]
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
    wallet.account = "seller"  # staked nothing before the snapshot
    dao_page(page, server)
    card = card_of(page, proposal.id)
    expect(card.locator(".power")).to_have_text("Your votes at the snapshot: 0 points")
    card.get_by_role("button", name="For", exact=True).click()
    error = card.locator(".notice.error")
    expect(error).to_contain_text("had no votes at proposal", timeout=TIMEOUT)
    cli = run(
        capsys, *suite["base"], "--keystore", suite["keys"]["seller"], "vote", proposal.id, "for"
    )
    assert_one_line_failure(cli, error.inner_text())  # GovernorClient.check_weight's sentence
    assert not wallet.asked("eth_sendTransaction")
    assert not governor.hasVoted(proposal.id, ADDRESSES["seller"])


def test_a_member_whose_votes_count_for_no_one_delegates_them_to_itself(
    server, suite, page, wallet
):
    staking = suite["staking"]
    staking.delegate(ZERO, {"from": brownie.accounts[1]})  # possible on chain, not by the CLI
    section = dao_page(page, server)
    expect(section.locator(".delegate")).to_have_text("none: your staked points vote for no one")
    section.get_by_role("button", name="Delegate my votes to myself").click()
    done(section, "Your votes now count for yourself")
    assert staking.delegates(BUYER) == BUYER
    expect(section.locator(".delegate")).to_have_text("yourself", timeout=TIMEOUT)
    expect(section.get_by_role("button", name="Delegate my votes to myself")).to_have_count(0)


def test_an_unstake_is_requested_then_after_the_cooldown_withdrawn(server, suite, page, wallet):
    points, staking = suite["points"], suite["staking"]
    section = dao_page(page, server)
    section.locator("input[name=unstake]").fill("200")
    section.get_by_role("button", name="Request unstake").click()
    done(section, "Unstake requested.")
    assert staking.balanceOf(BUYER) == 800 * POINT
    assert staking.pendingUnstake(BUYER)[0] == 200 * POINT
    expect(section.locator(".pending")).to_contain_text("200 points in cooldown", timeout=TIMEOUT)
    in_wallet = points.balanceOf(BUYER)
    asked = len(wallet.asked("eth_sendTransaction"))

    go(page, "#/dao")
    section.get_by_role("button", name="Withdraw", exact=True).click()
    expect(section.locator(".notice.error")).to_contain_text(
        "StakingCooldownNotOver", timeout=TIMEOUT
    )
    assert len(wallet.asked("eth_sendTransaction")) == asked  # refused before the wallet

    rpc("evm_increaseTime", STAKING_SETTINGS.cooldown + 60)
    rpc("evm_mine")
    go(page, "#/dao")
    expect(section.locator(".pending")).to_contain_text("200 points: withdraw from")
    section.get_by_role("button", name="Withdraw", exact=True).click()
    done(section, "Withdrawn.")
    assert points.balanceOf(BUYER) == in_wallet + 200 * POINT
    assert staking.pendingUnstake(BUYER)[0] == 0
    expect(section.locator(".pending")).to_have_text("none", timeout=TIMEOUT)
    expect(section.locator(".staked")).to_have_text("800 points")


def test_a_member_claims_its_share_of_the_fees_from_the_page(server, suite, page, wallet):
    staking, usdc = suite["staking"], suite["usdc"]
    before = usdc.balanceOf(BUYER)
    section = dao_page(page, server)
    expect(section.locator(".earned")).to_contain_text("USDC")
    section.get_by_role("button", name=re.compile(r"^Claim [0-9.]+ USDC$")).click()
    done(section, "Claimed USDC.")
    claimed = brownie.chain.get_transaction(wallet.sent[-1]).events["RewardsClaimed"]
    assert claimed["amount"] > 0 and claimed["to"] == BUYER
    assert usdc.balanceOf(BUYER) == before + claimed["amount"]
    assert staking.earned(BUYER, usdc) == 0


def test_the_page_shows_each_proposals_state_as_the_server_reads_it(server, suite, page):
    governor, market, a = suite["governor"], suite["market"], suite["proposal"]
    buyer, arbiter = brownie.accounts[1], brownie.accounts[3]

    def propose(description):
        data = market.setFees.encode_input(175, 200)
        return Proposal(governor, [market], [data], description, arbiter)

    governor.castVote(a.id, FOR, {"from": buyer})
    b, c, d = propose("Nobody votes"), propose("Withdrawn"), propose("Carried, not queued")
    c.cancel(arbiter)
    mine_at(governor.proposalDeadline(a.id) + 1)
    eta = a.queued(buyer)
    governor.castVote(d.id, FOR, {"from": buyer})
    f = propose("Voting now")
    mine_at(max(governor.proposalDeadline(p.id) for p in (b, d)) + 1)
    mine_at(max(latest(), f.snapshot) + 1)
    g = propose("Voting later")
    expected = {
        a: "Queued",
        b: "Defeated",
        c: "Canceled",
        d: "Succeeded",
        f: "Active",
        g: "Pending",
    }
    assert {p: PROPOSAL_STATES[governor.state(p.id)] for p in expected} == expected
    server.wait_indexed()
    served = {p["proposalId"]: p["state"] for p in server.json("/api/proposals")["proposals"]}
    assert {str(p.id): state for p, state in expected.items()} == served

    visit(page, server, "#/dao")
    for proposal, state in expected.items():
        expect(card_of(page, proposal.id).locator(".badge")).to_have_text(state, timeout=TIMEOUT)
    expect(card_of(page, a.id).locator(".eta")).to_contain_text("executable from")
    assert eta > 0
    expect(card_of(page, d.id).locator(".votes-for")).to_have_text("1000 points")


def test_with_no_wallet_the_dao_page_lists_proposals_read_only(server, suite, bare_page):
    proposal = suite["proposal"]
    visit(bare_page, server, "#/dao")
    card = card_of(bare_page, proposal.id)
    expect(card.locator(".description")).to_have_text(DESCRIPTION, timeout=TIMEOUT)
    expect(card.locator(".badge")).to_have_text("Active")
    expect(card.locator(".votes-for")).to_have_text("0 points")
    expect(card.locator(".times")).to_contain_text("Voting from")
    assert card.locator("button").count() == 0 and card.locator("b").count() == 0
    expect(bare_page.locator("section.staking")).to_contain_text("Connect a wallet")
    expect(bare_page.locator(".no-wallet")).to_contain_text("install a wallet")
    shot(bare_page, "dao-no-wallet")
