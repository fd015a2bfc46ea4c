"""The deployment journal, `deployments/<chainId>.json`, written atomically.

    {
      "version": 1, "chainId": 31337, "genesisHash": "0x..", "network": "local",
      "deployer": "0x..",
      "contracts": {"<key>": {"contract", "address", "txHash", "block",
                              "constructorArgs", "initCodeHash", "codeHash"}},
      "tokens":   {"wbtc": "0x..", "usdc": "0x.."},     # mocks or real, for the CLI
      "feeds":    {"btc_usd": "0x..", ...},
      "permit2":  "0x..",                             # Uniswap's (deployed on a local chain)
      "arbiters": ["0x.."],
      "steps":    {"<step>": {"status": "sent" | "done" | "failed", "kind": "deploy" | "call",
                              "contract", "function", "target", "args", "initCodeHash",
                              "txHash", "rawTx", "nonce", "block", "address"}}
    }

A step is written "sent" (with its signed raw transaction) BEFORE it is broadcast, and "done"
(with its block) once mined, so a crash at any point leaves a journal a re-run can resolve.

The journal names its chain twice: the chain id and the hash of block 0 (genesis), which
tells a restarted local chain (same id, new genesis) from the one the journal was written on.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from bazaar.errors import BazaarError

VERSION = 1


def default_path(chain_id: int) -> Path:
    return Path("deployments") / f"{chain_id}.json"


class Journal:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def open(cls, path: str | Path, chain_id: int, genesis_hash: str) -> Journal:
        """The journal at `path`, or a new empty one (not written until `save`).

        Raises:
            BazaarError: unreadable, or written for another chain (id or genesis).
        """
        target = Path(path)
        if not target.exists():
            return cls.new(target, chain_id, genesis_hash)
        journal = cls(target, cls._read(target))
        journal.check_chain(chain_id, genesis_hash)
        journal.data.setdefault("steps", {})
        return journal

    @classmethod
    def new(cls, path: str | Path, chain_id: int, genesis_hash: str) -> Journal:
        """An empty journal for `path` (not written until `save`), whatever is there now."""
        data = {"version": VERSION, "chainId": chain_id, "genesisHash": genesis_hash}
        return cls(Path(path), {**data, "steps": {}})

    @classmethod
    def set_aside(cls, path: str | Path) -> Path | None:
        """Renames an existing journal to `<name>.<UTC time>.json` (kept, never deleted) so
        that a new deployment starts; returns the new name, or None when there was none."""
        target = Path(path)
        if not target.exists():
            return None
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        kept = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
        os.replace(target, kept)
        return kept

    def check_chain(self, chain_id: int, genesis_hash: str) -> None:
        """Stops unless the node serves the chain this journal was written on.

        Raises:
            BazaarError: another chain id, or the same id with another genesis block (a
                restarted local chain).
        """
        if self.data.get("chainId") != chain_id:
            raise BazaarError(
                f"wrong chain: {self.path} is for chain id {self.data.get('chainId')}, "
                f"the node serves chain id {chain_id}"
            )
        recorded = self.data.get("genesisHash")
        if recorded is not None and recorded != genesis_hash:
            raise BazaarError(
                f"{self.path} was written on another chain with id {chain_id} (genesis "
                f"{recorded[:10]}.., the node's is {genesis_hash[:10]}..: restarted?); nothing "
                "sent; `bazaar deploy --fresh` starts a new deployment and keeps this file"
            )

    @staticmethod
    def _read(target: Path) -> dict[str, Any]:
        try:
            data = json.loads(target.read_text())
        except (OSError, ValueError) as exc:
            raise BazaarError(f"cannot read deployment file {target}: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise BazaarError(f"{target} is not a version-{VERSION} deployment file")
        return data

    @classmethod
    def load(cls, path: str | Path) -> Journal:
        """An existing journal (for the clients: where the contracts are).

        Raises:
            BazaarError: missing or unreadable.
        """
        target = Path(path)
        if not target.exists():
            raise BazaarError(f"no deployment file {target}: deploy first or pass --deployment")
        return cls(target, cls._read(target))

    # -- reading -------------------------------------------------------------------------

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return cast(dict[str, dict[str, Any]], self.data["steps"])

    def contract(self, key: str) -> dict[str, Any]:
        entry = self.data.get("contracts", {}).get(key)
        if entry is None:
            raise BazaarError(f"{self.path} has no {key!r} contract; is the deployment complete?")
        return cast(dict[str, Any], entry)

    def address(self, key: str) -> str:
        return cast(str, self.contract(key)["address"])

    # -- writing -------------------------------------------------------------------------

    def set_step(self, name: str, **fields: Any) -> None:
        self.steps.setdefault(name, {}).update(fields)
        self.save()

    def save(self) -> None:
        """Writes the journal atomically (temporary file, fsync, rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(self.data, f, indent=2, sort_keys=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
