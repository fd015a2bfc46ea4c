// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "../../interfaces/AggregatorV3Interface.sol";

/// @title MockAggregator
/// @notice Settable Chainlink-style feed for local chains and tests. Every field of a round
///         can be set, the decimals can be changed after deploy, and the feed can be made to
///         revert or to burn all the gas it is given.
contract MockAggregator is AggregatorV3Interface {
    /// @notice How the feed answers reads.
    enum Mode {
        Normal,
        Revert,
        BurnGas
    }

    /// @notice Raised by reads in `Mode.Revert`.
    error MockAggregatorReverted();

    // One slot: round id, timestamps and mode; the answer in the next. Reads cost like a
    // real aggregator's (two cold slots).
    uint80 private _roundId;
    uint64 private _startedAt;
    uint64 private _updatedAt;
    Mode public mode;
    uint8 private _decimals;
    int256 private _answer;
    string private _description;

    constructor(uint8 decimals_, int256 answer_, string memory description_) {
        _decimals = decimals_;
        _description = description_;
        setAnswer(answer_);
    }

    /// @notice New round with `answer_`, started and updated now.
    function setAnswer(int256 answer_) public {
        setRoundData(_roundId + 1, answer_, block.timestamp, block.timestamp);
    }

    /// @notice Sets every field of the latest round.
    function setRoundData(uint80 roundId_, int256 answer_, uint256 startedAt_, uint256 updatedAt_) public {
        _roundId = roundId_;
        _answer = answer_;
        _startedAt = uint64(startedAt_);
        _updatedAt = uint64(updatedAt_);
    }

    /// @notice Changes the reported decimals (a feed migration the adapter must notice).
    function setDecimals(uint8 decimals_) external {
        _decimals = decimals_;
    }

    /// @notice Switches between answering, reverting and burning all gas.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        _misbehave();
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return _description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 4;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        return latestRoundData();
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() public view returns (uint80, int256, uint256, uint256, uint80) {
        _misbehave();
        return (_roundId, _answer, _startedAt, _updatedAt, _roundId);
    }

    function _misbehave() private view {
        if (mode == Mode.Revert) revert MockAggregatorReverted();
        if (mode == Mode.BurnGas) {
            while (gasleft() > 0) {} // spins until out of gas, like a feed stuck in a loop
        }
    }
}
