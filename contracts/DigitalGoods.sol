// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/interfaces/IERC165.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

import {IDigitalGoods} from "../interfaces/IDigitalGoods.sol";

/// @title DigitalGoods
/// @notice ERC-721 digital items (licences, files, keys) sold through the escrow marketplace.
/// @dev No Enumerable extension (it would add four storage writes to every transfer).
contract DigitalGoods is IDigitalGoods, IERC4906, ERC721, ERC2981 {
    /// @inheritdoc IDigitalGoods
    uint96 public constant MAX_ROYALTY_BPS = 1_000;
    /// @inheritdoc IDigitalGoods
    uint256 public constant MAX_BATCH = 100;
    /// @dev ERC-4906's interface id.
    bytes4 private constant ERC4906_INTERFACE_ID = 0x49064906;

    /// @dev Who may bind the marketplace, once.
    address private immutable _binder;

    /// @inheritdoc IDigitalGoods
    address public marketplace;
    /// @inheritdoc IDigitalGoods
    uint256 public lastTokenId;

    mapping(uint256 tokenId => bytes32) private _contentHashes;
    mapping(uint256 tokenId => string) private _uris;

    constructor() ERC721("BTC Bazaar Digital Goods", "BZGOODS") {
        _binder = msg.sender;
    }

    /* MINTING AND METADATA */

    /// @inheritdoc IDigitalGoods
    function mint(address seller, string calldata uri, bytes32 contentHash_, uint96 royaltyBps)
        external
        returns (uint256 tokenId)
    {
        _checkMinter(seller, royaltyBps);
        tokenId = ++lastTokenId;
        _create(seller, tokenId, uri, contentHash_, royaltyBps);
    }

    /// @inheritdoc IDigitalGoods
    function mintBatch(address seller, string[] calldata uris, bytes32[] calldata contentHashes, uint96 royaltyBps)
        external
        returns (uint256 firstId)
    {
        uint256 size = uris.length;
        if (size == 0 || size > MAX_BATCH || contentHashes.length != size) revert GoodsBadBatch(size, MAX_BATCH);
        _checkMinter(seller, royaltyBps);
        uint256 last = lastTokenId;
        firstId = last + 1;
        lastTokenId = last + size;
        for (uint256 i = 0; i < size; ++i) {
            _create(seller, firstId + i, uris[i], contentHashes[i], royaltyBps);
        }
    }

    /// @inheritdoc IDigitalGoods
    function setTokenURI(uint256 tokenId, string calldata uri) external {
        if (msg.sender != creatorOf(tokenId)) revert GoodsNotCreator(msg.sender, tokenId);
        if (bytes(uri).length == 0) revert GoodsEmptyMetadata();
        _uris[tokenId] = uri;
        emit MetadataUpdate(tokenId);
    }

    /// @inheritdoc IDigitalGoods
    function bindMarketplace(address marketplace_) external {
        if (msg.sender != _binder || marketplace != address(0) || marketplace_ == address(0)) {
            revert GoodsBindRefused(msg.sender);
        }
        marketplace = marketplace_;
        emit MarketplaceBound(marketplace_);
    }

    /* VIEWS */

    /// @inheritdoc IDigitalGoods
    function contentHash(uint256 tokenId) external view returns (bytes32) {
        _requireOwned(tokenId);
        return _contentHashes[tokenId];
    }

    /// @inheritdoc IDigitalGoods
    function creatorOf(uint256 tokenId) public view returns (address creator) {
        (creator,) = royaltyInfo(tokenId, 0);
    }

    /// @notice The item's metadata URI.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return _uris[tokenId];
    }

    /// @notice The bound marketplace is an operator of every holder (see `IDigitalGoods`).
    function isApprovedForAll(address owner, address operator)
        public
        view
        override(IERC721, ERC721)
        returns (bool)
     {
        return (operator == marketplace && operator != address(0)) || super.isApprovedForAll(owner, operator);
    }

    /// @notice ERC-165: ERC-721, ERC-721 Metadata, ERC-2981, ERC-4906.
    function supportsInterface(bytes4 interfaceId) public view override(IERC165, ERC721, ERC2981) returns (bool) {
        return interfaceId == ERC4906_INTERFACE_ID || super.supportsInterface(interfaceId);
    }

    /* INTERNAL */

    /// @dev The caller must be the seller or an operator the seller approved itself (the
    ///      marketplace's blanket approval does not count: it never mints).
    function _checkMinter(address seller, uint96 royaltyBps) private view {
        if (msg.sender != seller && !super.isApprovedForAll(seller, msg.sender)) {
            revert GoodsNotSeller(msg.sender, seller);
        }
        if (royaltyBps > MAX_ROYALTY_BPS) revert GoodsRoyaltyTooHigh(royaltyBps, MAX_ROYALTY_BPS);
    }

    function _create(address seller, uint256 tokenId, string calldata uri, bytes32 contentHash_, uint96 royaltyBps)
        private
    {
        if (contentHash_ == bytes32(0) || bytes(uri).length == 0) revert GoodsEmptyMetadata();
        _contentHashes[tokenId] = contentHash_;
        _uris[tokenId] = uri;
        // The creator is the royalty receiver; one slot holds both.
        _setTokenRoyalty(tokenId, seller, royaltyBps);
        _safeMint(seller, tokenId);
    }
}
