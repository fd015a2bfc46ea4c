// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OrderId} from "./OrderId.sol";

/// @title IEscrowMarketplaceTypes
/// @notice The marketplace's types, events and errors (see `IEscrowMarketplace`), apart so
///         the marketplace's extensions (`MarketplaceAdmin`, `MarketplaceOffers`) share them
///         without its functions.
interface IEscrowMarketplaceTypes {
    /* TYPES */

    /// @notice What a listing sells.
    enum Kind {
        Physical,
        Digital
    }

    /// @notice Where an order stands.
    enum Status {
        None,
        Paid,
        Shipped,
        Completed,
        Refunded,
        Cancelled,
        Disputed,
        Resolved
    }

    /// @notice A listing. Slots: [seller, priceUsd, stock] [tokenMask, bufferBps,
    ///         pointsDiscountCapBps, kind, active, goodsTokenId, commissionBps] [metadataHash].
    /// @param seller Who sells and is paid.
    /// @param priceUsd Unit price in USD, 8 decimals.
    /// @param stock Units left.
    /// @param tokenMask Bit i set: payment token with id i is accepted (ids from `tokenId`).
    /// @param bufferBps 0: locked-amount settlement. Otherwise USD-protected settlement with a
    ///        buffer of this many basis points escrowed on top (at most 5,000).
    /// @param pointsDiscountCapBps Largest share of the price the seller lets buyers pay with
    ///        reward points (basis points, at most 2,000; 0: no points accepted).
    /// @param kind Physical or digital.
    /// @param active False once delisted.
    /// @param goodsTokenId Digital listings: the `DigitalGoods` item held in escrow (stock 1).
    /// @param commissionBps Affiliate commission offered to a referrer who brings a sale, in
    ///        basis points of the seller's proceeds after the platform fee (at most 2,000).
    /// @param metadataHash Hash of the description and provenance documents (digital: the
    ///        item's content hash).
    struct Listing {
        address seller;
        uint64 priceUsd;
        uint32 stock;
        uint16 tokenMask;
        uint16 bufferBps;
        uint16 pointsDiscountCapBps;
        Kind kind;
        bool active;
        uint64 goodsTokenId;
        uint16 commissionBps;
        bytes32 metadataHash;
    }

    /// @notice The immutable terms of an order; `orderId = keccak256(abi.encode(terms))`.
    /// @param buyer Who paid.
    /// @param seller Who is paid.
    /// @param token Payment token.
    /// @param arbiter Rules a dispute; fixed at checkout, never the buyer or the seller.
    /// @param listingId The listing bought.
    /// @param nonce The order's number among the orders paid in `token` (with the token, makes
    ///        every id unique).
    /// @param quantity Units bought (restocked when the order is cancelled, reclaimed or
    ///        fully refunded).
    /// @param usdAmount The order's USD price, 8 decimals.
    /// @param lockedAmount Token units of the price at the rate locked at checkout.
    /// @param bufferBps 0: locked-amount settlement. Else USD-protected: the buyer escrowed
    ///        `lockedAmount` plus this buffer.
    /// @param feeBps Platform fee on the seller's proceeds.
    /// @param arbiterFeeBps Arbiter fee on the escrow of a ruled dispute.
    /// @param confirmWindow Seconds the buyer has to confirm or dispute after shipping.
    /// @param rulingWindow Seconds the arbiter has to rule.
    /// @param oracleVersion The oracle configuration version that priced the order; a
    ///        USD-protected order settles against it.
    /// @param pointsPerUsd Whole reward points per USD settled, fixed at checkout.
    /// @param referrer Who brought the sale and earns the commission (zero: nobody); never the
    ///        buyer, the seller, the arbiter, the marketplace or the payment token.
    /// @param commissionBps The listing's commission when the order was paid if the seller had
    ///        approved the referrer (`setReferrer`), else 0 (and 0 without a referrer): basis
    ///        points of the seller's proceeds after the platform fee.
    struct OrderTerms {
        address buyer;
        address seller;
        address token;
        address arbiter;
        uint256 listingId;
        uint256 nonce;
        uint256 quantity;
        uint256 usdAmount;
        uint256 lockedAmount;
        uint256 bufferBps;
        uint256 feeBps;
        uint256 arbiterFeeBps;
        uint256 confirmWindow;
        uint256 rulingWindow;
        uint256 oracleVersion;
        uint256 pointsPerUsd;
        address referrer;
        uint256 commissionBps;
    }

