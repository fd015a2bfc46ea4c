// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/// @title IWbtcUsdOracle
/// @notice Price adapter of the marketplace: turns USD amounts (8 decimals) into payment-token
///         units and back, from Chainlink-style feeds, and fails closed.
///
///         A payment token is priced from two legs, each checked on its own:
///         - the USD leg: its reference asset in USD (BTC/USD for WBTC). Unset for a USD
///           stablecoin, whose reference is USD itself;
///         - the peg leg: the token in its reference asset (WBTC/BTC, USDC/USD). The token is
///           valued at no more than 1 reference unit, and new quotes halt when the peg falls
///           below the token's depeg floor.
///         Every read checks, per leg: the call succeeds within a gas cap, round id non-zero,
///         answer > 0, startedAt and updatedAt non-zero and not in the future, age within the
///         leg's staleness limit, decimals as recorded when the token was configured, answer
///         within the leg's sanity bounds (given with 8 decimals, compared exactly). On an L2, an optional sequencer-uptime feed must
///         report "up" for longer than a grace period. There is no "last good price".
///
///         Configuration is owned by the timelock (two-step ownership) and bounded in code.
///
///         Versions. A token's configurations are numbered from 1 and append-only: a new
///         `configureToken` adds a version that new quotes use; every earlier version stays
///         readable for ever. An order records the version it was priced with and settles
///         against that version (`settlementQuote`), so no configuration change reaches
///         orders already in flight. A new version must quote when it is added, and its price
///         may not deviate from the latest version's by more than `MAX_VERSION_DEVIATION_BPS`
///         (checked whenever the latest version can still be read).
///
///         Outages. Settlement reads accept answers up to `SETTLEMENT_STALENESS_FACTOR` times
///         the leg's staleness limit (limits are set at or above the feeds' heartbeats, so a
///         settlement read only fails after missed heartbeats, a failing feed or a sequencer
///         outage). Anyone may record that a version cannot be read (`recordOutage`); anyone
///         may clear the record once it can be read again. The marketplace falls back to the
///         amount locked at checkout only after a recorded outage longer than its bound.
interface IWbtcUsdOracle {
    /* TYPES */

    /// @notice Limits of one feed leg, as given to `configureToken`.
    /// @param feed The Chainlink-style feed (zero: leg unused; only the USD leg may be unused).
    /// @param maxStaleness Largest accepted age of the answer, in seconds (1 minute..72 hours).
    /// @param minAnswer Smallest sane answer, with 8 decimals whatever the feed's decimals
    ///        (inclusive, > 0; compared exactly).
    /// @param maxAnswer Largest sane answer, with 8 decimals (inclusive).
    struct LegInput {
        AggregatorV3Interface feed;
        uint32 maxStaleness;
        uint64 minAnswer;
        uint64 maxAnswer;
    }

    /// @notice Everything about a payment token, as given to `configureToken`.
    /// @param usdLeg The reference asset in USD (BTC/USD); feed zero for a USD stablecoin.
    /// @param pegLeg The token in its reference asset (WBTC/BTC, USDC/USD).
    /// @param depegFloor Peg ratio below which new quotes halt, 1e8 = 1.0 (0.90e8..1e8).
    struct TokenInput {
        LegInput usdLeg;
        LegInput pegLeg;
        uint32 depegFloor;
    }

    /// @notice One configuration version of a payment token, packed in 3 slots (each quote loads
    ///         all three):
    ///         slot 0: pegFeed, pegFeedDecimals, pegMaxStaleness, tokenDecimals, depegFloor, enabled
    ///         slot 1: usdFeed, usdFeedDecimals, usdMaxStaleness, version (24 bits left)
    ///         slot 2: the four sanity bounds, with 8 decimals
    ///         `enabled` is meaningful in the latest version only (archived versions hold false:
    ///         they price no new quotes).
    struct TokenConfig {
        AggregatorV3Interface pegFeed;
        uint8 pegFeedDecimals;
        uint32 pegMaxStaleness;
        uint8 tokenDecimals;
        uint32 depegFloor;
        bool enabled;
        AggregatorV3Interface usdFeed;
        uint8 usdFeedDecimals;
        uint32 usdMaxStaleness;
        uint32 version;
        uint64 pegMinAnswer;
        uint64 pegMaxAnswer;
        uint64 usdMinAnswer;
        uint64 usdMaxAnswer;
    }

