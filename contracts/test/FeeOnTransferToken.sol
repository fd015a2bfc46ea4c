// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "../mocks/MockERC20.sol";

/// @title FeeOnTransferToken
/// @notice Test token that burns 1 % of every transfer, so the receiver gets less than sent.
contract FeeOnTransferToken is MockERC20 {
    constructor() MockERC20("Fee On Transfer", "FOT", 6) {}

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
