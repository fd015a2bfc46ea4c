"""The offline toolchain: compiler wrapper, offline `brownie compile`, traces and coverage."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from brownie.test import coverage

from tools.toolchain import brownie_patches
from tools.toolchain import offline as toolchain

ROOT = Path(__file__).resolve().parents[2]
BROWNIE = ROOT / ".venv" / "bin" / "brownie"
# Any download attempt (py-solc-x fetching a compiler, brownie fetching a package) goes to a
# closed port and fails at once, so a passing compile proves nothing was downloaded.
OFFLINE_ENV = {
    **os.environ,
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
}

GOOD_CONTRACT = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Good is ERC20 { constructor() ERC20("Good", "G") {} }
"""
BROKEN_CONTRACT = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Broken { function f() external pure returns (uint256) { return 1 } }
"""


def make_project(tmp_path: Path, source: str) -> Path:
    project = tmp_path / "project"
    (project / "contracts").mkdir(parents=True)
    shutil.copy(ROOT / "brownie-config.yaml", project)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (project / "contracts" / "Subject.sol").write_text(source)
    return project


def brownie_compile(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BROWNIE), "compile"],
        cwd=project,
        env=OFFLINE_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_compiler_shim_reports_the_pinned_solc_version():
    version = toolchain.pinned_solc_version()
    shim = toolchain.solcx_folder() / f"solc-v{version}"
    out = subprocess.run([str(shim), "--version"], capture_output=True, text=True, check=True)
    assert f"Version: {version}+commit." in out.stdout


def test_compiler_wrapper_rejects_arguments_it_does_not_support():
    wrapper = ROOT / "tools" / "toolchain" / "solc-wrapper.cjs"
    out = subprocess.run(["node", str(wrapper), "--bin", "x.sol"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "unsupported argument --bin" in out.stderr


def test_brownie_compiles_openzeppelin_imports_with_no_network(tmp_path):
    result = brownie_compile(make_project(tmp_path, GOOD_CONTRACT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "project" / "build" / "contracts" / "Good.json").exists()


def test_a_contract_that_fails_to_compile_shows_solcs_own_error(tmp_path):
    result = brownie_compile(make_project(tmp_path, BROKEN_CONTRACT))
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ParserError: Expected ';' but got '}'" in _strip_ansi(text)
    assert "contracts/Subject.sol:3" in _strip_ansi(text)
    assert "Traceback" not in text and "JSONDecodeError" not in text


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_transactions_carry_step_traces(wbtc, accounts):
    tx = wbtc.mint(accounts[1], 1, {"from": accounts[1]})
    assert len(tx.trace) > 100
    assert tx.trace[-1]["op"] in {"STOP", "RETURN"}


@pytest.fixture
def coverage_on():
    """Coverage evaluation switched on for one test. Outside a `--coverage` run, brownie's
    coverage data (including the cache an earlier `make coverage` left in build/) is cleared
    before and after, so the test sees only its own transaction."""
    was_on = brownie_patches.coverage_enabled()
    if not was_on:
        coverage.clear()
    with brownie_patches.coverage_switched_on():
        yield
    if not was_on:
        coverage.clear()


def test_coverage_evaluation_gives_per_contract_numbers(coverage_on, oracle, wbtc, accounts):
    # brownie keys coverage by sender, nonce and input: an amount no other test sends keeps an
    # earlier test's identical transaction (same nonce after a revert) out of the way.
    tx = oracle.quote.transact(wbtc, 424_242, {"from": accounts[1]})
    mine = {tx.coverage_hash: coverage.get_coverage_eval()[tx.coverage_hash]}
    merged = coverage.get_merged_coverage_eval(mine)  # the patched report path
    lines = "\n".join(_strip_ansi(line) for line in brownie_patches.coverage_report_lines(merged))
    contract_pct = float(lines.split("contract: WbtcUsdOracle - ")[1].split("%")[0])
    assert 0 < contract_pct < 100  # quote ran; configuration and failure paths did not
    assert "WbtcUsdOracle._readLeg - " in lines
    assert "WbtcUsdOracle.disableToken - 0.0%" in lines


def test_contracts_with_immutables_keep_their_traces(market, listing, buyer, wbtc, arbiter):
    # The marketplace's oracle address is an immutable: brownie 1.22.2 alone would drop its
    # pc map at deploy (tools/toolchain/brownie_patches.py, defect 3) and with it traces and
    # coverage.
    assert "pcMap" in market._build
    tx = market.checkout(listing, 1, wbtc, 2**255, 2**40, arbiter, 0, {"from": buyer})
    files = {(step.get("source") or {}).get("filename") for step in tx.trace}
    assert "contracts/EscrowMarketplace.sol" in files


def test_immutable_slots_are_the_only_differences_tolerated():
    push32_zero = "7f" + "00" * 32
    compiled = "6080" + push32_zero + "5b00"
    filled = "6080" + "7f" + "ab" * 32 + "5b00"
    assert brownie_patches.same_code_but_immutables(filled, compiled)
    assert not brownie_patches.same_code_but_immutables("6081" + push32_zero + "5b00", compiled)
    assert not brownie_patches.same_code_but_immutables(filled + "00", compiled)


# --- the brownie patches' guard ------------------------------------------------------------


def test_the_patches_accept_only_the_brownie_version_they_were_written_for():
    brownie_patches.check_version()  # the installed one
    brownie_patches.check_version(brownie_patches.BROWNIE_VERSION)
    with pytest.raises(brownie_patches.UnsupportedBrownie) as refused:
        brownie_patches.check_version("1.23.0")
    message = str(refused.value)
    assert "\n" not in message
    assert "eth-brownie 1.22.2, found 1.23.0" in message
    assert refused.value.code == message  # SystemExit with the line: exit status 1


def test_an_unpatched_brownie_version_stops_the_suite_with_one_line(tmp_path):
    # A sitecustomize that makes importlib.metadata report another brownie version.
    (tmp_path / "sitecustomize.py").write_text(
        "from importlib import metadata\n"
        "_real = metadata.version\n"
        "metadata.version = lambda name: '1.21.0' if name == 'eth-brownie' else _real(name)\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-c",
            "from tools.toolchain import brownie_patches as p; p.apply_runtime()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "tools/toolchain/brownie_patches.py patches eth-brownie 1.22.2, found 1.21.0: "
        "re-check each workaround in its docstring, then update BROWNIE_VERSION"
    ]


PRIVATE_BROWNIE = re.compile(
    r"(from brownie[\w.]* import [^\n]*\b_\w+|brownie[\w.]*\._\w+|from brownie\._\w+|CONFIG\.argv)"
)


def test_no_private_brownie_api_outside_the_patches_module():
    offenders = []
    for folder in ("bazaar", "tools", "tests", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "tools" / "toolchain" / "brownie_patches.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PRIVATE_BROWNIE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