    /// @notice A price and the feed data it came from. Taken at checkout it is the price lock.
    /// @param tokenAmount Token units for `usdAmount`, rounded up (toward the seller).
    /// @param usdAmount The USD amount, 8 decimals.
    /// @param usdLegAnswer Answer of the USD leg (0 when the token has none).
    /// @param pegLegAnswer Answer of the peg leg, before the 1.0 cap.
    /// @param usdLegUpdatedAt updatedAt of the USD leg's round (0 when none).
    /// @param pegLegUpdatedAt updatedAt of the peg leg's round.
    /// @param quotedAt Block timestamp of the quote (the lock time at checkout).
    /// @param version The token's configuration version that priced it (orders record it).
    struct Quote {
        uint256 tokenAmount;
        uint256 usdAmount;
        int256 usdLegAnswer;
        int256 pegLegAnswer;
        uint64 usdLegUpdatedAt;
        uint64 pegLegUpdatedAt;
        uint64 quotedAt;
        uint32 version;
    }

    /* EVENTS */

    /// @notice `token` is priced with these legs from now on, as configuration `version`
    ///         (decimals recorded now). `deviationChecked`: the latest version could be read
    ///         and the new price is within `MAX_VERSION_DEVIATION_BPS` of it.
    event TokenConfigured(
        address indexed token,
        uint32 indexed version,
        bool deviationChecked,
        uint8 tokenDecimals,
        LegInput usdLeg,
        uint8 usdFeedDecimals,
        LegInput pegLeg,
        uint8 pegFeedDecimals,
        uint32 depegFloor
    );

    /// @notice `token` can no longer be quoted for new orders (settlements of earlier orders
    ///         go on against their versions).
    event TokenDisabled(address indexed token);

    /// @notice Version `version` of `token` could not be read at settlement; recorded at `since`.
    event OutageRecorded(address indexed token, uint32 indexed version, uint256 since);

    /// @notice The outage of version `version` of `token`, recorded at `since`, was seen again
    ///         at `at` (the record stays live for `OUTAGE_CONFIRMATION_SECONDS` more).
    event OutageConfirmed(address indexed token, uint32 indexed version, uint256 since, uint256 at);

    /// @notice Version `version` of `token` can be read again; the outage record is cleared.
    event OutageCleared(address indexed token, uint32 indexed version, uint256 since);

    /* ERRORS: reads */

    /// @notice `token` is not configured or was disabled.
    error OracleTokenNotSupported(address token);
    /// @notice Calling `feed` reverted, ran out of its gas cap, or returned malformed data.
    error OracleFeedCallFailed(address feed);
    /// @notice `feed` reported round id zero.
    error OracleRoundInvalid(address feed, uint80 roundId);
    /// @notice `feed` reported an answer that is zero or negative.
    error OracleAnswerNotPositive(address feed, int256 answer);
    /// @notice `feed` reported a zero startedAt or updatedAt.
    error OracleTimestampMissing(address feed, uint256 startedAt, uint256 updatedAt);
    /// @notice `feed` reported an updatedAt later than the current block.
    error OracleTimestampInFuture(address feed, uint256 updatedAt, uint256 blockTimestamp);
    /// @notice `feed`'s answer is older than its leg's staleness limit.
    error OracleStale(address feed, uint256 updatedAt, uint256 maxStaleness);
    /// @notice `feed` now reports other decimals than were recorded when it was configured.
    error OracleDecimalsChanged(address feed, uint8 recorded, uint8 reported);
    /// @notice `feed`'s answer (in its own units) is outside its leg's sanity bounds (given
    ///         with 8 decimals).
    error OracleAnswerOutOfBounds(address feed, uint256 answer, uint256 minAnswer, uint256 maxAnswer);
    /// @notice `token`'s peg (1e8 = 1.0) is below its depeg floor: new quotes halt.
    error OracleDepegged(address token, uint256 pegRatio, uint256 depegFloor);
    /// @notice The L2 sequencer is reported down.
    error OracleSequencerDown(address feed);
    /// @notice The L2 sequencer came back up at `upSince`, less than `gracePeriod` ago.
    error OracleSequencerGracePeriod(address feed, uint256 upSince, uint256 gracePeriod);
    /// @notice The sequencer feed reported a status other than 0 (up) or 1 (down), or a
    ///         startedAt that is zero or in the future.
    error OracleSequencerStatusInvalid(address feed, int256 status, uint256 startedAt);

    /// @notice `token` has no configuration `version` (versions run from 1 to the latest).
    error OracleVersionUnknown(address token, uint256 version);
    /// @notice `recordOutage` of a version that can be read and has no outage recorded.
    error OracleNoOutage(address token, uint256 version);

    /* ERRORS: configuration */

