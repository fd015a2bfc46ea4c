// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {ISignatureTransfer} from "permit2/src/interfaces/ISignatureTransfer.sol";

import {IDigitalGoods} from "../../interfaces/IDigitalGoods.sol";
import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";
import {IRewardPoints} from "../../interfaces/IRewardPoints.sol";
import {IStakingRewards} from "../../interfaces/IStakingRewards.sol";
import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";
import {MarketplaceCheckoutCore} from "./MarketplaceCheckoutCore.sol";
import {MarketplaceLimits as Limits} from "./MarketplaceLimits.sol";
import {MarketplaceStorage} from "./MarketplaceStorage.sol";

/// @title MarketplaceAdmin
/// @notice The marketplace's extension: governance of its parameters, listings (writes),
///         carts, and money out to the treasury and credit holders. Created by `EscrowMarketplace` in its
///         constructor and run only by DELEGATECALL from it, on its storage (the marketplace's
///         runtime code would otherwise pass EIP-170's 24,576 bytes). Called directly, every
///         function refuses: this contract's own storage means nothing.
contract MarketplaceAdmin is MarketplaceCheckoutCore {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @dev This contract's own address, to refuse direct calls.
    address private immutable _self;

    /// @dev Uniswap's Permit2 (zero: no signature checkout).
    ISignatureTransfer private immutable _permit2;

    /// @dev EIP-712 types of the witness of a Permit2 checkout (`checkoutCartWithPermit2`), and
    ///      the witness type string Permit2 appends to `PermitWitnessTransferFrom(TokenPermissions
    ///      permitted,address spender,uint256 nonce,uint256 deadline,`: the witness's type, then
    ///      every type it references and `TokenPermissions`, sorted by name (EIP-712's encodeType).
    bytes32 private constant CART_LINE_TYPEHASH =
        keccak256("CartLine(uint256 listingId,uint256 quantity,uint256 pointsToRedeem)");
    bytes32 private constant CART_CHECKOUT_TYPEHASH = keccak256(
        "CartCheckout(CartLine[] lines,address arbiter,address referrer,uint256 relayerFee)"
        "CartLine(uint256 listingId,uint256 quantity,uint256 pointsToRedeem)"
    );
    string private constant WITNESS_TYPE_STRING = "CartCheckout witness)"
        "CartCheckout(CartLine[] lines,address arbiter,address referrer,uint256 relayerFee)"
        "CartLine(uint256 listingId,uint256 quantity,uint256 pointsToRedeem)"
        "TokenPermissions(address token,uint256 amount)";

    /// @notice Direct calls are refused: only the marketplace runs this code, on its storage.
    error MarketplaceAdminDirectCall();

    constructor(IWbtcUsdOracle oracle_, IDigitalGoods goods_, IRewardPoints rewards_, address permit2_)
        MarketplaceStorage(oracle_, goods_, rewards_)
        Ownable(msg.sender)
    {
        _self = address(this);
        _permit2 = ISignatureTransfer(permit2_);
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert MarketplaceAdminDirectCall();
        _;
    }

    /* GOVERNANCE (owner: the timelock) */

    /// @dev See `IEscrowMarketplace`.
    function setFees(uint256 feeBps, uint256 arbiterFeeBps) external onlyDelegated onlyOwner {
        if (feeBps > Limits.MAX_FEE_BPS) revert MarketplaceFeeOutOfRange(feeBps, 0, Limits.MAX_FEE_BPS);
        if (arbiterFeeBps > Limits.MAX_ARBITER_FEE_BPS) revert MarketplaceArbiterFeeOutOfRange(arbiterFeeBps, 0, Limits.MAX_ARBITER_FEE_BPS);
        _config.feeBps = uint16(feeBps);
        _config.arbiterFeeBps = uint16(arbiterFeeBps);
        emit FeesSet(feeBps, arbiterFeeBps);
    }

    /// @dev See `IEscrowMarketplace`.
    function setWindows(uint256 fulfilmentWindow, uint256 confirmWindow, uint256 rulingWindow) external onlyDelegated onlyOwner {
        if (fulfilmentWindow < Limits.MIN_WINDOW_SECONDS || fulfilmentWindow > Limits.MAX_WINDOW_SECONDS) revert MarketplaceFulfilmentWindowOutOfRange(fulfilmentWindow, Limits.MIN_WINDOW_SECONDS, Limits.MAX_WINDOW_SECONDS);
        if (confirmWindow < Limits.MIN_WINDOW_SECONDS || confirmWindow > Limits.MAX_WINDOW_SECONDS) revert MarketplaceConfirmWindowOutOfRange(confirmWindow, Limits.MIN_WINDOW_SECONDS, Limits.MAX_WINDOW_SECONDS);
        if (rulingWindow < Limits.MIN_WINDOW_SECONDS || rulingWindow > Limits.MAX_RULING_WINDOW_SECONDS) revert MarketplaceRulingWindowOutOfRange(rulingWindow, Limits.MIN_WINDOW_SECONDS, Limits.MAX_RULING_WINDOW_SECONDS);
        _config.fulfilmentWindow = uint24(fulfilmentWindow);
        _config.confirmWindow = uint24(confirmWindow);
        _config.rulingWindow = uint24(rulingWindow);
        emit WindowsSet(fulfilmentWindow, confirmWindow, rulingWindow);
    }

    /// @dev See `IEscrowMarketplace`.
    function setDigitalWindow(uint256 digitalWindow) external onlyDelegated onlyOwner {
        if (digitalWindow < Limits.MIN_DIGITAL_WINDOW_SECONDS || digitalWindow > Limits.MAX_DIGITAL_WINDOW_SECONDS) revert MarketplaceDigitalWindowOutOfRange(digitalWindow, Limits.MIN_DIGITAL_WINDOW_SECONDS, Limits.MAX_DIGITAL_WINDOW_SECONDS);
        _config.digitalWindow = uint24(digitalWindow);
        emit DigitalWindowSet(digitalWindow);
    }

    /// @dev See `IEscrowMarketplace`.
    function setPointsRate(uint256 pointsPerUsd) external onlyDelegated onlyOwner {
        if (pointsPerUsd > Limits.MAX_POINTS_PER_USD) revert MarketplacePointsRateOutOfRange(pointsPerUsd, Limits.MAX_POINTS_PER_USD);
        _config.pointsPerUsd = uint8(pointsPerUsd);
        emit PointsRateSet(pointsPerUsd);
    }

    /// @dev See `IEscrowMarketplace`.
    function setFeeShare(address staking_, uint256 stakerShareBps_) external onlyDelegated onlyOwner {
        if (stakerShareBps_ > Limits.MAX_STAKER_SHARE_BPS || (staking_ == address(0) && stakerShareBps_ != 0)) {
            revert MarketplaceStakerShareOutOfRange(stakerShareBps_, Limits.MAX_STAKER_SHARE_BPS);
        }
        if (staking_ != address(0) && staking_.code.length == 0) revert MarketplaceStakingNotContract(staking_);
        _staking = staking_;
        _stakerShareBps = uint16(stakerShareBps_);
        emit FeeShareSet(staking_, stakerShareBps_);
    }

    /// @dev See `IEscrowMarketplace`.
    function addPaymentToken(address token) external onlyDelegated onlyOwner {
        if (token == address(0)) revert MarketplaceZeroAddress();
        if (_books[token].id != 0) revert MarketplaceTokenAlreadyAccepted(token);
        if (!_oracle.isSupported(token)) revert MarketplaceTokenNotAccepted(token);
        uint8 count = _config.tokenCount;
        if (count >= Limits.MAX_PAYMENT_TOKENS) revert MarketplaceTooManyPaymentTokens(Limits.MAX_PAYMENT_TOKENS);
        uint8 id = count + 1;
        _config.tokenCount = id;
        _paymentTokens[id] = token;
        _books[token].id = id;
        emit PaymentTokenAdded(token, id);
    }

    /// @dev See `IEscrowMarketplace`.
    function setArbiter(address account, bool active) external onlyDelegated onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        if (_arbiters.contains(account) == active) revert MarketplaceArbiterUnchanged(account, active);
        if (active) {
            if (_arbiters.length() >= Limits.MAX_ACTIVE_ARBITERS) {
                revert MarketplaceTooManyArbiters(Limits.MAX_ACTIVE_ARBITERS);
            }
            // slither-disable-next-line unused-return (true: `contains` above said it was absent)
            _arbiters.add(account);
            _config.activeArbiters += 1;
        } else {
            if (_config.activeArbiters <= Limits.MIN_ACTIVE_ARBITERS) {
                revert MarketplaceTooFewArbiters(Limits.MIN_ACTIVE_ARBITERS);
            }
            // slither-disable-next-line unused-return (true: `contains` above said it was present)
            _arbiters.remove(account);
            _config.activeArbiters -= 1;
        }
        emit ArbiterSet(account, active);
    }

    /// @dev See `IEscrowMarketplace`.
    function setCarrier(address account, bool registered) external onlyDelegated onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        _isCarrier[account] = registered;
        emit CarrierSet(account, registered);
    }

    /// @dev See `IEscrowMarketplace`.
    function setTreasury(address treasury_) external onlyDelegated onlyOwner {
        if (treasury_ == address(0)) revert MarketplaceZeroAddress();
        _treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @dev See `IEscrowMarketplace`.
    function setGuardian(address guardian_) external onlyDelegated onlyOwner {
        if (guardian_ == address(0)) revert MarketplaceZeroAddress();
        _guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @dev See `IEscrowMarketplace`.
    function setPaused(bool paused) external onlyDelegated {
        if (msg.sender != _guardian && msg.sender != owner()) revert MarketplaceUnauthorized(msg.sender, 0);
        _config.paused = paused;
        emit PausedSet(paused);
    }

    /* LISTINGS */

    /// @dev See `IEscrowMarketplace`.
    function list(
        uint256 priceUsd,
        uint256 stock,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps,
        Kind kind,
        bytes32 metadataHash
    ) external onlyDelegated returns (uint256 listingId) {
        _whenNotPaused();
        if (kind != Kind.Physical) revert MarketplaceKindNotSupported(kind);
        if (stock < 1 || stock > type(uint32).max) revert MarketplaceStockOutOfRange(stock, 1, type(uint32).max);
        listingId = _list(priceUsd, stock, tokens, bufferBps, pointsDiscountCapBps, 0, metadataHash);
    }

    /// @dev See `IEscrowMarketplace`.
    function listDigital(
        uint256 goodsTokenId,
        uint256 priceUsd,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps
    ) external onlyDelegated nonReentrant returns (uint256 listingId) {
        _whenNotPaused();
        if (address(_goods) == address(0)) revert MarketplaceKindNotSupported(Kind.Digital);
        if (goodsTokenId < 1 || goodsTokenId > type(uint64).max) revert MarketplaceGoodsTokenIdOutOfRange(goodsTokenId, 1, type(uint64).max);
        bytes32 contentHash = _goods.contentHash(goodsTokenId);
        listingId = _list(priceUsd, 1, tokens, bufferBps, pointsDiscountCapBps, goodsTokenId, contentHash);
        emit GoodsEscrowed(listingId, goodsTokenId);
        // Our own contract, no receiver hook: the item moves from the caller, who must hold it.
        IERC721(address(_goods)).transferFrom(msg.sender, address(this), goodsTokenId);
    }

    /// @dev See `IEscrowMarketplace`.
    function updateListing(uint256 listingId, uint256 priceUsd, uint256 stock) external onlyDelegated {
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

    /// @dev See `IEscrowMarketplace`.
    function delist(uint256 listingId) external onlyDelegated nonReentrant {
        Listing storage listing = _ownListing(listingId);
        listing.active = false;
        emit Delisted(listingId);
        if (listing.kind == Kind.Digital && listing.stock != 0) {
            listing.stock = 0;
            uint256 goodsTokenId = listing.goodsTokenId;
            emit GoodsReturned(OrderId.wrap(0), goodsTokenId);
            IERC721(address(_goods)).transferFrom(address(this), msg.sender, goodsTokenId);
        }
    }

    /// @dev See `IEscrowMarketplace`.
    function setCommission(uint256 listingId, uint256 commissionBps) external onlyDelegated {
        Listing storage listing = _ownListing(listingId);
        if (commissionBps > Limits.MAX_COMMISSION_BPS) revert MarketplaceCommissionOutOfRange(commissionBps, 0, Limits.MAX_COMMISSION_BPS);
        listing.commissionBps = uint16(commissionBps);
        emit CommissionSet(listingId, commissionBps);
    }

    /// @dev See `IEscrowMarketplace`. Any account may enrol referrers; only a seller's own
    ///      enrolments count, on its own listings' lines.
    function setReferrer(address referrer, bool approved) external onlyDelegated {
        if (referrer == address(0)) revert MarketplaceReferrerZero();
        _referrers[msg.sender][referrer] = approved;
        emit ReferrerSet(msg.sender, referrer, approved);
    }

    /* CARTS */

    /// @dev See `IEscrowMarketplace`. Every line is priced and written as `checkout` would
    ///      (`MarketplaceCheckoutCore`); the points of all lines are escrowed in one call and
    ///      the total pulled once; digital items are delivered last.
    function checkoutCart(Cart calldata cart) external onlyDelegated nonReentrant returns (OrderId[] memory orderIds) {
        uint256 total;
        uint256[] memory goodsTokenIds;
        (orderIds, total, goodsTokenIds) = _writeCart(cart, msg.sender);
        _pullExactly(cart.token, msg.sender, total);
        _deliver(goodsTokenIds, msg.sender);
    }

    /// @dev See `IEscrowMarketplace`. The cart is written exactly as `checkoutCart` writes it;
    ///      only the payment differs: Permit2 moves the total and the fee from the buyer, who
    ///      signed the cart as the witness, so no field of it can be changed by whoever submits.
    function checkoutCartWithPermit2(Cart calldata cart, Permit2Payment calldata payment)
        external
        onlyDelegated
        nonReentrant
        returns (OrderId[] memory orderIds)
    {
        if (address(_permit2) == address(0)) revert MarketplacePermit2NotEnabled();
        address buyer = payment.buyer;
        uint256 total;
        uint256[] memory goodsTokenIds;
        (orderIds, total, goodsTokenIds) = _writeCart(cart, buyer);
        _pullWithPermit2(cart, payment, total);
        _deliver(goodsTokenIds, buyer);
    }

    /// @dev Takes `total` and the relayer's fee from the buyer through Permit2 against the
    ///      buyer's signature of the cart, then pays the fee to the caller.
    // Inside `nonReentrant`; Permit2 is immutable and moves only this transfer: the balance
    // delta is the pull's, and any other delta is refused.
    // slither-disable-next-line reentrancy-balance
    function _pullWithPermit2(Cart calldata cart, Permit2Payment calldata payment, uint256 total) private {
        uint256 fee = payment.relayerFee;
        uint256 cap = total * Limits.MAX_RELAYER_FEE_BPS / SettlementMath.BPS;
        if (fee > cap) revert MarketplaceRelayerFeeAboveCap(fee, cap);
        address token = cart.token;
        uint256 amount = total + fee;
        // The buyer's `maxTotal` bounds all it pays: the cart and the fee.
        if (amount > cart.maxTotal) revert MarketplacePriceAboveMax(amount, cart.maxTotal);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        // Permit2 checks the buyer's signature over the token, the most it may move
        // (`maxTotal`), the nonce, the deadline, the spender (this contract) and the witness:
        // every other field of the cart, and the fee.
        _permit2.permitWitnessTransferFrom(
            ISignatureTransfer.PermitTransferFrom({
                permitted: ISignatureTransfer.TokenPermissions({token: token, amount: cart.maxTotal}),
                nonce: payment.nonce,
                deadline: cart.deadline
            }),
            ISignatureTransfer.SignatureTransferDetails({to: address(this), requestedAmount: amount}),
            payment.buyer,
            _witness(cart, fee),
            WITNESS_TYPE_STRING,
            payment.signature
        );
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert MarketplaceTransferMismatch(amount, received);
        emit CartRelayed(payment.buyer, msg.sender, token, fee, payment.nonce);
        // The caller is paid by a plain transfer: only its own submission fails if it cannot
        // receive the token.
        if (fee != 0) IERC20(token).safeTransfer(msg.sender, fee);
    }

    /// @dev Checks, prices and writes every line of `cart` for `buyer` and escrows the points
    ///      of all lines; returns the orders, the total to pull and the digital items to
    ///      deliver (zero for a physical line).
    function _writeCart(Cart calldata cart, address buyer)
        private
        returns (OrderId[] memory orderIds, uint256 total, uint256[] memory goodsTokenIds)
    {
        _whenNotPaused();
        if (block.timestamp > cart.deadline) revert MarketplaceCheckoutExpired(cart.deadline, block.timestamp);
        uint256 count = cart.lines.length;
        if (count == 0 || count > Limits.MAX_CART_LINES) revert MarketplaceCartSizeOutOfRange(count, 1, Limits.MAX_CART_LINES);
        // Every line checked and its stock taken first, then all priced from one reading of
        // the feeds (`quotes`: each exactly the `quote` a checkout would get), then written.
        OrderTerms[] memory terms = new OrderTerms[](count);
        uint256[] memory usdPrices = new uint256[](count);
        goodsTokenIds = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            CartLine calldata line = cart.lines[i];
            OrderTerms memory t = terms[i];
            t.buyer = buyer;
            t.token = cart.token;
            t.arbiter = cart.arbiter;
            t.referrer = cart.referrer;
            t.listingId = line.listingId;
            t.quantity = line.quantity;
            (usdPrices[i], goodsTokenIds[i]) = _takeLine(t, line.pointsToRedeem);
            if (t.referrer != address(0)) t.commissionBps = _referredRate(t, _listings[t.listingId].commissionBps);
        }
        IWbtcUsdOracle.Quote[] memory quotes = _oracle.quotes(cart.token, usdPrices);
        orderIds = new OrderId[](count);
        uint256 points = 0;
        for (uint256 i = 0; i < count; ++i) {
            uint256 amount = _lockPrice(terms[i], quotes[i]);
            OrderId orderId = _storeOrder(terms[i], amount, quotes[i], goodsTokenIds[i]);
            uint256 redeemed = cart.lines[i].pointsToRedeem;
            if (redeemed != 0) {
                _orders[orderId].pointsEscrowed = SafeCast.toUint96(redeemed);
                points += redeemed;
            }
            orderIds[i] = orderId;
            total += amount;
        }
        if (total > cart.maxTotal) revert MarketplacePriceAboveMax(total, cart.maxTotal);
        if (points != 0) _rewards.escrowFrom(buyer, points);
    }

    /// @dev Delivers the digital items of a cart to `buyer`, last: the buyer's receiver hook
    ///      runs (a contract buyer without one is refused).
    function _deliver(uint256[] memory goodsTokenIds, address buyer) private {
        uint256 count = goodsTokenIds.length;
        for (uint256 i = 0; i < count; ++i) {
            // Our own goods contract; the hook is the buyer's own (it can only refuse its cart).
            // slither-disable-next-line calls-loop
            if (goodsTokenIds[i] != 0) IERC721(address(_goods)).safeTransferFrom(address(this), buyer, goodsTokenIds[i]);
        }
    }

    /// @dev The EIP-712 hash of the `CartCheckout` witness of `cart` and `relayerFee` (the
    ///      token, `maxTotal` as the permitted amount, the deadline and the nonce are Permit2's
    ///      own fields of the signed message).
    function _witness(Cart calldata cart, uint256 relayerFee) private pure returns (bytes32) {
        uint256 count = cart.lines.length;
        bytes32[] memory lineHashes = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            CartLine calldata line = cart.lines[i];
            lineHashes[i] = keccak256(abi.encode(CART_LINE_TYPEHASH, line.listingId, line.quantity, line.pointsToRedeem));
        }
        return keccak256(
            abi.encode(
                CART_CHECKOUT_TYPEHASH,
                keccak256(abi.encodePacked(lineHashes)),
                cart.arbiter,
                cart.referrer,
                relayerFee
            )
        );
    }

    /* MONEY OUT */

    /// @dev See `IEscrowMarketplace`.
    function claim(address token, address to) external onlyDelegated nonReentrant {
        if (to == address(0)) revert MarketplaceZeroAddress();
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert MarketplaceNothingToClaim(msg.sender, token);
        _credits[msg.sender][token] = 0;
        _creditsOutstanding[token] -= amount;
        emit CreditClaimed(msg.sender, token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @dev See `IEscrowMarketplace`.
    function withdrawFees(address token) external onlyDelegated nonReentrant {
        TokenBook storage book = _books[token];
        uint256 amount = book.fees;
        address treasury_ = _treasury;
        if (amount == 0) revert MarketplaceNothingToClaim(treasury_, token);
        book.fees = 0;
        address staking_ = _staking;
        uint256 toStakers = staking_ == address(0) ? 0 : SettlementMath.feeOf(amount, _stakerShareBps);
        if (toStakers != 0) {
            IERC20(token).forceApprove(staking_, toStakers);
            // A staking contract that refuses (a token it does not stream) never blocks the
            // treasury's part: its share goes to the treasury instead.
            try IStakingRewards(staking_).depositRewards(token, toStakers) {}
            catch {
                IERC20(token).forceApprove(staking_, 0);
                emit StakerShareFailed(token, toStakers);
                toStakers = 0;
            }
        }
        emit FeesWithdrawn(token, treasury_, amount - toStakers, toStakers);
        IERC20(token).safeTransfer(treasury_, amount - toStakers);
    }

    /// @dev See `IEscrowMarketplace`.
    function sweep(address token) external onlyDelegated nonReentrant returns (uint256 amount) {
        if (token == address(_rewards)) revert MarketplaceNothingToSweep(token);
        TokenBook memory book = _books[token];
        uint256 owed = uint256(book.escrowed) + book.fees + _creditsOutstanding[token];
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance <= owed) revert MarketplaceNothingToSweep(token);
        amount = balance - owed;
        address treasury_ = _treasury;
        emit Swept(token, treasury_, amount);
        IERC20(token).safeTransfer(treasury_, amount);
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
        if (pointsDiscountCapBps > Limits.MAX_POINTS_DISCOUNT_BPS) revert MarketplacePointsCapOutOfRange(pointsDiscountCapBps, 0, Limits.MAX_POINTS_DISCOUNT_BPS);
        uint256 mask = 0;
        for (uint256 i = 0; i < tokens.length; ++i) {
            uint256 id = _books[tokens[i]].id;
            if (id == 0) revert MarketplaceTokenNotAccepted(tokens[i]);
            mask |= 1 << (id - 1);
        }
        if (mask == 0) revert MarketplaceNoPaymentTokens();
        listingId = ++_config.listingCount;
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
            commissionBps: 0,
            metadataHash: metadataHash
        });
        emit Listed(listingId, msg.sender, priceUsd, stock, mask, bufferBps, pointsDiscountCapBps, kind, metadataHash);
    }

    function _ownListing(uint256 listingId) private view returns (Listing storage listing) {
        listing = _listings[listingId];
        if (listing.seller != msg.sender) revert MarketplaceUnauthorized(msg.sender, bytes32(listingId));
        if (!listing.active) revert MarketplaceListingInactive(listingId);
    }
}
