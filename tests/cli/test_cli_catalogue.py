"""`bazaar catalogue upload` and `bazaar serve` refuse bad input in one line, before any
keystore is opened or any server or node is asked (the commands at work against a running
server: tests/server/test_serve_command.py)."""

import json

from tests.support.cli import assert_one_line_failure, run, write_fast_keystores

NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there


def test_catalogue_upload_refuses_a_document_outside_its_schema_before_signing(capsys, tmp_path):
    keys = write_fast_keystores(tmp_path / "keys")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"schema": "bazaar.listing/1", "title": "Lamp"}))
    bad.write_text(json.dumps({"schema": "bazaar.listing/1", "title": "Lamp", "price": 5}))
    upload = ["--keystore", keys["seller"], "catalogue", "upload", "--server", NOWHERE]
    outside = run(capsys, "--json", *upload, good, bad)
    assert_one_line_failure(outside, str(bad), "unknown field(s)", "price")
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"not an image at all")
    assert_one_line_failure(run(capsys, *upload, fake), str(fake), "malformed JSON")
    missing = run(capsys, *upload, tmp_path / "gone.json")
    assert_one_line_failure(missing, "cannot read", "gone.json")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024))
    assert_one_line_failure(run(capsys, *upload, big), "larger than any upload")


def test_catalogue_upload_needs_a_server_and_says_where_a_dead_one_is(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.delenv("BAZAAR_SERVER_URL", raising=False)
    keys = write_fast_keystores(tmp_path / "keys")
    document = tmp_path / "lamp.json"
    document.write_text(json.dumps({"schema": "bazaar.listing/1", "title": "Lamp"}))
    upload = ["--keystore", keys["seller"], "catalogue", "upload", document]
    assert_one_line_failure(run(capsys, *upload), "which storefront server? pass --server URL")
    dead = run(capsys, *upload, "--server", NOWHERE)
    assert_one_line_failure(dead, f"cannot reach the storefront server at {NOWHERE}")
    bare = run(capsys, *upload, "--server", "127.0.0.1:8000")
    assert_one_line_failure(bare, "must start with http:// or https://")


def test_serve_refuses_a_port_out_of_range_and_a_bad_interval(capsys):
    port = run(capsys, "serve", "--port", "70000")
    assert port.code == 1 and "'70000' is not a port (0 to 65535)" in port.err
    interval = run(capsys, "serve", "--interval", "0")
    assert interval.code == 1 and "must be a positive number of seconds" in interval.err
