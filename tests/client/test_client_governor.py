"""EIP-712 from the package: ballots under the governor's own domain, read back strictly from
JSON, signatures refused as OpenZeppelin refuses them, and a permit the reward points accept;
proposal ids typed by people."""

import brownie
import pytest
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from bazaar.clients.governor import GovernorClient, parse_proposal_id
from bazaar.errors import BazaarError
from bazaar.signing.ballots import SignedBallot
from bazaar.signing.eip712 import SECP256K1_N, Domain, recover_typed, sign_typed
from bazaar.signing.eip712 import permit as permit_data
from tests.support.cli import DEV_KEYS
from tools.local import suite as local_suite

VOTER = Account.from_key(DEV_KEYS["buyer"])


@pytest.fixture(scope="module")
def w3():
    return Web3(Web3.HTTPProvider(brownie.web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def governor(deployer, staking):
    # the plan's hand-over of the staking alone (the governor votes with its stake)
    governed = (("staking", "PointsStaking"),)
    return local_suite.hand_over(deployer, {"staking": staking}, governed)[0]


@pytest.fixture
def ballot(governor):
    domain = Domain("BazaarGovernor", "1", brownie.web3.eth.chain_id, governor.address)
    data = SignedBallot(domain.contract, domain.chain_id, 42, 1, VOTER.address, 0, b"")
    signature = sign_typed(VOTER, data.typed_data(domain.name, domain.version))
    return SignedBallot(domain.contract, domain.chain_id, 42, 1, VOTER.address, 0, signature)


def test_the_ballot_domain_and_type_are_the_ones_the_governor_uses(w3, governor):
    client = GovernorClient(w3, governor.address)
    assert client.domain == Domain("BazaarGovernor", "1", w3.eth.chain_id, governor.address)
    ballot_type = "Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)"
    assert governor.BALLOT_TYPEHASH() == "0x" + keccak(text=ballot_type).hex()


def test_a_signed_ballot_recovers_to_its_voter_and_round_trips_through_json(ballot):
    assert ballot.signer("BazaarGovernor", "1") == VOTER.address
    data = ballot.to_json()
    assert data["proposalId"] == "42" and data["support"] == "for"
    assert SignedBallot.from_json(data) == ballot
    assert ballot.signer("OtherGovernor", "1") != VOTER.address  # the domain is signed


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("governor", "0x1234", "governor '0x1234' is not an address"),
        ("voter", 7, "voter 7 is not an address"),
        ("proposalId", "12x", "proposalId '12x' is not a whole number"),
        ("proposalId", 2**256, "out of range"),
        ("nonce", -1, "nonce -1 is out of range"),
        ("chainId", True, "chainId True is not a whole number"),
        ("support", "yes", "bad vote 'yes'"),
        ("signature", "0x" + "ab" * 64, "130 hex digits"),
        ("signature", "ab" * 65, "130 hex digits"),
        ("signature", "0x" + "zz" * 65, "130 hex digits"),
    ],
)
def test_a_malformed_ballot_is_refused_naming_its_field(ballot, field, value, message):
    data = ballot.to_json() | {field: value}
    with pytest.raises(BazaarError, match="ballot 3: .*" + message.replace("(", r"\(")):
        SignedBallot.from_json(data, "ballot 3")


def test_a_ballot_that_is_not_an_object_or_misses_fields_is_refused(ballot):
    with pytest.raises(BazaarError, match="expected a JSON object, got list"):
        SignedBallot.from_json([1, 2])
    data = ballot.to_json()
    del data["nonce"], data["voter"]
    with pytest.raises(BazaarError, match="missing voter, nonce"):
        SignedBallot.from_json(data)


def test_recovery_refuses_what_openzeppelin_ecdsa_refuses(ballot):
    data = ballot.typed_data("BazaarGovernor", "1")
    raw = ballot.signature
    s = int.from_bytes(raw[32:64], "big")
    high_s = raw[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - raw[64]])
    with pytest.raises(BazaarError, match="upper half"):
        recover_typed(data, high_s)
    with pytest.raises(BazaarError, match="v is 29"):
        recover_typed(data, raw[:64] + bytes([29]))
    with pytest.raises(BazaarError, match="65 bytes, this one 64"):
        recover_typed(data, raw[:64])


def test_a_permit_signed_by_the_package_is_accepted_by_the_reward_points(points, seller):
    _, name, version, chain_id, contract, _, _ = points.eip712Domain()
    domain = Domain(name, version, chain_id, contract)
    deadline = brownie.chain[-1].timestamp + 3600
    data = permit_data(domain, VOTER.address, seller.address, 5 * 10**18, 0, deadline)
    signature = sign_typed(VOTER, data)
    r, s, v = signature[:32], signature[32:64], signature[64]
    points.permit(VOTER.address, seller, 5 * 10**18, deadline, v, r, s, {"from": seller})
    assert points.allowance(VOTER.address, seller) == 5 * 10**18


@pytest.mark.parametrize(
    "text, expected",
    [("42", 42), ("0x2a", 42), (" 7 ", 7), ("0x" + "ff" * 32, 2**256 - 1)],
)
def test_a_proposal_id_is_decimal_or_hex(text, expected):
    assert parse_proposal_id(text) == expected


@pytest.mark.parametrize("text", ["", "0x", "-1", "1.5", "abc", "0x" + "f" * 65, str(2**256)])
def test_anything_else_is_not_a_proposal_id(text):
    with pytest.raises(BazaarError, match="bad proposal id"):
        parse_proposal_id(text)
