// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice An order's id: the hash of its immutable terms (`OrderIdLibrary.toId`). Not a listing
///         id, not an amount: the type keeps them apart. ABI-encoded as `bytes32`.
type OrderId is bytes32;
