// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

import {StakeHistory} from "../contracts/libraries/StakeHistory.sol";

/// @title IPointsStaking
/// @notice Reward points staked for DAO votes and a share of marketplace fees.
///
///         Votes (ERC-5805, ERC-6372 with a timestamp clock). Staked points are voting units
///         that count once delegated; an account's first stake self-delegates it when it has
///         no delegate. WARM-UP: the votes of an account at timepoint t are
///             min(delegated units at t - W, delegated units at t),   W = `warmupSeconds`
///         (units at t - W are 0 when t < W). Freshly staked or freshly delegated units count
///         only after W; removed units stop counting at once; points flash-borrowed, staked
///         and voted in one transaction count 0. At any timepoint the sum of all votes is at
///         most the delegated units then (each unit is counted by at most one delegate). W is
///         fixed at deployment: a new W would re-interpret past timepoints, including the
///         snapshots of proposals being voted on.
///
///         TOTAL: `getPastTotalSupply(t)` (the base of the governor's quorum) follows the same
///         rule on the staked total, sampled once per `TOTAL_SAMPLE_SECONDS` (a day): it is
///         min(total at the start of t's day, total at the start of (t - W)'s day). Sampling
///         keeps a stake from writing a new total checkpoint every block. The price: the
///         quorum base misses what was staked or unstaked earlier the same day (in both
///         directions: a large exit in the morning still counts in that day's base, a morning
///         stake is not in it yet), and in the first day after the first stake the base is 0.
///
///         COOLDOWN: `requestUnstake` takes units out of the stake at once (no votes, no fee
///         share) into one pending amount per account, withdrawable from `readyAt` (request
///         + cooldown) until `closesAt` (`readyAt` + window), both fixed at the request. A
///         later request adds to the pending amount and restarts both. A missed window is
///         recovered by `cancelUnstake` (back into the stake) or a new request.
///
///         FEE SHARE: `depositRewards` pulls reward tokens (WBTC) and splits them pro rata
///         over the staked balances at that moment (pending amounts excluded), through a
///         reward-per-unit accumulator scaled by `REWARD_PRECISION`. The division remainder
///         is kept (scaled) and added to the next deposit, so nothing but per-account
///         rounding dust (under one reward unit per settlement) is ever stranded. Rewards
///         deposited while less than one point (`MIN_SHARED_STAKE`) is staked are queued
///         the same way and shared out with the next deposit made while at least that much is
///         staked (a floor that bounds the accumulator's growth per deposit). Shares follow the stake at the
///         moment of each deposit (no warm-up, no time streaming): a stake made just before a
///         deposit gets its share, and then stays locked for at least the cooldown. Accounts
///         are settled (earned rewards booked) before every change of their stake; settling
///         emits no event of its own (`earned` shows the result).
///
///         The staked position is not transferable: `transfer`, `transferFrom` and `approve`
///         always revert.
interface IPointsStaking is IERC5805 {
    /* TYPES */

    /// @notice An account's pending unstake, in one slot.
    /// @param amount Points waiting to be withdrawn (no votes, no fee share).
    /// @param readyAt First second `withdraw` is allowed (Unix seconds).
    /// @param closesAt Last second `withdraw` is allowed (Unix seconds).
    struct Pending {
        uint128 amount;
        uint64 readyAt;
        uint64 closesAt;
    }

    /* EVENTS */

    /// @notice `account` staked `amount` points; its stake is now `staked`.
    event Staked(address indexed account, uint256 amount, uint256 staked);
    /// @notice `account` moved `amount` points from its stake into cooldown; `pending` points
    ///         are withdrawable from `readyAt` to `closesAt` (Unix seconds).
    event UnstakeRequested(
        address indexed account, uint256 amount, uint256 pending, uint256 readyAt, uint256 closesAt
    );
    /// @notice `account` put its `amount` pending points back into its stake.
    event UnstakeCancelled(address indexed account, uint256 amount);
    /// @notice `account` withdrew its `amount` pending points.
    event Withdrawn(address indexed account, uint256 amount);
    /// @notice `from` deposited `amount` reward tokens. The accumulator is now
    ///         `rewardPerUnit`; `undistributed` reward-token units (scaled by
    ///         `REWARD_PRECISION`) wait for the next deposit.
    event RewardsDeposited(address indexed from, uint256 amount, uint256 rewardPerUnit, uint256 undistributed);
    /// @notice `account` claimed `amount` reward tokens, sent to `to`.
    event RewardsClaimed(address indexed account, address indexed to, uint256 amount);
    /// @notice Governance set the cooldown of new unstake requests (seconds).
    event CooldownSet(uint256 cooldownSeconds);
    /// @notice Governance set the withdraw window of new unstake requests (seconds).
    event WithdrawWindowSet(uint256 withdrawWindowSeconds);

