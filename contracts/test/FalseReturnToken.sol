// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "../mocks/MockERC20.sol";

/// @title FalseReturnToken
/// @notice Test stablecoin of the old style: while `failing`, `transfer` and `transferFrom`
///         return false instead of reverting, and move nothing.
contract FalseReturnToken is MockERC20 {
    bool public failing;

    constructor() MockERC20("False USD", "FUSD", 6) {}

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
