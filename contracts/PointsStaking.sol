// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IPointsStaking} from "../interfaces/IPointsStaking.sol";
import {StakeHistory} from "./libraries/StakeHistory.sol";

/// @title PointsStaking
/// @notice Staked reward points: votes with a warm-up, unstaking with a cooldown, fee share.
/// @dev ERC-5805 votes on `StakeHistory` rather than OpenZeppelin's `Votes`: the same external
///      behaviour (delegation, delegation by signature, timestamp clock), with an account's
///      stake, checkpoint count, delegation flags and reward debt in one slot, checkpoints
///      that carry their predecessor (one read for the warm-up rule), and a staked total
///      sampled once a day. A first stake writes three slots (account, checkpoint, total)
///      instead of OpenZeppelin's five.
contract PointsStaking is IPointsStaking, EIP712, Nonces, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using StakeHistory for StakeHistory.History;
    using StakeHistory for StakeHistory.Samples;

    /* CONSTANTS: bounds of parameters, written in code */

    /// @notice Warm-up (fixed at deployment): 1 hour to 30 days.
    uint256 public constant MIN_WARMUP_SECONDS = 1 hours;
    uint256 public constant MAX_WARMUP_SECONDS = 30 days;
    /// @notice Cooldown of an unstake request: 1 to 30 days.
    uint256 public constant MIN_COOLDOWN_SECONDS = 1 days;
    uint256 public constant MAX_COOLDOWN_SECONDS = 30 days;
    /// @notice Withdraw window after the cooldown: 1 to 14 days.
    uint256 public constant MIN_WITHDRAW_WINDOW_SECONDS = 1 days;
    uint256 public constant MAX_WITHDRAW_WINDOW_SECONDS = 14 days;
    /// @notice The staked total is sampled once per this period (see `getPastTotalSupply`).
    uint256 public constant TOTAL_SAMPLE_SECONDS = 1 days;
    /// @notice Scale of the reward-per-unit accumulator: one satoshi (1e-8 WBTC) over 1e9
    ///         points (1e27 units) moves it by one.
    uint256 public constant REWARD_PRECISION = 1e27;
    /// @notice Deposits are shared out only while at least this much is staked (1 point), so
    ///         one deposit moves the accumulator by at most `amount` * 1e9 and 96 bits hold
    ///         more than 7.9e11 whole bitcoin of deposits per staked point.
    uint256 public constant MIN_SHARED_STAKE = 1e18;
    /// @notice EIP-712 type of a delegation by signature (the ERC-5805 one).
    bytes32 public constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    /* STORAGE */

    /// @notice The staked token (reward points, 18 decimals).
    IERC20 public immutable points;
    /// @notice The token fees are shared in (WBTC).
    IERC20 public immutable rewardToken;
    /// @notice W of the warm-up rule, seconds. Immutable: a new W would re-interpret history.
    uint256 public immutable warmupSeconds;

    /// @dev An account, in one slot. `checkpoints` counts its checkpoints as a delegate.
    ///      `registered`: it has self-delegated (its first stake does that). `delegated`: it
    ///      chose a delegate other than itself, kept in `_delegatees` (zero: nobody).
    ///      `rewardPerUnitPaid`: the accumulator when it was last settled.
    struct Account {
        uint96 staked;
        uint32 checkpoints;
        bool registered;
        bool delegated;
        uint96 rewardPerUnitPaid;
    }

    /// @dev Global state, in one slot: the staked total, the number of total samples, the
    ///      last period in which the total changed, and the reward accumulator.
    struct Totals {
        uint96 staked;
        uint32 samples;
        uint32 period;
        uint96 rewardPerUnit;
    }

    Totals private _totals;
    /// @dev Governed parameters of new unstake requests, in one slot (seconds).
    uint32 private _cooldownSeconds;
    uint32 private _withdrawWindowSeconds;
    /// @dev Reward-token units deposited but not yet in the accumulator, times the precision.
    uint256 private _undistributedScaled;

    mapping(address account => Account) private _accounts;
    mapping(address account => address) private _delegatees;
    mapping(address delegatee => StakeHistory.History) private _votes;
    StakeHistory.Samples private _totalSamples;
    mapping(address account => Pending) private _pending;
    mapping(address account => uint256) private _rewardsOwed;

    /* CONSTRUCTOR */

    /// @param points_ The reward-points token staked.
    /// @param initialOwner Governance (the DAO timelock).
    /// @param warmupSeconds_ W, `MIN_WARMUP_SECONDS` to `MAX_WARMUP_SECONDS`.
    /// @param cooldownSeconds_ `MIN_COOLDOWN_SECONDS` to `MAX_COOLDOWN_SECONDS`.
    /// @param withdrawWindowSeconds_ `MIN_WITHDRAW_WINDOW_SECONDS` to `MAX_WITHDRAW_WINDOW_SECONDS`.
    /// @param rewardToken_ The token fees are shared in.
    constructor(
        IERC20 points_,
        address initialOwner,
        uint256 warmupSeconds_,
        uint256 cooldownSeconds_,
        uint256 withdrawWindowSeconds_,
        IERC20 rewardToken_
    ) EIP712("BTC Bazaar Staked Points", "1") Ownable(initialOwner) {
        if (address(points_) == address(0) || address(rewardToken_) == address(0)) {
            revert StakingZeroAddress();
        }
        if (address(points_) == address(rewardToken_)) revert StakingSameToken(address(points_));
        _checkRange("warmup", warmupSeconds_, MIN_WARMUP_SECONDS, MAX_WARMUP_SECONDS);
        points = points_;
        rewardToken = rewardToken_;
        warmupSeconds = warmupSeconds_;
        _setCooldown(cooldownSeconds_);
        _setWithdrawWindow(withdrawWindowSeconds_);
    }

    /* STAKING */

    /// @inheritdoc IPointsStaking
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address account = msg.sender;
        Account memory acct = _accounts[account];
        // no stake and no delegate (never chose one, or chose none): the stake self-delegates
        if (acct.staked == 0 && (acct.delegated ? _delegatees[account] == address(0) : !acct.registered)) {
            acct.registered = true;
            acct.delegated = false;
            emit DelegateChanged(account, address(0), account);
        }
        _changeStake(account, acct, amount, true);
        emit Staked(account, amount, acct.staked);
        points.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address account = msg.sender;
        Account memory acct = _accounts[account];
        if (amount > acct.staked) revert StakingInsufficientStake(account, amount, acct.staked);
        _changeStake(account, acct, amount, false);

        uint256 readyAt = block.timestamp + _cooldownSeconds;
        uint256 closesAt = readyAt + _withdrawWindowSeconds;
        uint256 pending = _pending[account].amount + amount; // below 2^97: two uint96 values
        _pending[account] = Pending(pending.toUint128(), readyAt.toUint64(), closesAt.toUint64());
        emit UnstakeRequested(account, amount, pending, readyAt, closesAt);
    }

    /// @inheritdoc IPointsStaking
    function withdraw() external nonReentrant {
        address account = msg.sender;
        Pending memory p = _pending[account];
        if (p.amount == 0) revert StakingNothingPending(account);
        if (block.timestamp < p.readyAt) revert StakingCooldownNotOver(p.readyAt, block.timestamp);
        if (block.timestamp > p.closesAt) revert StakingWindowClosed(p.closesAt, block.timestamp);
        delete _pending[account];
        emit Withdrawn(account, p.amount);
        points.safeTransfer(account, p.amount);
    }

    /// @inheritdoc IPointsStaking
    function cancelUnstake() external nonReentrant {
        address account = msg.sender;
        uint256 amount = _pending[account].amount;
        if (amount == 0) revert StakingNothingPending(account);
        delete _pending[account];
        _changeStake(account, _accounts[account], amount, true);
        emit UnstakeCancelled(account, amount);
    }

    /* REWARDS */

    /// @inheritdoc IPointsStaking
    function depositRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        Totals memory totals = _totals;
        uint256 scaled = amount * REWARD_PRECISION + _undistributedScaled;
        uint256 perUnit = totals.rewardPerUnit;
        if (totals.staked >= MIN_SHARED_STAKE) {
            perUnit += scaled / totals.staked;
            if (perUnit > type(uint96).max) revert StakingRewardOverflow(perUnit);
            _totals.rewardPerUnit = uint96(perUnit);
            scaled %= totals.staked; // the remainder, below the total, waits for the next deposit
        }
        _undistributedScaled = scaled;
        emit RewardsDeposited(msg.sender, amount, perUnit, scaled);
        rewardToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function claimRewards(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert StakingZeroAddress();
        address account = msg.sender;
        Account memory acct = _accounts[account];
        if (_settleRewards(account, acct, _totals.rewardPerUnit)) _accounts[account] = acct;
        amount = _rewardsOwed[account];
        if (amount == 0) revert StakingNothingToClaim(account);
        _rewardsOwed[account] = 0;
        emit RewardsClaimed(account, to, amount);
        rewardToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IPointsStaking
    function earned(address account) external view returns (uint256) {
        Account memory acct = _accounts[account];
        uint256 accrued = (uint256(acct.staked) * (_totals.rewardPerUnit - acct.rewardPerUnitPaid)) / REWARD_PRECISION;
        return _rewardsOwed[account] + accrued;
    }

    /// @inheritdoc IPointsStaking
    function undistributedRewards() external view returns (uint256) {
        return _undistributedScaled / REWARD_PRECISION;
    }

    /// @notice The reward accumulator: reward-token units per staked unit since deployment,
    ///         scaled by `REWARD_PRECISION`.
    function rewardPerUnit() external view returns (uint256) {
        return _totals.rewardPerUnit;
    }

    /* VIEWS */

    /// @inheritdoc IPointsStaking
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].staked;
    }

    /// @inheritdoc IPointsStaking
    function totalStaked() external view returns (uint256) {
        return _totals.staked;
    }

    /// @inheritdoc IPointsStaking
    function pendingUnstake(address account) external view returns (Pending memory) {
        return _pending[account];
    }

    /// @inheritdoc IPointsStaking
    function numCheckpoints(address account) external view returns (uint256) {
        return _accounts[account].checkpoints;
    }

    /// @inheritdoc IPointsStaking
    function checkpoints(address account, uint256 index) external view returns (StakeHistory.Checkpoint memory) {
        return _votes[account].at[index];
    }

    /// @notice Seconds of the cooldown given to new requests.
    function cooldownSeconds() external view returns (uint256) {
        return _cooldownSeconds;
    }

    /// @notice Seconds of the withdraw window given to new requests.
    function withdrawWindowSeconds() external view returns (uint256) {
        return _withdrawWindowSeconds;
    }

    /* NON-TRANSFERABLE */

    /// @inheritdoc IPointsStaking
    function transfer(address, uint256) external pure returns (bool) {
        revert StakingTransferDisabled();
    }

    /// @inheritdoc IPointsStaking
    function transferFrom(address, address, uint256) external pure returns (bool) {
        revert StakingTransferDisabled();
    }

    /// @inheritdoc IPointsStaking
    function approve(address, uint256) external pure returns (bool) {
        revert StakingTransferDisabled();
    }

    /* VOTES: timestamp clock and the warm-up rule */

    /// @notice ERC-6372: the clock is the block timestamp.
    function clock() public view returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372: "mode=timestamp".
    // slither-disable-next-line naming-convention (the name ERC-6372 prescribes)
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice Votes now: min(delegated units now, delegated units `warmupSeconds` ago).
    function getVotes(address account) external view returns (uint256) {
        return _votes[account].laggedMin(_accounts[account].checkpoints, block.timestamp, warmupSeconds);
    }

    /// @notice Votes at past `timepoint`: min(delegated units at it, at it minus the warm-up).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        return _votes[account].laggedMin(_accounts[account].checkpoints, timepoint, warmupSeconds);
    }

    /// @notice The staked total at past `timepoint` under the same rule, sampled daily: min(total
    ///         at the start of the day of `timepoint`, total at the start of the day of
    ///         `timepoint - warmupSeconds`); 0 before the first warm-up.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        _checkPast(timepoint);
        if (timepoint < warmupSeconds) return 0;
        Totals memory totals = _totals;
        uint256 atTimepoint = _totalSamples.valueAtPeriodStart(
            totals.samples, totals.period, totals.staked, timepoint / TOTAL_SAMPLE_SECONDS
        );
        if (atTimepoint == 0) return 0;
        uint256 lagged = _totalSamples.valueAtPeriodStart(
            totals.samples, totals.period, totals.staked, (timepoint - warmupSeconds) / TOTAL_SAMPLE_SECONDS
        );
        return atTimepoint < lagged ? atTimepoint : lagged;
    }

    /// @notice The delegate of `account`: itself once it staked, unless it chose another
    ///         (zero: none, its units vote for no one).
    function delegates(address account) public view returns (address) {
        Account memory acct = _accounts[account];
        if (acct.delegated) return _delegatees[account];
        return acct.registered ? account : address(0);
    }

    /// @notice Delegates the caller's staked units (present and future) to `delegatee`.
    function delegate(address delegatee) external {
        _delegate(msg.sender, delegatee);
    }

    /// @notice `delegate` by an EIP-712 signature of (`delegatee`, `nonce`, `expiry`).
    function delegateBySig(address delegatee, uint256 nonce, uint256 expiry, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > expiry) revert VotesExpiredSignature(expiry);
        address signer = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry))), v, r, s
        );
        _useCheckedNonce(signer, nonce);
        _delegate(signer, delegatee);
    }

    /* GOVERNANCE */

    /// @inheritdoc IPointsStaking
    function setCooldown(uint256 cooldownSeconds_) external onlyOwner {
        _setCooldown(cooldownSeconds_);
    }

    /// @inheritdoc IPointsStaking
    function setWithdrawWindow(uint256 withdrawWindowSeconds_) external onlyOwner {
        _setWithdrawWindow(withdrawWindowSeconds_);
    }

    /* INTERNAL */

    /// @dev Moves the units of `account` from its delegate to `delegatee`.
    function _delegate(address account, address delegatee) private {
        Account memory acct = _accounts[account];
        address oldDelegate = acct.delegated ? _delegatees[account] : (acct.registered ? account : address(0));
        emit DelegateChanged(account, oldDelegate, delegatee);
        if (oldDelegate == delegatee) return;
        _addVotes(account, acct, acct.staked, false); // from the old delegate
        if (delegatee == account) {
            acct.registered = true;
            acct.delegated = false;
        } else {
            acct.delegated = true;
            _delegatees[account] = delegatee;
        }
        _addVotes(account, acct, acct.staked, true); // to the new one
        _accounts[account] = acct;
    }

    /// @dev Adds (`increase`) or removes `amount` units of `account` (in memory as `acct`,
    ///      written by the caller) to or from the votes of its delegate. The account's own
    ///      checkpoint count lives in `acct`; another delegate's is updated in storage.
    function _addVotes(address account, Account memory acct, uint256 amount, bool increase) private {
        if (amount == 0) return;
        address to = acct.delegated ? _delegatees[account] : (acct.registered ? account : address(0));
        if (to == address(0)) return; // delegated to nobody
        // Unix seconds fit 32 bits until February 2106; this contract is not meant to outlive it
        uint32 key = uint32(block.timestamp);
        if (to == account) {
            (uint256 oldVotes, uint256 newVotes, uint256 count) =
                _votes[to].change(acct.checkpoints, key, amount, increase);
            acct.checkpoints = count.toUint32();
            emit DelegateVotesChanged(to, oldVotes, newVotes);
        } else {
            Account storage delegateAcct = _accounts[to];
            (uint256 oldVotes, uint256 newVotes, uint256 count) =
                _votes[to].change(delegateAcct.checkpoints, key, amount, increase);
            delegateAcct.checkpoints = count.toUint32();
            emit DelegateVotesChanged(to, oldVotes, newVotes);
        }
    }

    /// @dev Settles the rewards of `account` (in memory as `acct`), then moves its stake, its
    ///      delegate's votes and the staked total by `amount`, and writes `acct`. A decrease is
    ///      at most the stake (checked by the caller).
    function _changeStake(address account, Account memory acct, uint256 amount, bool increase) private {
        Totals memory totals = _totals;
        _settleRewards(account, acct, totals.rewardPerUnit);
        uint256 staked = increase ? uint256(acct.staked) + amount : acct.staked - amount;
        acct.staked = SafeCast.toUint96(staked);
        _addVotes(account, acct, amount, increase);
        _accounts[account] = acct;
        _changeTotal(totals, amount, increase);
    }

    /// @dev Changes the staked total by `amount` and writes `totals`. The first change in a
    ///      new period first samples the value the last active period ended with.
    function _changeTotal(Totals memory totals, uint256 amount, bool increase) private {
        uint32 period = uint32(block.timestamp / TOTAL_SAMPLE_SECONDS);
        if (period != totals.period) {
            if (totals.samples != 0 || totals.staked != 0) {
                _totalSamples.at[totals.samples] = StakeHistory.Sample(totals.period, totals.staked);
                totals.samples += 1;
            }
            totals.period = period;
        }
        // the total is the sum of stakes, each below 2^96 (a total above reverts)
        uint256 staked = increase ? uint256(totals.staked) + amount : totals.staked - amount;
        totals.staked = SafeCast.toUint96(staked);
        _totals = totals;
    }

    /// @dev Books what `account` (in memory as `acct`, written by the caller) earned since
    ///      its last settlement; returns whether `acct` changed. Called before every change
    ///      of its stake. Rounds down: at most one reward unit of dust per settlement stays.
    function _settleRewards(address account, Account memory acct, uint96 perUnit) private returns (bool) {
        uint96 paid = acct.rewardPerUnitPaid;
        if (perUnit == paid) return false;
        uint256 accrued = (uint256(acct.staked) * (perUnit - paid)) / REWARD_PRECISION;
        if (accrued != 0) _rewardsOwed[account] += accrued;
        acct.rewardPerUnitPaid = perUnit;
        return true;
    }

    function _checkPast(uint256 timepoint) private view {
        uint48 currentTimepoint = clock();
        if (timepoint >= currentTimepoint) revert ERC5805FutureLookup(timepoint, currentTimepoint);
    }

    function _setCooldown(uint256 value) private {
        _checkRange("cooldown", value, MIN_COOLDOWN_SECONDS, MAX_COOLDOWN_SECONDS);
        _cooldownSeconds = uint32(value); // at most 30 days
        emit CooldownSet(value);
    }

    function _setWithdrawWindow(uint256 value) private {
        _checkRange("withdrawWindow", value, MIN_WITHDRAW_WINDOW_SECONDS, MAX_WITHDRAW_WINDOW_SECONDS);
        _withdrawWindowSeconds = uint32(value); // at most 14 days
        emit WithdrawWindowSet(value);
    }

    function _checkRange(string memory what, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert StakingOutOfRange(what, value, min, max);
    }
}
