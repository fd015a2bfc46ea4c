"""Gas baseline gate (run by ``make test``): no operation may grow unnoticed.

Compares ``reports/gas.json`` (what ``make bench`` measured last) with the committed
``reports/gas-baseline.json`` (what the project accepted), both ``{"ops": {name: gas}}``:

* an operation that grew more than 2 % over its baseline fails the check (exactly 2 % passes);
* an operation of the baseline that is missing from gas.json fails the check;
* an operation that is new (not in the baseline) is reported and passes;
* an operation that shrank is reported and passes (update the baseline to lock the gain in).

``make test`` runs ``make bench``'s measurement first (about 1.5 min), so the check always
compares the code under test, on a developer's machine and on CI alike. Workflow for a change
that moves gas:

    make test             # this check names every operation that grew, and by how much
    make gas-baseline     # gas.json becomes the baseline (python -m tools.gates.gas_check --update)
    git add reports/gas-baseline.json   # in the same change as the code that moved the gas

reports/gas.json itself is not committed. Run alone without it, the check says so and passes.

    python -m tools.gates.gas_check [--report PATH] [--baseline PATH] [--update]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "gas.json"
BASELINE = ROOT / "reports" / "gas-baseline.json"
# Largest accepted growth, as a fraction of the baseline: 2 % (integer percent, compared exactly).
TOLERANCE_PERCENT = 2


@dataclass(frozen=True)
class Change:
    """One operation measured in both files."""

    name: str
    baseline: int
    current: int

    @property
    def percent(self) -> float:
        return 100 * (self.current - self.baseline) / self.baseline if self.baseline else 0.0

    def describe(self) -> str:
        return (
            f"{self.name}: {self.baseline:,} -> {self.current:,} gas"
            f" ({self.current - self.baseline:+,}, {self.percent:+.2f} %)"
        )


@dataclass
class Comparison:
    grew: list[Change] = field(default_factory=list)  # more than the tolerance: failures
    missing: list[str] = field(default_factory=list)  # in the baseline only: failures
    new: dict[str, int] = field(default_factory=dict)  # in gas.json only: reported
    shrank: list[Change] = field(default_factory=list)  # reported
    within: list[Change] = field(default_factory=list)  # unchanged or grew within tolerance

    @property
    def ok(self) -> bool:
        return not self.grew and not self.missing


def read_ops(path: Path) -> dict[str, int]:
    """The ``ops`` of a gas report, checked: a name -> a non-negative integer."""
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON ({e})") from e
    ops = data.get("ops") if isinstance(data, dict) else None
    if not isinstance(ops, dict):
        raise ValueError(f'{path}: expected {{"ops": {{"<operation>": <gas>, ...}}}}')
    for name, gas in ops.items():
        if not isinstance(gas, int) or isinstance(gas, bool) or gas < 0:
            raise ValueError(f"{path}: operation {name!r} has gas {gas!r}, expected an integer")
    return ops


def compare(
    current: dict[str, int], baseline: dict[str, int], tolerance_percent: int = TOLERANCE_PERCENT
) -> Comparison:
    """Sorts every operation into grew / missing / new / shrank / within."""
    result = Comparison()
    for name in sorted(baseline):
        if name not in current:
            result.missing.append(name)
            continue
        change = Change(name, baseline[name], current[name])
        # current > baseline * (1 + tolerance), in integers: exactly the tolerance passes.
        if change.current * 100 > change.baseline * (100 + tolerance_percent):
            result.grew.append(change)
        elif change.current < change.baseline:
            result.shrank.append(change)
        else:
            result.within.append(change)
    result.new = {name: current[name] for name in sorted(current) if name not in baseline}
    return result


def render(result: Comparison, report: Path, baseline: Path) -> str:
    checked = len(result.grew) + len(result.shrank) + len(result.within)
    lines = [
        f"gas: {checked} operation(s) of {_name(report)} checked against {_name(baseline)}"
        f" (tolerance {TOLERANCE_PERCENT} %)"
    ]
    lines += [
        f"gas: FAIL grew more than {TOLERANCE_PERCENT} %: {c.describe()}" for c in result.grew
    ]
    lines += [f"gas: FAIL missing from {_name(report)}: {name}" for name in result.missing]
    lines += [f"gas: new (not in the baseline): {n}: {g:,} gas" for n, g in result.new.items()]
    lines += [f"gas: shrank: {c.describe()}" for c in result.shrank]
    if result.ok:
        lines.append("gas: ok")
    else:
        lines.append(
            "gas: if the growth is intended, run `make gas-baseline` and commit"
            f" {_name(baseline)} in the same change; a missing operation means make bench"
            " no longer measures it (restore it, or drop it from the baseline on purpose)"
        )
    return "\n".join(lines)


def _name(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def check(report: Path = REPORT, baseline: Path = BASELINE) -> int:
    if not baseline.exists():
        print(
            f"gas: FAIL {_name(baseline)} is missing (commit one: make bench && make gas-baseline)"
        )
        return 1
    if not report.exists():
        print(f"gas: {_name(report)} not found (make bench writes it): baseline not checked")
        return 0
    try:
        result = compare(read_ops(report), read_ops(baseline))
    except ValueError as e:
        print(f"gas: FAIL {e}")
        return 1
    print(render(result, report, baseline))
    return 0 if result.ok else 1


def update(report: Path = REPORT, baseline: Path = BASELINE) -> int:
    """Accepts the last measurement as the baseline."""
    if not report.exists():
        print(f"gas: {_name(report)} not found: run make bench first", file=sys.stderr)
        return 1
    read_ops(report)  # refuse to bless a malformed report
    shutil.copyfile(report, baseline)
    print(f"gas: {_name(baseline)} now holds {_name(report)}; commit it with the change")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPORT, help="measured (reports/gas.json)")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="accepted baseline")
    parser.add_argument("--update", action="store_true", help="copy the report to the baseline")
    args = parser.parse_args(argv)
    if args.update:
        return update(args.report, args.baseline)
    return check(args.report, args.baseline)


if __name__ == "__main__":
    sys.exit(main())
