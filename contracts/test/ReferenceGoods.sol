// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

/// @notice Bench reference for `goodsMint`: OpenZeppelin's plain ERC-721 mint as the OZ Wizard
///         writes it (auto-increment id, `_safeMint`, `_setTokenURI`) plus the same metadata
///         DigitalGoods writes (content hash, per-token royalty). Never deployed.
contract ReferenceGoods is ERC721URIStorage, ERC2981 {
    uint256 private _nextTokenId = 1;
    mapping(uint256 tokenId => bytes32) public contentHash;

    constructor() ERC721("Reference", "REF") {}

    function safeMint(address to, string calldata uri, bytes32 hash, uint96 royaltyBps) external returns (uint256) {
        uint256 tokenId = _nextTokenId++;
        _safeMint(to, tokenId);
        _setTokenURI(tokenId, uri);
        contentHash[tokenId] = hash;
        _setTokenRoyalty(tokenId, to, royaltyBps);
        return tokenId;
    }

    function tokenURI(uint256 tokenId) public view override(ERC721URIStorage) returns (string memory) {
        return super.tokenURI(tokenId);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721URIStorage, ERC2981) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
