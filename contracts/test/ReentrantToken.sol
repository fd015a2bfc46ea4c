// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "../mocks/MockERC20.sol";

/// @title ReentrantToken
/// @notice Test token that, on each transfer, first calls a chosen target with chosen data
///         (a reentrancy attempt) and records whether it succeeded and what it returned. It
///         also calls `onTokenReceived` on receivers registered with `setHooked` (ERC-777
///         style), so a receiver can attack from inside a payout.
contract ReentrantToken is MockERC20 {
    address public attackTarget;
    bytes public attackData;
    bool public attackAttempted;
    bool public attackSucceeded;
    bytes public attackResult;
    mapping(address account => bool) public hooked;

    constructor() MockERC20("Reentrant USD", "RUSD", 6) {}

    function setAttack(address target, bytes calldata data) external {
        attackTarget = target;
        attackData = data;
    }

    /// @notice Receivers whose `onTokenReceived` is called (a revert there fails the transfer).
    function setHooked(address account, bool on) external {
        hooked[account] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        address target = attackTarget;
        if (target != address(0) && from != address(0)) {
            attackTarget = address(0); // one attempt per arming
            attackAttempted = true;
            (attackSucceeded, attackResult) = target.call(attackData);
        }
        super._update(from, to, value);
        if (hooked[to] && from != address(0)) {
            IReceiverHook(to).onTokenReceived(from, value);
        }
    }
}

/// @notice The receiver callback of ReentrantToken.
interface IReceiverHook {
    function onTokenReceived(address from, uint256 value) external;
}
