"""The mutation tool's mutant finder and sampler (tools/gates/mutate.py); no chain, no compiler.

`make mutation` runs the tool itself on the oracle and the marketplace."""

from pathlib import Path

from tools.gates import mutate

ROOT = Path(__file__).resolve().parents[2]

SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
import {Math} from "./Math.sol"; // a < b in a comment
/// @notice x > y in NatSpec
contract C {
    mapping(address token => uint256) public credits;
    uint256 constant BIG = 10 ** 18;
    string constant NOTE = "a <= b";
    function f(uint256 a, uint256 b) external pure returns (uint256) {
        if (a < b) revert TooSmall(a, b);
        if (!ok(a)) {
            revert Bad(
                a
            );
        }
        _checkRange("a", a, 1, 5);
        require(a != b, "same");
        return a * b + (a - b) / 2;
    }
    function g(bool x) internal pure returns (bool) {
        return x && true || -1 > 0;
    }
}
"""


def changes(source=SOURCE):
    return [(m.line, m.operator, m.original, m.replacement) for m in mutate.find_mutants(source)]


def mutated_lines(mutant, source=SOURCE):
    text = mutant.apply(source)
    return text.splitlines()[mutant.line - 1]


def test_comparisons_are_flipped_but_mapping_arrows_and_exponents_are_not():
    found = changes()
    assert (10, "comparison", "<", "<=") in found
    assert (17, "comparison", "!=", "==") in found
    assert (21, "comparison", ">", ">=") in found
    assert not [c for c in found if c[0] in (6, 7)]  # `=>` and `**`


def test_comments_strings_pragma_and_imports_are_never_mutated():
    assert not [c for c in changes() if c[0] in (1, 2, 3, 4, 8)]
    mutants = mutate.find_mutants(SOURCE)
    assert all('"a <= b"' in m.apply(SOURCE) for m in mutants)
    # a string argument goes only with its whole statement
    assert all('"a"' in m.apply(SOURCE) for m in mutants if m.operator != "remove-check")


def test_if_revert_require_and_guard_calls_are_removed_whole():
    removed = {m.line: m for m in mutate.find_mutants(SOURCE) if m.operator == "remove-check"}
    assert set(removed) == {10, 12, 16, 17}
    assert mutated_lines(removed[10]).strip() == "if (a < b) {}"
    multi_line = removed[12].apply(SOURCE)
    assert (
        "revert Bad" not in multi_line and "if (!ok(a)) {\n            {}\n        }" in multi_line
    )
    assert mutated_lines(removed[16]).strip() == "{}"
    assert mutated_lines(removed[17]).strip() == "{}"


def test_binary_arithmetic_is_swapped_and_unary_minus_is_not():
    arithmetic = [(c[0], c[2], c[3]) for c in changes() if c[1] == "arithmetic"]
    assert arithmetic == [(18, "*", "/"), (18, "+", "-"), (18, "-", "+"), (18, "/", "*")]


def test_conditions_are_negated_logic_and_literals_swapped():
    found = changes()
    assert (10, "negation", "a < b", "!(a < b)") in found
    assert (11, "negation", "!", "") in found  # `!ok(a)` -> `ok(a)`, not `!(!ok(a))`
    assert not [c for c in found if c[0] == 11 and c[3].startswith("!(")]
    assert (21, "logical", "&&", "||") in found and (21, "logical", "||", "&&") in found
    assert (21, "boolean", "true", "false") in found


def test_mutants_are_numbered_in_source_order():
    mutants = mutate.find_mutants(SOURCE, "contracts/C.sol")
    assert [m.index for m in mutants] == list(range(len(mutants)))
    assert [m.start for m in mutants] == sorted(m.start for m in mutants)
    assert mutants[0].id == "contracts/C.sol#0"


def test_sampling_is_deterministic_and_spread_across_the_file():
    first = mutate.strata(100, 10, "1:x")
    assert first == mutate.strata(100, 10, "1:x")
    assert first != mutate.strata(100, 10, "2:x")
    picks = [group[0] for group in first]
    assert [p // 10 for p in picks] == list(range(10))  # one per tenth of the file
    assert sorted(i for g in first for i in g) == list(range(100))  # the rest are fallbacks
    assert len(mutate.strata(5, 10, 1)) == 5 and mutate.strata(0, 10, 1) == []


def test_interleaving_keeps_files_in_proportion_to_their_samples():
    chosen = {"a": [[f"a{i}"] for i in range(30)], "b": [[f"b{i}"] for i in range(10)]}
    order = [g[0] for g in mutate.interleave(chosen, 1)]
    assert sorted(order) == sorted(g[0] for groups in chosen.values() for g in groups)
    for prefix in (8, 20, 40):
        share = sum(1 for name in order[:prefix] if name.startswith("b")) / prefix
        assert abs(share - 0.25) <= 0.05  # b's quarter of the sample, in any prefix


def test_every_target_has_existing_sources_and_tests():
    for source, (_group, tests) in mutate.TARGETS.items():
        assert (ROOT / source).exists()
        assert all((ROOT / t).exists() for t in tests)
        assert mutate.find_mutants((ROOT / source).read_text())


def test_metadata_is_stripped_before_comparing_code():
    code = "6080" + "a2646970667358221220" + "00" * 32 + "64736f6c6343" + "00081e" + "0033"
    assert mutate.strip_metadata(code) == "6080"


ENTRY_SOURCE = """contract M {
    function buy(uint256 a) external { _check(a); }
    function sell(uint256 a) external { _check(a); _pay(a); }
    function _check(uint256 a) private pure { if (a == 0) revert Zero(); }
    function _pay(uint256 a) private { a; }
    function decl(uint256 a) external;
}
"""


def test_a_mutant_in_an_internal_function_is_traced_to_the_external_callers():
    at = ENTRY_SOURCE.index("a == 0")
    assert mutate.entry_points(ENTRY_SOURCE, at) == {"buy", "sell"}
    assert mutate.entry_points(ENTRY_SOURCE, ENTRY_SOURCE.index("a; }")) == {"sell"}
    assert mutate.entry_points(ENTRY_SOURCE, 0) == set()


def test_test_files_calling_the_mutated_function_run_first():
    source = (ROOT / "contracts/EscrowMarketplace.sol").read_text()
    review_check = next(
        m
        for m in mutate.find_mutants(source, "contracts/EscrowMarketplace.sol")
        if "MarketplaceAlreadyReviewed" in m.original
    )
    order = mutate.likely_killers_first(review_check, source)
    assert order[0] == "tests/contracts/market/test_marketplace_reviews.py"
    assert sorted(order) == sorted(mutate.TARGETS[review_check.file][1])


def test_resume_runs_only_the_strata_a_report_has_not_decided(tmp_path, monkeypatch):
    file = "contracts/libraries/SettlementMath.sol"
    mutants = mutate.find_mutants((ROOT / file).read_text(), file)
    groups = mutate.plan([file], 3, 7)[file]
    first, second = groups[0][0], groups[1][0]

    def outcome(m, status):
        return mutate.Outcome(m.id, m.file, m.line, m.operator, m.change(), status, 1.0)

    report = tmp_path / "mutation.json"
    settings = {"files": [file], "max_per_file": 3, "max_for_file": {}, "seed": 7}
    outcomes = [outcome(first, "killed"), outcome(second, "uncompilable")]
    mutate.write_report(report, settings, outcomes, {file: len(mutants)})
    ran = {}

    def execute(args, chosen, settings, candidates, outcomes):
        ran.update(chosen=chosen, kept=[o.id for o in outcomes])
        return 0

    monkeypatch.setattr(mutate, "execute", execute)
    assert mutate.main(["--resume", "--report", str(report)]) == 0
    left = ran["chosen"][file]
    assert len(left) == 2  # the killed stratum is done; the uncompilable one tries its next
    assert all(first.id not in {m.id for m in g} for g in left)
    assert all(second.id not in {m.id for m in g} for g in left)
    assert ran["kept"] == [first.id, second.id]


def test_every_marketplace_and_oracle_test_file_runs_against_their_mutants():
    targets = {test for _, tests in mutate.TARGETS.values() for test in tests}
    for pattern in ("test_marketplace_*.py", "test_oracle_*.py", "test_price_*.py"):
        for path in (ROOT / "tests").glob(pattern):
            assert f"tests/{path.name}" in targets, path.name
