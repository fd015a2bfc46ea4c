"""Reverts become readable sentences, and a transaction that would revert is never sent."""

import brownie
import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from bazaar import artifacts
from bazaar.errors import BazaarError, RevertError, decode_revert, error_table, revert_data
from bazaar.tx import Call, TxSender
from tests.support.cli import DEV_KEYS


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def buyer_sender(w3):
    return TxSender(w3, Account.from_key(DEV_KEYS["buyer"]))


def test_a_custom_error_names_its_arguments_and_says_what_it_means_with_their_values():
    data = selector("MarketplaceUnauthorized(address,bytes32)") + encode(
        ["address", "bytes32"], ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", b"\x01" * 32]
    )
    assert decode_revert(data) == (
        "MarketplaceUnauthorized(caller=0x70997970C51812dc3A010C7d01b50e0d17dc79C8, id=0x"
        + "01" * 32
        + "): 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 may not do this to order 0x"
        + "01" * 32
        + "."
    )


def unauthorized(id_: bytes) -> bytes:
    return selector("MarketplaceUnauthorized(address,bytes32)") + encode(
        ["address", "bytes32"], ["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", id_]
    )


def test_an_unauthorized_caller_is_told_which_listing_or_that_it_is_a_setting():
    assert decode_revert(unauthorized((7).to_bytes(32, "big"))).endswith(
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8 may not do this to listing 7."
    )
    assert decode_revert(unauthorized(bytes(32))).endswith(
        "may not do this to this marketplace's settings."
    )


def test_times_read_as_utc_dates_beside_unix_seconds():
    data = selector("MarketplaceDeadlineNotReached(bytes32,uint256,uint256)") + encode(
        ["bytes32", "uint256", "uint256"], [b"\x01" * 32, 1_795_330_920, 1_795_300_000]
    )
    assert decode_revert(data).endswith(
        ": the order's deadline, 2026-11-22 07:02:00 UTC (1795330920), has not passed yet (it "
        "is now 2026-11-21 22:26:40 UTC (1795300000))."
    )


