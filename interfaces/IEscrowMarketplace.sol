// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OrderId} from "./OrderId.sol";

/// @title IEscrowMarketplace
/// @notice Listings priced in USD, paid in WBTC or a USD stablecoin at a rate locked at
///         checkout, held in escrow until the buyer confirms, a window passes, or an arbiter
///         rules. Every order has an exit that needs no cooperation from the other party once
///         its timeout passes:
///         - Paid: the seller ships before the fulfilment deadline, or anyone returns the
///           escrow to the buyer after it (`reclaim`).
///         - Shipped: the buyer confirms, or anyone releases to the seller after the
///           confirmation window (`release`).
///         - Disputed: the order's arbiter rules a share for the buyer before the ruling
///           deadline, or anyone applies the default ruling after it (`resolveAfterTimeout`):
///           half each, no arbiter fee; all to the buyer when the seller opened the dispute
///           before shipping.
///         USD-protected orders settle at the price of the oracle version they were priced
///         with; while that price cannot be read they cannot be confirmed, released or ruled,
///         until an outage recorded in the oracle has lasted `SETTLEMENT_OUTAGE_SECONDS` (and,
///         for confirm and release, the order's deadline passed): then they settle at the
///         amount locked at checkout.
///         Points: earned on the USD value that settled to the seller, at the rate fixed at
///         checkout; redeemed points come back in proportion to what the buyer gets back.
///         Fees, windows and the arbiter are fixed in the order at checkout. Payouts that fail
///         become credits the receiver claims (`claim`). A guardian may pause new listings and
///         checkouts; nothing else can be paused.
///
///         Storage: an order is one slot. Its immutable terms (`OrderTerms`) are hashed into
///         the order id, emitted in `OrderPaid`, and passed back by callers of every lifecycle
///         function, which recomputes the id: terms that were not the order's find no order.
interface IEscrowMarketplace {
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
    ///         pointsDiscountCapBps, kind, active, goodsTokenId] [metadataHash].
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
        bytes32 metadataHash;
    }

    /// @notice The immutable terms of an order; `orderId = keccak256(abi.encode(terms))`.
    /// @param buyer Who paid.
    /// @param seller Who is paid.
    /// @param token Payment token.
    /// @param arbiter Rules a dispute; fixed at checkout, never the buyer or the seller.
    /// @param listingId The listing bought.
    /// @param nonce The order's number (makes every id unique).
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
        uint40 orderCount;
        uint40 listingCount;
        uint16 activeArbiters;
        uint8 tokenCount;
        uint24 digitalWindow;
        uint8 pointsPerUsd;
    }

    /// @notice What the contract owes in one payment token, with the token's id, in one slot.
    /// @param id The token's payment id (0: not accepted).
    /// @param escrowed Token units held for open orders.
    /// @param fees Platform fees accrued, not yet withdrawn.
    struct TokenBook {
        uint8 id;
        uint120 escrowed;
        uint128 fees;
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
        uint256 quantity,
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
    /// @notice `quantity` units went back into listing `listingId` (order cancelled, reclaimed
    ///         or fully refunded).
    event Restocked(uint256 indexed listingId, OrderId indexed orderId, uint256 quantity, uint256 stock);
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
    /// @notice `account` already is (`active`) or is not an arbiter.
    error MarketplaceArbiterUnchanged(address account, bool active);
    /// @notice A required address is zero.
    error MarketplaceZeroAddress();
    /// @notice Nothing to claim or withdraw.
    error MarketplaceNothingToClaim(address account, address token);
    /// @notice This listing kind needs the digital-goods contract (issue D), not yet set.
    error MarketplaceKindNotSupported(Kind kind);
    /// @notice Paying with points needs the rewards contract (issue E), not yet set.
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
    /// @notice A reward rate above `max` whole points per USD.
    error MarketplacePointsRateOutOfRange(uint256 pointsPerUsd, uint256 max);
    /// @notice Nothing of `token` beyond what the contract owes, or a token it may not sweep
    ///         (the reward points it holds in escrow).
    error MarketplaceNothingToSweep(address token);
    /// @notice A full refund or a ruling for the buyer needs digital item `goodsTokenId` back
    ///         with the buyer (or the seller); `holder` has it.
    error MarketplaceGoodsNotReturned(OrderId orderId, uint256 goodsTokenId, address holder);

    /* LISTINGS */

    /// @notice Lists an item. Only while not paused.
    /// @param priceUsd Unit price in USD, 8 decimals (> 0).
    /// @param stock Units available (> 0).
    /// @param tokens Payment tokens accepted (each accepted by governance).
    /// @param bufferBps 0 for locked-amount settlement, else the USD-protected buffer (<= 5,000).
    /// @param pointsDiscountCapBps Share of the price payable in points, seller-funded (<= 2,000).
    /// @param kind Physical (digital items are listed with `listDigital`).
    /// @param metadataHash Hash of description and provenance documents.
    /// @return listingId The new listing's id (from 1).
    function list(
        uint256 priceUsd,
        uint256 stock,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps,
        Kind kind,
        bytes32 metadataHash
    ) external returns (uint256 listingId);

    /// @notice Lists digital item `goodsTokenId` of the `DigitalGoods` contract, which moves
    ///         into escrow (the caller must hold it). Checkout delivers it to the buyer at once
    ///         while the payment stays escrowed for the digital dispute window; a full refund or
    ///         a ruling for the buyer takes it back to the seller first. Stock is 1.
    /// @return listingId The new listing's id.
    function listDigital(
        uint256 goodsTokenId,
        uint256 priceUsd,
        address[] calldata tokens,
        uint256 bufferBps,
        uint256 pointsDiscountCapBps
    ) external returns (uint256 listingId);

    /// @notice The seller changes price and stock (orders already paid are unaffected). A
    ///         digital listing's stock cannot change (delist it to take the item back).
    function updateListing(uint256 listingId, uint256 priceUsd, uint256 stock) external;

    /// @notice The seller withdraws a listing (orders already paid are unaffected); an unsold
    ///         digital item goes back to the seller.
    function delist(uint256 listingId) external;

    /* ORDERS */

    /// @notice Buys `quantity` units at the current oracle rate, pulls exactly that amount of
    ///         `token` (after `approve`), and locks the rate in the order. Only while not paused.
    /// @param maxPayment Most token units the buyer accepts to pay (slippage bound).
    /// @param deadline Unix time after which the checkout must not happen.
    /// @param arbiter An active arbiter, neither buyer nor seller; fixed for the order.
    /// @param pointsToRedeem Reward point units to redeem for a discount of one US cent per
    ///        whole point, at most the listing's `pointsDiscountCapBps` of the price; paid by
    ///        the seller (the order's price is the discounted one). The points are held in
    ///        escrow: burned when the order completes or is ruled, returned on refund or cancel.
    /// @return orderId The new order's id: the hash of its terms (emitted in `OrderPaid`).
    function checkout(
        uint256 listingId,
        uint256 quantity,
        address token,
        uint256 maxPayment,
        uint256 deadline,
        address arbiter,
        uint256 pointsToRedeem
    ) external returns (OrderId orderId);

    /// @notice The seller marks the order shipped before the fulfilment deadline.
    /// @param trackingCommitment Hash committing to the tracking data (never plaintext).
    function ship(OrderTerms calldata terms, bytes32 trackingCommitment) external;

    /// @notice The seller or a registered carrier appends a logistics checkpoint hash.
    function addCheckpoint(OrderTerms calldata terms, bytes32 checkpointHash) external;

    /// @notice The buyer confirms receipt: the seller is paid.
    function confirm(OrderTerms calldata terms) external;

    /// @notice Anyone pays the seller once the confirmation window has passed.
    function release(OrderTerms calldata terms) external;

    /// @notice Anyone returns the escrow to the buyer once the seller missed the fulfilment
    ///         deadline.
    function reclaim(OrderTerms calldata terms) external;

    /// @notice Before shipping: the buyer asks to cancel; the seller cancels (at once, or
    ///         agreeing to the buyer's request). Refunds the buyer in full.
    function cancel(OrderTerms calldata terms) external;

    /// @notice The seller refunds `amount` (all of the escrow: the order ends as Refunded and
    ///         the stock returns to the listing; less: the order goes on with the rest). Paid or
    ///         Shipped orders (a disputed order waits for its ruling). A full refund of a
    ///         digital order first takes the item back from the buyer to the seller.
    function refund(OrderTerms calldata terms, uint256 amount) external;

    /// @notice Buyer or seller opens a dispute before the order's deadline (Paid or Shipped).
    function openDispute(OrderTerms calldata terms, bytes32 evidenceHash) external;

    /// @notice Buyer, seller or arbiter adds evidence (a hash) to a dispute.
    function addEvidence(OrderTerms calldata terms, bytes32 evidenceHash) external;

    /// @notice The order's arbiter rules before the ruling deadline. The ruled part is the
    ///         escrow, or for a USD-protected order the tokens its USD price is worth now (the
    ///         rest, the buffer, goes back to the buyer). The arbiter fee comes off the ruled
    ///         part; `buyerShareBps` of what is left goes to the buyer, the rest to the seller
    ///         (less the platform fee), the odd unit to the buyer. Shares of what is in escrow
    ///         at execution, so no refund can void a ruling. Redeemed points come back in the
    ///         same share. A ruling of 10,000 bps first takes a digital item back to the seller.
    function resolveDispute(OrderTerms calldata terms, uint256 buyerShareBps) external;

    /// @notice Anyone applies the default ruling after the ruling deadline, with no arbiter
    ///         fee: half to each party, or all to the buyer when the seller opened the dispute
    ///         before shipping.
    function resolveAfterTimeout(OrderTerms calldata terms) external;

    /// @notice The buyer reviews an ended order it paid for (completed, refunded, reclaimed,
    ///         cancelled or resolved) once: rating 1-5 and a content hash. The seller's rating
    ///         counts it under the order's outcome; review points go only to completed orders
    ///         that settled at least `MIN_REVIEW_REWARD_USD`.
    function review(OrderTerms calldata terms, uint8 rating, bytes32 contentHash) external;

    /// @notice Pays the caller's credit in `token` to `to` (any address: a blacklisted
    ///         receiver can name another).
    function claim(address token, address to) external;

    /// @notice Pays out the fees accrued in `token`: the stakers' share (`stakerShareBps`) is
    ///         streamed to the staking contract, the rest goes to the treasury. Anyone may call.
    function withdrawFees(address token) external;

    /// @notice Sends what the contract holds of `token` beyond what it owes (escrow, credits,
    ///         fees) to the treasury: tokens sent to it by mistake. Anyone may call. The reward
    ///         points (held in escrow for redeeming orders) cannot be swept.
    function sweep(address token) external returns (uint256 amount);

    /* VIEWS */

    /// @notice The state of order `orderId` (status None: no such order).
    function getOrder(OrderId orderId) external view returns (OrderState memory);

    /// @notice The id of the order with `terms`: keccak256(abi.encode(terms)).
    function orderIdOf(OrderTerms calldata terms) external pure returns (OrderId);

    /// @notice The listing `listingId`; reverts `MarketplaceListingUnknown` for an id never used.
    function getListing(uint256 listingId) external view returns (Listing memory);

    /// @notice Token units the buyer pays now for `quantity` units of a listing in `token`
    ///         (the deposit, for USD-protected listings).
    function quote(uint256 listingId, uint256 quantity, address token) external view returns (uint256);

    /// @notice Unclaimed credit of `account` in `token`.
    function credits(address account, address token) external view returns (uint256);

    /// @notice Fees accrued in `token`, not yet withdrawn.
    function feesAccrued(address token) external view returns (uint256);

    /// @notice Sum and count of the ratings a seller received.
    function sellerRating(address seller) external view returns (uint256 ratingSum, uint256 ratingCount);

    /// @notice The seller's reviews with their outcomes.
    function sellerReviews(address seller) external view returns (Rating memory);

    /// @notice Token units of `token` held for open orders.
    function escrowed(address token) external view returns (uint256);

    /// @notice Unclaimed credits in `token`, all accounts.
    function creditsOutstanding(address token) external view returns (uint256);

    /// @notice The payment id of `token` (0: not accepted).
    function tokenId(address token) external view returns (uint8);

    /* GOVERNANCE (owner: the timelock) */

    /// @notice Sets where the stakers' share of platform fees goes and how large it is
    ///         (basis points, at most `MAX_STAKER_SHARE_BPS`; zero staking: no share).
    function setFeeShare(address staking, uint256 stakerShareBps) external;

    /// @notice Sets the reward rate of new orders: whole points per USD settled (at most
    ///         `MAX_POINTS_PER_USD`). Orders already paid keep theirs.
    function setPointsRate(uint256 pointsPerUsd) external;
}
