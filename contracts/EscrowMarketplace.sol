// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBazaarRewards} from "../interfaces/IBazaarRewards.sol";
import {IDigitalGoods} from "../interfaces/IDigitalGoods.sol";
import {IRewardPoints} from "../interfaces/IRewardPoints.sol";
import {IEscrowMarketplace} from "../interfaces/IEscrowMarketplace.sol";
import {IWbtcUsdOracle} from "../interfaces/IWbtcUsdOracle.sol";
import {SettlementMath} from "./libraries/SettlementMath.sol";

/// @title EscrowMarketplace
/// @notice Escrowed marketplace paid in WBTC or USD stablecoins at a rate locked at checkout.
contract EscrowMarketplace is IEscrowMarketplace, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /* CONSTANTS: bounds of governed parameters, written in code */

    /// @notice Highest platform fee: 5 % (500 bps) of the seller's proceeds.
    uint256 public constant MAX_FEE_BPS = 500;
    /// @notice Highest arbiter fee: 5 % (500 bps) of a ruled escrow.
    uint256 public constant MAX_ARBITER_FEE_BPS = 500;
    /// @notice Fulfilment and confirmation windows: 1 to 60 days.
    uint256 public constant MIN_WINDOW_SECONDS = 1 days;
    uint256 public constant MAX_WINDOW_SECONDS = 60 days;
    /// @notice Ruling window: 1 to 30 days.
    uint256 public constant MAX_RULING_WINDOW_SECONDS = 30 days;
    /// @notice Dispute window of digital orders (delivered at checkout): 1 hour to 7 days.
    uint256 public constant MIN_DIGITAL_WINDOW_SECONDS = 1 hours;
    uint256 public constant MAX_DIGITAL_WINDOW_SECONDS = 7 days;
    /// @notice Largest share of a price a seller may let buyers pay in points: 20 %.
    uint256 public constant MAX_POINTS_DISCOUNT_BPS = 2_000;
    /// @notice Payment tokens: at most 16 (a listing accepts them by a 16-bit mask).
    uint256 public constant MAX_PAYMENT_TOKENS = 16;
    /// @notice Governance cannot remove the last active arbiter.
    uint256 public constant MIN_ACTIVE_ARBITERS = 1;
    /// @notice Gas given to each rewards-hook call; a failing hook cannot block an order.
    uint256 public constant REWARDS_HOOK_GAS = 250_000;
    /// @notice USD amounts carry 8 decimals; orders record cents (1e6 units).
    uint256 private constant USD_UNITS_PER_CENT = 1e6;
    /// @notice A whole reward point (1e18 units) redeems for one US cent: 1e12 point units per
    ///         USD unit (8 decimals).
    uint256 public constant POINT_UNITS_PER_USD_UNIT = 1e12;

    uint8 private constant FLAG_CANCEL_REQUESTED = 1;
    uint8 private constant FLAG_REVIEWED = 2;

    /* STORAGE */

    IWbtcUsdOracle public immutable oracle;
    /// @notice The digital-goods contract (zero: no digital listings).
    IDigitalGoods public immutable goods;

    Config public config;
    address public treasury;
    address public guardian;
    /// @notice The reward-points contract (zero: no rewards, no redemption).
    IRewardPoints public immutable rewards;

    mapping(uint256 listingId => Listing) private _listings;
    /// @dev One slot per order, keyed by the hash of its terms.
    mapping(bytes32 orderId => OrderState) private _orders;

    /// @notice Payment token with id `id` (ids from 1); and the id of a token (0: not accepted).
    mapping(uint256 id => address) public paymentToken;
    mapping(address token => uint8) public tokenId;

    /// @notice Whether `account` may be chosen as arbiter of new orders.
    mapping(address account => bool) public isActiveArbiter;

    mapping(address account => bool) public isCarrier;
    mapping(address account => mapping(address token => uint256)) public credits;
    mapping(address token => uint256) public feesAccrued;

    struct Rating {
        uint128 sum;
        uint128 count;
    }

    mapping(address seller => Rating) private _ratings;

    /* CONSTRUCTOR */

    /// @param initialOwner Governance (the deployer hands over to the timelock after set-up).
    /// @param oracle_ The price adapter.
    /// @param treasury_ Receiver of platform fees.
    /// @param guardian_ May pause new listings and checkouts.
    /// @param goods_ The digital-goods contract, bound to this marketplace after deployment
    ///        (zero: physical goods only).
    /// @param rewards_ The reward-points contract, bound to this marketplace after deployment
    ///        (zero: no rewards). Fixed: points held in escrow always find their way back.
    constructor(
        address initialOwner,
        IWbtcUsdOracle oracle_,
        address treasury_,
        address guardian_,
        IDigitalGoods goods_,
        IRewardPoints rewards_
    ) Ownable(initialOwner) {
        if (address(oracle_) == address(0) || treasury_ == address(0) || guardian_ == address(0)) {
            revert MarketplaceZeroAddress();
        }
        oracle = oracle_;
        treasury = treasury_;
        guardian = guardian_;
        goods = goods_;
        rewards = rewards_;
        config.feeBps = 100; // 1 %
        config.arbiterFeeBps = 200; // 2 %
        config.fulfilmentWindow = 7 days;
        config.confirmWindow = 14 days;
        config.rulingWindow = 7 days;
        config.digitalWindow = 2 days;
    }

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
        if (kind != Kind.Physical) revert MarketplaceKindNotSupported(kind);
        _checkRange("stock", stock, 1, type(uint32).max);
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
        if (address(goods) == address(0)) revert MarketplaceKindNotSupported(Kind.Digital);
        _checkRange("goodsTokenId", goodsTokenId, 1, type(uint64).max);
        bytes32 contentHash = goods.contentHash(goodsTokenId);
        listingId = _list(priceUsd, 1, tokens, bufferBps, pointsDiscountCapBps, goodsTokenId, contentHash);
        emit GoodsEscrowed(listingId, goodsTokenId);
        // Our own contract, no receiver hook: the item moves from the caller, who must hold it.
        IERC721(address(goods)).transferFrom(msg.sender, address(this), goodsTokenId);
    }

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
        if (config.paused) revert MarketplacePaused();
        _checkRange("priceUsd", priceUsd, 1, type(uint64).max);
        _checkRange("bufferBps", bufferBps, 0, SettlementMath.MAX_BUFFER_BPS);
        _checkRange("pointsDiscountCapBps", pointsDiscountCapBps, 0, MAX_POINTS_DISCOUNT_BPS);
        uint256 mask = 0;
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 id = tokenId[tokens[i]];
            if (id == 0) revert MarketplaceTokenNotAccepted(tokens[i]);
            mask |= 1 << (id - 1);
        }
        if (mask == 0) revert MarketplaceOutOfRange("tokens", 0, 1, MAX_PAYMENT_TOKENS);
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

    /// @inheritdoc IEscrowMarketplace
    function updateListing(uint256 listingId, uint256 priceUsd, uint256 stock) external {
        Listing storage listing = _ownListing(listingId);
        _checkRange("priceUsd", priceUsd, 1, type(uint64).max);
        // A digital listing holds one item: its stock only changes by a sale.
        if (listing.kind == Kind.Digital) _checkRange("stock", stock, listing.stock, listing.stock);
        _checkRange("stock", stock, 0, type(uint32).max);
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
            emit GoodsReturned(0, goodsTokenId);
            IERC721(address(goods)).transferFrom(address(this), msg.sender, goodsTokenId);
        }
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
    ) external nonReentrant returns (bytes32 orderId) {
        if (block.timestamp > deadline) revert MarketplaceCheckoutExpired(deadline, block.timestamp);
        // Filled field by field here and in the two helpers (fewer stack slots than a literal).
        // slither-disable-next-line uninitialized-local
        OrderTerms memory terms;
        terms.buyer = msg.sender;
        terms.token = token;
        terms.arbiter = arbiter;
        terms.listingId = listingId;
        (uint256 amount, IWbtcUsdOracle.Quote memory q, uint256 goodsTokenId) =
            _priceListing(terms, quantity, pointsToRedeem);
        if (amount > maxPayment) revert MarketplacePriceAboveMax(amount, maxPayment);
        orderId = _storeOrder(terms, amount, quantity, q, goodsTokenId);
        if (pointsToRedeem != 0) {
            // Held until the order ends: burned when it completes or is ruled, returned when it
            // is refunded or cancelled.
            _orders[orderId].pointsEscrowed = pointsToRedeem.toUint96();
            rewards.escrowFrom(msg.sender, pointsToRedeem);
        }
        _pullExactly(token, amount);
        // Last: the buyer's receiver hook runs (a contract buyer without one is refused).
        if (goodsTokenId != 0) IERC721(address(goods)).safeTransferFrom(address(this), msg.sender, goodsTokenId);
    }

    /// @dev Checks the listing, the token and the arbiter, takes the stock, prices the order
    ///      at the oracle's rate and fills the listing's part of the terms.
    function _priceListing(OrderTerms memory terms, uint256 quantity, uint256 pointsToRedeem)
        private
        returns (uint256 amount, IWbtcUsdOracle.Quote memory q, uint256 goodsTokenId)
    {
        // Fields read one by one: the metadata hash slot is never loaded.
        Listing storage listing = _listings[terms.listingId];
        if (!listing.active) revert MarketplaceListingInactive(terms.listingId);
        address seller = listing.seller;
        if (msg.sender == seller) revert MarketplaceSelfDealing(msg.sender);
        uint256 stock = listing.stock;
        if (quantity == 0 || quantity > stock) revert MarketplaceOutOfStock(terms.listingId, quantity, stock);
        _requireAccepted(listing.tokenMask, terms.token);
        address arbiter = terms.arbiter;
        if (!isActiveArbiter[arbiter] || arbiter == msg.sender || arbiter == seller) {
            revert MarketplaceArbiterInvalid(arbiter);
        }
        listing.stock = uint32(stock - quantity);
        uint256 usdPrice = listing.priceUsd * quantity;
        if (pointsToRedeem != 0) usdPrice -= _discount(usdPrice, listing.pointsDiscountCapBps, pointsToRedeem);
        q = oracle.quote(terms.token, usdPrice);
        uint256 bufferBps = listing.bufferBps;
        amount = _payment(q.tokenAmount, bufferBps);
        terms.seller = seller;
        terms.usdAmount = q.usdAmount;
        terms.lockedAmount = q.tokenAmount;
        terms.bufferBps = bufferBps;
        goodsTokenId = listing.goodsTokenId;
    }

    /// @dev The USD discount `points` buy on a price, within the listing's cap; the seller's
    ///      proceeds pay it (the order's price is the discounted one).
    function _discount(uint256 usdPrice, uint256 capBps, uint256 points) private view returns (uint256 discount) {
        if (address(rewards) == address(0)) revert MarketplacePointsNotEnabled();
        discount = points / POINT_UNITS_PER_USD_UNIT;
        uint256 cap = usdPrice * capBps / SettlementMath.BPS;
        if (discount == 0 || discount > cap) revert MarketplaceDiscountAboveCap(points, discount, cap);
    }

    /// @dev Fixes fees, windows and the order number in the terms, writes the one-slot state
    ///      under their hash and emits them for later calls. A digital order is delivered at
    ///      checkout: it starts Shipped, with the digital dispute window as confirmation window.
    function _storeOrder(
        OrderTerms memory terms,
        uint256 amount,
        uint256 quantity,
        IWbtcUsdOracle.Quote memory q,
        uint256 goodsTokenId
    ) private returns (bytes32 orderId) {
        {
            Config memory c = config;
            if (c.paused) revert MarketplacePaused();
            uint256 nonce = c.orderCount + 1;
            config.orderCount = uint40(nonce);
            terms.nonce = nonce;
            terms.feeBps = c.feeBps;
            terms.arbiterFeeBps = c.arbiterFeeBps;
            terms.rulingWindow = c.rulingWindow;
            terms.confirmWindow = goodsTokenId == 0 ? c.confirmWindow : c.digitalWindow;
            orderId = keccak256(abi.encode(terms));
            _orders[orderId] = OrderState({
                amount: amount.toUint96(),
                deadline: uint40(block.timestamp + c.fulfilmentWindow),
                status: Status.Paid,
                flags: 0,
                pointsEscrowed: 0
            });
            if (goodsTokenId != 0) {
                // Delivered at checkout (below): the dispute window runs from now.
                OrderState storage order = _orders[orderId];
                order.status = Status.Shipped;
                order.deadline = uint40(block.timestamp + c.digitalWindow);
            }
        }
        emit OrderPaid(
            orderId,
            terms.listingId,
            msg.sender,
            terms,
            quantity,
            q.usdLegAnswer,
            q.pegLegAnswer,
            q.usdLegUpdatedAt,
            q.pegLegUpdatedAt
        );
    }

    /// @dev Pulls exactly `amount` from the buyer; a token that delivers another amount (fee
    ///      on transfer, rebasing) is refused.
    function _pullExactly(address token, uint256 amount) private {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert MarketplaceTransferMismatch(amount, received);
    }

    /* LIFECYCLE */

    /// @inheritdoc IEscrowMarketplace
    function ship(OrderTerms calldata terms, bytes32 trackingCommitment) external {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Paid);
        _only(terms.seller, id);
        _requireBeforeDeadline(order, id);
        uint40 confirmDeadline = uint40(block.timestamp + terms.confirmWindow);
        order.status = Status.Shipped;
        order.deadline = confirmDeadline;
        emit OrderShipped(id, trackingCommitment, confirmDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addCheckpoint(OrderTerms calldata terms, bytes32 checkpointHash) external {
        (bytes32 id, OrderState storage order) = _load(terms);
        Status status = order.status;
        if (status != Status.Paid && status != Status.Shipped) revert MarketplaceWrongStatus(id, status);
        if (msg.sender != terms.seller && !isCarrier[msg.sender]) revert MarketplaceUnauthorized(msg.sender, id);
        emit Checkpoint(id, msg.sender, checkpointHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function confirm(OrderTerms calldata terms) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Shipped);
        _only(terms.buyer, id);
        _complete(terms, id, order, true);
    }

    /// @inheritdoc IEscrowMarketplace
    function release(OrderTerms calldata terms) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Shipped);
        _requireAfterDeadline(order, id);
        _complete(terms, id, order, false);
    }

    /// @inheritdoc IEscrowMarketplace
    /// @dev Credits written after `_settlePoints`: see `refund`.
    // slither-disable-next-line reentrancy-benign
    function reclaim(OrderTerms calldata terms) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Paid);
        _requireAfterDeadline(order, id);
        uint256 amount = order.amount;
        order.status = Status.Refunded;
        order.amount = 0;
        emit OrderReclaimed(id, amount);
        _settlePoints(order, terms.buyer);
        _pay(terms.token, terms.buyer, amount);
    }

    /// @inheritdoc IEscrowMarketplace
    /// @dev Credits written after `_settlePoints`: see `refund`.
    // slither-disable-next-line reentrancy-benign
    function cancel(OrderTerms calldata terms) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Paid);
        if (msg.sender == terms.buyer) {
            order.flags |= FLAG_CANCEL_REQUESTED;
            emit CancelRequested(id);
            return;
        }
        _only(terms.seller, id);
        uint256 amount = order.amount;
        order.status = Status.Cancelled;
        order.amount = 0;
        emit OrderCancelled(id, amount);
        _settlePoints(order, terms.buyer);
        _pay(terms.token, terms.buyer, amount);
    }

    /// @inheritdoc IEscrowMarketplace
    /// @dev Credits written after `_takeBackGoods` or `_settlePoints` come after a call to our
    ///      own goods or points contract (a plain transfer or burn, no hook) inside
    ///      `nonReentrant`.
    // slither-disable-next-line reentrancy-benign
    function refund(OrderTerms calldata terms, uint256 amount) external nonReentrant {
        (bytes32 id, OrderState storage order) = _load(terms);
        Status status = order.status;
        if (status != Status.Paid && status != Status.Shipped && status != Status.Disputed) {
            revert MarketplaceWrongStatus(id, status);
        }
        _only(terms.seller, id);
        uint256 escrow = order.amount;
        _checkRange("amount", amount, 1, escrow);
        uint256 remaining = escrow - amount;
        // A partial refund of a USD-protected order shrinks the USD owed in proportion
        // (see `_complete`).
        order.amount = uint96(remaining);
        emit OrderRefunded(id, amount, remaining);
        if (remaining == 0) {
            order.status = Status.Refunded;
            _settlePoints(order, terms.buyer);
            _takeBackGoods(terms, id);
        }
        _pay(terms.token, terms.buyer, amount);
    }

    /* DISPUTES */

    /// @inheritdoc IEscrowMarketplace
    function openDispute(OrderTerms calldata terms, bytes32 evidenceHash) external {
        (bytes32 id, OrderState storage order) = _load(terms);
        if (order.status != Status.Paid && order.status != Status.Shipped) {
            revert MarketplaceWrongStatus(id, order.status);
        }
        if (msg.sender != terms.buyer && msg.sender != terms.seller) revert MarketplaceUnauthorized(msg.sender, id);
        _requireBeforeDeadline(order, id);
        uint40 rulingDeadline = uint40(block.timestamp + terms.rulingWindow);
        order.status = Status.Disputed;
        order.deadline = rulingDeadline;
        emit DisputeOpened(id, msg.sender, evidenceHash, rulingDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addEvidence(OrderTerms calldata terms, bytes32 evidenceHash) external {
        (bytes32 id,) = _order(terms, Status.Disputed);
        if (msg.sender != terms.buyer && msg.sender != terms.seller && msg.sender != terms.arbiter) {
            revert MarketplaceUnauthorized(msg.sender, id);
        }
        emit Evidence(id, msg.sender, evidenceHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveDispute(OrderTerms calldata terms, uint256 toBuyer) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Disputed);
        // The arbiter fixed at checkout rules, even if since removed from the allow-list.
        _only(terms.arbiter, id);
        _requireBeforeDeadline(order, id);
        uint256 escrow = order.amount;
        uint256 arbiterFee = SettlementMath.feeOf(escrow, terms.arbiterFeeBps);
        _checkRange("toBuyer", toBuyer, 0, escrow - arbiterFee);
        // All for the buyer: a digital item goes back to the seller first (reverts if the
        // buyer no longer holds it). Any other ruling leaves it with the buyer.
        _resolve(
            terms, id, order, toBuyer, escrow - arbiterFee - toBuyer, arbiterFee, toBuyer == escrow - arbiterFee, false
        );
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveAfterTimeout(OrderTerms calldata terms) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Disputed);
        _requireAfterDeadline(order, id);
        uint256 escrow = order.amount;
        uint256 toSeller = escrow / 2;
        _resolve(terms, id, order, escrow - toSeller, toSeller, 0, false, true);
    }

    /* REVIEWS */

    /// @inheritdoc IEscrowMarketplace
    function review(OrderTerms calldata terms, uint8 rating, bytes32 contentHash) external nonReentrant {
        (bytes32 id, OrderState storage order) = _order(terms, Status.Completed);
        _only(terms.buyer, id);
        if (order.flags & FLAG_REVIEWED != 0) revert MarketplaceAlreadyReviewed(id);
        _checkRange("rating", rating, 1, 5);
        order.flags |= FLAG_REVIEWED;
        Rating storage r = _ratings[terms.seller];
        r.sum += rating;
        r.count += 1;
        emit Reviewed(id, terms.seller, rating, contentHash);
        IBazaarRewards hook = rewards;
        if (address(hook) != address(0)) {
            // The event after the call says the hook failed; all state was written before it.
            // slither-disable-next-line reentrancy-events
            try hook.onReview{gas: REWARDS_HOOK_GAS}(uint256(id), msg.sender) {}
            catch {
                emit RewardsHookFailed(id);
            }
        }
    }

    /* MONEY OUT */

    /// @inheritdoc IEscrowMarketplace
    function claim(address token, address to) external nonReentrant {
        if (to == address(0)) revert MarketplaceZeroAddress();
        uint256 amount = credits[msg.sender][token];
        if (amount == 0) revert MarketplaceNothingToClaim(msg.sender, token);
        credits[msg.sender][token] = 0;
        emit CreditClaimed(msg.sender, token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IEscrowMarketplace
    function withdrawFees(address token) external nonReentrant {
        uint256 amount = feesAccrued[token];
        if (amount == 0) revert MarketplaceNothingToClaim(treasury, token);
        feesAccrued[token] = 0;
        emit FeesWithdrawn(token, treasury, amount);
        IERC20(token).safeTransfer(treasury, amount);
    }

    /* VIEWS */

    /// @inheritdoc IEscrowMarketplace
    function getOrder(bytes32 orderId) external view returns (OrderState memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IEscrowMarketplace
    function orderIdOf(OrderTerms calldata terms) external pure returns (bytes32) {
        return keccak256(abi.encode(terms));
    }

    /// @inheritdoc IEscrowMarketplace
    function getListing(uint256 listingId) external view returns (Listing memory) {
        return _listings[listingId];
    }

    /// @inheritdoc IEscrowMarketplace
    function quote(uint256 listingId, uint256 quantity, address token) external view returns (uint256) {
        Listing memory listing = _listings[listingId];
        if (!listing.active) revert MarketplaceListingInactive(listingId);
        _requireAccepted(listing.tokenMask, token);
        return _payment(oracle.quote(token, listing.priceUsd * quantity).tokenAmount, listing.bufferBps);
    }

    /// @inheritdoc IEscrowMarketplace
    function sellerRating(address seller) external view returns (uint256, uint256) {
        Rating memory r = _ratings[seller];
        return (r.sum, r.count);
    }

    /* GOVERNANCE (owner: the timelock) */

    /// @notice Sets the platform and arbiter fees (basis points, each capped in code).
    ///         Orders already paid keep the fees they were made with.
    function setFees(uint256 feeBps, uint256 arbiterFeeBps) external onlyOwner {
        _checkRange("feeBps", feeBps, 0, MAX_FEE_BPS);
        _checkRange("arbiterFeeBps", arbiterFeeBps, 0, MAX_ARBITER_FEE_BPS);
        config.feeBps = uint16(feeBps);
        config.arbiterFeeBps = uint16(arbiterFeeBps);
        emit FeesSet(feeBps, arbiterFeeBps);
    }

    /// @notice Sets the windows in seconds (each bounded in code); paid orders keep theirs.
    function setWindows(uint256 fulfilmentWindow, uint256 confirmWindow, uint256 rulingWindow) external onlyOwner {
        _checkRange("fulfilmentWindow", fulfilmentWindow, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
        _checkRange("confirmWindow", confirmWindow, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
        _checkRange("rulingWindow", rulingWindow, MIN_WINDOW_SECONDS, MAX_RULING_WINDOW_SECONDS);
        config.fulfilmentWindow = uint24(fulfilmentWindow);
        config.confirmWindow = uint24(confirmWindow);
        config.rulingWindow = uint24(rulingWindow);
        emit WindowsSet(fulfilmentWindow, confirmWindow, rulingWindow);
    }

    /// @notice Sets the dispute window of new digital orders in seconds (1 hour to 7 days).
    function setDigitalWindow(uint256 digitalWindow) external onlyOwner {
        _checkRange("digitalWindow", digitalWindow, MIN_DIGITAL_WINDOW_SECONDS, MAX_DIGITAL_WINDOW_SECONDS);
        config.digitalWindow = uint24(digitalWindow);
        emit DigitalWindowSet(digitalWindow);
    }

    /// @notice Accepts a payment token (the oracle must price it). At most 16, never removed
    ///         (removal would strand listings; the oracle can stop quoting it instead).
    function addPaymentToken(address token) external onlyOwner {
        if (token == address(0)) revert MarketplaceZeroAddress();
        if (tokenId[token] != 0) revert MarketplaceTokenAlreadyAccepted(token);
        if (!oracle.isSupported(token)) revert MarketplaceTokenNotAccepted(token);
        uint8 count = config.tokenCount;
        if (count >= MAX_PAYMENT_TOKENS) revert MarketplaceLimitReached("paymentTokens", MAX_PAYMENT_TOKENS);
        uint8 id = count + 1;
        config.tokenCount = id;
        paymentToken[id] = token;
        tokenId[token] = id;
        emit PaymentTokenAdded(token, id);
    }

    /// @notice Adds or removes an arbiter. Removal keeps the arbiter's rulings on orders it
    ///         already holds, and never leaves fewer than the minimum.
    function setArbiter(address account, bool active) external onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        if (isActiveArbiter[account] == active) revert MarketplaceArbiterInvalid(account);
        isActiveArbiter[account] = active;
        if (active) {
            config.activeArbiters += 1;
        } else {
            if (config.activeArbiters <= MIN_ACTIVE_ARBITERS) {
                revert MarketplaceLimitReached("activeArbiters", MIN_ACTIVE_ARBITERS);
            }
            config.activeArbiters -= 1;
        }
        emit ArbiterSet(account, active);
    }

    /// @notice Registers or removes a logistics carrier (may append checkpoints).
    function setCarrier(address account, bool registered) external onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        isCarrier[account] = registered;
        emit CarrierSet(account, registered);
    }

    function setTreasury(address treasury_) external onlyOwner {
        if (treasury_ == address(0)) revert MarketplaceZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    function setGuardian(address guardian_) external onlyOwner {
        if (guardian_ == address(0)) revert MarketplaceZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice The guardian or governance pauses or resumes new listings and checkouts. No
    ///         exit path (ship, confirm, release, reclaim, cancel, refund, dispute, claim)
    ///         looks at this flag.
    function setPaused(bool paused) external {
        if (msg.sender != guardian && msg.sender != owner()) revert MarketplaceUnauthorized(msg.sender, 0);
        config.paused = paused;
        emit PausedSet(paused);
    }

    /* INTERNAL */

    /// @dev Pays the seller (less the platform fee) and, for USD-protected orders, refunds the
    ///      buyer what the release-time rate does not owe the seller. Credits written after
    ///      `_settlePoints`: see `refund`.
    // slither-disable-next-line reentrancy-benign
    function _complete(OrderTerms calldata terms, bytes32 id, OrderState storage order, bool confirmed) private {
        uint256 escrow = order.amount;
        uint256 toSeller = escrow;
        uint256 toBuyer = 0;
        if (terms.bufferBps != 0) {
            // After partial refunds the USD owed and the locked amount shrink in proportion.
            uint256 deposit = SettlementMath.bufferedDeposit(terms.lockedAmount, terms.bufferBps);
            uint256 usdOwed = terms.usdAmount * escrow / deposit;
            (bool ok, uint256 owed) = oracle.tryQuote(terms.token, usdOwed);
            // No release-time rate (oracle down): the amount locked at checkout.
            (toSeller, toBuyer) =
                SettlementMath.protectedSplit(escrow, ok ? owed : terms.lockedAmount * escrow / deposit);
        }
        uint256 fee = SettlementMath.feeOf(toSeller, terms.feeBps);
        order.status = Status.Completed;
        order.amount = 0;
        feesAccrued[terms.token] += fee;
        emit OrderCompleted(id, toSeller - fee, fee, toBuyer, confirmed);
        _settlePoints(order, address(0));
        _pay(terms.token, terms.seller, toSeller - fee);
        _pay(terms.token, terms.buyer, toBuyer);
        IBazaarRewards hook = rewards;
        if (address(hook) != address(0)) {
            try hook.onOrderCompleted{gas: REWARDS_HOOK_GAS}(
                uint256(id), terms.buyer, terms.seller, terms.usdAmount / USD_UNITS_PER_CENT
            ) {} catch {
                emit RewardsHookFailed(id);
            }
        }
    }

    /// @dev Credits written after `_takeBackGoods`: see `refund`.
    // slither-disable-next-line reentrancy-benign
    function _resolve(
        OrderTerms calldata terms,
        bytes32 id,
        OrderState storage order,
        uint256 toBuyer,
        uint256 sellerGross,
        uint256 arbiterFee,
        bool returnGoods,
        bool byDefault
    ) private {
        uint256 fee = SettlementMath.feeOf(sellerGross, terms.feeBps);
        order.status = Status.Resolved;
        order.amount = 0;
        feesAccrued[terms.token] += fee;
        emit DisputeResolved(id, toBuyer, sellerGross - fee, fee, arbiterFee, byDefault);
        _settlePoints(order, address(0));
        if (returnGoods) _takeBackGoods(terms, id);
        _pay(terms.token, terms.buyer, toBuyer);
        _pay(terms.token, terms.seller, sellerGross - fee);
        _pay(terms.token, terms.arbiter, arbiterFee);
    }

    /// @dev Points escrowed by a redeeming checkout: returned to `to`, or burned when `to` is
    ///      zero (the order completed or was ruled). Our own points contract; no hook runs.
    function _settlePoints(OrderState storage order, address to) private {
        uint256 points = order.pointsEscrowed;
        if (points == 0) return;
        order.pointsEscrowed = 0;
        if (to == address(0)) {
            rewards.burnEscrowed(points);
        } else {
            IERC20(address(rewards)).safeTransfer(to, points);
        }
    }

    /// @dev Moves a digital order's item from its buyer back to its seller (nothing for
    ///      physical orders, or if the seller already has it). No receiver hook runs.
    function _takeBackGoods(OrderTerms calldata terms, bytes32 id) private {
        uint256 goodsTokenId = _listings[terms.listingId].goodsTokenId;
        if (goodsTokenId == 0) return;
        IERC721 items = IERC721(address(goods));
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
            credits[to][token] += amount;
            emit PaymentCredited(to, token, amount);
        }
    }

    /// @dev The order with `terms`, which must be in `status` (terms that are not an order's
    ///      find status None).
    function _order(OrderTerms calldata terms, Status status)
        private
        view
        returns (bytes32 id, OrderState storage order)
    {
        (id, order) = _load(terms);
        if (order.status != status) revert MarketplaceWrongStatus(id, order.status);
    }

    /// @dev The id and state of the order with `terms` (status None if there is none).
    function _load(OrderTerms calldata terms) private view returns (bytes32 id, OrderState storage order) {
        id = keccak256(abi.encode(terms));
        order = _orders[id];
    }

    /// @dev What the buyer pays for `lockedAmount`: itself, or the buffered deposit.
    function _payment(uint256 lockedAmount, uint256 bufferBps) private pure returns (uint256) {
        return bufferBps == 0 ? lockedAmount : SettlementMath.bufferedDeposit(lockedAmount, bufferBps);
    }

    function _requireAccepted(uint256 tokenMask, address token) private view {
        uint256 id = tokenId[token];
        if (id == 0 || tokenMask & (1 << (id - 1)) == 0) revert MarketplaceTokenNotAccepted(token);
    }

    function _ownListing(uint256 listingId) private view returns (Listing storage listing) {
        listing = _listings[listingId];
        if (listing.seller != msg.sender) revert MarketplaceUnauthorized(msg.sender, bytes32(listingId));
        if (!listing.active) revert MarketplaceListingInactive(listingId);
    }

    function _only(address account, bytes32 id) private view {
        if (msg.sender != account) revert MarketplaceUnauthorized(msg.sender, id);
    }

    function _requireBeforeDeadline(OrderState storage order, bytes32 id) private view {
        if (block.timestamp > order.deadline) revert MarketplaceDeadlinePassed(id, order.deadline, block.timestamp);
    }

    function _requireAfterDeadline(OrderState storage order, bytes32 id) private view {
        if (block.timestamp <= order.deadline) {
            revert MarketplaceDeadlineNotReached(id, order.deadline, block.timestamp);
        }
    }

    function _checkRange(string memory what, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert MarketplaceOutOfRange(what, value, min, max);
    }
}
