// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IBazaarGovernor} from "../interfaces/IBazaarGovernor.sol";
import {GovernorPackedTally} from "./governance/GovernorPackedTally.sol";

/// @title BazaarGovernor
/// @notice See `IBazaarGovernor`. Times are in seconds (the votes' clock is a timestamp).
/// @dev OpenZeppelin's Governor with settings, votes, quorum fraction and timelock control;
///      counting and late-quorum protection from `GovernorPackedTally` (OpenZeppelin's
///      behaviour in fewer slots). Two departures from OpenZeppelin, both for gas: the clock
///      is read here (the votes' clock is checked to be a timestamp at deployment) instead of
///      by a call to the votes contract, and a ballot signature is checked against the
///      voter's current nonce without using it up (see `_validateVoteSig`).
contract BazaarGovernor is
    IBazaarGovernor,
    Governor,
    GovernorSettings,
    GovernorPackedTally,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MIN_VOTING_DELAY_SECONDS = 1 hours;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MAX_VOTING_DELAY_SECONDS = 14 days;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MIN_VOTING_PERIOD_SECONDS = 1 days;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MAX_VOTING_PERIOD_SECONDS = 30 days;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MAX_PROPOSAL_THRESHOLD_POINTS = 1_000_000e18;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MIN_QUORUM_PERCENT = 1;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MAX_QUORUM_PERCENT = 50;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MIN_LATE_QUORUM_EXTENSION_SECONDS = 1 hours;
    /// @inheritdoc IBazaarGovernor
    uint256 public constant MAX_LATE_QUORUM_EXTENSION_SECONDS = 7 days;

    /// @dev `TimelockController.PROPOSER_ROLE`.
    bytes32 private constant _PROPOSER_ROLE = keccak256("PROPOSER_ROLE");

    /// @param staking Votes source: the points staking contract (ERC-5805, timestamp clock).
    /// @param timelock Executes proposals; owns the governed contracts.
    constructor(
        IVotes staking,
        TimelockController timelock,
        uint48 votingDelaySeconds,
        uint32 votingPeriodSeconds,
        uint256 proposalThresholdPoints,
        uint256 quorumPercent,
        uint48 lateQuorumExtensionSeconds
    )
        Governor("BazaarGovernor")
        GovernorSettings(votingDelaySeconds, votingPeriodSeconds, proposalThresholdPoints)
        GovernorVotes(staking)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorPackedTally(lateQuorumExtensionSeconds)
        GovernorTimelockControl(timelock)
    {
        if (keccak256(bytes(IERC6372(address(staking)).CLOCK_MODE())) != keccak256("mode=timestamp")) {
            revert GovernorVotesClockNotTimestamp(address(staking));
        }
    }

    /* CLOCK AND BALLOTS */

    /// @notice ERC-6372: the block timestamp, the clock of the votes (checked at deployment).
    function clock() public view override(Governor, GovernorVotes) returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372: "mode=timestamp".
    // slither-disable-next-line naming-convention (the name ERC-6372 prescribes)
    function CLOCK_MODE() public pure override(Governor, GovernorVotes) returns (string memory) {
        return "mode=timestamp";
    }

    /// @dev A ballot (OpenZeppelin's EIP-712 `Ballot` with the voter's nonce) is checked
    ///      against the voter's current nonce, which it does not use up: a ballot names its
    ///      proposal and a voter votes once per proposal, so a replayed ballot is refused
    ///      (`GovernorAlreadyCastVote`) without a nonce, and the nonce's first use would cost
    ///      the relayer a new storage slot (20,000 gas). Signers read `nonces(voter)` as with
    ///      OpenZeppelin; it only moves with `castVoteWithReasonAndParamsBySig`.
    function _validateVoteSig(uint256 proposalId, uint8 support, address voter, bytes memory signature)
        internal
        view
        override
        returns (bool)
    {
        bytes32 structHash = keccak256(abi.encode(BALLOT_TYPEHASH, proposalId, support, voter, nonces(voter)));
        return SignatureChecker.isValidSignatureNow(voter, _hashTypedDataV4(structHash), signature);
    }

    /* BOUNDED SETTINGS */

    /// @notice Moves execution to `newTimelock` (only through a proposal), which must already
    ///         grant this governor its proposer role; otherwise reverts with
    ///         `GovernorTimelockUnusable`, since no later proposal could be queued.
    function updateTimelock(TimelockController newTimelock) public override {
        super.updateTimelock(newTimelock); // checks the caller (a governance call can be checked once)
        if (!_acceptsProposals(address(newTimelock))) revert GovernorTimelockUnusable(address(newTimelock));
    }

    /// @dev Whether `timelock` is a contract that answers `hasRole(PROPOSER_ROLE, this)` with
    ///      true. The governor itself has no `hasRole` (the call reverts, caught: false).
    function _acceptsProposals(address timelock) private view returns (bool) {
        if (timelock.code.length == 0) return false;
        try TimelockController(payable(timelock)).hasRole(_PROPOSER_ROLE, address(this)) returns (bool granted) {
            return granted;
        } catch {
            return false;
        }
    }

    function _setVotingDelay(uint48 newVotingDelay) internal override {
        if (newVotingDelay < MIN_VOTING_DELAY_SECONDS || newVotingDelay > MAX_VOTING_DELAY_SECONDS) {
            revert GovernorVotingDelayOutOfRange(newVotingDelay, MIN_VOTING_DELAY_SECONDS, MAX_VOTING_DELAY_SECONDS);
        }
        super._setVotingDelay(newVotingDelay);
    }

    function _setVotingPeriod(uint32 newVotingPeriod) internal override {
        if (newVotingPeriod < MIN_VOTING_PERIOD_SECONDS || newVotingPeriod > MAX_VOTING_PERIOD_SECONDS) {
            revert GovernorVotingPeriodOutOfRange(
                newVotingPeriod, MIN_VOTING_PERIOD_SECONDS, MAX_VOTING_PERIOD_SECONDS
            );
        }
        super._setVotingPeriod(newVotingPeriod);
    }

    function _setProposalThreshold(uint256 newProposalThreshold) internal override {
        if (newProposalThreshold > MAX_PROPOSAL_THRESHOLD_POINTS) {
            revert GovernorProposalThresholdOutOfRange(newProposalThreshold, MAX_PROPOSAL_THRESHOLD_POINTS);
        }
        super._setProposalThreshold(newProposalThreshold);
    }

    function _updateQuorumNumerator(uint256 newQuorumNumerator) internal override {
        if (newQuorumNumerator < MIN_QUORUM_PERCENT || newQuorumNumerator > MAX_QUORUM_PERCENT) {
            revert GovernorQuorumPercentOutOfRange(newQuorumNumerator, MIN_QUORUM_PERCENT, MAX_QUORUM_PERCENT);
        }
        super._updateQuorumNumerator(newQuorumNumerator);
    }

    function _setLateQuorumVoteExtension(uint48 newVoteExtension) internal override {
        if (
            newVoteExtension < MIN_LATE_QUORUM_EXTENSION_SECONDS
                || newVoteExtension > MAX_LATE_QUORUM_EXTENSION_SECONDS
        ) {
            revert GovernorLateQuorumExtensionOutOfRange(
                newVoteExtension, MIN_LATE_QUORUM_EXTENSION_SECONDS, MAX_LATE_QUORUM_EXTENSION_SECONDS
            );
        }
        super._setLateQuorumVoteExtension(newVoteExtension);
    }

    /* REQUIRED OVERRIDES (Solidity asks which base wins; each is the OpenZeppelin chain) */

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalDeadline(uint256 proposalId)
        public
        view
        override(Governor, GovernorPackedTally)
        returns (uint256)
    {
        return super.proposalDeadline(proposalId);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPackedTally) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
