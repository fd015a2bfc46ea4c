// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IDigitalGoods} from "../../interfaces/IDigitalGoods.sol";
import {IRewardPoints} from "../../interfaces/IRewardPoints.sol";
import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";
import {MarketplaceCheckoutCore} from "./MarketplaceCheckoutCore.sol";
import {MarketplaceLimits as Limits} from "./MarketplaceLimits.sol";
import {MarketplaceStorage} from "./MarketplaceStorage.sol";

/// @title MarketplaceOffers
/// @notice The marketplace's second extension: signed listings ("offers"). A seller signs an
///         EIP-712 `Offer` off chain and pays no gas to list; the first checkout against it
///         records it (units sold per offer hash); the seller cancels one offer, or all of them
///         at once by raising its counter. Deployed on its own (the marketplace's init code
///         already embeds `MarketplaceAdmin`'s) with the marketplace's oracle, goods and points,
///         which the marketplace's constructor checks (`links`), and run only by DELEGATECALL
///         from the marketplace, on its storage. Called directly, every write refuses.
contract MarketplaceOffers is MarketplaceCheckoutCore {
    using SafeCast for uint256;

    /// @dev This contract's own address, to refuse direct calls.
    address private immutable _self;

    /// @dev EIP-712: the domain is the marketplace's (the code runs at its address, by
    ///      DELEGATECALL), built at each use from `address(this)` and the chain id, so a
    ///      signature holds on one chain and one marketplace only.
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("BTC Bazaar Marketplace");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant OFFER_TYPEHASH = keccak256(
        "Offer(address seller,uint256 priceUsd,uint256 stock,uint256 tokenMask,uint256 bufferBps,"
        "uint256 pointsDiscountCapBps,uint256 commissionBps,bytes32 metadataHash,uint256 expiry,"
        "uint256 salt,uint256 counter)"
    );
    /// @dev `offerFilled` of a cancelled offer.
    uint256 private constant CANCELLED = type(uint256).max;

    /// @notice Direct calls are refused: only the marketplace runs this code, on its storage.
    error MarketplaceOffersDirectCall();

    constructor(IWbtcUsdOracle oracle_, IDigitalGoods goods_, IRewardPoints rewards_)
        MarketplaceStorage(oracle_, goods_, rewards_)
        Ownable(msg.sender)
    {
        _self = address(this);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert MarketplaceOffersDirectCall();
        _;
    }

    /// @notice The oracle, goods and points this code was built with (immutables in its
    ///         code): the marketplace refuses an extension whose links are not its own.
    function links() external view returns (IWbtcUsdOracle oracle_, IDigitalGoods goods_, IRewardPoints rewards_) {
        return (_oracle, _goods, _rewards);
    }

    /// @dev See `IEscrowMarketplace`. The order is written by the code that writes a listing's
    ///      (`MarketplaceCheckoutCore`): `_checkParties`, `_referredRate` and `_linePrice` as a cart line, then
    ///      the oracle's `quote`, `_lockPrice` and `_storeOrder`, as `checkout`.
    function checkoutOffer(Offer calldata offer, bytes calldata signature, OfferPurchase calldata purchase)
        external
        onlyDelegated
        nonReentrant
        returns (OrderId orderId)
    {
        _whenNotPaused();
        if (block.timestamp > purchase.deadline) revert MarketplaceCheckoutExpired(purchase.deadline, block.timestamp);
        bytes32 offerHash = _hashOffer(offer);
        uint256 filled = _takeOffer(offer, offerHash, purchase.quantity);
        address seller = offer.seller;
        if (!SignatureChecker.isValidSignatureNow(seller, offerHash, signature)) {
            revert MarketplaceOfferSignatureInvalid(offerHash, seller);
        }
        // slither-disable-next-line uninitialized-local
        OrderTerms memory terms;
        terms.buyer = msg.sender;
        terms.seller = seller;
        terms.token = purchase.token;
        terms.arbiter = purchase.arbiter;
        terms.referrer = purchase.referrer;
        terms.listingId = uint256(offerHash);
        terms.quantity = purchase.quantity;
        terms.bufferBps = offer.bufferBps;
        _checkParties(terms, offer.tokenMask);
        terms.commissionBps = _referredRate(terms, offer.commissionBps);
        uint256 points = purchase.pointsToRedeem;
        uint256 usdPrice = _linePrice(offer.priceUsd * purchase.quantity, offer.pointsDiscountCapBps, points);
        IWbtcUsdOracle.Quote memory q = _oracle.quote(purchase.token, usdPrice);
        uint256 amount = _lockPrice(terms, q);
        if (amount > purchase.maxPayment) revert MarketplacePriceAboveMax(amount, purchase.maxPayment);
        orderId = _storeOrder(terms, amount, q, 0);
        emit OfferFilled(offerHash, seller, orderId, purchase.quantity, filled);
        if (points != 0) {
            // Held until the order ends: burned for what settled to the seller, the rest back.
            _orders[orderId].pointsEscrowed = points.toUint96();
            _rewards.escrowFrom(msg.sender, points);
        }
        _pullExactly(purchase.token, msg.sender, amount);
    }

    /// @dev See `IEscrowMarketplace`.
    function cancelOffer(Offer calldata offer) external onlyDelegated {
        bytes32 offerHash = _hashOffer(offer);
        if (msg.sender != offer.seller) revert MarketplaceUnauthorized(msg.sender, offerHash);
        _offerFilled[offerHash] = CANCELLED;
        emit OfferCancelled(offerHash, msg.sender);
    }

    /// @dev See `IEscrowMarketplace`.
    function cancelAllOffers() external onlyDelegated returns (uint256 counter) {
        // Not +1: an offer signed ahead under the next counter (pre-signed, or phished as "not
        // valid yet") would come alive because its seller cancelled everything (review
        // finding R1). The jump mixes in the last block's hash, which nobody can sign ahead
        // of; wrapping is harmless (offers match the counter exactly).
        unchecked {
            counter = _offerCounters[msg.sender] + (uint256(blockhash(block.number - 1)) << 128) + 1;
        }
        _offerCounters[msg.sender] = counter;
        emit OffersCancelled(msg.sender, counter);
    }

    /* INTERNAL */

    /// @dev Checks `offer` as `list` checks a listing's fields, and that it may still sell
    ///      `quantity` units (not expired, counter current, not cancelled, stock left); records
    ///      the units sold and returns the new total.
    function _takeOffer(Offer calldata offer, bytes32 offerHash, uint256 quantity) private returns (uint256 filled) {
        if (block.timestamp > offer.expiry) revert MarketplaceOfferExpired(offerHash, offer.expiry, block.timestamp);
        _checkFields(offer, offerHash);
        uint256 current = _offerCounters[offer.seller];
        if (offer.counter != current) revert MarketplaceOfferCounterStale(offerHash, offer.counter, current);
        filled = _offerFilled[offerHash];
        if (filled == CANCELLED) revert MarketplaceOfferCancelled(offerHash);
        uint256 stock = offer.stock;
        // `filled` <= `stock` < 2^32 and `quantity` is checked before it is added: no overflow.
        if (quantity == 0 || quantity > stock - filled) {
            revert MarketplaceOfferStockExceeded(offerHash, quantity, filled, stock);
        }
        filled += quantity;
        _offerFilled[offerHash] = filled;
    }

    /// @dev The offer's fields as `list` checks a listing's: price, stock, tokens (only ids
    ///      that exist), buffer, points cap and commission within their bounds.
    function _checkFields(Offer calldata offer, bytes32 offerHash) private view {
        uint256 priceUsd = offer.priceUsd;
        if (priceUsd < 1 || priceUsd > type(uint64).max) revert MarketplacePriceOutOfRange(priceUsd, 1, type(uint64).max);
        uint256 stock = offer.stock;
        if (stock < 1 || stock > type(uint32).max) revert MarketplaceStockOutOfRange(stock, 1, type(uint32).max);
        if (offer.tokenMask == 0) revert MarketplaceNoPaymentTokens();
        // Only the ids of tokens that exist, as `list` builds a listing's mask: a token added
        // later is not payable for an offer signed before it (review finding R3).
        uint256 tokenCount = _config.tokenCount;
        if (offer.tokenMask >> tokenCount != 0) revert MarketplaceOfferTokenMaskInvalid(offerHash, offer.tokenMask, tokenCount);
        if (offer.bufferBps > SettlementMath.MAX_BUFFER_BPS) {
            revert MarketplaceBufferOutOfRange(offer.bufferBps, 0, SettlementMath.MAX_BUFFER_BPS);
        }
        if (offer.pointsDiscountCapBps > Limits.MAX_POINTS_DISCOUNT_BPS) {
            revert MarketplacePointsCapOutOfRange(offer.pointsDiscountCapBps, 0, Limits.MAX_POINTS_DISCOUNT_BPS);
        }
        if (offer.commissionBps > Limits.MAX_COMMISSION_BPS) {
            revert MarketplaceCommissionOutOfRange(offer.commissionBps, 0, Limits.MAX_COMMISSION_BPS);
        }
    }

    /// @dev The offer's EIP-712 digest under the marketplace's domain: its id (`offerHash`).
    function _hashOffer(Offer calldata offer) private view returns (bytes32) {
        // Every field of `Offer` is a static word: its ABI encoding is EIP-712's encodeData.
        bytes32 structHash = keccak256(abi.encode(OFFER_TYPEHASH, offer));
        bytes32 domainSeparator =
            keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
        return MessageHashUtils.toTypedDataHash(domainSeparator, structHash);
    }
}
