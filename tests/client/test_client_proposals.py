"""What a proposal carries: calldata from a function signature and arguments typed by people
(the same bytes web3 encodes, or one clear refusal), and Safe Transaction Builder batches
whose checksum is the Transaction Builder's own."""

import copy

import pytest
from web3 import Web3

from bazaar import artifacts
from bazaar.calls import encode_call, parse_signature
from bazaar.errors import BazaarError
from bazaar.safe import batch, checksum, serialize
from bazaar.tx import Call

ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
MARKET = Web3().eth.contract(abi=artifacts.load("EscrowMarketplace").abi)


def test_calldata_is_what_web3_encodes_for_the_same_call():
    assert encode_call("setFees(uint256,uint256)", ["150", "0xc8"]) == bytes.fromhex(
        MARKET.encode_abi("setFees", args=[150, 200])[2:]
    )
    assert encode_call("setArbiter(address,bool)", [ALICE.lower(), "true"]) == bytes.fromhex(
        MARKET.encode_abi("setArbiter", args=[ALICE, True])[2:]
    )


def test_names_resolve_to_addresses_and_json_gives_arrays_and_tuples():
    names = {"alice": ALICE}
    resolved = encode_call("f(address)", ["alice"], names.get)
    assert resolved == encode_call("f(address)", [ALICE])
    array = encode_call("g(uint256[],(bool,string))", ["[1, 2]", '[false, "hi"]'])
    assert array.hex().startswith(Web3.keccak(text="g(uint256[],(bool,string))")[:4].hex())
    assert encode_call("h(bytes32,bytes)", ["0x" + "11" * 32, "0x"])[:4] == bytes(
        Web3.keccak(text="h(bytes32,bytes)")[:4]
    )


def test_a_signature_is_read_canonically():
    assert parse_signature("setFees(uint, uint256)") == ("setFees", ["uint256", "uint256"])
    assert parse_signature("noArgs()") == ("noArgs", [])


@pytest.mark.parametrize(
    "signature, args, message",
    [
        ("setFees", [], "bad function signature"),
        ("1bad(uint256)", ["1"], "bad function signature"),
        ("f(uint257)", ["1"], "bad type 'uint257'"),
        ("f(uint256,uint256)", ["1"], "takes 2 argument"),
        ("f(uint8)", ["256"], "argument 1 '256' does not fit uint8"),
        ("f(uint256)", ["1.5"], "'1.5' is not a whole number"),
        ("f(bool)", ["yes"], "'yes' is not true or false"),
        ("f(address)", ["0x1234"], "'0x1234' is not an address"),
        ("f(address)", ["nobody"], "'nobody' is not an address"),
        ("f(bytes32)", ["0x1234"], "has 2 bytes, bytes32 takes 32"),
        ("f(bytes)", ["1234"], "'1234' is not 0x-prefixed hex"),
        ("f(uint256[])", ["[1,"], "argument 1 '[1,' is not JSON"),
        ("f(uint256[2])", ["[1]"], "uint256[2] takes 2 items, got 1"),
        ("f((uint256,bool))", ["[1]"], "is not a JSON list of 2 items"),
    ],
)
def test_a_bad_call_is_refused_in_one_sentence(signature, args, message):
    with pytest.raises(BazaarError, match=message.replace("[", r"\[").replace("(", r"\(")):
        encode_call(signature, args, {}.get)


# The Transaction Builder's own test vector (safe-react-apps, tx-builder lib/checksum.test.js):
# serialized as the app does, this batch hashes to the checksum the app's test expects.
APP_VECTOR = {
    "version": "1.0",
    "chainId": "4",
    "createdAt": 1646321521061,
    "meta": {
        "name": "test batch file",
        "txBuilderVersion": "1.4.0",
        "checksum": "",
        "createdFromSafeAddress": "0xDF8a1Ce35c9a6ACE153B4e0767942f1E2291a1Aa",
        "createdFromOwnerAddress": "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
    },
    "transactions": [
        {
            "to": "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
            "value": "0",
            "contractMethod": {
                "inputs": [{"internalType": "address", "name": "paramAddress", "type": "address"}],
                "name": "testAddress",
                "payable": False,
            },
            "contractInputsValues": {"paramAddress": "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6"},
        },
        {
            "to": "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
            "value": "0",
            "contractMethod": {
                "inputs": [{"internalType": "bool", "name": "paramBool", "type": "bool"}],
                "name": "testBool",
                "payable": False,
            },
            "contractInputsValues": {"paramAddress": "", "paramBool": "false"},
        },
        {
            "to": "0x49d4450977E2c95362C13D3a31a09311E0Ea26A6",
            "value": "2000000000000000000",
            "data": "0x42f4579000000000000000000000000049d4450977e2c95362c13d3a31a09311e0ea26a6",
        },
    ],
}


def test_serialization_matches_the_transaction_builders_test_vector():
    digest = "0x" + Web3.keccak(text=serialize(APP_VECTOR)).hex().removeprefix("0x")
    assert digest == "0x832ecdb6653751ed00b79dede73864163e46e71815b72e11e506d6399bedffc9"
    reordered = dict(reversed(list(APP_VECTOR.items())))
    assert serialize(reordered) == serialize(APP_VECTOR)  # key order does not matter


def test_a_batch_carries_raw_calls_and_a_checksum_over_everything_but_its_name():
    call = Call(ALICE, "0x12345678", "propose")
    data = batch(31337, [call], "BTC Bazaar proposal", "fee 1.5 %", created_at_ms=1)
    assert data["chainId"] == "31337" and data["version"] == "1.0"
    assert data["transactions"] == [
        {
            "to": ALICE,
            "value": "0",
            "data": "0x12345678",
            "contractMethod": None,
            "contractInputsValues": None,
        }
    ]
    assert data["meta"]["checksum"] == checksum(data)
    renamed = copy.deepcopy(data)
    renamed["meta"]["name"] = "another name"
    assert checksum(renamed) == data["meta"]["checksum"]  # the app ignores the name
    altered = copy.deepcopy(data)
    altered["transactions"][0]["data"] = "0x12345679"
    assert checksum(altered) != data["meta"]["checksum"]
