// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title BlockClockVotes
/// @notice The ERC-6372 face of a votes contract that counts in blocks (as OpenZeppelin's
///         default `Votes` does): what `BazaarGovernor`'s constructor must refuse.
contract BlockClockVotes {
    function clock() external view returns (uint48) {
        return uint48(block.number);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }
}
