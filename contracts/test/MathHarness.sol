// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PriceMath} from "../libraries/PriceMath.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";

/// @title MathHarness
/// @notice Exposes the pure math libraries to tests (never deployed outside tests).
contract MathHarness {
    function usdToTokens(uint256 usdAmount, uint256 num, uint256 den, uint8 tokenDecimals)
        external
        pure
        returns (uint256)
    {
        return PriceMath.usdToTokens(usdAmount, PriceMath.Price(num, den), tokenDecimals);
    }

    function tokensToUsd(uint256 tokenAmount, uint256 num, uint256 den, uint8 tokenDecimals)
        external
        pure
        returns (uint256)
    {
        return PriceMath.tokensToUsd(tokenAmount, PriceMath.Price(num, den), tokenDecimals);
    }

    function bufferedDeposit(uint256 lockedAmount, uint256 bufferBps) external pure returns (uint256) {
        return SettlementMath.bufferedDeposit(lockedAmount, bufferBps);
    }

    function protectedSplit(uint256 deposit, uint256 owedAtRelease) external pure returns (uint256, uint256) {
        return SettlementMath.protectedSplit(deposit, owedAtRelease);
    }
}
