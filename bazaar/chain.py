"""Connecting to a node, and checking it serves the chain we expect."""

from __future__ import annotations

import re

import requests
from web3 import HTTPProvider, Web3
from web3.types import RPCEndpoint

from bazaar.errors import BazaarError


def connect(rpc_url: str, expected_chain_id: int | None = None, timeout: float = 30) -> Web3:
    """A Web3 on `rpc_url`, checked to answer and (if given) to be chain `expected_chain_id`.

    Raises:
        BazaarError: the node does not answer, or serves another chain.
    """
    if not rpc_url.startswith(("http://", "https://")):
        raise BazaarError(f"RPC URL {rpc_url!r} must start with http:// or https://")
    provider = HTTPProvider(
        rpc_url,
        request_kwargs={"timeout": timeout},
        # a node's chain id never changes: web3 asks for it around every call and estimate
        cache_allowed_requests=True,
        cacheable_requests={RPCEndpoint("eth_chainId")},
    )
    w3 = Web3(provider)
    try:
        chain_id = w3.eth.chain_id
    except Exception as exc:  # requests' connection errors, JSON errors, ...
        raise BazaarError(f"cannot reach the node at {rpc_url}: {why(exc, timeout)}") from None
    if expected_chain_id is not None and chain_id != expected_chain_id:
        raise BazaarError(
            f"wrong chain: {rpc_url} serves chain id {chain_id}, expected {expected_chain_id}"
        )
    return w3


def why(exc: Exception, timeout: float) -> str:
    """A short, whole reason for a failed request to a node (never cut mid-word)."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout:.0f} s"
    if isinstance(exc, requests.exceptions.ConnectionError):
        errno = re.search(r"\[Errno -?\d+\] ([A-Za-z][A-Za-z ,']*[A-Za-z])", text)
        return f"cannot connect ({errno.group(1).lower()})" if errno else "cannot connect"
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}".rstrip()
    if isinstance(exc, ValueError) or "JSON" in text or "decode" in text.lower():
        return "it answered, but not as an Ethereum JSON-RPC node"
    first = text.splitlines()[0] if text else type(exc).__name__
    return first if len(first) <= 160 else first[:160].rsplit(" ", 1)[0] + " ..."
