"""The server's follower: a thread that brings the index up to date every interval (the
indexer's `sync`, as `bazaar index --follow` does) and then drops the unreferenced uploads
that are old enough. A node or database that fails is tried again after a doubling wait
(capped); the server goes on answering from what the index holds meanwhile."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bazaar.index.indexer import Progress

MAX_BACKOFF = 300.0  # seconds: the longest wait after repeated failures
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def scrub(text: str) -> str:
    """`text` (a failure's message) in one line of at most 300 characters, with every URL
    replaced: a node's URL often carries its API key, and what the server answers is public."""
    return URL.sub("<url>", " ".join(text.split()))[:300]


@dataclass(frozen=True)
class FollowState:
    """What the follower last saw (read by the request handlers, replaced whole)."""

    head: int | None = None  # the chain head at the last pass that succeeded
    synced_at: float | None = None  # unix seconds of that pass
    passes: int = 0
    failures: int = 0  # in a row, since the last pass that succeeded
    error: str | None = None  # the last failure's reason while failing
    retry_in: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "syncedAt": None if self.synced_at is None else int(self.synced_at),
            "passes": self.passes,
            "failures": self.failures,
            "error": self.error,
            "retryIn": self.retry_in,
        }


class Follower:
    """Runs `sync` then `collect` every `interval` seconds in a thread of its own until
    `stop`; `log` receives one dict per event (indexed, reorg, collected, error)."""

    def __init__(
        self,
        sync: Callable[[], Progress],
        collect: Callable[[], tuple[int, int]],
        interval: float,
        log: Callable[[dict[str, Any]], None],
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self.sync = sync
        self.collect = collect
        self.interval = interval
        self.log = log
        self.max_backoff = max_backoff
        self.state = FollowState()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bazaar-follower", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Asks the thread to stop and waits up to `timeout` seconds for a pass in hand (it
        is a daemon thread: a pass stuck on a node does not keep the process alive; each
        range is one database transaction, so an abandoned pass writes nothing half-way)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.interval
            try:
                progress = self.sync()
                documents, images = self.collect()
            except Exception as exc:  # a node or database failure: wait longer, go on
                failures = self.state.failures + 1
                wait = min(self.max_backoff, self.interval * 2 ** min(failures, 30))
                detail = " ".join(str(exc).split())[:300] or type(exc).__name__
                public = scrub(str(exc)) or type(exc).__name__
                self.state = replace(self.state, failures=failures, error=public, retry_in=wait)
                self.log({"event": "error", "error": detail, "retryIn": wait})  # the operator's
            else:
                self.state = FollowState(
                    head=progress.head,
                    synced_at=time.time(),
                    passes=self.state.passes + 1,
                )
                if progress.reorged_from is not None:
                    self.log({"event": "reorg", "droppedFrom": progress.reorged_from})
                if progress.events:
                    self.log(
                        {
                            "event": "indexed",
                            "toBlock": progress.to_block,
                            "events": progress.events,
                        }
                    )
                if documents or images:
                    self.log({"event": "collected", "documents": documents, "images": images})
            if self._stop.wait(wait):
                break
