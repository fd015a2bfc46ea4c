"""DigitalGoods, the ERC-721 of digital items: minting by sellers, batch mint, royalties
capped in code, metadata changes announced by ERC-4906, interface ids, marketplace binding."""

import brownie
import pytest

from tests.support.helpers import err

CONTENT = b"\x22" * 32
MAX_ROYALTY_BPS = 1_000


def royalty(goods, token_id, sale_price):
    receiver, amount = goods.royaltyInfo(token_id, sale_price)
    return receiver, int(amount)


def test_a_seller_mints_an_item_with_its_content_hash_uri_and_royalty(goods, seller):
    tx = goods.mint(seller, "ipfs://licence-1", CONTENT, 250, {"from": seller})
    token_id = tx.return_value
    assert token_id == 1 == goods.lastTokenId()
    assert goods.ownerOf(token_id) == seller
    assert goods.creatorOf(token_id) == seller
    assert goods.contentHash(token_id) == "0x" + CONTENT.hex()
    assert goods.tokenURI(token_id) == "ipfs://licence-1"
    assert royalty(goods, token_id, 10_000) == (seller, 250)
    assert tx.events["Transfer"]["from"] == brownie.ZERO_ADDRESS
    assert tx.events["Transfer"]["to"] == seller


def test_minting_by_a_non_seller_is_refused(goods, seller, stranger):
    with brownie.reverts(err("GoodsNotSeller", stranger, seller)):
        goods.mint(seller, "ipfs://fake", CONTENT, 0, {"from": stranger})
    with brownie.reverts(err("GoodsNotSeller", stranger, seller)):
        goods.mintBatch(seller, ["ipfs://fake"], [CONTENT], 0, {"from": stranger})
    assert goods.lastTokenId() == 0


def test_an_operator_the_seller_approved_mints_in_the_sellers_name(goods, seller, stranger):
    goods.setApprovalForAll(stranger, True, {"from": seller})
    tx = goods.mint(seller, "ipfs://by-agent", CONTENT, 0, {"from": stranger})
    token_id = tx.return_value
    assert goods.ownerOf(token_id) == seller == goods.creatorOf(token_id)


def test_the_marketplace_blanket_approval_never_lets_it_mint(goods, market, seller):
    assert goods.isApprovedForAll(seller, market)
    as_market = brownie.accounts.at(market.address, force=True)
    with brownie.reverts(err("GoodsNotSeller", market, seller)):
        goods.mint(seller, "ipfs://forged", CONTENT, 0, {"from": as_market})


def test_royalty_at_the_cap_is_accepted_and_one_past_it_refused(goods, seller):
    tx = goods.mint(seller, "ipfs://max", CONTENT, MAX_ROYALTY_BPS, {"from": seller})
    token_id = tx.return_value
    assert royalty(goods, token_id, 1_000_000) == (seller, 100_000)  # 10 %
    with brownie.reverts(err("GoodsRoyaltyTooHigh", MAX_ROYALTY_BPS + 1, MAX_ROYALTY_BPS)):
        goods.mint(seller, "ipfs://greedy", CONTENT, MAX_ROYALTY_BPS + 1, {"from": seller})


@pytest.mark.parametrize("content, uri", [(b"\x00" * 32, "ipfs://x"), (CONTENT, "")])
def test_an_item_without_content_hash_or_uri_is_refused(goods, seller, content, uri):
    with brownie.reverts(err("GoodsEmptyMetadata")):
        goods.mint(seller, uri, content, 0, {"from": seller})


def test_batch_mint_gives_consecutive_ids_each_with_its_own_metadata(goods, seller):
    goods.mint(seller, "ipfs://first", CONTENT, 0, {"from": seller})
    hashes = [bytes([i]) * 32 for i in (1, 2, 3)]
    uris = [f"ipfs://batch-{i}" for i in (1, 2, 3)]
    tx = goods.mintBatch(seller, uris, hashes, 300, {"from": seller})
    assert tx.return_value == 2
    assert goods.lastTokenId() == 4
    assert [e["tokenId"] for e in tx.events["Transfer"]] == [2, 3, 4]
    for offset, (uri, content) in enumerate(zip(uris, hashes, strict=True)):
        token_id = 2 + offset
        assert goods.ownerOf(token_id) == seller
        assert goods.tokenURI(token_id) == uri
        assert goods.contentHash(token_id) == "0x" + content.hex()
        assert royalty(goods, token_id, 10_000) == (seller, 300)
    assert goods.balanceOf(seller) == 4