def test_dollars_and_points_read_in_their_units():
    data = selector("MarketplaceDiscountAboveCap(uint256,uint256,uint256)") + encode(
        ["uint256"] * 3, [25 * 10**18, 25_000_000, 0]
    )
    assert decode_revert(data).endswith(
        ": 25 points buy a discount of $0.25, which is zero or above the listing's cap of $0.00 "
        "for this order."
    )
    data = selector("StakingInsufficientStake(address,uint256,uint256)") + encode(
        ["address", "uint256", "uint256"], ["0x" + "ab" * 20, 5 * 10**18 // 2, 10**18]
    )
    assert decode_revert(data).endswith("asked for 2.5 points but has 1 points staked.")


def test_proposing_the_same_calls_and_description_again_says_the_proposal_exists():
    data = selector("GovernorUnexpectedProposalState(uint256,uint8,bytes32)") + encode(
        ["uint256", "uint8", "bytes32"], [123, 0, bytes(32)]
    )
    assert decode_revert(data).endswith(
        ": proposal 123 exists already (it is Pending): the same calls with the same "
        "description are the same proposal; change the description to propose them again."
    )


def test_enum_arguments_are_named():
    data = selector("MarketplaceWrongStatus(bytes32,uint8)") + encode(
        ["bytes32", "uint8"], [b"\x02" * 32, 6]
    )
    assert "status=Disputed" in decode_revert(data)


def test_oracle_errors_decode_too():
    data = selector("OracleStale(address,uint256,uint256)") + encode(
        ["address", "uint256", "uint256"], ["0x" + "ab" * 20, 1_700_000_000, 3600]
    )
    assert decode_revert(data) == (
        "OracleStale(feed=0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB, updatedAt=1700000000, "
        "maxStaleness=3600): 0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB's answer, of "
        "2023-11-14 22:13:20 UTC (1700000000), is older than its leg's staleness limit of 3600 s "
        "(a mock feed: bazaar mocks refresh)."
    )


def test_a_setting_out_of_range_is_named_by_its_error():
    data = selector("StakingCooldownOutOfRange(uint256,uint256,uint256)") + encode(
        ["uint256", "uint256", "uint256"], [86_399, 86_400, 2_592_000]
    )
    assert decode_revert(data) == (
        "StakingCooldownOutOfRange(value=86399, min=86400, max=2592000): "
        "A cooldown outside 86400..2592000 seconds."
    )
    data = selector("PointsOrderCapOutOfRange(uint256,uint256)") + encode(
        ["uint256", "uint256"], [10_001, 10_000]
    )
    assert decode_revert(data).startswith("PointsOrderCapOutOfRange(value=10001, max=10000): ")


def test_no_error_of_the_project_takes_a_string_tag():
    # the project's own errors are those with a `@notice` (OpenZeppelin's, such as
    # ShortStrings' StringTooLong(string), carry none)
    own = {name for artifact in artifacts.all_loaded() for name in artifact.error_notices}
    assert {"StakingCooldownOutOfRange", "GovernorVotingPeriodOutOfRange"} <= own
    tagged = [s.name for s in error_table().values() if s.name in own and "string" in s.types]
    assert tagged == []


def test_error_string_panic_unknown_and_empty_reverts():
    assert (
        decode_revert(selector("Error(string)") + encode(["string"], ["nope"])) == "reverted: nope"
    )
    panic = selector("Panic(uint256)") + encode(["uint256"], [0x11])
    assert decode_revert(panic) == "Panic(0x11): arithmetic overflow or underflow"
    assert decode_revert("0xdeadbeef") == "reverted with unknown error 0xdeadbeef (data 0xdeadbeef)"
    assert decode_revert(b"") == "reverted without a reason"
    truncated = selector("MarketplaceOutOfStock(uint256,uint256,uint256)") + b"\x00" * 5
    assert decode_revert(truncated).startswith("MarketplaceOutOfStock(<undecodable arguments")


def test_the_table_holds_every_custom_error_of_the_shipped_contracts():
    names = {spec.name for spec in error_table().values()}
    assert {"MarketplaceUnauthorized", "OracleDepegged", "OwnableUnauthorizedAccount"} <= names
    assert {"Error", "Panic"} <= names


def test_revert_data_is_found_in_web3_exceptions():
    class Fake(Exception):
        pass

    nested = Fake({"message": "execution reverted", "data": {"data": "0x1234"}})
    assert revert_data(nested) == b"\x12\x34"
    carrying = Fake("execution reverted")
    carrying.data = "0xabcd"
    assert revert_data(carrying) == b"\xab\xcd"
    assert revert_data(Fake("no data here")) is None


def test_a_preflight_revert_is_decoded_and_nothing_is_sent(w3, buyer_sender, market, order):
    """The buyer may not ship: decoded from the node's revert, and the nonce does not move."""
    contract = w3.eth.contract(address=market.address, abi=market.abi)
    call = Call(
        market.address, contract.encode_abi("ship", args=[order.terms, b"\x07" * 32]), "ship"
    )
    nonce = w3.eth.get_transaction_count(buyer_sender.address)
    with pytest.raises(RevertError) as raised:
        buyer_sender.transact(call)
    assert str(raised.value) == (
        f"ship would revert: MarketplaceUnauthorized(caller={buyer_sender.address}, "
        f"id={order.id}): {buyer_sender.address} may not do this to order {order.id}."
    )
    assert w3.eth.get_transaction_count(buyer_sender.address) == nonce


def test_a_wrong_status_revert_reads_as_a_sentence(w3, buyer_sender, market, order):
    contract = w3.eth.contract(address=market.address, abi=market.abi)
    call = Call(market.address, contract.encode_abi("confirm", args=[order.terms]), "confirm")
    with pytest.raises(
        RevertError, match=r"MarketplaceWrongStatus\(orderId=0x[0-9a-f]{64}, status=Paid\)"
    ):
        buyer_sender.preflight(call)


def test_a_sender_refuses_when_the_account_cannot_pay_for_gas(w3, market):
    poor = TxSender(w3, Account.from_key("0x" + "42" * 32))
    call = Call(market.address, "0x", "poke")
    with pytest.raises(BazaarError, match="holds 0 ETH, needs up to"):
        poor.build(call, 21_000)


def test_governor_and_timelock_errors_name_states_and_roles():
    """OpenZeppelin's errors carry no @notice in the artifacts: the package says what they
    mean, with state bitmaps and role ids by name."""
    expected = (1 << 4).to_bytes(32, "big")  # Succeeded
    state = selector("GovernorUnexpectedProposalState(uint256,uint8,bytes32)") + encode(
        ["uint256", "uint8", "bytes32"], [7, 1, expected]
    )
    assert decode_revert(state).startswith(
        "GovernorUnexpectedProposalState(proposalId=7, current=Active, expectedStates=Succeeded)"
        ": proposal 7 is Active"
    )
    ready = (1 << 2).to_bytes(32, "big")
    operation = selector("TimelockUnexpectedOperationState(bytes32,bytes32)") + encode(
        ["bytes32", "bytes32"], [b"\x05" * 32, ready]
    )
    assert "expectedStates=Ready" in decode_revert(operation)
    role = selector("AccessControlUnauthorizedAccount(address,bytes32)") + encode(
        ["address", "bytes32"], ["0x" + "ab" * 20, keccak(text="PROPOSER_ROLE")]
    )
    assert decode_revert(role).endswith(
        "neededRole=PROPOSER_ROLE): 0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB lacks PROPOSER_ROLE."
    )
    voted = selector("GovernorAlreadyCastVote(address)") + encode(["address"], ["0x" + "cd" * 20])
    assert decode_revert(voted).endswith("has already voted on this proposal.")
