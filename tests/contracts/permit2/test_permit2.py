"""Uniswap's Permit2 from bazaar/artifacts/Permit2.json on anvil: the plan deploys it, its
domain is Permit2's, a transfer signed off-line (eth-account's `encode_typed_data`, through
bazaar.signing.permit2) moves MockWBTC once and only once and only before its deadline, and
the artifact's init code lands at the canonical address through the CREATE2 deployer."""

import brownie
import pytest
from eth_account import Account

from bazaar.clients.permit2 import Permit2Client
from bazaar.networks import PERMIT2_ADDRESS
from bazaar.signing import permit2 as typed
from bazaar.signing.eip712 import sign_typed
from bazaar.tx import TxSender
from tests.support.cli import DEV_KEYS
from tests.support.helpers import SATS, err, next_block_at
from tools.toolchain.permit2 import CREATE2_DEPLOYER, CREATE2_SALT

AMOUNT = SATS // 4  # 0.25 WBTC


@pytest.fixture(scope="module")
def owner_key():
    """The eth-account key of `buyer` (anvil's account 1): the owner who signs."""
    return Account.from_key(DEV_KEYS["buyer"])


@pytest.fixture(scope="module")
def funded(permit2, wbtc, buyer, deployer):
    """The buyer holds 1 WBTC and has approved Permit2 for all of it (the one approval
    Permit2 needs per token)."""
    wbtc.mint(buyer, SATS, {"from": deployer})
    wbtc.approve(permit2, 2**256 - 1, {"from": buyer})
    return permit2


@pytest.fixture(scope="module")
def client(permit2):
    return Permit2Client(brownie.web3, permit2.address)


def signed(permit2, key, wbtc, spender, nonce, deadline, amount=AMOUNT):
    """(the permit as Permit2 takes it, the owner's signature)."""
    data = typed.permit_transfer_from(
        brownie.chain.id, permit2.address, wbtc.address, amount, spender.address, nonce, deadline
    )
    return ((wbtc.address, amount), nonce, deadline), sign_typed(key, data)


def transfer_from(permit2, *args):
    """SignatureTransfer's single-token `permitTransferFrom` (it has a batch overload)."""
    return permit2.permitTransferFrom["tuple,tuple,address,bytes"](*args)


def deadline_in(seconds):
    return brownie.chain.time() + seconds


def test_the_plan_deploys_permit2_from_its_artifact_on_the_local_chain(permit2):
    assert permit2.address != PERMIT2_ADDRESS  # wherever the chain put it
    assert len(brownie.web3.eth.get_code(permit2.address)) > 9000


def test_its_domain_separator_is_the_eip712_separator_of_permit2_on_this_chain(permit2, client):
    expected = typed.domain_separator(brownie.chain.id, permit2.address)
    assert client.domain_separator() == expected
    assert bytes(permit2.DOMAIN_SEPARATOR()) == expected


def test_a_signed_permit_transfer_from_moves_wbtc_to_whom_the_spender_names(
    funded, wbtc, buyer, seller, stranger, owner_key, client
):
    permit, signature = signed(funded, owner_key, wbtc, seller, 7, deadline_in(600))
    assert not client.nonce_used(buyer.address, 7)
    # the spender may take less than permitted, and send it anywhere
    transfer_from(funded, permit, (stranger, AMOUNT - 1), buyer, signature, {"from": seller})
    assert wbtc.balanceOf(stranger) == AMOUNT - 1
    assert wbtc.balanceOf(buyer) == SATS - AMOUNT + 1
    assert client.nonce_used(buyer.address, 7)
    assert not client.nonce_used(buyer.address, 6) and not client.nonce_used(buyer.address, 8)


def test_a_replayed_nonce_is_refused(funded, wbtc, buyer, seller, owner_key):
    permit, signature = signed(funded, owner_key, wbtc, seller, 2**200 + 3, deadline_in(600))
    transfer_from(funded, permit, (seller, AMOUNT), buyer, signature, {"from": seller})
    with brownie.reverts(err("InvalidNonce")):
        transfer_from(funded, permit, (seller, AMOUNT), buyer, signature, {"from": seller})
    assert wbtc.balanceOf(seller) == AMOUNT


def test_an_expired_deadline_is_refused(funded, wbtc, buyer, seller, owner_key):
    deadline = deadline_in(60)
    permit, signature = signed(funded, owner_key, wbtc, seller, 1, deadline)
    next_block_at(deadline + 1)
    with brownie.reverts(err("SignatureExpired", deadline)):
        transfer_from(funded, permit, (seller, AMOUNT), buyer, signature, {"from": seller})
    assert wbtc.balanceOf(seller) == 0


def test_only_the_signed_spender_may_use_the_signature(funded, wbtc, buyer, seller, owner_key):
    permit, signature = signed(funded, owner_key, wbtc, seller, 1, deadline_in(600))
    with brownie.reverts(err("InvalidSigner")):
        transfer_from(funded, permit, (buyer, AMOUNT), buyer, signature, {"from": buyer})


def test_a_nonce_cancelled_through_the_client_cannot_be_used(
    funded, wbtc, buyer, seller, owner_key
):
    permit, signature = signed(funded, owner_key, wbtc, seller, 300, deadline_in(600))
    client = Permit2Client(brownie.web3, funded.address, TxSender(brownie.web3, owner_key))
    client.cancel_nonce(300)  # word 1, bit 44
    assert client.nonce_bitmap(buyer.address, 1) == 1 << 44
    assert client.nonce_used(buyer.address, 300)
    with brownie.reverts(err("InvalidNonce")):
        transfer_from(funded, permit, (seller, AMOUNT), buyer, signature, {"from": seller})


def test_the_artifact_lands_at_the_canonical_address_through_the_create2_deployer(
    permit2, stranger
):
    """anvil has the deterministic deployer from genesis, as the public chains do: the
    artifact's init code with Permit2's salt is created at Permit2's canonical address, and
    its code there answers as Permit2 does."""
    assert brownie.web3.eth.get_code(CREATE2_DEPLOYER)
    init_code = bytes.fromhex(permit2.tx.input[2:])  # the plan's deploy transaction's data
    stranger.transfer(CREATE2_DEPLOYER, data="0x" + (CREATE2_SALT + init_code).hex())
    canonical = Permit2Client(brownie.web3, PERMIT2_ADDRESS)
    expected = typed.domain_separator(brownie.chain.id, PERMIT2_ADDRESS)
    assert canonical.domain_separator() == expected
