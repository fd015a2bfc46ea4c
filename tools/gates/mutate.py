"""Mutation testing of the core contracts (``make mutation``): do the tests notice a bug?

Each mutant is one small change to one source file, made in a temporary copy of the project
(never in place: sources, tests and tools are copied, ``.venv``, ``node_modules`` and brownie's
build cache are reused). Operators:

* ``comparison``: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``;
* ``remove-check``: a ``revert ...;``, ``require(...);`` or guard call (``_check*``,
  ``_require*``, ``_only*``) becomes ``{}`` (an ``if (...) revert`` then does nothing);
* ``arithmetic``: binary ``+`` <-> ``-``, ``*`` <-> ``/``, ``+=`` <-> ``-=``;
* ``negation``: an ``if`` condition ``c`` becomes ``!(c)``; a ``!x`` becomes ``x``;
* ``logical``: ``&&`` <-> ``||``; ``boolean``: ``true`` <-> ``false``.

Comments, strings, ``pragma``/``import`` lines and ``**`` are never touched. Every mutant is
compiled first: one that does not compile is discarded (not counted), and one whose bytecode
is identical to the original's (metadata aside) is reported as equivalent (not counted). The
others run the tests relevant to their file (``TARGETS`` below) with ``-x``: a failing test
kills the mutant; a passing run means it survived. A run over the timeout (5x the unmutated
run; the EVM cannot loop forever, so this is a busy machine) or an error of the tooling is
reported as undecided and not counted. Before any mutant the same tests run on the unmutated
copy and must pass.

When a file has more mutants than ``--max``, a deterministic sample is taken across it: the
candidates are cut into ``--max`` consecutive strata and one is drawn from each (seeded by
``--seed``; the next one of the stratum replaces a mutant that does not compile). Mutants of
all files then run interleaved in proportion to their samples, so a ``--budget-minutes``
cut-off leaves every file its share.

Results: a summary per file and per group (oracle, marketplace) with the survivors as
``file:line operator change`` on stdout, and everything in ``reports/mutation.json``
(rewritten after every mutant). ``--resume`` continues that report's sample where a budget
stopped it; ``--rerun-undecided`` runs its undecided mutants again.

    python -m tools.gates.mutate [--files F ...] [--max N] [--max-file F=N ...] [--seed S]
                           [--network NET] [--budget-minutes M] [--only I,J] [--list]
                           [--skip-baseline] [--report PATH] [--rerun-undecided] [--resume]

The network defaults to ``$BAZAAR_TEST_NETWORK``, else ``bazaar-dev``; each mutant's test run
launches anvil on that network's port, so do not run the suite there at the same time.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "mutation.json"

_ORACLE_TESTS = (
    "tests/contracts/oracle/test_oracle_feed_checks.py",
    "tests/contracts/oracle/test_oracle_config.py",
    "tests/contracts/oracle/test_oracle_versions.py",
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

# --- finding mutants ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    file: str
    index: int  # position among the file's candidates, in source order: a stable id
    line: int
    operator: str
    start: int  # character offsets of the replaced text
    end: int
    replacement: str
    original: str  # the replaced text

    @property
    def id(self) -> str:
        return f"{self.file}#{self.index}"

    def apply(self, source: str) -> str:
        return source[: self.start] + self.replacement + source[self.end :]

    def change(self) -> str:
        before = " ".join(self.original.split())
        if len(before) > 70:
            before = before[:67] + "..."
        return f"`{before}` -> `{self.replacement}`"

    def describe(self) -> str:
        return f"{self.file}:{self.line} {self.operator} {self.change()}"


def mask(source: str) -> str:
    """`source` with comments, string literals, pragma and import lines blanked (same offsets,
    newlines kept), so that operators are only found in code."""
    out = list(source)
    i, n = 0, len(source)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        two = source[i : i + 2]
        if two == "//":
            j = source.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif two == "/*":
            j = source.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif source[i] in "\"'":
            quote, j = source[i], i + 1
            while j < n and source[j] != quote:
                j += 2 if source[j] == "\\" else 1
            blank(i, min(j + 1, n))
            i = j + 1
        else:
            i += 1
    masked = "".join(out)
    for m in re.finditer(r"^[ \t]*(pragma|import)\b[^;]*;", masked, re.M):
        blank(m.start(), m.end())
    return "".join(out)


_OPERATOR = re.compile(
    r"<<=|>>=|\*\*=|<<|>>|\*\*|<=|>=|==|!=|=>|&&|\|\||\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|"
    r"[<>!+\-*/%=&|^~?:]"
)
_SWAPS = {
    "<": ("comparison", "<="),
    "<=": ("comparison", "<"),
    ">": ("comparison", ">="),
    ">=": ("comparison", ">"),
    "==": ("comparison", "!="),
    "!=": ("comparison", "=="),
    "&&": ("logical", "||"),
    "||": ("logical", "&&"),
    "+": ("arithmetic", "-"),
    "-": ("arithmetic", "+"),
    "*": ("arithmetic", "/"),
    "/": ("arithmetic", "*"),
    "+=": ("arithmetic", "-="),
    "-=": ("arithmetic", "+="),
}
_BINARY_ONLY = {"+", "-", "*", "/"}
_CHECK = re.compile(
    r"\brevert\s+[A-Za-z_]\w*\s*\(|\brevert\s*\(|\brequire\s*\(|(?<![\w.])_(?:check|require|only)\w*\s*\("
)
_IF = re.compile(r"\bif\s*\(")
_BOOL = re.compile(r"\b(true|false)\b")


def _matching_paren(masked: str, open_at: int) -> int:
    """Offset of the `)` closing the `(` at `open_at`."""
    depth = 0
    for k in range(open_at, len(masked)):
        if masked[k] == "(":
            depth += 1
        elif masked[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    raise ValueError(f"unbalanced parenthesis at offset {open_at}")


def _previous_code_char(masked: str, at: int) -> str:
    k = at - 1
    while k >= 0 and masked[k].isspace():
        k -= 1
    return masked[k] if k >= 0 else ""


def find_mutants(source: str, file: str = "") -> list[Mutant]:
    """Every mutant of `source`, in source order."""
    masked = mask(source)
    found: list[tuple[int, int, str, str]] = []  # start, end, operator, replacement

    for m in _OPERATOR.finditer(masked):
        token = m.group()
        if token == "!":
            found.append((m.start(), m.end(), "negation", ""))
            continue
        if token not in _SWAPS:
            continue
        if token in _BINARY_ONLY:
            before = _previous_code_char(masked, m.start())
            if not (before.isalnum() or before in "_)]"):
                continue  # unary
        operator, replacement = _SWAPS[token]
        found.append((m.start(), m.end(), operator, replacement))

    for m in _CHECK.finditer(masked):
        if m.group().startswith("_"):
            before = _previous_code_char(masked, m.start())
            if before not in ";{})":
                continue  # part of an expression or a definition, not a statement
        close = _matching_paren(masked, m.end() - 1)
        semicolon = masked.find(";", close)
        if semicolon < 0 or masked[close + 1 : semicolon].strip():
            continue
        found.append((m.start(), semicolon + 1, "remove-check", "{}"))

    for m in _IF.finditer(masked):
        close = _matching_paren(masked, m.end() - 1)
        condition = source[m.end() : close]
        if masked[m.end() : close].lstrip().startswith("!"):
            continue  # the `!` removal covers it
        found.append((m.end(), close, "negation", f"!({condition})"))

    for m in _BOOL.finditer(masked):
        found.append((m.start(), m.end(), "boolean", "false" if m.group() == "true" else "true"))

    found.sort()
    mutants = []
    for index, (start, end, operator, replacement) in enumerate(found):
        mutants.append(
            Mutant(
                file=file,
                index=index,
                line=source.count("\n", 0, start) + 1,
                operator=operator,
                start=start,
                end=end,
                replacement=replacement,
                original=source[start:end],
            )
        )
    return mutants


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


def functions(source: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every function with a body; the constructor is "constructor"."""
    masked = mask(source)
    found = []
    for m in re.finditer(r"\bfunction\s+(\w+)|\b(constructor)\s*\(", masked):
        body = re.compile(r"[{;]").search(masked, m.end())
        if body is None or body.group() == ";":
            continue  # declared only
        depth, k = 0, body.start()
        for k in range(body.start(), len(masked)):
            depth += {"{": 1, "}": -1}.get(masked[k], 0)
            if depth == 0:
                break
        found.append((m.group(1) or m.group(2), m.start(), k + 1))
    return found