    /* ERRORS */

    /// @notice An amount of zero.
    error StakingZeroAmount();
    /// @notice A required address is zero.
    error StakingZeroAddress();
    /// @notice The reward token is the points token (their balances would mix).
    error StakingSameToken(address token);
    /// @notice `account` asked for `requested` points but has `staked` staked.
    error StakingInsufficientStake(address account, uint256 requested, uint256 staked);
    /// @notice The cooldown ends at `readyAt`; it is `nowTs`.
    error StakingCooldownNotOver(uint256 readyAt, uint256 nowTs);
    /// @notice The withdraw window closed at `closedAt`; it is `nowTs`. Cancel or request again.
    error StakingWindowClosed(uint256 closedAt, uint256 nowTs);
    /// @notice `account` has no pending unstake.
    error StakingNothingPending(address account);
    /// @notice `account` has no rewards to claim.
    error StakingNothingToClaim(address account);
    /// @notice Staked positions cannot be transferred or approved.
    error StakingTransferDisabled();
    /// @notice A value outside its range (`what` names it).
    error StakingOutOfRange(string what, uint256 value, uint256 min, uint256 max);
    /// @notice Votes at `timepoint` are asked for, but it is only `clock` (ERC-5805: the
    ///         timepoint must be in the past).
    error ERC5805FutureLookup(uint256 timepoint, uint48 clock);
    /// @notice A deposit would push the reward accumulator past 96 bits: deposit less, or
    ///         wait until more points are staked.
    error StakingRewardOverflow(uint256 rewardPerUnit);

    /* STAKING */

    /// @notice Stakes `amount` points (pulled; approve first). Self-delegates the caller when
    ///         it has no stake and no delegate. The new units vote after the warm-up.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` staked points into cooldown: they lose their votes and fee
    ///         share now, and can be withdrawn from `now + cooldown` for one window. Adds to a
    ///         pending amount and restarts its cooldown.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's pending points back to it, inside its withdraw window.
    function withdraw() external;

    /// @notice Puts the caller's pending points back into its stake. Under the warm-up rule
    ///         points that were out for d seconds vote again W seconds after their return, and
    ///         (for d < W) also miss the d seconds starting W after they left.
    function cancelUnstake() external;

    /* REWARDS */

    /// @notice Pulls `amount` reward tokens from the caller and shares them over the stake.
    function depositRewards(uint256 amount) external;

    /// @notice Sends all of the caller's earned rewards to `to`; returns the amount.
    function claimRewards(address to) external returns (uint256 amount);

    /// @notice Reward tokens `account` can claim now.
    function earned(address account) external view returns (uint256);

    /// @notice Reward-token units deposited but not yet shared out (queued while nothing was
    ///         staked, plus division remainders), rounded down.
    function undistributedRewards() external view returns (uint256);

    /* VIEWS */

    /// @notice Points staked by `account` (pending amounts excluded).
    function balanceOf(address account) external view returns (uint256);

    /// @notice Points staked by everyone (pending amounts excluded).
    function totalStaked() external view returns (uint256);

    /// @notice The pending unstake of `account`.
    function pendingUnstake(address account) external view returns (Pending memory);

    /// @notice Number of vote checkpoints of `account` as a delegate.
    function numCheckpoints(address account) external view returns (uint256);

    /// @notice Checkpoint `index` of `account` as a delegate: delegated units from `key`
    ///         (Unix seconds), with the checkpoint before it.
    function checkpoints(address account, uint256 index) external view returns (StakeHistory.Checkpoint memory);

    /* NON-TRANSFERABLE */

    /// @notice Always reverts `StakingTransferDisabled`.
    function transfer(address to, uint256 amount) external returns (bool);

    /// @notice Always reverts `StakingTransferDisabled`.
    function transferFrom(address from, address to, uint256 amount) external returns (bool);

    /// @notice Always reverts `StakingTransferDisabled`.
    function approve(address spender, uint256 amount) external returns (bool);

    /* GOVERNANCE */

    /// @notice Sets the cooldown of new requests, `MIN_COOLDOWN_SECONDS` to
    ///         `MAX_COOLDOWN_SECONDS`. Owner only. Pending requests keep theirs.
    function setCooldown(uint256 cooldownSeconds) external;

    /// @notice Sets the withdraw window of new requests, `MIN_WITHDRAW_WINDOW_SECONDS` to
    ///         `MAX_WITHDRAW_WINDOW_SECONDS`. Owner only. Pending requests keep theirs.
    function setWithdrawWindow(uint256 withdrawWindowSeconds) external;
}
