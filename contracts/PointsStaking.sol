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
/// @notice Staked reward points: votes with a warm-up, unstaking with a cooldown, a fee share
///         streamed in several reward tokens to stake past its warm-up.
/// @dev ERC-5805 votes on `StakeHistory` rather than OpenZeppelin's `Votes`: the same external
///      behaviour (delegation, delegation by signature, timestamp clock), with an account's
///      stake, earning balance, warming-bucket maturity, checkpoint count and delegation flags
///      in one slot, checkpoints
///      that carry their predecessor (one read for the warm-up rule), and a staked total
///      sampled once a day. A first stake writes three slots (account, checkpoint, total)
///      instead of OpenZeppelin's five.
contract PointsStaking is IPointsStaking, EIP712, Nonces, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using StakeHistory for StakeHistory.History;
    using StakeHistory for StakeHistory.Samples;

    /* CONSTANTS: bounds of parameters, written in code */

    /// @inheritdoc IPointsStaking
    uint256 public constant MIN_WARMUP_SECONDS = 1 hours;
    /// @inheritdoc IPointsStaking
    uint256 public constant MAX_WARMUP_SECONDS = 30 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant MIN_COOLDOWN_SECONDS = 1 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant MAX_COOLDOWN_SECONDS = 30 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant MIN_WITHDRAW_WINDOW_SECONDS = 1 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant MAX_WITHDRAW_WINDOW_SECONDS = 14 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant TOTAL_SAMPLE_SECONDS = 1 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant REWARD_PRECISION = 1e27;
    /// @inheritdoc IPointsStaking
    uint256 public constant MIN_SHARED_STAKE = 1e18;
    /// @inheritdoc IPointsStaking
    uint256 public constant REWARD_STREAM_SECONDS = 7 days;
    /// @inheritdoc IPointsStaking
    uint256 public constant MAX_REWARD_TOKENS = 8;
    /// @inheritdoc IPointsStaking
    bytes32 public constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    /* STORAGE */

    /// @inheritdoc IPointsStaking
    IERC20 public immutable points;
    /// @inheritdoc IPointsStaking
    uint256 public immutable warmupSeconds;

    /// @dev An account, in one slot. `checkpoints` counts its checkpoints as a delegate (24
    ///      bits: 16.7 million distinct seconds of change). `flags`: REGISTERED, it has
    ///      self-delegated (its first stake does that); DELEGATED, it
    ///      chose a delegate other than itself, kept in `_delegatees` (zero: nobody).
    ///      `staked`: the warming bucket plus `earning`, the earning balance. `maturesAt`: when
    ///      the warming bucket (`staked - earning`) matures, 0 when the bucket is empty.
    struct Account {
        uint96 staked;
        uint96 earning;
        uint32 maturesAt;
        uint24 checkpoints;
        uint8 flags;
    }

    uint8 private constant REGISTERED = 1;
    uint8 private constant DELEGATED = 2;

    /// @dev Global state, in one slot: the staked total, the number of total samples, the
    ///      last period in which the total changed, and the earning total.
    struct Totals {
        uint96 staked;
        uint32 samples;
        uint32 period;
        uint96 earning;
    }

    /// @dev A reward token's stream: the accumulator, its end, its last update and whether
    ///      the token is listed in one slot; the rate in another.
    struct Stream {
        uint128 rewardPerTokenStored;
        uint32 periodFinish;
        uint32 lastUpdateTime;
        bool listed;
        uint256 rewardRate;
    }

    /// @dev An account's rewards in one token, in one slot: the accumulator when it was last
    ///      settled, and what it has earned but not claimed.
    struct AccountReward {
        uint128 paid;
        uint128 owed;
    }

    Totals private _totals;
    /// @dev Governed parameters of new unstake requests, in one slot (seconds).
    uint32 private _cooldownSeconds;
    uint32 private _withdrawWindowSeconds;
    /// @dev The reward tokens (at most `MAX_REWARD_TOKENS`, never removed).
    address[] private _rewardTokens;

    mapping(address account => Account) private _accounts;
    mapping(address account => address) private _delegatees;
    mapping(address delegatee => StakeHistory.History) private _votes;
    StakeHistory.Samples private _totalSamples;
    mapping(address account => Pending) private _pending;
    mapping(address token => Stream) private _streams;
    mapping(address account => mapping(address token => AccountReward)) private _rewards;

    /* CONSTRUCTOR */

    /// @param points_ The reward-points token staked.
    /// @param initialOwner Governance (the DAO timelock).
    /// @param warmupSeconds_ W, `MIN_WARMUP_SECONDS` to `MAX_WARMUP_SECONDS`.
    /// @param cooldownSeconds_ `MIN_COOLDOWN_SECONDS` to `MAX_COOLDOWN_SECONDS`.
    /// @param withdrawWindowSeconds_ `MIN_WITHDRAW_WINDOW_SECONDS` to `MAX_WITHDRAW_WINDOW_SECONDS`.
    /// @param rewardTokens_ The initial reward tokens (the marketplace's payment tokens).
    constructor(
        IERC20 points_,
        address initialOwner,
        uint256 warmupSeconds_,
        uint256 cooldownSeconds_,
        uint256 withdrawWindowSeconds_,
        IERC20[] memory rewardTokens_
    ) EIP712("BTC Bazaar Staked Points", "1") Ownable(initialOwner) {
        if (address(points_) == address(0)) revert StakingZeroAddress();
        if (warmupSeconds_ < MIN_WARMUP_SECONDS || warmupSeconds_ > MAX_WARMUP_SECONDS) {
            revert StakingWarmupOutOfRange(warmupSeconds_, MIN_WARMUP_SECONDS, MAX_WARMUP_SECONDS);
        }
        points = points_;
        warmupSeconds = warmupSeconds_;
        _setCooldown(cooldownSeconds_);
        _setWithdrawWindow(withdrawWindowSeconds_);
        for (uint256 i = 0; i < rewardTokens_.length; ++i) {
            _addRewardToken(address(rewardTokens_[i]));
        }
    }

    /* STAKING */

    /// @inheritdoc IPointsStaking
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address account = msg.sender;
        Account memory acct = _accounts[account];
        Totals memory totals = _totals;
        _activateIfMatured(account, acct, totals);
        // no stake and no delegate (never chose one, or chose none): the stake self-delegates
        if (acct.staked == 0 && (_isDelegated(acct) ? _delegatees[account] == address(0) : !_isRegistered(acct))) {
            acct.flags = REGISTERED;
            emit DelegateChanged(account, address(0), account);
        }
        acct.maturesAt = _maturity();
        _changeStake(account, acct, totals, amount, true);
        emit Staked(account, amount, acct.staked);
        points.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address account = msg.sender;
        Account memory acct = _accounts[account];
        if (amount > acct.staked) revert StakingInsufficientStake(account, amount, acct.staked);
        Totals memory totals = _totals;
        _activateIfMatured(account, acct, totals);
        uint256 warming = acct.staked - acct.earning;
        if (amount >= warming) {
            acct.maturesAt = 0; // the bucket is emptied
            if (amount > warming) {
                // the rest leaves the earning balance, settled first; it stops earning now
                uint96 fromEarning = uint96(amount - warming); // at most the earning balance
                _settleAll(account, acct.earning, totals.earning);
                acct.earning -= fromEarning;
                totals.earning -= fromEarning;
            }
        }
        _changeStake(account, acct, totals, amount, false);

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
        Account memory acct = _accounts[account];
        Totals memory totals = _totals;
        _activateIfMatured(account, acct, totals);
        acct.maturesAt = _maturity(); // back through the warm-up
        _changeStake(account, acct, totals, amount, true);
        emit UnstakeCancelled(account, amount);
    }

    /* REWARDS */

    /// @inheritdoc IPointsStaking
    function activate(address account) external nonReentrant {
        Account memory acct = _accounts[account];
        Totals memory totals = _totals;
        if (!_activateIfMatured(account, acct, totals)) revert StakingNothingToActivate(account, acct.maturesAt);
        _accounts[account] = acct;
        _totals = totals;
    }

    /// @inheritdoc IPointsStaking
    function addRewardToken(address token) external onlyOwner {
        _addRewardToken(token);
    }

    /// @inheritdoc IPointsStaking
    function depositRewards(address token, uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        Stream storage stream = _streams[token];
        if (!stream.listed) revert StakingRewardTokenUnknown(token);
        _updateStream(stream, _totals.earning);
        uint256 finish = stream.periodFinish;
        uint256 leftover = finish > block.timestamp ? (finish - block.timestamp) * stream.rewardRate : 0;
        uint256 rate = (leftover + amount * REWARD_PRECISION) / REWARD_STREAM_SECONDS;
        // the most this stream can add to the accumulator, at the smallest earning total (from
        // the rate as rounded: what the stream pays)
        // slither-disable-next-line divide-before-multiply
        uint256 bound = stream.rewardPerTokenStored + (rate * REWARD_STREAM_SECONDS) / MIN_SHARED_STAKE;
        if (bound > type(uint128).max) revert StakingRewardOverflow(bound);
        finish = block.timestamp + REWARD_STREAM_SECONDS;
        stream.rewardRate = rate;
        stream.periodFinish = uint32(finish); // Unix seconds fit 32 bits until 2106
        stream.lastUpdateTime = uint32(block.timestamp);
        emit RewardsDeposited(msg.sender, token, amount, rate, finish);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function claimRewards(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert StakingZeroAddress();
        Stream storage stream = _streams[token];
        if (!stream.listed) revert StakingRewardTokenUnknown(token);
        address account = msg.sender;
        Account memory acct = _accounts[account];
        Totals memory totals = _totals;
        if (_activateIfMatured(account, acct, totals)) {
            _accounts[account] = acct;
            _totals = totals;
        }
        uint256 perToken = _updateStream(stream, totals.earning);
        AccountReward memory r = _rewards[account][token];
        amount = r.owed + _accrued(acct.earning, perToken, r.paid);
        if (amount == 0) revert StakingNothingToClaim(account, token);
        _rewards[account][token] = AccountReward(uint128(perToken), 0);
        emit RewardsClaimed(account, token, to, amount);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IPointsStaking
    function earned(address account, address token) external view returns (uint256) {
        AccountReward memory r = _rewards[account][token];
        return r.owed + _accrued(_accounts[account].earning, rewardPerToken(token), r.paid);
    }

    /// @inheritdoc IPointsStaking
    function rewardTokens() external view returns (address[] memory) {
        return _rewardTokens;
    }

    /// @inheritdoc IPointsStaking
    function isRewardToken(address token) external view returns (bool) {
        return _streams[token].listed;
    }

    /// @inheritdoc IPointsStaking
    function rewardData(address token) external view returns (RewardData memory) {
        Stream memory stream = _streams[token];
        return RewardData(stream.rewardRate, stream.periodFinish, stream.lastUpdateTime, stream.rewardPerTokenStored);
    }

    /// @inheritdoc IPointsStaking
    function rewardPerToken(address token) public view returns (uint256 perToken) {
        Stream memory stream = _streams[token];
        perToken = stream.rewardPerTokenStored;
        uint256 earningTotal = _totals.earning;
        if (earningTotal < MIN_SHARED_STAKE) return perToken; // paused
        uint256 end = block.timestamp < stream.periodFinish ? block.timestamp : stream.periodFinish;
        if (end > stream.lastUpdateTime) {
            perToken += ((end - stream.lastUpdateTime) * stream.rewardRate) / earningTotal;
        }
    }

    /// @inheritdoc IPointsStaking
    function rewardsRemaining(address token) external view returns (uint256) {
        Stream memory stream = _streams[token];
        uint256 finish = stream.periodFinish;
        // paused: nothing streamed since the last update; running: nothing after now
        uint256 from = _totals.earning < MIN_SHARED_STAKE ? stream.lastUpdateTime : block.timestamp;
        if (from < stream.lastUpdateTime) from = stream.lastUpdateTime;
        return finish > from ? ((finish - from) * stream.rewardRate) / REWARD_PRECISION : 0;
    }

    /// @inheritdoc IPointsStaking
    function earningBalanceOf(address account) external view returns (uint256) {
        return _accounts[account].earning;
    }

    /// @inheritdoc IPointsStaking
    function warmingOf(address account) external view returns (uint256 amount, uint256 maturesAt) {
        Account memory acct = _accounts[account];
        return (acct.staked - acct.earning, acct.maturesAt);
    }

    /// @inheritdoc IPointsStaking
    function totalEarning() external view returns (uint256) {
        return _totals.earning;
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

    /// @inheritdoc IPointsStaking
    function cooldownSeconds() external view returns (uint256) {
        return _cooldownSeconds;
    }

    /// @inheritdoc IPointsStaking
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
        if (_isDelegated(acct)) return _delegatees[account];
        return _isRegistered(acct) ? account : address(0);
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

    function _isRegistered(Account memory acct) private pure returns (bool) {
        return acct.flags & REGISTERED != 0;
    }

    function _isDelegated(Account memory acct) private pure returns (bool) {
        return acct.flags & DELEGATED != 0;
    }

    /// @dev Moves the units of `account` from its delegate to `delegatee`.
    function _delegate(address account, address delegatee) private {
        Account memory acct = _accounts[account];
        address oldDelegate =
            _isDelegated(acct) ? _delegatees[account] : (_isRegistered(acct) ? account : address(0));
        emit DelegateChanged(account, oldDelegate, delegatee);
        if (oldDelegate == delegatee) return;
        _addVotes(account, acct, acct.staked, false); // from the old delegate
        if (delegatee == account) {
            acct.flags = REGISTERED;
        } else {
            acct.flags |= DELEGATED;
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
        address to = _isDelegated(acct) ? _delegatees[account] : (_isRegistered(acct) ? account : address(0));
        if (to == address(0)) return; // delegated to nobody
        // Unix seconds fit 32 bits until February 2106; this contract is not meant to outlive it
        uint32 key = uint32(block.timestamp);
        if (to == account) {
            (uint256 oldVotes, uint256 newVotes, uint256 count) =
                _votes[to].change(acct.checkpoints, key, amount, increase);
            acct.checkpoints = count.toUint24();
            emit DelegateVotesChanged(to, oldVotes, newVotes);
        } else {
            Account storage delegateAcct = _accounts[to];
            (uint256 oldVotes, uint256 newVotes, uint256 count) =
                _votes[to].change(delegateAcct.checkpoints, key, amount, increase);
            delegateAcct.checkpoints = count.toUint24();
            emit DelegateVotesChanged(to, oldVotes, newVotes);
        }
    }

    /// @dev Moves the stake of `account` (in memory as `acct`), its delegate's votes and the
    ///      staked total (in `totals`, read by the caller) by `amount`, and writes `acct` and
    ///      `totals`. A decrease is at most the stake (checked by the caller); the earning
    ///      balances are the caller's business.
    function _changeStake(address account, Account memory acct, Totals memory totals, uint256 amount, bool increase)
        private
    {
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

    /// @dev When a warming bucket filled now matures.
    function _maturity() private view returns (uint32) {
        return uint32(block.timestamp + warmupSeconds); // Unix seconds fit 32 bits until 2106
    }

    /// @dev If the warming bucket of `account` (in memory as `acct`) has matured, settles the
    ///      account and moves the bucket into its earning balance and the earning total (in
    ///      memory as `totals`); the caller writes both. Returns whether it did.
    function _activateIfMatured(address account, Account memory acct, Totals memory totals) private returns (bool) {
        uint256 maturesAt = acct.maturesAt;
        if (maturesAt == 0 || maturesAt > block.timestamp) return false;
        uint96 amount = acct.staked - acct.earning;
        _settleAll(account, acct.earning, totals.earning);
        acct.earning = acct.staked;
        totals.earning += amount; // below the staked total
        acct.maturesAt = 0;
        emit StakeActivated(account, amount);
        return true;
    }

    /// @dev Brings every stream up to date at the earning total `earningTotal` (the total
    ///      since their last update) and books what `account`, earning `earning`, earned in
    ///      each. Called before every change of the account's earning balance or the total.
    function _settleAll(address account, uint256 earning, uint256 earningTotal) private {
        uint256 count = _rewardTokens.length; // at most MAX_REWARD_TOKENS
        for (uint256 i = 0; i < count; ++i) {
            address token = _rewardTokens[i];
            uint256 perToken = _updateStream(_streams[token], earningTotal);
            AccountReward memory r = _rewards[account][token];
            if (r.paid == perToken) continue;
            uint256 owed = r.owed + _accrued(earning, perToken, r.paid);
            _rewards[account][token] = AccountReward(uint128(perToken), owed.toUint128());
        }
    }

    /// @dev Brings `stream` up to now, given that `earningTotal` earned since its last update;
    ///      returns its accumulator. Below `MIN_SHARED_STAKE` the stream pauses: its unpaid
    ///      seconds move to after now (its end moves later by the time paused).
    function _updateStream(Stream storage stream, uint256 earningTotal) private returns (uint256) {
        uint256 perToken = stream.rewardPerTokenStored;
        uint256 last = stream.lastUpdateTime;
        uint256 finish = stream.periodFinish;
        if (last == block.timestamp || finish <= last) return perToken; // up to date, or ended
        if (earningTotal < MIN_SHARED_STAKE) {
            stream.periodFinish = uint32(block.timestamp + (finish - last)); // paused
        } else {
            uint256 end = block.timestamp < finish ? block.timestamp : finish;
            // below the bound checked at the deposit: fits 128 bits
            perToken += ((end - last) * stream.rewardRate) / earningTotal;
            stream.rewardPerTokenStored = uint128(perToken);
        }
        stream.lastUpdateTime = uint32(block.timestamp);
        return perToken;
    }

    /// @dev What `earning` units earned while the accumulator went from `paid` to `perToken`,
    ///      rounded down (at most one token unit of dust per settlement stays).
    function _accrued(uint256 earning, uint256 perToken, uint256 paid) private pure returns (uint256) {
        return (earning * (perToken - paid)) / REWARD_PRECISION; // below 2^96 * 2^128
    }

    /// @dev Lists `token` as a reward token (see `addRewardToken`).
    function _addRewardToken(address token) private {
        if (token == address(0)) revert StakingZeroAddress();
        if (token == address(points)) revert StakingSameToken(token);
        Stream storage stream = _streams[token];
        if (stream.listed) revert StakingRewardTokenAlreadyAdded(token);
        if (_rewardTokens.length >= MAX_REWARD_TOKENS) revert StakingRewardTokenLimitReached(MAX_REWARD_TOKENS);
        stream.listed = true;
        _rewardTokens.push(token);
        emit RewardTokenAdded(token);
    }

    function _checkPast(uint256 timepoint) private view {
        uint48 currentTimepoint = clock();
        if (timepoint >= currentTimepoint) revert ERC5805FutureLookup(timepoint, currentTimepoint);
    }

    function _setCooldown(uint256 value) private {
        if (value < MIN_COOLDOWN_SECONDS || value > MAX_COOLDOWN_SECONDS) {
            revert StakingCooldownOutOfRange(value, MIN_COOLDOWN_SECONDS, MAX_COOLDOWN_SECONDS);
        }
        _cooldownSeconds = uint32(value); // at most 30 days
        emit CooldownSet(value);
    }

    function _setWithdrawWindow(uint256 value) private {
        if (value < MIN_WITHDRAW_WINDOW_SECONDS || value > MAX_WITHDRAW_WINDOW_SECONDS) {
            revert StakingWithdrawWindowOutOfRange(value, MIN_WITHDRAW_WINDOW_SECONDS, MAX_WITHDRAW_WINDOW_SECONDS);
        }
        _withdrawWindowSeconds = uint32(value); // at most 14 days
        emit WithdrawWindowSet(value);
    }
}
