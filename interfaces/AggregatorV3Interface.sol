// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title AggregatorV3Interface
/// @notice The read interface of a Chainlink price feed (proxy), as published by Chainlink.
interface AggregatorV3Interface {
    /// @notice Number of decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice Human-readable description, e.g. "BTC / USD".
    function description() external view returns (string memory);

    /// @notice Version of the aggregator behind the proxy.
    function version() external view returns (uint256);

    /// @notice Data of round `roundId`.
    /// @return roundId The round id.
    /// @return answer The price, with `decimals()` decimals.
    /// @return startedAt When the round started (seconds).
    /// @return updatedAt When the answer was last updated (seconds).
    /// @return answeredInRound Deprecated; the round in which the answer was computed.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice Data of the latest round; fields as in `getRoundData`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
