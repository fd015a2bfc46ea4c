// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

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
///         FEE SHARE (streamed, warm-up gated). Fees are shared in several reward tokens (at
///         most `MAX_REWARD_TOKENS`, the marketplace's payment tokens; governance adds them,
///         none is ever removed). `depositRewards(token, amount)` does not hand `amount` out
///         at once: it adds it to the token's stream, which pays `rewardRate` per second
///         (Synthetix StakingRewards) until `periodFinish`. A deposit into a running stream
///         spreads its leftover plus `amount` over `REWARD_STREAM_SECONDS` (7 days) from now.
///         Each second's reward goes pro rata to the EARNING balances of that second.
///
///         EARNING BALANCE. Staked points earn only once they are older than the warm-up W.
///         An account's stake is its earning balance plus one warming bucket: a stake (and a
///         cancelled unstake) goes into the bucket, and every addition restarts the bucket's
///         maturity at now + W (so the whole bucket earns W after its LAST addition: stake in
///         one go, or at intervals longer than W). A matured bucket joins the earning balance
///         at the account's next stake, unstake request, cancel or claim, or when anyone
///         calls `activate(account)` (lazy: it earns from its activation, never before its
///         maturity). `requestUnstake` takes from the warming bucket first, then from the
///         earning balance, which stops earning at once. So a stake held for a few blocks
///         around a deposit earns nothing, and a deposit reaches the stakers who stay staked
///         over the following week.
///
///         NOBODY EARNING. While less than `MIN_SHARED_STAKE` (1 point) earns in total, every
///         stream PAUSES: its unpaid seconds are kept, and it resumes, with the same rate and
///         its end moved later by the pause, once at least that much earns again. Nothing
///         deposited is lost to an empty pool (and the floor bounds the accumulator's growth).
///
///         PRECISION. Rates and the per-unit accumulators are scaled by `REWARD_PRECISION`
///         (1e27), so one satoshi streamed over a week to 1e9 staked points is not lost;
///         every division rounds down (against the claimant), so the claims of a token never
///         exceed its deposits: dust under one token unit per settlement, and under
///         `REWARD_STREAM_SECONDS` / 1e27 units per deposit, stays in the contract.
///
///         Accounts are settled (earned rewards booked per token) before their earning
///         balance changes; settling emits no event of its own (`earned` shows the result).
///         Claims are pulled, per token. Reward tokens must be plain ERC-20 tokens (no fee
///         on transfer, no rebasing).
///
///         The staked position is not transferable: `transfer`, `transferFrom` and `approve`
///         always revert.
interface IPointsStaking is IERC5805 {
    /* TYPES */

    /// @notice The stream of one reward token.
    /// @param rewardRate Token units paid per second to all earning stake, scaled by
    ///        `REWARD_PRECISION`.
    /// @param periodFinish When the stream ends (Unix seconds; moved later while it pauses).
    /// @param lastUpdateTime When `rewardPerTokenStored` was last brought up to date.
    /// @param rewardPerTokenStored Token units earned per earning point unit since the token
    ///        was added, scaled by `REWARD_PRECISION`, as of `lastUpdateTime`.
    struct RewardData {
        uint256 rewardRate;
        uint256 periodFinish;
        uint256 lastUpdateTime;
        uint256 rewardPerTokenStored;
    }

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
    /// @notice Governance added `token` to the reward tokens.
    event RewardTokenAdded(address indexed token);
    /// @notice `from` deposited `amount` of reward `token`; its stream now pays `rewardRate`
    ///         (token units per second, scaled by `REWARD_PRECISION`) until `periodFinish`
    ///         (Unix seconds).
    event RewardsDeposited(
        address indexed from, address indexed token, uint256 amount, uint256 rewardRate, uint256 periodFinish
    );
    /// @notice `account` claimed `amount` of reward `token`, sent to `to`.
    event RewardsClaimed(address indexed account, address indexed token, address indexed to, uint256 amount);
    /// @notice The matured warming bucket of `account`, `amount` points, joined its earning
    ///         balance (it earns from now).
    event StakeActivated(address indexed account, uint256 amount);
    /// @notice Governance set the cooldown of new unstake requests (seconds).
    event CooldownSet(uint256 cooldownSeconds);
    /// @notice Governance set the withdraw window of new unstake requests (seconds).
    event WithdrawWindowSet(uint256 withdrawWindowSeconds);

    /* ERRORS */

