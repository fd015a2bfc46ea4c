// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";

/// @title BatchBuyer
/// @notice Benchmark helper: places many orders in one transaction, to fill the marketplace
///         with thousands of orders quickly before measuring one more checkout.
contract BatchBuyer {
    function buyMany(IEscrowMarketplace market, uint256 listingId, address token, address arbiter, uint256 count)
        external
    {
        IERC20(token).approve(address(market), type(uint256).max);
        for (uint256 i = 0; i < count; ++i) {
            market.checkout(listingId, 1, token, type(uint256).max, type(uint256).max, arbiter, 0);
        }
    }
}
