// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IEscrowMarketplaceTypes} from "./IEscrowMarketplaceTypes.sol";
import {IDigitalGoods} from "./IDigitalGoods.sol";
import {IRewardPoints} from "./IRewardPoints.sol";
import {IWbtcUsdOracle} from "./IWbtcUsdOracle.sol";
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
interface IEscrowMarketplace is IEscrowMarketplaceTypes {
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

    /// @notice The seller offers an affiliate commission of `commissionBps` (at most
    ///         `MAX_COMMISSION_BPS`) of the proceeds of listing `listingId` to referrers of new
    ///         orders; orders already paid keep the rate they were paid with.
    function setCommission(uint256 listingId, uint256 commissionBps) external;

    /// @notice The caller, as a seller, enrols (`approved`) or removes `referrer` from its
    ///         affiliates. A cart's referrer earns a line's commission only when that line's
    ///         seller approved it at checkout; otherwise the order records the referrer with a
    ///         commission of 0. Revoking never touches orders already paid (their rate is in
    ///         their terms). Emits `ReferrerSet`.
    /// @param referrer The affiliate; not zero (`MarketplaceReferrerZero`).
    /// @param approved True to approve, false to revoke.
    function setReferrer(address referrer, bool approved) external;

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

    /// @notice Buys every line of `cart` in one transaction with one pull of the total:
    ///         one order per line, each exactly as `checkout` would have made it (stock, price
    ///         lock, points, fees, windows), with the cart's arbiter and referrer. The cart
    ///         either succeeds whole or changes nothing. Only while not paused.
    /// @return orderIds The new orders' ids, in the order of the lines.
    function checkoutCart(Cart calldata cart) external returns (OrderId[] memory orderIds);

    /// @notice `checkoutCart` for `payment.buyer`, paid by the buyer's signature instead of an
    ///         approval of this contract: Uniswap Permit2's `permitWitnessTransferFrom`
    ///         (SignatureTransfer) with this contract as spender, the cart as witness
    ///         (`CartCheckout`: the lines, the arbiter, the referrer and the relayer's fee),
    ///         permitted amount `cart.maxTotal` of `cart.token` (the most the buyer pays in all:
    ///         the cart and the fee), the payment's nonce and deadline `cart.deadline`. Anyone
    ///         may submit it: the caller receives the fee, at most `MAX_RELAYER_FEE_BPS` of the
    ///         cart's total. The buyer needs no ETH, only a standing ERC-20 approval of Permit2.
    ///         A used nonce, or a signature for another chain, spender, cart, fee or buyer, is
    ///         refused by Permit2.
    /// @param payment The buyer, the relayer's fee, the Permit2 nonce and the signature.
    /// @return orderIds The new orders' ids, in the order of the lines.
    function checkoutCartWithPermit2(Cart calldata cart, Permit2Payment calldata payment)
        external
        returns (OrderId[] memory orderIds);

    /* SIGNED OFFERS (run by the extension `offersExtension`) */

    /// @notice Buys `purchase.quantity` units of a seller's signed offer: exactly the order
    ///         `checkout` would make of a listing with the offer's fields (same checks of the
    ///         token, the arbiter, the referrer and the points, same price lock, fees, windows
    ///         and events), with `listingId = uint256(offerHash)` and the offer's seller; the
    ///         referrer earns the offer's commission only if the seller approved it. The first
    ///         fill records the offer: `offerFilled(offerHash)` counts the units sold, which
    ///         never pass `offer.stock`. Refused while paused, after `purchase.deadline` or
    ///         `offer.expiry`, for fields `list` would refuse, for a counter other than
    ///         `offerCounter(seller)`, a cancelled offer, a signature not the seller's (EOA or
    ///         ERC-1271) and the seller as buyer. Physical goods only. Emits `OrderPaid` and
    ///         `OfferFilled`.
    /// @param offer The offer as signed (EIP-712 `Offer`, see `IEscrowMarketplaceTypes.Offer`).
    /// @param signature The seller's signature of the offer's EIP-712 digest.
    /// @param purchase Quantity, token, price bound, deadline, arbiter, referrer and points.
    /// @return orderId The new order's id.
    function checkoutOffer(Offer calldata offer, bytes calldata signature, OfferPurchase calldata purchase)
        external
        returns (OrderId orderId);

    /// @notice Cancels signed offer `offer` for good: `offerFilled` becomes `type(uint256).max`
    ///         and no checkout fills it again (orders already paid go on). Only `offer.seller`;
    ///         never paused. Emits `OfferCancelled`.
    function cancelOffer(Offer calldata offer) external;

    /// @notice Cancels every signed offer of the caller at once: its offer counter jumps to a
    ///         new value nobody could sign ahead of (the last block's hash is mixed in), so only
    ///         offers signed under the new counter can be filled. Never paused. Emits
    ///         `OffersCancelled`.
    /// @return counter The caller's new counter.
    function cancelAllOffers() external returns (uint256 counter);

