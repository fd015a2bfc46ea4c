// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IPointsStaking} from "../../interfaces/IPointsStaking.sol";
import {FlashLender, IFlashBorrower} from "./FlashLender.sol";

interface IVotesView {
    function getVotes(address account) external view returns (uint256);
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256);
}

/// @title FlashStaker
/// @notice Attacker for tests: flash-borrows points, stakes them, reads its votes inside the
///         same transaction, asks to unstake, and then either tries to withdraw them to repay
///         the loan (`repayFromOwnFunds` false) or repays from points it already holds.
contract FlashStaker is IFlashBorrower {
    FlashLender public immutable lender;
    IPointsStaking public immutable staking;
    IERC20 public immutable points;
    bool private _repayFromOwnFunds;

    /// @notice What `getVotes` and `getPastVotes(clock - 1)` said inside the loan.
    uint256 public votesInside;
    uint256 public pastVotesInside;
    /// @notice Staked balance seen inside the loan (shows the stake did happen).
    uint256 public stakedInside;

    constructor(FlashLender lender_, IPointsStaking staking_, IERC20 points_) {
        lender = lender_;
        staking = staking_;
        points = points_;
    }

    function attack(uint256 amount, bool repayFromOwnFunds) external {
        _repayFromOwnFunds = repayFromOwnFunds;
        lender.flashLoan(amount);
    }

    function onFlashLoan(uint256 amount) external {
        require(msg.sender == address(lender));
        require(points.approve(address(staking), amount));
        staking.stake(amount);
        stakedInside = staking.balanceOf(address(this));
        votesInside = IVotesView(address(staking)).getVotes(address(this));
        pastVotesInside = IVotesView(address(staking)).getPastVotes(address(this), block.timestamp - 1);
        staking.requestUnstake(amount);
        if (!_repayFromOwnFunds) staking.withdraw(); // the cooldown has not even started
        require(points.transfer(address(lender), amount));
    }
}
