// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IDigitalGoods} from "../../interfaces/IDigitalGoods.sol";
import {IEscrowMarketplaceTypes} from "../../interfaces/IEscrowMarketplaceTypes.sol";
import {IRewardPoints} from "../../interfaces/IRewardPoints.sol";
import {IWbtcUsdOracle} from "../../interfaces/IWbtcUsdOracle.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {SettlementMath} from "../libraries/SettlementMath.sol";

/// @title MarketplaceStorage
/// @notice The marketplace's storage, shared by the marketplace and its
///         extensions (`MarketplaceAdmin` and `MarketplaceOffers`, which run by DELEGATECALL on
///         this same storage): all inherit this one layout and declare no storage of their own.
abstract contract MarketplaceStorage is IEscrowMarketplaceTypes, Ownable2Step, ReentrancyGuardTransient {
    /* STORAGE */

    IWbtcUsdOracle internal immutable _oracle;
    /// @dev The digital-goods contract (zero: no digital listings).
    IDigitalGoods internal immutable _goods;
    /// @dev The reward-points contract (zero: no rewards, no redemption).
    IRewardPoints internal immutable _rewards;

    // The marketplace and its extension share this storage: slither, reading each contract
    // alone, takes what only the other one writes (or reads) for never written, constant or
    // unused. Each line below carries that one justification.
    // slither-disable-next-line uninitialized-state
    Config internal _config;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address internal _treasury;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address internal _guardian;
    /// @dev Where the stakers' share of fees is streamed (zero: none), and that share.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    address internal _staking;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    uint16 internal _stakerShareBps;

    /// @dev Payment token with id `id` (ids from 1).
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(uint256 id => address) internal _paymentTokens;
    /// @dev Per token: its payment id, the escrow held and the fees accrued, in one slot.
    mapping(address token => TokenBook) internal _books;
    /// @dev The accounts that may be chosen as arbiter of new orders (at most
    ///      `MAX_ACTIVE_ARBITERS`: governance adds them, so the list stays readable in one call).
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    EnumerableSet.AddressSet internal _arbiters;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address account => bool) internal _isCarrier;
    mapping(uint256 listingId => Listing) internal _listings;
    /// @dev One slot per order, keyed by the hash of its terms.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(OrderId orderId => OrderState) internal _orders;
    /// @dev Credits of failed payouts, per account and token, and their total per token.
    // slither-disable-next-line unused-state
    mapping(address account => mapping(address token => uint256)) internal _credits;
    // slither-disable-next-line unused-state
    mapping(address token => uint256) internal _creditsOutstanding;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address seller => Rating) internal _ratings;
    /// @dev The referrers each seller enrolled (`setReferrer`): only they earn its listings'
    ///      commissions. Appended last: the layout above is unchanged.
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address seller => mapping(address referrer => bool)) internal _referrers;
    /// @dev Units sold of each signed offer, by its hash (`type(uint256).max`: cancelled);
    ///      and each seller's offer counter. Appended last: the layout above is unchanged.
    // slither-disable-next-line unused-state
    mapping(bytes32 offerHash => uint256) internal _offerFilled;
    // slither-disable-next-line uninitialized-state,constable-states,immutable-states,unused-state
    mapping(address seller => uint256) internal _offerCounters;

    constructor(IWbtcUsdOracle oracle_, IDigitalGoods goods_, IRewardPoints rewards_) {
        _oracle = oracle_;
        _goods = goods_;
        _rewards = rewards_;
    }

    /* INTERNAL */

    function _whenNotPaused() internal view {
        if (_config.paused) revert MarketplacePaused();
    }

    /// @dev What the buyer pays for `lockedAmount`: itself, or the buffered deposit.
    function _payment(uint256 lockedAmount, uint256 bufferBps) internal pure returns (uint256) {
        return bufferBps == 0 ? lockedAmount : SettlementMath.bufferedDeposit(lockedAmount, bufferBps);
    }

    function _requireAccepted(uint256 tokenMask, uint256 id, address token) internal pure {
        if (id == 0 || tokenMask & (1 << (id - 1)) == 0) revert MarketplaceTokenNotAccepted(token);
    }
}