def entry_points(source: str, offset: int) -> set[str]:
    """The external functions through which the code at `offset` runs: its own function, or
    for an internal one (``_name``) the functions calling it, up to external ones."""
    spans = functions(source)
    todo = [name for name, a, b in spans if a <= offset < b]
    seen: set[str] = set()
    entries: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if not name.startswith("_"):
            entries.add(name)
            continue
        call = re.compile(rf"\b{re.escape(name)}\s*\(")
        todo += [n for n, a, b in spans if n != name and call.search(source, a, b)]
    return entries


def likely_killers_first(mutant: Mutant, source: str) -> tuple[str, ...]:
    """The mutant's test files, those calling the mutated code's entry points first (with
    ``-x`` a killed mutant then stops sooner; a survivor runs them all anyway)."""
    tests = TARGETS[mutant.file][1]
    names = entry_points(source, mutant.start) - {"constructor"}
    if not names:
        return tests
    alternatives = "|".join(map(re.escape, sorted(names)))
    call = re.compile(rf"\.(?:{alternatives})\b")
    first = [t for t in tests if call.search((ROOT / t).read_text())]
    return (*first, *(t for t in tests if t not in first))


# --- running mutants ------------------------------------------------------------------------


@dataclass
class Outcome:
    id: str
    file: str
    line: int
    operator: str
    change: str
    status: str  # killed | survived | timeout | uncompilable | equivalent | error
    seconds: float
    detail: str = ""


