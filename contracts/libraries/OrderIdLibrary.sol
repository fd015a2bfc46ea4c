// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEscrowMarketplaceTypes} from "../../interfaces/IEscrowMarketplaceTypes.sol";
import {OrderId} from "../../interfaces/OrderId.sol";

/// @title OrderIdLibrary
/// @notice The one place an order id is computed: keccak256 of the ABI-encoded terms.
library OrderIdLibrary {
    /// @notice The id of the order with `terms`.
    function toId(IEscrowMarketplaceTypes.OrderTerms memory terms) internal pure returns (OrderId) {
        return OrderId.wrap(keccak256(abi.encode(terms)));
    }

    /// @notice As `toId`, for terms in calldata (lifecycle calls pass them back).
    function toIdCalldata(IEscrowMarketplaceTypes.OrderTerms calldata terms) internal pure returns (OrderId) {
        return OrderId.wrap(keccak256(abi.encode(terms)));
    }
}
