// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {IBazaarRewards} from "../interfaces/IBazaarRewards.sol";
import {IRewardPoints} from "../interfaces/IRewardPoints.sol";

/// @title RewardPoints
/// @notice BTC Bazaar loyalty points. See `IRewardPoints`.
contract RewardPoints is IRewardPoints, ERC20, ERC20Permit, Ownable2Step {
    /// @inheritdoc IRewardPoints
    uint256 public constant EPOCH_SECONDS = 7 days;
    /// @inheritdoc IRewardPoints
    uint256 public constant MAX_ORDER_CAP = 10_000;
    /// @inheritdoc IRewardPoints
    uint256 public constant MAX_EPOCH_CAP = 10_000_000;
    /// @inheritdoc IRewardPoints
    uint256 public constant MAX_ACCOUNT_EPOCH_CAP = 1_000_000;
    /// @inheritdoc IRewardPoints
    uint256 public constant MAX_REVIEW_POINTS = 50;
    /// @dev Point units per hundredth of a point.
    uint256 private constant CENTI = 1e16;
    uint256 private constant CENTI_PER_POINT = 100;

    /// @dev Who may bind the marketplace, once.
    address private immutable _binder;

    MintState private _state;
    /// @dev Per-account limits, read only when minting: whole points per account per epoch,
    ///      and per review.
    Rules private _rules;
    /// @dev What each account was minted in the epoch it last earned in.
    mapping(address account => AccountTally) private _tallies;

    /// @param initialOwner Governance (the timelock).
    constructor(address initialOwner)
        ERC20("BTC Bazaar Points", "BZP")
        ERC20Permit("BTC Bazaar Points")
        Ownable(initialOwner)
    {
        _binder = msg.sender;
        // At most 1,000 per order, 1,000,000 per week in all, 10,000 per week per account,
        // 5 per review.
        _setMintConfig(1_000, 1_000_000, 10_000, 5);
    }

    /* MINTING (marketplace only, through its rewards hook) */

    /// @inheritdoc IBazaarRewards
    function onOrderCompleted(uint256, address buyer, address seller, uint256 usdCents, uint256 pointsPerUsd)
        external
    {
        MintState memory s = _onlyMarketplace();
        if (buyer == seller) return; // the marketplace refuses such orders; never rewarded
        uint256 centi = usdCents * pointsPerUsd; // 1 cent at 1 point per USD: 1 centipoint
        uint256 orderCap = uint256(s.orderCap) * CENTI_PER_POINT;
        _award(s, buyer, centi > orderCap ? orderCap : centi);
    }

    /// @inheritdoc IBazaarRewards
    function onReview(uint256, address buyer) external {
        MintState memory s = _onlyMarketplace();
        _award(s, buyer, uint256(_rules.reviewPoints) * CENTI_PER_POINT);
    }

    /* REDEMPTION (marketplace only) */

    /// @inheritdoc IRewardPoints
    function escrowFrom(address buyer, uint256 amount) external {
        _onlyMarketplace();
        emit PointsEscrowed(buyer, amount);
        _transfer(buyer, msg.sender, amount);
    }

    /// @inheritdoc IRewardPoints
    function burnEscrowed(uint256 amount) external {
        _onlyMarketplace();
        _burn(msg.sender, amount);
    }

    /* SET-UP AND GOVERNANCE */

    /// @inheritdoc IRewardPoints
    function bindMarketplace(address marketplace_) external {
        if (msg.sender != _binder || _state.marketplace != address(0) || marketplace_ == address(0)) {
            revert PointsBindRefused(msg.sender);
        }
        _state.marketplace = marketplace_;
        emit MarketplaceBound(marketplace_);
    }

    /// @inheritdoc IRewardPoints
    function setMintConfig(uint256 orderCap, uint256 epochCap, uint256 accountEpochCap, uint256 reviewPoints_)
        external
        onlyOwner
    {
        _setMintConfig(orderCap, epochCap, accountEpochCap, reviewPoints_);
    }

    /* VIEWS */

    /// @inheritdoc IRewardPoints
    function marketplace() external view returns (address) {
        return _state.marketplace;
    }

    /// @inheritdoc IRewardPoints
    function mintState() external view returns (MintState memory) {
        return _state;
    }

    /// @inheritdoc IRewardPoints
    function rules() external view returns (Rules memory) {
        return _rules;
    }

    /// @inheritdoc IRewardPoints
    function reviewPoints() external view returns (uint256) {
        return _rules.reviewPoints;
    }

    /// @inheritdoc IRewardPoints
    /// @dev The equality compares an epoch index, not a balance.
    // slither-disable-next-line incorrect-equality
    function mintedThisEpoch(address account) external view returns (uint256) {
        AccountTally memory t = _tallies[account];
        return t.epoch == block.timestamp / EPOCH_SECONDS ? uint256(t.mintedCenti) * CENTI : 0;
    }

    /* INTERNAL */

    function _onlyMarketplace() private view returns (MintState memory s) {
        s = _state;
        if (msg.sender != s.marketplace) revert PointsOnlyMarketplace(msg.sender);
    }

    /// @dev Mints `centi` hundredths of a point, clipped to what is left of the epoch's cap
    ///      for all accounts and of the account's own cap: farmed orders cannot starve honest
    ///      buyers. The equalities compare an epoch index and an amount, not a balance.
    // slither-disable-next-line incorrect-equality
    function _award(MintState memory s, address account, uint256 centi) private {
        uint256 epoch = block.timestamp / EPOCH_SECONDS;
        uint256 minted = epoch == s.epoch ? s.epochMintedCenti : 0;
        centi = _clip(centi, minted, uint256(s.epochCap) * CENTI_PER_POINT);
        AccountTally memory t = _tallies[account];
        uint256 accountMinted = epoch == t.epoch ? t.mintedCenti : 0;
        centi = _clip(centi, accountMinted, uint256(_rules.accountEpochCap) * CENTI_PER_POINT);
        if (centi == 0) return;
        s.epoch = uint16(epoch);
        s.epochMintedCenti = uint32(minted + centi);
        _state = s;
        _tallies[account] = AccountTally(uint16(epoch), uint32(accountMinted + centi));
        _mint(account, centi * CENTI);
    }

    /// @dev `amount`, clipped to what `minted` leaves of `cap`.
    function _clip(uint256 amount, uint256 minted, uint256 cap) private pure returns (uint256) {
        uint256 left = cap > minted ? cap - minted : 0;
        return amount > left ? left : amount;
    }

    function _setMintConfig(uint256 orderCap, uint256 epochCap, uint256 accountEpochCap, uint256 reviewPoints_)
        private
    {
        // Every lower bound is 0 (a cap or an award of 0 turns that reward off).
        if (orderCap > MAX_ORDER_CAP) revert PointsOrderCapOutOfRange(orderCap, MAX_ORDER_CAP);
        if (epochCap > MAX_EPOCH_CAP) revert PointsEpochCapOutOfRange(epochCap, MAX_EPOCH_CAP);
        if (accountEpochCap > MAX_ACCOUNT_EPOCH_CAP) {
            revert PointsAccountEpochCapOutOfRange(accountEpochCap, MAX_ACCOUNT_EPOCH_CAP);
        }
        if (reviewPoints_ > MAX_REVIEW_POINTS) revert PointsReviewPointsOutOfRange(reviewPoints_, MAX_REVIEW_POINTS);
        MintState storage s = _state;
        s.orderCap = uint16(orderCap);
        s.epochCap = uint24(epochCap);
        _rules = Rules(uint24(accountEpochCap), uint8(reviewPoints_));
        emit MintConfigSet(orderCap, epochCap, accountEpochCap, reviewPoints_);
    }
}
