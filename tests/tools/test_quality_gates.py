"""The quality gates' checkers: gas baseline, contract sizes, ERC conformance results.

Plain Python on temporary files (no chain needed); `make test` and `make lint` run the same
checkers on the real reports and build.
"""

import json
import re
from pathlib import Path

from tools.gates import contract_sizes, erc_check, gas_check

ROOT = Path(__file__).resolve().parents[2]


def write_ops(path: Path, ops: dict) -> Path:
    path.write_text(json.dumps({"ops": ops}))
    return path


def run_gas_check(tmp_path, baseline, current, capsys):
    base = write_ops(tmp_path / "gas-baseline.json", baseline)
    report = write_ops(tmp_path / "gas.json", current) if current is not None else None
    code = gas_check.check(report or tmp_path / "gas.json", base)
    return code, capsys.readouterr().out


# --- gas baseline -------------------------------------------------------------------------


def test_gas_check_flags_an_operation_that_grew_2_1_percent(tmp_path, capsys):
    code, out = run_gas_check(
        tmp_path,
        {"checkout_wbtc": 100_000, "ship": 30_000},
        {"checkout_wbtc": 102_100, "ship": 30_000},
        capsys,
    )
    assert code == 1
    assert "FAIL grew more than 2 %: checkout_wbtc: 100,000 -> 102,100 gas (+2,100, +2.10 %)" in out
    assert "ship" not in out.split("FAIL", 1)[1].split("\n")[0]


def test_gas_check_passes_an_operation_that_grew_exactly_2_percent(tmp_path, capsys):
    code, out = run_gas_check(tmp_path, {"confirm": 100_000}, {"confirm": 102_000}, capsys)
    assert code == 0
    assert "FAIL" not in out and "gas: ok" in out


def test_gas_check_flags_one_gas_over_2_percent(tmp_path, capsys):
    code, out = run_gas_check(tmp_path, {"confirm": 100_000}, {"confirm": 102_001}, capsys)
    assert code == 1 and "confirm: 100,000 -> 102,001 gas" in out


def test_gas_check_flags_an_operation_missing_from_the_report(tmp_path, capsys):
    code, out = run_gas_check(
        tmp_path, {"stake": 181_294, "ship": 33_592}, {"ship": 33_592}, capsys
    )
    assert code == 1
    assert "FAIL missing from" in out and out.count("FAIL missing") == 1
    assert re.search(r"FAIL missing from \S+: stake", out)


def test_gas_check_reports_a_new_operation_and_passes(tmp_path, capsys):
    code, out = run_gas_check(tmp_path, {"ship": 33_592}, {"ship": 33_592, "claim": 40_000}, capsys)
    assert code == 0
    assert "new (not in the baseline): claim: 40,000 gas" in out


def test_gas_check_reports_a_shrunk_operation_and_passes(tmp_path, capsys):
    code, out = run_gas_check(tmp_path, {"ship": 33_592}, {"ship": 30_000}, capsys)
    assert code == 0 and "shrank: ship: 33,592 -> 30,000 gas" in out


def test_gas_check_names_every_operation_that_grew(tmp_path, capsys):
    code, out = run_gas_check(
        tmp_path, {"a": 1_000, "b": 1_000, "c": 1_000}, {"a": 1_030, "b": 1_000, "c": 2_000}, capsys
    )
    assert code == 1
    assert "a: 1,000 -> 1,030 gas (+30, +3.00 %)" in out
    assert "c: 1,000 -> 2,000 gas (+1,000, +100.00 %)" in out
    assert "b: 1,000" not in out


def test_gas_check_passes_without_a_report_and_says_so(tmp_path, capsys):
    code, out = run_gas_check(tmp_path, {"ship": 33_592}, None, capsys)
    assert code == 0 and "not found" in out


def test_gas_check_fails_without_a_baseline(tmp_path, capsys):
    report = write_ops(tmp_path / "gas.json", {"ship": 1})
    assert gas_check.check(report, tmp_path / "gas-baseline.json") == 1
    assert "gas-baseline.json is missing" in capsys.readouterr().out


def test_gas_check_refuses_a_malformed_report(tmp_path, capsys):
    base = write_ops(tmp_path / "gas-baseline.json", {"ship": 1})
    report = tmp_path / "gas.json"
    report.write_text(json.dumps({"ops": {"ship": "many"}}))
    assert gas_check.check(report, base) == 1
    assert "operation 'ship' has gas 'many'" in capsys.readouterr().out


def test_gas_baseline_update_copies_the_report(tmp_path):
    report = write_ops(tmp_path / "gas.json", {"ship": 40_000})
    base = write_ops(tmp_path / "gas-baseline.json", {"ship": 30_000})
    assert gas_check.main(["--update", "--report", str(report), "--baseline", str(base)]) == 0
    assert gas_check.read_ops(base) == {"ship": 40_000}


def test_the_committed_baseline_holds_every_operation_design_md_lists():
    ops = gas_check.read_ops(gas_check.BASELINE)
    design = {
        *("listItem", "checkout_wbtc", "checkout_stable", "checkout_digital", "ship", "confirm"),
        *("autoRelease", "refund", "openDispute", "resolveDispute", "review", "redeemPoints"),
        *("stake", "unstake", "propose", "castVote", "castVoteBySig", "queue", "execute"),
        *("pointsTransfer", "goodsMint", "checkout_wbtc_after_10000_orders"),
        "castVote_after_1000_stakers",
    }
    assert sorted(design - set(ops)) == []


