"""ERC conformance (run by ``make lint``): ``slither-check-erc`` on the project's tokens.

* RewardPoints: ERC-20, and ERC-2612 (permit), which it also implements;
* DigitalGoods: ERC-721 (ERC-165 included).

Like tools/gates/slither.py this compiles through a standard-JSON input (slither's brownie platform
fails on remapped imports) with the compiler brownie uses. The input holds only the two
token sources (their imports are read from disk), so each run compiles in a few seconds.
Exits non-zero on any finding that is not accepted below, with its reason, or when a check
could not run. ``-v`` prints slither-check-erc's full output.

    python -m tools.gates.erc_check [-v]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.gates.slither import standard_json_input
from tools.toolchain.offline import ROOT, pinned_solc_version, solcx_folder

# (contract, ERC as slither names it, source file)
CHECKS = (
    ("RewardPoints", "ERC20", "contracts/RewardPoints.sol"),
    ("RewardPoints", "ERC2612", "contracts/RewardPoints.sol"),
    ("DigitalGoods", "ERC721", "contracts/DigitalGoods.sol"),
)

# Findings accepted, keyed by (contract, finding kind), each with its reason. Nothing else is.
ACCEPTED = {
    # slither-check-erc wants increaseAllowance/decreaseAllowance against the approve
    # front-running race. They are not part of ERC-20; OpenZeppelin 5 removed them on purpose
    # (they invite phishing approvals and do not fix the race for a spender that front-runs).
    # RewardPoints keeps the standard approve and adds ERC-2612 permit (checked above), and
    # the marketplace and staking pull points by exact-amount approvals or permit.
    ("RewardPoints", "lack_of_erc20_race_condition_protection"),
}


@dataclass(frozen=True)
class Result:
    contract: str
    erc: str
    passed: int  # the checks slither-check-erc ticked
    findings: dict[str, list[str]]  # kind -> descriptions
    error: str | None = None

    def failures(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.findings.items() if (self.contract, k) not in ACCEPTED}


def write_input(build: Path) -> Path:
    """The standard-JSON input with only the checked token sources."""
    data = standard_json_input()
    wanted = {source for _, _, source in CHECKS}
    data["sources"] = {k: v for k, v in data["sources"].items() if k in wanted}
    path = build / "erc-input.json"
    path.write_text(json.dumps(data, indent=1))
    return path


def run_check(contract: str, erc: str, input_file: Path, build: Path) -> tuple[Result, str]:
    out_file = build / f"erc-{contract}-{erc}.json"
    out_file.unlink(missing_ok=True)
    cmd = [
        str(Path(sys.executable).parent / "slither-check-erc"),
        str(input_file.relative_to(ROOT)),
        contract,
        "--erc",
        erc,
        "--compile-force-framework",
        "solc-json",
        "--solc",
        str(solcx_folder() / f"solc-v{pinned_solc_version()}"),
        "--json",
        str(out_file.relative_to(ROOT)),
    ]
    # slither's solc-select makes ~/.solc-select on import: give it a home inside build/.
    tool_home = build / "tool-home"
    tool_home.mkdir(exist_ok=True)
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**os.environ, "HOME": str(tool_home)},
        capture_output=True,
        text=True,
    )
    log = proc.stdout + proc.stderr
    return parse(contract, erc, out_file, log, proc.returncode), log


def parse(contract: str, erc: str, out_file: Path, log: str, returncode: int = 0) -> Result:
    """Reads slither-check-erc's JSON output (``--json``) and its log."""
    passed = log.count("[✓]")
    if returncode != 0 or not out_file.exists():
        return Result(contract, erc, passed, {}, f"slither-check-erc exited {returncode}")
    data = json.loads(out_file.read_text())
    if not data.get("success") or data.get("error"):
        return Result(contract, erc, passed, {}, str(data.get("error") or "no success"))
    conformance = (data.get("results") or {}).get("erc-conformance")
    if not isinstance(conformance, dict):
        return Result(contract, erc, passed, {}, "no erc-conformance results")
    findings = {
        kind: [str(item.get("description", "")).strip() for item in items]
        for kind, items in conformance.items()
        if items
    }
    if passed == 0:
        return Result(contract, erc, passed, findings, "no check ran (contract not found?)")
    return Result(contract, erc, passed, findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print slither's output")
    args = parser.parse_args(argv)
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    input_file = write_input(build)
    failed = False
    for contract, erc, _ in CHECKS:
        result, log = run_check(contract, erc, input_file, build)
        failures = result.failures()
        accepted = sorted(set(result.findings) - set(failures))
        bad = result.error is not None or bool(failures)
        if args.verbose or bad:
            print(log.rstrip())
        note = f", accepted: {', '.join(accepted)}" if accepted else ""
        if result.error:
            print(f"erc: FAIL {contract} {erc}: {result.error}")
        elif failures:
            for kind, descriptions in failures.items():
                for description in descriptions:
                    print(f"erc: FAIL {contract} {erc}: {kind}: {description}")
        else:
            print(f"erc: ok {contract} {erc} ({result.passed} checks passed{note})")
        failed |= bad
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
