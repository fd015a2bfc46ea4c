"""Uniswap's Permit2 (bazaar/artifacts/Permit2.json, compiled from Uniswap's published source):
its EIP-712 domain, which SignatureTransfer nonces an owner has used, and cancelling a signed
transfer before it is used. The suite uses only SignatureTransfer (one signature per payment,
no standing allowance); the ERC-20 approval of Permit2 itself is the token's
(`Erc20Client.ensure_allowance(permit2, ...)`).

`check_permit2` is what the deployment asks of a Permit2 address before anything is sent."""

from __future__ import annotations

from web3 import Web3
from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.errors import BazaarError
from bazaar.signing import permit2 as typed
from bazaar.units import checksum


class Permit2Client(ContractClient):
    ARTIFACT = "Permit2"

    def domain_separator(self) -> bytes:
        return bytes(self.view("DOMAIN_SEPARATOR"))

    def nonce_bitmap(self, owner: str, word: int) -> int:
        """Word `word` of `owner`'s unordered-nonce bitmap (bit set: nonce used)."""
        return int(self.view("nonceBitmap", checksum(owner, "owner"), word))

    def nonce_used(self, owner: str, nonce: int) -> bool:
        """Whether `owner`'s SignatureTransfer nonce `nonce` is used (spent or cancelled)."""
        word, bit = typed.nonce_position(nonce)
        return bool(self.nonce_bitmap(owner, word) >> bit & 1)

    def cancel_nonce(self, nonce: int) -> TxReceipt:
        """Marks the signer's nonce `nonce` used, so that a transfer signed with it can never
        be made (`invalidateUnorderedNonces`)."""
        word, bit = typed.nonce_position(nonce)
        return self.send(
            "invalidateUnorderedNonces", word, 1 << bit, label=f"cancel Permit2 nonce {nonce}"
        )


def check_permit2(w3: Web3, address: str, what: str = "Permit2") -> str:
    """`address`, checked to be a Permit2 on the node's chain: it has code, and its
    `DOMAIN_SEPARATOR()` is the EIP-712 separator of name "Permit2", the chain id and that
    address (so a contract that only looks like it, or Permit2's code answering for another
    chain, is refused).

    Raises:
        BazaarError: one line naming `what`, the address and what was found; nothing sent.
    """
    address = checksum(address, what)
    chain_id = int(w3.eth.chain_id)
    if not w3.eth.get_code(address):
        raise BazaarError(f"{what}: no contract at {address} on chain {chain_id}; nothing sent")
    expected = typed.domain_separator(chain_id, address)
    try:
        found = Permit2Client(w3, address).domain_separator()
    except Exception:
        raise BazaarError(
            f"{what}: {address} does not answer DOMAIN_SEPARATOR(): not a Permit2; nothing sent"
        ) from None
    if found != expected:
        raise BazaarError(
            f"{what}: {address} has DOMAIN_SEPARATOR() 0x{found.hex()}, Permit2's there is "
            f"0x{expected.hex()} (EIP-712 name 'Permit2', chain {chain_id}, that address): not "
            "Permit2; nothing sent"
        )
    return address
