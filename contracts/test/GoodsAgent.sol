// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title GoodsAgent
/// @notice A contract account for digital-goods tests: it forwards any call as itself
///         (`execute`), and has NO ERC-721 receiver hook (a contract buyer that cannot take an
///         NFT safely).
contract GoodsAgent {
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}

/// @title ReentrantGoodsReceiver
/// @notice A GoodsAgent with an ERC-721 receiver hook that, when armed, re-enters a target with
///         chosen calldata while it receives an item, and records what happened. It counts its
///         hook calls, so a test can also show a path that never calls it.
contract ReentrantGoodsReceiver is GoodsAgent, IERC721Receiver {
    address public reentryTarget;
    bytes public reentryData;
    uint256 public hookCalls;
    bool public reentrySucceeded;
    bytes public reentryError;

    function arm(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        hookCalls += 1;
        address target = reentryTarget;
        if (target != address(0)) {
            reentryTarget = address(0);
            (bool ok, bytes memory ret) = target.call(reentryData);
            reentrySucceeded = ok;
            reentryError = ret;
        }
        return IERC721Receiver.onERC721Received.selector;
    }
}
