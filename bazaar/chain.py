"""Connecting to a node, and checking it serves the chain we expect."""

from __future__ import annotations

from web3 import HTTPProvider, Web3

from bazaar.errors import BazaarError


def connect(rpc_url: str, expected_chain_id: int | None = None, timeout: float = 30) -> Web3:
    """A Web3 on `rpc_url`, checked to answer and (if given) to be chain `expected_chain_id`.

    Raises:
        BazaarError: the node does not answer, or serves another chain.
    """
    if not rpc_url.startswith(("http://", "https://")):
        raise BazaarError(f"RPC URL {rpc_url!r} must start with http:// or https://")
    w3 = Web3(HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    try:
        chain_id = w3.eth.chain_id
    except Exception as exc:  # requests' connection errors, JSON errors, ...
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BazaarError(f"cannot reach the node at {rpc_url}: {reason[:200]}") from None
    if expected_chain_id is not None and chain_id != expected_chain_id:
        raise BazaarError(
            f"wrong chain: {rpc_url} serves chain id {chain_id}, expected {expected_chain_id}"
        )
    return w3