    /// @notice One line of a cart: `quantity` units of listing `listingId`, with
    ///         `pointsToRedeem` reward point units redeemed on this line (as `checkout`).
    struct CartLine {
        uint256 listingId;
        uint256 quantity;
        uint256 pointsToRedeem;
    }

    /// @notice A cart: lines from one or several sellers, paid in one `token` with one pull of
    ///         the total; one order per line.
    /// @param lines The lines (1 to `MAX_CART_LINES`).
    /// @param token The payment token, accepted by every line's listing.
    /// @param maxTotal Most token units the buyer accepts to pay for the whole cart.
    /// @param deadline Unix time after which the checkout must not happen.
    /// @param arbiter An active arbiter, neither the buyer nor any line's seller.
    /// @param referrer Who brought the sale (zero: nobody): earns the commission of each line
    ///        whose seller approved it (`setReferrer`); other lines record it at 0 %.
    struct Cart {
        CartLine[] lines;
        address token;
        uint256 maxTotal;
        uint256 deadline;
        address arbiter;
        address referrer;
    }

    /// @notice How a cart is paid through Permit2 (`checkoutCartWithPermit2`): by the buyer's
    ///         signature, submitted by anyone.
    /// @param buyer Who signed and pays; the orders' buyer.
    /// @param relayerFee Token units paid to whoever submits, signed by the buyer (at most
    ///        `MAX_RELAYER_FEE_BPS` of the cart's total).
    /// @param nonce The buyer's Permit2 SignatureTransfer nonce (unordered, single use).
    /// @param signature The buyer's EIP-712 signature of Permit2's `PermitWitnessTransferFrom`.
    struct Permit2Payment {
        address buyer;
        uint256 relayerFee;
        uint256 nonce;
        bytes signature;
    }

    /// @notice A seller's signed listing (EIP-712 `Offer`, domain "BTC Bazaar Marketplace",
    ///         version "1", this chain, the marketplace's address): listed off chain at no gas,
    ///         recorded by its first checkout (`checkoutOffer`). Its hash (`offerHash`) is the
    ///         full EIP-712 digest, so it is unique per chain and marketplace, and is the
    ///         `listingId` of its orders (always above `type(uint64).max`, where listing ids
    ///         never reach).
    /// @param seller Who signed (an EOA, or an ERC-1271 contract), sells and is paid.
    /// @param priceUsd Unit price in USD, 8 decimals (1 to `type(uint64).max`, as `list`).
    /// @param stock Units the offer may sell in all its fills (1 to `type(uint32).max`).
    /// @param tokenMask Bit `id - 1` set: payment token `id` is accepted (as `Listed`'s); not 0.
    /// @param bufferBps As a listing's: 0 locked-amount, else USD-protected (at most 5,000).
    /// @param pointsDiscountCapBps As a listing's (at most 2,000).
    /// @param commissionBps Affiliate commission for a referrer the seller approved
    ///        (`setReferrer`), as `setCommission` (at most 2,000).
    /// @param metadataHash Hash of the description and provenance documents.
    /// @param expiry Unix seconds; a checkout after it is refused.
    /// @param salt Any value: tells apart two offers with the same other fields.
    /// @param counter The seller's offer counter it was signed under: it must still be
    ///        `offerCounter(seller)` at checkout (`cancelAllOffers` raises it).
    struct Offer {
        address seller;
        uint256 priceUsd;
        uint256 stock;
        uint256 tokenMask;
        uint256 bufferBps;
        uint256 pointsDiscountCapBps;
        uint256 commissionBps;
        bytes32 metadataHash;
        uint256 expiry;
        uint256 salt;
        uint256 counter;
    }

