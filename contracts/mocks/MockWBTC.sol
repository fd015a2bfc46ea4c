// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockWBTC
/// @notice Wrapped-bitcoin stand-in for local chains and tests: 8 decimals like WBTC, and an
///         open `mint`. Never deployed to a network that has a real WBTC address configured.
contract MockWBTC is ERC20 {
    /// @notice WBTC counts in satoshis: 1 WBTC = 1e8 units.
    uint8 private constant _DECIMALS = 8;

    constructor() ERC20("Mock Wrapped BTC", "WBTC") {}

    /// @notice Mints `amountSats` to `to`; open to anyone (local chains only).
    /// @param to Receiver of the new tokens.
    /// @param amountSats Amount in satoshis (1e-8 WBTC).
    function mint(address to, uint256 amountSats) external {
        _mint(to, amountSats);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return _DECIMALS;
    }
}
