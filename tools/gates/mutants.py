"""The mutants of ``make mutation`` (tools/gates/mutate.py runs them): slither-mutate's
mutators asked for their patches without writing a file, numbered in source order and cached
in build/ until the sources change; then a batched ``solc`` check that drops what does not
compile before any brownie compile."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import inspect
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tools.gates.slither import standard_json_input
from tools.toolchain.offline import pinned_solc_version, solcx_folder

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "mutation-candidates.json"


@dataclass(frozen=True)
class Mutant:
    file: str
    index: int  # position among the file's candidates, in source order: a stable id
    line: int
    operator: str  # the slither mutator's NAME
    start: int  # byte offsets of the replaced text
    end: int
    original: str
    replacement: str
    entry_points: tuple[str, ...] = ()  # external functions through which the code runs

    @property
    def id(self) -> str:
        return f"{self.file}#{self.index}"

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement.encode() + source[self.end :]

    def change(self) -> str:
        def short(text: str) -> str:
            text = " ".join(text.split())
            return text if len(text) <= 70 else text[:67] + "..."

        return f"`{short(self.original)}` -> `{short(self.replacement)}`"

    def describe(self) -> str:
        return f"{self.file}:{self.line} {self.operator} {self.change()}"


def _compiler() -> str:
    return str(solcx_folder() / f"solc-v{pinned_solc_version()}")


@contextlib.contextmanager
def _tool_home() -> Iterator[None]:
    """slither's solc-select makes ~/.solc-select on import: give it a home inside build/."""
    home = ROOT / "build" / "tool-home"
    home.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        yield
    finally:
        if before is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = before


def _mutator_classes(operators: list[str] | None) -> list[type]:
    from slither.tools.mutator.mutators import all_mutators
    from slither.tools.mutator.mutators.abstract_mutator import AbstractMutator

    classes = sorted(
        (
            c
            for c in vars(all_mutators).values()
            if inspect.isclass(c) and issubclass(c, AbstractMutator) and c is not AbstractMutator
        ),
        key=lambda c: c.NAME,
    )
    if operators is not None:
        unknown = set(operators) - {c.NAME for c in classes}
        if unknown:
            raise ValueError(f"unknown slither mutators: {', '.join(sorted(unknown))}")
        classes = [c for c in classes if c.NAME in operators]
    return classes


def _entry_points(contract: Any, offset: int) -> tuple[str, ...]:
    """The public and external functions through which the code at `offset` runs."""
    for function in contract.functions_and_modifiers_declared:
        mapping = function.source_mapping
        if mapping.start <= offset < mapping.start + mapping.length:
            reach = {function, *function.all_reachable_from_functions}
            return tuple(
                sorted(
                    {
                        f.name
                        for f in reach
                        if f.visibility in ("public", "external") and not f.is_constructor
                    }
                )
            )
    return ()


def _number(file: str, found: list[Mutant]) -> list[Mutant]:
    """Drops no-ops and duplicates (same bytes replaced by the same text) and numbers the rest
    in source order."""
    unique: dict[tuple[int, int, str], Mutant] = {}
    for m in sorted(found, key=lambda m: (m.start, m.end, m.operator, m.replacement)):
        if m.replacement != m.original:
            unique.setdefault((m.start, m.end, m.replacement), m)
    return [Mutant(**{**asdict(m), "index": k}) for k, m in enumerate(unique.values())]


