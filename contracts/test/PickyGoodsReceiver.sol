// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title PickyGoodsReceiver
/// @notice A contract holder for DigitalGoods tests whose ERC-721 receiver hook accepts an item,
///         answers with the wrong magic value, or reverts with an error of its own; it records
///         the data of the last item it accepted.
contract PickyGoodsReceiver is IERC721Receiver {
    enum Mode {
        Accept,
        WrongValue,
        Refuse
    }

    /// @notice Raised by the hook in `Mode.Refuse`.
    error PickyGoodsReceiverRefused(uint256 tokenId);

    Mode public mode;
    bytes public lastData;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata data) external returns (bytes4) {
        if (mode == Mode.Refuse) revert PickyGoodsReceiverRefused(tokenId);
        if (mode == Mode.WrongValue) return 0xdeadbeef;
        lastData = data;
        return IERC721Receiver.onERC721Received.selector;
    }
}
