"""Carts, batches and affiliate commissions in the index, on SQLite and a real PostgreSQL
server: a cart's lines are orders of one transaction (one OrderPaid each, several log
indexes), a batch of shipments and of confirmations moves them all, a seller's commission
rate follows its `CommissionSet` events, the referrers a seller approves follow its
`ReferrerSet` events (`queries.referrers_of`, rebuilt after a reorg), and a referred order
completed gives its referrer a commission row and its earnings (`queries.commissions_of`)."""

import brownie
import pytest
import sqlalchemy as sa
from web3 import Web3

from bazaar import artifacts
from bazaar.index import queries, schema
from bazaar.index.indexer import Indexer
from bazaar.index.schema import open_index
from bazaar.journal import Journal
from bazaar.settings import USD
from tests.support.cli import ADDRESSES, deploy_by_cli, rpc_url

BUYER, SELLER, ARBITER = ADDRESSES["buyer"], ADDRESSES["seller"], ADDRESSES["arbiter"]
NOBODY = "0x" + "0" * 40


def referrer_account():
    """An account with no other part: the referrer."""
    return brownie.accounts[9].address


def contract(journal, key):
    entry = journal["contracts"][key]
    return brownie.Contract.from_abi(key, entry["address"], artifacts.load(entry["contract"]).abi)


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite; the seller lists a $1,000 lamp (listing 1) and a $50 book (listing 2), both
    in USDC, and approves the referrer; the buyer holds USDC and has approved the
    marketplace."""
    deployed = deploy_by_cli(tmp_path_factory.mktemp("carts"))
    journal = deployed["journal"]
    market = contract(journal, "market")
    usdc = brownie.Contract.from_abi(
        "USDC", journal["tokens"]["usdc"], artifacts.load("MockUSDC").abi
    )
    seller, buyer = brownie.accounts[2], brownie.accounts[1]
    market.list(1_000 * USD, 10, [usdc], 0, 0, 0, b"\x01" * 32, {"from": seller})
    market.list(50 * USD, 10, [usdc], 0, 0, 0, b"\x02" * 32, {"from": seller})
    market.setReferrer(referrer_account(), True, {"from": seller})
    usdc.mint(buyer, 100_000 * 10**6, {"from": buyer})
    usdc.approve(market, 2**256 - 1, {"from": buyer})
    return {**deployed, "market": market, "usdc": usdc}


def cart(suite, lines, referrer=NOBODY):
    """The buyer checks out `lines` ((listing, quantity) pairs) in one transaction: the
    transaction and its orders' (terms, id), in the order of the lines."""
    tx = suite["market"].checkoutCart(
        ([(listing, quantity, 0) for listing, quantity in lines], suite["usdc"], 10**12, 2**40,
         ARBITER, referrer),
        {"from": brownie.accounts[1]},
    )  # fmt: skip
    paid = [(tuple(e["terms"]), "0x" + bytes(e["orderId"]).hex()) for e in tx.events["OrderPaid"]]
    return tx, paid


def indexed(suite, db_url):
    """The index at `db_url` brought up to the chain's head."""
    engine = open_index(db_url)
    journal = Journal(suite["folder"] / "31337.json", suite["journal"])
    Indexer(Web3(Web3.HTTPProvider(rpc_url())), engine, journal).sync()
    return engine


def test_a_cart_of_three_lines_is_indexed_as_three_orders_of_one_transaction(suite, db_url):
    tx, paid = cart(suite, [(1, 1), (2, 2), (1, 3)])  # listing 1 twice: two orders
    assert len(paid) == 3 and len({order_id for _, order_id in paid}) == 3
    engine = indexed(suite, db_url)
    with engine.connect() as c:
        rows = c.execute(
            sa.select(schema.events.c.tx_hash, schema.events.c.log_index, schema.events.c.order_id)
            .where(schema.events.c.name == "OrderPaid")
            .order_by(schema.events.c.log_index)
        ).all()
    assert {r.tx_hash for r in rows} == {tx.txid}
    assert len({r.log_index for r in rows}) == 3
    assert [r.order_id for r in rows] == [order_id for _, order_id in paid]
    orders = {o.id: o for o in queries.orders_of(engine, BUYER, "buyer")}
    assert set(orders) == {order_id for _, order_id in paid}
    assert [(orders[i].listing_id, orders[i].quantity, orders[i].status) for _, i in paid] == [
        (1, 1, "Paid"), (2, 2, "Paid"), (1, 3, "Paid"),
    ]  # fmt: skip
    assert all(orders[i].referrer is None and orders[i].commission_bps == 0 for _, i in paid)
    stock = {r["listingId"]: r["stock"] for r in queries.listings_where(engine, SELLER)}
    assert stock == {1: 10 - 1 - 3, 2: 10 - 2}
    terms = [t for t, _ in paid]
    shipped = suite["market"].shipBatch(terms, [b"\x07" * 32] * 3, {"from": brownie.accounts[2]})
    indexed(suite, db_url)
    assert {queries.order(engine, i).status for _, i in paid} == {"Shipped"}
    confirmed = suite["market"].confirmBatch(terms, {"from": brownie.accounts[1]})
    indexed(suite, db_url)
    assert {queries.order(engine, i).status for _, i in paid} == {"Completed"}
    with engine.connect() as c:
        batches = c.execute(
            sa.select(schema.events.c.name, sa.func.count(sa.distinct(schema.events.c.order_id)))
            .where(schema.events.c.tx_hash.in_((shipped.txid, confirmed.txid)))
            .where(schema.events.c.name.in_(("OrderShipped", "OrderCompleted")))
            .group_by(schema.events.c.name)
        ).all()
    assert dict(batches) == {"OrderShipped": 3, "OrderCompleted": 3}


