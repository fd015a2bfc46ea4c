"""Digital goods (the `DigitalGoods` ERC-721): minting items (one, or a batch) for a seller,
changing an item's URI, and an item's record. An item is sold by listing it on the marketplace
(`MarketplaceClient.list_digital`), which holds it in escrow. The contract checks its own
rules (who may mint, the royalty cap, empty metadata): each transaction is preflighted and a
refusal comes back as its decoded error."""

from __future__ import annotations

from dataclasses import dataclass

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.errors import BazaarError, RevertError
from bazaar.units import checksum

ZERO_HASH = b"\0" * 32


@dataclass(frozen=True)
class Item:
    id: int
    owner: str
    creator: str
    uri: str
    content_hash: bytes


class GoodsClient(ContractClient):
    ARTIFACT = "DigitalGoods"

    def item(self, token_id: int) -> Item:
        """Item `token_id`.

        Raises:
            BazaarError: no such item.
        """
        try:
            owner = self.view("ownerOf", token_id)
        except RevertError as exc:
            if exc.error_name != "ERC721NonexistentToken":
                raise
            raise BazaarError(f"unknown item {token_id} on {self.address}") from None
        return Item(
            token_id,
            checksum(owner),
            checksum(self.view("creatorOf", token_id)),
            str(self.view("tokenURI", token_id)),
            bytes(self.view("contentHash", token_id)),
        )

    def mint(self, seller: str, uri: str, content_hash: bytes, royalty_bps: int = 0) -> int:
        """Mints one item to `seller` (the caller, or an operator it approved); returns its id."""
        receipt = self.send(
            "mint", checksum(seller, "seller"), uri, content_hash, royalty_bps, label="mint"
        )
        return self._first_id(receipt)

    def mint_batch(
        self, seller: str, uris: list[str], content_hashes: list[bytes], royalty_bps: int = 0
    ) -> list[int]:
        """Mints one item per URI to `seller`; returns their ids, in order."""
        receipt = self.send(
            "mintBatch",
            checksum(seller, "seller"),
            uris,
            content_hashes,
            royalty_bps,
            label="mint a batch",
        )
        first = self._first_id(receipt)
        return list(range(first, first + len(uris)))

    def set_token_uri(self, token_id: int, uri: str) -> TxReceipt:
        """The item's creator points it at a new URI (its content hash never changes)."""
        return self.send("setTokenURI", token_id, uri, label="set token URI")

    def transfer(self, token_id: int, to: str) -> TxReceipt:
        """The owner sends item `token_id` to `to` (`safeTransferFrom`: a contract receiver
        must accept ERC-721 tokens)."""
        owner = self.signer("send an item").address
        return self.send(
            "safeTransferFrom", owner, checksum(to, "receiver"), token_id, label="send the item"
        )

    def is_operator(self, owner: str, operator: str) -> bool:
        return bool(
            self.view("isApprovedForAll", checksum(owner, "owner"), checksum(operator, "operator"))
        )

    def set_operator(self, operator: str, approved: bool) -> TxReceipt:
        """The caller lets `operator` mint for it and move its items (or no longer)."""
        return self.send(
            "setApprovalForAll",
            checksum(operator, "operator"),
            approved,
            label="approve an operator" if approved else "revoke an operator",
        )

    def _first_id(self, receipt: TxReceipt) -> int:
        minted = [e for e in self.events(receipt, "Transfer") if int(e["from"], 16) == 0]
        return min(int(e["tokenId"]) for e in minted)
