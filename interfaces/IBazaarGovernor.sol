// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBazaarGovernor
/// @notice The BTC Bazaar DAO: OpenZeppelin Governor with votes from staked points
///         (`PointsStaking`, timestamp clock), simple counting, a quorum fraction, late-quorum
///         protection, votes by EIP-712 signature, and execution through a timelock that owns
///         the marketplace's, the oracle's and the points' parameters. Every governor setting
///         has bounds written here; a proposal setting one outside them fails at execution.
interface IBazaarGovernor {
    /// @notice A voting delay outside `min`..`max` seconds.
    /// @param value The voting delay refused, in seconds.
    /// @param min The shortest delay (`MIN_VOTING_DELAY_SECONDS`).
    /// @param max The longest delay (`MAX_VOTING_DELAY_SECONDS`).
    error GovernorVotingDelayOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A voting period outside `min`..`max` seconds.
    /// @param value The voting period refused, in seconds.
    /// @param min The shortest period (`MIN_VOTING_PERIOD_SECONDS`).
    /// @param max The longest period (`MAX_VOTING_PERIOD_SECONDS`).
    error GovernorVotingPeriodOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A proposal threshold above `max` (points, 18 decimals).
    /// @param value The threshold refused.
    /// @param max The largest threshold (`MAX_PROPOSAL_THRESHOLD_POINTS`).
    error GovernorProposalThresholdOutOfRange(uint256 value, uint256 max);
    /// @notice A quorum outside `min`..`max` percent of the votes.
    /// @param value The quorum refused, in percent.
    /// @param min The lowest quorum (`MIN_QUORUM_PERCENT`).
    /// @param max The highest quorum (`MAX_QUORUM_PERCENT`).
    error GovernorQuorumPercentOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A late-quorum extension outside `min`..`max` seconds.
    /// @param value The extension refused, in seconds.
    /// @param min The shortest extension (`MIN_LATE_QUORUM_EXTENSION_SECONDS`).
    /// @param max The longest extension (`MAX_LATE_QUORUM_EXTENSION_SECONDS`).
    error GovernorLateQuorumExtensionOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice The votes contract `votes` does not run on a timestamp clock.
    error GovernorVotesClockNotTimestamp(address votes);
    /// @notice `timelock` is not a timelock where this governor holds the proposer role (the
    ///         governor itself, an account without code, or a timelock that would not take its
    ///         proposals): moving there would strand governance for good.
    error GovernorTimelockUnusable(address timelock);

    /* BOUNDS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Shortest voting delay: 1 hour.
    function MIN_VOTING_DELAY_SECONDS() external view returns (uint256);

    /// @notice Longest voting delay: 14 days.
    function MAX_VOTING_DELAY_SECONDS() external view returns (uint256);

    /// @notice Shortest voting period: 1 day.
    function MIN_VOTING_PERIOD_SECONDS() external view returns (uint256);

    /// @notice Longest voting period: 30 days.
    function MAX_VOTING_PERIOD_SECONDS() external view returns (uint256);

    /// @notice Highest proposal threshold: 1,000,000 staked points (18 decimals).
    function MAX_PROPOSAL_THRESHOLD_POINTS() external view returns (uint256);

    /// @notice Lowest quorum: 1 % of the staked total at the snapshot.
    function MIN_QUORUM_PERCENT() external view returns (uint256);

    /// @notice Highest quorum: 50 % of the staked total at the snapshot.
    function MAX_QUORUM_PERCENT() external view returns (uint256);

    /// @notice Shortest late-quorum extension: 1 hour.
    function MIN_LATE_QUORUM_EXTENSION_SECONDS() external view returns (uint256);

    /// @notice Longest late-quorum extension: 7 days.
    function MAX_LATE_QUORUM_EXTENSION_SECONDS() external view returns (uint256);
    // slither-disable-end naming-convention
}
