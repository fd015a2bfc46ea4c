"""What every command shares: global options, the connection, the account, the deployment
file, and output (human lines, or one JSON object with --json)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import TxReceipt

from bazaar import networks
from bazaar import safe as safe_batches
from bazaar.accounts import load_account, open_stdin
from bazaar.chain import connect
from bazaar.clients.base import ContractClient
from bazaar.deploy.rehearsal import anvil
from bazaar.errors import BazaarError, InputRefused
from bazaar.journal import Journal, default_path
from bazaar.settings import SERVER_URL_ENV
from bazaar.tx import Progress, TxSender
from bazaar.units import checksum, format_points

Client = TypeVar("Client", bound=ContractClient)

# --json fields of a sent transaction, left out of a --safe-batch's output (they were the fork's)
FORK_ONLY_FIELDS = frozenset({"txHash", "gasUsed", "txHashes"})


@dataclass
class Context:
    args: argparse.Namespace
    out: Any = field(default_factory=lambda: sys.stdout)
    # what the command opened (a fork for --safe-batch), closed by `close`
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    deferred: tuple[dict[str, Any], list[str]] | None = None

    @property
    def json(self) -> bool:
        return bool(self.args.json)

    @cached_property
    def preset(self) -> networks.NetworkPreset | None:
        return networks.preset(self.args.network) if self.args.network else None

    @cached_property
    def safe(self) -> ChecksumAddress | None:
        """The Safe of `--safe-batch` (None without it); the batch's path checked first.

        Raises:
            BazaarError: --safe-batch without --safe, or a path a batch cannot be written to.
        """
        path = getattr(self.args, "safe_batch", None)
        if path is None:
            if getattr(self.args, "safe", None) is not None:
                raise BazaarError(
                    "--safe needs --safe-batch FILE: a Safe's transactions are written as a "
                    "batch for its owners to sign, never sent from here"
                )
            return None
        if not getattr(self.args, "safe", None):
            raise BazaarError(
                "--safe-batch needs --safe ADDRESS: the Safe whose transactions these are "
                "(the command is rehearsed as it)"
            )
        safe_batches.check_batch_path(path)
        return checksum(self.args.safe, "Safe address")

    @cached_property
    def w3(self) -> Web3:
        """The node; with --safe-batch, a local fork of it (anvil) that the command acts on."""
        safe = self.safe  # --safe and --safe-batch checked before the node is asked
        url = self.args.rpc_url
        if url is None and self.preset is not None:
            url = self.preset.rpc_url()
            if url is None:
                raise BazaarError(
                    f"network {self.preset.name}: set {self.preset.rpc_env} or pass --rpc-url"
                )
        if url is None:
            raise BazaarError("no node: pass --rpc-url URL or --network NAME")
        real = connect(url, self.preset.chain_id if self.preset else None)
        if safe is None:
            return real
        fork = self.stack.enter_context(anvil("--fork-url", url))
        return connect(fork, int(real.eth.chain_id))

    @cached_property
    def chain_id(self) -> int:
        return int(self.w3.eth.chain_id)

    @cached_property
    def account(self) -> LocalAccount:
        if not self.args.keystore:
            raise BazaarError("this command signs: pass --keystore FILE")
        return load_account(self.args.keystore)

    @cached_property
    def sender(self) -> TxSender:
        """The keystore's account; with --safe-batch, the Safe on the fork."""
        if self.safe is not None:
            return safe_batches.SafeSender(self.w3, self.safe)
        return TxSender(self.w3, self.account, Progress.auto(self.json))

    @property
    def me(self) -> ChecksumAddress:
        """Who acts: the keystore's account, or the Safe of --safe-batch."""
        return self.safe if self.safe is not None else self.account.address

    @property
    def deployment_path(self) -> Path:
        if self.args.deployment is not None:
            if not self.args.deployment.strip():
                raise BazaarError("--deployment is empty: give a file, or leave it out")
            return Path(self.args.deployment)
        return default_path(self.chain_id)

    @cached_property
    def genesis_hash(self) -> str:
        """The hash of the node's block 0: with the chain id, which chain this is."""
        return "0x" + bytes(self.w3.eth.get_block(0)["hash"]).hex()

    @cached_property
    def deployment(self) -> Journal:
        journal = Journal.load(self.deployment_path)
        journal.check_chain(self.chain_id, self.genesis_hash)
        return journal

    def client(self, kind: type[Client], key: str, signing: bool = False) -> Client:
        """A `kind` client of the deployment's contract `key` (its logs from its deploy
        block), signing with the keystore's account when `signing`."""
        entry = self.deployment.contract(key)
        sender = self.sender if signing else None
        return kind(self.w3, entry["address"], sender, from_block=int(entry.get("block", 0)))

    def emit(self, data: dict[str, Any], lines: list[str]) -> None:
        """One JSON object (--json) or the human lines, on stdout (with --safe-batch, once
        the batch is written: `finish`)."""
        if self.safe is not None and self.deferred is None:
            self.deferred = (data, lines)
            return
        if self.json:
            self.out.write(json.dumps(json_safe(data), sort_keys=True) + "\n")
        else:
            for line in lines:
                self.out.write(line + "\n")
        self.out.flush()

    def finish(self, command: str) -> None:
        """After a command that succeeded: with --safe-batch, writes the calls it made on the
        fork as a Safe Transaction Builder batch, then prints its output and where the
        batch is.

        Raises:
            BazaarError: the command sent nothing to batch, or the file cannot be written.
        """
        if self.safe is None or not isinstance(self.sender, safe_batches.SafeSender):
            return
        calls = self.sender.calls
        if not calls:
            raise BazaarError("the command sent no transaction: no batch written")
        data = safe_batches.batch(self.chain_id, calls, command, command, self.safe)
        path = safe_batches.write_batch(self.args.safe_batch, data)
        found, lines = self.deferred or ({}, [])
        # the fork's transaction hashes and gas are not the Safe's: the batch is what counts
        found = {k: v for k, v in found.items() if k not in FORK_ONLY_FIELDS}
        self.emit(
            {
                **found,
                "safeBatch": str(path),
                "safe": self.safe,
                "transactions": data["transactions"],
            },
            [
                *lines,
                f"(rehearsed as the Safe {self.safe} on a fork: nothing sent) a Safe Transaction "
                f"Builder batch of {len(calls)} transaction(s) written to {path}",
            ],
        )

    def close(self) -> None:
        self.stack.close()


