// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";
import {MarketplaceConfig} from "./MarketplaceConfig.sol";

/// @title MarketplaceListings
/// @notice Listings: physical items with stock, digital items held in escrow, price and stock
///         updates, delisting, quotes, and stock that comes back when an order is undone.
abstract contract MarketplaceListings is MarketplaceConfig, ReentrancyGuardTransient {
    /// @notice Largest share of a price a seller may let buyers pay in points: 20 %.
    uint256 public constant MAX_POINTS_DISCOUNT_BPS = 2_000;

    mapping(uint256 listingId => Listing) internal _listings;

    /* LISTINGS */

    /// @inheritdoc IEscrowMarketplace
    function list(
        uint256 priceUsd,
        uint256 stock,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps,
        Kind kind,
        bytes32 metadataHash
    ) external returns (uint256 listingId) {
        _whenNotPaused();
        if (kind != Kind.Physical) revert MarketplaceKindNotSupported(kind);
        if (stock < 1 || stock > type(uint32).max) revert MarketplaceStockOutOfRange(stock, 1, type(uint32).max);
        listingId = _list(priceUsd, stock, tokens, bufferBps, pointsDiscountCapBps, 0, metadataHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function listDigital(
        uint256 goodsTokenId,
        uint256 priceUsd,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps
    ) external nonReentrant returns (uint256 listingId) {
        _whenNotPaused();
        if (address(goods) == address(0)) revert MarketplaceKindNotSupported(Kind.Digital);
        if (goodsTokenId < 1 || goodsTokenId > type(uint64).max) revert MarketplaceGoodsTokenIdOutOfRange(goodsTokenId, 1, type(uint64).max);
        bytes32 contentHash = goods.contentHash(goodsTokenId);
        listingId = _list(priceUsd, 1, tokens, bufferBps, pointsDiscountCapBps, goodsTokenId, contentHash);
        emit GoodsEscrowed(listingId, goodsTokenId);
        // Our own contract, no receiver hook: the item moves from the caller, who must hold it.
        IERC721(address(goods)).transferFrom(msg.sender, address(this), goodsTokenId);
    }

    /// @inheritdoc IEscrowMarketplace
    function updateListing(uint256 listingId, uint256 priceUsd, uint256 stock) external {
        Listing storage listing = _ownListing(listingId);
        if (priceUsd < 1 || priceUsd > type(uint64).max) revert MarketplacePriceOutOfRange(priceUsd, 1, type(uint64).max);
        // A digital listing holds one item: its stock only changes by a sale.
        uint256 current = listing.stock;
        if (listing.kind == Kind.Digital && stock != current) revert MarketplaceStockOutOfRange(stock, current, current);
        if (stock > type(uint32).max) revert MarketplaceStockOutOfRange(stock, 0, type(uint32).max);
        listing.priceUsd = uint64(priceUsd);
        listing.stock = uint32(stock);
        emit ListingUpdated(listingId, priceUsd, stock);
    }

    /// @inheritdoc IEscrowMarketplace
    function delist(uint256 listingId) external nonReentrant {
        Listing storage listing = _ownListing(listingId);
        listing.active = false;
        emit Delisted(listingId);
        if (listing.kind == Kind.Digital && listing.stock != 0) {
            listing.stock = 0;
            uint256 goodsTokenId = listing.goodsTokenId;
            emit GoodsReturned(OrderId.wrap(0), goodsTokenId);
            IERC721(address(goods)).transferFrom(address(this), msg.sender, goodsTokenId);
        }
    }

    /* VIEWS */

    /// @inheritdoc IEscrowMarketplace
    function getListing(uint256 listingId) external view returns (Listing memory listing) {
        listing = _listings[listingId];
        if (listing.seller == address(0)) revert MarketplaceListingUnknown(listingId);
    }

    /// @inheritdoc IEscrowMarketplace
    function quote(uint256 listingId, uint256 quantity, address token) external view returns (uint256) {
        Listing memory listing = _listings[listingId];
        if (!listing.active) revert MarketplaceListingInactive(listingId);
        _requireAccepted(listing.tokenMask, _books[token].id, token);
        return _payment(oracle.quote(token, listing.priceUsd * quantity).tokenAmount, listing.bufferBps);
    }

    /* INTERNAL */

    /// @dev Checks and stores a listing for the caller (digital when `goodsTokenId` is set).
    function _list(
        uint256 priceUsd,
        uint256 stock,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps,
        uint256 goodsTokenId,
        bytes32 metadataHash
    ) private returns (uint256 listingId) {
        Kind kind = goodsTokenId == 0 ? Kind.Physical : Kind.Digital;
        if (priceUsd < 1 || priceUsd > type(uint64).max) revert MarketplacePriceOutOfRange(priceUsd, 1, type(uint64).max);
        if (bufferBps > SettlementMath.MAX_BUFFER_BPS) revert MarketplaceBufferOutOfRange(bufferBps, 0, SettlementMath.MAX_BUFFER_BPS);
        if (pointsDiscountCapBps > MAX_POINTS_DISCOUNT_BPS) revert MarketplacePointsCapOutOfRange(pointsDiscountCapBps, 0, MAX_POINTS_DISCOUNT_BPS);
        uint256 mask = 0;
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 id = _books[tokens[i]].id;
            if (id == 0) revert MarketplaceTokenNotAccepted(tokens[i]);
            mask |= 1 << (id - 1);
        }
        if (mask == 0) revert MarketplaceNoPaymentTokens();
        listingId = ++config.listingCount;
        _listings[listingId] = Listing({
            seller: msg.sender,
            priceUsd: uint64(priceUsd),
            stock: uint32(stock),
            tokenMask: uint16(mask),
            bufferBps: uint16(bufferBps),
            pointsDiscountCapBps: uint16(pointsDiscountCapBps),
            kind: kind,
            active: true,
            goodsTokenId: uint64(goodsTokenId),
            metadataHash: metadataHash
        });
        emit Listed(listingId, msg.sender, priceUsd, stock, mask, bufferBps, pointsDiscountCapBps, kind, metadataHash);
    }

    /// @dev Puts the units of an undone physical order back into its listing (a digital item
    ///      goes back to its seller instead), saturating at the stock's width.
    function _restock(OrderTerms calldata terms, OrderId id, bool digital) internal {
        if (digital) return;
        Listing storage listing = _listings[terms.listingId];
        uint256 stock = listing.stock + terms.quantity;
        if (stock > type(uint32).max) stock = type(uint32).max;
        listing.stock = uint32(stock);
        emit Restocked(terms.listingId, id, terms.quantity, stock);
    }

    /// @dev What the buyer pays for `lockedAmount`: itself, or the buffered deposit.
    function _payment(uint256 lockedAmount, uint256 bufferBps) internal pure returns (uint256) {
        return bufferBps == 0 ? lockedAmount : SettlementMath.bufferedDeposit(lockedAmount, bufferBps);
    }

    function _requireAccepted(uint256 tokenMask, uint256 id, address token) internal pure {
        if (id == 0 || tokenMask & (1 << (id - 1)) == 0) revert MarketplaceTokenNotAccepted(token);
    }

    function _ownListing(uint256 listingId) private view returns (Listing storage listing) {
        listing = _listings[listingId];
        if (listing.seller != msg.sender) revert MarketplaceUnauthorized(msg.sender, bytes32(listingId));
        if (!listing.active) revert MarketplaceListingInactive(listingId);
    }
}
