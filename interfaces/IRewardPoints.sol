// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBazaarRewards} from "./IBazaarRewards.sol";

/// @title IRewardPoints
/// @notice Loyalty points (ERC-20 + ERC-2612 permit, 18 decimals, no votes on the liquid
///         token). Minted only by the marketplace, which is fixed at deployment: when an order
///         completes (confirmed or released; never refunded, cancelled or disputed orders, and
///         never an order whose buyer is its seller), on the USD that settled to the seller at
///         the rate the order fixed at checkout, with a per-order cap, a per-epoch cap for all
///         accounts and one per account; and a small capped amount for the buyer's review of a
///         completed order above the marketplace's minimum value.
///         Awards clip to what is left of the epoch's cap; amounts are counted in hundredths
///         of a point (an order earns whole cents' worth).
///         Points redeemed at checkout move into the marketplace's escrow and are burned when
///         the order completes or is ruled, or returned when it is refunded or cancelled.
///         Governance (the timelock) sets the rate and caps inside bounds written in code and
///         has no way to mint.
interface IRewardPoints is IBazaarRewards {
    /// @notice The marketplace, the governed minting parameters and the current epoch's tally,
    ///         in one slot (one read and one write per award).
    /// @param marketplace The only minter (bound once at set-up).
    /// @param orderCap Most whole points one order earns.
    /// @param epochCap Most whole points minted per epoch (`EPOCH_SECONDS`), all accounts.
    /// @param epoch Index of the epoch the tally belongs to.
    /// @param epochMintedCenti Hundredths of a point minted in that epoch.
    struct MintState {
        address marketplace;
        uint16 orderCap;
        uint24 epochCap;
        uint16 epoch;
        uint32 epochMintedCenti;
    }

    /// @notice Per-account limits, in one slot read only when minting.
    /// @param accountEpochCap Most whole points one account is minted per epoch.
    /// @param reviewPoints Whole points for a rewarded review.
    struct Rules {
        uint24 accountEpochCap;
        uint8 reviewPoints;
    }

    /// @notice What one account was minted in epoch `epoch`, in hundredths of a point.
    struct AccountTally {
        uint16 epoch;
        uint32 mintedCenti;
    }

    /// @notice The marketplace was bound (once, at set-up).
    event MarketplaceBound(address indexed marketplace);
    /// @notice Governance set the minting parameters.
    event MintConfigSet(uint256 orderCap, uint256 epochCap, uint256 accountEpochCap, uint256 reviewPoints);
    /// @notice The marketplace escrowed `amount` of `buyer`'s points for a discount.
    event PointsEscrowed(address indexed buyer, uint256 amount);

    /// @notice Only the marketplace may call this.
    error PointsOnlyMarketplace(address caller);
    /// @notice The marketplace is already bound, or `caller` may not bind it.
    error PointsBindRefused(address caller);
    /// @notice A per-order cap above `max` whole points.
    /// @param value The cap refused.
    /// @param max The largest cap (`MAX_ORDER_CAP`).
    error PointsOrderCapOutOfRange(uint256 value, uint256 max);
    /// @notice A per-epoch cap for all accounts above `max` whole points.
    /// @param value The cap refused.
    /// @param max The largest cap (`MAX_EPOCH_CAP`).
    error PointsEpochCapOutOfRange(uint256 value, uint256 max);
    /// @notice A per-epoch cap per account above `max` whole points.
    /// @param value The cap refused.
    /// @param max The largest cap (`MAX_ACCOUNT_EPOCH_CAP`).
    error PointsAccountEpochCapOutOfRange(uint256 value, uint256 max);
    /// @notice A review award above `max` whole points.
    /// @param value The award refused.
    /// @param max The largest award (`MAX_REVIEW_POINTS`).
    error PointsReviewPointsOutOfRange(uint256 value, uint256 max);

    /* CONSTANTS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Minting epochs last 7 days.
    function EPOCH_SECONDS() external view returns (uint256);

    /// @notice Highest cap of points one order may mint: 10,000 whole points. (The reward rate,
    ///         points per USD, is the marketplace's, fixed in each order at checkout.)
    function MAX_ORDER_CAP() external view returns (uint256);

    /// @notice Highest cap of points minted per epoch, all accounts: 10,000,000 whole points.
    function MAX_EPOCH_CAP() external view returns (uint256);

    /// @notice Highest cap of points one account may receive per epoch: 1,000,000 whole points.
    function MAX_ACCOUNT_EPOCH_CAP() external view returns (uint256);

    /// @notice Most whole points a review may earn: 50.
    function MAX_REVIEW_POINTS() external view returns (uint256);
    // slither-disable-end naming-convention

    /// @notice Governance sets the minting limits (each bounded in code): whole points per
    ///         order, per epoch for all accounts, per epoch per account, and per review.
    function setMintConfig(uint256 orderCap, uint256 epochCap, uint256 accountEpochCap, uint256 reviewAward) external;

    /// @notice The marketplace moves `amount` of `buyer`'s points into its escrow (a checkout
    ///         redeeming points; the buyer signed that checkout).
    function escrowFrom(address buyer, uint256 amount) external;

    /// @notice The marketplace burns `amount` of the points it holds in escrow.
    function burnEscrowed(uint256 amount) external;

    /// @notice Binds the marketplace; once, by the deployer, at set-up.
    function bindMarketplace(address marketplace_) external;

    /// @notice The marketplace that mints (zero until bound).
    function marketplace() external view returns (address);

    /// @notice The minting parameters and the current tally.
    function mintState() external view returns (MintState memory);

    /// @notice Whole points for a verified review.
    function reviewPoints() external view returns (uint256);

    /// @notice The per-account limits.
    function rules() external view returns (Rules memory);

    /// @notice Point units `account` was minted in the current epoch.
    function mintedThisEpoch(address account) external view returns (uint256);
}
