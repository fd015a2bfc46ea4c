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
    /// @param escrowed Per token: the marketplace's own book of open escrows (`escrowed`).
    /// @param creditsOutstanding Per token: the marketplace's own sum of credits.
    /// @param credits Token-major, tokens x accounts: `credits(account, token)`.
    /// @param tokenBalances Token-major, tokens x accounts: the accounts' balances.
    /// @param orders Per order id: `getOrder`.
    /// @param pointsSupply Reward points in existence.
    /// @param pointsInMarket Points the marketplace holds (escrowed redemptions).
    /// @param pointsInStaking Points the staking contract holds (stakes and pending unstakes).
    /// @param pointBalances Per account: liquid points.
    /// @param totalStaked The staking contract's `totalStaked`.
    /// @param undistributed Per reward token: the staking contract's `rewardsRemaining`.
    /// @param rewardBalances Per reward token: what the staking contract holds of it.
    /// @param stakes Per account: its position.
    /// @param pastVotes Per query i: `getPastVotes(voters[i], timepoints[i])`.
    /// @param pastTotalSupply Per query i: `getPastTotalSupply(timepoints[i])`.
    /// @param listingStocks Per listing id asked for: its stock.
    /// @param timestamp The timestamp the views ran at (the latest block's, for `eth_call`).
    struct Snapshot {
        uint256[] marketBalances;
        uint256[] fees;
        uint256[] escrowed;
        uint256[] creditsOutstanding;
        uint256[] credits;
        uint256[] tokenBalances;
        IEscrowMarketplaceTypes.OrderState[] orders;
        uint256 pointsSupply;
        uint256 pointsInMarket;
        uint256 pointsInStaking;
        uint256[] pointBalances;
        uint256 totalStaked;
        uint256[] undistributed;
        uint256[] rewardBalances;
        Stake[] stakes;
        uint256[] pastVotes;
        uint256[] pastTotalSupply;
        uint256[] listingStocks;
        uint256 timestamp;
    }

    /// @notice One account's staking position, votes and rewards (per reward token) now.
    struct Stake {
        uint256 staked;
        IPointsStaking.Pending pending;
        uint256 votes;
        uint256[] earned;
        address delegatee;
    }

    /// @notice The contracts read.
    struct System {
        IEscrowMarketplace market;
        IERC20 points;
        IPointsStaking staking;
        IERC20[] rewardTokens;
    }

    /// @notice What else to read: the past-votes queries (`voters[i]` at `timepoints[i]`, each
    ///         before the current block's timestamp) and the listings whose stock is read.
    struct Queries {
        address[] voters;
        uint256[] timepoints;
        uint256[] listingIds;
    }

    /// @notice Reads everything.
    function read(
        System calldata sys,
        IERC20[] calldata tokens,
        address[] calldata accounts,
        bytes32[] calldata orderIds,
        Queries calldata q
    ) external view returns (Snapshot memory s) {
        s.timestamp = block.timestamp;
        _readMarket(s, sys.market, tokens, accounts, orderIds);
        _readPoints(s, sys, accounts);
        _readStaking(s, sys, accounts);
        _readQueries(s, sys, q);
    }

    function _readStaking(Snapshot memory s, System calldata sys, address[] calldata accounts) private view {
        s.stakes = new Stake[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            s.stakes[i] = _stake(sys.staking, sys.rewardTokens, accounts[i]);
        }
        s.totalStaked = sys.staking.totalStaked();
        uint256 r = sys.rewardTokens.length;
        s.undistributed = new uint256[](r);
        s.rewardBalances = new uint256[](r);
        for (uint256 k = 0; k < r; ++k) {
            s.undistributed[k] = sys.staking.rewardsRemaining(address(sys.rewardTokens[k]));
            s.rewardBalances[k] = sys.rewardTokens[k].balanceOf(address(sys.staking));
        }
    }

    function _readQueries(Snapshot memory s, System calldata sys, Queries calldata q) private view {
        IVotes votes = IVotes(address(sys.staking));
        s.pastVotes = new uint256[](q.voters.length);
        s.pastTotalSupply = new uint256[](q.voters.length);
        for (uint256 i = 0; i < q.voters.length; ++i) {
            s.pastVotes[i] = votes.getPastVotes(q.voters[i], q.timepoints[i]);
            s.pastTotalSupply[i] = votes.getPastTotalSupply(q.timepoints[i]);
        }
        s.listingStocks = new uint256[](q.listingIds.length);
        for (uint256 i = 0; i < q.listingIds.length; ++i) {
            s.listingStocks[i] = sys.market.getListing(q.listingIds[i]).stock;
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

    function _stake(IPointsStaking staking, IERC20[] calldata rewardTokens, address a)
        private
        view
        returns (Stake memory stake)
    {
        IVotes votes = IVotes(address(staking));
        stake.staked = staking.balanceOf(a);
        stake.pending = staking.pendingUnstake(a);
        stake.votes = votes.getVotes(a);
        stake.delegatee = votes.delegates(a);
        stake.earned = new uint256[](rewardTokens.length);
        for (uint256 k = 0; k < rewardTokens.length; ++k) {
            stake.earned[k] = staking.earned(a, address(rewardTokens[k]));
        }
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
        s.escrowed = new uint256[](tokens.length);
        s.creditsOutstanding = new uint256[](tokens.length);
        s.credits = new uint256[](tokens.length * n);
        s.tokenBalances = new uint256[](tokens.length * n);
        for (uint256 t = 0; t < tokens.length; ++t) {
            IERC20 token = tokens[t];
            s.marketBalances[t] = token.balanceOf(address(market));
            s.fees[t] = market.feesAccrued(address(token));
            s.escrowed[t] = market.escrowed(address(token));
            s.creditsOutstanding[t] = market.creditsOutstanding(address(token));
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
