"""Offline toolchain set-up for brownie: the compiler shim and the anvil network.

Run by ``tools/toolchain/setup.sh`` (``make setup``); every step is idempotent and quick when done.

* Compiler: py-solc-x looks for an executable ``solc-v<version>`` in its install folder
  (``$SOLCX_BINARY_PATH`` or ``~/.solcx``). A native ``solc`` of the pinned version is used
  when one is there or on PATH; otherwise a shim runs ``tools/toolchain/solc-wrapper.cjs`` (solc-js
  from npm). A native binary already in the folder is never touched.
* Anvil: a user's own ``anvil`` on PATH (foundryup) wins; otherwise ``.venv/bin/anvil``
  links to the binary from the npm package ``@foundry-rs/anvil-linux-amd64``, so the
  activated venv and ``make`` both find one.
* Networks: ``bazaar-dev`` in ``~/.brownie/network-config.yaml``, an anvil development
  network with step tracing (needed for revert messages, return values and coverage), and
  ``bazaar-bench`` without it, for ``make bench``. Networks of their own rather than editing
  ``development``: other projects are unaffected, and their ports (18545, 18546) avoid
  attaching to a node the user runs on 8545.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
NPM_ANVIL = ROOT / "node_modules" / ".bin" / "anvil"
WRAPPER = ROOT / "tools" / "toolchain" / "solc-wrapper.cjs"
SHIM_MARKER = "# btc-bazaar solc shim"

# brownie kills anvil without letting it clean up, and anvil persists old states under
# ~/.foundry/anvil/tmp (tens of MB per run): keep them in memory only. (brownie splits `cmd`
# on spaces, which is how a flag without a cmd_settings key gets through.)
ANVIL_CMD = "anvil --max-persisted-states 0"
NETWORK_ID = "bazaar-dev"
BENCH_NETWORK_ID = "bazaar-bench"
# Values as brownie stores them in network-config.yaml (cmd_settings under the network).
_COMMON = {"accounts": 10, "gas_limit": 30_000_000, "base_fee": 0}
NETWORKS = {
    # tests and demo: step tracing for revert messages, return values and coverage
    NETWORK_ID: ("BTC Bazaar anvil", {"port": 18545, **_COMMON, "steps_tracing": True}),
    # bench: no tracing (gas is the same; tracing 10,000 checkouts would exhaust anvil's memory)
    BENCH_NETWORK_ID: (
        "BTC Bazaar anvil (bench)",
        {"port": 18546, **_COMMON, "steps_tracing": False},
    ),
}


def pinned_solc_version() -> str:
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    return str(config["compiler"]["solc"]["version"])


def solcx_folder() -> Path:
    return Path(os.environ.get("SOLCX_BINARY_PATH") or Path.home() / ".solcx")


def _reported_version(executable: str) -> str | None:
    try:
        out = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("Version:"):
            return line.split()[1].split("+")[0]
    return None


def install_compiler() -> str:
    """Make ``solc-v<pinned>`` available to py-solc-x; return a description of the choice."""
    version = pinned_solc_version()
    target = solcx_folder() / f"solc-v{version}"
    if target.exists() and SHIM_MARKER not in _head(target):
        return f"solc {version} (native, {target})"
    # Not .venv/bin: slither brings solc-select, whose `solc` is no compiler but a launcher
    # that goes to the network for its binaries.
    native = shutil.which("solc", path=_path_without_venv())
    if native and _reported_version(native) == version:
        command, description = f'"{native}"', f"solc {version} (native, {native})"
    else:
        command, description = f'node "{WRAPPER}"', f"solc {version} (solc-js from npm)"
    shim = (
        "#!/bin/sh\n"
        f"{SHIM_MARKER}: written by tools/toolchain/setup.sh in {ROOT}\n"
        f'[ -e "{WRAPPER}" ] || {{ echo "solc shim: {WRAPPER} is gone;'
        ' run make setup in the project that uses it" >&2; exit 1; }\n'
        f'exec {command} "$@"\n'
    )
    if not target.exists() or target.read_text() != shim:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(shim)
        target.chmod(0o755)
    return description


def _path_without_venv() -> str:
    entries = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(p for p in entries if Path(p).resolve() != VENV_BIN.resolve())


def _head(path: Path) -> str:
    with path.open("rb") as f:
        return f.read(200).decode("utf-8", "replace")


def install_anvil() -> str:
    """Prefer a user's anvil on PATH; else link the npm one into .venv/bin."""
    link = VENV_BIN / "anvil"
    own = shutil.which("anvil", path=_path_without_venv())
    if own:
        if link.is_symlink():
            link.unlink()
        return f"anvil from PATH ({own})"
    if not NPM_ANVIL.exists():
        sys.exit(
            "setup: no anvil: none on PATH, and the npm package @foundry-rs/anvil-linux-amd64"
            " serves Linux x86-64 only. Install anvil with foundryup (https://getfoundry.sh),"
            " then run make again."
        )
    if not link.is_symlink() or Path(os.readlink(link)) != NPM_ANVIL:
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(NPM_ANVIL)
    return "anvil from npm (.venv/bin/anvil)"


def install_networks() -> None:
    config_file = Path.home() / ".brownie" / "network-config.yaml"
    existing: dict[str, dict] = {}
    if config_file.exists():
        for net in (yaml.safe_load(config_file.read_text()) or {}).get("development", []):
            existing[net.get("id")] = net
    for network_id, (name, settings) in NETWORKS.items():
        wanted = {"cmd": ANVIL_CMD, "host": "http://127.0.0.1", **settings}
        current = existing.get(network_id)
        if current is not None:
            have = {"cmd": current.get("cmd"), "host": current.get("host")}
            have.update(current.get("cmd_settings") or {})
            if all(have.get(k) == v for k, v in wanted.items()):
                continue
            verb = ["modify", network_id]
        else:
            verb = ["add", "Development", network_id, f"name={name}"]
        args = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in wanted.items()]
        subprocess.run(
            [str(VENV_BIN / "brownie"), "networks", *verb, *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def main(argv: list[str]) -> int:
    if argv[1:] == ["setup"]:
        compiler = install_compiler()
        anvil = install_anvil()
        install_networks()
        print(f"setup: ok: {compiler}; {anvil}; brownie networks {', '.join(NETWORKS)}")
        return 0
    print("usage: python -m tools.toolchain.offline setup", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
