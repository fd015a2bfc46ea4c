// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBazaarRewards} from "../interfaces/IBazaarRewards.sol";
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
    /// @notice Payment tokens: at most 16 (a listing accepts them by a 16-bit mask).
    uint256 public constant MAX_PAYMENT_TOKENS = 16;
    /// @notice Governance cannot remove the last active arbiter.
    uint256 public constant MIN_ACTIVE_ARBITERS = 1;
    /// @notice Gas given to each rewards-hook call; a failing hook cannot block an order.
    uint256 public constant REWARDS_HOOK_GAS = 250_000;
    /// @notice USD amounts carry 8 decimals; orders record cents (1e6 units).
    uint256 private constant USD_UNITS_PER_CENT = 1e6;

    uint8 private constant FLAG_PROTECTED = 1;
    uint8 private constant FLAG_CANCEL_REQUESTED = 2;
    uint8 private constant FLAG_REVIEWED = 4;

    /* STORAGE */

    IWbtcUsdOracle public immutable oracle;

    Config public config;
    address public treasury;
    address public guardian;
    IBazaarRewards public rewards;

    mapping(uint256 listingId => Listing) private _listings;
    mapping(uint256 orderId => Order) private _orders;
    mapping(uint256 orderId => ProtectedTerms) private _protected;

    /// @notice Payment token with id `id` (ids from 1); and the id of a token (0: not accepted).
    mapping(uint256 id => address) public paymentToken;
    mapping(address token => uint8) public tokenId;

    /// @notice Arbiter with id `id` (ids from 1, never reused); id and status of an address.
    mapping(uint256 id => address) public arbiter;
    mapping(address account => uint16) public arbiterIdOf;
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
    constructor(address initialOwner, IWbtcUsdOracle oracle_, address treasury_, address guardian_)
        Ownable(initialOwner)
    {
        if (address(oracle_) == address(0) || treasury_ == address(0) || guardian_ == address(0)) {
            revert MarketplaceZeroAddress();
        }
        oracle = oracle_;
        treasury = treasury_;
        guardian = guardian_;
        config.feeBps = 100; // 1 %
        config.arbiterFeeBps = 200; // 2 %
        config.fulfilmentWindow = 7 days;
        config.confirmWindow = 14 days;
        config.rulingWindow = 7 days;
    }

    /* LISTINGS */

    /// @inheritdoc IEscrowMarketplace
    function list(
        uint256 priceUsd,
        uint256 stock,
        address[] calldata tokens,
        uint256 bufferBps,
        Kind kind,
        bytes32 metadataHash
    ) external returns (uint256 listingId) {
        if (config.paused) revert MarketplacePaused();
        if (kind != Kind.Physical) revert MarketplaceKindNotSupported(kind);
        _checkRange("priceUsd", priceUsd, 1, type(uint64).max);
        _checkRange("stock", stock, 1, type(uint32).max);
        _checkRange("bufferBps", bufferBps, 0, SettlementMath.MAX_BUFFER_BPS);
        uint256 mask;
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
            kind: kind,
            active: true,
            metadataHash: metadataHash
        });
        emit Listed(listingId, msg.sender, priceUsd, stock, mask, bufferBps, kind, metadataHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function updateListing(uint256 listingId, uint256 priceUsd, uint256 stock) external {
        Listing storage listing = _ownListing(listingId);
        _checkRange("priceUsd", priceUsd, 1, type(uint64).max);
        _checkRange("stock", stock, 0, type(uint32).max);
        listing.priceUsd = uint64(priceUsd);
        listing.stock = uint32(stock);
        emit ListingUpdated(listingId, priceUsd, stock);
    }

    /// @inheritdoc IEscrowMarketplace
    function delist(uint256 listingId) external {
        _ownListing(listingId).active = false;
        emit Delisted(listingId);
    }

    /* CHECKOUT */

    /// @inheritdoc IEscrowMarketplace
    function checkout(
        uint256 listingId,
        uint256 quantity,
        address token,
        uint256 maxPayment,
        uint256 deadline,
        address arbiter_,
        uint256 pointsToRedeem
    ) external nonReentrant returns (uint256 orderId) {
        if (config.paused) revert MarketplacePaused();
        if (block.timestamp > deadline) revert MarketplaceCheckoutExpired(deadline, block.timestamp);
        if (pointsToRedeem != 0) revert MarketplacePointsNotEnabled();
        Listing memory listing = _listings[listingId];
        if (!listing.active) revert MarketplaceListingInactive(listingId);
        if (msg.sender == listing.seller) revert MarketplaceSelfDealing(msg.sender);
        if (quantity == 0 || quantity > listing.stock) {
            revert MarketplaceOutOfStock(listingId, quantity, listing.stock);
        }
        uint8 tid = _acceptedTokenId(listing, token);
        uint16 arbiterId_ = _checkArbiter(arbiter_, listing.seller);
        IWbtcUsdOracle.Quote memory q = oracle.quote(token, listing.priceUsd * quantity);
        uint256 amount = listing.bufferBps == 0
            ? q.tokenAmount
            : SettlementMath.bufferedDeposit(q.tokenAmount, listing.bufferBps);
        if (amount > maxPayment) revert MarketplacePriceAboveMax(amount, maxPayment);

        // Effects, then the one interaction.
        _listings[listingId].stock = uint32(listing.stock - quantity);
        orderId = _storeOrder(listingId, amount, q, tid, arbiterId_, listing.bufferBps != 0);
        _emitPaid(orderId, listingId, token, quantity, arbiter_, q);
        _pullExactly(token, amount);
    }

    /// @dev Separate only to keep `checkout` within the EVM's stack reach.
    function _emitPaid(
        uint256 orderId,
        uint256 listingId,
        address token,
        uint256 quantity,
        address arbiter_,
        IWbtcUsdOracle.Quote memory q
    ) private {
        emit OrderPaid(orderId, listingId, msg.sender, token, _orders[orderId].amount, quantity, arbiter_, q);
    }

    /// @dev Writes the order (two slots; a third for USD-protected terms), fixing the fees,
    ///      the windows and the arbiter as they are now.
    function _storeOrder(
        uint256 listingId,
        uint256 amount,
        IWbtcUsdOracle.Quote memory q,
        uint8 tid,
        uint16 arbiterId_,
        bool protected_
    ) private returns (uint256 orderId) {
        Config memory c = config;
        orderId = c.orderCount + 1;
        config.orderCount = uint40(orderId);
        _orders[orderId] = Order({
            buyer: msg.sender,
            amount: amount.toUint96(),
            listingId: uint40(listingId),
            deadline: uint40(block.timestamp + c.fulfilmentWindow),
            usdCents: (q.usdAmount / USD_UNITS_PER_CENT).toUint48(),
            confirmWindow: c.confirmWindow,
            rulingWindow: c.rulingWindow,
            arbiterId: arbiterId_,
            feeBps: c.feeBps,
            arbiterFeeBps: c.arbiterFeeBps,
            tokenId: tid,
            status: Status.Paid,
            flags: protected_ ? FLAG_PROTECTED : 0
        });
        if (protected_) {
            _protected[orderId] =
                ProtectedTerms({lockedAmount: q.tokenAmount.toUint96(), usdAmount: uint64(q.usdAmount)});
        }
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
    function ship(uint256 orderId, bytes32 trackingCommitment) external {
        Order storage order = _orders[orderId];
        _onlySeller(order, orderId);
        _requireStatus(order, orderId, Status.Paid);
        _requireBeforeDeadline(order, orderId);
        uint40 confirmDeadline = uint40(block.timestamp + order.confirmWindow);
        order.status = Status.Shipped;
        order.deadline = confirmDeadline;
        emit OrderShipped(orderId, trackingCommitment, confirmDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addCheckpoint(uint256 orderId, bytes32 checkpointHash) external {
        Order storage order = _orders[orderId];
        if (msg.sender != _sellerOf(order) && !isCarrier[msg.sender]) {
            revert MarketplaceUnauthorized(msg.sender, orderId);
        }
        if (order.status != Status.Paid && order.status != Status.Shipped) {
            revert MarketplaceWrongStatus(orderId, order.status);
        }
        emit Checkpoint(orderId, msg.sender, checkpointHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function confirm(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        if (msg.sender != order.buyer) revert MarketplaceUnauthorized(msg.sender, orderId);
        _requireStatus(order, orderId, Status.Shipped);
        _complete(order, orderId, true);
    }

    /// @inheritdoc IEscrowMarketplace
    function release(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        _requireStatus(order, orderId, Status.Shipped);
        _requireAfterDeadline(order, orderId);
        _complete(order, orderId, false);
    }

    /// @inheritdoc IEscrowMarketplace
    function reclaim(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        _requireStatus(order, orderId, Status.Paid);
        _requireAfterDeadline(order, orderId);
        uint256 amount = order.amount;
        order.status = Status.Refunded;
        order.amount = 0;
        emit OrderReclaimed(orderId, amount);
        _pay(_tokenOf(order), order.buyer, amount);
    }

    /// @inheritdoc IEscrowMarketplace
    function cancel(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        _requireStatus(order, orderId, Status.Paid);
        if (msg.sender == order.buyer) {
            order.flags |= FLAG_CANCEL_REQUESTED;
            emit CancelRequested(orderId);
            return;
        }
        _onlySeller(order, orderId);
        uint256 amount = order.amount;
        order.status = Status.Cancelled;
        order.amount = 0;
        emit OrderCancelled(orderId, amount);
        _pay(_tokenOf(order), order.buyer, amount);
    }

    /// @inheritdoc IEscrowMarketplace
    function refund(uint256 orderId, uint256 amount) external nonReentrant {
        Order storage order = _orders[orderId];
        _onlySeller(order, orderId);
        Status status = order.status;
        if (status != Status.Paid && status != Status.Shipped && status != Status.Disputed) {
            revert MarketplaceWrongStatus(orderId, status);
        }
        uint256 escrow = order.amount;
        _checkRange("amount", amount, 1, escrow);
        uint256 remaining = escrow - amount;
        order.amount = uint96(remaining);
        if (remaining == 0) {
            order.status = Status.Refunded;
        } else if (order.flags & FLAG_PROTECTED != 0) {
            // The USD price owed shrinks in proportion to what the seller gave back.
            ProtectedTerms storage terms = _protected[orderId];
            terms.usdAmount = uint64(uint256(terms.usdAmount) * remaining / escrow);
            terms.lockedAmount = uint96(uint256(terms.lockedAmount) * remaining / escrow);
        }
        emit OrderRefunded(orderId, amount, remaining);
        _pay(_tokenOf(order), order.buyer, amount);
    }

    /* DISPUTES */

    /// @inheritdoc IEscrowMarketplace
    function openDispute(uint256 orderId, bytes32 evidenceHash) external {
        Order storage order = _orders[orderId];
        if (msg.sender != order.buyer && msg.sender != _sellerOf(order)) {
            revert MarketplaceUnauthorized(msg.sender, orderId);
        }
        if (order.status != Status.Paid && order.status != Status.Shipped) {
            revert MarketplaceWrongStatus(orderId, order.status);
        }
        _requireBeforeDeadline(order, orderId);
        uint40 rulingDeadline = uint40(block.timestamp + order.rulingWindow);
        order.status = Status.Disputed;
        order.deadline = rulingDeadline;
        emit DisputeOpened(orderId, msg.sender, evidenceHash, rulingDeadline);
    }

    /// @inheritdoc IEscrowMarketplace
    function addEvidence(uint256 orderId, bytes32 evidenceHash) external {
        Order storage order = _orders[orderId];
        _requireStatus(order, orderId, Status.Disputed);
        if (msg.sender != order.buyer && msg.sender != _sellerOf(order) && msg.sender != arbiter[order.arbiterId]) {
            revert MarketplaceUnauthorized(msg.sender, orderId);
        }
        emit Evidence(orderId, msg.sender, evidenceHash);
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveDispute(uint256 orderId, uint256 toBuyer) external nonReentrant {
        Order storage order = _orders[orderId];
        // The arbiter fixed at checkout rules, even if since removed from the allow-list.
        if (msg.sender != arbiter[order.arbiterId]) revert MarketplaceUnauthorized(msg.sender, orderId);
        _requireStatus(order, orderId, Status.Disputed);
        _requireBeforeDeadline(order, orderId);
        uint256 escrow = order.amount;
        uint256 arbiterFee = SettlementMath.feeOf(escrow, order.arbiterFeeBps);
        _checkRange("toBuyer", toBuyer, 0, escrow - arbiterFee);
        _resolve(order, orderId, toBuyer, escrow - arbiterFee - toBuyer, arbiterFee, false);
    }

    /// @inheritdoc IEscrowMarketplace
    function resolveAfterTimeout(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        _requireStatus(order, orderId, Status.Disputed);
        _requireAfterDeadline(order, orderId);
        uint256 escrow = order.amount;
        uint256 toSeller = escrow / 2;
        _resolve(order, orderId, escrow - toSeller, toSeller, 0, true);
    }

    /* REVIEWS */

    /// @inheritdoc IEscrowMarketplace
    function review(uint256 orderId, uint8 rating, bytes32 contentHash) external {
        Order storage order = _orders[orderId];
        if (msg.sender != order.buyer) revert MarketplaceUnauthorized(msg.sender, orderId);
        _requireStatus(order, orderId, Status.Completed);
        if (order.flags & FLAG_REVIEWED != 0) revert MarketplaceAlreadyReviewed(orderId);
        _checkRange("rating", rating, 1, 5);
        order.flags |= FLAG_REVIEWED;
        address seller = _sellerOf(order);
        Rating storage r = _ratings[seller];
        r.sum += rating;
        r.count += 1;
        emit Reviewed(orderId, seller, rating, contentHash);
        IBazaarRewards hook = rewards;
        if (address(hook) != address(0)) {
            try hook.onReview{gas: REWARDS_HOOK_GAS}(orderId, msg.sender) {}
            catch {
                emit RewardsHookFailed(orderId);
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
    function getOrder(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IEscrowMarketplace
    function getListing(uint256 listingId) external view returns (Listing memory) {
        return _listings[listingId];
    }

    /// @notice The USD-protected terms of `orderId` (zero for locked-amount orders).
    function getProtectedTerms(uint256 orderId) external view returns (ProtectedTerms memory) {
        return _protected[orderId];
    }

    /// @inheritdoc IEscrowMarketplace
    function quote(uint256 listingId, uint256 quantity, address token) external view returns (uint256) {
        Listing memory listing = _listings[listingId];
        if (!listing.active) revert MarketplaceListingInactive(listingId);
        _acceptedTokenId(listing, token);
        uint256 amount = oracle.quote(token, listing.priceUsd * quantity).tokenAmount;
        return listing.bufferBps == 0 ? amount : SettlementMath.bufferedDeposit(amount, listing.bufferBps);
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

    /// @notice Accepts a payment token (the oracle must price it). At most 16, never removed
    ///         (removal would strand listings; the oracle can stop quoting it instead).
    function addPaymentToken(address token) external onlyOwner {
        if (token == address(0)) revert MarketplaceZeroAddress();
        if (tokenId[token] != 0) revert MarketplaceTokenNotAccepted(token);
        if (!oracle.isSupported(token)) revert MarketplaceTokenNotAccepted(token);
        uint8 count = config.tokenCount;
        if (count >= MAX_PAYMENT_TOKENS) revert MarketplaceLimitReached("paymentTokens", MAX_PAYMENT_TOKENS);
        uint8 id = count + 1;
        config.tokenCount = id;
        paymentToken[id] = token;
        tokenId[token] = id;
        emit PaymentTokenAdded(token, id);
    }

    /// @notice Adds (or re-activates) an arbiter, or removes one. Removal keeps the arbiter's
    ///         rulings on orders it already holds, and never leaves fewer than the minimum.
    function setArbiter(address account, bool active) external onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        uint16 id = arbiterIdOf[account];
        if (id == 0) {
            if (!active) revert MarketplaceArbiterInvalid(account);
            id = ++config.arbiterCount;
            arbiterIdOf[account] = id;
            arbiter[id] = account;
        }
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
        emit ArbiterSet(account, id, active);
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

    /// @notice Sets the rewards contract (zero: no rewards).
    function setRewards(IBazaarRewards rewards_) external onlyOwner {
        rewards = rewards_;
        emit RewardsSet(address(rewards_));
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

    /// @dev Pays the seller (less the platform fee) and, for USD-protected orders, refunds
    ///      the buyer what the release-time rate does not owe the seller.
    function _complete(Order storage order, uint256 orderId, bool confirmed) private {
        uint256 escrow = order.amount;
        uint256 toSeller = escrow;
        uint256 toBuyer;
        if (order.flags & FLAG_PROTECTED != 0) {
            ProtectedTerms memory terms = _protected[orderId];
            (bool ok, uint256 owed) = oracle.tryQuote(_tokenOf(order), terms.usdAmount);
            // No release-time rate (oracle down): the amount locked at checkout.
            (toSeller, toBuyer) = SettlementMath.protectedSplit(escrow, ok ? owed : terms.lockedAmount);
        }
        uint256 fee = SettlementMath.feeOf(toSeller, order.feeBps);
        order.status = Status.Completed;
        order.amount = 0;
        address token = _tokenOf(order);
        address seller = _sellerOf(order);
        feesAccrued[token] += fee;
        emit OrderCompleted(orderId, toSeller - fee, fee, toBuyer, confirmed);
        _pay(token, seller, toSeller - fee);
        _pay(token, order.buyer, toBuyer);
        IBazaarRewards hook = rewards;
        if (address(hook) != address(0)) {
            try hook.onOrderCompleted{gas: REWARDS_HOOK_GAS}(orderId, order.buyer, seller, order.usdCents) {}
            catch {
                emit RewardsHookFailed(orderId);
            }
        }
    }

    function _resolve(
        Order storage order,
        uint256 orderId,
        uint256 toBuyer,
        uint256 sellerGross,
        uint256 arbiterFee,
        bool byDefault
    ) private {
        uint256 fee = SettlementMath.feeOf(sellerGross, order.feeBps);
        order.status = Status.Resolved;
        order.amount = 0;
        address token = _tokenOf(order);
        feesAccrued[token] += fee;
        emit DisputeResolved(orderId, toBuyer, sellerGross - fee, fee, arbiterFee, byDefault);
        _pay(token, order.buyer, toBuyer);
        _pay(token, _sellerOf(order), sellerGross - fee);
        _pay(token, arbiter[order.arbiterId], arbiterFee);
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

    function _acceptedTokenId(Listing memory listing, address token) private view returns (uint8 id) {
        id = tokenId[token];
        if (id == 0 || listing.tokenMask & (1 << (id - 1)) == 0) revert MarketplaceTokenNotAccepted(token);
    }

    function _checkArbiter(address account, address seller) private view returns (uint16) {
        if (!isActiveArbiter[account] || account == msg.sender || account == seller) {
            revert MarketplaceArbiterInvalid(account);
        }
        return arbiterIdOf[account];
    }

    function _ownListing(uint256 listingId) private view returns (Listing storage listing) {
        listing = _listings[listingId];
        if (listing.seller != msg.sender) revert MarketplaceUnauthorized(msg.sender, listingId);
        if (!listing.active) revert MarketplaceListingInactive(listingId);
    }

    function _onlySeller(Order storage order, uint256 orderId) private view {
        if (msg.sender != _sellerOf(order)) revert MarketplaceUnauthorized(msg.sender, orderId);
    }

    function _requireStatus(Order storage order, uint256 orderId, Status status) private view {
        if (order.status != status) revert MarketplaceWrongStatus(orderId, order.status);
    }

    function _requireBeforeDeadline(Order storage order, uint256 orderId) private view {
        if (block.timestamp > order.deadline) {
            revert MarketplaceDeadlinePassed(orderId, order.deadline, block.timestamp);
        }
    }

    function _requireAfterDeadline(Order storage order, uint256 orderId) private view {
        if (block.timestamp <= order.deadline) {
            revert MarketplaceDeadlineNotReached(orderId, order.deadline, block.timestamp);
        }
    }

    function _sellerOf(Order storage order) private view returns (address) {
        return _listings[order.listingId].seller;
    }

    function _tokenOf(Order storage order) private view returns (address) {
        return paymentToken[order.tokenId];
    }

    function _checkRange(string memory what, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert MarketplaceOutOfRange(what, value, min, max);
    }
}
