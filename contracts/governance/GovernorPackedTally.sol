// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title GovernorPackedTally
/// @notice Counting and late-quorum protection for `BazaarGovernor` with the behaviour of
///         OpenZeppelin's `GovernorCountingSimple` and `GovernorPreventLateQuorum` (same
///         counting mode, views and events; the extension's bound is the governor's own, not
///         OpenZeppelin's voting-period cap), in less storage:
///         - for and against votes share one slot with the extended deadline, so a vote for
///           or against writes one tally slot that `proposalDeadline` has already read;
///         - abstain votes share a slot with the proposal's quorum, computed once at the
///           proposal's first vote and cached: later votes compare against the cache instead
///           of looking up the past total supply and quorum numerator again, so the cost of a
///           vote does not grow with the number of stakers.
///         A quorum cached at the first vote equals `quorum(proposalSnapshot)` at any later
///         time: the snapshot is in the past once voting is open, and past totals and past
///         quorum numerators never change.
///         Tallies fit 96 bits: a proposal's votes sum to at most the staked total at its
///         snapshot, which `PointsStaking` keeps below 2^96.
abstract contract GovernorPackedTally is Governor {
    /// @dev For and against votes, and the deadline set when quorum was first reached.
    struct Tally {
        uint96 forVotes;
        uint96 againstVotes;
        uint48 extendedDeadline;
    }

    /// @dev Abstain votes, and the quorum plus one (0: not cached yet).
    struct TallyExtra {
        uint96 abstainVotes;
        uint160 quorumPlusOne;
    }

    /// @dev Vote types of the bravo counting mode.
    enum VoteType {
        Against,
        For,
        Abstain
    }

    mapping(uint256 proposalId => Tally) private _tallies;
    mapping(uint256 proposalId => TallyExtra) private _extras;
    mapping(uint256 proposalId => mapping(address voter => bool)) private _hasVoted;
    uint48 private _voteExtension;

    /// @notice Quorum was reached late: voting on `proposalId` now ends at `extendedDeadline`.
    event ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline);
    /// @notice The late-quorum extension changed (seconds).
    event LateQuorumVoteExtensionSet(uint64 oldVoteExtension, uint64 newVoteExtension);

    constructor(uint48 initialVoteExtension) {
        _setLateQuorumVoteExtension(initialVoteExtension);
    }

    /* COUNTING (GovernorCountingSimple's surface) */

    /// @notice Bravo support (0 against, 1 for, 2 abstain); quorum counts for and abstain.
    // slither-disable-next-line naming-convention (the name IGovernor prescribes)
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo&quorum=for,abstain";
    }

    /// @notice Whether `account` has voted on `proposalId`.
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        return _hasVoted[proposalId][account];
    }

    /// @notice The votes against, for and abstaining on `proposalId`.
    function proposalVotes(uint256 proposalId)
        public
        view
        virtual
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
    {
        Tally memory tally = _tallies[proposalId];
        return (tally.againstVotes, tally.forVotes, _extras[proposalId].abstainVotes);
    }

    // slither-disable-next-line dead-code (called by Governor.state, through the override)
    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        TallyExtra memory extra = _extras[proposalId];
        (uint256 required,) = _quorumOf(proposalId, extra);
        return required <= uint256(_tallies[proposalId].forVotes) + extra.abstainVotes;
    }

    /// @dev The quorum of `proposalId`: the cached one in `extra`, else computed (`cached` false).
    function _quorumOf(uint256 proposalId, TallyExtra memory extra)
        private
        view
        returns (uint256 required, bool cached)
    {
        if (extra.quorumPlusOne == 0) return (quorum(proposalSnapshot(proposalId)), false);
        return (extra.quorumPlusOne - 1, true);
    }

    // slither-disable-next-line dead-code (called by Governor.state, through the override)
    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        Tally memory tally = _tallies[proposalId];
        return tally.forVotes > tally.againstVotes;
    }

    function _countVote(uint256 proposalId, address account, uint8 support, uint256 totalWeight, bytes memory)
        internal
        virtual
        override
        returns (uint256)
    {
        if (_hasVoted[proposalId][account]) revert GovernorAlreadyCastVote(account);
        _hasVoted[proposalId][account] = true;
        if (support == uint8(VoteType.For)) {
            uint256 forVotes = _tallies[proposalId].forVotes + totalWeight;
            _tallies[proposalId].forVotes = SafeCast.toUint96(forVotes);
        } else if (support == uint8(VoteType.Against)) {
            uint256 againstVotes = _tallies[proposalId].againstVotes + totalWeight;
            _tallies[proposalId].againstVotes = SafeCast.toUint96(againstVotes);
        } else if (support == uint8(VoteType.Abstain)) {
            uint256 abstainVotes = _extras[proposalId].abstainVotes + totalWeight;
            _extras[proposalId].abstainVotes = SafeCast.toUint96(abstainVotes);
        } else {
            revert GovernorInvalidVoteType();
        }
        return totalWeight;
    }

    /* LATE-QUORUM PROTECTION (GovernorPreventLateQuorum's surface) */

    /// @notice The deadline, extended when quorum was reached late.
    function proposalDeadline(uint256 proposalId) public view virtual override returns (uint256) {
        uint256 deadline = super.proposalDeadline(proposalId);
        uint256 extended = _tallies[proposalId].extendedDeadline;
        return extended > deadline ? extended : deadline;
    }

    /// @notice Seconds voting stays open after the vote that reaches quorum.
    function lateQuorumVoteExtension() public view virtual returns (uint48) {
        return _voteExtension;
    }

    /// @notice Sets `lateQuorumVoteExtension` (through governance only).
    function setLateQuorumVoteExtension(uint48 newVoteExtension) public virtual onlyGovernance {
        _setLateQuorumVoteExtension(newVoteExtension);
    }

    function _setLateQuorumVoteExtension(uint48 newVoteExtension) internal virtual {
        emit LateQuorumVoteExtensionSet(_voteExtension, newVoteExtension);
        _voteExtension = newVoteExtension;
    }

    /// @dev Caches the quorum at the proposal's first vote; on the vote that first reaches
    ///      it, voting is extended to at least `lateQuorumVoteExtension` from now.
    function _tallyUpdated(uint256 proposalId) internal virtual override {
        super._tallyUpdated(proposalId);
        Tally memory tally = _tallies[proposalId];
        if (tally.extendedDeadline != 0) return; // quorum was reached before
        TallyExtra memory extra = _extras[proposalId];
        (uint256 required, bool cached) = _quorumOf(proposalId, extra);
        if (!cached) _extras[proposalId].quorumPlusOne = SafeCast.toUint160(required + 1);
        if (required > uint256(tally.forVotes) + extra.abstainVotes) return;
        uint48 extendedDeadline = clock() + lateQuorumVoteExtension();
        if (extendedDeadline > proposalDeadline(proposalId)) emit ProposalExtended(proposalId, extendedDeadline);
        _tallies[proposalId].extendedDeadline = extendedDeadline;
    }
}
