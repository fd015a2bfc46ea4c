// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title BazaarTimelock
/// @notice OpenZeppelin's TimelockController as deployed for BTC Bazaar (brownie compiles
///         only contracts of the project; this makes the OpenZeppelin one deployable). Its only
///         proposer and canceller is the governor, anyone may execute, and its admin role is
///         renounced once set-up is done. Its delay is bounded in code: 1 to 30 days.
contract BazaarTimelock is TimelockController {
    /// @notice Shortest delay a timelock operation may set: 1 day.
    uint256 public constant MIN_DELAY_SECONDS = 1 days;
    /// @notice Longest delay a timelock operation may set: 30 days.
    uint256 public constant MAX_DELAY_SECONDS = 30 days;

    /// @notice A delay outside `min`..`max` seconds.
    error TimelockDelayOutOfRange(uint256 delay, uint256 min, uint256 max);

    /// @param minDelay 0 (the deployment's hand-over starts without delay, and its hand-over
    ///        batch sets the delay through `updateDelay`) or a delay within the bounds.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {
        if (minDelay != 0) _checkDelay(minDelay);
    }

    /// @notice Only the timelock itself (an operation): sets the delay, within the bounds.
    function updateDelay(uint256 newDelay) public override {
        // The caller check comes first, so that strangers learn nothing but that they may not.
        if (msg.sender != address(this)) revert TimelockUnauthorizedCaller(msg.sender);
        _checkDelay(newDelay);
        super.updateDelay(newDelay);
    }

    function _checkDelay(uint256 delay) private pure {
        if (delay < MIN_DELAY_SECONDS || delay > MAX_DELAY_SECONDS) {
            revert TimelockDelayOutOfRange(delay, MIN_DELAY_SECONDS, MAX_DELAY_SECONDS);
        }
    }
}
