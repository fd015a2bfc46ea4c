"""Uniswap's Permit2, compiled from its published source, never written here.

    python -m tools.toolchain.permit2          # writes bazaar/artifacts/Permit2.json
    python -m tools.toolchain.permit2 --check  # exit 1 unless the committed artifact is what
                                               # the source compiles to AND is canonical

Where it comes from: the npm package `@uniswap/v4-periphery` (pinned in package.json) ships
Permit2's repository under `lib/permit2/` (the source in `src/`, solmate in `lib/solmate/`, its
`foundry.toml` and `remappings.txt`). It is compiled offline with solc-js at the version its
`foundry.toml` names (npm `solc-0.8.17`, an alias of `solc@0.8.17`) and that file's settings:
optimizer on, its runs, via-IR, `bytecode_hash = "none"` (no metadata hash: the bytecode does
not depend on comments or paths), the compiler's default EVM version (none is set there).

Why it is canonical: Permit2 lives at 0x000000000022D473030F116dDEE9F6B43aC78BA3 on every chain
Uniswap lists, created by the deterministic CREATE2 deployer with a fixed salt. A CREATE2
address is keccak256(0xff ++ deployer ++ salt ++ keccak256(init code))[12:], so an init code
whose address comes out as the canonical one is, byte for byte, the code deployed there (its
constructor takes no arguments). `--check` recomputes that address from the committed
artifact. It matched at the first try with the settings above and these source unit names
(`src/...`, `lib/solmate/...`, as forge names them): nothing needed adjusting.

The artifact has the shape of the others in bazaar/artifacts (contractName, abi, bytecode,
errorNotices: Permit2's `@notice` of each error) plus `source`: the package, path, compiler and
settings it was built from.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from bazaar.artifacts import ARTIFACT_DIR
from bazaar.networks import PERMIT2_ADDRESS
from tools.toolchain.export_artifacts import error_notices, render

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "@uniswap/v4-periphery"
PACKAGE_DIR = ROOT / "node_modules" / PACKAGE
SOURCE_ROOT = PACKAGE_DIR / "lib" / "permit2"  # Permit2's repository, as the package ships it
MAIN_SOURCE = "src/Permit2.sol"
CONTRACT = "Permit2"
SOLC_PACKAGE = "solc-0.8.17"  # npm alias of solc@0.8.17 (package.json)
SOLC_DIR = ROOT / "node_modules" / SOLC_PACKAGE
TARGET = ARTIFACT_DIR / f"{CONTRACT}.json"

# How Permit2 was deployed (the same on every chain): the deterministic deployment proxy
# (Arachnid's, at this address on every EVM chain; anvil has it from genesis) and the salt of
# Permit2's deployment script.
CREATE2_DEPLOYER = "0x4e59b44847b379578588920cA78FbF26c0B4956C"
CREATE2_SALT = bytes.fromhex("0000000000000000000000000000000000000000d3af2663da51c10215000000")

# solc-js's compile(), fed the standard-JSON input on stdin; every source is inline, so no
# import callback is needed.
_COMPILE_JS = (
    "const solc = require(process.argv[1]);"
    "const input = require('fs').readFileSync(0, 'utf8');"
    "process.stdout.write(solc.compile(input));"
)
_IMPORT = re.compile(r'^\s*import\s+[^;]*?"([^"]+)"\s*;', re.MULTILINE)


def create2_address(init_code: bytes) -> str:
    """The address the CREATE2 deployer gives `init_code` with Permit2's salt."""
    deployer = bytes.fromhex(CREATE2_DEPLOYER[2:])
    digest = keccak(b"\xff" + deployer + CREATE2_SALT + keccak(init_code))
    return to_checksum_address(digest[12:])


def _package_version(folder: Path) -> str:
    if not (folder / "package.json").exists():
        raise SystemExit(f"permit2: {folder} is missing: run `make setup` (npm ci)")
    return str(json.loads((folder / "package.json").read_text())["version"])


def foundry_profile() -> dict[str, Any]:
    """Permit2's `[profile.default]` of foundry.toml, as the package ships it."""
    config = tomllib.loads((SOURCE_ROOT / "foundry.toml").read_text())
    return dict(config["profile"]["default"])


def remappings() -> list[str]:
    """Permit2's remappings.txt (`solmate/=lib/solmate`), each target ending in `/`."""
    found = []
    for line in (SOURCE_ROOT / "remappings.txt").read_text().splitlines():
        prefix, sep, target = line.strip().partition("=")
        if sep:
            found.append(f"{prefix}={target.rstrip('/')}/")
    return found


def _source_unit(imported: str, importer: str, remapped: list[str]) -> str:
    if imported.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), imported))
    for remapping in remapped:
        prefix, _, target = remapping.partition("=")
        if imported.startswith(prefix):
            return target + imported[len(prefix) :]
    return imported


