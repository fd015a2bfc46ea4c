"""The mutation tool's own layer (tools/gates/mutate.py) around slither-mutate's mutators: the
candidates slither makes of a real library, the solc screen, sampling, the temporary copy,
resume and the report. No chain; slither and the offline compiler run (the candidates are
cached in build/ while the sources stay the same).

`make mutation` runs the tool itself on the oracle and the marketplace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.gates import mutants as generation
from tools.gates import mutate

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = "contracts/libraries/SettlementMath.sol"
Generated = dict[str, list[mutate.Mutant]]
MARKET = "contracts/EscrowMarketplace.sol"


@pytest.fixture(scope="module")
def generated() -> Generated:
    return generation.candidates([LIBRARY, MARKET])


def find(mutants: list[mutate.Mutant], line: int, operator: str, after: str) -> mutate.Mutant:
    return next(
        m for m in mutants if m.line == line and m.operator == operator and m.replacement == after
    )


def test_slither_mutators_make_the_candidates_of_a_real_library(generated: Generated) -> None:
    mutants = generated[LIBRARY]
    source = (ROOT / LIBRARY).read_bytes()
    # `if (bufferBps > MAX_BUFFER_BPS) revert ...` (line 30), `toBuyer = deposit - toSeller` (45)
    flipped = find(mutants, 30, "ROR", "bufferBps >= MAX_BUFFER_BPS")
    assert flipped.original == "bufferBps > MAX_BUFFER_BPS"
    assert find(mutants, 30, "MIA", "false").original == "bufferBps > MAX_BUFFER_BPS"
    assert find(mutants, 45, "AOR", "toBuyer = deposit + toSeller")
    assert find(mutants, 45, "RR", "revert()").original == "toBuyer = deposit - toSeller"
    mutated = flipped.apply(source).decode().splitlines()[29]
    assert mutated.strip().startswith("if (bufferBps >= MAX_BUFFER_BPS) revert")
    for m in mutants:  # offsets are bytes of the file; the mutant changes exactly them
        assert source[m.start : m.end].decode() == m.original != m.replacement
    assert {m.operator for m in mutants} <= {"AOR", "CR", "FHR", "MIA", "ROR", "RR", "SBR"}


def test_candidates_are_numbered_in_source_order_without_duplicates(generated: Generated) -> None:
    mutants = generated[LIBRARY]
    assert [m.index for m in mutants] == list(range(len(mutants)))
    assert [m.start for m in mutants] == sorted(m.start for m in mutants)
    assert len({(m.start, m.end, m.replacement) for m in mutants}) == len(mutants)
    assert mutants[0].id == f"{LIBRARY}#0"
    assert generation.candidates([LIBRARY])[LIBRARY] == mutants  # from the cache, the same


def test_the_tests_calling_the_mutated_function_run_first(generated: Generated) -> None:
    review_check = next(m for m in generated[MARKET] if "MarketplaceAlreadyReviewed" in m.original)
    assert "review" in review_check.entry_points  # from slither's call graph
    order = mutate.likely_killers_first(review_check)
    assert order[0] == "tests/contracts/market/test_marketplace_reviews.py"
    assert sorted(order) == sorted(mutate.TARGETS[MARKET][1])


def test_solc_refuses_broken_mutants_in_one_batch(generated: Generated) -> None:
    mutants = generated[LIBRARY]
    fine = find(mutants, 30, "ROR", "bufferBps >= MAX_BUFFER_BPS")
    commented_condition = find(mutants, 30, "CR", "//bufferBps > MAX_BUFFER_BPS")  # no `)`
    immutable = next(m for m in mutants if "immutable" in m.replacement)  # in a library
    refused = generation.solc_errors([fine, commented_condition, immutable])
    assert refused[commented_condition.id].startswith("ParserError")
    # type-checked although another copy failed to parse (its own call)
    assert refused[immutable.id].startswith("TypeError")
    assert fine.id not in refused
    assert not (ROOT / "contracts/libraries/SettlementMath.mutant0.sol").exists()


def test_a_stratum_refused_by_solc_draws_its_next_candidate() -> None:
    def mutant(index: int) -> mutate.Mutant:
        return mutate.Mutant("c.sol", index, 1, "ROR", index, index + 1, "<", ">=")

    groups = [[mutant(0), mutant(1)], [mutant(2), mutant(3)], [mutant(4)]]
    asked: list[list[int]] = []

    def check(batch: list[mutate.Mutant]) -> dict[str, str]:
        asked.append([m.index for m in batch])
        return {m.id: "refused" for m in batch if m.index in (0, 4)}

    kept, refused = generation.screen(groups, check)
    assert asked == [[0, 2, 4], [1]]  # only the draws, then the one replacement
    assert [[m.index for m in g] for g in kept] == [[1], [2, 3]]  # 3 stays a fallback
    assert refused == 2


def test_sampling_is_deterministic_and_spread_across_the_file() -> None:
    first = mutate.strata(100, 10, "1:x")
    assert first == mutate.strata(100, 10, "1:x")
    assert first != mutate.strata(100, 10, "2:x")
    picks = [group[0] for group in first]
    assert [p // 10 for p in picks] == list(range(10))  # one per tenth of the file
    assert sorted(i for g in first for i in g) == list(range(100))  # the rest are fallbacks
    assert len(mutate.strata(5, 10, 1)) == 5 and mutate.strata(0, 10, 1) == []


def test_interleaving_keeps_files_in_proportion_to_their_samples() -> None:
    chosen = {"a": [f"a{i}" for i in range(30)], "b": [f"b{i}" for i in range(10)]}
    order = list(mutate.interleave(chosen, 1))
    assert sorted(order) == sorted(chosen["a"] + chosen["b"])
    for prefix in (8, 20, 40):
        share = sum(1 for name in order[:prefix] if name.startswith("b")) / prefix
        assert abs(share - 0.25) <= 0.05  # b's quarter of the sample, in any prefix


class Interrupted(mutate.Workspace):
    """A copy whose compile is interrupted (as by Ctrl-C) after the mutant is written."""

    def compile(self) -> tuple[bool, str]:
        assert (self.dir / LIBRARY).read_bytes() != (ROOT / LIBRARY).read_bytes()
        raise KeyboardInterrupt


def test_a_mutant_lives_only_in_the_copy_and_is_undone_however_the_run_ends(
    generated: Generated,
) -> None:
    mutant = find(generated[LIBRARY], 45, "AOR", "toBuyer = deposit + toSeller")
    original = (ROOT / LIBRARY).read_bytes()
    ws = Interrupted("n-mut")
    try:
        assert (ws.dir / "node_modules").is_symlink() and (ws.dir / "tests").is_dir()
        with pytest.raises(KeyboardInterrupt):
            mutate.run_one(ws, mutant, {}, timeout=1)
        assert (ws.dir / LIBRARY).read_bytes() == original
    finally:
        ws.close()
    assert not ws.dir.exists()
    assert (ROOT / LIBRARY).read_bytes() == original


def test_metadata_is_stripped_before_comparing_code() -> None:
    code = "6080" + "a2646970667358221220" + "00" * 32 + "64736f6c6343" + "00081e" + "0033"
    assert mutate.strip_metadata(code) == "6080"


def outcome(m: mutate.Mutant, status: str) -> mutate.Outcome:
    return mutate.Outcome(m.id, m.file, m.line, m.operator, m.change(), status, 1.0)


def test_resume_runs_the_strata_a_report_has_not_decided(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated: Generated
) -> None:
    mutants = generated[LIBRARY]
    monkeypatch.setattr(generation, "candidates", lambda files, operators: {LIBRARY: mutants})
    monkeypatch.setattr(generation, "solc_errors", lambda batch: {})
    settings: dict[str, Any] = {
        "files": [LIBRARY],
        "operators": None,
        "max_per_file": 4,
        "max_for_file": {},
        "seed": 7,
        "only": None,
        "network": "n-mut",
        "budget_minutes": None,
        "skip_baseline": True,
    }
    groups = mutate.plan({LIBRARY: mutants}, 4, 7)[LIBRARY]
    killed, uncompilable, timeout = groups[0][0], groups[1][0], groups[2][0]
    outcomes = [outcome(killed, "killed"), outcome(uncompilable, "uncompilable")]
    outcomes.append(outcome(timeout, "timeout"))
    report = tmp_path / "mutation.json"
    mutate.write_report(report, settings, outcomes, {})
    ran: dict[str, Any] = {}

    def execute(
        args: object,
        chosen: dict[str, list[list[mutate.Mutant]]],
        settings: object,
        sizes: object,
        outcomes: list[mutate.Outcome],
    ) -> int:
        ran.update(chosen=chosen, kept=[o.id for o in outcomes])
        return 0

    monkeypatch.setattr(mutate, "execute", execute)
    assert mutate.main(["--resume", "--report", str(report)]) == 0
    left = ran["chosen"][LIBRARY]
    assert len(left) == 3  # the killed stratum is done
    assert left[1][0] == timeout  # undecided: runs again
    assert uncompilable not in left[0] and left[0] == groups[1][1:]  # its next candidate
    assert ran["kept"] == [killed.id, uncompilable.id, timeout.id]

    moved = json.loads(report.read_text())
    moved["mutants"][0]["change"] = "`a` -> `b`"  # as if the source had changed since
    report.write_text(json.dumps(moved))
    assert mutate.main(["--resume", "--report", str(report)]) == 2


def test_the_report_counts_decided_mutants_and_names_the_survivors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], generated: Generated
) -> None:
    a, b, c, d = generated[LIBRARY][:4]
    outcomes = [outcome(a, "killed"), outcome(b, "survived"), outcome(c, "equivalent")]
    outcomes.append(outcome(d, "timeout"))
    report = mutate.write_report(
        tmp_path / "m.json", {}, outcomes, {LIBRARY: {"candidates": 52, "refused_by_solc": 3}}
    )
    s = report["files"][LIBRARY]
    assert (s["killed"], s["survived"], s["total"], s["score"]) == (1, 1, 2, 0.5)
    assert (s["equivalent"], s["undecided_count"], s["candidates"]) == (1, 1, 52)
    assert report["groups"]["marketplace"]["killed"] == 1
    mutate.print_summary(report)
    out = capsys.readouterr().out
    assert f"  {LIBRARY}:{b.line} {b.operator} {b.change()}" in out.splitlines()
    assert f"{d.line} {d.operator}" in out.split("undecided")[-1]


def test_unknown_files_and_operators_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert mutate.main(["--files", "contracts/Nope.sol", "--list"]) == 2
    with pytest.raises(ValueError, match="NOPE"):
        generation._mutator_classes(["ROR", "NOPE"])
    assert [c.NAME for c in generation._mutator_classes(["ROR", "AOR"])] == ["AOR", "ROR"]


def test_every_target_has_existing_sources_and_tests() -> None:
    for source, (_group, tests) in mutate.TARGETS.items():
        assert (ROOT / source).exists()
        assert all((ROOT / t).exists() for t in tests)


def test_every_marketplace_and_oracle_test_file_runs_against_their_mutants() -> None:
    targets = {test for _, tests in mutate.TARGETS.values() for test in tests}
    found = []
    for folder in ("market", "oracle"):
        for path in (ROOT / "tests" / "contracts" / folder).glob("test_*.py"):
            found.append(path)
            assert str(path.relative_to(ROOT)) in targets, path.name
    assert len(found) >= 15  # the folders' test files, not an empty glob


def test_only_picks_candidates_by_id_across_files_or_by_index_in_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, generated: Generated
) -> None:
    monkeypatch.setattr(generation, "solc_errors", lambda batch: {})  # selection only
    ids = f"{LIBRARY}#3,{MARKET}#5"
    assert mutate.main(["--files", LIBRARY, MARKET, "--only", ids, "--list"]) == 0
    out = capsys.readouterr().out
    assert generated[LIBRARY][3].describe() in out and generated[MARKET][5].describe() in out
    assert mutate.main(["--files", LIBRARY, MARKET, "--only", "3", "--list"]) == 2
    assert mutate.main(["--files", LIBRARY, "--only", "3", "--list"]) == 0
    assert generated[LIBRARY][3].describe() in capsys.readouterr().out
