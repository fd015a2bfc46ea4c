"""Contract size gate (run by ``make test`` and ``make lint``): every contract must deploy.

Reads brownie's build (``build/contracts/*.json``, so compile first) and checks every contract
and library whose source is the project's own (``contracts/``, not ``contracts/mocks/`` nor
``contracts/test/``, not a dependency):

* deployed (runtime) code at most 24,576 bytes (EIP-170: larger code cannot be deployed);
* init code at most 49,152 bytes (EIP-3860: a larger creation transaction is invalid).

Prints a table of sizes with the headroom left, largest first; exits 1 when any contract is
over a limit or when the build holds none of the project's contracts.

    python -m tools.gates.contract_sizes [--build build/contracts]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "contracts"
MAX_RUNTIME_BYTES = 24_576  # EIP-170
MAX_INITCODE_BYTES = 2 * MAX_RUNTIME_BYTES  # EIP-3860
OWN_SOURCES = "contracts/"
EXCLUDED_SOURCES = ("contracts/mocks/", "contracts/test/")


@dataclass(frozen=True)
class Size:
    name: str
    source: str
    runtime: int
    initcode: int

    @property
    def over(self) -> bool:
        return self.runtime > MAX_RUNTIME_BYTES or self.initcode > MAX_INITCODE_BYTES


def code_bytes(hex_code: str) -> int:
    """Length in bytes of hex code; link placeholders (``__$...$__``) count as their 20 bytes."""
    return len(hex_code.removeprefix("0x")) // 2


def is_checked(source: str) -> bool:
    return source.startswith(OWN_SOURCES) and not source.startswith(EXCLUDED_SOURCES)


def sizes(build: Path = BUILD) -> list[Size]:
    """The project's own deployable contracts and libraries in `build`, largest first."""
    found = []
    for path in sorted(build.glob("*.json")):
        artifact = json.loads(path.read_text())
        source = str(artifact.get("sourcePath", ""))
        runtime = artifact.get("deployedBytecode") or ""
        if not is_checked(source) or not runtime:
            continue  # dependency, mock, test helper, interface or abstract contract
        found.append(
            Size(
                name=artifact.get("contractName", path.stem),
                source=source,
                runtime=code_bytes(runtime),
                initcode=code_bytes(artifact.get("bytecode") or ""),
            )
        )
    return sorted(found, key=lambda s: (-s.runtime, s.name))


def table(rows: list[Size]) -> str:
    lines = [
        f"{'contract':<22}{'runtime':>9}{'of limit':>10}{'headroom':>10}{'init code':>11}  source",
    ]
    for s in rows:
        flag = "  OVER THE LIMIT" if s.over else ""
        lines.append(
            f"{s.name:<22}{s.runtime:>9,}{100 * s.runtime / MAX_RUNTIME_BYTES:>9.1f}%"
            f"{MAX_RUNTIME_BYTES - s.runtime:>10,}{s.initcode:>11,}  {s.source}{flag}"
        )
    lines.append(
        f"limits: runtime {MAX_RUNTIME_BYTES:,} bytes (EIP-170), init code"
        f" {MAX_INITCODE_BYTES:,} bytes (EIP-3860)"
    )
    return "\n".join(lines)


def check(build: Path = BUILD) -> int:
    rows = sizes(build) if build.is_dir() else []
    if not rows:
        print(f"sizes: FAIL no project contract in {build} (run brownie compile first)")
        return 1
    print(table(rows))
    over = [s.name for s in rows if s.over]
    if over:
        print(f"sizes: FAIL over the limit: {', '.join(over)}")
        return 1
    print(f"sizes: ok ({len(rows)} contracts and libraries)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="brownie's build/contracts")
    return check(parser.parse_args(argv).build)


if __name__ == "__main__":
    sys.exit(main())
