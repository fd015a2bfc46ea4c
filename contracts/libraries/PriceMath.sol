// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PriceMath
/// @notice Pure USD <-> token conversions at a price given as an exact fraction, with 512-bit
///         intermediate products (OpenZeppelin `Math.mulDiv`) and rounding toward the seller:
///         a USD amount converts to token units rounded up (the buyer pays at most one unit
///         more), token units convert to USD rounded down.
/// @dev A price is "USD per whole token" = `num / den`, where `num` is the product of the feed
///      answers and `den` is 10^(sum of the feed decimals). USD amounts carry 8 decimals.
library PriceMath {
    /// @notice USD amounts carry 8 decimals (1 USD = 1e8), like Chainlink's USD feeds.
    uint256 internal constant USD_DECIMALS = 8;
    /// @notice 1 USD in USD units.
    uint256 internal constant USD_ONE = 10 ** USD_DECIMALS;
    /// @notice Largest USD amount converted: one trillion dollars (1e12 * 1e8 units).
    uint256 internal constant MAX_USD_AMOUNT = 1e12 * USD_ONE;
    /// @notice Largest token amount converted: 2^128 - 1 units (far above any real supply).
    uint256 internal constant MAX_TOKEN_AMOUNT = type(uint128).max;

    /// @notice A USD amount above `MAX_USD_AMOUNT`.
    /// @param usdAmount The amount given (8 decimals).
    /// @param maxUsdAmount The largest amount accepted.
    error PriceMathUsdAmountTooLarge(uint256 usdAmount, uint256 maxUsdAmount);
    /// @notice A token amount above `MAX_TOKEN_AMOUNT`.
    /// @param tokenAmount The amount given (token units).
    /// @param maxTokenAmount The largest amount accepted.
    error PriceMathTokenAmountTooLarge(uint256 tokenAmount, uint256 maxTokenAmount);
    /// @notice A price of zero (`num` or `den` is zero).
    error PriceMathZeroPrice();

    /// @notice USD per whole token as an exact fraction `num / den`.
    struct Price {
        uint256 num;
        uint256 den;
    }

    /// @notice Token units that buy `usdAmount` at `price`, rounded up.
    /// @dev ceil(usdAmount * 10^tokenDecimals * den / (num * 1e8)).
    function usdToTokens(uint256 usdAmount, Price memory price, uint8 tokenDecimals)
        internal
        pure
        returns (uint256)
    {
        if (usdAmount > MAX_USD_AMOUNT) revert PriceMathUsdAmountTooLarge(usdAmount, MAX_USD_AMOUNT);
        if (price.num == 0 || price.den == 0) revert PriceMathZeroPrice();
        return Math.mulDiv(usdAmount, 10 ** tokenDecimals * price.den, price.num * USD_ONE, Math.Rounding.Ceil);
    }

    /// @notice USD value of `tokenAmount` at `price`, rounded down.
    /// @dev floor(tokenAmount * num * 1e8 / (10^tokenDecimals * den)).
    function tokensToUsd(uint256 tokenAmount, Price memory price, uint8 tokenDecimals)
        internal
        pure
        returns (uint256)
    {
        if (tokenAmount > MAX_TOKEN_AMOUNT) revert PriceMathTokenAmountTooLarge(tokenAmount, MAX_TOKEN_AMOUNT);
        if (price.num == 0 || price.den == 0) revert PriceMathZeroPrice();
        return Math.mulDiv(tokenAmount, price.num * USD_ONE, 10 ** tokenDecimals * price.den);
    }
}
