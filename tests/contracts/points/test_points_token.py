"""RewardPoints as an ERC-20 with ERC-2612 permit and two-step ownership: transfers and
allowances with every refusal, permits that are valid, expired, replayed or signed by the
wrong key, and the hand-over of governance. The points here are minted by an account bound
as the marketplace, which calls the rewards hooks directly."""

import brownie
import pytest
from brownie import web3
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data

from bazaar.settings import POINT
from bazaar.signing import eip712
from tests.support.helpers import chain_id_changed, err, next_block_at

ZERO = brownie.ZERO_ADDRESS
MAX_UINT = 2**256 - 1


@pytest.fixture(scope="module")
def points(direct_points):
    """This module's points: minted by the account `minter` (see conftest)."""
    return direct_points


@pytest.fixture(scope="module")
def holder(points, minter, buyer, seller):
    """The buyer, holding 1,000 points from a $1,000 order."""
    points.onOrderCompleted(1, buyer, seller, 100_000, 1, {"from": minter})
    return buyer


@pytest.fixture(scope="module")
def signer(points, minter, seller):
    """A key the test holds (to sign permits), with 1,000 points."""
    key = Account.create()
    points.onOrderCompleted(2, key.address, seller, 100_000, 1, {"from": minter})
    return key


def permit_data(points, owner, spender, value, deadline, nonce, chain_id=None):
    chain = web3.eth.chain_id if chain_id is None else chain_id
    domain = eip712.Domain(eip712.POINTS_DOMAIN_NAME, eip712.DOMAIN_VERSION, chain, points.address)
    data = eip712.permit(domain, owner, str(spender), value, nonce, deadline)
    return encode_typed_data(full_message=data)


def permit_signature(points, key, spender, value, deadline, owner=None, chain_id=None):
    """(v, r, s) of `key`'s permit for `owner` (default: itself) at the owner's nonce."""
    owner = key.address if owner is None else owner
    nonce = points.nonces(owner)
    signed = key.sign_message(permit_data(points, owner, spender, value, deadline, nonce, chain_id))
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


def recovered(points, owner, spender, value, deadline, nonce, vrs, chain_id=None):
    """Who the permit's signature recovers to for these fields (what the contract sees)."""
    data = permit_data(points, owner, spender, value, deadline, nonce, chain_id)
    return Account.recover_message(data, vrs=vrs)


# --- the token ---------------------------------------------------------------------------


def test_name_symbol_and_decimals_are_those_of_the_points(points):
    assert points.name() == "BTC Bazaar Points"
    assert points.symbol() == "BZP"
    assert points.decimals() == 18


def test_a_holder_transfers_points_and_the_balances_follow(points, holder, stranger):
    tx = points.transfer(stranger, 300 * POINT, {"from": holder})
    assert tx.events["Transfer"]["value"] == 300 * POINT
    assert points.balanceOf(holder) == 700 * POINT
    assert points.balanceOf(stranger) == 300 * POINT
    assert points.totalSupply() == 1_000 * POINT


def test_a_transfer_above_the_balance_or_to_the_zero_address_is_refused(points, holder, stranger):
    with brownie.reverts(err("ERC20InsufficientBalance", holder, 1_000 * POINT, 1_001 * POINT)):
        points.transfer(stranger, 1_001 * POINT, {"from": holder})
    with brownie.reverts(err("ERC20InvalidReceiver", ZERO)):
        points.transfer(ZERO, POINT, {"from": holder})


def test_a_spender_moves_points_within_its_allowance_and_not_beyond(
    points, holder, stranger, seller
):
    points.approve(stranger, 100 * POINT, {"from": holder})
    assert points.allowance(holder, stranger) == 100 * POINT
    points.transferFrom(holder, seller, 60 * POINT, {"from": stranger})
    assert points.allowance(holder, stranger) == 40 * POINT
    assert points.balanceOf(seller) == 60 * POINT
    with brownie.reverts(err("ERC20InsufficientAllowance", stranger, 40 * POINT, 41 * POINT)):
        points.transferFrom(holder, seller, 41 * POINT, {"from": stranger})


def test_an_unlimited_allowance_is_never_spent_down(points, holder, stranger, seller):
    points.approve(stranger, MAX_UINT, {"from": holder})
    points.transferFrom(holder, seller, 500 * POINT, {"from": stranger})
    assert points.allowance(holder, stranger) == MAX_UINT


def test_approving_the_zero_address_is_refused(points, holder):
    with brownie.reverts(err("ERC20InvalidSpender", ZERO)):
        points.approve(ZERO, POINT, {"from": holder})


# --- permit ------------------------------------------------------------------------------


def test_a_valid_permit_sets_the_allowance_and_uses_the_nonce(
    points, signer, stranger, seller, chain
):
    deadline = chain[-1].timestamp + 3_600
    v, r, s = permit_signature(points, signer, stranger, 250 * POINT, deadline)
    points.permit(signer.address, stranger, 250 * POINT, deadline, v, r, s, {"from": seller})
    assert points.allowance(signer.address, stranger) == 250 * POINT
    assert points.nonces(signer.address) == 1
    points.transferFrom(signer.address, stranger, 250 * POINT, {"from": stranger})
    assert points.balanceOf(stranger) == 250 * POINT


