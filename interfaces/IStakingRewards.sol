// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IStakingRewards
/// @notice What the marketplace calls to stream the stakers' share of its fees.
interface IStakingRewards {
    /// @notice Pulls `amount` of reward token `token` from the caller (after `approve`) and
    ///         streams it to the stakers.
    function depositRewards(address token, uint256 amount) external;
}
