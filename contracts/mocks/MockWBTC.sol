// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "./MockERC20.sol";

/// @title MockWBTC
/// @notice Wrapped-bitcoin stand-in for local chains and tests: 8 decimals like WBTC (amounts
///         in satoshis), and an open `mint`. Never deployed to a network that has a real WBTC
///         address configured.
contract MockWBTC is MockERC20 {
    constructor() MockERC20("Mock Wrapped BTC", "WBTC", 8) {}
}
