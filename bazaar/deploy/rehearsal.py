"""The deploy dry run's rehearsal: the plan's remaining steps run for real on a local fork of
the target chain (`anvil --fork-url`), from the same account, so every step gets the gas it
used, including steps whose inputs (contracts deployed by earlier steps) do not exist yet on
the target. Nothing reaches the target chain; the fork and its journal copy are thrown away.

Needs foundry's `anvil` on PATH (`make setup` links the npm build into .venv/bin); without it
the dry run falls back to estimates of the steps whose inputs exist (`Deployer.dry_run`).
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import HTTPProvider, Web3

from bazaar.deploy.engine import Deployer, StepReport
from bazaar.deploy.plan import Step
from bazaar.errors import BazaarError
from bazaar.journal import Journal
from bazaar.tx import Progress, TxSender

ANVIL_START_SECONDS = 30


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def anvil(*args: str) -> Iterator[str]:
    """A local anvil with `args` on a free port, stopped on exit; its URL.

    Raises:
        BazaarError: no anvil on PATH, or it did not answer in time.
    """
    binary = shutil.which("anvil")
    if binary is None:
        raise BazaarError("no anvil on PATH (foundry's; `make setup` links one into .venv/bin)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--silent", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
        deadline = time.monotonic() + ANVIL_START_SECONDS
        while True:
            with contextlib.suppress(Exception):
                w3.eth.chain_id  # noqa: B018 (answers once it is up)
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise BazaarError(f"anvil {' '.join(args)} did not start on {url}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass(frozen=True)
class Rehearsal:
    reports: list[StepReport]
    block: int  # the target's block the fork started from


def rehearse(
    rpc_url: str, account: LocalAccount, journal: Journal, plan: Sequence[Step]
) -> Rehearsal:
    """Runs the plan's remaining steps on a fork of the chain at `rpc_url`; each report
    carries the gas the step used there (done steps as they are).

    Raises:
        BazaarError: no anvil, the fork did not start, or a step failed on the fork (naming
            it: it would fail on the target too).
    """
    with anvil("--fork-url", rpc_url) as url, tempfile.TemporaryDirectory() as folder:
        w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 120}))
        block = int(w3.eth.block_number)
        copied = Journal(Path(folder) / journal.path.name, copy.deepcopy(journal.data))
        fork = Deployer(TxSender(w3, account, Progress(False)), copied, plan)
        try:
            reports = fork.run()
        except BazaarError as exc:
            raise BazaarError(f"the rehearsal on a fork of the chain failed: {exc}") from None
    done = {name for name, entry in journal.steps.items() if entry.get("status") == "done"}
    return Rehearsal(
        [r if r.name in done else replace(r, status="planned", tx_hash=None) for r in reports],
        block,
    )
