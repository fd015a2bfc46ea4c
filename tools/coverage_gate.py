"""`make coverage` gate: every non-mock contract at or above 95 % (brownie's figure).

Reads the report `brownie test --coverage` saves (reports/coverage.json) and computes each
contract's figure the way brownie prints it: the statement ratio, averaged with the branch
ratio when the contract has branches (a branch counts half when only one way was taken),
leaving out the functions of the contracts named in brownie-config.yaml's
`reports: exclude_contracts` (brownie leaves them out of the figure it prints; the file it
saves keeps them, per function). Only vendored code (OpenZeppelin, under node_modules/) may
be named there: an excluded name defined in the project fails the gate. The figure with
nothing left out is printed beside it.

Contracts under contracts/mocks/ and contracts/test/ are not gated. A gated contract missing
from the report fails too (its tests did not run). Exit 1 names each contract below the bar.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from pathlib import Path

import yaml

from tools.contract_sizes import is_checked

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "coverage.json"
THRESHOLD = 0.95
VENDORED = "node_modules/"


def brownie_figure(totals: dict) -> float:
    """brownie.test.output._pct on a contract's totals."""
    hit, total = totals["statements"]
    figure = hit / (total or 1)
    true_taken, false_taken, branches = totals["branches"]
    if branches:
        figure = (figure + (true_taken + false_taken) / (branches * 2)) / 2
    return figure


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


def excluded_contracts(root: Path = ROOT) -> list[str]:
    """brownie-config.yaml's `reports: exclude_contracts`."""
    config = yaml.safe_load((root / "brownie-config.yaml").read_text()) or {}
    names = (config.get("reports") or {}).get("exclude_contracts") or []
    return [names] if isinstance(names, str) else list(names)


def not_vendored(names: Collection[str], root: Path = ROOT) -> list[str]:
    """The `names` whose build artifact is missing or whose source is not under node_modules/."""
    wrong = []
    for name in names:
        artifact = root / "build" / "contracts" / f"{name}.json"
        source = json.loads(artifact.read_text()).get("sourcePath", "") if artifact.exists() else ""
        if not source.startswith(VENDORED):
            wrong.append(name)
    return wrong


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
    """A report entry's figure, the `excluded` contracts' functions left out."""
    return brownie_figure(totals_without(entry, excluded) if excluded else entry["totals"])


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
    excluded = excluded_contracts()
    problems = [
        f"exclude_contracts names {name}, which is not vendored code under {VENDORED}"
        for name in not_vendored(excluded)
    ]
    if excluded:
        print(f"coverage gate: left out (vendored, brownie-config.yaml): {', '.join(excluded)}")
    print(f"coverage gate: {'contract':<20} {'figure':>7}  {'with nothing left out':>21}")
    for name in gated:
        entry = report.get("coverage", {}).get(name)
        figure = f"{figure_of(entry, excluded):.1%}" if entry else "missing"
        whole = f"{figure_of(entry):.1%}" if entry else "missing"
        print(f"coverage gate: {name:<20} {figure:>7}  {whole:>21}")
    problems += check(report, gated, excluded)
    for line in problems:
        print(f"coverage gate: FAIL {line}")
    if not problems:
        print(f"coverage gate: ok, every non-mock contract at or above {THRESHOLD:.0%}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