@pytest.mark.parametrize("uris, hashes, size", [([], [], 0), (["a", "b"], [CONTENT], 2)])
def test_an_empty_or_mismatched_batch_is_refused(goods, seller, uris, hashes, size):
    with brownie.reverts(err("GoodsBadBatch", size, 100)):
        goods.mintBatch(seller, uris, hashes, 0, {"from": seller})


def test_a_batch_above_100_items_is_refused(goods, seller):
    with brownie.reverts(err("GoodsBadBatch", 101, 100)):
        goods.mintBatch(seller, ["ipfs://x"] * 101, [CONTENT] * 101, 0, {"from": seller})


def test_the_creator_moves_the_uri_with_an_erc4906_event_and_nobody_else_can(
    goods, seller, buyer, stranger
):
    token_id = goods.mint(seller, "ipfs://old", CONTENT, 0, {"from": seller}).return_value
    goods.transferFrom(seller, buyer, token_id, {"from": seller})
    tx = goods.setTokenURI(token_id, "ipfs://new", {"from": seller})
    assert tx.events["MetadataUpdate"]["_tokenId"] == token_id
    assert goods.tokenURI(token_id) == "ipfs://new"
    assert goods.contentHash(token_id) == "0x" + CONTENT.hex()  # the content never changes
    for account in (buyer, stranger):
        with brownie.reverts(err("GoodsNotCreator", account, token_id)):
            goods.setTokenURI(token_id, "ipfs://hijack", {"from": account})
    with brownie.reverts(err("GoodsEmptyMetadata")):
        goods.setTokenURI(token_id, "", {"from": seller})


def test_views_of_an_item_that_does_not_exist_revert(goods):
    with brownie.reverts(err("ERC721NonexistentToken", 7)):
        goods.tokenURI(7)
    with brownie.reverts(err("ERC721NonexistentToken", 7)):
        goods.contentHash(7)


@pytest.mark.parametrize(
    "interface_id, name",
    [
        ("0x01ffc9a7", "ERC-165"),
        ("0x80ac58cd", "ERC-721"),
        ("0x5b5e139f", "ERC-721 Metadata"),
        ("0x2a55205a", "ERC-2981"),
        ("0x49064906", "ERC-4906"),
    ],
)
def test_erc721_erc2981_and_erc4906_interface_ids_are_reported(goods, interface_id, name):
    assert goods.supportsInterface(interface_id), name


def test_no_enumerable_and_no_unknown_interface_is_claimed(goods):
    assert not goods.supportsInterface("0x780e9d63")  # ERC-721 Enumerable
    assert not goods.supportsInterface("0xffffffff")


def test_the_marketplace_is_bound_once_by_the_deployer_only(DigitalGoods, deployer, stranger):
    fresh = DigitalGoods.deploy({"from": deployer})
    assert not fresh.isApprovedForAll(stranger, brownie.ZERO_ADDRESS)
    with brownie.reverts(err("GoodsBindRefused", stranger)):
        fresh.bindMarketplace(stranger, {"from": stranger})
    with brownie.reverts(err("GoodsBindRefused", deployer)):
        fresh.bindMarketplace(brownie.ZERO_ADDRESS, {"from": deployer})
    tx = fresh.bindMarketplace(stranger, {"from": deployer})
    assert tx.events["MarketplaceBound"]["marketplace"] == stranger
    assert fresh.marketplace() == stranger
    assert fresh.isApprovedForAll(deployer, stranger)
    with brownie.reverts(err("GoodsBindRefused", deployer)):
        fresh.bindMarketplace(deployer, {"from": deployer})
