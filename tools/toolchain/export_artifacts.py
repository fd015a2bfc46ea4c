"""Writes the ABIs and bytecode the `bazaar` package ships, from brownie's build.

    python -m tools.toolchain.export_artifacts          # after `brownie compile`
    python -m tools.toolchain.export_artifacts --check  # exit 1 when a shipped artifact is stale

Each `bazaar/artifacts/<Name>.json` holds `abi`, `bytecode` (init code, no constructor
arguments; empty for the interfaces, which ship for their ABI) and `errorNotices`: the
`@notice` of every custom error in the ABI, read from the Solidity sources (brownie keeps
only the developer docs), so the client can turn a revert into a sentence without a compiler.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from bazaar.artifacts import ARTIFACT_DIR, INTERFACES, SHIPPED

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "contracts"
# brownie writes the project's own interfaces (interfaces/) apart from the contracts and the
# dependencies' interfaces (OpenZeppelin's, under build/contracts)
BUILD_INTERFACES = ROOT / "build" / "interfaces"
SOURCES = (ROOT / "contracts", ROOT / "interfaces")
# A `///` comment block directly above `error Name(`
_ERROR_DOC = re.compile(r"((?:[ \t]*///[^\n]*\n)+)[ \t]*error\s+(\w+)\s*\(")


def error_notices(folders: tuple[Path, ...] = SOURCES) -> dict[str, str]:
    """`@notice` text of every custom error declared in the Solidity sources under `folders`
    (the project's own by default)."""
    notices: dict[str, str] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.sol")):
            for block, name in _ERROR_DOC.findall(path.read_text()):
                lines = [line.strip().removeprefix("///").strip() for line in block.splitlines()]
                text = " ".join(line for line in lines if line)
                if "@notice" in text:
                    text = text.split("@notice", 1)[1].split("@", 1)[0].strip()
                    notices.setdefault(name, text)
    return notices


def build_artifact(name: str, notices: dict[str, str] | None = None) -> dict[str, Any]:
    """The artifact of contract `name` as it should ship, from build/contracts/<name>.json."""
    path = BUILD / f"{name}.json"
    if name in INTERFACES and not path.exists():
        path = BUILD_INTERFACES / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `brownie compile` first")
    build = json.loads(path.read_text())
    bytecode = build.get("bytecode", "")
    if name in INTERFACES:
        bytecode = ""
    elif not bytecode:
        raise ValueError(f"{name} has no bytecode (an interface or abstract contract?)")
    notices = error_notices() if notices is None else notices
    errors = sorted(item["name"] for item in build["abi"] if item["type"] == "error")
    return {
        "contractName": name,
        "abi": build["abi"],
        "bytecode": bytecode if not bytecode or bytecode.startswith("0x") else "0x" + bytecode,
        "errorNotices": {e: notices[e] for e in errors if e in notices},
    }


def render(artifact: dict[str, Any]) -> str:
    return json.dumps(artifact, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale artifacts")
    args = parser.parse_args(argv)
    notices = error_notices()
    stale = []
    for name in SHIPPED:
        text = render(build_artifact(name, notices))
        target = ARTIFACT_DIR / f"{name}.json"
        if target.exists() and target.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            target.write_text(text)
    verb = "stale" if args.check else "written"
    print(f"{len(stale)} artifact(s) {verb}: {', '.join(stale) or '-'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
