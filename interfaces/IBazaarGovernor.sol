// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBazaarGovernor
/// @notice The BTC Bazaar DAO: OpenZeppelin Governor with votes from staked points
///         (`PointsStaking`, timestamp clock), simple counting, a quorum fraction, late-quorum
///         protection, votes by EIP-712 signature, and execution through a timelock that owns
///         the marketplace's, the oracle's and the points' parameters. Every governor setting
///         has bounds written here; a proposal setting one outside them fails at execution.
interface IBazaarGovernor {
    /// @notice `what` = `value` is outside [`min`, `max`].
    error GovernorSettingOutOfRange(string what, uint256 value, uint256 min, uint256 max);
    /// @notice The votes contract `votes` does not run on a timestamp clock.
    error GovernorVotesClockNotTimestamp(address votes);
    /// @notice `timelock` is not a timelock where this governor holds the proposer role (the
    ///         governor itself, an account without code, or a timelock that would not take its
    ///         proposals): moving there would strand governance for good.
    error GovernorTimelockUnusable(address timelock);
}
