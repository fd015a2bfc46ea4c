"""BazaarTimelock (OpenZeppelin's TimelockController as deployed here): scheduling, executing,
batching and cancelling by the right roles only, the delay and predecessors, the delay changed
only by the timelock itself, reentrant execution refused, roles, and the deposits it takes."""

import brownie
import pytest
from brownie import ZERO_ADDRESS

from bazaar.types import ADMIN_ROLE as ADMIN
from bazaar.types import CANCELLER_ROLE as CANCELLER
from bazaar.types import EXECUTOR_ROLE as EXECUTOR
from bazaar.types import PROPOSER_ROLE as PROPOSER
from tests.support.helpers import ONE_DAY, err, mine_at, mint_item, next_block_at

DELAY = ONE_DAY
NO_PREDECESSOR = b"\x00" * 32
SALT = b"\x01" * 32
UNSET, WAITING, READY, DONE = range(4)


def bitmap(*states):
    return "0x" + sum(1 << s for s in states).to_bytes(32, "big").hex()


def hx(value):
    """A bytes32 (role, operation id) as a hex string, as `err` expects one."""
    return "0x" + bytes(value).hex()


def role(name):
    return hx(name)


@pytest.fixture(scope="module")
def lock(BazaarTimelock, deployer, alice, bob):
    """A timelock of one day: alice proposes (and so cancels), bob executes, the deployer
    administers."""
    return BazaarTimelock.deploy(DELAY, [alice], [bob], deployer, {"from": deployer})


@pytest.fixture
def mint_call(mock_points, carol):
    """An operation's call: mint one point to carol (anyone may mint the mock points)."""
    return (mock_points, 0, mock_points.mint.encode_input(carol, 10**18))


def schedule(lock, call, proposer, predecessor=NO_PREDECESSOR, salt=SALT, delay=DELAY):
    """Schedules `call`; returns (operation id as hex, the time it becomes ready)."""
    tx = lock.schedule(*call, predecessor, salt, delay, {"from": proposer})
    return hx(tx.events["CallScheduled"]["id"]), tx.timestamp + delay


# --- scheduling ---------------------------------------------------------------------------


def test_only_a_proposer_schedules_an_operation(lock, mint_call, stranger):
    message = err("AccessControlUnauthorizedAccount", stranger, role(PROPOSER))
    with brownie.reverts(message):
        lock.schedule(*mint_call, NO_PREDECESSOR, SALT, DELAY, {"from": stranger})
    target, value, data = mint_call
    with brownie.reverts(message):
        lock.scheduleBatch(
            [target], [value], [data], NO_PREDECESSOR, SALT, DELAY, {"from": stranger}
        )


def test_a_scheduled_call_waits_for_the_delay_then_runs_once(
    lock, mint_call, mock_points, alice, bob, carol
):
    tx = lock.schedule(*mint_call, NO_PREDECESSOR, SALT, DELAY, {"from": alice})
    operation = hx(tx.events["CallScheduled"]["id"])
    assert operation == lock.hashOperation(*mint_call, NO_PREDECESSOR, SALT)
    assert tx.events["CallSalt"]["salt"] == "0x" + SALT.hex()
    ready = tx.timestamp + DELAY
    assert lock.getTimestamp(operation) == ready
    assert lock.getOperationState(operation) == WAITING
    assert lock.isOperationPending(operation) and not lock.isOperationReady(operation)
    next_block_at(ready - 1)
    with brownie.reverts(err("TimelockUnexpectedOperationState", operation, bitmap(READY))):
        lock.execute(*mint_call, NO_PREDECESSOR, SALT, {"from": bob})
    mine_at(ready)
    assert lock.getOperationState(operation) == READY
    tx = lock.execute(*mint_call, NO_PREDECESSOR, SALT, {"from": bob})
    assert tx.events["CallExecuted"]["id"] == operation
    assert mock_points.balanceOf(carol) == 10**18
    assert lock.getOperationState(operation) == DONE
    assert lock.isOperationDone(operation) and not lock.isOperationPending(operation)
    with brownie.reverts(err("TimelockUnexpectedOperationState", operation, bitmap(READY))):
        lock.execute(*mint_call, NO_PREDECESSOR, SALT, {"from": bob})
    assert mock_points.balanceOf(carol) == 10**18