    /// @notice A required address is zero.
    error OracleZeroAddress();
    /// @notice The constructor got `tokens` tokens but `inputs` configurations.
    error OracleConfigLengthMismatch(uint256 tokens, uint256 inputs);
    /// @notice `token` reports decimals outside 0..18.
    error OracleTokenDecimalsOutOfRange(address token, uint8 decimals);
    /// @notice `feed` reports decimals outside 0..18.
    error OracleFeedDecimalsOutOfRange(address feed, uint8 decimals);
    /// @notice A staleness limit outside `minStaleness`..`maxStaleness` seconds.
    error OracleStalenessOutOfRange(uint256 staleness, uint256 minStaleness, uint256 maxStaleness);
    /// @notice Sanity bounds that are not 0 < min < max.
    error OracleAnswerBoundsInvalid(uint256 minAnswer, uint256 maxAnswer);
    /// @notice A depeg floor outside `minFloor`..`maxFloor` (1e8 = 1.0).
    error OracleDepegFloorOutOfRange(uint256 depegFloor, uint256 minFloor, uint256 maxFloor);
    /// @notice Peg-leg sanity bounds outside `minAllowed`..`maxAllowed` (8 decimals).
    error OraclePegBoundsOutOfRange(uint256 minAnswer, uint256 maxAnswer, uint256 minAllowed, uint256 maxAllowed);
    /// @notice USD-leg sanity bounds wider than `maxRatio` (maxAnswer / minAnswer).
    error OracleAnswerRangeTooWide(uint256 minAnswer, uint256 maxAnswer, uint256 maxRatio);
    /// @notice A new version that cannot be quoted now (its feeds fail a check).
    error OracleNewVersionUnreadable(address token);
    /// @notice A new version whose price for one whole token, `newPrice` (USD, 8 decimals),
    ///         deviates from the latest version's `latestPrice` by more than `maxBps`.
    error OracleVersionDeviation(address token, uint256 latestPrice, uint256 newPrice, uint256 maxBps);
    /// @notice A sequencer grace period outside `minGrace`..`maxGrace` seconds.
    error OracleGracePeriodOutOfRange(uint256 gracePeriod, uint256 minGrace, uint256 maxGrace);

    /* CONSTANTS, written in code */
    // The getters of constants keep the constants' UPPER_CASE names (Solidity's style for
    // constants, and how the contracts declare them); slither reads them as functions.
    // slither-disable-start naming-convention

    /// @notice Peg ratios carry 8 decimals: 1e8 = the token is worth exactly 1 reference unit.
    function PEG_ONE() external view returns (uint256);

    /// @notice Lowest depeg floor governance may set: 0.90 (a token worth less is no peg).
    function MIN_DEPEG_FLOOR() external view returns (uint256);

    /// @notice Shortest staleness limit: 1 minute (no feed updates more often on heartbeat).
    function MIN_STALENESS_SECONDS() external view returns (uint256);

    /// @notice Longest staleness limit: 72 hours (the longest Chainlink heartbeat is 24 hours).
    function MAX_STALENESS_SECONDS() external view returns (uint256);

    /// @notice Shortest sequencer grace period: 1 minute.
    function MIN_GRACE_PERIOD_SECONDS() external view returns (uint256);

    /// @notice Longest sequencer grace period: 24 hours (Chainlink suggests 1 hour).
    function MAX_GRACE_PERIOD_SECONDS() external view returns (uint256);

    /// @notice Sanity bounds carry 8 decimals, whatever the feed's decimals.
    function BOUNDS_ONE() external view returns (uint256);

    /// @notice Largest decimals of a feed or token: 18.
    function MAX_DECIMALS() external view returns (uint8);

    /// @notice Gas given to each feed call. A Chainlink proxy read costs under 30,000 gas; 5x
    ///         headroom, and a feed that burns gas cannot take the caller's transaction with it.
    function FEED_CALL_GAS() external view returns (uint256);

    /// @notice An outage record vouches for a continuous outage only while it is seen again
    ///         (a failing `recordOutage`) at least this often: 1 day, the longest heartbeat of
    ///         a Chainlink feed. A longer gap restarts the outage at the next failure.
    function OUTAGE_CONFIRMATION_SECONDS() external view returns (uint256);

    /// @notice Settlement reads accept answers up to this many times the leg's staleness limit.
    function SETTLEMENT_STALENESS_FACTOR() external view returns (uint256);

    /// @notice Lowest peg-leg sanity bound governance may set: 0.5 (8 decimals).
    function MIN_PEG_ANSWER() external view returns (uint256);

    /// @notice Highest peg-leg sanity bound governance may set: 2.0 (8 decimals).
    function MAX_PEG_ANSWER() external view returns (uint256);