    /// @notice What a buyer buys of an offer (`checkoutOffer`), as `checkout`'s arguments.
    /// @param quantity Units bought (what is left of the offer's stock at most).
    /// @param token Payment token, accepted by the offer's mask.
    /// @param maxPayment Most token units the buyer accepts to pay (slippage bound).
    /// @param deadline Unix time after which the checkout must not happen.
    /// @param arbiter An active arbiter, neither buyer nor seller; fixed for the order.
    /// @param referrer Who brought the sale (zero: nobody); earns the offer's commission only
    ///        if the seller approved it, as a cart's referrer.
    /// @param pointsToRedeem Reward point units redeemed (within the offer's discount cap).
    struct OfferPurchase {
        uint256 quantity;
        address token;
        uint256 maxPayment;
        uint256 deadline;
        address arbiter;
        address referrer;
        uint256 pointsToRedeem;
    }

    /// @notice The mutable state of an order, in one slot.
    /// @param amount Token units in escrow.
    /// @param deadline Paid: fulfilment deadline. Shipped: end of the confirmation window.
    ///        Disputed: ruling deadline. Unix seconds.
    /// @param status Where the order stands (None: no order has these terms).
    /// @param flags Bit 0: the buyer asked to cancel. Bit 1: reviewed. Bit 2: the seller opened
    ///        a dispute before shipping. Bit 3: completed above the review-reward minimum.
    ///        Bit 4: a digital order.
    /// @param pointsEscrowed Reward points the buyer redeemed, held until the order ends.
    struct OrderState {
        uint96 amount;
        uint40 deadline;
        Status status;
        uint8 flags;
        uint96 pointsEscrowed;
    }

    /// @notice Governed parameters, in one slot, read at every checkout.
    struct Config {
        uint16 feeBps;
        uint16 arbiterFeeBps;
        uint24 fulfilmentWindow;
        uint24 confirmWindow;
        uint24 rulingWindow;
        bool paused;
        uint40 listingCount;
        uint16 activeArbiters;
        uint8 tokenCount;
        uint24 digitalWindow;
        uint8 pointsPerUsd;
    }

    /// @notice A payment token's book, in one slot: written once per checkout (the order
    ///         number and the escrow) and once per settlement (the escrow and the fees).
    /// @param id The token's payment id (0: not accepted).
    /// @param orderCount Orders paid in this token (an order's `nonce` is its number here).
    /// @param escrowed Token units held for open orders.
    /// @param fees Platform fees accrued, not yet withdrawn.
    struct TokenBook {
        uint8 id;
        uint40 orderCount;
        uint112 escrowed;
        uint96 fees;
    }

    /// @notice Reviews a seller received, by the outcome of the reviewed order.
    /// @param sum Sum of the ratings (1-5 each).
    /// @param count Reviews.
    /// @param completed Reviews of completed orders.
    /// @param refunded Reviews of refunded, reclaimed or cancelled orders.
    /// @param resolved Reviews of orders ended by a ruling.
    struct Rating {
        uint64 sum;
        uint48 count;
        uint48 completed;
        uint48 refunded;
        uint48 resolved;
    }

    /* EVENTS */

