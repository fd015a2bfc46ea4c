// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBazaarRewards
/// @notice What the marketplace calls on the reward-points contract (issue E). Calls are made
///         with a gas cap inside try/catch: a failing rewards contract never blocks an order.
interface IBazaarRewards {
    /// @notice Order `orderId` completed (confirmed or released) for `usdCents`.
    function onOrderCompleted(uint256 orderId, address buyer, address seller, uint256 usdCents) external;

    /// @notice The buyer of completed order `orderId` reviewed it.
    function onReview(uint256 orderId, address buyer) external;
}
