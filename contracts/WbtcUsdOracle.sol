// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {IWbtcUsdOracle} from "../interfaces/IWbtcUsdOracle.sol";
import {PriceMath} from "./libraries/PriceMath.sol";

/// @title WbtcUsdOracle
/// @notice Price adapter: WBTC (BTC/USD x WBTC/BTC) and USD stablecoins (stable/USD) from
///         Chainlink-style feeds, every leg checked on its own, failing closed.
contract WbtcUsdOracle is IWbtcUsdOracle, Ownable2Step {
    /* CONSTANTS */

    /// @notice Peg ratios carry 8 decimals: 1e8 = the token is worth exactly 1 reference unit.
    uint256 public constant PEG_ONE = 1e8;
    /// @notice Lowest depeg floor governance may set: 0.90 (a token worth less is no peg).
    uint256 public constant MIN_DEPEG_FLOOR = 0.9e8;
    /// @notice Shortest staleness limit: 1 minute (no feed updates more often on heartbeat).
    uint256 public constant MIN_STALENESS_SECONDS = 1 minutes;
    /// @notice Longest staleness limit: 72 hours (the longest Chainlink heartbeat is 24 hours).
    uint256 public constant MAX_STALENESS_SECONDS = 72 hours;
    /// @notice Shortest sequencer grace period: 1 minute.
    uint256 public constant MIN_GRACE_PERIOD_SECONDS = 1 minutes;
    /// @notice Longest sequencer grace period: 24 hours (Chainlink suggests 1 hour).
    uint256 public constant MAX_GRACE_PERIOD_SECONDS = 24 hours;
    /// @notice Sanity bounds carry 8 decimals, whatever the feed's decimals.
    uint256 public constant BOUNDS_ONE = 1e8;
    /// @notice Largest decimals of a feed or token: 18.
    uint8 public constant MAX_DECIMALS = 18;
    /// @notice Gas given to each feed call. A Chainlink proxy read costs under 30,000 gas; 5x
    ///         headroom, and a feed that burns gas cannot take the caller's transaction with it.
    uint256 public constant FEED_CALL_GAS = 150_000;

    /* STORAGE */

    /// @dev One payment token, packed in 3 slots (each quote loads all three):
    ///      slot 0: pegFeed, pegFeedDecimals, pegMaxStaleness, tokenDecimals, depegFloor, enabled
    ///      slot 1: usdFeed, usdFeedDecimals, usdMaxStaleness
    ///      slot 2: the four sanity bounds, with 8 decimals
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
        uint64 pegMinAnswer;
        uint64 pegMaxAnswer;
        uint64 usdMinAnswer;
        uint64 usdMaxAnswer;
    }

    /// @dev A leg read for one quote.
    struct LegReading {
        uint256 answer;
        uint256 updatedAt;
    }

    /// @dev The L2 sequencer-uptime feed, or zero on an L1, and the seconds it must have been
    ///      up before quotes resume. Fixed at deploy: a property of the chain, and immutable
    ///      saves a storage read on every quote. Read them with `sequencer()`.
    AggregatorV3Interface private immutable _sequencerFeed;
    uint256 private immutable _gracePeriod;

    mapping(address token => TokenConfig) private _tokens;
    mapping(address token => uint256) private _latest;
    mapping(address token => mapping(uint256 version => uint256)) private _outages;
    uint256 public constant SETTLEMENT_STALENESS_FACTOR = 2;
    uint256 public constant MAX_VERSION_DEVIATION_BPS = 500;

    /* CONSTRUCTOR */

    /// @param initialOwner The owner (the deployer hands ownership to the timelock after set-up).
    /// @param sequencerFeed L2 sequencer-uptime feed, or zero where there is none.
    /// @param sequencerGracePeriod Grace period in seconds (ignored, must be 0, without feed).
    /// @param tokens Payment tokens to accept from the start.
    /// @param inputs Their configurations, in the same order.
    constructor(
        address initialOwner,
        AggregatorV3Interface sequencerFeed,
        uint256 sequencerGracePeriod,
        address[] memory tokens,
        TokenInput[] memory inputs
    ) Ownable(initialOwner) {
        if (address(sequencerFeed) != address(0)) {
            if (sequencerGracePeriod < MIN_GRACE_PERIOD_SECONDS || sequencerGracePeriod > MAX_GRACE_PERIOD_SECONDS) {
                revert OracleGracePeriodOutOfRange(
                    sequencerGracePeriod, MIN_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS
                );
            }
        } else if (sequencerGracePeriod != 0) {
            revert OracleGracePeriodOutOfRange(sequencerGracePeriod, 0, 0);
        }
        _sequencerFeed = sequencerFeed;
        _gracePeriod = sequencerGracePeriod;
        if (tokens.length != inputs.length) revert OracleConfigLengthMismatch(tokens.length, inputs.length);
        for (uint256 i = 0; i < tokens.length; ++i) {
            _configureToken(tokens[i], inputs[i]);
        }
    }

    /* READS */

    /// @inheritdoc IWbtcUsdOracle
    function quote(address token, uint256 usdAmount) public view returns (Quote memory q) {
        (PriceMath.Price memory price, TokenConfig memory c, LegReading memory usdLeg, LegReading memory pegLeg) =
            _price(token);
        q.tokenAmount = PriceMath.usdToTokens(usdAmount, price, c.tokenDecimals);
        q.usdAmount = usdAmount;
        // Casts are exact: answers passed the sanity bounds (below 2^100).
        q.usdLegAnswer = int256(usdLeg.answer);
        q.pegLegAnswer = int256(pegLeg.answer);
        q.usdLegUpdatedAt = uint64(usdLeg.updatedAt);
        q.pegLegUpdatedAt = uint64(pegLeg.updatedAt);
        q.quotedAt = uint64(block.timestamp);
        q.version = 1;
    }

    function settlementQuote(address token, uint256 version, uint256 usdAmount)
        external
        view
        returns (bool ok, uint256 tokenAmount)
    {
        if (version == 0 || version > _latest[token]) revert OracleVersionUnknown(token, version);
        try this.quote(token, usdAmount) returns (Quote memory q) {
            return (true, q.tokenAmount);
        } catch {
            return (false, 0);
        }
    }

    function outageSince(address token, uint256 version) external view returns (uint256) {
        return _outages[token][version];
    }

    function recordOutage(address token, uint256 version) external returns (uint256 since) {
        (bool ok,) = this.settlementQuote(token, version, 1e8);
        since = _outages[token][version];
        if (ok) {
            if (since == 0) revert OracleNoOutage(token, version);
            _outages[token][version] = 0;
            emit OutageCleared(token, uint32(version), since);
            return 0;
        }
        if (since == 0) {
            since = block.timestamp;
            _outages[token][version] = since;
            emit OutageRecorded(token, uint32(version), since);
        }
    }

    function latestVersion(address token) external view returns (uint256) {
        return _latest[token];
    }

    /// @inheritdoc IWbtcUsdOracle
    function tryQuote(address token, uint256 usdAmount) external view returns (bool ok, uint256 tokenAmount) {
        // An external self-call, so that any revert of `quote` can be caught.
        // slither-disable-next-line var-read-using-this
        try this.quote(token, usdAmount) returns (Quote memory q) {
            return (true, q.tokenAmount);
        } catch {
            return (false, 0);
        }
    }

    /// @inheritdoc IWbtcUsdOracle
    function tokenToUsd(address token, uint256 tokenAmount) external view returns (uint256) {
        (PriceMath.Price memory price, TokenConfig memory c,,) = _price(token);
        return PriceMath.tokensToUsd(tokenAmount, price, c.tokenDecimals);
    }

    /// @inheritdoc IWbtcUsdOracle
    function isSupported(address token) external view returns (bool) {
        return _tokens[token].enabled;
    }

    /// @inheritdoc IWbtcUsdOracle
    function sequencer() external view returns (AggregatorV3Interface, uint256) {
        return (_sequencerFeed, _gracePeriod);
    }

    /// @notice The stored configuration of `token`.
    function tokenConfig(address token) external view returns (TokenConfig memory) {
        return _tokens[token];
    }

    /* CONFIGURATION */

    /// @inheritdoc IWbtcUsdOracle
    function configureToken(address token, TokenInput calldata input) external onlyOwner {
        _configureToken(token, input);
    }

    /// @inheritdoc IWbtcUsdOracle
    function disableToken(address token) external onlyOwner {
        if (!_tokens[token].enabled) revert OracleTokenNotSupported(token);
        _tokens[token].enabled = false;
        emit TokenDisabled(token);
    }

    /* INTERNAL */

    /// @dev USD per whole token as a fraction, after every check of both legs and the peg.
    function _price(address token)
        private
        view
        returns (PriceMath.Price memory price, TokenConfig memory c, LegReading memory usdLeg, LegReading memory pegLeg)
    {
        c = _tokens[token];
        if (!c.enabled) revert OracleTokenNotSupported(token);
        _checkSequencer();
        pegLeg = _readLeg(c.pegFeed, c.pegFeedDecimals, c.pegMaxStaleness, c.pegMinAnswer, c.pegMaxAnswer);
        uint256 pegUnit = 10 ** c.pegFeedDecimals;
        // Depeg: answer / pegUnit < depegFloor / PEG_ONE, cross-multiplied (both sides < 2^160).
        if (pegLeg.answer * PEG_ONE < uint256(c.depegFloor) * pegUnit) {
            revert OracleDepegged(token, Math.mulDiv(pegLeg.answer, PEG_ONE, pegUnit), c.depegFloor);
        }
        // Valued at no more than one reference unit: a premium on the token pays nobody.
        uint256 pegCapped = Math.min(pegLeg.answer, pegUnit);
        if (address(c.usdFeed) == address(0)) {
            price = PriceMath.Price({num: pegCapped, den: pegUnit});
        } else {
            usdLeg = _readLeg(c.usdFeed, c.usdFeedDecimals, c.usdMaxStaleness, c.usdMinAnswer, c.usdMaxAnswer);
            price = PriceMath.Price({num: usdLeg.answer * pegCapped, den: 10 ** c.usdFeedDecimals * pegUnit});
        }
    }

    /// @dev Reads one leg and applies every per-leg check.
    function _readLeg(
        AggregatorV3Interface feed,
        uint8 recordedDecimals,
        uint256 maxStaleness,
        uint256 minAnswer,
        uint256 maxAnswer
    ) private view returns (LegReading memory reading) {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt) = _latestRound(feed);
        if (roundId == 0) revert OracleRoundInvalid(address(feed), roundId);
        if (answer <= 0) revert OracleAnswerNotPositive(address(feed), answer);
        if (startedAt == 0 || updatedAt == 0) revert OracleTimestampMissing(address(feed), startedAt, updatedAt);
        if (updatedAt > block.timestamp) revert OracleTimestampInFuture(address(feed), updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxStaleness) revert OracleStale(address(feed), updatedAt, maxStaleness);
        uint8 reported = _feedDecimals(feed);
        if (reported != recordedDecimals) revert OracleDecimalsChanged(address(feed), recordedDecimals, reported);
        uint256 value = uint256(answer);
        // Bounds carry 8 decimals: compare answer / 10^decimals with bound / 1e8, exactly.
        uint256 scaled = value * BOUNDS_ONE;
        uint256 unit = 10 ** recordedDecimals;
        if (scaled < minAnswer * unit || scaled > maxAnswer * unit) {
            revert OracleAnswerOutOfBounds(address(feed), value, minAnswer, maxAnswer);
        }
        reading = LegReading({answer: value, updatedAt: updatedAt});
    }

    /// @dev Chainlink's L2 pattern: status 0 = up, 1 = down; startedAt = when it last changed.
    function _checkSequencer() private view {
        AggregatorV3Interface feed = _sequencerFeed;
        if (address(feed) == address(0)) return;
        (, int256 status, uint256 startedAt,) = _latestRound(feed);
        if ((status != 0 && status != 1) || startedAt == 0 || startedAt > block.timestamp) {
            revert OracleSequencerStatusInvalid(address(feed), status, startedAt);
        }
        if (status == 1) revert OracleSequencerDown(address(feed));
        if (block.timestamp - startedAt <= _gracePeriod) {
            revert OracleSequencerGracePeriod(address(feed), startedAt, _gracePeriod);
        }
    }

    function _latestRound(AggregatorV3Interface feed)
        private
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt)
    {
        // answeredInRound is deprecated by Chainlink and deliberately not read.
        // slither-disable-next-line unused-return
        try feed.latestRoundData{gas: FEED_CALL_GAS}() returns (
            uint80 roundId_, int256 answer_, uint256 startedAt_, uint256 updatedAt_, uint80
        ) {
            return (roundId_, answer_, startedAt_, updatedAt_);
        } catch {
            revert OracleFeedCallFailed(address(feed));
        }
    }

    function _feedDecimals(AggregatorV3Interface feed) private view returns (uint8) {
        // In a loop only in the constructor, over the deployer's short list of tokens.
        // slither-disable-next-line calls-loop
        try feed.decimals{gas: FEED_CALL_GAS}() returns (uint8 decimals_) {
            return decimals_;
        } catch {
            revert OracleFeedCallFailed(address(feed));
        }
    }

    function _configureToken(address token, TokenInput memory input) private {
        if (token == address(0) || address(input.pegLeg.feed) == address(0)) revert OracleZeroAddress();
        // In a loop only in the constructor, over the deployer's short list of tokens.
        // slither-disable-next-line calls-loop
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        if (tokenDecimals > MAX_DECIMALS) revert OracleTokenDecimalsOutOfRange(token, tokenDecimals);
        if (input.depegFloor < MIN_DEPEG_FLOOR || input.depegFloor > PEG_ONE) {
            revert OracleDepegFloorOutOfRange(input.depegFloor, MIN_DEPEG_FLOOR, PEG_ONE);
        }
        uint8 pegDecimals = _checkLeg(input.pegLeg);
        uint8 usdDecimals = address(input.usdLeg.feed) == address(0) ? 0 : _checkLeg(input.usdLeg);
        _tokens[token] = TokenConfig({
            pegFeed: input.pegLeg.feed,
            pegFeedDecimals: pegDecimals,
            pegMaxStaleness: input.pegLeg.maxStaleness,
            tokenDecimals: tokenDecimals,
            depegFloor: input.depegFloor,
            enabled: true,
            usdFeed: input.usdLeg.feed,
            usdFeedDecimals: usdDecimals,
            usdMaxStaleness: input.usdLeg.maxStaleness,
            pegMinAnswer: input.pegLeg.minAnswer,
            pegMaxAnswer: input.pegLeg.maxAnswer,
            usdMinAnswer: input.usdLeg.minAnswer,
            usdMaxAnswer: input.usdLeg.maxAnswer
        });
        _latest[token] = 1;
        emit TokenConfigured(token, 1, false, tokenDecimals, input.usdLeg, usdDecimals, input.pegLeg, pegDecimals, input.depegFloor);
    }

    /// @dev Validates a leg's limits and returns the feed's decimals, to be recorded.
    function _checkLeg(LegInput memory leg) private view returns (uint8 decimals_) {
        if (leg.maxStaleness < MIN_STALENESS_SECONDS || leg.maxStaleness > MAX_STALENESS_SECONDS) {
            revert OracleStalenessOutOfRange(leg.maxStaleness, MIN_STALENESS_SECONDS, MAX_STALENESS_SECONDS);
        }
        if (leg.minAnswer == 0 || leg.minAnswer >= leg.maxAnswer) {
            revert OracleAnswerBoundsInvalid(leg.minAnswer, leg.maxAnswer);
        }
        decimals_ = _feedDecimals(leg.feed);
        if (decimals_ > MAX_DECIMALS) revert OracleFeedDecimalsOutOfRange(address(leg.feed), decimals_);
    }
}