def test_an_operation_without_a_salt_emits_no_salt(lock, mint_call, alice):
    tx = lock.schedule(*mint_call, NO_PREDECESSOR, NO_PREDECESSOR, DELAY, {"from": alice})
    assert "CallScheduled" in tx.events and "CallSalt" not in tx.events


def test_a_delay_shorter_than_the_minimum_is_refused(lock, mint_call, alice):
    with brownie.reverts(err("TimelockInsufficientDelay", DELAY - 1, DELAY)):
        lock.schedule(*mint_call, NO_PREDECESSOR, SALT, DELAY - 1, {"from": alice})


def test_the_same_operation_cannot_be_scheduled_twice(lock, mint_call, alice):
    operation, _ = schedule(lock, mint_call, alice)
    with brownie.reverts(err("TimelockUnexpectedOperationState", operation, bitmap(UNSET))):
        schedule(lock, mint_call, alice, delay=2 * DELAY)


# --- executing ----------------------------------------------------------------------------


def test_only_an_executor_runs_an_operation_until_the_role_is_opened_to_all(
    lock, mint_call, mock_points, deployer, alice, carol, stranger
):
    _, ready = schedule(lock, mint_call, alice)
    mine_at(ready)
    with brownie.reverts(err("AccessControlUnauthorizedAccount", stranger, role(EXECUTOR))):
        lock.execute(*mint_call, NO_PREDECESSOR, SALT, {"from": stranger})
    lock.grantRole(EXECUTOR, ZERO_ADDRESS, {"from": deployer})
    lock.execute(*mint_call, NO_PREDECESSOR, SALT, {"from": stranger})
    assert mock_points.balanceOf(carol) == 10**18


def test_an_operation_runs_only_after_its_predecessor(lock, mock_points, alice, bob, carol):
    first = (mock_points, 0, mock_points.mint.encode_input(carol, 1))
    second = (mock_points, 0, mock_points.mint.encode_input(carol, 2))
    first_id, _ = schedule(lock, first, alice)
    _, ready = schedule(lock, second, alice, predecessor=first_id)
    mine_at(ready)
    with brownie.reverts(err("TimelockUnexecutedPredecessor", first_id)):
        lock.execute(*second, first_id, SALT, {"from": bob})
    lock.execute(*first, NO_PREDECESSOR, SALT, {"from": bob})
    lock.execute(*second, first_id, SALT, {"from": bob})
    assert mock_points.balanceOf(carol) == 3


def test_a_call_that_fails_fails_the_operation_which_stays_ready(
    lock, mock_points, alice, bob, carol
):
    call = (mock_points, 0, mock_points.transfer.encode_input(carol, 1))  # the lock holds none
    operation, ready = schedule(lock, call, alice)
    mine_at(ready)
    with brownie.reverts(err("ERC20InsufficientBalance", lock, 0, 1)):
        lock.execute(*call, NO_PREDECESSOR, SALT, {"from": bob})
    assert lock.getOperationState(operation) == READY


def test_a_batch_runs_all_its_calls_or_none(lock, mock_points, alice, bob, carol):
    targets = [mock_points, mock_points]
    datas = [
        mock_points.mint.encode_input(carol, 5),
        mock_points.transfer.encode_input(carol, 6),  # the lock holds 0 points
    ]
    tx = lock.scheduleBatch(targets, [0, 0], datas, NO_PREDECESSOR, SALT, DELAY, {"from": alice})
    operation = hx(tx.events["CallScheduled"][0]["id"])
    assert operation == lock.hashOperationBatch(targets, [0, 0], datas, NO_PREDECESSOR, SALT)
    mine_at(tx.timestamp + DELAY)
    with brownie.reverts(err("ERC20InsufficientBalance", lock, 0, 6)):
        lock.executeBatch(targets, [0, 0], datas, NO_PREDECESSOR, SALT, {"from": bob})
    assert mock_points.balanceOf(carol) == 0
    assert lock.getOperationState(operation) == READY