def sources() -> dict[str, dict[str, str]]:
    """src/Permit2.sol and everything it imports, by source unit name (paths inside
    Permit2's repository, as forge names them), contents inline."""
    remapped = remappings()
    found: dict[str, dict[str, str]] = {}
    todo = [MAIN_SOURCE]
    while todo:
        unit = todo.pop()
        if unit in found:
            continue
        text = (SOURCE_ROOT / unit).read_text()
        found[unit] = {"content": text}
        todo += [_source_unit(i, unit, remapped) for i in _IMPORT.findall(text)]
    return dict(sorted(found.items()))


def settings(profile: dict[str, Any]) -> dict[str, Any]:
    """The standard-JSON settings foundry.toml's profile stands for."""
    known = {"solc", "bytecode_hash", "optimizer", "optimizer_runs", "via_ir"}
    # settings that change bytecode and that this translation does not carry over
    unhandled = {"evm_version", "libraries", "cbor_metadata", "use_literal_content"}
    if unhandled & set(profile):
        raise SystemExit(
            f"permit2: foundry.toml sets {sorted(unhandled & set(profile))}, which "
            f"tools/toolchain/permit2.py does not translate (it knows {sorted(known)})"
        )
    optimizer = {"enabled": bool(profile["optimizer"]), "runs": int(profile["optimizer_runs"])}
    return {
        "optimizer": optimizer,
        "viaIR": bool(profile["via_ir"]),
        "metadata": {"bytecodeHash": str(profile["bytecode_hash"])},
        "remappings": remappings(),
        "outputSelection": {MAIN_SOURCE: {CONTRACT: ["abi", "evm.bytecode.object"]}},
    }


def compile_permit2() -> dict[str, Any]:
    """Permit2's artifact, compiled now from the npm package's source.

    Raises:
        SystemExit: the packages are missing, the compiler is not the version foundry.toml
            names, or the compiler reports an error.
    """
    profile = foundry_profile()
    solc_version = _package_version(SOLC_DIR)
    if solc_version != profile["solc"]:
        raise SystemExit(
            f"permit2: foundry.toml names solc {profile['solc']}, node_modules/{SOLC_PACKAGE} "
            f"is {solc_version}"
        )
    standard = settings(profile)
    request = {"language": "Solidity", "sources": sources(), "settings": standard}
    result = subprocess.run(
        ["node", "-e", _COMPILE_JS, str(SOLC_DIR)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    output = json.loads(result.stdout)
    errors = [e for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise SystemExit("permit2: " + "\n".join(e["formattedMessage"] for e in errors))
    built = output["contracts"][MAIN_SOURCE][CONTRACT]
    notices = error_notices((SOURCE_ROOT / "src",))
    errors_in_abi = sorted(i["name"] for i in built["abi"] if i["type"] == "error")
    return {
        "contractName": CONTRACT,
        "abi": built["abi"],
        "bytecode": "0x" + built["evm"]["bytecode"]["object"],
        "errorNotices": {e: notices[e] for e in errors_in_abi if e in notices},
        "source": {
            "package": f"{PACKAGE}@{_package_version(PACKAGE_DIR)}",
            "path": f"lib/permit2/{MAIN_SOURCE}",
            "compiler": f"solc-js {solc_version} (npm {SOLC_PACKAGE})",
            "settings": {k: v for k, v in standard.items() if k != "outputSelection"},
        },
    }


def canonical_line(artifact: dict[str, Any]) -> tuple[bool, str]:
    """Whether the artifact's init code has Permit2's canonical CREATE2 address, and a line
    saying so."""
    address = create2_address(bytes.fromhex(artifact["bytecode"][2:]))
    ok = address == PERMIT2_ADDRESS
    verdict = "canonical" if ok else f"NOT canonical (expected {PERMIT2_ADDRESS})"
    return ok, (
        f"Permit2 init code keccak256 0x{keccak(hexstr=artifact['bytecode']).hex()}: CREATE2 "
        f"through {CREATE2_DEPLOYER} with salt 0x{CREATE2_SALT.hex()} gives {address}, {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="recompile, compare with the committed artifact and check it is canonical",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    artifact = compile_permit2()
    text = render(artifact)
    ok, line = canonical_line(artifact)
    took = f"({time.monotonic() - started:.1f} s)"
    if not args.check:
        if not ok:
            print(f"permit2: {line}; not written", file=sys.stderr)
            return 1
        TARGET.write_text(text)
        print(f"{TARGET.relative_to(ROOT)} written {took}\n{line}")
        return 0
    committed = TARGET.read_text() if TARGET.exists() else None
    if committed != text:
        print(
            f"permit2: {TARGET.relative_to(ROOT)} is not what {PACKAGE}'s source compiles to: "
            "run `python -m tools.toolchain.permit2`",
            file=sys.stderr,
        )
        return 1
    ok, line = canonical_line(json.loads(committed))
    print(f"{TARGET.relative_to(ROOT)} matches its source {took}\n{line}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
