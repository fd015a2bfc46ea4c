// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MarketplaceLimits
/// @notice Bounds of the marketplace's governed parameters, written in code. One source for
///         the marketplace (which publishes each as a getter of `IEscrowMarketplace`) and its
///         extension (which enforces them in the setters).
library MarketplaceLimits {
    /// @dev Highest platform fee: 5 % (500 bps) of the seller's proceeds.
    uint256 internal constant MAX_FEE_BPS = 500;
    /// @dev Highest arbiter fee: 5 % (500 bps) of a ruled escrow.
    uint256 internal constant MAX_ARBITER_FEE_BPS = 500;
    /// @dev Fulfilment and confirmation windows: 1 to 60 days; the ruling window from 1 day.
    uint256 internal constant MIN_WINDOW_SECONDS = 1 days;
    uint256 internal constant MAX_WINDOW_SECONDS = 60 days;
    /// @dev Ruling window: at most 30 days.
    uint256 internal constant MAX_RULING_WINDOW_SECONDS = 30 days;
    /// @dev Dispute window of digital orders (delivered at checkout): 1 hour to 7 days.
    uint256 internal constant MIN_DIGITAL_WINDOW_SECONDS = 1 hours;
    uint256 internal constant MAX_DIGITAL_WINDOW_SECONDS = 7 days;
    /// @dev Payment tokens: at most 16 (a listing accepts them by a 16-bit mask).
    uint256 internal constant MAX_PAYMENT_TOKENS = 16;
    /// @dev Governance cannot remove the last active arbiter.
    uint256 internal constant MIN_ACTIVE_ARBITERS = 1;
    /// @dev At most 64 active arbiters: `arbiters()` returns them all in one call.
    uint256 internal constant MAX_ACTIVE_ARBITERS = 64;
    /// @dev Largest share of platform fees streamed to stakers: 50 % (5,000 bps).
    uint256 internal constant MAX_STAKER_SHARE_BPS = 5_000;
    /// @dev Highest reward rate: 10 whole points per USD settled.
    uint256 internal constant MAX_POINTS_PER_USD = 10;
    /// @dev Largest share of a price a seller may let buyers pay in points: 20 % (2,000 bps).
    uint256 internal constant MAX_POINTS_DISCOUNT_BPS = 2_000;
    /// @dev Highest affiliate commission a listing may offer: 20 % (2,000 bps) of the seller's
    ///      proceeds after the platform fee.
    uint256 internal constant MAX_COMMISSION_BPS = 2_000;
    /// @dev Most lines in one cart: every line is an order, written in one transaction.
    uint256 internal constant MAX_CART_LINES = 20;
    /// @dev Highest fee a buyer may sign to whoever relays its Permit2 checkout: 3 % (300 bps)
    ///      of the cart's total.
    uint256 internal constant MAX_RELAYER_FEE_BPS = 300;
}
