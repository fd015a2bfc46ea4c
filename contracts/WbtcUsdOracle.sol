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

    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant PEG_ONE = 1e8;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MIN_DEPEG_FLOOR = 0.9e8;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MIN_STALENESS_SECONDS = 1 minutes;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MAX_STALENESS_SECONDS = 72 hours;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MIN_GRACE_PERIOD_SECONDS = 1 minutes;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MAX_GRACE_PERIOD_SECONDS = 24 hours;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant BOUNDS_ONE = 1e8;
    /// @inheritdoc IWbtcUsdOracle
    uint8 public constant MAX_DECIMALS = 18;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant FEED_CALL_GAS = 150_000;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant OUTAGE_CONFIRMATION_SECONDS = 1 days;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant SETTLEMENT_STALENESS_FACTOR = 2;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MIN_PEG_ANSWER = 0.5e8;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MAX_PEG_ANSWER = 2e8;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MAX_ANSWER_RANGE_RATIO = 1e6;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant MAX_VERSION_DEVIATION_BPS = 500;
    /// @inheritdoc IWbtcUsdOracle
    uint256 public constant BPS = 10_000;

    /* STORAGE */

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

    /// @dev The latest version of each token (its number in `version`; 0: never configured).
    mapping(address token => TokenConfig) private _tokens;
    /// @dev Every earlier version, copied here when a newer one is configured.
    mapping(address token => mapping(uint256 version => TokenConfig)) private _archive;
    /// @dev An outage of a version: when it was first recorded and when it was last seen (a
    ///      read failed in a `recordOutage` call). Zero: none.
    struct Outage {
        uint64 since;
        uint64 lastSeen;
    }

    mapping(address token => mapping(uint256 version => Outage)) private _outages;

    /* CONSTRUCTOR */

    /// @param initialOwner The owner (the deployer hands ownership to the timelock after set-up).
    /// @param sequencerFeed L2 sequencer-uptime feed, or zero where there is none.
    /// @param sequencerGracePeriod Grace period in seconds (ignored, must be 0, without feed).
    /// @param tokens Payment tokens to accept from the start (each becomes its version 1).
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
        TokenConfig memory c = _tokens[token];
        if (!c.enabled) revert OracleTokenNotSupported(token);
        _fillQuote(q, token, c, usdAmount, false);
    }

    /// @inheritdoc IWbtcUsdOracle
    function quotes(address token, uint256[] calldata usdAmounts) external view returns (Quote[] memory q) {
        TokenConfig memory c = _tokens[token];
        if (!c.enabled) revert OracleTokenNotSupported(token);
        uint256 count = usdAmounts.length;
        q = new Quote[](count);
        if (count == 0) return q;
        // One reading of the legs; every amount converted as `quote` converts it.
        (PriceMath.Price memory price, LegReading memory usdLeg, LegReading memory pegLeg) = _price(token, c, false);
        for (uint256 i = 0; i < count; ++i) {
            _fillFrom(q[i], c, usdAmounts[i], price, usdLeg, pegLeg);
        }
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
    function settlementQuote(address token, uint256 version, uint256 usdAmount)
        public
        view
        returns (bool ok, uint256 tokenAmount)
    {
        _checkVersion(token, version);
        // An external self-call, so that any revert (a malformed feed answer included) is caught.
        // slither-disable-next-line var-read-using-this
        try this.settlementQuoteOrRevert(token, version, usdAmount) returns (Quote memory q) {
            return (true, q.tokenAmount);
        } catch {
            return (false, 0);
        }
    }

    /// @inheritdoc IWbtcUsdOracle
    function settlementQuoteOrRevert(address token, uint256 version, uint256 usdAmount)
        public
        view
        returns (Quote memory q)
    {
        _fillQuote(q, token, _configAt(token, version), usdAmount, true);
    }

    /// @inheritdoc IWbtcUsdOracle
    function outageSince(address token, uint256 version) external view returns (uint256) {
        Outage memory o = _outages[token][version];
        // A record not seen again for longer than the confirmation gap vouches for nothing now.
        return block.timestamp - o.lastSeen > OUTAGE_CONFIRMATION_SECONDS ? 0 : o.since;
    }

    /// @inheritdoc IWbtcUsdOracle
    function latestVersion(address token) external view returns (uint256) {
        return _tokens[token].version;
    }

    /// @inheritdoc IWbtcUsdOracle
    function tokenToUsd(address token, uint256 tokenAmount) external view returns (uint256) {
        TokenConfig memory c = _tokens[token];
        if (!c.enabled) revert OracleTokenNotSupported(token);
        (PriceMath.Price memory price,,) = _price(token, c, false);
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

    /// @inheritdoc IWbtcUsdOracle
    function tokenConfig(address token) external view returns (TokenConfig memory) {
        return _tokens[token];
    }

    /// @inheritdoc IWbtcUsdOracle
    function tokenConfigAt(address token, uint256 version) external view returns (TokenConfig memory) {
        return _configAt(token, version);
    }

    /* OUTAGES */

    /// @inheritdoc IWbtcUsdOracle
    function recordOutage(address token, uint256 version) external returns (uint256 since) {
        (bool readable,) = settlementQuote(token, version, 0);
        Outage memory o = _outages[token][version];
        // Casts are exact: `settlementQuote` accepted the version, so it is at most a uint32.
        if (!readable) {
            if (o.since == 0 || block.timestamp - o.lastSeen > OUTAGE_CONFIRMATION_SECONDS) {
                // None, or a gap in the record: the outage counts from now.
                o.since = uint64(block.timestamp);
                emit OutageRecorded(token, uint32(version), block.timestamp);
            } else {
                emit OutageConfirmed(token, uint32(version), o.since, block.timestamp);
            }
            o.lastSeen = uint64(block.timestamp);
            _outages[token][version] = o;
            return o.since;
        }
        if (o.since == 0) revert OracleNoOutage(token, version);
        delete _outages[token][version];
        emit OutageCleared(token, uint32(version), o.since);
        return 0;
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

    /// @dev Reverts unless `version` of `token` exists (1..latest).
    function _checkVersion(address token, uint256 version) private view returns (uint256 latest) {
        latest = _tokens[token].version;
        if (version == 0 || version > latest) revert OracleVersionUnknown(token, version);
    }

    /// @dev Configuration `version` of `token`: the latest from its fixed key, else the archive.
    function _configAt(address token, uint256 version) private view returns (TokenConfig memory) {
        return version == _checkVersion(token, version) ? _tokens[token] : _archive[token][version];
    }

    /// @dev Fills `q` with a quote of `usdAmount` with configuration `c` (filled in place: one
    ///      Quote in memory per call); `settlement` selects the settlement rules (longer
    ///      staleness, no depeg floor). The caller checked `enabled` where it matters.
    function _fillQuote(Quote memory q, address token, TokenConfig memory c, uint256 usdAmount, bool settlement)
        private
        view
    {
        (PriceMath.Price memory price, LegReading memory usdLeg, LegReading memory pegLeg) =
            _price(token, c, settlement);
        _fillFrom(q, c, usdAmount, price, usdLeg, pegLeg);
    }

    /// @dev Fills `q` with `usdAmount` converted at `price`, read from `usdLeg` and `pegLeg`.
    function _fillFrom(
        Quote memory q,
        TokenConfig memory c,
        uint256 usdAmount,
        PriceMath.Price memory price,
        LegReading memory usdLeg,
        LegReading memory pegLeg
    ) private view {
        q.tokenAmount = PriceMath.usdToTokens(usdAmount, price, c.tokenDecimals);
        q.usdAmount = usdAmount;
        // Casts are exact: answers passed the sanity bounds (below 2^100).
        q.usdLegAnswer = int256(usdLeg.answer);
        q.pegLegAnswer = int256(pegLeg.answer);
        q.usdLegUpdatedAt = uint64(usdLeg.updatedAt);
        q.pegLegUpdatedAt = uint64(pegLeg.updatedAt);
        q.quotedAt = uint64(block.timestamp);
        q.version = c.version;
    }

    /// @dev USD per whole token as a fraction, after every check of both legs (and of the
    ///      peg, for new quotes).
    function _price(address token, TokenConfig memory c, bool settlement)
        private
        view
        returns (PriceMath.Price memory price, LegReading memory usdLeg, LegReading memory pegLeg)
    {
        _checkSequencer();
        uint256 pegStaleness = c.pegMaxStaleness;
        uint256 usdStaleness = c.usdMaxStaleness;
        if (settlement) {
            // Limits are uint32 seconds: their double cannot overflow.
            unchecked {
                pegStaleness *= SETTLEMENT_STALENESS_FACTOR;
                usdStaleness *= SETTLEMENT_STALENESS_FACTOR;
            }
        }
        pegLeg = _readLeg(c.pegFeed, c.pegFeedDecimals, pegStaleness, c.pegMinAnswer, c.pegMaxAnswer);
        uint256 pegUnit = 10 ** c.pegFeedDecimals;
        // Depeg: answer / pegUnit < depegFloor / PEG_ONE, cross-multiplied (both sides < 2^160).
        // Settlements of orders already paid go on at the (capped) peg answer.
        if (!settlement && pegLeg.answer * PEG_ONE < uint256(c.depegFloor) * pegUnit) {
            revert OracleDepegged(token, Math.mulDiv(pegLeg.answer, PEG_ONE, pegUnit), c.depegFloor);
        }
        if (address(c.usdFeed) != address(0)) {
            usdLeg = _readLeg(c.usdFeed, c.usdFeedDecimals, usdStaleness, c.usdMinAnswer, c.usdMaxAnswer);
        }
        (uint256 num, uint256 den) = _priceOf(c, pegUnit, usdLeg.answer, pegLeg.answer);
        price = PriceMath.Price({num: num, den: den});
    }

    /// @dev USD per whole token from the legs' answers (the peg valued at no more than one
    ///      reference unit: a premium on the token pays nobody).
    ///      `pegUnit` is 10^pegFeedDecimals. Returns the fraction num / den.
    function _priceOf(TokenConfig memory c, uint256 pegUnit, uint256 usdAnswer, uint256 pegAnswer)
        private
        pure
        returns (uint256 num, uint256 den)
    {
        uint256 pegCapped = Math.min(pegAnswer, pegUnit);
        if (address(c.usdFeed) == address(0)) return (pegCapped, pegUnit);
        return (usdAnswer * pegCapped, 10 ** c.usdFeedDecimals * pegUnit);
    }

    /// @dev USD (8 decimals) of one whole token, from a quote taken with configuration `c`.
    function _wholeTokenUsd(TokenConfig memory c, Quote memory q) private pure returns (uint256) {
        // Casts are exact: the answers of a quote are positive.
        (uint256 num, uint256 den) =
            _priceOf(c, 10 ** c.pegFeedDecimals, uint256(q.usdLegAnswer), uint256(q.pegLegAnswer));
        return Math.mulDiv(num, PriceMath.USD_ONE, den);
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
        // answeredInRound is deprecated by Chainlink and deliberately not read. In a loop only in
        // the constructor, over the deployer's short list of tokens.
        // slither-disable-next-line unused-return,calls-loop
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

    /// @dev Appends a version: checks the limits, archives the latest version, makes the new
    ///      one the latest (enabled), then requires it to quote now and, when the previous
    ///      latest can still be read (settlement rules), to price a whole token within
    ///      MAX_VERSION_DEVIATION_BPS of it.
    function _configureToken(address token, TokenInput memory input) private {
        TokenConfig memory next = _checkedConfig(token, input);
        bool deviationChecked = _append(token, next);
        emit TokenConfigured(
            token,
            next.version,
            deviationChecked,
            next.tokenDecimals,
            input.usdLeg,
            next.usdFeedDecimals,
            input.pegLeg,
            next.pegFeedDecimals,
            input.depegFloor
        );
    }

    /// @dev Checks `input` against the code's ranges; returns it as the token's next version.
    function _checkedConfig(address token, TokenInput memory input) private view returns (TokenConfig memory) {
        if (token == address(0) || address(input.pegLeg.feed) == address(0)) revert OracleZeroAddress();
        // In a loop only in the constructor, over the deployer's short list of tokens.
        // slither-disable-next-line calls-loop
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        if (tokenDecimals > MAX_DECIMALS) revert OracleTokenDecimalsOutOfRange(token, tokenDecimals);
        if (input.depegFloor < MIN_DEPEG_FLOOR || input.depegFloor > PEG_ONE) {
            revert OracleDepegFloorOutOfRange(input.depegFloor, MIN_DEPEG_FLOOR, PEG_ONE);
        }
        LegInput memory peg = input.pegLeg;
        uint8 pegDecimals = _checkLeg(peg);
        if (peg.minAnswer < MIN_PEG_ANSWER || peg.maxAnswer > MAX_PEG_ANSWER) {
            revert OraclePegBoundsOutOfRange(peg.minAnswer, peg.maxAnswer, MIN_PEG_ANSWER, MAX_PEG_ANSWER);
        }
        LegInput memory usd = input.usdLeg;
        uint8 usdDecimals = 0;
        if (address(usd.feed) != address(0)) {
            usdDecimals = _checkLeg(usd);
            if (uint256(usd.maxAnswer) > uint256(usd.minAnswer) * MAX_ANSWER_RANGE_RATIO) {
                revert OracleAnswerRangeTooWide(usd.minAnswer, usd.maxAnswer, MAX_ANSWER_RANGE_RATIO);
            }
        }
        return TokenConfig({
            pegFeed: peg.feed,
            pegFeedDecimals: pegDecimals,
            pegMaxStaleness: peg.maxStaleness,
            tokenDecimals: tokenDecimals,
            depegFloor: input.depegFloor,
            enabled: true,
            usdFeed: usd.feed,
            usdFeedDecimals: usdDecimals,
            usdMaxStaleness: usd.maxStaleness,
            version: _tokens[token].version + 1,
            pegMinAnswer: peg.minAnswer,
            pegMaxAnswer: peg.maxAnswer,
            usdMinAnswer: usd.minAnswer,
            usdMaxAnswer: usd.maxAnswer
        });
    }

    /// @dev Archives the latest version of `token` (if any) and stores `next` as the latest;
    ///      `next` must quote now, within MAX_VERSION_DEVIATION_BPS of the previous latest when
    ///      that can be read with the settlement rules (then returns true).
    function _append(address token, TokenConfig memory next) private returns (bool deviationChecked) {
        TokenConfig memory previous = _tokens[token];
        if (previous.version == 0) {
            _tokens[token] = next;
            if (address(this).code.length == 0) {
                // In the constructor the oracle has no code to call itself yet: the internal
                // read runs, and a failing leg reverts with its own error.
                // slither-disable-next-line uninitialized-local
                Quote memory q; // zeroed, filled in place
                _fillQuote(q, token, next, 0, false);
            } else {
                _wholeTokenUsdNow(token, next);
            }
            return false;
        }
        (bool latestReadable, uint256 latestPrice) = _wholeTokenUsdAtSettlement(token, previous);
        previous.enabled = false;
        _archive[token][previous.version] = previous;
        _tokens[token] = next;
        uint256 newPrice = _wholeTokenUsdNow(token, next);
        if (!latestReadable) return false; // a dead version being replaced
        uint256 diff = newPrice > latestPrice ? newPrice - latestPrice : latestPrice - newPrice;
        if (diff * BPS > latestPrice * MAX_VERSION_DEVIATION_BPS) {
            revert OracleVersionDeviation(token, latestPrice, newPrice, MAX_VERSION_DEVIATION_BPS);
        }
        return true;
    }

    /// @dev USD of one whole token at the latest version `c` (already stored), read as a new
    ///      quote; reverts OracleNewVersionUnreadable when it cannot be read.
    function _wholeTokenUsdNow(address token, TokenConfig memory c) private view returns (uint256) {
        // Never in the constructor's loop (the oracle cannot call itself there).
        // slither-disable-next-line var-read-using-this,calls-loop
        try this.quote(token, 0) returns (Quote memory q) {
            return _wholeTokenUsd(c, q);
        } catch {
            revert OracleNewVersionUnreadable(token);
        }
    }

    /// @dev USD of one whole token at the stored latest version `c`, read with the settlement
    ///      rules (enabled or not); `ok` false when it cannot be read.
    function _wholeTokenUsdAtSettlement(address token, TokenConfig memory c)
        private
        view
        returns (bool ok, uint256 usd)
    {
        // Never in the constructor's loop (the oracle cannot call itself there).
        // slither-disable-next-line var-read-using-this,calls-loop
        try this.settlementQuoteOrRevert(token, c.version, 0) returns (Quote memory q) {
            return (true, _wholeTokenUsd(c, q));
        } catch {
            return (false, 0);
        }
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
