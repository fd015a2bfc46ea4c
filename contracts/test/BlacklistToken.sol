// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "../mocks/MockERC20.sol";

/// @title BlacklistToken
/// @notice Test token like USDC: an admin can pause all transfers or blacklist an address.
contract BlacklistToken is MockERC20 {
    error BlacklistTokenPaused();
    error BlacklistTokenBlocked(address account);

    bool public paused;
    mapping(address account => bool) public blacklisted;

    constructor() MockERC20("Blacklist USD", "BUSD", 6) {}

    function setPaused(bool paused_) external {
        paused = paused_;
    }

    function setBlacklisted(address account, bool blocked) external {
        blacklisted[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (paused) revert BlacklistTokenPaused();
        if (blacklisted[from]) revert BlacklistTokenBlocked(from);
        if (blacklisted[to]) revert BlacklistTokenBlocked(to);
        super._update(from, to, value);
    }
}