def test_commission_set_updates_the_listing_and_an_order_keeps_the_rate_it_was_paid_with(
    suite, db_url
):
    market, seller = suite["market"], brownie.accounts[2]
    engine = indexed(suite, db_url)
    assert {r["listingId"]: r["commissionBps"] for r in queries.listings_where(engine)} == {
        1: 0, 2: 0,
    }  # fmt: skip
    market.setCommission(1, 1_500, {"from": seller})
    indexed(suite, db_url)
    _, [(_, early)] = cart(suite, [(1, 1)], referrer=referrer_account())
    market.setCommission(1, 500, {"from": seller})
    indexed(suite, db_url)
    rates = {r["listingId"]: r["commissionBps"] for r in queries.listings_where(engine)}
    assert rates == {1: 500, 2: 0}
    order = queries.order(engine, early)
    assert (order.referrer, order.commission_bps) == (referrer_account(), 1_500)
    assert order.to_json()["referrer"] == referrer_account()


def test_a_referred_order_completed_gives_its_referrer_a_commission_and_earnings(suite, db_url):
    market, referrer = suite["market"], referrer_account()
    market.setCommission(1, 1_000, {"from": brownie.accounts[2]})  # 10 %
    _, [(terms, order_id), (book_terms, book)] = cart(suite, [(1, 1), (2, 1)], referrer)
    engine = indexed(suite, db_url)
    assert queries.commissions_of(engine, referrer) == queries.Commissions({}, 0, 2, [])
    market.ship(terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    done = market.confirm(terms, {"from": brownie.accounts[1]})
    indexed(suite, db_url)
    usdc = suite["usdc"].address
    # $1,000 in USDC; 1 % platform fee: 990 USDC of proceeds, 10 % of them to the referrer
    assert done.events["CommissionPaid"]["amount"] == 99 * 10**6
    assert suite["usdc"].balanceOf(referrer) == 99 * 10**6
    found = queries.commissions_of(engine, referrer)
    assert (found.totals, found.count, found.referred) == ({usdc: 99 * 10**6}, 1, 2)
    (row,) = found.rows
    block = brownie.web3.eth.get_block(done.block_number)
    assert (row.order_id, row.listing_id, row.token, row.amount) == (order_id, 1, usdc, 99 * 10**6)
    assert (row.block, row.timestamp) == (done.block_number, block["timestamp"])
    completed = queries.order(engine, order_id)
    assert completed.status == "Completed"
    with engine.connect() as c:
        to_seller = c.execute(
            sa.select(schema.orders.c.to_seller).where(schema.orders.c.id == order_id)
        ).scalar()
    assert int(to_seller) == 891 * 10**6  # the seller's proceeds less the commission
    market.ship(book_terms, b"\x08" * 32, {"from": brownie.accounts[2]})
    market.confirm(book_terms, {"from": brownie.accounts[1]})  # listing 2 offers none
    indexed(suite, db_url)
    assert queries.commissions_of(engine, referrer).count == 1
    assert queries.order(engine, book).status == "Completed"
    assert queries.commissions_of(engine, BUYER) == queries.Commissions({}, 0, 0, [])


def test_the_referrers_a_seller_approves_follow_its_referrer_set_events(suite, db_url):
    market, seller, stranger = suite["market"], brownie.accounts[2], brownie.accounts[8].address
    engine = indexed(suite, db_url)
    (row,) = queries.referrers_of(engine, SELLER)
    assert row.referrer == referrer_account()
    market.setReferrer(stranger, True, {"from": seller})
    market.setReferrer(referrer_account(), False, {"from": seller})
    market.setCommission(1, 1_000, {"from": seller})
    _, [(_, unapproved)] = cart(suite, [(1, 1)], referrer_account())
    indexed(suite, db_url)
    assert [r.referrer for r in queries.referrers_of(engine, SELLER)] == [stranger]
    assert queries.is_referrer(engine, SELLER, stranger)
    assert not queries.is_referrer(engine, SELLER, referrer_account())
    assert queries.referrers_of(engine, BUYER) == []
    order = queries.order(engine, unapproved)  # named, but not approved: no commission
    assert (order.referrer, order.commission_bps) == (referrer_account(), 0)


def test_a_commission_orphaned_by_a_reorg_leaves_the_referrer_s_earnings(suite, db_url):
    # first: brownie's one snapshot is also the test's isolation, which reverts to it after
    brownie.chain.snapshot()  # brownie's own (it also resets its accounts' nonces on revert)
    market, referrer = suite["market"], referrer_account()
    market.setCommission(2, 2_000, {"from": brownie.accounts[2]})
    market.setReferrer(brownie.accounts[8], True, {"from": brownie.accounts[2]})
    _, [(terms, _)] = cart(suite, [(2, 1)], referrer)
    market.ship(terms, b"\x07" * 32, {"from": brownie.accounts[2]})
    market.confirm(terms, {"from": brownie.accounts[1]})
    engine = indexed(suite, db_url)
    assert queries.commissions_of(engine, referrer).count == 1
    brownie.chain.revert()
    for _ in range(6):  # the new chain grows past the old one
        market.setCommission(1, 100, {"from": brownie.accounts[2]})
    indexed(suite, db_url)
    assert queries.commissions_of(engine, referrer) == queries.Commissions({}, 0, 0, [])
    assert queries.orders_of(engine, BUYER, "buyer") == []
    rates = {r["listingId"]: r["commissionBps"] for r in queries.listings_where(engine)}
    assert rates == {1: 100, 2: 0}  # rebuilt from the events that remain
    assert [r.referrer for r in queries.referrers_of(engine, SELLER)] == [referrer]