@pytest.mark.parametrize("call", ["scheduleBatch", "executeBatch"])
@pytest.mark.parametrize("short", ["values", "payloads"])
def test_a_batch_needs_one_value_and_payload_per_target(
    lock, mock_points, alice, bob, carol, call, short
):
    data = mock_points.mint.encode_input(carol, 1)
    values = [0] if short == "values" else [0, 0]
    payloads = [data] if short == "payloads" else [data, data]
    extra = (DELAY,) if call == "scheduleBatch" else ()
    caller = alice if call == "scheduleBatch" else bob
    with brownie.reverts(err("TimelockInvalidOperationLength", 2, len(payloads), len(values))):
        getattr(lock, call)(
            [mock_points] * 2, values, payloads, NO_PREDECESSOR, SALT, *extra, {"from": caller}
        )


def test_an_operation_that_re_executes_itself_from_inside_its_call_is_refused(
    SelfExecutingCall, lock, deployer, alice, bob
):
    target = SelfExecutingCall.deploy(lock, SALT, {"from": deployer})
    lock.grantRole(EXECUTOR, ZERO_ADDRESS, {"from": deployer})  # so the target may execute
    call = (target, 0, target.poke.encode_input())
    operation, ready = schedule(lock, call, alice)
    target.arm({"from": bob})
    mine_at(ready)
    with brownie.reverts(err("TimelockUnexpectedOperationState", operation, bitmap(READY))):
        lock.execute(*call, NO_PREDECESSOR, SALT, {"from": bob})
    assert target.pokes() == 0
    assert lock.getOperationState(operation) == READY


# --- cancelling ---------------------------------------------------------------------------


def test_only_a_canceller_cancels_and_only_a_pending_operation(
    lock, mint_call, alice, bob, stranger
):
    assert lock.hasRole(CANCELLER, alice)  # proposers are cancellers too
    operation, _ = schedule(lock, mint_call, alice)
    with brownie.reverts(err("AccessControlUnauthorizedAccount", bob, role(CANCELLER))):
        lock.cancel(operation, {"from": bob})
    tx = lock.cancel(operation, {"from": alice})
    assert tx.events["Cancelled"]["id"] == operation
    assert lock.getOperationState(operation) == UNSET
    with brownie.reverts(
        err("TimelockUnexpectedOperationState", operation, bitmap(WAITING, READY))
    ):
        lock.cancel(operation, {"from": alice})


# --- the delay, roles ---------------------------------------------------------------------


def test_the_delay_changes_only_through_the_timelock_itself(lock, deployer, alice, bob):
    with brownie.reverts(err("TimelockUnauthorizedCaller", deployer)):
        lock.updateDelay(2 * DELAY, {"from": deployer})
    call = (lock, 0, lock.updateDelay.encode_input(2 * DELAY))
    _, ready = schedule(lock, call, alice)
    next_block_at(ready)
    tx = lock.execute(*call, NO_PREDECESSOR, SALT, {"from": bob})
    assert dict(tx.events["MinDelayChange"]) == {"oldDuration": DELAY, "newDuration": 2 * DELAY}
    assert lock.getMinDelay() == 2 * DELAY


MIN_DELAY, MAX_DELAY = ONE_DAY, 30 * ONE_DAY  # MIN_DELAY_SECONDS, MAX_DELAY_SECONDS


def test_the_delay_bounds_are_public_constants(lock):
    assert lock.MIN_DELAY_SECONDS() == MIN_DELAY and lock.MAX_DELAY_SECONDS() == MAX_DELAY