    /// @notice An amount of zero.
    error StakingZeroAmount();
    /// @notice A required address is zero.
    error StakingZeroAddress();
    /// @notice A reward token would be the points token (their balances would mix).
    error StakingSameToken(address token);
    /// @notice `token` is not a reward token.
    error StakingRewardTokenUnknown(address token);
    /// @notice `token` is a reward token already.
    error StakingRewardTokenAlreadyAdded(address token);
    /// @notice There are `limit` reward tokens already, the most allowed.
    error StakingRewardTokenLimitReached(uint256 limit);
    /// @notice `account` has no matured warming bucket to activate (`maturesAt`: when its
    ///         bucket matures, 0 when it has none).
    error StakingNothingToActivate(address account, uint256 maturesAt);
    /// @notice `account` asked for `requested` points but has `staked` staked.
    error StakingInsufficientStake(address account, uint256 requested, uint256 staked);
    /// @notice The cooldown ends at `readyAt`; it is `nowTs`.
    error StakingCooldownNotOver(uint256 readyAt, uint256 nowTs);
    /// @notice The withdraw window closed at `closedAt`; it is `nowTs`. Cancel or request again.
    error StakingWindowClosed(uint256 closedAt, uint256 nowTs);
    /// @notice `account` has no pending unstake.
    error StakingNothingPending(address account);
    /// @notice `account` has no rewards in `token` to claim.
    error StakingNothingToClaim(address account, address token);
    /// @notice Staked positions cannot be transferred or approved.
    error StakingTransferDisabled();
    /// @notice A warm-up outside `min`..`max` seconds.
    /// @param value The warm-up refused, in seconds.
    /// @param min The shortest warm-up (`MIN_WARMUP_SECONDS`).
    /// @param max The longest warm-up (`MAX_WARMUP_SECONDS`).
    error StakingWarmupOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A cooldown outside `min`..`max` seconds.
    /// @param value The cooldown refused, in seconds.
    /// @param min The shortest cooldown (`MIN_COOLDOWN_SECONDS`).
    /// @param max The longest cooldown (`MAX_COOLDOWN_SECONDS`).
    error StakingCooldownOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice A withdraw window outside `min`..`max` seconds.
    /// @param value The window refused, in seconds.
    /// @param min The shortest window (`MIN_WITHDRAW_WINDOW_SECONDS`).
    /// @param max The longest window (`MAX_WITHDRAW_WINDOW_SECONDS`).
    error StakingWithdrawWindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice Votes at `timepoint` are asked for, but it is only `clock` (ERC-5805: the
    ///         timepoint must be in the past).
    error ERC5805FutureLookup(uint256 timepoint, uint48 clock);
    /// @notice A deposit could push its token's reward-per-unit accumulator past 128 bits
    ///         (`bound`: the most it could reach): deposit less.
    error StakingRewardOverflow(uint256 bound);

    /* CONSTANTS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Shortest warm-up (fixed at deployment): 1 hour.
    function MIN_WARMUP_SECONDS() external view returns (uint256);

    /// @notice Longest warm-up (fixed at deployment): 30 days.
    function MAX_WARMUP_SECONDS() external view returns (uint256);

    /// @notice Shortest cooldown of an unstake request: 1 day.
    function MIN_COOLDOWN_SECONDS() external view returns (uint256);

    /// @notice Longest cooldown of an unstake request: 30 days.
    function MAX_COOLDOWN_SECONDS() external view returns (uint256);

    /// @notice Shortest withdraw window after the cooldown: 1 day.
    function MIN_WITHDRAW_WINDOW_SECONDS() external view returns (uint256);

    /// @notice Longest withdraw window after the cooldown: 14 days.
    function MAX_WITHDRAW_WINDOW_SECONDS() external view returns (uint256);

    /// @notice The staked total is sampled once per this period (see `getPastTotalSupply`).
    function TOTAL_SAMPLE_SECONDS() external view returns (uint256);

    /// @notice Scale of reward rates and reward-per-unit accumulators: one satoshi a second
    ///         over 1e9 earning points (1e27 units) moves an accumulator by one.
    function REWARD_PRECISION() external view returns (uint256);

    /// @notice Streams run only while at least this much earns (1 point) and pause below, so
    ///         a stream moves its accumulator by at most its amount * 1e9.
    function MIN_SHARED_STAKE() external view returns (uint256);

    /// @notice A deposit streams the leftover of its token's stream plus its amount over this.
    function REWARD_STREAM_SECONDS() external view returns (uint256);

    /// @notice The most reward tokens there can be.
    function MAX_REWARD_TOKENS() external view returns (uint256);

    /// @notice EIP-712 type of a delegation by signature (the ERC-5805 one).
    function DELEGATION_TYPEHASH() external view returns (bytes32);
    // slither-disable-end naming-convention

    /* STAKING */

    /// @notice Stakes `amount` points (pulled; approve first). Self-delegates the caller when
    ///         it has no stake and no delegate. The new units vote after the warm-up; they go
    ///         into the warming bucket, whose maturity restarts at now + W (fee share).
    function stake(uint256 amount) external;

    /// @notice Moves `amount` staked points into cooldown, from the warming bucket first, then
    ///         from the earning balance: they lose their votes and fee share now, and can be withdrawn from `now + cooldown` for one window. Adds to a
    ///         pending amount and restarts its cooldown.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's pending points back to it, inside its withdraw window.
    function withdraw() external;

    /// @notice Puts the caller's pending points back into its stake (its warming bucket). Under the warm-up rule
    ///         points that were out for d seconds vote again W seconds after their return, and
    ///         (for d < W) also miss the d seconds starting W after they left.
    function cancelUnstake() external;

    /* REWARDS */

    /// @notice Moves the matured warming bucket of `account` into its earning balance (anyone
    ///         may call it; the account's own stake, unstake, cancel and claim do it too).
    ///         Reverts `StakingNothingToActivate` when there is none.
    function activate(address account) external;

    /// @notice Adds `token` to the reward tokens. Owner only (governance). Refused for the
    ///         zero address, the points token, a token already added, and beyond
    ///         `MAX_REWARD_TOKENS`. Reward tokens are never removed.
    function addRewardToken(address token) external;

    /// @notice Pulls `amount` of reward `token` from the caller (approve first) and streams it:
    ///         the leftover of the running stream plus `amount`, over `REWARD_STREAM_SECONDS`
    ///         from now. Anyone may deposit.
    function depositRewards(address token, uint256 amount) external;

    /// @notice Sends all of the caller's earned rewards in `token` to `to`; returns the
    ///         amount. Activates the caller's matured bucket first.
    function claimRewards(address token, address to) external returns (uint256 amount);

    /// @notice Units of `token` that `account` can claim now (a matured bucket not yet
    ///         activated has earned nothing).
    function earned(address account, address token) external view returns (uint256);

    /// @notice The reward tokens, in the order they were added.
    function rewardTokens() external view returns (address[] memory);

    /// @notice Whether `token` is a reward token.
    function isRewardToken(address token) external view returns (bool);

    /// @notice The stream of reward `token` as stored.
    function rewardData(address token) external view returns (RewardData memory);

    /// @notice The reward-per-unit accumulator of `token` now, scaled by `REWARD_PRECISION`.
    function rewardPerToken(address token) external view returns (uint256);

    /// @notice Units of `token` deposited but not streamed yet (the rest of the running or
    ///         paused stream), rounded down.
    function rewardsRemaining(address token) external view returns (uint256);

    /// @notice Points of `account` that earn rewards (its stake without its warming bucket).
    function earningBalanceOf(address account) external view returns (uint256);

    /// @notice The warming bucket of `account`: `amount` points that earn from their
    ///         activation after `maturesAt` (Unix seconds; 0 when it has none).
    function warmingOf(address account) external view returns (uint256 amount, uint256 maturesAt);

    /// @notice Points that earn rewards, of everyone.
    function totalEarning() external view returns (uint256);

    /* VIEWS */

    /// @notice Points staked by `account`, warming or earning (pending amounts excluded).
    function balanceOf(address account) external view returns (uint256);

    /// @notice The staked token (reward points, 18 decimals).
    function points() external view returns (IERC20);

    /// @notice W of the warm-up rule, seconds. Fixed at deployment: a new W would
    ///         re-interpret history.
    function warmupSeconds() external view returns (uint256);

    /// @notice Seconds of the cooldown given to new requests.
    function cooldownSeconds() external view returns (uint256);

    /// @notice Seconds of the withdraw window given to new requests.
    function withdrawWindowSeconds() external view returns (uint256);

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
    function setCooldown(uint256 newCooldownSeconds) external;

    /// @notice Sets the withdraw window of new requests, `MIN_WITHDRAW_WINDOW_SECONDS` to
    ///         `MAX_WITHDRAW_WINDOW_SECONDS`. Owner only. Pending requests keep theirs.
    function setWithdrawWindow(uint256 newWithdrawWindowSeconds) external;
}
