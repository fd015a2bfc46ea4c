// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeHistory} from "../libraries/StakeHistory.sol";

/// @title StakeHistoryHarness
/// @notice Exposes `StakeHistory` to tests (never deployed outside tests): a history and a
///         samples list loaded in one transaction, read in batches.
contract StakeHistoryHarness {
    using StakeHistory for StakeHistory.History;
    using StakeHistory for StakeHistory.Samples;

    StakeHistory.History private _history;
    uint256 public count;
    StakeHistory.Samples private _samples;
    uint256 public sampleCount;

    /// @notice Applies the changes in order (a key equal to the latest updates it in place).
    function load(uint32[] calldata keys, uint256[] calldata amounts, bool[] calldata increases) external {
        for (uint256 i = 0; i < keys.length; ++i) {
            (,, count) = _history.change(count, keys[i], amounts[i], increases[i]);
        }
    }

    function checkpoint(uint256 index) external view returns (StakeHistory.Checkpoint memory) {
        return _history.at[index];
    }

    function latest() external view returns (uint256) {
        return count == 0 ? 0 : _history.at[count - 1].value;
    }

    function laggedMins(uint256[] calldata timepoints, uint256 lag) external view returns (uint256[] memory out) {
        out = new uint256[](timepoints.length);
        for (uint256 i = 0; i < timepoints.length; ++i) {
            out[i] = _history.laggedMin(count, timepoints[i], lag);
        }
    }

    function loadSamples(uint32[] calldata keys, uint96[] calldata values) external {
        for (uint256 i = 0; i < keys.length; ++i) {
            _samples.at[sampleCount++] = StakeHistory.Sample(keys[i], values[i]);
        }
    }

    function valuesAtPeriodStart(uint256 lastPeriod, uint256 current, uint256[] calldata periods)
        external
        view
        returns (uint256[] memory out)
    {
        out = new uint256[](periods.length);
        for (uint256 i = 0; i < periods.length; ++i) {
            out[i] = _samples.valueAtPeriodStart(sampleCount, lastPeriod, current, periods[i]);
        }
    }
}