class Workspace:
    """A temporary copy of the project in which mutants are applied one at a time."""

    def __init__(self, network: str, timeout: float) -> None:
        self.network = network
        self.timeout = timeout
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

    def write(self, file: str, text: str) -> None:
        (self.dir / file).write_text(text)

    def run(self, args: list[str], timeout: float) -> tuple[int | None, str]:
        """Runs a command in the copy, in its own process group (anvil included) so that a
        timeout stops all of it. Returns (exit code or None on timeout, output)."""
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
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    out, _ = proc.communicate(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            return None, ""

    def compile(self) -> tuple[bool, str]:
        code, out = self.run([self.brownie, "compile"], timeout=600)
        return code == 0, out

    def test(self, tests: tuple[str, ...], timeout: float) -> tuple[int | None, str]:
        return self.run(
            [
                self.brownie,
                "test",
                *tests,
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "--network",
                self.network,
            ],
            timeout,
        )

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


def strip_metadata(hex_code: str) -> str:
    """Drops solc's CBOR metadata (its length is in the last two bytes)."""
    code = hex_code.removeprefix("0x")
    if len(code) < 4 or "_" in code[-4:]:
        return code
    length = int(code[-4:], 16)
    return code[: max(0, len(code) - 2 * (length + 2))]


def last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])[-400:]


def failed_test(output: str) -> str:
    m = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.M)
    return m.group(1) if m else last_lines(output)


# --- the run --------------------------------------------------------------------------------


def plan(
    files: list[str], max_per_file: int | None, seed: int, caps: dict[str, int] | None = None
) -> dict[str, list[list[Mutant]]]:
    """Per file, the strata of candidates to draw from (all candidates when no cap)."""
    chosen = {}
    for file in files:
        source = (ROOT / file).read_text()
        mutants = find_mutants(source, file)
        cap = (caps or {}).get(file, max_per_file)
        size = len(mutants) if cap is None else cap
        chosen[file] = [
            [mutants[i] for i in g] for g in strata(len(mutants), size, f"{seed}:{file}")
        ]
    return chosen


def interleave(chosen: dict[str, list[list[Mutant]]], seed: int) -> Iterator[list[Mutant]]:
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


def _counts() -> dict:
    return {
        "killed": 0,
        "survived": 0,
        "total": 0,
        "score": None,
        "uncompilable": 0,
        "equivalent": 0,
        "undecided_count": 0,
        "survivors": [],
        "undecided": [],
    }


def summarize(outcomes: list[Outcome], key) -> dict[str, dict]:
    summary: dict[str, dict] = {}
    for o in outcomes:
        s = summary.setdefault(key(o), _counts())
        if o.status == "killed":
            s["killed"] += 1
        elif o.status == "survived":
            s["survived"] += 1
            s["survivors"].append(f"{o.file}:{o.line} {o.operator} {o.change}")
        elif o.status == "uncompilable":
            s["uncompilable"] += 1
        elif o.status == "equivalent":
            s["equivalent"] += 1
        else:  # timeout or error: undecided, not counted
            s["undecided_count"] += 1
            s["undecided"].append(f"{o.file}:{o.line} {o.operator} {o.change} ({o.status})")
    for s in summary.values():
        s["total"] = s["killed"] + s["survived"]
        s["score"] = round(s["killed"] / s["total"], 4) if s["total"] else None
    return summary


