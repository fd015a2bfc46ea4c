// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title StakeHistory
/// @notice Histories of staked units for votes with a warm-up, laid out for cheap reads and
///         writes:
///         - a `History` of checkpoints (one per second in which the value changed). Each
///           checkpoint also carries the checkpoint before it, so the warm-up rule
///           min(value at t, value at t - lag) usually costs one storage read, two when the
///           account changed between the snapshot and its lagged point, and a binary search
///           only when it changed twice within the lag before the snapshot. The number of
///           checkpoints is kept by the caller (packed with the account's other fields), so a
///           first checkpoint writes one new slot.
///         - a `Samples` history of a total, sampled once per period: the first change in a
///           period records the value the previous active period ended with. Reads return
///           the value at the start of a timepoint's period, so a total written every block
///           costs one new slot per period instead of one per block.
///         Keys are Unix seconds (or period numbers) in 32 bits, values fit 96 bits.
library StakeHistory {
    /// @notice A value from `key` on, with the checkpoint before it (zeros for the first).
    struct Checkpoint {
        uint32 key;
        uint96 value;
        uint32 prevKey;
        uint96 prevValue;
    }

    /// @notice Checkpoints by index, keys strictly increasing.
    struct History {
        mapping(uint256 index => Checkpoint) at;
    }

    /// @notice The value a total ended period `key` with.
    struct Sample {
        uint32 key;
        uint96 value;
    }

    /// @notice Samples by index, keys strictly increasing.
    struct Samples {
        mapping(uint256 index => Sample) at;
    }

    /* CHECKPOINTS */

    /// @notice Moves the latest value of `h` (which has `count` checkpoints) up or down by
    ///         `amount` at time `key` (not before the latest key). A change in the same second
    ///         as the latest checkpoint updates it in place.
    /// @return oldValue The value before.
    /// @return newValue The value after.
    /// @return newCount The number of checkpoints after.
    function change(History storage h, uint256 count, uint32 key, uint256 amount, bool increase)
        internal
        returns (uint256 oldValue, uint256 newValue, uint256 newCount)
    {
        if (count == 0) {
            newValue = increase ? amount : 0 - amount; // reverts on a decrease from zero
            h.at[0] = Checkpoint(key, _toUint96(newValue), 0, 0);
            return (0, newValue, 1);
        }
        Checkpoint storage last = h.at[count - 1];
        uint32 lastKey = last.key;
        oldValue = last.value;
        newValue = increase ? oldValue + amount : oldValue - amount;
        if (lastKey == key) {
            last.value = _toUint96(newValue);
            return (oldValue, newValue, count);
        }
        h.at[count] = Checkpoint(key, _toUint96(newValue), lastKey, uint96(oldValue));
        return (oldValue, newValue, count + 1);
    }

    /// @notice min(value at `timepoint`, value at `timepoint - lag`); 0 when `timepoint` < `lag`.
    function laggedMin(History storage h, uint256 count, uint256 timepoint, uint256 lag)
        internal
        view
        returns (uint256)
    {
        if (timepoint < lag) return 0;
        (bool found, uint256 index, Checkpoint memory c) = _upperLookup(h, count, timepoint);
        if (!found || c.value == 0) return 0;
        uint256 lagged = timepoint - lag;
        if (c.key <= lagged) return c.value;
        uint256 earlier;
        if (c.prevKey <= lagged) {
            earlier = c.prevValue; // for the first checkpoint: 0, the value before it
        } else {
            // `index` >= 1 here: the first checkpoint has prevKey 0 <= lagged.
            (bool foundEarlier,, Checkpoint memory e) = _upperLookup(h, index - 1, lagged);
            earlier = foundEarlier ? e.value : 0;
        }
        return Math.min(c.value, earlier);
    }

    /// @dev The last checkpoint among the first `count` with a key <= `key`. Looks at the
    ///      latest one first (the common case: no change since `key`), then searches the
    ///      recent end (OpenZeppelin's `upperLookupRecent` split), then the rest.
    function _upperLookup(History storage h, uint256 count, uint256 key)
        private
        view
        returns (bool found, uint256 index, Checkpoint memory c)
    {
        if (count == 0) return (false, 0, c);
        c = h.at[count - 1];
        if (c.key <= key) return (true, count - 1, c);
        uint256 low = 0;
        uint256 high = count - 1; // entries [low, high) are searched; `high` is known > key
        if (high > 5) {
            uint256 mid = high - Math.sqrt(high);
            if (key < h.at[mid].key) high = mid;
            else low = mid + 1;
        }
        while (low < high) {
            uint256 mid = Math.average(low, high);
            if (h.at[mid].key > key) high = mid;
            else low = mid + 1;
        }
        if (high == 0) return (false, 0, c);
        return (true, high - 1, h.at[high - 1]);
    }

    /* SAMPLES */

    /// @notice The value at the start of period `period`, for a total whose current value is
    ///         `current`, last changed in period `lastPeriod`, with `count` samples of the
    ///         periods before.
    function valueAtPeriodStart(Samples storage s, uint256 count, uint256 lastPeriod, uint256 current, uint256 period)
        internal
        view
        returns (uint256)
    {
        if (lastPeriod < period) return current; // no change since before `period` began
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 mid = Math.average(low, high);
            if (s.at[mid].key >= period) high = mid;
            else low = mid + 1;
        }
        return high == 0 ? 0 : s.at[high - 1].value;
    }

    function _toUint96(uint256 value) private pure returns (uint96) {
        if (value > type(uint96).max) revert StakeHistoryOverflow(value);
        return uint96(value);
    }

    /// @notice A value above 2^96 - 1 (79 billion points).
    error StakeHistoryOverflow(uint256 value);
}
