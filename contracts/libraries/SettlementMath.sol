// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SettlementMath
/// @notice Pure math of the USD-protected settlement mode. The buyer escrows the locked token
///         amount plus a buffer; at release the seller receives the tokens worth the locked
///         USD price at the release-time rate, capped at the deposit, and the buyer gets the
///         rest back. If no release-time rate can be had, the seller receives the amount
///         locked at checkout (what the locked-amount mode pays) and the buyer the buffer.
library SettlementMath {
    /// @notice Basis points in one whole (100 %).
    uint256 internal constant BPS = 10_000;
    /// @notice Largest buffer a listing may ask for: 50 % (5,000 bps) on top of the price.
    uint256 internal constant MAX_BUFFER_BPS = 5_000;

    /// @notice A buffer above `MAX_BUFFER_BPS`.
    /// @param bufferBps The buffer asked for, in basis points.
    /// @param maxBufferBps The largest buffer accepted.
    error SettlementMathBufferTooLarge(uint256 bufferBps, uint256 maxBufferBps);

    /// @notice `bps` basis points of `amount`, rounded down (fees never round up).
    function feeOf(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return amount * bps / BPS;
    }

    /// @notice What the buyer escrows: `lockedAmount` plus `bufferBps`, rounded up.
    function bufferedDeposit(uint256 lockedAmount, uint256 bufferBps) internal pure returns (uint256) {
        if (bufferBps > MAX_BUFFER_BPS) revert SettlementMathBufferTooLarge(bufferBps, MAX_BUFFER_BPS);
        return Math.mulDiv(lockedAmount, BPS + bufferBps, BPS, Math.Rounding.Ceil);
    }

    /// @notice Split of `deposit` when the release-time rate says the locked USD price is
    ///         worth `owedAtRelease` tokens: the seller gets that, capped at the deposit.
    ///         Without a release-time rate, pass the amount locked at checkout.
    /// @return toSeller Tokens for the seller (before fees).
    /// @return toBuyer Tokens back to the buyer.
    function protectedSplit(uint256 deposit, uint256 owedAtRelease)
        internal
        pure
        returns (uint256 toSeller, uint256 toBuyer)
    {
        toSeller = Math.min(owedAtRelease, deposit);
        toBuyer = deposit - toSeller;
    }
}