    /// @notice Widest USD-leg sanity range: maxAnswer <= minAnswer * 1e6 ($100..$100M is 1e6).
    function MAX_ANSWER_RANGE_RATIO() external view returns (uint256);

    /// @notice Largest deviation of a new version's price from the latest version's: 5 %.
    function MAX_VERSION_DEVIATION_BPS() external view returns (uint256);

    /// @notice Basis points in one.
    function BPS() external view returns (uint256);
    // slither-disable-end naming-convention

    /* READS */

    /// @notice Token units that buy `usdAmount` now, rounded up, with the feed data used.
    ///         Reverts with the reason when any check fails (new checkouts stop).
    /// @param token A configured payment token.
    /// @param usdAmount USD amount, 8 decimals (at most 1e12 USD).
    function quote(address token, uint256 usdAmount) external view returns (Quote memory);

    /// @notice `quote` for several USD amounts at once, from one reading of the feeds: each
    ///         element is exactly what `quote(token, usdAmounts[i])` returns in the same block.
    ///         Reverts as `quote` does (any amount above the maximum included).
    /// @param token A configured payment token.
    /// @param usdAmounts USD amounts, 8 decimals (each at most 1e12 USD).
    function quotes(address token, uint256[] calldata usdAmounts) external view returns (Quote[] memory);

    /// @notice As `quote`, but returns `ok = false` instead of reverting when the price cannot
    ///         be had.
    function tryQuote(address token, uint256 usdAmount) external view returns (bool ok, uint256 tokenAmount);

    /// @notice Token units worth `usdAmount` at the price of configuration `version` of
    ///         `token`, rounded up, for settling an order priced with that version. The same
    ///         per-leg checks as `quote`, except: staleness up to `SETTLEMENT_STALENESS_FACTOR`
    ///         times the leg's limit; no depeg floor (a depegged token is valued at its peg
    ///         answer, capped at 1.0); a disabled token still settles. `ok` is false when the
    ///         price cannot be had; reverts only for an unknown version.
    function settlementQuote(address token, uint256 version, uint256 usdAmount)
        external
        view
        returns (bool ok, uint256 tokenAmount);

    /// @notice When the live outage of configuration `version` of `token` began (0: none). A
    ///         record is live while it was seen again within `OUTAGE_CONFIRMATION_SECONDS`, so
    ///         a record left standing after the feed recovered vouches for nothing later.
    function outageSince(address token, uint256 version) external view returns (uint256);

    /// @notice Anyone: records that `version` of `token` cannot be read for settlement now
    ///         (keeps a live earlier record and marks it seen; after a gap longer than
    ///         `OUTAGE_CONFIRMATION_SECONDS` the outage restarts now), or, when it can be read,
    ///         clears the record.
    ///         Reverts with `OracleNoOutage` when it can be read and nothing is recorded.
    /// @return since The outage record after the call (0: cleared).
    function recordOutage(address token, uint256 version) external returns (uint256 since);

    /// @notice As `settlementQuote`, but reverts with the reason when the price cannot be had,
    ///         and returns the feed data used (what a settlement read of `version` sees now).
    function settlementQuoteOrRevert(address token, uint256 version, uint256 usdAmount)
        external
        view
        returns (Quote memory);

    /// @notice The latest configuration of `token` (all zero when never configured).
    function tokenConfig(address token) external view returns (TokenConfig memory);

    /// @notice Configuration `version` of `token` (archived versions have `enabled` false).
    function tokenConfigAt(address token, uint256 version) external view returns (TokenConfig memory);

    /// @notice The latest configuration version of `token` (0: never configured).
    function latestVersion(address token) external view returns (uint256);

    /// @notice USD value (8 decimals) of `tokenAmount` units now, rounded down. Same checks.
    function tokenToUsd(address token, uint256 tokenAmount) external view returns (uint256 usdAmount);

    /// @notice Whether `token` is configured and enabled (says nothing about feed health).
    function isSupported(address token) external view returns (bool);

    /// @notice The L2 sequencer-uptime feed (zero when none) and its grace period in seconds.
    function sequencer() external view returns (AggregatorV3Interface feed, uint256 gracePeriod);

    /* CONFIGURATION (owner: the timelock) */

    /// @notice Accepts `token` or adds a new configuration version for its new quotes (and
    ///         re-enables it); records the current decimals of the token and of each feed.
    ///         Every limit is checked against the code's ranges; the new version must quote
    ///         now, within `MAX_VERSION_DEVIATION_BPS` of the latest version when that can be
    ///         read. Orders already priced keep their version.
    function configureToken(address token, TokenInput calldata input) external;

    /// @notice Stops new quotes of `token` (settlements of earlier orders go on).
    function disableToken(address token) external;
}