@pytest.mark.parametrize(
    "delay, ok",
    [
        (MIN_DELAY, True),
        (MAX_DELAY, True),
        (MIN_DELAY - 1, False),
        (MAX_DELAY + 1, False),
        (0, False),
    ],
    ids=["one_day", "thirty_days", "a_second_under_a_day", "a_second_over_30_days", "zero"],
)
def test_an_operation_sets_the_delay_at_each_bound_and_is_refused_one_second_past_it(
    lock, alice, bob, delay, ok
):
    call = (lock, 0, lock.updateDelay.encode_input(delay))
    _, ready = schedule(lock, call, alice)
    next_block_at(ready)
    if ok:
        lock.execute(*call, NO_PREDECESSOR, SALT, {"from": bob})
        assert lock.getMinDelay() == delay
    else:
        with brownie.reverts(err("TimelockDelayOutOfRange", delay, MIN_DELAY, MAX_DELAY)):
            lock.execute(*call, NO_PREDECESSOR, SALT, {"from": bob})
        assert lock.getMinDelay() == DELAY


def test_a_stranger_calling_update_delay_out_of_range_learns_only_that_he_may_not(lock, stranger):
    with brownie.reverts(err("TimelockUnauthorizedCaller", stranger)):
        lock.updateDelay(MAX_DELAY + 1, {"from": stranger})


@pytest.mark.parametrize(
    "delay, ok",
    [
        (0, True),
        (MIN_DELAY, True),
        (MAX_DELAY, True),
        (1, False),
        (MIN_DELAY - 1, False),
        (MAX_DELAY + 1, False),
    ],
    ids=["none", "one_day", "thirty_days", "one_second", "under_a_day", "over_30_days"],
)
def test_a_timelock_is_deployed_without_delay_or_with_one_within_the_bounds(
    BazaarTimelock, deployer, alice, bob, delay, ok
):
    def deploy():
        return BazaarTimelock.deploy(delay, [alice], [bob], deployer, {"from": deployer})

    if ok:
        assert deploy().getMinDelay() == delay
    else:
        with brownie.reverts(err("TimelockDelayOutOfRange", delay, MIN_DELAY, MAX_DELAY)):
            deploy()


def test_roles_are_managed_by_the_admin_and_renounced_only_by_their_holder(
    lock, deployer, alice, stranger
):
    assert lock.getRoleAdmin(PROPOSER) == role(ADMIN)
    with brownie.reverts(err("AccessControlUnauthorizedAccount", stranger, role(ADMIN))):
        lock.grantRole(PROPOSER, stranger, {"from": stranger})
    with brownie.reverts(err("AccessControlBadConfirmation")):
        lock.renounceRole(PROPOSER, alice, {"from": deployer})
    tx = lock.revokeRole(PROPOSER, alice, {"from": deployer})
    assert tx.events["RoleRevoked"]["account"] == alice
    assert not lock.hasRole(PROPOSER, alice)
    tx = lock.revokeRole(PROPOSER, alice, {"from": deployer})  # not held: nothing to do
    assert "RoleRevoked" not in tx.events
    lock.renounceRole(CANCELLER, alice, {"from": alice})
    assert not lock.hasRole(CANCELLER, alice)


# --- deposits -----------------------------------------------------------------------------


def test_the_timelock_accepts_ether_and_nfts(lock, goods, seller, stranger):
    stranger.transfer(lock, 1)
    assert lock.balance() == 1
    item = mint_item(goods, seller)
    goods.safeTransferFrom(seller, lock, item, {"from": seller})
    assert goods.ownerOf(item) == lock
    # no ERC-1155 token here: the hooks answer the same to anyone who calls them
    hooks = [
        (lock.onERC1155Received, (stranger, stranger, 1, 1, b""), "0xf23a6e61"),
        (lock.onERC1155BatchReceived, (stranger, stranger, [1], [1], b""), "0xbc197c81"),
        (lock.onERC721Received, (stranger, stranger, 1, b""), "0x150b7a02"),
    ]
    for hook, args, selector in hooks:
        assert hook(*args, {"from": stranger}).return_value == selector
    for interface in ("0x01ffc9a7", "0x4e2312e0", "0x7965db0b"):  # 165, 1155 receiver, roles
        assert lock.supportsInterface(interface)
    assert not lock.supportsInterface("0xffffffff")