def write_report(path: Path, settings: dict, outcomes: list[Outcome], candidates: dict) -> dict:
    files = summarize(outcomes, lambda o: o.file)
    for file, count in candidates.items():
        files.setdefault(file, _counts())["candidates"] = count
    report = {
        "settings": settings,
        "groups": summarize(outcomes, lambda o: TARGETS.get(o.file, ("other",))[0]),
        "files": files,
        "mutants": [asdict(o) for o in outcomes],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_summary(report: dict) -> None:
    print("\nmutation score (killed / killed + survived; uncompilable and equivalent not counted)")
    for title, table in (("file", report["files"]), ("group", report["groups"])):
        for name, s in table.items():
            score = "-" if s["score"] is None else f"{100 * s['score']:.1f} %"
            print(
                f"  {title:<5} {name:<40} killed {s['killed']:>3} survived {s['survived']:>3}"
                f" total {s['total']:>3}  score {score:>7}  (uncompilable {s['uncompilable']},"
                f" equivalent {s['equivalent']}, undecided {s['undecided_count']})"
            )
    survivors = [line for s in report["files"].values() for line in s["survivors"]]
    if survivors:
        print("survivors:")
        for line in survivors:
            print(f"  {line}")
    undecided = [line for s in report["files"].values() for line in s["undecided"]]
    if undecided:
        print("undecided (timeout or tooling error; rerun with --only):")
        for line in undecided:
            print(f"  {line}")


def undecided_of(report_path: Path) -> tuple[dict, list[Outcome], dict[str, list[list[Mutant]]]]:
    """A report's settings and outcomes, and its undecided mutants to run again (found again
    by id; refused if the source moved since)."""
    report = json.loads(report_path.read_text())
    outcomes = [Outcome(**m) for m in report["mutants"]]
    chosen: dict[str, list[list[Mutant]]] = {}
    for o in outcomes:
        if o.status in ("killed", "survived", "uncompilable", "equivalent"):
            continue
        file, index = o.id.rsplit("#", 1)
        mutants = find_mutants((ROOT / file).read_text(), file)
        mutant = mutants[int(index)] if int(index) < len(mutants) else None
        if mutant is None or mutant.change() != o.change or mutant.line != o.line:
            raise ValueError(f"{o.id} is no longer `{o.change}` at line {o.line}: source changed")
        chosen.setdefault(file, []).append([mutant])
    return report["settings"], outcomes, chosen


def run(args: argparse.Namespace) -> int:
    if args.rerun_undecided:
        return rerun(args)
    if args.resume:
        return resume(args)
    files = args.files or list(TARGETS)
    unknown = [f for f in files if f not in TARGETS]
    if unknown:
        print(f"mutate: no tests known for {', '.join(unknown)} (see TARGETS)", file=sys.stderr)
        return 2
    caps = dict(args.max_file or [])
    chosen = plan(files, args.max, args.seed, caps)
    if args.only is not None:
        if len(files) != 1:
            print("mutate: --only needs exactly one file in --files", file=sys.stderr)
            return 2
        everything = find_mutants((ROOT / files[0]).read_text(), files[0])
        chosen = {files[0]: [[everything[i]] for i in args.only]}
    candidates = {f: len(find_mutants((ROOT / f).read_text(), f)) for f in files}
    if args.list:
        for file, groups in chosen.items():
            for mutant in sorted((g[0] for g in groups), key=lambda m: m.index):
                print(f"{mutant.index:>4}  {mutant.describe()}")
            print(f"{file}: {len(groups)} of {candidates[file]} candidates")
        return 0

    settings = {
        "files": files,
        "max_per_file": args.max,
        "max_for_file": caps,
        "seed": args.seed,
        "network": args.network,
        "budget_minutes": args.budget_minutes,
        "only": args.only,
        "skip_baseline": args.skip_baseline,
    }
    return execute(args, chosen, settings, candidates, [])


def rerun(args: argparse.Namespace) -> int:
    """Runs a report's undecided mutants again and rewrites it with their new outcomes."""
    settings, outcomes, chosen = undecided_of(args.report)
    if not chosen:
        print(f"mutate: no undecided mutant in {args.report}")
        return 0
    files = list(settings["files"])
    candidates = {f: len(find_mutants((ROOT / f).read_text(), f)) for f in files}
    settings["reruns"] = [
        *settings.get("reruns", []),
        *(g[0].id for v in chosen.values() for g in v),
    ]
    args.budget_minutes = None
    return execute(args, chosen, settings, candidates, outcomes)


def resume(args: argparse.Namespace) -> int:
    """Continues the sample of an earlier run (same settings, from its report): the strata
    whose mutant is decided are skipped, the others run (e.g. within a new --budget-minutes)."""
    report = json.loads(args.report.read_text())
    settings = report["settings"]
    outcomes = [Outcome(**m) for m in report["mutants"]]
    done = {o.id for o in outcomes if o.status != "uncompilable"}
    tried = {o.id for o in outcomes}
    files = list(settings["files"])
    chosen = plan(files, settings["max_per_file"], settings["seed"], settings["max_for_file"])
    left: dict[str, list[list[Mutant]]] = {}
    for file, groups in chosen.items():
        for group in groups:
            if any(m.id in done for m in group):
                continue
            left.setdefault(file, []).append([m for m in group if m.id not in tried])
    left = {f: [g for g in groups if g] for f, groups in left.items()}
    candidates = {f: len(find_mutants((ROOT / f).read_text(), f)) for f in files}
    print(f"mutate: resuming: {sum(map(len, left.values()))} strata left")
    settings["budget_minutes"] = args.budget_minutes
    args.seed = settings["seed"]
    return execute(args, left, settings, candidates, outcomes)


def execute(
    args: argparse.Namespace,
    chosen: dict[str, list[list[Mutant]]],
    settings: dict,
    candidates: dict[str, int],
    outcomes: list[Outcome],
) -> int:
    """Runs the chosen mutants (after the baselines); `outcomes` of an earlier run are kept
    and those of mutants run again replaced."""
    started = time.monotonic()
    deadline = started + 60 * args.budget_minutes if args.budget_minutes else None
    position = {o.id: k for k, o in enumerate(outcomes)}
    ws = Workspace(args.network, timeout=0)
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
            if args.skip_baseline:
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
        for groups in interleave(chosen, args.seed):
            if deadline and time.monotonic() > deadline:
                print("mutate: time budget spent; stopping")
                break
            for mutant in groups:
                timeout = timeouts[frozenset(TARGETS[mutant.file][1])]
                outcome = run_one(ws, mutant, original_code, timeout)
                if mutant.id in position:
                    outcomes[position[mutant.id]] = outcome
                else:
                    outcomes.append(outcome)
                print(
                    f"[{len(outcomes):>3}] {outcome.status:<12} {outcome.seconds:>5.0f} s"
                    f"  {mutant.describe()}" + (f"  ({outcome.detail})" if outcome.detail else ""),
                    flush=True,
                )
                write_report(args.report, settings, outcomes, candidates)
                if outcome.status != "uncompilable":
                    break  # the stratum has its mutant
    finally:
        ws.close()
    settings["seconds"] = settings.get("seconds", 0) + round(time.monotonic() - started)
    report = write_report(args.report, settings, outcomes, candidates)
    print_summary(report)
    print(f"written: {args.report}")
    return 0


def run_one(ws: Workspace, mutant: Mutant, original_code: dict, timeout: float) -> Outcome:
    source = (ROOT / mutant.file).read_text()
    t0 = time.monotonic()

    def outcome(status: str, detail: str = "") -> Outcome:
        return Outcome(
            mutant.id,
            mutant.file,
            mutant.line,
            mutant.operator,
            mutant.change(),
            status,
            round(time.monotonic() - t0, 1),
            detail,
        )

    ws.write(mutant.file, mutant.apply(source))
    try:
        ok, out = ws.compile()
        if not ok:
            return outcome("uncompilable", last_lines(out, 1))
        if ws.code_fingerprint() == original_code:
            return outcome("equivalent", "identical bytecode")
        code, out = ws.test(likely_killers_first(mutant, source), timeout)
        if code is None:
            return outcome("timeout", f"over {timeout:.0f} s")
        if code == 0:
            return outcome("survived")
        if code == 1:
            return outcome("killed", failed_test(out))
        return outcome("error", f"exit {code}: {last_lines(out)}")
    finally:
        ws.write(mutant.file, source)


def _file_cap(text: str) -> tuple[str, int]:
    file, _, count = text.rpartition("=")
    if not file or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected FILE=N, got {text!r}")
    return file, int(count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
        "--network",
        default=os.environ.get("BAZAAR_TEST_NETWORK", "bazaar-dev"),
        help="brownie network of the test runs (default $BAZAAR_TEST_NETWORK, else bazaar-dev)",
    )
    parser.add_argument("--budget-minutes", type=float, help="start no mutant after this")
    parser.add_argument(
        "--only",
        type=lambda text: [int(x) for x in text.split(",")],
        help="run only these candidate indexes (with one --files; see --list)",
    )
    parser.add_argument("--list", action="store_true", help="print the mutants; run nothing")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the sample of --report (its files, caps and seed) where it stopped",
    )
    parser.add_argument(
        "--rerun-undecided",
        action="store_true",
        help="run the undecided mutants of --report again and update it",
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