    /// @notice A listing was created.
    event Listed(
        uint256 indexed listingId,
        address indexed seller,
        uint256 priceUsd,
        uint256 stock,
        uint256 tokenMask,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps,
        Kind kind,
        bytes32 metadataHash
    );
    /// @notice Digital listing `listingId` holds item `goodsTokenId` in escrow.
    event GoodsEscrowed(uint256 indexed listingId, uint256 indexed goodsTokenId);
    /// @notice Item `goodsTokenId` went back to the seller of order `orderId` (full refund or
    ///         ruling for the buyer), or of an unsold digital listing (`orderId` zero).
    event GoodsReturned(OrderId indexed orderId, uint256 indexed goodsTokenId);
    /// @notice The seller changed a listing's price or stock.
    event ListingUpdated(uint256 indexed listingId, uint256 priceUsd, uint256 stock);
    /// @notice The seller withdrew a listing.
    event Delisted(uint256 indexed listingId);
    /// @notice A buyer paid into escrow: `terms.lockedAmount`, or for USD-protected orders
    ///         the buffered deposit (`getOrder(orderId).amount` right after checkout). `terms`
    ///         are what later calls pass back; the feed data of the price lock (taken at this
    ///         block's time) follows.
    ///         Indexed: the order, its buyer and its seller (the listing is in `terms`).
    event OrderPaid(
        OrderId indexed orderId,
        address indexed buyer,
        address indexed seller,
        OrderTerms terms,
        int256 usdLegAnswer,
        int256 pegLegAnswer,
        uint256 usdLegUpdatedAt,
        uint256 pegLegUpdatedAt
    );
    /// @notice The seller shipped; `trackingCommitment` hashes the tracking data (never
    ///         plaintext). The confirmation window ends at `confirmDeadline`.
    event OrderShipped(OrderId indexed orderId, bytes32 trackingCommitment, uint256 confirmDeadline);
    /// @notice A logistics checkpoint (hash) was appended by the seller or a carrier.
    event Checkpoint(OrderId indexed orderId, address indexed by, bytes32 checkpointHash);
    /// @notice The order completed: the seller was paid `toSeller` after `fee`, and the buyer
    ///         got `toBuyer` back (USD-protected orders only).
    event OrderCompleted(OrderId indexed orderId, uint256 toSeller, uint256 fee, uint256 toBuyer, bool confirmed);
    /// @notice The seller refunded `amount` to the buyer; `remaining` stays in escrow.
    event OrderRefunded(OrderId indexed orderId, uint256 amount, uint256 remaining);
    /// @notice The buyer took the escrow back after the seller missed the fulfilment deadline.
    event OrderReclaimed(OrderId indexed orderId, uint256 amount);
    /// @notice The buyer asked the seller to cancel before shipping.
    event CancelRequested(OrderId indexed orderId);
    /// @notice The order was cancelled before shipping and the buyer refunded in full.
    event OrderCancelled(OrderId indexed orderId, uint256 amount);
    /// @notice A dispute was opened; the arbiter must rule by `rulingDeadline`.
    event DisputeOpened(
        OrderId indexed orderId, address indexed by, address indexed arbiter, bytes32 evidenceHash, uint256 rulingDeadline
    );
    /// @notice Evidence (a hash) was added to a dispute.
    event Evidence(OrderId indexed orderId, address indexed by, bytes32 evidenceHash);
    /// @notice A dispute was resolved, by the arbiter or by default after the deadline:
    ///         `buyerShareBps` of the ruled part; `toBuyer` includes a protected order's buffer.
    event DisputeResolved(
        OrderId indexed orderId,
        uint256 buyerShareBps,
        uint256 toBuyer,
        uint256 toSeller,
        uint256 fee,
        uint256 arbiterFee,
        bool byDefault
    );
    /// @notice The creator of a digital item resold through the marketplace was paid its
    ///         ERC-2981 royalty out of the seller's proceeds.
    event RoyaltyPaid(OrderId indexed orderId, address indexed receiver, uint256 amount);
    /// @notice The seller set the affiliate commission of listing `listingId`.
    event CommissionSet(uint256 indexed listingId, uint256 commissionBps);
    /// @notice `seller` enrolled (`approved`) or removed `referrer` from its affiliates: from now
    ///         on, orders of its listings referred by `referrer` carry (or no longer carry) the
    ///         listing's commission. Orders already paid keep theirs.
    event ReferrerSet(address indexed seller, address indexed referrer, bool approved);
    /// @notice The referrer of order `orderId` earned `amount` from the seller's proceeds
    ///         after the platform fee, at completion or out of the seller's part of a ruling
    ///         (paid, or credited when the transfer failed: see `PaymentCredited`); the token
    ///         is the order's.
    event CommissionPaid(OrderId indexed orderId, address indexed referrer, uint256 amount);
    /// @notice `relayer` submitted `buyer`'s signed cart (Permit2 nonce `nonce`) and was paid
    ///         `fee` of `token` for it.
    event CartRelayed(address indexed buyer, address indexed relayer, address indexed token, uint256 fee, uint256 nonce);
    /// @notice `quantity` units went back into listing `listingId` (order cancelled, reclaimed
    ///         or fully refunded).
    event Restocked(uint256 indexed listingId, OrderId indexed orderId, uint256 quantity, uint256 stock);
    /// @notice Order `orderId` bought `quantity` units of signed offer `offerHash` of `seller`;
    ///         `filled` units of it are now sold (the first fill records the offer).
    event OfferFilled(
        bytes32 indexed offerHash, address indexed seller, OrderId indexed orderId, uint256 quantity, uint256 filled
    );
    /// @notice `seller` cancelled its signed offer `offerHash`: no checkout may fill it again.
    event OfferCancelled(bytes32 indexed offerHash, address indexed seller);
    /// @notice `seller` cancelled all its signed offers: only those signed under `counter`
    ///         may be filled from now on.
    event OffersCancelled(address indexed seller, uint256 counter);
    /// @notice `quantity` units of order `orderId` went back into signed offer `offerHash`
    ///         (order cancelled, reclaimed or fully refunded); `filled` units of it stay sold
    ///         (`type(uint256).max`: the offer was cancelled and stays so).
    event OfferRestocked(bytes32 indexed offerHash, OrderId indexed orderId, uint256 quantity, uint256 filled);
    /// @notice Redeemed points of an order: `returned` went back to the buyer, `burned` were
    ///         burned.
    event PointsSettled(OrderId indexed orderId, uint256 returned, uint256 burned);
    /// @notice The buyer reviewed an ended order; `outcome` is how it ended.
    event Reviewed(
        OrderId indexed orderId, address indexed seller, uint8 rating, bytes32 contentHash, Status outcome
    );
    /// @notice A payout failed and was credited to `account`, to be claimed.
    event PaymentCredited(address indexed account, address indexed token, uint256 amount);
    /// @notice `account` claimed its credit, paid to `to`.
    event CreditClaimed(address indexed account, address indexed token, address to, uint256 amount);
    /// @notice Accrued fees were paid out: `toTreasury` to the treasury, `toStakers` streamed
    ///         to the stakers.
    event FeesWithdrawn(address indexed token, address treasury, uint256 toTreasury, uint256 toStakers);
    /// @notice The stakers' share could not be deposited (the staking contract refused it); it
    ///         went to the treasury.
    event StakerShareFailed(address indexed token, uint256 amount);
    /// @notice Tokens the contract held beyond what it owes (escrow, credits, fees) went to
    ///         the treasury.
    event Swept(address indexed token, address treasury, uint256 amount);
    /// @notice Governance set where the stakers' share of fees goes and how large it is.
    event FeeShareSet(address indexed staking, uint256 stakerShareBps);
    /// @notice Governance set the reward rate of new orders (whole points per USD).
    event PointsRateSet(uint256 pointsPerUsd);
    /// @notice The rewards hook reverted; the order's state change went through regardless.
    event RewardsHookFailed(OrderId indexed orderId);
    /// @notice Governance changed the fees.
    event FeesSet(uint256 feeBps, uint256 arbiterFeeBps);
    /// @notice Governance changed the windows (seconds).
    event WindowsSet(uint256 fulfilmentWindow, uint256 confirmWindow, uint256 rulingWindow);
    /// @notice Governance set the dispute window of digital orders (seconds).
    event DigitalWindowSet(uint256 digitalWindow);
    /// @notice Governance added (`active`) or removed an arbiter.
    event ArbiterSet(address indexed arbiter, bool active);
    /// @notice Governance accepted a payment token under `tokenId`.
    event PaymentTokenAdded(address indexed token, uint256 tokenId);
    /// @notice Governance registered or removed a carrier.
    event CarrierSet(address indexed carrier, bool registered);
    /// @notice Governance changed the receiver of platform fees.
    event TreasurySet(address indexed treasury);
    /// @notice Governance changed the guardian (who may pause new business).
    event GuardianSet(address indexed guardian);
    /// @notice The guardian or governance paused or unpaused new listings and checkouts.
    event PausedSet(bool paused);