    /// @notice Units sold of signed offer `offerHash` (0: never filled), less those restocked
    ///         by cancels, reclaims and full refunds; `type(uint256).max` once cancelled by
    ///         `cancelOffer`. An offer is live only while this is not the maximum, its counter
    ///         is its seller's `offerCounter` (a `cancelAllOffers` leaves this count as it was)
    ///         and it has not expired.
    function offerFilled(bytes32 offerHash) external view returns (uint256);

    /// @notice The counter `seller`'s offers must be signed under to be filled (0 until its
    ///         first `cancelAllOffers`).
    function offerCounter(address seller) external view returns (uint256);

    /// @notice The seller marks the order shipped before the fulfilment deadline.
    /// @param trackingCommitment Hash committing to the tracking data (never plaintext).
    function ship(OrderTerms calldata terms, bytes32 trackingCommitment) external;

    /// @notice `ship` for several orders of the caller at once (all or none).
    /// @param trackingCommitments One per order, in the same order.
    function shipBatch(OrderTerms[] calldata terms, bytes32[] calldata trackingCommitments) external;

    /// @notice `confirm` for several orders of the caller at once (all or none).
    function confirmBatch(OrderTerms[] calldata terms) external;

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

    /// @notice The book of payment token `token`: its id, the orders paid in it, the escrow it
    ///         holds and the fees accrued.
    function tokenBook(address token) external view returns (TokenBook memory);

    /// @notice Unclaimed credits in `token`, all accounts.
    function creditsOutstanding(address token) external view returns (uint256);

    /// @notice The payment id of `token` (0: not accepted).
    function tokenId(address token) external view returns (uint8);

    /* CONFIGURATION */

    /// @notice The governed parameters of new orders and the counters (listings, payment
    ///         tokens, active arbiters), in one slot.
    function config() external view returns (Config memory);

    /// @notice The receiver of the treasury's part of platform fees, and of swept surplus.
    function treasury() external view returns (address);

    /// @notice The account that may pause and resume new listings and checkouts.
    function guardian() external view returns (address);

    /// @notice The staking contract the stakers' share of fees streams to (zero: none).
    function staking() external view returns (address);

    /// @notice The stakers' share of each fee withdrawal, in basis points.
    function stakerShareBps() external view returns (uint256);

    /// @notice The payment token with id `id` (ids from 1; zero address: no such id).
    function paymentToken(uint256 id) external view returns (address);

    /// @notice Whether `account` may be chosen as the arbiter of new orders.
    function isActiveArbiter(address account) external view returns (bool);

    /// @notice Every active arbiter (at most `MAX_ACTIVE_ARBITERS`), in no particular order:
    ///         a buyer picks one that is neither itself nor the seller.
    function arbiters() external view returns (address[] memory);

    /// @notice Whether `account` is a registered carrier (may append checkpoints).
    function isCarrier(address account) external view returns (bool);

    /// @notice Whether `seller` approved `referrer` (`setReferrer`): if so, new orders of the
    ///         seller's listings referred by it carry the listing's commission.
    function isReferrer(address seller, address referrer) external view returns (bool);

    /// @notice The price adapter (fixed at construction).
    function oracle() external view returns (IWbtcUsdOracle);

    /// @notice The digital-goods contract (fixed; zero: no digital listings).
    function goods() external view returns (IDigitalGoods);

    /// @notice The reward-points contract (fixed; zero: no rewards, no redemption).
    function rewards() external view returns (IRewardPoints);

    /// @notice The extension whose code runs governance, listing writes and money out on this
    ///         contract's storage, by DELEGATECALL (fixed at construction).
    function extension() external view returns (address);

    /// @notice The extension whose code runs signed offers (`checkoutOffer`, `cancelOffer`,
    ///         `cancelAllOffers`) on this contract's storage, by DELEGATECALL; deployed on its
    ///         own with the marketplace's oracle, goods and points (fixed at construction; zero:
    ///         no signed offers, those calls revert `MarketplaceOffersNotEnabled`).
    function offersExtension() external view returns (address);

