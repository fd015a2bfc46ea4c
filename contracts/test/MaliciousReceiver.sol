// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEscrowMarketplaceTypes} from "../../interfaces/IEscrowMarketplaceTypes.sol";
import {IEscrowMarketplace} from "../../interfaces/IEscrowMarketplace.sol";
import {IReceiverHook} from "./ReentrantToken.sol";

/// @title MaliciousReceiver
/// @notice A seller contract that, when paid through ReentrantToken's receiver hook, tries to
///         re-enter the marketplace (release the same order again). It records the refusal,
///         or (`revertAfter`) reverts, so that its payout itself fails.
contract MaliciousReceiver is IReceiverHook {
    IEscrowMarketplace public immutable market;
    IEscrowMarketplaceTypes.OrderTerms private _target;
    bool public armed;
    bool public revertAfter;
    bytes public lastError;

    constructor(IEscrowMarketplace market_) {
        market = market_;
    }

    function list(uint256 priceUsd, address[] calldata tokens) external returns (uint256) {
        return market.list(priceUsd, 1, tokens, 0, 0, IEscrowMarketplaceTypes.Kind.Physical, bytes32(0));
    }

    function ship(IEscrowMarketplaceTypes.OrderTerms calldata terms) external {
        market.ship(terms, bytes32(0));
    }

    function arm(IEscrowMarketplaceTypes.OrderTerms calldata terms, bool revertAfter_) external {
        _target = terms;
        armed = true;
        revertAfter = revertAfter_;
    }

    function claim(address token, address to) external {
        market.claim(token, to);
    }

    function onTokenReceived(address, uint256) external {
        if (!armed) return;
        armed = false;
        try market.release(_target) {}
        catch (bytes memory reason) {
            if (revertAfter) revert("MaliciousReceiver: reentry refused");
            lastError = reason;
        }
    }
}
