"""Mutation testing of the core contracts (``make mutation``): do the tests notice a bug?

The mutants are slither-mutate's: the mutators of the pinned slither-analyzer
(``slither.tools.mutator``; ``slither-mutate --list-mutators``: ROR relational, AOR
arithmetic, ASOR assignment, LOR logical, BOR bitwise, UOR unary operators, MIA ``if``
conditions forced true/false/negated, RR statement -> ``revert()``, CR statement commented
out, LIR integer literals, MVIE/MVIV initialisers, MWA ``while``, SBR Solidity-specific
swaps, FHR function headers). Each mutator's ``_mutate()`` returns its patches (byte offsets
and replacement text) without touching a file; slither analyses the project from the same
standard-JSON input and offline compiler as ``make lint`` (tools/gates/slither.py).

slither-mutate's own driver is not used: it writes every mutant into the source tree in
place, and compiles it with crytic-compile's ``solc`` platform on the bare file, which
ignores ``--solc`` and so finds no compiler here (every mutant is a "COMPILATION FAILURE").
What remains here is the project's layer:

* targets: which tests run for which contract (``TARGETS``), the test files calling the
  mutated code's external entry points (from slither's call graph) first, with ``-x``;
* a deterministic sample (``--max``, ``--seed``): a file's candidates, in source order, cut
  into ``--max`` strata and one drawn from each; a draw that the compiler refuses (a batched
  ``solc`` check, then brownie's compile) gives way to the next one of its stratum;
* each mutant compiled and run against its tests in a temporary copy of the project (the
  source tree is never written; the copy goes when the run ends, however it ends); code
  identical to the original (metadata aside) is "equivalent", a test failure "killed", a
  pass "survived", a timeout or tooling error "undecided" (counted in neither);
* ``--budget-minutes``; ``--resume`` continues a report's sample (and reruns its undecided);
* ``reports/mutation.json``, rewritten after every mutant, and a summary on stdout with the
  survivors as ``file:line operator `before` -> `after```. Read a survivor before writing a
  test for it: some change nothing observable although the bytecode differs (SBR's
  ``uint256`` -> ``uint128`` on a small constant, for one).

    python -m tools.gates.mutate [--files F ...] [--max N] [--max-file F=N ...] [--seed S]
                           [--operators ROR,AOR,...] [--network NET] [--budget-minutes M]
                           [--only F#I,J] [--list] [--resume] [--skip-baseline] [--report PATH]

The network defaults to ``$BAZAAR_TEST_NETWORK``, else ``bazaar-dev``; each mutant's test run
launches anvil on that network's port, so do not run the suite there at the same time.

The mutants themselves come from tools/gates/mutants.py. This file stays one (about 600 lines):
the sample, the runs, the report and ``--resume`` all read and write the one report format.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from tools.gates import mutants
from tools.gates.mutants import Mutant, last_lines

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "mutation.json"
T = TypeVar("T")

_ORACLE_TESTS = (
    "tests/contracts/oracle/test_oracle_feed_checks.py",
    "tests/contracts/oracle/test_oracle_config.py",
    "tests/contracts/oracle/test_oracle_versions.py",
    "tests/contracts/oracle/test_oracle_quotes.py",
    "tests/contracts/oracle/test_oracle_bounds_scaling.py",
    "tests/contracts/market/test_price_lock_settlement.py",
    "tests/contracts/oracle/test_price_math.py",
)
_MARKET_TESTS = (
    "tests/contracts/market/test_marketplace_checkout.py",
    "tests/contracts/market/test_marketplace_lifecycle.py",
    "tests/contracts/market/test_marketplace_disputes.py",
    "tests/contracts/market/test_marketplace_money_safety.py",
    "tests/contracts/market/test_marketplace_digital.py",
    "tests/contracts/market/test_marketplace_reviews.py",
    "tests/contracts/market/test_marketplace_hooks.py",
    "tests/contracts/market/test_marketplace_governance.py",
    "tests/contracts/market/test_marketplace_fee_share.py",
    "tests/contracts/market/test_marketplace_carts.py",
    "tests/contracts/market/test_marketplace_commissions.py",
    "tests/contracts/market/test_marketplace_referrers.py",
    "tests/contracts/market/test_marketplace_permit2_checkout.py",
    "tests/contracts/market/test_marketplace_offers.py",
    "tests/contracts/market/test_marketplace_offers_findings.py",
    "tests/contracts/points/test_points_rewards.py",
    "tests/contracts/market/test_price_lock_settlement.py",
)
_STAKING_TESTS = (
    "tests/contracts/staking/test_staking_rewards.py",
    "tests/contracts/staking/test_staking_unstake.py",
    "tests/contracts/staking/test_staking_votes.py",
    "tests/contracts/staking/test_staking_delegation.py",
    "tests/contracts/staking/test_stake_history.py",
    "tests/contracts/market/test_marketplace_fee_share.py",
)
# source file -> (group in the summary, the tests that exercise it, fastest killers first)
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contracts/WbtcUsdOracle.sol": ("oracle", _ORACLE_TESTS),
    "contracts/libraries/PriceMath.sol": (
        "oracle",
        (
            "tests/contracts/oracle/test_price_math.py",
            *(t for t in _ORACLE_TESTS if "price_math" not in t),
        ),
    ),
    "contracts/EscrowMarketplace.sol": ("marketplace", _MARKET_TESTS),
    "contracts/marketplace/MarketplaceAdmin.sol": ("marketplace", _MARKET_TESTS),
    "contracts/marketplace/MarketplaceCheckoutCore.sol": ("marketplace", _MARKET_TESTS),
    "contracts/marketplace/MarketplaceOffers.sol": (
        "marketplace",
        (
            "tests/contracts/market/test_marketplace_offers.py",
            "tests/contracts/market/test_marketplace_offers_findings.py",
            *(t for t in _MARKET_TESTS if "offers" not in t),
        ),
    ),
    "contracts/RewardPoints.sol": (
        "points",
        tuple(
            dict.fromkeys(
                (
                    "tests/contracts/points/test_points_rewards.py",
                    "tests/contracts/points/test_points_token.py",
                    *_MARKET_TESTS,
                )
            )
        ),
    ),
    "contracts/libraries/SettlementMath.sol": (
        "marketplace",
        (
            "tests/contracts/market/test_price_lock_settlement.py",
            *(t for t in _MARKET_TESTS if "price_lock" not in t),
        ),
    ),
    "contracts/PointsStaking.sol": ("governance", _STAKING_TESTS),
    "contracts/BazaarTimelock.sol": (
        "governance",
        (
            "tests/contracts/governance/test_timelock.py",
            "tests/contracts/governance/test_governance.py",
            "tests/contracts/governance/test_governor_lifecycle.py",
        ),
    ),
}
# What the temporary copy holds (copied); .venv and node_modules are linked.
COPIED = (
    "contracts",
    "interfaces",
    "tests",
    "tools",
    "bazaar",
    "scripts",
    "brownie-config.yaml",
    "pyproject.toml",
)
LINKED = (".venv", "node_modules")
CACHED_BUILD = ("contracts", "interfaces")  # brownie recompiles only what changed
DECIDED = ("killed", "survived", "equivalent")

# --- sampling -------------------------------------------------------------------------------


def strata(count: int, size: int, seed: int | str) -> list[list[int]]:
    """`count` candidates cut into `size` consecutive strata, each in a seeded random order
    (the first of each is the pick, the next ones replace it if it does not compile)."""
    if size <= 0 or count == 0:
        return []
    size = min(size, count)
    bounds = [count * k // size for k in range(size + 1)]
    rng = random.Random(f"{seed}")
    groups = []
    for a, b in itertools.pairwise(bounds):
        group = list(range(a, b))
        rng.shuffle(group)
        groups.append(group)
    return groups


def plan(
    everything: dict[str, list[Mutant]],
    max_per_file: int | None,
    seed: int,
    caps: dict[str, int] | None = None,
) -> dict[str, list[list[Mutant]]]:
    """Per file, the strata of candidates to draw from (all candidates when no cap)."""
    chosen = {}
    for file, found in everything.items():
        cap = (caps or {}).get(file, max_per_file)
        size = len(found) if cap is None else cap
        chosen[file] = [[found[i] for i in g] for g in strata(len(found), size, f"{seed}:{file}")]
    return chosen


def interleave(chosen: dict[str, list[T]], seed: int) -> Iterator[T]:
    """Strata of all files, each file in a seeded order spread over it, files in proportion to
    their sample (the file least far through its share goes next)."""
    queues = {}
    for file, groups in chosen.items():
        order = list(range(len(groups)))
        random.Random(f"{seed}:{file}:order").shuffle(order)
        queues[file] = [groups[i] for i in order]
    taken = dict.fromkeys(queues, 0)
    while True:
        pending = [f for f in queues if taken[f] < len(queues[f])]
        if not pending:
            return
        file = min(pending, key=lambda f: taken[f] / len(queues[f]))
        yield queues[file][taken[file]]
        taken[file] += 1


def likely_killers_first(mutant: Mutant) -> tuple[str, ...]:
    """The mutant's test files, those calling its entry points first (with ``-x`` a killed
    mutant then stops sooner; a survivor runs them all anyway)."""
    tests = TARGETS[mutant.file][1]
    if not mutant.entry_points:
        return tests
    call = re.compile(rf"\.(?:{'|'.join(map(re.escape, mutant.entry_points))})\b")
    first = [t for t in tests if call.search((ROOT / t).read_text())]
    return (*first, *(t for t in tests if t not in first))


# --- running mutants in a temporary copy ----------------------------------------------------


@dataclass
class Outcome:
    id: str
    file: str
    line: int
    operator: str
    change: str
    status: str  # killed | survived | equivalent | uncompilable | timeout | error
    seconds: float
    detail: str = ""


class Workspace:
    """A temporary copy of the project in which mutants are applied one at a time."""

    def __init__(self, network: str) -> None:
        self.network = network
        self.dir = Path(tempfile.mkdtemp(prefix="bazaar-mutation-"))
        for name in COPIED:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, self.dir / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.exists():
                shutil.copy2(src, self.dir / name)
        for name in LINKED:
            (self.dir / name).symlink_to((ROOT / name).resolve())
        for name in CACHED_BUILD:
            if (ROOT / "build" / name).is_dir():
                shutil.copytree(ROOT / "build" / name, self.dir / "build" / name)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(self.dir),
            "BAZAAR_TEST_NETWORK": network,
            "PATH": f"{self.dir / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONWARNINGS": "ignore:rpc.snapshot should not be called directly:FutureWarning",
        }
        self.brownie = str(self.dir / ".venv" / "bin" / "brownie")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, file: str, content: bytes) -> None:
        (self.dir / file).write_bytes(content)

    def run(self, args: list[str], timeout: float) -> tuple[int | None, str]:
        """Runs a command in the copy, in its own process group (anvil included), which is
        stopped on a timeout or any interruption. Returns (exit code or None on timeout,
        output)."""
        proc = subprocess.Popen(
            args,
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            _stop(proc)
            return None, ""
        except BaseException:
            _stop(proc)
            raise

    def compile(self) -> tuple[bool, str]:
        code, out = self.run([self.brownie, "compile"], timeout=900)
        return code == 0, out

    def test(self, tests: tuple[str, ...], timeout: float) -> tuple[int | None, str]:
        args = [self.brownie, "test", *tests, "-x", "-q", "-p", "no:cacheprovider"]
        return self.run([*args, "--network", self.network], timeout)

    def code_fingerprint(self) -> dict[str, tuple[str, str]]:
        """Init and runtime code of the project's contracts, without solc's metadata (a
        constructor lives only in the init code)."""
        prints = {}
        for path in sorted((self.dir / "build" / "contracts").glob("*.json")):
            artifact = json.loads(path.read_text())
            if str(artifact.get("sourcePath", "")).startswith("contracts/"):
                prints[path.stem] = (
                    strip_metadata(artifact.get("bytecode") or ""),
                    strip_metadata(artifact.get("deployedBytecode") or ""),
                )
        return prints


def _stop(proc: subprocess.Popen[str]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.communicate(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def strip_metadata(hex_code: str) -> str:
    """Drops solc's CBOR metadata (its length is in the last two bytes)."""
    code = hex_code.removeprefix("0x")
    if len(code) < 4 or "_" in code[-4:]:
        return code
    length = int(code[-4:], 16)
    return code[: max(0, len(code) - 2 * (length + 2))]


