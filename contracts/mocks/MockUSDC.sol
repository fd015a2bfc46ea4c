// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "./MockERC20.sol";

/// @title MockUSDC
/// @notice USD Coin stand-in for local chains and tests: 6 decimals, an open `mint`, and a
///         blacklist like Circle's USDC (its deployer, the blacklister, can stop an address
///         from sending and receiving), so that a payout to a blocked address can be seen to
///         become a credit. Never deployed to a network that has a real USDC configured.
contract MockUSDC is MockERC20 {
    /// @notice Who may block and unblock addresses: the deployer.
    address public immutable blacklister;
    /// @notice Whether `account` may neither send nor receive.
    mapping(address account => bool) public isBlacklisted;

    /// @notice `account` was blocked (`blocked`) or unblocked.
    event BlacklistSet(address indexed account, bool blocked);

    /// @notice `account` is blacklisted: it may neither send nor receive.
    error MockUSDCBlacklisted(address account);
    /// @notice Only the blacklister may block or unblock addresses, not `caller`.
    error MockUSDCNotBlacklister(address caller);

    constructor() MockERC20("Mock USD Coin", "USDC", 6) {
        blacklister = msg.sender;
    }

    /// @notice Blocks (`blocked`) or unblocks `account`; the blacklister only.
    function setBlacklisted(address account, bool blocked) external {
        if (msg.sender != blacklister) revert MockUSDCNotBlacklister(msg.sender);
        isBlacklisted[account] = blocked;
        emit BlacklistSet(account, blocked);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (isBlacklisted[from]) revert MockUSDCBlacklisted(from);
        if (isBlacklisted[to]) revert MockUSDCBlacklisted(to);
        super._update(from, to, value);
    }
}
