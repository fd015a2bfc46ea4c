"""Run slither on the project's contracts (``make lint``).

slither's brownie platform fails on remapped imports, so this writes a standard-JSON input
from brownie-config.yaml (sources, remappings, optimizer, EVM version) to
``build/slither-input.json`` and runs slither's ``solc-json`` platform with the same compiler
brownie uses (the py-solc-x shim from tools/toolchain/offline.py). Exits non-zero on any finding
that is not excluded below or suppressed on its line with a justified
``// slither-disable-next-line <detector>`` comment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tools.toolchain.offline import ROOT, pinned_solc_version, solcx_folder

SOURCE_DIRS = ("contracts", "interfaces")
# Dependencies and deliberately hostile test contracts are not ours to lint.
FILTER_PATHS = "node_modules|contracts/test/"
# Detectors excluded project-wide, each with its reason:
EXCLUDED = {
    # Flags every 0.8.x release for its historical bug list; the pin is deliberate
    # (brownie-config.yaml) and the listed bugs do not concern our code paths.
    "solc-version",
    # Feed staleness, sequencer grace and escrow timeouts are all defined in block time; a
    # validator's few seconds of timestamp leeway are far below every window (minutes+).
    "timestamp",
}


def standard_json_input() -> dict:
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]
    sources = {
        path.relative_to(ROOT).as_posix(): {"content": path.read_text()}
        for folder in SOURCE_DIRS
        for path in sorted((ROOT / folder).rglob("*.sol"))
    }
    return {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "remappings": config["solc"]["remappings"],
            "optimizer": config["solc"]["optimizer"],
            "evmVersion": config["evm_version"],
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"], "": ["ast"]}
            },
        },
    }


def main() -> int:
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    input_file = build / "slither-input.json"
    input_file.write_text(json.dumps(standard_json_input(), indent=1))
    solc = solcx_folder() / f"solc-v{pinned_solc_version()}"
    cmd = [
        str(Path(sys.executable).parent / "slither"),
        str(input_file.relative_to(ROOT)),
        "--compile-force-framework",
        "solc-json",
        "--solc",
        str(solc),
        "--filter-paths",
        FILTER_PATHS,
        "--exclude",
        ",".join(sorted(EXCLUDED)),
        "--fail-pedantic",
    ]
    # slither's solc-select makes ~/.solc-select on import: give it a home inside build/.
    tool_home = build / "tool-home"
    tool_home.mkdir(exist_ok=True)
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, "HOME": str(tool_home)}).returncode


if __name__ == "__main__":
    sys.exit(main())
