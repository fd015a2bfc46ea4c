// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDigitalGoods} from "../../interfaces/IDigitalGoods.sol";
import {IEscrowMarketplaceTypes} from "../../interfaces/IEscrowMarketplaceTypes.sol";
import {IRewardPoints} from "../../interfaces/IRewardPoints.sol";
import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";

/// @title MarketplaceStorage
/// @notice The marketplace's constants and storage, shared by the marketplace and its
///         extension (`MarketplaceAdmin`, which runs by DELEGATECALL on this same storage):
///         both inherit this one layout and declare no storage of their own.
abstract contract MarketplaceStorage is IEscrowMarketplaceTypes, Ownable2Step, ReentrancyGuardTransient {
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

    /// @notice Largest share of a price a seller may let buyers pay in points: 20 %.
    uint256 public constant MAX_POINTS_DISCOUNT_BPS = 2_000;

    /* STORAGE */

    IWbtcUsdOracle public immutable oracle;
    /// @notice The digital-goods contract (zero: no digital listings).
    IDigitalGoods public immutable goods;
    /// @notice The reward-points contract (zero: no rewards, no redemption).
    IRewardPoints public immutable rewards;

    // The marketplace and its extension share this storage: slither, reading each contract
    // alone, takes what only the other one writes (or reads) for never written, constant or
    // unused. Each line below carries that one justification.
    Config public config;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address public treasury;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address public guardian;
    /// @notice Where the stakers' share of fees is streamed (zero: none), and that share.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address public staking;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    uint16 public stakerShareBps;

    /// @notice Payment token with id `id` (ids from 1).
    mapping(uint256 id => address) public paymentToken;
    /// @dev Per token: its payment id, the escrow held and the fees accrued, in one slot.
    mapping(address token => TokenBook) internal _books;
    /// @notice Whether `account` may be chosen as arbiter of new orders.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address account => bool) public isActiveArbiter;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address account => bool) public isCarrier;
    mapping(uint256 listingId => Listing) internal _listings;
    /// @dev One slot per order, keyed by the hash of its terms.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(OrderId orderId => OrderState) internal _orders;
    /// @dev Credits of failed payouts, per account and token, and their total per token.
    mapping(address account => mapping(address token => uint256)) internal _credits;
    mapping(address token => uint256) internal _creditsOutstanding;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address seller => Rating) internal _ratings;

    constructor(IWbtcUsdOracle oracle_, IDigitalGoods goods_, IRewardPoints rewards_) {
        oracle = oracle_;
        goods = goods_;
        rewards = rewards_;
    }

    /* INTERNAL */

    function _whenNotPaused() internal view {
        if (config.paused) revert MarketplacePaused();
    }

    /// @dev What the buyer pays for `lockedAmount`: itself, or the buffered deposit.
    function _payment(uint256 lockedAmount, uint256 bufferBps) internal pure returns (uint256) {
        return bufferBps == 0 ? lockedAmount : SettlementMath.bufferedDeposit(lockedAmount, bufferBps);
    }

    function _requireAccepted(uint256 tokenMask, uint256 id, address token) internal pure {
        if (id == 0 || tokenMask & (1 << (id - 1)) == 0) revert MarketplaceTokenNotAccepted(token);
    }
}
