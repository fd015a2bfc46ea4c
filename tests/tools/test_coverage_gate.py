"""The coverage gate of `make coverage` (tools/gates/coverage_gate.py): brownie's figure, the 95 %
bar, contracts missing from the report, mocks and test contracts left out."""

from tools.gates import coverage_gate


def report(**totals):
    return {"coverage": {name: {"totals": t} for name, t in totals.items()}}


def test_the_figure_is_brownies_statements_averaged_with_branches():
    assert coverage_gate.coverage_figure({"statements": [9, 10], "branches": [0, 0, 0]}) == 0.9
    # statements 100 %, branches: 4 of 2 * 4 ways taken = 50 % -> 75 %
    figure = coverage_gate.coverage_figure({"statements": [10, 10], "branches": [2, 2, 4]})
    assert figure == 0.75


def test_a_contract_under_95_percent_fails_and_one_at_95_passes():
    at_bar = {"statements": [95, 100], "branches": [0, 0, 0]}
    under = {"statements": [949, 1000], "branches": [0, 0, 0]}
    problems = coverage_gate.check(report(A=at_bar, B=under), ["A", "B"])
    assert problems == ["B: 94.9% < 95%"]


def test_a_gated_contract_missing_from_the_report_fails():
    problems = coverage_gate.check(report(), ["EscrowMarketplace"])
    assert problems == ["EscrowMarketplace: not in the coverage report (did its tests run?)"]


def test_only_the_projects_own_deployable_contracts_are_gated():
    gated = coverage_gate.gated_contracts()
    for name in ("EscrowMarketplace", "WbtcUsdOracle", "PointsStaking", "BazaarGovernor"):
        assert name in gated
    for name in ("MockWBTC", "MockAggregator", "FlashLender", "StakeHistoryHarness"):
        assert name not in gated
    assert "StakeHistory" not in gated  # internal libraries are inlined, not deployed


def test_vendored_functions_leave_the_gated_figure_and_stay_in_the_whole_one():
    entry = {
        "statements": {"Own.f": [9, 10], "Math.sqrt": [0, 10]},
        "branches": {"Own.f": [2, 2, 2], "Math.sqrt": [0, 0, 4]},
        "totals": {"statements": [9, 20], "branches": [2, 2, 6]},
    }
    assert coverage_gate.figure_of(entry) == (9 / 20 + 4 / 12) / 2
    assert coverage_gate.figure_of(entry, {"Math"}) == (9 / 10 + 1) / 2
    assert coverage_gate.check({"coverage": {"Own": entry}}, ["Own"], {"Math"}) == []
    assert coverage_gate.check({"coverage": {"Own": entry}}, ["Own"]) == ["Own: 39.2% < 95%"]


def test_a_contract_made_only_of_vendored_code_is_gated_on_its_whole_figure():
    entry = {
        "statements": {"TimelockController.cancel": [1, 2]},
        "branches": {"TimelockController.cancel": [0, 0, 0]},
        "totals": {"statements": [1, 2], "branches": [0, 0, 0]},
    }
    assert coverage_gate.figure_of(entry, {"TimelockController"}) == 0.5


def test_openzeppelin_is_vendored_and_the_projects_contracts_are_not():
    vendored = coverage_gate.vendored_contracts()
    for name in ("Math", "SafeCast", "Governor", "ERC721", "TimelockController"):
        assert name in vendored
    for name in ("BazaarGovernor", "GovernorPackedTally", "StakeHistory", "EscrowMarketplace"):
        assert name not in vendored
