"""`make coverage` gate: the project's own code in every non-mock contract at or above 95 %.

Reads the report `brownie test --coverage` saves (reports/coverage.json), which gives each
contract's statements and branches per function ("Contract.fn"), inherited ones included, and
computes the figure with the function brownie prints it with: the statement ratio, averaged
with the branch ratio when there are branches (a branch counts half when only one way was taken).

The gated figure leaves out the functions of vendored code (contracts and libraries whose
source is under node_modules/: OpenZeppelin), as solidity-coverage and forge coverage do by
default: OpenZeppelin's suite covers it, and much of it cannot run here by design (our own
bounds sit in front of its checks; Math.sqrt and SafeCast's overflow sides). A contract made
only of vendored code (BazaarTimelock) is gated on its whole figure. The whole figure, what
brownie prints, is shown beside every gated one.

Contracts under contracts/mocks/ and contracts/test/ are not gated. A gated contract missing
from the report fails too (its tests did not run). Exit 1 names each contract below the bar.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from pathlib import Path

from tools.gates.contract_sizes import is_checked
from tools.toolchain.brownie_patches import coverage_figure

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "coverage.json"
THRESHOLD = 0.95
VENDORED = "node_modules/"


def totals_without(entry: dict, excluded: Collection[str]) -> dict:
    """A contract's totals without the functions ("Contract.fn") of the `excluded` contracts,
    as brownie's printed report sums them."""

    def kept(per_fn: dict) -> list:
        return [v for fn, v in per_fn.items() if fn.split(".")[0] not in excluded]

    statements = kept(entry["statements"])
    branches = kept(entry["branches"])
    return {
        "statements": [sum(v[i] for v in statements) for i in range(2)],
        "branches": [sum(v[i] for v in branches) for i in range(3)],
    }


def vendored_contracts(root: Path = ROOT) -> set[str]:
    """Names of the build's contracts, interfaces and libraries whose source is vendored."""
    names = set()
    for artifact in (root / "build" / "contracts").glob("*.json"):
        data = json.loads(artifact.read_text())
        if data.get("sourcePath", "").startswith(VENDORED):
            names.add(data["contractName"])
    return names


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


def figure_of(entry: dict, excluded: Collection[str] = ()) -> float:
    """A report entry's figure without the `excluded` contracts' functions; its whole figure
    when nothing else is left."""
    if excluded:
        own = totals_without(entry, excluded)
        if own["statements"][1] or own["branches"][2]:
            return coverage_figure(own)
    return coverage_figure(entry["totals"])


def check(
    report: dict, gated: list[str], excluded: Collection[str] = (), threshold: float = THRESHOLD
) -> list[str]:
    """Lines naming each gated contract below `threshold` or missing from `report`."""
    coverage = report.get("coverage", {})
    problems = []
    for name in gated:
        if name not in coverage:
            problems.append(f"{name}: not in the coverage report (did its tests run?)")
            continue
        figure = figure_of(coverage[name], excluded)
        if figure < threshold:
            problems.append(f"{name}: {figure:.1%} < {threshold:.0%}")
    return problems


def main() -> int:
    if not REPORT.exists():
        print(f"coverage gate: {REPORT.relative_to(ROOT)} is missing; run make coverage")
        return 1
    report = json.loads(REPORT.read_text())
    gated = gated_contracts()
    vendored = vendored_contracts()
    if not vendored:
        print("coverage gate: no vendored contract in build/contracts; run brownie compile")
        return 1
    print(f"coverage gate: {'contract':<20} {'own code':>8}  {'whole (brownie prints)':>22}")
    for name in gated:
        entry = report.get("coverage", {}).get(name)
        figure = f"{figure_of(entry, vendored):.1%}" if entry else "missing"
        whole = f"{figure_of(entry):.1%}" if entry else "missing"
        print(f"coverage gate: {name:<20} {figure:>8}  {whole:>22}")
    problems = check(report, gated, vendored)
    for line in problems:
        print(f"coverage gate: FAIL {line}")
    if not problems:
        print(f"coverage gate: ok, every non-mock contract at or above {THRESHOLD:.0%}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
