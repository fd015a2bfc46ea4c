// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IPointsStaking} from "../interfaces/IPointsStaking.sol";

/// @title PointsStaking
/// @notice Staked reward points: votes with a warm-up, unstaking with a cooldown, fee share.
contract PointsStaking is IPointsStaking, Votes, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

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
    /// @notice Scale of the reward-per-unit accumulator. 1e36 keeps one satoshi (1e-8 WBTC)
    ///         over 1e9 points (1e27 units) at 1e9 accumulator units; a deposit of all bitcoin
    ///         (2.1e15 sats) times 1e36 is 2.1e51, far below 2^256 (1.2e77).
    uint256 public constant REWARD_PRECISION = 1e36;

    /* STORAGE */

    /// @notice The staked token (reward points, 18 decimals).
    IERC20 public immutable points;
    /// @notice The token fees are shared in (WBTC).
    IERC20 public immutable rewardToken;
    /// @notice W of the warm-up rule, seconds. Immutable: a new W would re-interpret history.
    uint256 public immutable warmupSeconds;

    /// @dev Governed parameters of new unstake requests, in one slot (seconds).
    uint32 private _cooldownSeconds;
    uint32 private _withdrawWindowSeconds;

    /// @notice Reward tokens per staked unit since deployment, scaled by `REWARD_PRECISION`.
    uint256 public rewardPerUnit;
    /// @dev Reward-token units deposited but not yet in `rewardPerUnit`, times the precision.
    uint256 private _undistributedScaled;

    /// @dev An account's delegate and stake share one slot (Votes' own delegate mapping is
    ///      unused: `delegates` and `_delegate` are overridden), so a first stake with its
    ///      self-delegation writes one new slot instead of two. 96 bits hold 7.9e28 units
    ///      (79 billion points); larger stakes revert in SafeCast.
    struct Account {
        address delegatee;
        uint96 staked;
    }

    mapping(address account => Account) private _accounts;
    mapping(address account => Pending) private _pending;
    mapping(address account => uint256) private _rewardPerUnitPaid;
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
        _settleRewards(account, acct.staked);
        if (acct.staked == 0 && acct.delegatee == address(0)) {
            acct.delegatee = account;
            emit DelegateChanged(account, address(0), account);
        }
        acct.staked = (uint256(acct.staked) + amount).toUint96();
        _accounts[account] = acct;
        _transferVotingUnits(address(0), account, amount);
        emit Staked(account, amount, acct.staked);
        points.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        address account = msg.sender;
        uint256 staked = _accounts[account].staked;
        if (amount > staked) revert StakingInsufficientStake(account, amount, staked);
        _settleRewards(account, staked);
        _accounts[account].staked = uint96(staked - amount); // below the old uint96 value
        _transferVotingUnits(account, address(0), amount);

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
        uint256 staked = _accounts[account].staked;
        _settleRewards(account, staked);
        delete _pending[account];
        _accounts[account].staked = (staked + amount).toUint96();
        _transferVotingUnits(address(0), account, amount);
        emit UnstakeCancelled(account, amount);
    }

    /* REWARDS */

    /// @inheritdoc IPointsStaking
    function depositRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert StakingZeroAmount();
        uint256 total = _getTotalSupply();
        uint256 scaled = amount * REWARD_PRECISION + _undistributedScaled;
        uint256 perUnit = rewardPerUnit;
        if (total != 0) {
            perUnit += scaled / total;
            rewardPerUnit = perUnit;
            scaled %= total; // the remainder, below `total`, waits for the next deposit
        }
        _undistributedScaled = scaled;
        emit RewardsDeposited(msg.sender, amount, perUnit, scaled);
        rewardToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPointsStaking
    function claimRewards(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert StakingZeroAddress();
        address account = msg.sender;
        _settleRewards(account, _accounts[account].staked);
        amount = _rewardsOwed[account];
        if (amount == 0) revert StakingNothingToClaim(account);
        _rewardsOwed[account] = 0;
        emit RewardsClaimed(account, to, amount);
        rewardToken.safeTransfer(to, amount);
    }

    /// @inheritdoc IPointsStaking
    function earned(address account) external view returns (uint256) {
        uint256 accrued = (uint256(_accounts[account].staked) * (rewardPerUnit - _rewardPerUnitPaid[account])) /
            REWARD_PRECISION;
        return _rewardsOwed[account] + accrued;
    }

    /// @inheritdoc IPointsStaking
    function undistributedRewards() external view returns (uint256) {
        return _undistributedScaled / REWARD_PRECISION;
    }

    /* VIEWS */

    /// @inheritdoc IPointsStaking
    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].staked;
    }

    /// @inheritdoc IPointsStaking
    function totalStaked() external view returns (uint256) {
        return _getTotalSupply();
    }

    /// @inheritdoc IPointsStaking
    function pendingUnstake(address account) external view returns (Pending memory) {
        return _pending[account];
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
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372: "mode=timestamp".
    // slither-disable-next-line naming-convention (the name ERC-6372 prescribes)
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice Votes now: min(delegated units now, delegated units `warmupSeconds` ago).
    function getVotes(address account) public view override returns (uint256) {
        uint256 current = super.getVotes(account);
        uint256 nowTs = clock();
        if (current == 0 || nowTs < warmupSeconds) return 0;
        return Math.min(current, super.getPastVotes(account, nowTs - warmupSeconds));
    }

    /// @notice Votes at past `timepoint`: min(delegated units at it, at it minus the warm-up).
    function getPastVotes(address account, uint256 timepoint) public view override returns (uint256) {
        uint256 atTimepoint = super.getPastVotes(account, timepoint);
        if (atTimepoint == 0 || timepoint < warmupSeconds) return 0;
        return Math.min(atTimepoint, super.getPastVotes(account, timepoint - warmupSeconds));
    }

    /// @notice Staked total at past `timepoint`, under the same rule: min(total at it, total at
    ///         it minus the warm-up). Bounds the sum of all votes at `timepoint`.
    function getPastTotalSupply(uint256 timepoint) public view override returns (uint256) {
        uint256 atTimepoint = super.getPastTotalSupply(timepoint);
        if (atTimepoint == 0 || timepoint < warmupSeconds) return 0;
        return Math.min(atTimepoint, super.getPastTotalSupply(timepoint - warmupSeconds));
    }

    /// @notice The delegate of `account` (zero: its units vote for no one).
    function delegates(address account) public view override returns (address) {
        if (account == address(0)) return address(0); // mints and burns: skip a cold read
        return _accounts[account].delegatee;
    }

    /// @dev Votes' `_delegate`, on the packed account slot.
    function _delegate(address account, address delegatee) internal override {
        Account storage acct = _accounts[account];
        address oldDelegate = acct.delegatee;
        acct.delegatee = delegatee;
        emit DelegateChanged(account, oldDelegate, delegatee);
        _moveDelegateVotes(oldDelegate, delegatee, _getVotingUnits(account));
    }

    /// @dev Voting units are staked points (pending amounts excluded).
    function _getVotingUnits(address account) internal view override returns (uint256) {
        return _accounts[account].staked;
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

    /// @dev Books what `account` (with `staked` units) earned since its last settlement.
    ///      Called before every change of its stake. Rounds down: at most one reward unit of
    ///      dust per settlement stays in the contract.
    function _settleRewards(address account, uint256 staked) private {
        uint256 perUnit = rewardPerUnit;
        uint256 paid = _rewardPerUnitPaid[account];
        if (perUnit == paid) return;
        uint256 accrued = (staked * (perUnit - paid)) / REWARD_PRECISION;
        if (accrued != 0) _rewardsOwed[account] += accrued;
        _rewardPerUnitPaid[account] = perUnit;
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