def _generate(files: list[str], operators: list[str] | None) -> dict[str, list[Mutant]]:
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    input_file = build / "mutation-input.json"
    input_file.write_text(json.dumps(standard_json_input()))
    for name in ("CryticCompile", "ContractSolcParsing", "Slither"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    solc = _compiler()  # before _tool_home: py-solc-x's folder may be under $HOME
    with _tool_home(), contextlib.chdir(ROOT):
        from slither import Slither

        classes = _mutator_classes(operators)
        slither = Slither(str(input_file), compile_force_framework="solc-json", solc=solc)
    found: dict[str, list[Mutant]] = {file: [] for file in files}
    for unit in slither.compilation_units:
        for contract in unit.contracts:
            file = Path(contract.source_mapping.filename.absolute).resolve()
            name = file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else ""
            if name not in found or contract.is_interface:
                continue
            source = file.read_bytes()
            for cls in classes:
                mutator = cls(
                    compilation_unit=unit,
                    timeout=0,
                    testing_command="",
                    testing_directory="",
                    contract_instance=contract,
                    solc_remappings=None,
                    verbose=False,
                    output_folder=build / "slither-mutate-unused",
                    dont_mutate_line=[],
                )
                patches = mutator._mutate().get("patches", {})  # computes; writes nothing
                for patch in patches.get(contract.source_mapping.filename.absolute, []):
                    start, end = patch["start"], patch["end"]
                    found[name].append(
                        Mutant(
                            file=name,
                            index=0,
                            line=source.count(b"\n", 0, start) + 1,
                            operator=cls.NAME,
                            start=start,
                            end=end,
                            original=source[start:end].decode(),
                            replacement=patch["new_string"],
                            entry_points=_entry_points(contract, start),
                        )
                    )
    return {file: _number(file, mutants) for file, mutants in found.items()}


def _sources_key(operators: list[str] | None) -> str:
    digest = hashlib.sha256(importlib.metadata.version("slither-analyzer").encode())
    digest.update(json.dumps(operators).encode())
    for folder in ("contracts", "interfaces"):
        for path in sorted((ROOT / folder).rglob("*.sol")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def candidates(files: list[str], operators: list[str] | None = None) -> dict[str, list[Mutant]]:
    """Every mutant slither's mutators make of each file, in source order (cached in build/
    while the sources, the operators and slither's version stay the same)."""
    key = _sources_key(operators)
    cached: dict[str, list[dict[str, Any]]] = {}
    if CACHE.exists():
        data = json.loads(CACHE.read_text())
        if data.get("key") == key:
            cached = data["files"]
    missing = [f for f in files if f not in cached]
    if missing:
        for file, mutants in _generate(missing, operators).items():
            cached[file] = [asdict(m) for m in mutants]
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps({"key": key, "files": cached}))
    return {
        f: [Mutant(**{**m, "entry_points": tuple(m["entry_points"])}) for m in cached[f]]
        for f in files
    }


def last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])[-400:]


# --- screening: what solc refuses does not cost a brownie compile --------------------------


def solc_errors(mutants: list[Mutant]) -> dict[str, str]:
    """The mutants that solc refuses (id -> first error), checked in batches: each mutant is
    a copy of its file beside it (so relative imports resolve), all parsed in one call, then
    type-checked until a call refuses no more (solc stops before its later analysis steps
    once any copy fails an earlier one). A copy's callers are not checked: brownie's
    compile still is."""
    names = {f"{Path(m.file).with_suffix('')}.mutant{m.index}.sol": m for m in mutants}
    sources = {
        name: {"content": m.apply((ROOT / m.file).read_bytes()).decode()}
        for name, m in names.items()
    }
    refused: dict[str, str] = {}
    stage = "parsing"
    while True:
        todo = {n: s for n, s in sources.items() if names[n].id not in refused}
        if not todo:
            return refused
        request = standard_json_input()
        request["sources"] = todo
        request["settings"]["outputSelection"] = {"*": {"": ["ast"]}}
        if stage == "parsing":
            request["settings"]["stopAfter"] = "parsing"
        proc = subprocess.run(
            [_compiler(), "--standard-json", "--allow-paths", str(ROOT)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        try:
            errors = json.loads(proc.stdout).get("errors", [])
        except json.JSONDecodeError:  # a tooling problem: brownie's compile will judge
            print(f"mutate: solc screening skipped: {last_lines(proc.stderr)}", file=sys.stderr)
            return refused
        before = len(refused)
        for error in errors:
            where = (error.get("sourceLocation") or {}).get("file")
            if error.get("severity") == "error" and where in names:
                refused.setdefault(names[where].id, f"{error['type']}: {error['message']}")
        if stage == "analysis" and len(refused) == before:
            return refused
        stage = "analysis"


def screen(
    groups: list[list[Mutant]], check: Callable[[list[Mutant]], dict[str, str]] | None = None
) -> tuple[list[list[Mutant]], int]:
    """Each stratum from its first candidate that `check` does not refuse (the untried ones
    stay behind it as fallbacks); strata left empty are dropped. Returns the strata and how
    many candidates were refused."""
    at = dict.fromkeys(range(len(groups)), 0)
    refused: set[str] = set()
    while at:
        batch = {k: groups[k][i] for k, i in at.items()}
        errors = (check or solc_errors)(list(batch.values()))
        refused |= {m.id for m in batch.values() if m.id in errors}
        at = {k: at[k] + 1 for k, m in batch.items() if m.id in errors}
        at = {k: i for k, i in at.items() if i < len(groups[k])}
    kept = [[m for m in g if m.id not in refused] for g in groups]
    return [g for g in kept if g], len(refused)
