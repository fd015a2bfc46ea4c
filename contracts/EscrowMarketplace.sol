// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBazaarRewards} from "../interfaces/IBazaarRewards.sol";
import {IDigitalGoods} from "../interfaces/IDigitalGoods.sol";
import {IEscrowMarketplace} from "../interfaces/IEscrowMarketplace.sol";
import {IRewardPoints} from "../interfaces/IRewardPoints.sol";
import {IStakingRewards} from "../interfaces/IStakingRewards.sol";
import {IWbtcUsdOracle} from "../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../interfaces/OrderId.sol";
import {OrderIdLibrary} from "./libraries/OrderIdLibrary.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";
import {MarketplaceAdmin} from "./marketplace/MarketplaceAdmin.sol";
import {MarketplaceCheckoutCore} from "./marketplace/MarketplaceCheckoutCore.sol";
import {MarketplaceLimits as Limits} from "./marketplace/MarketplaceLimits.sol";
import {MarketplaceOffers} from "./marketplace/MarketplaceOffers.sol";
import {MarketplaceStorage} from "./marketplace/MarketplaceStorage.sol";

/// @title EscrowMarketplace
/// @notice Escrowed marketplace paid in WBTC or USD stablecoins at a rate locked at checkout.
///         This contract keeps checkout, the order lifecycle, disputes, reviews, settlement and
///         the views; governance, listing writes and money out to the treasury and credit
///         holders run in its extension, `MarketplaceAdmin`, created here and reached by
///         DELEGATECALL on this contract's storage (one address, one storage, one ABI; the
///         split keeps the runtime code well under EIP-170). Storage: `MarketplaceStorage`.
contract EscrowMarketplace is MarketplaceCheckoutCore, IEscrowMarketplace {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;
    using SafeCast for uint256;
    using OrderIdLibrary for OrderTerms;

    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_FEE_BPS = Limits.MAX_FEE_BPS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_ARBITER_FEE_BPS = Limits.MAX_ARBITER_FEE_BPS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MIN_WINDOW_SECONDS = Limits.MIN_WINDOW_SECONDS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_WINDOW_SECONDS = Limits.MAX_WINDOW_SECONDS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_RULING_WINDOW_SECONDS = Limits.MAX_RULING_WINDOW_SECONDS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MIN_DIGITAL_WINDOW_SECONDS = Limits.MIN_DIGITAL_WINDOW_SECONDS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_DIGITAL_WINDOW_SECONDS = Limits.MAX_DIGITAL_WINDOW_SECONDS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_PAYMENT_TOKENS = Limits.MAX_PAYMENT_TOKENS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MIN_ACTIVE_ARBITERS = Limits.MIN_ACTIVE_ARBITERS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_ACTIVE_ARBITERS = Limits.MAX_ACTIVE_ARBITERS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_STAKER_SHARE_BPS = Limits.MAX_STAKER_SHARE_BPS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_POINTS_PER_USD = Limits.MAX_POINTS_PER_USD;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_POINTS_DISCOUNT_BPS = Limits.MAX_POINTS_DISCOUNT_BPS;

    /// @inheritdoc IEscrowMarketplace
    uint256 public constant REWARDS_HOOK_GAS = 250_000;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant SETTLEMENT_OUTAGE_SECONDS = 3 days;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MIN_REVIEW_REWARD_USD = 10e8;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant POINT_UNITS_PER_USD_UNIT = POINT_UNITS_PER_USD_UNIT_;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_COMMISSION_BPS = Limits.MAX_COMMISSION_BPS;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_CART_LINES = Limits.MAX_CART_LINES;
    /// @inheritdoc IEscrowMarketplace
    uint256 public constant MAX_RELAYER_FEE_BPS = Limits.MAX_RELAYER_FEE_BPS;
    /// @notice USD amounts carry 8 decimals; rewards count cents (1e6 units).
    uint256 private constant USD_UNITS_PER_CENT = 1e6;

    uint8 private constant FLAG_CANCEL_REQUESTED = 1;
    uint8 private constant FLAG_REVIEWED = 2;
    uint8 private constant FLAG_SELLER_DISPUTED_UNSHIPPED = 4;
    uint8 private constant FLAG_REVIEW_REWARDED = 8;

    /// @inheritdoc IEscrowMarketplace
    address public immutable extension;

    /// @inheritdoc IEscrowMarketplace
    address public immutable permit2;

    /// @inheritdoc IEscrowMarketplace
    address public immutable offersExtension;

    /// @param initialOwner Governance (the deployer hands over to the timelock after set-up).
    /// @param oracle_ The price adapter.
    /// @param treasury_ Receiver of platform fees.
    /// @param guardian_ May pause new listings and checkouts.
    /// @param goods_ The digital-goods contract (zero: physical goods only).
    /// @param rewards_ The reward-points contract (zero: no rewards). Fixed: points held in
    ///        escrow always find their way back.
    /// @param permit2_ Uniswap's Permit2, for signature checkouts (zero: none). Fixed: buyers
    ///        approve it, never something governance could swap.
    /// @param offers_ The signed-offers extension (`MarketplaceOffers`, zero: no signed offers),
    ///        built with this marketplace's oracle, goods and points (else
    ///        `MarketplaceOffersMismatch`): their addresses are immutables in its code.
    constructor(
        address initialOwner,
        IWbtcUsdOracle oracle_,
        address treasury_,
        address guardian_,
        IDigitalGoods goods_,
        IRewardPoints rewards_,
        // Zero is allowed: a marketplace without Permit2 (see `permit2`).
        // slither-disable-next-line missing-zero-check
        address permit2_,
        address offers_
    ) MarketplaceStorage(oracle_, goods_, rewards_) Ownable(initialOwner) {
        if (address(oracle_) == address(0) || treasury_ == address(0) || guardian_ == address(0)) {
            revert MarketplaceZeroAddress();
        }
        _treasury = treasury_;
        _guardian = guardian_;
        _config.feeBps = 100; // 1 %
        _config.arbiterFeeBps = 200; // 2 %
        _config.fulfilmentWindow = 7 days;
        _config.confirmWindow = 14 days;
        _config.rulingWindow = 7 days;
        _config.digitalWindow = 2 days;
        _config.pointsPerUsd = 1;
        permit2 = permit2_;
        extension = address(new MarketplaceAdmin(oracle_, goods_, rewards_, permit2_));
        if (offers_ != address(0)) {
            (IWbtcUsdOracle o, IDigitalGoods g, IRewardPoints r) = MarketplaceOffers(offers_).links();
            if (o != oracle_ || g != goods_ || r != rewards_) revert MarketplaceOffersMismatch(offers_);
        }
        offersExtension = offers_;
    }

    /* CHECKOUT */

    /// @inheritdoc IEscrowMarketplace
    function checkout(
        uint256 listingId,
        uint256 quantity,
        address token,
        uint256 maxPayment,
        uint256 deadline,
        address arbiter,
        uint256 pointsToRedeem
    ) external nonReentrant returns (OrderId orderId) {
        _whenNotPaused();
        if (block.timestamp > deadline) revert MarketplaceCheckoutExpired(deadline, block.timestamp);
        // Filled field by field here and in the two helpers (fewer stack slots than a literal).
        // slither-disable-next-line uninitialized-local
        OrderTerms memory terms;
        terms.buyer = msg.sender;
        terms.token = token;
        terms.arbiter = arbiter;
        terms.listingId = listingId;
        terms.quantity = quantity;
        (uint256 amount, IWbtcUsdOracle.Quote memory q, uint256 goodsTokenId) = _priceListing(terms, pointsToRedeem);
        if (amount > maxPayment) revert MarketplacePriceAboveMax(amount, maxPayment);
        orderId = _storeOrder(terms, amount, q, goodsTokenId);
        if (pointsToRedeem != 0) {
            // Held until the order ends: burned for what settled to the seller, the rest back.
            _orders[orderId].pointsEscrowed = pointsToRedeem.toUint96();
            _rewards.escrowFrom(msg.sender, pointsToRedeem);
        }
        _pullExactly(token, msg.sender, amount);
        // Last: the buyer's receiver hook runs (a contract buyer without one is refused).
        if (goodsTokenId != 0) IERC721(address(_goods)).safeTransferFrom(address(this), msg.sender, goodsTokenId);
    }

    /* LIFECYCLE */

    /// @inheritdoc IEscrowMarketplace
    function ship(OrderTerms calldata terms, bytes32 trackingCommitment) external {
        _ship(terms, trackingCommitment);
    }

    /// @inheritdoc IEscrowMarketplace
    function shipBatch(OrderTerms[] calldata terms, bytes32[] calldata trackingCommitments) external {
        uint256 count = terms.length;
        if (trackingCommitments.length != count) revert MarketplaceBatchLengthMismatch(count, trackingCommitments.length);
        for (uint256 i = 0; i < count; ++i) {
            _ship(terms[i], trackingCommitments[i]);
        }
    }

    /// @inheritdoc IEscrowMarketplace
    function confirmBatch(OrderTerms[] calldata terms) external nonReentrant {
        for (uint256 i = 0; i < terms.length; ++i) {
            _confirm(terms[i]);
        }
    }

    function _ship(OrderTerms calldata terms, bytes32 trackingCommitment) private {
        (OrderId id, OrderState storage order) = _order(terms, Status.Paid);
        _only(terms.seller, id);
        _requireBeforeDeadline(order, id);
        uint40 confirmDeadline = uint40(block.timestamp + terms.confirmWindow);
        order.status = Status.Shipped;
        order.deadline = confirmDeadline;
        emit OrderShipped(id, trackingCommitment, confirmDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addCheckpoint(OrderTerms calldata terms, bytes32 checkpointHash) external {
        (OrderId id, OrderState storage order) = _known(terms);
        Status status = order.status;
        if (status != Status.Paid && status != Status.Shipped) revert MarketplaceWrongStatus(id, status);
        if (msg.sender != terms.seller && !_isCarrier[msg.sender]) revert MarketplaceUnauthorized(msg.sender, _raw(id));
        emit Checkpoint(id, msg.sender, checkpointHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function confirm(OrderTerms calldata terms) external nonReentrant {
        _confirm(terms);
    }

    function _confirm(OrderTerms calldata terms) private {
        (OrderId id, OrderState storage order) = _order(terms, Status.Shipped);
        _only(terms.buyer, id);
        _complete(terms, id, order, true);
    }

    /// @inheritdoc IEscrowMarketplace
    function release(OrderTerms calldata terms) external nonReentrant {
        (OrderId id, OrderState storage order) = _order(terms, Status.Shipped);
        _requireAfterDeadline(order, id);
        _complete(terms, id, order, false);
    }

    /// @inheritdoc IEscrowMarketplace
    function reclaim(OrderTerms calldata terms) external nonReentrant {
        (OrderId id, OrderState storage order) = _order(terms, Status.Paid);
        _requireAfterDeadline(order, id);
        uint256 amount = order.amount;
        emit OrderReclaimed(id, amount);
        _undo(terms, id, order, amount, Status.Refunded);
    }

    /// @inheritdoc IEscrowMarketplace
    function cancel(OrderTerms calldata terms) external nonReentrant {
        (OrderId id, OrderState storage order) = _order(terms, Status.Paid);
        if (msg.sender == terms.buyer) {
            order.flags |= FLAG_CANCEL_REQUESTED;
            emit CancelRequested(id);
            return;
        }
        _only(terms.seller, id);
        uint256 amount = order.amount;
        emit OrderCancelled(id, amount);
        _undo(terms, id, order, amount, Status.Cancelled);
    }

    /// @inheritdoc IEscrowMarketplace
    function refund(OrderTerms calldata terms, uint256 amount) external nonReentrant {
        (OrderId id, OrderState storage order) = _known(terms);
        Status status = order.status;
        if (status == Status.Disputed) revert MarketplaceRefundWhileDisputed(id);
        if (status != Status.Paid && status != Status.Shipped) revert MarketplaceWrongStatus(id, status);
        _only(terms.seller, id);
        uint256 escrow = order.amount;
        if (amount == 0 || amount > escrow) revert MarketplaceRefundOutOfRange(id, amount, escrow);
        uint256 remaining = escrow - amount;
        emit OrderRefunded(id, amount, remaining);
        if (remaining == 0) {
            _undo(terms, id, order, amount, Status.Refunded);
            return;
        }
        // A partial refund of a USD-protected order shrinks the USD owed in proportion
        // (see `_complete`).
        order.amount = uint96(remaining);
        _books[terms.token].escrowed -= uint112(amount);
        _pay(terms.token, terms.buyer, amount);
    }

    /* DISPUTES */

    /// @inheritdoc IEscrowMarketplace
    function openDispute(OrderTerms calldata terms, bytes32 evidenceHash) external {
        (OrderId id, OrderState storage order) = _known(terms);
        Status status = order.status;
        if (status != Status.Paid && status != Status.Shipped) revert MarketplaceWrongStatus(id, status);
        bool bySeller = msg.sender == terms.seller;
        if (msg.sender != terms.buyer && !bySeller) revert MarketplaceUnauthorized(msg.sender, _raw(id));
        _requireBeforeDeadline(order, id);
        uint40 rulingDeadline = uint40(block.timestamp + terms.rulingWindow);
        order.status = Status.Disputed;
        order.deadline = rulingDeadline;
        // A seller who has not shipped cannot turn the buyer's full reclaim into a split.
        if (bySeller && status == Status.Paid) order.flags |= FLAG_SELLER_DISPUTED_UNSHIPPED;
        emit DisputeOpened(id, msg.sender, terms.arbiter, evidenceHash, rulingDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addEvidence(OrderTerms calldata terms, bytes32 evidenceHash) external {
        (OrderId id,) = _order(terms, Status.Disputed);
        if (msg.sender != terms.buyer && msg.sender != terms.seller && msg.sender != terms.arbiter) {
            revert MarketplaceUnauthorized(msg.sender, _raw(id));
        }
        emit Evidence(id, msg.sender, evidenceHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveDispute(OrderTerms calldata terms, uint256 buyerShareBps) external nonReentrant {
        (OrderId id, OrderState storage order) = _order(terms, Status.Disputed);
        // The arbiter fixed at checkout rules, even if since removed from the allow-list.
        _only(terms.arbiter, id);
        _requireBeforeDeadline(order, id);
        if (buyerShareBps > SettlementMath.BPS) revert MarketplaceShareOutOfRange(buyerShareBps);
        _resolve(terms, id, order, buyerShareBps, false);
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveAfterTimeout(OrderTerms calldata terms) external nonReentrant {
        (OrderId id, OrderState storage order) = _order(terms, Status.Disputed);
        _requireAfterDeadline(order, id);
        uint256 share = order.flags & FLAG_SELLER_DISPUTED_UNSHIPPED != 0 ? SettlementMath.BPS : SettlementMath.BPS / 2;
        _resolve(terms, id, order, share, true);
    }

    /* REVIEWS */

    /// @inheritdoc IEscrowMarketplace
    function review(OrderTerms calldata terms, uint8 rating, bytes32 contentHash) external nonReentrant {
        (OrderId id, OrderState storage order) = _known(terms);
        Status outcome = order.status;
        if (outcome < Status.Completed || outcome == Status.Disputed) revert MarketplaceWrongStatus(id, outcome);
        _only(terms.buyer, id);
        uint8 flags = order.flags;
        if (flags & FLAG_REVIEWED != 0) revert MarketplaceAlreadyReviewed(id);
        if (rating < 1 || rating > 5) revert MarketplaceRatingOutOfRange(rating, 1, 5);
        order.flags = flags | FLAG_REVIEWED;
        Rating storage r = _ratings[terms.seller];
        r.sum += rating;
        r.count += 1;
        if (outcome == Status.Completed) r.completed += 1;
        else if (outcome == Status.Resolved) r.resolved += 1;
        else r.refunded += 1;
        emit Reviewed(id, terms.seller, rating, contentHash, outcome);
        IBazaarRewards hook = _rewards;
        if (flags & FLAG_REVIEW_REWARDED != 0 && address(hook) != address(0)) {
            // The event after the call says the hook failed; all state was written before it.
            // slither-disable-next-line reentrancy-events
            try hook.onReview{gas: REWARDS_HOOK_GAS}(uint256(OrderId.unwrap(id)), msg.sender) {}
            catch {
                emit RewardsHookFailed(id);
            }
        }
    }

    /* VIEWS */

    /// @inheritdoc IEscrowMarketplace
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc IEscrowMarketplace
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IEscrowMarketplace
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IEscrowMarketplace
    function staking() external view returns (address) {
        return _staking;
    }

    /// @inheritdoc IEscrowMarketplace
    function stakerShareBps() external view returns (uint256) {
        return _stakerShareBps;
    }

    /// @inheritdoc IEscrowMarketplace
    function paymentToken(uint256 id) external view returns (address) {
        return _paymentTokens[id];
    }

    /// @inheritdoc IEscrowMarketplace
    function isActiveArbiter(address account) external view returns (bool) {
        return _arbiters.contains(account);
    }

    /// @inheritdoc IEscrowMarketplace
    function arbiters() external view returns (address[] memory) {
        return _arbiters.values();
    }

    /// @inheritdoc IEscrowMarketplace
    function isCarrier(address account) external view returns (bool) {
        return _isCarrier[account];
    }

    /// @inheritdoc IEscrowMarketplace
    function offerFilled(bytes32 offerHash) external view returns (uint256) {
        return _offerFilled[offerHash];
    }

    /// @inheritdoc IEscrowMarketplace
    function offerCounter(address seller) external view returns (uint256) {
        return _offerCounters[seller];
    }

    /// @inheritdoc IEscrowMarketplace
    function isReferrer(address seller, address referrer) external view returns (bool) {
        return _referrers[seller][referrer];
    }

    /// @inheritdoc IEscrowMarketplace
    function oracle() external view returns (IWbtcUsdOracle) {
        return _oracle;
    }

    /// @inheritdoc IEscrowMarketplace
    function goods() external view returns (IDigitalGoods) {
        return _goods;
    }

    /// @inheritdoc IEscrowMarketplace
    function rewards() external view returns (IRewardPoints) {
        return _rewards;
    }

    /// @inheritdoc IEscrowMarketplace
    function getOrder(OrderId orderId) external view returns (OrderState memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IEscrowMarketplace
    function orderIdOf(OrderTerms calldata terms) external pure returns (OrderId) {
        return terms.toIdCalldata();
    }

    /// @inheritdoc IEscrowMarketplace
    function sellerRating(address seller) external view returns (uint256, uint256) {
        Rating memory r = _ratings[seller];
        return (r.sum, r.count);
    }

    /// @inheritdoc IEscrowMarketplace
    function sellerReviews(address seller) external view returns (Rating memory) {
        return _ratings[seller];
    }

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
        return _payment(_oracle.quote(token, listing.priceUsd * quantity).tokenAmount, listing.bufferBps);
    }

    /// @inheritdoc IEscrowMarketplace
    function credits(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc IEscrowMarketplace
    function creditsOutstanding(address token) external view returns (uint256) {
        return _creditsOutstanding[token];
    }

    /// @inheritdoc IEscrowMarketplace
    function tokenId(address token) external view returns (uint8) {
        return _books[token].id;
    }

    /// @inheritdoc IEscrowMarketplace
    function feesAccrued(address token) external view returns (uint256) {
        return _books[token].fees;
    }

    /// @inheritdoc IEscrowMarketplace
    function escrowed(address token) external view returns (uint256) {
        return _books[token].escrowed;
    }

    /// @inheritdoc IEscrowMarketplace
    function tokenBook(address token) external view returns (TokenBook memory) {
        return _books[token];
    }

    /* RUN BY THE EXTENSION (see `MarketplaceAdmin`) */

    /// @inheritdoc IEscrowMarketplace
    function list(
        uint256,
        uint256,
        address[] calldata,
        uint256,
        uint256,
        Kind,
        bytes32
    ) external returns (uint256) {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function listDigital(uint256, uint256, address[] calldata, uint256, uint256) external returns (uint256) {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function updateListing(uint256, uint256, uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function delist(uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setCommission(uint256, uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setReferrer(address, bool) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function checkoutCart(Cart calldata) external returns (OrderId[] memory) {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function checkoutCartWithPermit2(Cart calldata, Permit2Payment calldata) external returns (OrderId[] memory) {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function checkoutOffer(Offer calldata, bytes calldata, OfferPurchase calldata) external returns (OrderId) {
        _runOffers();
    }

    /// @inheritdoc IEscrowMarketplace
    function cancelOffer(Offer calldata) external {
        _runOffers();
    }

    /// @inheritdoc IEscrowMarketplace
    function cancelAllOffers() external returns (uint256) {
        _runOffers();
    }

    /// @inheritdoc IEscrowMarketplace
    function claim(address, address) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function withdrawFees(address) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function sweep(address) external returns (uint256) {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setFees(uint256, uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setWindows(uint256, uint256, uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setDigitalWindow(uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setPointsRate(uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setFeeShare(address, uint256) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function addPaymentToken(address) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setArbiter(address, bool) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setCarrier(address, bool) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setTreasury(address) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setGuardian(address) external {
        _runExtension();
    }

    /// @inheritdoc IEscrowMarketplace
    function setPaused(bool) external {
        _runExtension();
    }

    /* INTERNAL: the extensions */

    /// @dev Runs this call in `MarketplaceAdmin` (see `_runExtension(address)`).
    function _runExtension() private {
        _runExtension(extension);
    }

    /// @dev Runs this call in `MarketplaceOffers`, if this marketplace has one.
    function _runOffers() private {
        address ext = offersExtension;
        if (ext == address(0)) revert MarketplaceOffersNotEnabled();
        _runExtension(ext);
    }

    /// @dev Runs this call's calldata in extension `ext` on this contract's storage and
    ///      returns or reverts with what it returned. Never returns to the caller function.
    function _runExtension(address ext) private {
        // Not memory-safe, and never returns to Solidity: it owns all memory from here on.
        // A plain forward of the calldata, as a proxy does.
        // slither-disable-next-line assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), ext, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /* INTERNAL: settlement */

    /// @dev Pays the seller (less the platform fee and a resale royalty) and, for
    ///      USD-protected orders, refunds the buyer what the release-time rate does not owe the
    ///      seller. Rewards the USD value that settled to the seller, at the order's rate.
    ///      Credits written after the calls to our own points contract (a burn or a plain
    ///      transfer, no hook) inside `nonReentrant`.
    // slither-disable-next-line reentrancy-no-eth,reentrancy-benign
    function _complete(OrderTerms calldata terms, OrderId id, OrderState storage order, bool confirmed) private {
        uint256 escrow = order.amount;
        uint256 toSeller = escrow;
        // USD that settled to the seller: the price, shrunk in proportion by partial refunds.
        uint256 usdSettled;
        if (terms.bufferBps == 0) {
            usdSettled = terms.usdAmount * escrow / terms.lockedAmount;
        } else {
            (toSeller, usdSettled) = _protectedOwed(terms, id, order, escrow, true);
        }
        uint256 fee = SettlementMath.feeOf(toSeller, terms.feeBps);
        uint8 flags = order.flags;
        if (usdSettled >= MIN_REVIEW_REWARD_USD) order.flags = flags | FLAG_REVIEW_REWARDED;
        order.status = Status.Completed;
        order.amount = 0;
        _closeBook(terms.token, escrow, fee);
        uint256 net = _payShares(terms, id, flags, toSeller - fee);
        emit OrderCompleted(id, net, fee, escrow - toSeller, confirmed);
        _settlePoints(terms, id, order, usdSettled, terms.usdAmount);
        _pay(terms.token, terms.seller, net);
        _pay(terms.token, terms.buyer, escrow - toSeller);
        _rewardCompletion(terms, id, usdSettled);
    }

    /// @dev Calls the rewards hook for a completed order (a failing hook is only reported).
    function _rewardCompletion(OrderTerms calldata terms, OrderId id, uint256 usdSettled) private {
        IBazaarRewards hook = _rewards;
        if (address(hook) == address(0)) return;
        // The event after the call says the hook failed; all state was written before it. In
        // `confirmBatch`'s loop the hook's gas is capped and its failure caught, per order.
        // slither-disable-next-line reentrancy-events,calls-loop
        try hook.onOrderCompleted{gas: REWARDS_HOOK_GAS}(
            uint256(OrderId.unwrap(id)), terms.buyer, terms.seller, usdSettled / USD_UNITS_PER_CENT, terms.pointsPerUsd
        ) {} catch {
            emit RewardsHookFailed(id);
        }
    }

    /// @dev The tokens a USD-protected order's escrow owes the seller now (capped at the
    ///      escrow) and the USD they settle, at the price of the order's oracle version. While
    ///      that price cannot be read: the locked amount, once the oracle has recorded an outage
    ///      at least `SETTLEMENT_OUTAGE_SECONDS` old (and, when `pastDeadline`, the order's
    ///      deadline has passed); otherwise the call reverts, so nobody picks the moment.
    function _protectedOwed(
        OrderTerms calldata terms,
        OrderId id,
        OrderState storage order,
        uint256 escrow,
        bool pastDeadline
    ) private view returns (uint256 owed, uint256 usdOwed) {
        // After partial refunds the USD owed and the locked amount shrink in proportion.
        uint256 deposit = SettlementMath.bufferedDeposit(terms.lockedAmount, terms.bufferBps);
        // Two roundings down, each at most one USD unit: deliberate (see below).
        // slither-disable-next-line divide-before-multiply
        usdOwed = terms.usdAmount * escrow / deposit;
        bool ok;
        // In `confirmBatch`'s loop: our own oracle, read once or twice per order of the batch.
        // slither-disable-next-line calls-loop
        (ok, owed) = _oracle.settlementQuote(terms.token, terms.oracleVersion, usdOwed);
        if (!ok) {
            // slither-disable-next-line calls-loop
            uint256 since = _oracle.outageSince(terms.token, terms.oracleVersion);
            if (
                since == 0 || block.timestamp < since + SETTLEMENT_OUTAGE_SECONDS
                    || (pastDeadline && block.timestamp <= order.deadline)
            ) revert MarketplaceSettlementPriceUnavailable(id, since);
            owed = terms.lockedAmount * escrow / deposit;
        }
        if (owed > escrow) {
            // The buffer ran out: the seller gets the whole escrow, worth less than the price.
            // slither-disable-next-line divide-before-multiply
            usdOwed = usdOwed * escrow / owed;
            owed = escrow;
        }
    }

    /// @dev Rules `buyerShareBps` of the ruled part (the escrow; for a USD-protected order the
    ///      tokens its USD price is worth now, the buffer going back to the buyer), after the
    ///      arbiter fee (none by default). Redeemed points come back in the same share.
    ///      Credits written after calls to our own points and goods contracts (`_complete`).
    // slither-disable-next-line reentrancy-no-eth,reentrancy-benign
    function _resolve(OrderTerms calldata terms, OrderId id, OrderState storage order, uint256 buyerShareBps, bool byDefault)
        private
    {
        uint256 escrow = order.amount;
        uint256 ruled = escrow;
        if (terms.bufferBps != 0) (ruled,) = _protectedOwed(terms, id, order, escrow, false);
        uint256 arbiterFee = byDefault ? 0 : SettlementMath.feeOf(ruled, terms.arbiterFeeBps);
        // The seller's part rounds down: the odd unit goes to the buyer.
        uint256 sellerGross = (ruled - arbiterFee) * (SettlementMath.BPS - buyerShareBps) / SettlementMath.BPS;
        uint256 toBuyer = escrow - sellerGross - arbiterFee;
        uint256 fee = SettlementMath.feeOf(sellerGross, terms.feeBps);
        order.status = Status.Resolved;
        order.amount = 0;
        _closeBook(terms.token, escrow, fee);
        // The ruling's split decides the commission: its rate of what the seller keeps.
        uint256 toSeller = sellerGross - fee;
        toSeller -= _payCommission(terms, id, toSeller);
        emit DisputeResolved(id, buyerShareBps, toBuyer, toSeller, fee, arbiterFee, byDefault);
        _settlePoints(terms, id, order, SettlementMath.BPS - buyerShareBps, SettlementMath.BPS);
        // All for the buyer: a digital item goes back to the seller first (reverts if the
        // buyer no longer holds it). Any other ruling leaves it with the buyer.
        if (buyerShareBps == SettlementMath.BPS) _takeBackGoods(terms, id);
        _pay(terms.token, terms.buyer, toBuyer);
        _pay(terms.token, terms.seller, toSeller);
        _pay(terms.token, terms.arbiter, arbiterFee);
    }

    /// @dev Ends a Paid or Shipped order with all of its escrow back to the buyer (reclaim,
    ///      cancel, full refund): points back, goods back, stock back.
    ///      Credits written after calls to our own points and goods contracts (`_complete`).
    // slither-disable-next-line reentrancy-no-eth,reentrancy-benign
    function _undo(OrderTerms calldata terms, OrderId id, OrderState storage order, uint256 amount, Status status)
        private
    {
        bool digital = order.flags & FLAG_DIGITAL != 0;
        order.status = status;
        order.amount = 0;
        _books[terms.token].escrowed -= uint112(amount);
        _restock(terms, id, digital);
        _settlePoints(terms, id, order, 0, 1);
        if (digital) _takeBackGoods(terms, id);
        _pay(terms.token, terms.buyer, amount);
    }

    /// @dev Escrow `escrow` leaves the books and `fee` accrues, in one write.
    function _closeBook(address token, uint256 escrow, uint256 fee) private {
        TokenBook storage book = _books[token];
        book.escrowed -= uint112(escrow);
        book.fees += uint96(fee);
    }

    /// @dev Redeemed points of an order: `settled / whole` of them are burned (the share of the
    ///      price that went to the seller), the rest go back to the buyer. Our own points
    ///      contract; no hook runs.
    function _settlePoints(OrderTerms calldata terms, OrderId id, OrderState storage order, uint256 settled, uint256 whole)
        private
    {
        uint256 points = order.pointsEscrowed;
        if (points == 0) return;
        order.pointsEscrowed = 0;
        uint256 burned = settled >= whole ? points : points * settled / whole;
        emit PointsSettled(id, points - burned, burned);
        // In `confirmBatch`'s loop: our own points contract, one call per order of the batch.
        // slither-disable-next-line calls-loop
        if (burned != 0) _rewards.burnEscrowed(burned);
        if (points != burned) IERC20(address(_rewards)).safeTransfer(terms.buyer, points - burned);
    }

    /// @dev Pays the ERC-2981 royalty of a digital item sold for `proceeds` (after the
    ///      platform fee) when its receiver is not the seller (a resale); capped at `cap`,
    ///      what the commission left of the proceeds (`DigitalGoods` caps royalties at 10 % in
    ///      code; the cap keeps any goods contract from locking the order). Our own goods
    ///      contract.
    function _payRoyalty(OrderTerms calldata terms, OrderId id, uint256 proceeds, uint256 cap)
        private
        returns (uint256 amount)
    {
        address receiver;
        // In `confirmBatch`'s loop: our own goods contract, one call per order of the caller's batch.
        // slither-disable-next-line calls-loop
        (receiver, amount) = IERC2981(address(_goods)).royaltyInfo(_listings[terms.listingId].goodsTokenId, proceeds);
        if (receiver == terms.seller || receiver == address(0)) return 0;
        if (amount > cap) amount = cap;
        if (amount == 0) return 0;
        emit RoyaltyPaid(id, receiver, amount);
        _pay(terms.token, receiver, amount);
    }

    /// @dev Pays what comes out of the seller's `proceeds` (after the platform fee) of a
    ///      completed order: the referrer's commission (at most 20 %) and a digital item's
    ///      resale royalty (at most 10 % with `DigitalGoods`), both of the proceeds, the
    ///      royalty capped at what the commission left. Returns the seller's part.
    function _payShares(OrderTerms calldata terms, OrderId id, uint8 flags, uint256 proceeds)
        private
        returns (uint256 net)
    {
        net = proceeds - _payCommission(terms, id, proceeds);
        if (flags & FLAG_DIGITAL != 0) net -= _payRoyalty(terms, id, proceeds, net);
    }

    /// @dev Pays the referrer of an order its commission: the order's rate of `proceeds` (the
    ///      seller's part after the platform fee), pushed or credited (a referrer that cannot
    ///      receive never blocks the order).
    function _payCommission(OrderTerms calldata terms, OrderId id, uint256 proceeds) private returns (uint256 amount) {
        amount = SettlementMath.feeOf(proceeds, terms.commissionBps);
        if (amount == 0) return 0;
        emit CommissionPaid(id, terms.referrer, amount);
        _pay(terms.token, terms.referrer, amount);
    }

    /// @dev Moves a digital order's item from its buyer back to its seller (nothing if the
    ///      seller already has it). No receiver hook runs.
    function _takeBackGoods(OrderTerms calldata terms, OrderId id) private {
        uint256 goodsTokenId = _listings[terms.listingId].goodsTokenId;
        if (goodsTokenId == 0) return;
        IERC721 items = IERC721(address(_goods));
        address holder = items.ownerOf(goodsTokenId);
        if (holder == terms.seller) return;
        if (holder != terms.buyer) revert MarketplaceGoodsNotReturned(id, goodsTokenId, holder);
        emit GoodsReturned(id, goodsTokenId);
        items.transferFrom(holder, terms.seller, goodsTokenId);
    }

    /// @dev Push payment, or a credit to claim if the transfer fails (paused or blacklisting
    ///      token): a failing receiver never blocks the order's state change.
    function _pay(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (!IERC20(token).trySafeTransfer(to, amount)) {
            _credits[to][token] += amount;
            _creditsOutstanding[token] += amount;
            emit PaymentCredited(to, token, amount);
        }
    }

    /// @dev Puts the units of an undone physical order back into its listing (a digital item
    ///      goes back to its seller instead), saturating at the stock's width; or, for a
    ///      signed offer's order (its listing id is the offer's hash, above every listing id),
    ///      takes them off the units the offer sold, unless the offer was cancelled.
    function _restock(OrderTerms calldata terms, OrderId id, bool digital) internal {
        if (digital) return;
        if (terms.listingId > type(uint64).max) {
            bytes32 offerHash = bytes32(terms.listingId);
            uint256 filled = _offerFilled[offerHash];
            // A fill added `quantity` to `filled`, and an order restocks once: no underflow.
            if (filled != type(uint256).max) _offerFilled[offerHash] = filled -= terms.quantity;
            emit OfferRestocked(offerHash, id, terms.quantity, filled);
            return;
        }
        Listing storage listing = _listings[terms.listingId];
        uint256 stock = listing.stock + terms.quantity;
        if (stock > type(uint32).max) stock = type(uint32).max;
        listing.stock = uint32(stock);
        emit Restocked(terms.listingId, id, terms.quantity, stock);
    }

    /* INTERNAL: lookups and checks */

    /// @dev The order with `terms`, which must be in `status`.
    function _order(OrderTerms calldata terms, Status status) private view returns (OrderId id, OrderState storage order) {
        (id, order) = _known(terms);
        if (order.status != status) revert MarketplaceWrongStatus(id, order.status);
    }

    /// @dev The order with `terms`; terms that are no order's are refused as unknown.
    function _known(OrderTerms calldata terms) private view returns (OrderId id, OrderState storage order) {
        (id, order) = _load(terms);
        if (order.status == Status.None) revert MarketplaceOrderUnknown(id);
    }

    /// @dev The id and state of the order with `terms` (status None if there is none).
    function _load(OrderTerms calldata terms) private view returns (OrderId id, OrderState storage order) {
        id = terms.toIdCalldata();
        order = _orders[id];
    }

    function _only(address account, OrderId id) private view {
        if (msg.sender != account) revert MarketplaceUnauthorized(msg.sender, _raw(id));
    }

    function _requireBeforeDeadline(OrderState storage order, OrderId id) private view {
        if (block.timestamp > order.deadline) revert MarketplaceDeadlinePassed(id, order.deadline, block.timestamp);
    }

    function _requireAfterDeadline(OrderState storage order, OrderId id) private view {
        if (block.timestamp <= order.deadline) {
            revert MarketplaceDeadlineNotReached(id, order.deadline, block.timestamp);
        }
    }

    function _raw(OrderId id) private pure returns (bytes32) {
        return OrderId.unwrap(id);
    }
}
