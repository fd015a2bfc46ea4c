"""DigitalGoods as an ERC-721 and ERC-2981 token: holders, approvals and transfers by
owners, approved accounts, operators and strangers; safe transfers to contracts that accept,
refuse or ignore items; royalties of items with and without a royalty."""

import brownie
import pytest

from tests.support.helpers import err, mint_item

ZERO = brownie.ZERO_ADDRESS
ACCEPT, WRONG_VALUE, REFUSE = 0, 1, 2


@pytest.fixture
def item(goods, seller):
    return mint_item(goods, seller)


@pytest.fixture
def picky(PickyGoodsReceiver, deployer):
    return PickyGoodsReceiver.deploy({"from": deployer})


# --- holders -----------------------------------------------------------------------------


def test_name_symbol_and_balances_are_reported(goods, item, seller, buyer):
    assert goods.name() == "BTC Bazaar Digital Goods"
    assert goods.symbol() == "BZGOODS"
    assert goods.balanceOf(seller) == 1 and goods.balanceOf(buyer) == 0


def test_the_balance_of_the_zero_address_is_refused(goods):
    with brownie.reverts(err("ERC721InvalidOwner", ZERO)):
        goods.balanceOf(ZERO)


def test_owner_and_approval_of_an_item_that_does_not_exist_revert(goods):
    with brownie.reverts(err("ERC721NonexistentToken", 7)):
        goods.ownerOf(7)
    with brownie.reverts(err("ERC721NonexistentToken", 7)):
        goods.getApproved(7)


# --- approvals ---------------------------------------------------------------------------


def test_an_approved_account_transfers_the_item_once_and_the_approval_is_cleared(
    goods, item, seller, buyer, stranger
):
    tx = goods.approve(stranger, item, {"from": seller})
    assert tx.events["Approval"]["approved"] == stranger
    assert goods.getApproved(item) == stranger
    goods.transferFrom(seller, buyer, item, {"from": stranger})
    assert goods.ownerOf(item) == buyer
    assert goods.getApproved(item) == ZERO
    with brownie.reverts(err("ERC721InsufficientApproval", stranger, item)):
        goods.transferFrom(buyer, seller, item, {"from": stranger})


def test_a_stranger_can_neither_approve_nor_transfer_an_item(goods, item, seller, stranger):
    with brownie.reverts(err("ERC721InvalidApprover", stranger)):
        goods.approve(stranger, item, {"from": stranger})
    with brownie.reverts(err("ERC721InsufficientApproval", stranger, item)):
        goods.transferFrom(seller, stranger, item, {"from": stranger})
    with brownie.reverts(err("ERC721InsufficientApproval", stranger, item)):
        goods.safeTransferFrom(seller, stranger, item, {"from": stranger})
    assert goods.ownerOf(item) == seller


def test_an_operator_approves_others_and_transfers_until_its_approval_is_revoked(
    goods, item, seller, buyer, stranger, accounts
):
    operator = accounts[3]
    tx = goods.setApprovalForAll(operator, True, {"from": seller})
    assert tx.events["ApprovalForAll"]["approved"]
    assert goods.isApprovedForAll(seller, operator)
    goods.approve(stranger, item, {"from": operator})  # an operator may approve for the owner
    assert goods.getApproved(item) == stranger
    goods.setApprovalForAll(operator, False, {"from": seller})
    assert not goods.isApprovedForAll(seller, operator)
    with brownie.reverts(err("ERC721InsufficientApproval", operator, item)):
        goods.transferFrom(seller, buyer, item, {"from": operator})


def test_the_zero_address_cannot_be_made_an_operator(goods, seller):
    with brownie.reverts(err("ERC721InvalidOperator", ZERO)):
        goods.setApprovalForAll(ZERO, True, {"from": seller})


# --- transfers ---------------------------------------------------------------------------


def test_a_transfer_to_the_zero_address_is_refused(goods, item, seller):
    with brownie.reverts(err("ERC721InvalidReceiver", ZERO)):
        goods.transferFrom(seller, ZERO, item, {"from": seller})


