// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDigitalGoods
/// @notice One ERC-721 token per digital item (a licence, a file, a key), minted by its seller
///         with the hash of its content and a metadata URI. The content hash never changes;
///         the URI may be moved by the item's creator, announced by an ERC-4906
///         `MetadataUpdate` event. Royalties by ERC-2981 go to the creator, capped in code.
///
///         The marketplace bound at set-up is an operator of every holder: it moves a token
///         only in its own code paths (from a seller who lists it into escrow, out of escrow to
///         the buyer, and back from the order's buyer to the seller on a full refund or a
///         ruling for the buyer). Ids start at 1.
interface IDigitalGoods {
    /* EVENTS (a mint is announced by its ERC-721 `Transfer` from zero to the creator; a
       moved URI by ERC-4906 `MetadataUpdate`) */

    /// @notice The marketplace was bound (once, at set-up).
    event MarketplaceBound(address indexed marketplace);

    /* ERRORS */

    /// @notice `caller` may not mint for `seller` (only the seller or its ERC-721 operator may).
    error GoodsNotSeller(address caller, address seller);

    /// @notice Only the creator of `tokenId` may do this.
    error GoodsNotCreator(address caller, uint256 tokenId);

    /// @notice A royalty of `royaltyBps` is above the cap `maxBps`.
    error GoodsRoyaltyTooHigh(uint256 royaltyBps, uint256 maxBps);

    /// @notice An item needs a non-zero content hash and a non-empty URI.
    error GoodsEmptyMetadata();

    /// @notice A batch of `size` items is empty, above `maxSize`, or its arrays differ in length.
    error GoodsBadBatch(uint256 size, uint256 maxSize);

    /// @notice The marketplace is already bound, or `caller` may not bind it.
    error GoodsBindRefused(address caller);

    /* CONSTANTS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Highest royalty a creator may set: 10 % (1,000 bps).
    function MAX_ROYALTY_BPS() external view returns (uint96);

    /// @notice Most items per batch mint (bounds the loop by the caller's own input).
    function MAX_BATCH() external view returns (uint256);
    // slither-disable-end naming-convention

    /* MINTING AND METADATA */

    /// @notice Mints one item to `seller`, who becomes its creator and royalty receiver.
    /// @param seller The seller; the caller must be the seller or an operator it approved.
    /// @param uri Metadata URI (non-empty).
    /// @param itemHash Hash of the item's content (non-zero); fixed forever.
    /// @param royaltyBps ERC-2981 royalty in basis points (at most `MAX_ROYALTY_BPS`).
    /// @return tokenId The new item's id.
    function mint(address seller, string calldata uri, bytes32 itemHash, uint96 royaltyBps)
        external
        returns (uint256 tokenId);

    /// @notice Mints `uris.length` items to `seller` with consecutive ids, one royalty for all.
    /// @return firstId The first id; the others follow it.
    function mintBatch(address seller, string[] calldata uris, bytes32[] calldata contentHashes, uint96 royaltyBps)
        external
        returns (uint256 firstId);

    /// @notice The creator moves an item's metadata URI (emits `MetadataUpdate`).
    function setTokenURI(uint256 tokenId, string calldata uri) external;

    /// @notice Binds the marketplace; once, by the deployer, at set-up.
    function bindMarketplace(address marketplace_) external;

    /* VIEWS */

    /// @notice The hash of item `tokenId`'s content.
    function contentHash(uint256 tokenId) external view returns (bytes32);

    /// @notice Who minted item `tokenId` (its royalty receiver).
    function creatorOf(uint256 tokenId) external view returns (address);

    /// @notice The marketplace (zero until bound).
    function marketplace() external view returns (address);

    /// @notice The last id minted (0: none).
    function lastTokenId() external view returns (uint256);
}