# --- contract sizes -----------------------------------------------------------------------


def artifact(build: Path, name: str, source: str, runtime_bytes: int, init_bytes: int = 0):
    (build / f"{name}.json").write_text(
        json.dumps(
            {
                "contractName": name,
                "sourcePath": source,
                "deployedBytecode": "60" * runtime_bytes,
                "bytecode": "60" * (init_bytes or runtime_bytes + 100),
            }
        )
    )


def test_size_gate_fails_a_contract_one_byte_over_24576(tmp_path, capsys):
    artifact(tmp_path, "Big", "contracts/Big.sol", 24_577)
    artifact(tmp_path, "Small", "contracts/Small.sol", 1_000)
    assert contract_sizes.check(tmp_path) == 1
    out = capsys.readouterr().out
    assert re.search(r"Big\s+24,577.*OVER THE LIMIT", out)
    assert "FAIL over the limit: Big" in out and "Small" in out  # the whole table is printed


def test_size_gate_passes_a_contract_of_exactly_24576_bytes(tmp_path, capsys):
    artifact(tmp_path, "Edge", "contracts/Edge.sol", 24_576)
    assert contract_sizes.check(tmp_path) == 0
    assert "sizes: ok" in capsys.readouterr().out


def test_size_gate_fails_init_code_over_49152_bytes(tmp_path, capsys):
    artifact(tmp_path, "Fat", "contracts/Fat.sol", 20_000, init_bytes=49_153)
    assert contract_sizes.check(tmp_path) == 1
    assert "FAIL over the limit: Fat" in capsys.readouterr().out


def test_size_gate_ignores_mocks_test_helpers_dependencies_and_interfaces(tmp_path, capsys):
    artifact(tmp_path, "Mock", "contracts/mocks/Mock.sol", 30_000)
    artifact(tmp_path, "Helper", "contracts/test/Helper.sol", 30_000)
    artifact(tmp_path, "Dep", "node_modules/@openzeppelin/contracts/Dep.sol", 30_000)
    artifact(tmp_path, "Lib", "contracts/libraries/Lib.sol", 85)
    (tmp_path / "IFace.json").write_text(
        json.dumps({"contractName": "IFace", "sourcePath": "interfaces/IFace.sol"})
    )
    assert [s.name for s in contract_sizes.sizes(tmp_path)] == ["Lib"]
    assert contract_sizes.check(tmp_path) == 0


def test_size_gate_fails_on_a_build_without_project_contracts(tmp_path, capsys):
    assert contract_sizes.check(tmp_path) == 1
    assert "run brownie compile first" in capsys.readouterr().out


def test_every_project_contract_is_under_the_size_limit(capsys):
    names = {s.name for s in contract_sizes.sizes()}
    assert {"EscrowMarketplace", "WbtcUsdOracle", "DigitalGoods", "RewardPoints"} <= names
    assert not names & {"MockWBTC", "MockAggregator", "MathHarness", "TimelockController"}
    assert contract_sizes.check() == 0


# --- ERC conformance ----------------------------------------------------------------------


def erc_output(tmp_path: Path, findings: dict, success: bool = True, error=None) -> Path:
    results = {k: [{"description": f"\t[ ] {d}"} for d in v] for k, v in findings.items()}
    path = tmp_path / "erc.json"
    path.write_text(
        json.dumps({"success": success, "error": error, "results": {"erc-conformance": results}})
    )
    return path


LOG = "[✓] totalSupply() is present\n\t[✓] totalSupply() is view\n"


def test_erc_check_fails_on_a_finding_that_is_not_accepted(tmp_path):
    out = erc_output(tmp_path, {"missing_function": ["transfer(address,uint256) is missing"]})
    result = erc_check.parse("RewardPoints", "ERC20", out, LOG)
    assert result.failures() == {"missing_function": ["[ ] transfer(address,uint256) is missing"]}


def test_erc_check_accepts_only_the_justified_race_condition_finding(tmp_path):
    kind = "lack_of_erc20_race_condition_protection"
    out = erc_output(tmp_path, {kind: ["RewardPoints is not protected"]})
    assert erc_check.parse("RewardPoints", "ERC20", out, LOG).failures() == {}
    # the same finding on another contract is not accepted
    assert kind in erc_check.parse("DigitalGoods", "ERC20", out, LOG).failures()


def test_erc_check_fails_when_slither_reports_an_error_or_ran_no_check(tmp_path):
    failed = erc_output(tmp_path, {}, success=False, error="Contract not found: Nope")
    assert erc_check.parse("Nope", "ERC20", failed, LOG).error == "Contract not found: Nope"
    silent = erc_output(tmp_path, {})
    assert erc_check.parse("RewardPoints", "ERC20", silent, "").error is not None
    assert erc_check.parse("RewardPoints", "ERC20", tmp_path / "none.json", LOG, 1).error


def test_erc_check_covers_the_erc20_and_the_erc721():
    assert ("RewardPoints", "ERC20") in {(c, e) for c, e, _ in erc_check.CHECKS}
    assert ("DigitalGoods", "ERC721") in {(c, e) for c, e, _ in erc_check.CHECKS}
    for _, _, source in erc_check.CHECKS:
        assert (ROOT / source).exists()
