"""The `bazaar` entry point itself: --version, --help (the password variable, units, exit
statuses), a bad command line in one line with status 1, errors as one JSON object under
--json, a dead node or a web server that is not a node named plainly. (Status 3, a transaction
sent that failed: tests/cli/test_cli_market.py.)"""

import argparse
import ast
import http.server
import json
import re
import subprocess
import sys
import threading

import pytest

from bazaar import cli
from bazaar.cli.catalog import COMMANDS
from tests.support.cli import run


def test_version_prints_the_package_version(capsys):
    result = run(capsys, "--version")
    assert result.code == 0
    assert result.out.strip() == f"bazaar {cli.version()}" and cli.version()[0].isdigit()


def test_help_documents_the_password_variable_units_and_every_exit_status(capsys):
    result = run(capsys, "--help")
    assert result.code == 0
    assert "$BAZAAR_KEYSTORE_PASSWORD" in result.out and "units:" in result.out
    for code, meaning in cli.EXIT_STATUSES.items():
        assert f"  {code:<3} {meaning[:30]}" in result.out


@pytest.mark.parametrize(
    "argv", [["bogus"], ["quote", "--no-such-flag"], ["stake"], ["--network", "nowhere", "quote"]]
)
def test_a_bad_command_line_is_one_line_and_status_1(capsys, argv):
    result = run(capsys, *argv)
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1
    assert re.match(r"bazaar( [a-z-]+)?: error: ", result.err), result.err
    assert result.out == ""


def test_under_json_a_bad_command_line_also_prints_a_json_error_with_its_reason(capsys):
    result = run(capsys, "--json", "bogus")
    assert result.code == 1
    error = json.loads(result.out)
    assert error["exitCode"] == 1
    assert error["error"].startswith("bad command line: bazaar: argument COMMAND: invalid choice")
    result = run(capsys, "stake", "--json")
    assert json.loads(result.out)["error"] == (
        "bad command line: bazaar stake: the following arguments are required: POINTS"
    )


def test_under_json_the_version_is_json_too(capsys):
    result = run(capsys, "--json", "--version")
    assert result.code == 0
    assert json.loads(result.out) == {"version": cli.version()}


@pytest.mark.parametrize(
    "argv",
    [
        ["record-outage", "--token", "wbtc", "--version", "0"],  # versions start at 1
        ["record-outage", "--token", "wbtc", "--version", "-1"],
    ],
)
def test_a_configuration_version_of_zero_is_a_bad_command_line(capsys, argv):
    result = run(capsys, *argv)
    assert result.code == 1 and "must be at least 1" in result.err


def test_safe_without_safe_batch_and_an_empty_deployment_file_are_refused(capsys, tmp_path):
    # both refused before the node is even asked: the URL leads nowhere
    base = ["--rpc-url", "http://127.0.0.1:9"]
    safe = "0x" + "11" * 20
    result = run(capsys, *base, "pause", "--safe", safe)
    assert result.code == 1 and "--safe needs --safe-batch FILE" in result.err
    result = run(capsys, *base, "--deployment", "", "status", "--listing", "1")
    assert result.code == 1 and "--deployment is empty: give a file" in result.err


def test_under_json_an_error_is_one_json_object_on_stdout_and_one_line_on_stderr(capsys):
    argv = ["--json", "--rpc-url", "http://127.0.0.1:9", "quote", "--usd", "1", "--token", "wbtc"]
    result = run(capsys, *argv)
    assert result.code == 1
    error = json.loads(result.out)
    assert error == {
        "error": "cannot reach the node at http://127.0.0.1:9: cannot connect (connection refused)",
        "exitCode": 1,
    }
    assert result.err == f"bazaar: error: {error['error']}\n"


class NotANode(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotANode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_web_server_that_is_not_a_node_is_named_as_such(capsys, web_server):
    result = run(capsys, "--rpc-url", web_server, "quote", "--usd", "1", "--token", "wbtc")
    assert result.code == 1
    assert result.err == (
        f"bazaar: error: cannot reach the node at {web_server}: it answered, but not as an "
        "Ethereum JSON-RPC node\n"
    )


HEAVY = ("web3", "eth_account", "eth_utils", "eth_abi")


def test_help_loads_no_ethereum_library_and_lists_every_command_of_the_catalog():
    """`bazaar --help` reads the catalog only: none of web3, eth-account, eth-utils, eth-abi
    is imported (each costs a few hundred milliseconds), and it stays well under 0.3 s."""
    code = (
        "import sys, time; t = time.monotonic(); from bazaar.cli import main; "
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out: main(['--help'])\n"
        "print(repr((time.monotonic() - t, [m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r}], out.getvalue())))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, heavy, text = ast.literal_eval(done.stdout)
    assert heavy == []
    assert seconds < 0.3, seconds
    for name, _, _ in COMMANDS:
        assert re.search(rf"^    {re.escape(name)}\s", text, re.MULTILINE), name


def test_each_group_registers_exactly_its_catalog_commands_with_the_catalog_help():
    for group in sorted({g for _, g, _ in COMMANDS}):
        commands = argparse.ArgumentParser().add_subparsers()
        cli.group_module(group).register(commands, lambda parser: None)
        helps = {action.dest: action.help for action in commands._choices_actions}
        assert helps == {n: text for n, g, text in COMMANDS if g == group}, group


@pytest.mark.parametrize(
    "argv, name",
    [
        (["buy", "--listing", "1"], "buy"),
        (["--rpc-url", "http://x", "--keystore", "list", "status", "1"], "status"),
        (["--json", "--network=local", "goods", "mint"], "goods"),
        (["--help"], None),
    ],
)
def test_the_command_is_the_first_word_that_is_not_an_option_or_its_value(argv, name):
    assert cli.command_name(argv) == name


def test_running_a_command_loads_only_its_own_group():
    code = (
        "import sys; from bazaar.cli import main; main(['quote', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('bazaar.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    groups = {m.rsplit(".", 1)[1] for m in loaded} - {"catalog", "parsing", "common"}
    assert groups == {"market"}