    /* BOUNDS AND CONSTANTS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Highest platform fee: 500 bps (5 %) of the seller's proceeds.
    function MAX_FEE_BPS() external view returns (uint256);

    /// @notice Highest arbiter fee: 500 bps (5 %) of a ruled escrow.
    function MAX_ARBITER_FEE_BPS() external view returns (uint256);

    /// @notice Shortest fulfilment, confirmation and ruling window: 1 day.
    function MIN_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Longest fulfilment and confirmation window: 60 days.
    function MAX_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Longest ruling window: 30 days.
    function MAX_RULING_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Shortest dispute window of digital orders: 1 hour.
    function MIN_DIGITAL_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Longest dispute window of digital orders: 7 days.
    function MAX_DIGITAL_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Most payment tokens: 16 (a listing accepts them by a 16-bit mask).
    function MAX_PAYMENT_TOKENS() external view returns (uint256);

    /// @notice Fewest active arbiters governance may leave: 1.
    function MIN_ACTIVE_ARBITERS() external view returns (uint256);

    /// @notice Most active arbiters: 64 (`arbiters()` returns them in one call).
    function MAX_ACTIVE_ARBITERS() external view returns (uint256);

    /// @notice Largest stakers' share of platform fees: 5,000 bps (50 %).
    function MAX_STAKER_SHARE_BPS() external view returns (uint256);

    /// @notice Highest reward rate: 10 whole points per USD settled.
    function MAX_POINTS_PER_USD() external view returns (uint256);

    /// @notice Largest share of a price a seller may let buyers pay in points: 2,000 bps (20 %).
    function MAX_POINTS_DISCOUNT_BPS() external view returns (uint256);

    /// @notice Highest affiliate commission a listing may offer: 2,000 bps (20 %) of the
    ///         seller's proceeds after the platform fee.
    function MAX_COMMISSION_BPS() external view returns (uint256);

    /// @notice Most lines in one cart: 20.
    function MAX_CART_LINES() external view returns (uint256);

    /// @notice Highest relayer fee of a Permit2 checkout: 300 bps (3 %) of the cart's total.
    function MAX_RELAYER_FEE_BPS() external view returns (uint256);

    /// @notice Uniswap's Permit2 that `checkoutCartWithPermit2` pays through (zero: none).
    function permit2() external view returns (address);

    /// @notice Gas given to each rewards-hook call: 250,000 (a failing hook cannot block an order).
    function REWARDS_HOOK_GAS() external view returns (uint256);

    /// @notice How long an outage of an order's oracle version must have been recorded before
    ///         a USD-protected order settles at its locked amount: 3 days (feeds' heartbeats
    ///         are at most 24 hours; settlement reads allow twice the staleness limit, itself
    ///         at most 72 hours).
    function SETTLEMENT_OUTAGE_SECONDS() external view returns (uint256);

    /// @notice Least USD (8 decimals) a completed order must settle to earn review points: $10.
    function MIN_REVIEW_REWARD_USD() external view returns (uint256);

    /// @notice Point units (18 decimals) redeemed per USD unit (8 decimals): 1e12, so a whole
    ///         point pays one US cent.
    function POINT_UNITS_PER_USD_UNIT() external view returns (uint256);
    // slither-disable-end naming-convention

    /* GOVERNANCE (owner: the timelock) */

    /// @notice Sets where the stakers' share of platform fees goes and how large it is
    ///         (basis points, at most `MAX_STAKER_SHARE_BPS`; zero staking: no share). The
    ///         staking address must hold code, so that a refusal never blocks the treasury's part.
    function setFeeShare(address newStaking, uint256 newStakerShareBps) external;

    /// @notice Sets the reward rate of new orders: whole points per USD settled (at most
    ///         `MAX_POINTS_PER_USD`). Orders already paid keep theirs.
    function setPointsRate(uint256 pointsPerUsd) external;

    /// @notice Sets the platform and arbiter fees (basis points, at most `MAX_FEE_BPS` and
    ///         `MAX_ARBITER_FEE_BPS`). Orders already paid keep the fees they were made with.
    function setFees(uint256 feeBps, uint256 arbiterFeeBps) external;

    /// @notice Sets the fulfilment, confirmation and ruling windows of new orders (seconds,
    ///         each bounded in code); paid orders keep theirs.
    function setWindows(uint256 fulfilmentWindow, uint256 confirmWindow, uint256 rulingWindow) external;

    /// @notice Sets the dispute window of new digital orders (1 hour to 7 days, in seconds).
    function setDigitalWindow(uint256 digitalWindow) external;

    /// @notice Accepts a payment token the oracle prices. At most `MAX_PAYMENT_TOKENS`, never
    ///         removed (removal would strand listings; the oracle can stop quoting it instead).
    function addPaymentToken(address token) external;

    /// @notice Adds or removes an arbiter of new orders. Removal keeps the arbiter's rulings on
    ///         orders it already holds, and never leaves fewer than `MIN_ACTIVE_ARBITERS` nor
    ///         adds more than `MAX_ACTIVE_ARBITERS`.
    function setArbiter(address account, bool active) external;

    /// @notice Registers or removes a logistics carrier (may append checkpoints).
    function setCarrier(address account, bool registered) external;

    /// @notice Sets the receiver of platform fees.
    function setTreasury(address newTreasury) external;

    /// @notice Sets the guardian (who may pause new listings and checkouts).
    function setGuardian(address newGuardian) external;

    /// @notice The guardian or governance pauses or resumes new listings and checkouts. No
    ///         exit path (ship, confirm, release, reclaim, cancel, refund, dispute, ruling,
    ///         claim) looks at this flag.
    function setPaused(bool paused) external;
}