def test_a_permit_replayed_after_use_is_refused(points, signer, stranger, seller, chain):
    deadline = chain[-1].timestamp + 3_600
    vrs = permit_signature(points, signer, stranger, POINT, deadline)
    points.permit(signer.address, stranger, POINT, deadline, *vrs, {"from": seller})
    # the nonce moved: the same signature now recovers to another address
    other = recovered(points, signer.address, stranger, POINT, deadline, 1, vrs)
    assert other != signer.address
    with brownie.reverts(err("ERC2612InvalidSigner", other, signer.address)):
        points.permit(signer.address, stranger, POINT, deadline, *vrs, {"from": seller})
    assert points.nonces(signer.address) == 1


def test_an_expired_permit_is_refused(points, signer, stranger, seller, chain):
    deadline = chain[-1].timestamp + 100
    v, r, s = permit_signature(points, signer, stranger, POINT, deadline)
    next_block_at(deadline + 1)
    with brownie.reverts(err("ERC2612ExpiredSignature", deadline)):
        points.permit(signer.address, stranger, POINT, deadline, v, r, s, {"from": seller})
    assert points.allowance(signer.address, stranger) == 0


def test_a_permit_signed_by_another_key_is_refused(points, signer, stranger, seller, chain):
    deadline = chain[-1].timestamp + 3_600
    impostor = Account.create()
    vrs = permit_signature(points, impostor, stranger, POINT, deadline, owner=signer.address)
    with brownie.reverts(err("ERC2612InvalidSigner", impostor.address, signer.address)):
        points.permit(signer.address, stranger, POINT, deadline, *vrs, {"from": seller})
    assert points.nonces(signer.address) == 0


def test_the_eip712_domain_names_the_points_on_this_chain_and_contract(points, chain):
    domain = points.eip712Domain()
    assert domain["name"] == "BTC Bazaar Points" and domain["version"] == "1"
    assert domain["chainId"] == chain.id and domain["verifyingContract"] == points
    type_hash = web3.keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    fields = [type_hash, web3.keccak(text="BTC Bazaar Points"), web3.keccak(text="1")]
    encoded = encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [*fields, chain.id, points.address],
    )
    assert points.DOMAIN_SEPARATOR() == web3.to_hex(web3.keccak(encoded))


def test_after_a_chain_split_permits_signed_for_the_old_chain_are_refused(
    points, signer, stranger, accounts, deployer, chain
):
    """The domain separator is rebuilt from the current chain id when it differs from the one
    at deployment: a permit signed for one side of a fork cannot be replayed on the other."""
    # anvil's own accounts keep signing for the old chain id: relay with a key held here
    relayer = accounts.add(Account.create().key)
    deployer.transfer(relayer, 10**18)
    deadline = chain[-1].timestamp + 3_600
    old_chain, new_chain = chain.id, chain.id + 1
    old_permit = permit_signature(points, signer, stranger, POINT, deadline)
    with chain_id_changed(new_chain):
        other = recovered(
            points, signer.address, stranger, POINT, deadline, 0, old_permit, new_chain
        )
        with brownie.reverts(err("ERC2612InvalidSigner", other, signer.address)):
            points.permit(signer.address, stranger, POINT, deadline, *old_permit, {"from": relayer})
        new_permit = permit_signature(points, signer, stranger, POINT, deadline, chain_id=new_chain)
        points.permit(signer.address, stranger, POINT, deadline, *new_permit, {"from": relayer})
        assert points.allowance(signer.address, stranger) == POINT
    assert points.eip712Domain()["chainId"] == old_chain


# --- ownership ---------------------------------------------------------------------------


def test_governance_moves_to_a_new_owner_in_two_steps(points, deployer, accounts, stranger):
    timelock = accounts[3]
    tx = points.transferOwnership(timelock, {"from": deployer})
    assert tx.events["OwnershipTransferStarted"]["newOwner"] == timelock
    assert points.owner() == deployer and points.pendingOwner() == timelock
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        points.acceptOwnership({"from": stranger})
    points.acceptOwnership({"from": timelock})
    assert points.owner() == timelock and points.pendingOwner() == ZERO
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        points.setMintConfig(1, 1, 1, 1, {"from": deployer})
    points.setMintConfig(500, 1_000, 1_000, 0, {"from": timelock})
    assert points.mintState()["orderCap"] == 500


def test_only_the_owner_offers_ownership_or_renounces_it(points, deployer, stranger):
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        points.transferOwnership(stranger, {"from": stranger})
    with brownie.reverts(err("OwnableUnauthorizedAccount", stranger)):
        points.renounceOwnership({"from": stranger})
    points.renounceOwnership({"from": deployer})
    assert points.owner() == ZERO
    with brownie.reverts(err("OwnableUnauthorizedAccount", deployer)):
        points.setMintConfig(1, 1, 1, 1, {"from": deployer})


def test_points_cannot_be_deployed_without_an_owner(RewardPoints, deployer):
    with brownie.reverts(err("OwnableInvalidOwner", ZERO)):
        RewardPoints.deploy(ZERO, {"from": deployer})