def server_url(ctx: Context) -> str:
    """The storefront server to upload to: --server, else $BAZAAR_SERVER_URL.

    Raises:
        BazaarError: neither is given.
    """
    url = getattr(ctx.args, "server", None) or os.environ.get(SERVER_URL_ENV)
    if not url:
        raise BazaarError(
            f"which storefront server? pass --server URL (bazaar serve's) or set ${SERVER_URL_ENV}"
        )
    return str(url)


def when(timestamp: int) -> str:
    """A Unix time as "2026-11-22 07:02:00 UTC (1795330920)"."""
    text = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{text} ({timestamp})"


def tx_json(receipt: TxReceipt) -> dict[str, Any]:
    """What every --json output says of the transaction it sent."""
    return {"txHash": "0x" + bytes(receipt["transactionHash"]).hex(), "gasUsed": receipt["gasUsed"]}


def last_tx_json(client: ContractClient) -> dict[str, Any]:
    """`tx_json` of the client's latest transaction (for methods that return what they made)."""
    return tx_json(client.last_receipt) if client.last_receipt is not None else {}


# The largest integer a JSON reader with IEEE doubles (JavaScript, jq) keeps exactly.
JSON_SAFE_INT = 2**53 - 1


def json_safe(value: Any) -> Any:
    """`value` with every integer beyond +-(2^53 - 1) as a decimal string (a safety net: the
    fields that can get there, such as points in 18-decimal units, are strings always)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > JSON_SAFE_INT:
        return str(value)
    return value


def time_json(name: str, unix: int) -> dict[str, Any]:
    """A time in --json: unix seconds and, beside it as `<name>Iso`, ISO 8601 in UTC (None for
    0, which the contracts use for "not set")."""
    iso = datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if unix else None
    return {name: unix, f"{name}Iso": iso}


def points_json(name: str, units: int) -> dict[str, Any]:
    """A points amount in --json: the units as a decimal string (18 decimals: beyond what a
    JSON number keeps exactly) and the human string."""
    return {name: str(units), f"{name}Formatted": format_points(units)}


def read_json_file(source: str, what: str, made_by: str) -> Any:
    """The JSON document in FILE (or "-": stdin): a signed `what`, as `made_by` prints it.

    Raises:
        InputRefused: unreadable, or not JSON.
    """
    try:
        if source == "-":
            text = open_stdin(f"no {what} on stdin: it is closed").read()
        else:
            text = Path(source).read_text()
    except OSError as exc:
        raise InputRefused(f"cannot read {source}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise InputRefused(f"{source} is not JSON: expected what {made_by} prints") from None
