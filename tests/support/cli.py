"""Helpers of the client and CLI tests: keystores of anvil's dev accounts, running the CLI
in-process or as a real process without a terminal, and reading nonces."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import brownie
import pytest
from eth_account import Account

from bazaar import artifacts
from bazaar.cli import main
from tools.local.dev_keys import DEV_KEYS as ALL_DEV_KEYS

PASSWORD = "test-password"
# anvil's well-known development keys (its default mnemonic): accounts 0..3
DEV_KEYS = {name: ALL_DEV_KEYS[name] for name in ("deployer", "buyer", "seller", "arbiter")}
ADDRESSES = {name: Account.from_key(key).address for name, key in DEV_KEYS.items()}


def write_fast_keystores(folder: Path) -> dict[str, str]:
    """Keystores of the dev accounts with a low scrypt cost (fast tests; the CLI's own
    keystores use eth-account's default cost)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, key in DEV_KEYS.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(Account.encrypt(key, PASSWORD, iterations=2**10)))
        paths[name] = str(path)
    return paths


def rpc_url() -> str:
    return brownie.web3.provider.endpoint_uri


def deploy_by_cli(folder: Path, *then: tuple[str, list[str]]) -> dict:
    """The suite deployed in `folder` by `bazaar deploy --mocks` (arbiter: the dev account
    `arbiter`) with keystores of the dev accounts, then each `(who, args)` command run as `who`;
    output swallowed, each must exit 0. Returns keys, base (the arguments naming the chain
    and the journal), journal and folder."""
    keys = write_fast_keystores(folder / "keys")
    deployment = folder / "31337.json"
    base = ["--rpc-url", rpc_url(), "--deployment", str(deployment)]
    deploy = ("deployer", ["deploy", "--mocks", "--arbiter", ADDRESSES["arbiter"]])
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(io.StringIO()):
        env.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
        for who, args in (deploy, *then):
            assert main([*base, "--keystore", keys[who], *args]) == 0, (who, args)
    journal = json.loads(deployment.read_text())
    return {"keys": keys, "base": base, "journal": journal, "folder": folder}


def deploy_and_fund(folder: Path, *then: tuple[str, list[str]]) -> dict:
    """`deploy_by_cli`, then the buyer holds 1 WBTC and 10,000 USDC (the mock tokens, as
    brownie contracts under "wbtc" and "usdc")."""
    deployed = deploy_by_cli(folder, *then)
    tokens = deployed["journal"]["tokens"]
    minter = {"from": brownie.accounts[0]}
    wbtc = brownie.Contract.from_abi("WBTC", tokens["wbtc"], artifacts.load("MockWBTC").abi)
    usdc = brownie.Contract.from_abi("USDC", tokens["usdc"], artifacts.load("MockUSDC").abi)
    wbtc.mint(ADDRESSES["buyer"], 10**8, minter)
    usdc.mint(ADDRESSES["buyer"], 10_000 * 10**6, minter)
    return {**deployed, "wbtc": wbtc, "usdc": usdc}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def run(capsys, *argv: str) -> Run:
    """`bazaar argv...` in-process; its exit status and captured output."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def nonces() -> dict[str, int]:
    return {n: brownie.web3.eth.get_transaction_count(a) for n, a in ADDRESSES.items()}


def assert_one_line_failure(result: Run, *fragments: str) -> None:
    """Exit status non-zero, exactly one line on stderr naming each fragment; on stdout nothing,
    or under --json the same error as one JSON object."""
    assert result.code != 0, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    if result.out:  # under --json: the same error as one JSON object, nothing else
        assert json.loads(result.out) == {
            "error": lines[0].removeprefix("bazaar: error: "),
            "exitCode": result.code,
        }


# The console script of the venv running the tests.
BAZAAR = Path(sys.executable).parent / "bazaar"


def bazaar_without_a_terminal(*args, stdin_text=None, env=None):
    """The real entry point in a new session (no controlling terminal); stdin closed, or
    `stdin_text` piped."""
    run_env = {k: v for k, v in os.environ.items() if k != "BAZAAR_KEYSTORE_PASSWORD"}
    run_env.update(env or {})
    return subprocess.run(
        [str(BAZAAR), *args],
        input=stdin_text,
        stdin=None if stdin_text is not None else subprocess.DEVNULL,
        preexec_fn=None if stdin_text is not None else (lambda: os.close(0)),
        start_new_session=True,
        capture_output=True,
        text=True,
        env=run_env,
        timeout=60,
    )
