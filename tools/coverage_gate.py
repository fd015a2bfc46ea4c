"""`make coverage` gate: every non-mock contract at or above 95 % (brownie's figure).

Reads the report `brownie test --coverage` saves (reports/coverage.json) and computes each
contract's figure the way brownie prints it: the statement ratio, averaged with the branch
ratio when the contract has branches (a branch counts half when only one way was taken).
Contracts under contracts/mocks/ and contracts/test/ are not gated. A gated contract missing
from the report fails too (its tests did not run). Exit 1 names each contract below the bar.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tools.contract_sizes import is_checked

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "coverage.json"
THRESHOLD = 0.95


def brownie_figure(totals: dict) -> float:
    """brownie.test.output._pct on a contract's totals."""
    hit, total = totals["statements"]
    figure = hit / (total or 1)
    true_taken, false_taken, branches = totals["branches"]
    if branches:
        figure = (figure + (true_taken + false_taken) / (branches * 2)) / 2
    return figure


def gated_contracts(root: Path = ROOT) -> list[str]:
    """Deployable contracts of the project outside mocks/ and test/ (the sources the size
    gate checks, libraries left out: they are inlined), from the build folder."""
    names = []
    for artifact in sorted((root / "build" / "contracts").glob("*.json")):
        data = json.loads(artifact.read_text())
        if data.get("type") != "contract" or not is_checked(data.get("sourcePath", "")):
            continue
        if len(data.get("deployedBytecode", "")) <= 2:
            continue
        names.append(data["contractName"])
    return names


def check(report: dict, gated: list[str], threshold: float = THRESHOLD) -> list[str]:
    """Lines naming each gated contract below `threshold` or missing from `report`."""
    coverage = report.get("coverage", {})
    problems = []
    for name in gated:
        if name not in coverage:
            problems.append(f"{name}: not in the coverage report (did its tests run?)")
            continue
        figure = brownie_figure(coverage[name]["totals"])
        if figure < threshold:
            problems.append(f"{name}: {figure:.1%} < {threshold:.0%}")
    return problems


def main() -> int:
    if not REPORT.exists():
        print(f"coverage gate: {REPORT.relative_to(ROOT)} is missing; run make coverage")
        return 1
    report = json.loads(REPORT.read_text())
    gated = gated_contracts()
    for name in gated:
        totals = report.get("coverage", {}).get(name, {}).get("totals")
        figure = f"{brownie_figure(totals):.1%}" if totals else "missing"
        print(f"coverage gate: {name:<20} {figure:>7}")
    problems = check(report, gated)
    for line in problems:
        print(f"coverage gate: FAIL {line}")
    if not problems:
        print(f"coverage gate: ok, every non-mock contract at or above {THRESHOLD:.0%}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
