// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IDigitalGoods} from "../../interfaces/IDigitalGoods.sol";
import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";
import {IRewardPoints} from "../../interfaces/IRewardPoints.sol";
import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";

/// @title MarketplaceConfig
/// @notice The marketplace's governed configuration: fees, windows, payment tokens, arbiters,
///         carriers, treasury, guardian, pause, the stakers' fee share and the reward rate;
///         every parameter bounded in code. Owned by governance (the timelock).
abstract contract MarketplaceConfig is IEscrowMarketplace, Ownable2Step {
    /* CONSTANTS: bounds of governed parameters, written in code */

    /// @notice Highest platform fee: 5 % (500 bps) of the seller's proceeds.
    uint256 public constant MAX_FEE_BPS = 500;
    /// @notice Highest arbiter fee: 5 % (500 bps) of a ruled escrow.
    uint256 public constant MAX_ARBITER_FEE_BPS = 500;
    /// @notice Fulfilment and confirmation windows: 1 to 60 days.
    uint256 public constant MIN_WINDOW_SECONDS = 1 days;
    uint256 public constant MAX_WINDOW_SECONDS = 60 days;
    /// @notice Ruling window: 1 to 30 days.
    uint256 public constant MAX_RULING_WINDOW_SECONDS = 30 days;
    /// @notice Dispute window of digital orders (delivered at checkout): 1 hour to 7 days.
    uint256 public constant MIN_DIGITAL_WINDOW_SECONDS = 1 hours;
    uint256 public constant MAX_DIGITAL_WINDOW_SECONDS = 7 days;
    /// @notice Payment tokens: at most 16 (a listing accepts them by a 16-bit mask).
    uint256 public constant MAX_PAYMENT_TOKENS = 16;
    /// @notice Governance cannot remove the last active arbiter.
    uint256 public constant MIN_ACTIVE_ARBITERS = 1;
    /// @notice Largest share of platform fees streamed to stakers: 50 % (5,000 bps).
    uint256 public constant MAX_STAKER_SHARE_BPS = 5_000;
    /// @notice Highest reward rate: 10 whole points per USD settled.
    uint256 public constant MAX_POINTS_PER_USD = 10;

    /* STORAGE */

    IWbtcUsdOracle public immutable oracle;
    /// @notice The digital-goods contract (zero: no digital listings).
    IDigitalGoods public immutable goods;
    /// @notice The reward-points contract (zero: no rewards, no redemption).
    IRewardPoints public immutable rewards;

    Config public config;
    address public treasury;
    address public guardian;
    /// @notice Where the stakers' share of fees is streamed (zero: none), and that share.
    address public staking;
    uint16 public stakerShareBps;

    /// @notice Payment token with id `id` (ids from 1).
    mapping(uint256 id => address) public paymentToken;
    /// @dev Per token: its payment id, the escrow held and the fees accrued, in one slot.
    mapping(address token => TokenBook) internal _books;

    /// @notice Whether `account` may be chosen as arbiter of new orders.
    mapping(address account => bool) public isActiveArbiter;
    mapping(address account => bool) public isCarrier;

    /// @param initialOwner Governance (the deployer hands over to the timelock after set-up).
    /// @param oracle_ The price adapter.
    /// @param treasury_ Receiver of platform fees.
    /// @param guardian_ May pause new listings and checkouts.
    /// @param goods_ The digital-goods contract (zero: physical goods only).
    /// @param rewards_ The reward-points contract (zero: no rewards). Fixed: points held in
    ///        escrow always find their way back.
    constructor(
        address initialOwner,
        IWbtcUsdOracle oracle_,
        address treasury_,
        address guardian_,
        IDigitalGoods goods_,
        IRewardPoints rewards_
    ) Ownable(initialOwner) {
        if (address(oracle_) == address(0) || treasury_ == address(0) || guardian_ == address(0)) {
            revert MarketplaceZeroAddress();
        }
        oracle = oracle_;
        treasury = treasury_;
        guardian = guardian_;
        goods = goods_;
        rewards = rewards_;
        config.feeBps = 100; // 1 %
        config.arbiterFeeBps = 200; // 2 %
        config.fulfilmentWindow = 7 days;
        config.confirmWindow = 14 days;
        config.rulingWindow = 7 days;
        config.digitalWindow = 2 days;
        config.pointsPerUsd = 1;
    }

    /* VIEWS */

    /// @inheritdoc IEscrowMarketplace
    function tokenId(address token) external view returns (uint8) {
        return _books[token].id;
    }

    /// @inheritdoc IEscrowMarketplace
    function feesAccrued(address token) external view returns (uint256) {
        return _books[token].fees;
    }

    /// @inheritdoc IEscrowMarketplace
    function escrowed(address token) external view returns (uint256) {
        return _books[token].escrowed;
    }

    /* GOVERNANCE (owner: the timelock) */

    /// @notice Sets the platform and arbiter fees (basis points, each capped in code).
    ///         Orders already paid keep the fees they were made with.
    function setFees(uint256 feeBps, uint256 arbiterFeeBps) external onlyOwner {
        if (feeBps > MAX_FEE_BPS) revert MarketplaceFeeOutOfRange(feeBps, 0, MAX_FEE_BPS);
        if (arbiterFeeBps > MAX_ARBITER_FEE_BPS) revert MarketplaceArbiterFeeOutOfRange(arbiterFeeBps, 0, MAX_ARBITER_FEE_BPS);
        config.feeBps = uint16(feeBps);
        config.arbiterFeeBps = uint16(arbiterFeeBps);
        emit FeesSet(feeBps, arbiterFeeBps);
    }

    /// @notice Sets the windows in seconds (each bounded in code); paid orders keep theirs.
    function setWindows(uint256 fulfilmentWindow, uint256 confirmWindow, uint256 rulingWindow) external onlyOwner {
        if (fulfilmentWindow < MIN_WINDOW_SECONDS || fulfilmentWindow > MAX_WINDOW_SECONDS) revert MarketplaceFulfilmentWindowOutOfRange(fulfilmentWindow, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
        if (confirmWindow < MIN_WINDOW_SECONDS || confirmWindow > MAX_WINDOW_SECONDS) revert MarketplaceConfirmWindowOutOfRange(confirmWindow, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
        if (rulingWindow < MIN_WINDOW_SECONDS || rulingWindow > MAX_RULING_WINDOW_SECONDS) revert MarketplaceRulingWindowOutOfRange(rulingWindow, MIN_WINDOW_SECONDS, MAX_RULING_WINDOW_SECONDS);
        config.fulfilmentWindow = uint24(fulfilmentWindow);
        config.confirmWindow = uint24(confirmWindow);
        config.rulingWindow = uint24(rulingWindow);
        emit WindowsSet(fulfilmentWindow, confirmWindow, rulingWindow);
    }

    /// @notice Sets the dispute window of new digital orders in seconds (1 hour to 7 days).
    function setDigitalWindow(uint256 digitalWindow) external onlyOwner {
        if (digitalWindow < MIN_DIGITAL_WINDOW_SECONDS || digitalWindow > MAX_DIGITAL_WINDOW_SECONDS) revert MarketplaceDigitalWindowOutOfRange(digitalWindow, MIN_DIGITAL_WINDOW_SECONDS, MAX_DIGITAL_WINDOW_SECONDS);
        config.digitalWindow = uint24(digitalWindow);
        emit DigitalWindowSet(digitalWindow);
    }

    /// @inheritdoc IEscrowMarketplace
    function setPointsRate(uint256 pointsPerUsd) external onlyOwner {
        if (pointsPerUsd > MAX_POINTS_PER_USD) revert MarketplacePointsRateOutOfRange(pointsPerUsd, MAX_POINTS_PER_USD);
        config.pointsPerUsd = uint8(pointsPerUsd);
        emit PointsRateSet(pointsPerUsd);
    }

    /// @inheritdoc IEscrowMarketplace
    function setFeeShare(address staking_, uint256 stakerShareBps_) external onlyOwner {
        if (stakerShareBps_ > MAX_STAKER_SHARE_BPS || (staking_ == address(0) && stakerShareBps_ != 0)) {
            revert MarketplaceStakerShareOutOfRange(stakerShareBps_, MAX_STAKER_SHARE_BPS);
        }
        staking = staking_;
        stakerShareBps = uint16(stakerShareBps_);
        emit FeeShareSet(staking_, stakerShareBps_);
    }

    /// @notice Accepts a payment token (the oracle must price it). At most 16, never removed
    ///         (removal would strand listings; the oracle can stop quoting it instead).
    function addPaymentToken(address token) external onlyOwner {
        if (token == address(0)) revert MarketplaceZeroAddress();
        if (_books[token].id != 0) revert MarketplaceTokenAlreadyAccepted(token);
        if (!oracle.isSupported(token)) revert MarketplaceTokenNotAccepted(token);
        uint8 count = config.tokenCount;
        if (count >= MAX_PAYMENT_TOKENS) revert MarketplaceTooManyPaymentTokens(MAX_PAYMENT_TOKENS);
        uint8 id = count + 1;
        config.tokenCount = id;
        paymentToken[id] = token;
        _books[token].id = id;
        emit PaymentTokenAdded(token, id);
    }

    /// @notice Adds or removes an arbiter. Removal keeps the arbiter's rulings on orders it
    ///         already holds, and never leaves fewer than the minimum.
    function setArbiter(address account, bool active) external onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        if (isActiveArbiter[account] == active) revert MarketplaceArbiterUnchanged(account, active);
        isActiveArbiter[account] = active;
        if (active) {
            config.activeArbiters += 1;
        } else {
            if (config.activeArbiters <= MIN_ACTIVE_ARBITERS) {
                revert MarketplaceTooFewArbiters(MIN_ACTIVE_ARBITERS);
            }
            config.activeArbiters -= 1;
        }
        emit ArbiterSet(account, active);
    }

    /// @notice Registers or removes a logistics carrier (may append checkpoints).
    function setCarrier(address account, bool registered) external onlyOwner {
        if (account == address(0)) revert MarketplaceZeroAddress();
        isCarrier[account] = registered;
        emit CarrierSet(account, registered);
    }

    function setTreasury(address treasury_) external onlyOwner {
        if (treasury_ == address(0)) revert MarketplaceZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    function setGuardian(address guardian_) external onlyOwner {
        if (guardian_ == address(0)) revert MarketplaceZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice The guardian or governance pauses or resumes new listings and checkouts. No
    ///         exit path (ship, confirm, release, reclaim, cancel, refund, dispute, claim)
    ///         looks at this flag.
    function setPaused(bool paused) external {
        if (msg.sender != guardian && msg.sender != owner()) revert MarketplaceUnauthorized(msg.sender, 0);
        config.paused = paused;
        emit PausedSet(paused);
    }

    /* INTERNAL */

    function _whenNotPaused() internal view {
        if (config.paused) revert MarketplacePaused();
    }
}
