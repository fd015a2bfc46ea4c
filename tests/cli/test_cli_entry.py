"""The `bazaar` entry point itself: --version, --help (the password variable, units, exit
statuses), a bad command line in one line with status 1, errors as one JSON object under
--json, a dead node or a web server that is not a node named plainly. (Status 3, a transaction
sent that failed: tests/cli/test_cli_market.py.)"""

import http.server
import json
import re
import threading

import pytest

from bazaar import cli
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


def test_under_json_a_bad_command_line_also_prints_a_json_error(capsys):
    result = run(capsys, "--json", "bogus")
    assert result.code == 1
    assert json.loads(result.out) == {"error": "bad command line (see stderr)", "exitCode": 1}


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
