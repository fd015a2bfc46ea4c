"""One chunked log scanner for every client.

Public RPC nodes cap `eth_getLogs`: by block range (often 10,000 blocks, some far fewer) or by
the number of results. The scanner asks for one block range at a time, from the contract's
deploy block; a range the node refuses is halved and asked again, down to a single block.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from web3 import Web3

from bazaar.errors import BazaarError

LOG_CHUNK = 10_000  # blocks per eth_getLogs request at first


def _reason(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return text.splitlines()[0][:200] if text else type(exc).__name__


def scan_logs(
    w3: Web3,
    address: str,
    topics: list[Any],
    from_block: int,
    to_block: int | None = None,
    *,
    newest_first: bool = False,
    chunk: int = LOG_CHUNK,
) -> Iterator[Any]:
    """The logs of `address` matching `topics`, between `from_block` and `to_block` (default:
    the latest block), oldest first or `newest_first`; a generator, so a caller that finds what
    it looks for stops asking.

    Raises:
        BazaarError: the node refuses even a single block.
    """
    low = from_block
    high = int(w3.eth.block_number) if to_block is None else to_block
    size = max(1, chunk)
    while low <= high:
        start, end = (
            (max(low, high - size + 1), high) if newest_first else (low, min(high, low + size - 1))
        )
        query = {"address": address, "topics": topics, "fromBlock": start, "toBlock": end}
        try:
            logs = w3.eth.get_logs(query)  # type: ignore[arg-type]
        except Exception as exc:  # nodes refuse a range in many shapes (JSON-RPC error, HTTP 413)
            if start == end:
                raise BazaarError(
                    f"the node refuses eth_getLogs for block {start} of {address}: {_reason(exc)}"
                ) from None
            size = max(1, (end - start + 1) // 2)
            continue
        yield from (reversed(logs) if newest_first else logs)
        if newest_first:
            high = start - 1
        else:
            low = end + 1
