// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title BazaarTimelock
/// @notice OpenZeppelin's TimelockController as deployed for BTC Bazaar (brownie compiles
///         only contracts of the project; this makes the OpenZeppelin one deployable). Its only
///         proposer and canceller is the governor, anyone may execute, and its admin role is
///         renounced once set-up is done.
contract BazaarTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
