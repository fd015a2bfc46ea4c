// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "../mocks/MockERC20.sol";

/// @title FalseReturnToken
/// @notice Test token of the old style: when switched to failing, `transfer` and
///         `transferFrom` return false (and move nothing) instead of reverting.
contract FalseReturnToken is MockERC20 {
    bool public failing;

    constructor() MockERC20("False Return Points", "FRP", 18) {}

    function setFailing(bool failing_) external {
        failing = failing_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