def failed_test(output: str) -> str:
    m = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.M)
    return m.group(1) if m else last_lines(output)


def run_one(
    ws: Workspace, mutant: Mutant, original_code: dict[str, tuple[str, str]], timeout: float
) -> Outcome:
    source = (ROOT / mutant.file).read_bytes()
    t0 = time.monotonic()

    def outcome(status: str, detail: str = "") -> Outcome:
        seconds = round(time.monotonic() - t0, 1)
        return Outcome(
            mutant.id, mutant.file, mutant.line, mutant.operator, mutant.change(), status, seconds,
            detail,
        )  # fmt: skip

    ws.write(mutant.file, mutant.apply(source))
    try:
        ok, out = ws.compile()
        if not ok:
            return outcome("uncompilable", last_lines(out, 1))
        if ws.code_fingerprint() == original_code:
            return outcome("equivalent", "identical bytecode")
        code, out = ws.test(likely_killers_first(mutant), timeout)
        if code is None:
            return outcome("timeout", f"over {timeout:.0f} s")
        if code == 0:
            return outcome("survived")
        if code == 1:
            return outcome("killed", failed_test(out))
        return outcome("error", f"exit {code}: {last_lines(out)}")
    finally:
        ws.write(mutant.file, source)


# --- the report -----------------------------------------------------------------------------