def test_a_transfer_naming_the_wrong_holder_is_refused(goods, item, seller, buyer):
    goods.setApprovalForAll(buyer, True, {"from": seller})
    with brownie.reverts(err("ERC721IncorrectOwner", buyer, item, seller)):
        goods.transferFrom(buyer, seller, item, {"from": buyer})


def test_a_transfer_of_an_item_that_does_not_exist_is_refused(goods, seller, buyer):
    with brownie.reverts(err("ERC721NonexistentToken", 7)):
        goods.transferFrom(seller, buyer, 7, {"from": seller})


def test_a_safe_transfer_to_an_account_moves_the_item(goods, item, seller, buyer):
    tx = goods.safeTransferFrom(seller, buyer, item, {"from": seller})
    assert tx.events["Transfer"]["to"] == buyer
    assert goods.ownerOf(item) == buyer and goods.balanceOf(seller) == 0


def test_a_safe_transfer_with_data_hands_the_data_to_an_accepting_contract(
    goods, item, seller, picky
):
    goods.safeTransferFrom(seller, picky, item, b"\xca\xfe", {"from": seller})
    assert goods.ownerOf(item) == picky
    assert picky.lastData() == "0xcafe"


def test_a_safe_transfer_to_a_contract_answering_the_wrong_value_is_refused(
    goods, item, seller, picky
):
    picky.setMode(WRONG_VALUE, {"from": seller})
    with brownie.reverts(err("ERC721InvalidReceiver", picky)):
        goods.safeTransferFrom(seller, picky, item, {"from": seller})
    assert goods.ownerOf(item) == seller


def test_a_safe_transfer_to_a_refusing_contract_reverts_with_the_contracts_own_error(
    goods, item, seller, picky
):
    picky.setMode(REFUSE, {"from": seller})
    with brownie.reverts(err("PickyGoodsReceiverRefused", item)):
        goods.safeTransferFrom(seller, picky, item, b"", {"from": seller})
    assert goods.ownerOf(item) == seller


def test_a_safe_transfer_to_a_contract_without_the_receiver_hook_is_refused(
    goods, item, seller, GoodsAgent, deployer
):
    agent = GoodsAgent.deploy({"from": deployer})
    with brownie.reverts(err("ERC721InvalidReceiver", agent)):
        goods.safeTransferFrom(seller, agent, item, {"from": seller})
    goods.transferFrom(seller, agent, item, {"from": seller})  # a plain transfer goes through
    assert goods.ownerOf(item) == agent


def test_minting_to_a_contract_seller_without_the_receiver_hook_is_refused(
    goods, GoodsAgent, deployer
):
    agent = GoodsAgent.deploy({"from": deployer})
    mint = goods.mint.encode_input(agent, "ipfs://lost", b"\x22" * 32, 0)
    with brownie.reverts(err("ERC721InvalidReceiver", agent)):
        agent.execute(goods, mint, {"from": deployer})
    assert goods.lastTokenId() == 0


# --- royalties ---------------------------------------------------------------------------


def test_an_item_minted_without_royalty_pays_its_creator_nothing(goods, seller):
    token_id = mint_item(goods, seller, royalty_bps=0)
    receiver, amount = goods.royaltyInfo(token_id, 10**18)
    assert receiver == seller and amount == 0


def test_the_royalty_stays_with_the_creator_after_the_item_is_sold_on(goods, item, seller, buyer):
    goods.transferFrom(seller, buyer, item, {"from": seller})
    receiver, amount = goods.royaltyInfo(item, 10_000)
    assert receiver == seller and amount == 500  # 5 %
    assert goods.creatorOf(item) == seller


def test_an_item_that_does_not_exist_has_no_creator_and_no_royalty(goods, stranger):
    receiver, amount = goods.royaltyInfo(7, 10_000)
    assert receiver == ZERO and amount == 0
    assert goods.creatorOf(7) == ZERO
    with brownie.reverts(err("GoodsNotCreator", stranger, 7)):
        goods.setTokenURI(7, "ipfs://ghost", {"from": stranger})
