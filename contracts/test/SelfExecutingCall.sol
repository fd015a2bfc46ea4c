// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SelfExecutingCall
/// @notice The target of a timelock operation `poke()` (no predecessor, salt `salt`) that,
///         when armed, executes that same operation again from inside its own call: a
///         reentrant executor the timelock must refuse.
contract SelfExecutingCall {
    TimelockController public immutable timelock;
    bytes32 public immutable salt;
    bool public armed;
    uint256 public pokes;

    constructor(TimelockController timelock_, bytes32 salt_) {
        timelock = timelock_;
        salt = salt_;
    }

    function arm() external {
        armed = true;
    }

    function poke() external {
        pokes += 1;
        if (!armed) return;
        armed = false;
        timelock.execute(address(this), 0, abi.encodeCall(this.poke, ()), bytes32(0), salt);
    }
}