def _counts() -> dict[str, Any]:
    return {
        "killed": 0,
        "survived": 0,
        "total": 0,
        "score": None,
        "equivalent": 0,
        "uncompilable": 0,
        "undecided_count": 0,
        "survivors": [],
        "undecided": [],
    }


def summarize(outcomes: list[Outcome], key: Callable[[Outcome], str]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for o in outcomes:
        s = summary.setdefault(key(o), _counts())
        where = f"{o.file}:{o.line} {o.operator} {o.change}"
        if o.status in ("killed", "survived", "equivalent", "uncompilable"):
            s[o.status] += 1
            if o.status == "survived":
                s["survivors"].append(where)
        else:  # timeout or error: undecided, not counted
            s["undecided_count"] += 1
            s["undecided"].append(f"{where} ({o.status})")
    for s in summary.values():
        s["total"] = s["killed"] + s["survived"]
        s["score"] = round(s["killed"] / s["total"], 4) if s["total"] else None
    return summary


def write_report(
    path: Path, settings: dict[str, Any], outcomes: list[Outcome], sizes: dict[str, Any]
) -> dict[str, Any]:
    files = summarize(outcomes, lambda o: o.file)
    for file, size in sizes.items():
        files.setdefault(file, _counts()).update(size)
    report = {
        "settings": settings,
        "groups": summarize(outcomes, lambda o: TARGETS.get(o.file, ("other",))[0]),
        "files": files,
        "mutants": [asdict(o) for o in outcomes],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_summary(report: dict[str, Any]) -> None:
    print("\nmutation score (killed / killed + survived; equivalent and uncompilable not counted)")
    for title, table in (("file", report["files"]), ("group", report["groups"])):
        for name, s in table.items():
            score = "-" if s["score"] is None else f"{100 * s['score']:.1f} %"
            print(
                f"  {title:<5} {name:<40} killed {s['killed']:>3} survived {s['survived']:>3}"
                f" total {s['total']:>3}  score {score:>7}  (equivalent {s['equivalent']},"
                f" uncompilable {s['uncompilable']}, undecided {s['undecided_count']})"
            )
    for kind, title in (("survivors", "survivors:"), ("undecided", "undecided (--resume):")):
        lines = [line for s in report["files"].values() for line in s[kind]]
        if lines:
            print(title)
            for line in lines:
                print(f"  {line}")


# --- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    outcomes: list[Outcome] = []
    if args.resume:
        report = json.loads(args.report.read_text())
        settings = report["settings"]
        outcomes = [Outcome(**m) for m in report["mutants"]]
        settings["budget_minutes"] = args.budget_minutes
    else:
        files = args.files or list(TARGETS)
        unknown = [f for f in files if f not in TARGETS]
        if unknown:
            print(f"mutate: no tests known for {', '.join(unknown)} (see TARGETS)", file=sys.stderr)
            return 2
        bare = [i for i in args.only or [] if "#" not in i]
        if bare and len(files) != 1:
            print("mutate: --only with bare indexes needs one --files", file=sys.stderr)
            return 2
        settings = {
            "mutator": f"slither-mutate {importlib.metadata.version('slither-analyzer')}",
            "files": files,
            "operators": args.operators,
            "max_per_file": args.max,
            "max_for_file": dict(args.max_file or []),
            "seed": args.seed,
            "only": [i if "#" in i else f"{files[0]}#{i}" for i in args.only or []] or None,
            "network": args.network,
            "budget_minutes": args.budget_minutes,
            "skip_baseline": args.skip_baseline,
        }
    everything = mutants.candidates(settings["files"], settings["operators"])
    if settings["only"] is not None:
        chosen = {file: [] for file in settings["files"]}
        for id_ in settings["only"]:
            file, index = id_.rsplit("#", 1)
            chosen[file].append([everything[file][int(index)]])
    else:
        chosen = plan(
            everything, settings["max_per_file"], settings["seed"], settings["max_for_file"]
        )
    sizes: dict[str, dict[str, int]] = {}
    for file, groups in chosen.items():
        chosen[file], refused = mutants.screen(groups)
        sizes[file] = {"candidates": len(everything[file]), "refused_by_solc": refused}
    if outcomes:  # --resume: skip the strata decided; the report must match the candidates
        by_id = {m.id: m for ms in everything.values() for m in ms}
        for o in outcomes:
            m = by_id.get(o.id)
            if m is None or m.change() != o.change or m.line != o.line:
                print(f"mutate: {o.id} is no longer {o.change} at line {o.line}: source changed")
                return 2
        decided = {o.id for o in outcomes if o.status in DECIDED}
        tried = {o.id for o in outcomes if o.status == "uncompilable"}
        chosen = {
            f: [[m for m in g if m.id not in tried] for g in gs if not decided & {m.id for m in g}]
            for f, gs in chosen.items()
        }
        chosen = {f: [g for g in gs if g] for f, gs in chosen.items()}
        print(f"mutate: resuming: {sum(map(len, chosen.values()))} strata left")
    if args.list:
        for file, groups in chosen.items():
            for mutant in sorted((g[0] for g in groups), key=lambda m: m.index):
                print(f"{mutant.index:>4}  {mutant.describe()}")
            print(
                f"{file}: {len(groups)} of {sizes[file]['candidates']} candidates"
                f" ({sizes[file]['refused_by_solc']} refused by solc while drawing)"
            )
        return 0
    return execute(args, chosen, settings, sizes, outcomes)


def execute(
    args: argparse.Namespace,
    chosen: dict[str, list[list[Mutant]]],
    settings: dict[str, Any],
    sizes: dict[str, Any],
    outcomes: list[Outcome],
) -> int:
    """Runs the chosen strata (after the baselines); `outcomes` of an earlier run are kept
    and those of mutants run again replaced."""
    started = time.monotonic()
    budget = settings["budget_minutes"]
    deadline = started + 60 * budget if budget else None
    position = {o.id: k for k, o in enumerate(outcomes)}
    ws = Workspace(settings["network"])
    # A plain `kill` must also remove the copy (and stop its anvil): through `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        ok, out = ws.compile()
        if not ok:
            print(f"mutate: the unmutated project does not compile:\n{out}", file=sys.stderr)
            return 1
        original_code = ws.code_fingerprint()
        # The same test files (in any order) run once; their time sets the mutants' timeout.
        timeouts: dict[frozenset[str], float] = {}
        for file in chosen:
            tests = TARGETS[file][1]
            if frozenset(tests) in timeouts:
                continue
            if settings["skip_baseline"]:
                timeouts[frozenset(tests)] = 900.0
                continue
            t0 = time.monotonic()
            code, out = ws.test(tests, timeout=3_600)
            took = time.monotonic() - t0
            if code != 0:
                print(f"mutate: the tests fail without any mutant:\n{last_lines(out, 20)}")
                return 1
            # Generous: the EVM cannot loop forever (gas), so a slow run is a busy machine.
            timeouts[frozenset(tests)] = max(600.0, 5 * took)
            print(f"baseline: {len(tests)} test files of {file} pass in {took:.0f} s")
        for group in interleave(chosen, settings["seed"]):
            if deadline and time.monotonic() > deadline:
                print("mutate: time budget spent; stopping")
                break
            for mutant in group:
                timeout = timeouts[frozenset(TARGETS[mutant.file][1])]
                outcome = run_one(ws, mutant, original_code, timeout)
                if mutant.id in position:
                    outcomes[position[mutant.id]] = outcome
                else:
                    position[mutant.id] = len(outcomes)
                    outcomes.append(outcome)
                print(
                    f"[{len(outcomes):>3}] {outcome.status:<12} {outcome.seconds:>5.0f} s"
                    f"  {mutant.describe()}" + (f"  ({outcome.detail})" if outcome.detail else ""),
                    flush=True,
                )
                write_report(args.report, settings, outcomes, sizes)
                if outcome.status != "uncompilable":
                    break  # the stratum has its mutant
    finally:
        ws.close()
    settings["seconds"] = settings.get("seconds", 0) + round(time.monotonic() - started)
    report = write_report(args.report, settings, outcomes, sizes)
    print_summary(report)
    print(f"written: {args.report}")
    return 0


def _file_cap(text: str) -> tuple[str, int]:
    file, _, count = text.rpartition("=")
    if not file or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected FILE=N, got {text!r}")
    return file, int(count)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--files", nargs="+", help=f"files to mutate (default: {', '.join(TARGETS)})"
    )
    parser.add_argument("--max", type=int, help="mutants per file (sampled across it)")
    parser.add_argument(
        "--max-file",
        action="append",
        type=_file_cap,
        metavar="FILE=N",
        help="mutants for one file, overriding --max (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=1, help="sampling seed (default 1)")
    parser.add_argument(
        "--operators", type=_names, help="slither mutators to use, e.g. ROR,AOR,MIA (default all)"
    )
    parser.add_argument(
        "--network",
        default=os.environ.get("BAZAAR_TEST_NETWORK", "bazaar-dev"),
        help="brownie network of the test runs (default $BAZAAR_TEST_NETWORK, else bazaar-dev)",
    )
    parser.add_argument("--budget-minutes", type=float, help="start no mutant after this")
    parser.add_argument(
        "--only",
        type=_names,
        help="run only these candidates: ids FILE#N, or indexes N with one --files (--list)",
    )
    parser.add_argument("--list", action="store_true", help="print the sample; run nothing")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the sample of --report (its settings) where it stopped; undecided"
        " mutants run again",
    )
    parser.add_argument(
        "--skip-baseline",
        action="store_true",
        help="do not first check that the tests pass unmutated (timeout 900 s)",
    )
    parser.add_argument("--report", type=Path, default=REPORT, help="JSON report path")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
