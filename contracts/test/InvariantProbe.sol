// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

import {IEscrowMarketplaceTypes} from "../../interfaces/IEscrowMarketplaceTypes.sol";
import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";
import {OrderId} from "../../interfaces/OrderId.sol";
import {IPointsStaking} from "../../interfaces/IPointsStaking.sol";

/// @title InvariantProbe
/// @notice Tests only: reads, through the contracts' public views alone, everything the
///         stateful invariant suite checks after each step, in one `eth_call` (one round trip
///         instead of a few hundred).
contract InvariantProbe {
    /// @notice What the invariant suite compares with its model after every step.
    /// @param marketBalances Per token: the marketplace's balance.
    /// @param fees Per token: `feesAccrued`.
    /// @param credits Token-major, tokens x accounts: `credits(account, token)`.
    /// @param tokenBalances Token-major, tokens x accounts: the accounts' balances.
    /// @param orders Per order id: `getOrder`.
    /// @param pointsSupply Reward points in existence.
    /// @param pointsInMarket Points the marketplace holds (escrowed redemptions).
    /// @param pointsInStaking Points the staking contract holds (stakes and pending unstakes).
    /// @param pointBalances Per account: liquid points.
    /// @param totalStaked The staking contract's `totalStaked`.
    /// @param undistributed The staking contract's `rewardsRemaining` of the reward token.
    /// @param rewardBalance Reward tokens held by the staking contract.
    /// @param stakes Per account: its position.
    /// @param pastVotes Per query i: `getPastVotes(voters[i], timepoints[i])`.
    /// @param pastTotalSupply Per query i: `getPastTotalSupply(timepoints[i])`.
    /// @param timestamp The timestamp the views ran at (the latest block's, for `eth_call`).
    struct Snapshot {
        uint256[] marketBalances;
        uint256[] fees;
        uint256[] credits;
        uint256[] tokenBalances;
        IEscrowMarketplaceTypes.OrderState[] orders;
        uint256 pointsSupply;
        uint256 pointsInMarket;
        uint256 pointsInStaking;
        uint256[] pointBalances;
        uint256 totalStaked;
        uint256 undistributed;
        uint256 rewardBalance;
        Stake[] stakes;
        uint256[] pastVotes;
        uint256[] pastTotalSupply;
        uint256 timestamp;
    }

    /// @notice One account's staking position, votes and rewards (in the reward token) now.
    struct Stake {
        uint256 staked;
        IPointsStaking.Pending pending;
        uint256 votes;
        uint256 earned;
        address delegatee;
    }

    /// @notice The contracts read.
    struct System {
        IEscrowMarketplace market;
        IERC20 points;
        IPointsStaking staking;
        IERC20 rewardToken;
    }

    /// @notice Reads everything; `voters` and `timepoints` are the past-votes queries (each
    ///         timepoint before the current block's timestamp).
    function read(
        System calldata sys,
        IERC20[] calldata tokens,
        address[] calldata accounts,
        bytes32[] calldata orderIds,
        address[] calldata voters,
        uint256[] calldata timepoints
    ) external view returns (Snapshot memory s) {
        s.timestamp = block.timestamp;
        _readMarket(s, sys.market, tokens, accounts, orderIds);
        _readPoints(s, sys, accounts);
        s.stakes = new Stake[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            s.stakes[i] = _stake(sys.staking, address(sys.rewardToken), accounts[i]);
        }
        s.totalStaked = sys.staking.totalStaked();
        s.undistributed = sys.staking.rewardsRemaining(address(sys.rewardToken));
        s.rewardBalance = sys.rewardToken.balanceOf(address(sys.staking));
        IVotes votes = IVotes(address(sys.staking));
        s.pastVotes = new uint256[](voters.length);
        s.pastTotalSupply = new uint256[](voters.length);
        for (uint256 i = 0; i < voters.length; ++i) {
            s.pastVotes[i] = votes.getPastVotes(voters[i], timepoints[i]);
            s.pastTotalSupply[i] = votes.getPastTotalSupply(timepoints[i]);
        }
    }

    function _readPoints(Snapshot memory s, System calldata sys, address[] calldata accounts) private view {
        s.pointsSupply = sys.points.totalSupply();
        s.pointsInMarket = sys.points.balanceOf(address(sys.market));
        s.pointsInStaking = sys.points.balanceOf(address(sys.staking));
        s.pointBalances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            s.pointBalances[i] = sys.points.balanceOf(accounts[i]);
        }
    }

    function _stake(IPointsStaking staking, address rewardToken, address a) private view returns (Stake memory) {
        IVotes votes = IVotes(address(staking));
        return Stake({
            staked: staking.balanceOf(a),
            pending: staking.pendingUnstake(a),
            votes: votes.getVotes(a),
            earned: staking.earned(a, rewardToken),
            delegatee: votes.delegates(a)
        });
    }

    function _readMarket(
        Snapshot memory s,
        IEscrowMarketplace market,
        IERC20[] calldata tokens,
        address[] calldata accounts,
        bytes32[] calldata orderIds
    ) private view {
        uint256 n = accounts.length;
        s.marketBalances = new uint256[](tokens.length);
        s.fees = new uint256[](tokens.length);
        s.credits = new uint256[](tokens.length * n);
        s.tokenBalances = new uint256[](tokens.length * n);
        for (uint256 t = 0; t < tokens.length; ++t) {
            IERC20 token = tokens[t];
            s.marketBalances[t] = token.balanceOf(address(market));
            s.fees[t] = market.feesAccrued(address(token));
            for (uint256 i = 0; i < n; ++i) {
                s.credits[t * n + i] = market.credits(accounts[i], address(token));
                s.tokenBalances[t * n + i] = token.balanceOf(accounts[i]);
            }
        }
        s.orders = new IEscrowMarketplaceTypes.OrderState[](orderIds.length);
        for (uint256 i = 0; i < orderIds.length; ++i) {
            s.orders[i] = market.getOrder(OrderId.wrap(orderIds[i]));
        }
    }
}
