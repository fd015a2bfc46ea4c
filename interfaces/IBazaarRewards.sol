// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBazaarRewards
/// @notice What the marketplace calls on the reward-points contract. Calls are made
///         with a gas cap inside try/catch: a failing rewards contract never blocks an order.
interface IBazaarRewards {
    /// @notice Order `orderId` completed (confirmed or released); `usdCents` settled to the
    ///         seller (after refunds), to be rewarded at `pointsPerUsd` whole points per USD,
    ///         the rate fixed in the order at checkout.
    function onOrderCompleted(uint256 orderId, address buyer, address seller, uint256 usdCents, uint256 pointsPerUsd)
        external;

    /// @notice The buyer of completed order `orderId`, which settled at least the marketplace's
    ///         review-reward minimum, reviewed it.
    function onReview(uint256 orderId, address buyer) external;
}