    /* ERRORS */

    /// @notice New listings and checkouts are paused.
    error MarketplacePaused();
    /// @notice `caller` may not do this to order or listing `id`.
    error MarketplaceUnauthorized(address caller, bytes32 id);
    /// @notice Listing `listingId` does not exist or was delisted.
    error MarketplaceListingInactive(uint256 listingId);
    /// @notice Order `orderId` is `status`, which does not allow this.
    error MarketplaceWrongStatus(OrderId orderId, Status status);
    /// @notice The order's `deadline` has passed (it is now `nowTs`).
    error MarketplaceDeadlinePassed(OrderId orderId, uint256 deadline, uint256 nowTs);
    /// @notice The order's `deadline` has not passed yet (it is now `nowTs`).
    error MarketplaceDeadlineNotReached(OrderId orderId, uint256 deadline, uint256 nowTs);
    /// @notice The buyer's checkout `deadline` has passed.
    error MarketplaceCheckoutExpired(uint256 deadline, uint256 nowTs);
    /// @notice The price `amount` is above the buyer's `maxPayment`.
    error MarketplacePriceAboveMax(uint256 amount, uint256 maxPayment);
    /// @notice Only `stock` units are left.
    error MarketplaceOutOfStock(uint256 listingId, uint256 quantity, uint256 stock);
    /// @notice `token` is not accepted (by governance, or by this listing).
    error MarketplaceTokenNotAccepted(address token);
    /// @notice `token` is already an accepted payment token (each is added once).
    error MarketplaceTokenAlreadyAccepted(address token);
    /// @notice The escrow received `received` token units instead of `expected`
    ///         (fee-on-transfer or rebasing tokens are refused).
    error MarketplaceTransferMismatch(uint256 expected, uint256 received);
    /// @notice The buyer is the seller.
    error MarketplaceSelfDealing(address account);
    /// @notice `arbiter` is not an active arbiter, or is the buyer or the seller.
    error MarketplaceArbiterInvalid(address arbiter);
    /// @notice An arbiter fee outside `min`..`max` basis points.
    error MarketplaceArbiterFeeOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A USD-protection buffer outside `min`..`max` basis points.
    error MarketplaceBufferOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A confirmation window outside `min`..`max` seconds.
    error MarketplaceConfirmWindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A digital dispute window outside `min`..`max` seconds.
    error MarketplaceDigitalWindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A platform fee outside `min`..`max` basis points.
    error MarketplaceFeeOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A fulfilment window outside `min`..`max` seconds.
    error MarketplaceFulfilmentWindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A digital item id outside `min`..`max`.
    error MarketplaceGoodsTokenIdOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A points-discount cap outside `min`..`max` basis points.
    error MarketplacePointsCapOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A unit price outside `min`..`max` (USD, 8 decimals).
    error MarketplacePriceOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A rating outside `min`..`max` stars.
    error MarketplaceRatingOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A ruling window outside `min`..`max` seconds.
    error MarketplaceRulingWindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A stock outside `min`..`max` units (a digital listing's stock only changes by a sale).
    error MarketplaceStockOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A listing that accepts no payment token.
    error MarketplaceNoPaymentTokens();
    /// @notice Governance already accepted `max` payment tokens.
    error MarketplaceTooManyPaymentTokens(uint256 max);
    /// @notice Removing the arbiter would leave fewer than `min` active arbiters.
    error MarketplaceTooFewArbiters(uint256 min);
    /// @notice There are already `max` active arbiters.
    error MarketplaceTooManyArbiters(uint256 max);
    /// @notice `account` already is (`active`) or is not an arbiter.
    error MarketplaceArbiterUnchanged(address account, bool active);
    /// @notice A required address is zero.
    error MarketplaceZeroAddress();
    /// @notice Nothing to claim or withdraw.
    error MarketplaceNothingToClaim(address account, address token);
    /// @notice This listing kind needs a digital-goods contract, and this marketplace has none.
    error MarketplaceKindNotSupported(Kind kind);
    /// @notice Paying with points needs a reward-points contract, and this marketplace has none.
    error MarketplacePointsNotEnabled();
    /// @notice `points` buy a discount of `discountUsd` (USD, 8 decimals), zero or above the
    ///         listing's cap `capUsd` for this order.
    error MarketplaceDiscountAboveCap(uint256 points, uint256 discountUsd, uint256 capUsd);
    /// @notice The order was already reviewed.
    error MarketplaceAlreadyReviewed(OrderId orderId);
    /// @notice No order has these terms (`orderId` is their hash).
    error MarketplaceOrderUnknown(OrderId orderId);
    /// @notice No listing has id `listingId`.
    error MarketplaceListingUnknown(uint256 listingId);
    /// @notice A ruling's buyer share above 10,000 basis points.
    error MarketplaceShareOutOfRange(uint256 buyerShareBps);
    /// @notice A refund of `amount`: zero, or above the `escrow` held.
    error MarketplaceRefundOutOfRange(OrderId orderId, uint256 amount, uint256 escrow);
    /// @notice Refunds are closed while the order is disputed: the ruling decides.
    error MarketplaceRefundWhileDisputed(OrderId orderId);
    /// @notice The release-time price of this USD-protected order cannot be read, and no
    ///         outage long enough (recorded at `outageSince`, 0: none) allows the locked amount.
    error MarketplaceSettlementPriceUnavailable(OrderId orderId, uint256 outageSince);
    /// @notice A stakers' share above `maxBps`, or a share without a staking contract.
    error MarketplaceStakerShareOutOfRange(uint256 stakerShareBps, uint256 maxBps);
    /// @notice A staking address without code: a call to it would revert before any
    ///         try/catch could catch it, and every fee withdrawal with it.
    error MarketplaceStakingNotContract(address staking);
    /// @notice A reward rate above `max` whole points per USD.
    error MarketplacePointsRateOutOfRange(uint256 pointsPerUsd, uint256 max);
    /// @notice Nothing of `token` beyond what the contract owes, or a token it may not sweep
    ///         (the reward points it holds in escrow).
    error MarketplaceNothingToSweep(address token);
    /// @notice A full refund or a ruling for the buyer needs digital item `goodsTokenId` back
    ///         with the buyer (or the seller); `holder` has it.
    error MarketplaceGoodsNotReturned(OrderId orderId, uint256 goodsTokenId, address holder);
    /// @notice An affiliate commission outside `min`..`max` basis points.
    error MarketplaceCommissionOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice `referrer` may not refer this order: it is the buyer, the seller, the arbiter,
    ///         the marketplace or the payment token.
    error MarketplaceReferrerInvalid(address referrer);
    /// @notice A seller may not approve or revoke the zero address as referrer (zero means
    ///         "no referrer" in a cart).
    error MarketplaceReferrerZero();
    /// @notice A cart of `lines` lines: it must have `min`..`max`.
    error MarketplaceCartSizeOutOfRange(uint256 lines, uint256 min, uint256 max);
    /// @notice A relayer fee of `fee` token units is above the cap of `cap` (`MAX_RELAYER_FEE_BPS`
    ///         of the cart's total).
    error MarketplaceRelayerFeeAboveCap(uint256 fee, uint256 cap);
    /// @notice This marketplace was deployed without Permit2: no signature checkout.
    error MarketplacePermit2NotEnabled();
    /// @notice A batch call whose arrays differ in length (`expected` and `actual` items).
    error MarketplaceBatchLengthMismatch(uint256 expected, uint256 actual);
    /// @notice This marketplace was deployed without the offers extension: no signed offers.
    error MarketplaceOffersNotEnabled();
    /// @notice The offers extension given to the constructor was built with another oracle,
    ///         goods or points contract than the marketplace's (its code would use those).
    error MarketplaceOffersMismatch(address offers);
    /// @notice Signed offer `offerHash` expired at `expiry`; it is `nowTs`.
    error MarketplaceOfferExpired(bytes32 offerHash, uint256 expiry, uint256 nowTs);
    /// @notice Offer `offerHash`'s `tokenMask` names a token id above the `tokenCount` tokens
    ///         the marketplace has (a listing's mask only ever holds existing ones).
    error MarketplaceOfferTokenMaskInvalid(bytes32 offerHash, uint256 tokenMask, uint256 tokenCount);
    /// @notice Signed offer `offerHash` was cancelled by its seller (`cancelOffer`).
    error MarketplaceOfferCancelled(bytes32 offerHash);
    /// @notice Signed offer `offerHash` was signed under counter `counter`; its seller's is
    ///         now `current` (`cancelAllOffers` cancelled it).
    error MarketplaceOfferCounterStale(bytes32 offerHash, uint256 counter, uint256 current);
    /// @notice `quantity` more units of signed offer `offerHash` would pass its `stock`;
    ///         `filled` are sold (a quantity of 0 is refused too).
    error MarketplaceOfferStockExceeded(bytes32 offerHash, uint256 quantity, uint256 filled, uint256 stock);
    /// @notice `signature` is not `seller`'s (EOA or ERC-1271) of signed offer `offerHash`.
    error MarketplaceOfferSignatureInvalid(bytes32 offerHash, address seller);
}
