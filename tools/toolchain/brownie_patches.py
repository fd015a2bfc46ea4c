"""Contained workarounds for five defects of eth-brownie 1.22.2 (remove when upstream fixes them).

1. Coverage report. `brownie test --coverage` crashes at its report step with
``TypeError: dict object expected; got list``: ``brownie.test.coverage`` and
``brownie.test.output`` ship compiled by mypyc, whose runtime type checks reject the
coverage data (lists of sets, annotated as dicts) that the same code handles fine as plain
Python. The wheel ships each module's pure-Python source beside the compiled file. This
loads those sources as separate modules and points the three report functions that the
pure-Python test plugin (``brownie.test.managers.base``) looks up as module attributes at
call time at the source versions. The data stays where the compiled module keeps it.
Nothing in site-packages is edited.

2. Test-module hashing. After each test brownie hashes the test module together with every
module it imports whose file lies under the project folder (used by ``--update``). With the
``.venv`` inside the project that includes brownie's own compiled ``.so`` modules, which it
opens as text: ``UnicodeDecodeError`` (INTERNALERROR). The replacement hashes the same way
but only follows imports of ``.py`` files outside ``.venv``.

3. Immutables. When a contract is deployed, brownie compares its on-chain code with the
compiled code and, on any difference, deletes the contract's pc map: no traces, no dev
revert strings, no coverage for it. Solidity leaves immutables as 32 zero bytes after a
PUSH32 in the compiled code and fills them at deploy, so every contract with a non-zero
immutable (the marketplace's oracle address) was dropped from coverage. The wrapper accepts
code that differs from the compiled code only inside such PUSH32 placeholders.

4. "Tx dropped without known replacement". brownie's confirmation thread declares a
transaction dropped when the sender's nonce has moved past it but its receipt is not there
yet. On a busy machine anvil answers in that order for a moment after mining, and a mined
transaction was reported as dropped (seen on large transactions and under load). The
wrapper first waits (up to 30 s) for the receipt of a transaction whose nonce has been
used, then runs brownie's own logic, which now finds it.

5. Stateful tests. The ``state_machine`` fixture's function, compiled by mypyc in
``brownie.test.stateful``, fails every machine it builds before the first step:
``TypeError: brownie.test.stateful._BrownieStateMachine object expected; got
tests....BrownieStateMachine`` (the compiled ``__init__`` checks ``self`` against the
compiled class, but the machine class is made at run time with ``type()``). The fixture
module (pure Python) gets the same function from the shipped source instead.

How to remove: delete this file and its call in ``tests/conftest.py``, then check that
``make coverage`` still prints per-contract percentages (EscrowMarketplace included), that
a test importing ``brownie.project`` runs without INTERNALERROR, and that
``tests/invariant/test_invariants.py`` runs its steps.

This module is also the only place that touches brownie's private API (names with a leading
underscore): the adapters at the end give the tests and tools what they need from it, so a
brownie upgrade has one file to check. Every entry point first asserts the brownie version
these patches were written against (``BROWNIE_VERSION``) and stops with one line on any other.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

OUTPUT_FUNCTIONS = ("_build_coverage_output", "_save_coverage_report")
BROWNIE_VERSION = "1.22.2"


class UnsupportedBrownie(SystemExit):
    """Raised (exit status 1, one line) when the installed eth-brownie is not the patched one."""


def check_version(installed: str | None = None) -> None:
    """Stop with one clear line unless eth-brownie is the version these patches target."""
    if installed is None:
        try:
            installed = metadata.version("eth-brownie")
        except metadata.PackageNotFoundError:
            installed = "not installed"
    if installed != BROWNIE_VERSION:
        raise UnsupportedBrownie(
            f"tools/toolchain/brownie_patches.py patches eth-brownie {BROWNIE_VERSION}, "
            f"found {installed}: re-check each workaround in its docstring, "
            "then update BROWNIE_VERSION"
        )


def _load_source_module(compiled: ModuleType) -> ModuleType | None:
    stem = compiled.__name__.rsplit(".", 1)[1]
    source = Path(compiled.__file__ or "").with_name(f"{stem}.py")
    if not source.exists():
        return None
    # A name inside the brownie.test package, so the source's relative imports resolve.
    spec = importlib.util.spec_from_file_location(f"brownie.test._{stem}_source", source)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def project_ast_hash(path: str | Path) -> str:
    """Hash of a test module's AST plus the ASTs of the project's own modules it imports."""
    path = Path(path)
    trees = [ast.parse(path.read_text(), str(path))]
    project = _project_root(path)
    for node in trees[0].body:
        if isinstance(node, ast.Import):
            name = node.names[0].name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            name = node.module
        else:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        origin = Path(spec.origin) if spec and spec.origin else None
        if (
            origin is not None
            and origin.suffix == ".py"
            and origin.is_relative_to(project)
            and not origin.is_relative_to(project / ".venv")
        ):
            trees.append(ast.parse(origin.read_text(), str(origin)))
    dump = "\n".join(ast.dump(tree) for tree in trees)
    return hashlib.sha1(dump.encode()).hexdigest()


def _project_root(path: Path) -> Path:
    for folder in [path.resolve(), *path.resolve().parents]:
        if (folder / "brownie-config.yaml").exists():
            return folder
    return path.resolve().parent


PUSH1, PUSH32 = 0x60, 0x7F


def immutable_slots(code: bytes) -> list[tuple[int, int]]:
    """Byte ranges of PUSH32 operands that are all zero: where solc puts immutables."""
    slots, pc = [], 0
    while pc < len(code):
        op = code[pc]
        width = op - PUSH1 + 1 if PUSH1 <= op <= PUSH32 else 0
        if op == PUSH32 and code[pc + 1 : pc + 33] == bytes(32):
            slots.append((pc + 1, pc + 33))
        pc += 1 + width
    return slots


def same_code_but_immutables(actual: str, expected: str) -> bool:
    """True if the two hex codes (metadata included) differ only inside immutable slots."""
    actual_code = bytes.fromhex(actual.removeprefix("0x"))
    expected_code = bytes.fromhex(expected.removeprefix("0x"))
    if len(actual_code) != len(expected_code) or "_" in expected:
        return False
    masked = bytearray(actual_code)
    for start, end in immutable_slots(expected_code):
        masked[start:end] = bytes(end - start)
    return bytes(masked) == expected_code


def _patch_deployed_code_check() -> None:
    from brownie.network import contract
    from brownie.network.web3 import web3

    original = contract._verify_deployed_code

    def verify(address, expected_bytecode, language):
        if original(address, expected_bytecode, language):
            return True
        actual = web3.eth.get_code(address).hex()
        return language == "Solidity" and same_code_but_immutables(actual, expected_bytecode)

    contract._verify_deployed_code = verify


def _patch_dropped_race() -> None:
    from brownie.network.transaction import TransactionReceipt
    from brownie.network.web3 import web3
    from web3.exceptions import TransactionNotFound

    original = TransactionReceipt._await_confirmation
    if getattr(original, "_bazaar_patched", False):
        return

    def await_confirmation(self, block_number=None, required_confs=1):
        if self.nonce is not None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if web3.eth.get_transaction_count(str(self.sender)) <= self.nonce:
                    break  # still pending: brownie's own wait handles it
                try:
                    receipt = web3.eth.get_transaction_receipt(self.txid)
                except TransactionNotFound:
                    receipt = None
                if receipt is not None and receipt["blockHash"] is not None:
                    break
                time.sleep(0.05)
        return original(self, block_number, required_confs)

    await_confirmation._bazaar_patched = True  # type: ignore[attr-defined]
    TransactionReceipt._await_confirmation = await_confirmation


def _patch_state_machine() -> None:
    from brownie.test import fixtures, stateful

    if not str(stateful.__file__).endswith(".so"):
        return  # pure Python already
    source = _load_source_module(stateful)
    if source is not None:
        fixtures.state_machine = source.state_machine
        fixtures._BrownieStateMachine = source._BrownieStateMachine


def apply_runtime() -> None:
    """The workarounds scripts need too (deployment checks, dropped-transaction race)."""
    check_version()
    _patch_deployed_code_check()
    _patch_dropped_race()


def apply() -> bool:
    """Install the workarounds; True if the coverage report was re-routed."""
    from brownie.test import coverage, output
    from brownie.test.managers import base

    check_version()
    base._get_ast_hash = project_ast_hash
    apply_runtime()
    _patch_state_machine()

    if not all(str(m.__file__).endswith(".so") for m in (coverage, output)):
        return False  # pure Python already: nothing to fix
    coverage_source = _load_source_module(coverage)
    output_source = _load_source_module(output)
    if coverage_source is None or output_source is None:
        return False

    def get_merged_coverage_eval(cov_eval=None):
        # The source function, fed the compiled module's data (its own globals are empty).
        active = coverage._coverage_eval if cov_eval is None else cov_eval
        return coverage_source.get_merged_coverage_eval(active)

    coverage.get_merged_coverage_eval = get_merged_coverage_eval
    for name in OUTPUT_FUNCTIONS:
        setattr(output, name, getattr(output_source, name))
    return True


# Adapters: brownie's private API, as the tests and tools use it.


def hypothesis_given() -> Callable[..., Any]:
    """``hypothesis.given`` as it was before brownie wrapped it (no chain snapshot per example)."""
    from brownie.test import _hypothesis_given

    return _hypothesis_given


def forget_chain_id() -> None:
    """Drop the chain id brownie caches for signing (after anvil_setChainId)."""
    import brownie

    brownie.web3._chain_id = None


def decode_logs(logs: list[dict]) -> Any:
    """brownie's EventDict of raw receipt logs, decoded with every ABI the project knows."""
    from brownie.network.event import _decode_logs

    return _decode_logs(logs)


def coverage_enabled() -> bool:
    """True in a ``brownie test --coverage`` run (or inside ``coverage_switched_on``)."""
    from brownie._config import CONFIG

    return bool(CONFIG.argv.get("coverage"))


@contextmanager
def coverage_switched_on() -> Iterator[None]:
    """Coverage evaluation on for the block, as in a ``--coverage`` run."""
    from brownie._config import CONFIG

    was_on = CONFIG.argv["coverage"]
    CONFIG.argv["coverage"] = True
    try:
        yield
    finally:
        CONFIG.argv["coverage"] = was_on


def coverage_report_lines(coverage_eval: dict) -> list[str]:
    """The per-contract report brownie prints at the end of a coverage run."""
    from brownie.test import output

    return list(output._build_coverage_output(coverage_eval))


def coverage_figure(totals: dict) -> float:
    """The percentage brownie prints for a contract's statement and branch totals (0..1)."""
    from brownie.test import output

    return float(output._pct(totals["statements"], totals["branches"]))
