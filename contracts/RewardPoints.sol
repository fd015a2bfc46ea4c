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
    /// @notice Minting epochs last 7 days.
    uint256 public constant EPOCH_SECONDS = 7 days;
    /// @notice Bounds of the governed parameters (whole points).
    uint256 public constant MAX_POINTS_PER_USD = 10;
    uint256 public constant MAX_ORDER_CAP = 10_000;
    uint256 public constant MAX_EPOCH_CAP = 10_000_000;
    uint256 public constant MAX_REVIEW_POINTS = 50;
    /// @dev Point units per hundredth of a point.
    uint256 private constant CENTI = 1e16;
    uint256 private constant CENTI_PER_POINT = 100;

    /// @dev Who may bind the marketplace, once.
    address private immutable _binder;

    MintState private _state;
    /// @inheritdoc IRewardPoints
    uint256 public reviewPoints;

    /// @param initialOwner Governance (the timelock).
    constructor(address initialOwner)
        ERC20("BTC Bazaar Points", "BZP")
        ERC20Permit("BTC Bazaar Points")
        Ownable(initialOwner)
    {
        _binder = msg.sender;
        // 1 point per USD, at most 1,000 per order and 1,000,000 per week, 5 per review.
        _setMintConfig(1, 1_000, 1_000_000, 5);
    }

    /* MINTING (marketplace only, through its rewards hook) */

    /// @inheritdoc IBazaarRewards
    function onOrderCompleted(uint256, address buyer, address seller, uint256 usdCents) external {
        MintState memory s = _onlyMarketplace();
        if (buyer == seller) return; // the marketplace refuses such orders; never rewarded
        uint256 centi = usdCents * s.pointsPerUsd; // 1 cent at 1 point per USD: 1 centipoint
        uint256 orderCap = uint256(s.orderCap) * CENTI_PER_POINT;
        _award(s, buyer, centi > orderCap ? orderCap : centi);
    }

    /// @inheritdoc IBazaarRewards
    function onReview(uint256, address buyer) external {
        MintState memory s = _onlyMarketplace();
        _award(s, buyer, reviewPoints * CENTI_PER_POINT);
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
    function setMintConfig(uint256 pointsPerUsd, uint256 orderCap, uint256 epochCap, uint256 reviewPoints_)
        external
        onlyOwner
    {
        _setMintConfig(pointsPerUsd, orderCap, epochCap, reviewPoints_);
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

    /* INTERNAL */

    function _onlyMarketplace() private view returns (MintState memory s) {
        s = _state;
        if (msg.sender != s.marketplace) revert PointsOnlyMarketplace(msg.sender);
    }

    /// @dev Mints `centi` hundredths of a point, clipped to what is left of the epoch's cap.
    ///      The equalities compare an epoch index and an amount, not a balance.
    // slither-disable-next-line incorrect-equality
    function _award(MintState memory s, address account, uint256 centi) private {
        uint256 epoch = block.timestamp / EPOCH_SECONDS;
        uint256 minted = epoch == s.epoch ? s.epochMintedCenti : 0;
        uint256 cap = uint256(s.epochCap) * CENTI_PER_POINT;
        uint256 left = cap > minted ? cap - minted : 0;
        if (centi > left) centi = left;
        if (centi == 0) return;
        s.epoch = uint16(epoch);
        s.epochMintedCenti = uint32(minted + centi);
        _state = s;
        _mint(account, centi * CENTI);
    }

    function _setMintConfig(uint256 pointsPerUsd, uint256 orderCap, uint256 epochCap, uint256 reviewPoints_) private {
        _checkAtMost("pointsPerUsd", pointsPerUsd, MAX_POINTS_PER_USD);
        _checkAtMost("orderCap", orderCap, MAX_ORDER_CAP);
        _checkAtMost("epochCap", epochCap, MAX_EPOCH_CAP);
        _checkAtMost("reviewPoints", reviewPoints_, MAX_REVIEW_POINTS);
        MintState storage s = _state;
        s.pointsPerUsd = uint8(pointsPerUsd);
        s.orderCap = uint16(orderCap);
        s.epochCap = uint24(epochCap);
        reviewPoints = reviewPoints_;
        emit MintConfigSet(pointsPerUsd, orderCap, epochCap, reviewPoints_);
    }

    /// @dev Every setting's lower bound is 0 (a rate or cap of 0 turns that reward off).
    function _checkAtMost(string memory what, uint256 value, uint256 max) private pure {
        if (value > max) revert PointsOutOfRange(what, value, 0, max);
    }
}
