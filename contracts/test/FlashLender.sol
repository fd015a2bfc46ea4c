// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What a FlashLender borrower implements.
interface IFlashBorrower {
    function onFlashLoan(uint256 amount) external;
}

/// @title FlashLender
/// @notice Lends its tokens for the length of one call (tests only): sends `amount`, calls the
///         borrower back, and reverts unless its balance is whole again afterwards.
contract FlashLender {
    IERC20 public immutable token;

    error FlashLenderNotRepaid(uint256 expected, uint256 balance);

    constructor(IERC20 token_) {
        token = token_;
    }

    function flashLoan(uint256 amount) external {
        uint256 before = token.balanceOf(address(this));
        require(token.transfer(msg.sender, amount));
        IFlashBorrower(msg.sender).onFlashLoan(amount);
        uint256 balance = token.balanceOf(address(this));
        if (balance < before) revert FlashLenderNotRepaid(before, balance);
    }
}
