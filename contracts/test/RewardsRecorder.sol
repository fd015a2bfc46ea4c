// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBazaarRewards} from "../../interfaces/IBazaarRewards.sol";

/// @title RewardsRecorder
/// @notice Stand-in for the reward-points contract in tests: records the marketplace's calls,
///         or reverts them all (`fail`), or burns all gas (`burn`).
contract RewardsRecorder is IBazaarRewards {
    bool public fail;
    bool public burn;
    uint256 public completedUsdCents;
    uint256 public completions;
    uint256 public lastPointsPerUsd;
    uint256 public reviews;

    function setMode(bool fail_, bool burn_) external {
        fail = fail_;
        burn = burn_;
    }

    function onOrderCompleted(uint256, address, address, uint256 usdCents, uint256 pointsPerUsd) external {
        _misbehave();
        completions += 1;
        completedUsdCents += usdCents;
        lastPointsPerUsd = pointsPerUsd;
    }

    function onReview(uint256, address) external {
        _misbehave();
        reviews += 1;
    }

    function _misbehave() private view {
        require(!fail, "RewardsRecorder: failing on purpose");
        if (burn) {
            while (gasleft() > 0) {}
        }
    }
}
