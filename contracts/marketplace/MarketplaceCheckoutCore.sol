// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {OrderIdLibrary} from "../libraries/OrderIdLibrary.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";
import {MarketplaceStorage} from "./MarketplaceStorage.sol";

/// @title MarketplaceCheckoutCore
/// @notice How an order is priced and written, shared by the marketplace (`checkout`) and its
///         extensions (`checkoutCart`, `checkoutOffer`): one source, so a cart's line, or a
///         signed offer's fill, is exactly the order a single checkout would have made.
abstract contract MarketplaceCheckoutCore is MarketplaceStorage {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;
    using SafeCast for uint256;
    using OrderIdLibrary for OrderTerms;

    /// @dev Reward point units per USD unit (8 decimals) of discount: one cent per whole point.
    uint256 internal constant POINT_UNITS_PER_USD_UNIT_ = 1e12;

    /// @dev `OrderState.flags`: a digital order (the other flags are `EscrowMarketplace`'s).
    uint8 internal constant FLAG_DIGITAL = 16;

    /// @dev Checks the listing, the token, the arbiter and the referrer for `terms.buyer`,
    ///      takes the stock, prices the order at the oracle's rate and fills the listing's
    ///      part of the terms (the caller fills buyer, token, arbiter, listing, quantity and
    ///      referrer).
    function _priceListing(OrderTerms memory terms, uint256 pointsToRedeem)
        internal
        returns (uint256 amount, IWbtcUsdOracle.Quote memory q, uint256 goodsTokenId)
    {
        uint256 usdPrice;
        (usdPrice, goodsTokenId) = _takeLine(terms, pointsToRedeem);
        q = _oracle.quote(terms.token, usdPrice);
        amount = _lockPrice(terms, q);
    }

    /// @dev Everything of `_priceListing` but the oracle: checks, takes the stock, fills the
    ///      seller and the buffer, and returns the USD price to quote (after the points'
    ///      discount) and the digital item sold, if any.
    function _takeLine(OrderTerms memory terms, uint256 pointsToRedeem)
        internal
        returns (uint256 usdPrice, uint256 goodsTokenId)
    {
        // Fields read one by one: the metadata hash slot is never loaded.
        Listing storage listing = _listings[terms.listingId];
        if (!listing.active) revert MarketplaceListingInactive(terms.listingId);
        terms.seller = listing.seller;
        uint256 stock = listing.stock;
        uint256 quantity = terms.quantity;
        if (quantity == 0 || quantity > stock) revert MarketplaceOutOfStock(terms.listingId, quantity, stock);
        _checkParties(terms, listing.tokenMask);
        listing.stock = uint32(stock - quantity);
        usdPrice = _linePrice(listing.priceUsd * quantity, listing.pointsDiscountCapBps, pointsToRedeem);
        terms.bufferBps = listing.bufferBps;
        goodsTokenId = listing.goodsTokenId;
    }

    /// @dev The checks every line makes of its parties, whatever it sells (a listing or a
    ///      signed offer): `terms.seller` is not the buyer, the token is in `tokenMask`, the
    ///      arbiter is active and neither party. The referrer is checked apart
    ///      (`_referredRate`): only carts and offers name one, so the plain checkout's code
    ///      carries none of it.
    function _checkParties(OrderTerms memory terms, uint256 tokenMask) internal view {
        address seller = terms.seller;
        address buyer = terms.buyer;
        if (buyer == seller) revert MarketplaceSelfDealing(buyer);
        _requireAccepted(tokenMask, _books[terms.token].id, terms.token);
        address arbiter = terms.arbiter;
        if (!_arbiters.contains(arbiter) || arbiter == buyer || arbiter == seller) {
            revert MarketplaceArbiterInvalid(arbiter);
        }
    }

    /// @dev The commission a line's order carries: `listedBps` (the listing's or the offer's)
    ///      when the seller approved the referrer, 0 when it did not or none is named. A
    ///      referrer that is a party of the order is refused. Call after `_checkParties`.
    function _referredRate(OrderTerms memory terms, uint256 listedBps) internal view returns (uint256) {
        address referrer = terms.referrer;
        if (referrer == address(0)) return 0;
        // Nor the marketplace (its commission would sit unbooked, or as a credit nobody can
        // claim) nor the token (paid to a contract that cannot spend it).
        if (
            referrer == terms.buyer || referrer == terms.seller || referrer == terms.arbiter
                || referrer == address(this) || referrer == terms.token
        ) revert MarketplaceReferrerInvalid(referrer);
        // Only a referrer the seller enrolled earns (finding F1: a buyer's own second address
        // would take the commission as a rebate); any other is recorded at 0 %.
        return _referrers[terms.seller][referrer] ? listedBps : 0;
    }

    /// @dev The USD price of a line, `usdPrice` less the discount `points` buy within `capBps`.
    function _linePrice(uint256 usdPrice, uint256 capBps, uint256 points) internal view returns (uint256) {
        if (points != 0) usdPrice -= _discount(usdPrice, capBps, points);
        return usdPrice;
    }

    /// @dev Locks quote `q` into the terms; returns what the buyer pays (the locked amount,
    ///      plus the buffer of a USD-protected order).
    function _lockPrice(OrderTerms memory terms, IWbtcUsdOracle.Quote memory q) internal pure returns (uint256 amount) {
        terms.usdAmount = q.usdAmount;
        terms.lockedAmount = q.tokenAmount;
        terms.oracleVersion = q.version;
        amount = _payment(q.tokenAmount, terms.bufferBps);
    }

    /// @dev The USD discount `points` buy on a price, within the listing's cap; the seller's
    ///      proceeds pay it (the order's price is the discounted one).
    function _discount(uint256 usdPrice, uint256 capBps, uint256 points) private view returns (uint256 discount) {
        if (address(_rewards) == address(0)) revert MarketplacePointsNotEnabled();
        discount = points / POINT_UNITS_PER_USD_UNIT_;
        uint256 cap = usdPrice * capBps / SettlementMath.BPS;
        if (discount == 0 || discount > cap) revert MarketplaceDiscountAboveCap(points, discount, cap);
    }

    /// @dev Fixes fees, windows, the reward rate and the order number in the terms, writes the
    ///      one-slot state under their hash, books the escrow and emits the terms for later
    ///      calls. A digital order is delivered at checkout: it starts Shipped, with the digital
    ///      dispute window as confirmation window.
    function _storeOrder(OrderTerms memory terms, uint256 amount, IWbtcUsdOracle.Quote memory q, uint256 goodsTokenId)
        internal
        returns (OrderId orderId)
    {
        Config memory c = _config;
        TokenBook storage book = _books[terms.token];
        uint256 nonce = book.orderCount + 1;
        // One write of the token's book: the order number and the escrow.
        (book.orderCount, book.escrowed) = (uint40(nonce), book.escrowed + amount.toUint112());
        terms.nonce = nonce;
        terms.feeBps = c.feeBps;
        terms.arbiterFeeBps = c.arbiterFeeBps;
        terms.rulingWindow = c.rulingWindow;
        terms.pointsPerUsd = c.pointsPerUsd;
        bool digital = goodsTokenId != 0;
        terms.confirmWindow = digital ? c.digitalWindow : c.confirmWindow;
        orderId = terms.toId();
        // Delivered at checkout (below): the dispute window runs from now.
        _orders[orderId] = OrderState({
            amount: amount.toUint96(),
            deadline: uint40(block.timestamp + (digital ? c.digitalWindow : c.fulfilmentWindow)),
            status: digital ? Status.Shipped : Status.Paid,
            flags: digital ? FLAG_DIGITAL : 0,
            pointsEscrowed: 0
        });
        emit OrderPaid(
            orderId,
            terms.buyer,
            terms.seller,
            terms,
            q.usdLegAnswer,
            q.pegLegAnswer,
            q.usdLegUpdatedAt,
            q.pegLegUpdatedAt
        );
    }

    /// @dev Pulls exactly `amount` of `token` from `from`; a token that delivers another
    ///      amount (fee on transfer, rebasing) is refused.
    function _pullExactly(address token, address from, uint256 amount) internal {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(from, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert MarketplaceTransferMismatch(amount, received);
    }
}
