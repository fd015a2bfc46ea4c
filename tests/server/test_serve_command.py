"""The storefront's commands: `bazaar serve` as a real process (SIGTERM stops it with status
0), `bazaar list --document` (the document uploaded, its hash listed) and `bazaar catalogue
upload` against a running server, on both databases."""

import json
import os
import signal
import subprocess
from pathlib import Path

import requests

from bazaar import catalogue
from tests.server.conftest import SELLER, listing_document, png
from tests.support.cli import BAZAAR, PASSWORD, assert_one_line_failure, nonces, run

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_stops_bazaar_serve_run_as_a_process_with_status_0(suite, db_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BAZAAR_KEYSTORE_PASSWORD": PASSWORD}
    argv = [*suite["base"], "serve", "--db", db_url, "--port", "0", "--interval", "0.5"]
    process = subprocess.Popen(
        [str(BAZAAR), *map(str, argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = json.loads(process.stdout.readline() or "{}")
        assert first.get("event") == "listening", process.stderr.read()
        assert first["url"].startswith("http://127.0.0.1:")
        status = requests.get(first["url"] + "/api/status", timeout=10)
        assert status.status_code == 200 and status.json()["chainId"] == 31337
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == {"event": "stop"}
    assert "Traceback" not in err


def test_list_with_a_document_uploads_it_and_lists_its_hash(capsys, api, suite, tmp_path):
    body = listing_document("Walnut bookshelf", shipping=["DE", "FR"], contact="@shelves")
    path = tmp_path / "shelf.json"
    path.write_bytes(body)
    seller = [*suite["base"], "--keystore", suite["keys"]["seller"], "--json"]
    listed = run(
        capsys, *seller, "list", "--price", "120", "--stock", "2", "--token", "usdc",
        "--document", path, "--server", api.url,
    )  # fmt: skip
    assert listed.code == 0, listed.err
    data = listed.json()
    assert data["metadataHash"] == catalogue.content_hash(body)
    assert suite["market"].getListing(data["listingId"])["metadataHash"] == data["metadataHash"]
    api.wait_indexed()
    shown = api.json(f"/api/listings/{data['listingId']}")["listing"]
    assert shown["title"] == "Walnut bookshelf" and shown["seller"] == SELLER
    assert api.get(f"/api/documents/{data['metadataHash']}").content == body


def test_a_listing_document_refused_by_its_schema_or_beside_metadata_sends_nothing(
    capsys, api, suite, tmp_path
):
    seller = [*suite["base"], "--keystore", suite["keys"]["seller"]]
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(listing_document("Fine"))
    bad.write_bytes(b'{"schema": "bazaar.listing/1", "title": "Fine", "colour": "red"}')
    listing = ["list", "--price", "5", "--stock", "1", "--token", "usdc", "--server", api.url]
    before = nonces()
    outside = run(capsys, *seller, *listing, "--document", bad)
    assert_one_line_failure(outside, str(bad), "unknown field(s)", "colour")
    both = run(capsys, *seller, *listing, "--document", good, "--metadata", "text")
    assert_one_line_failure(both, "--document or --metadata")
    profile = tmp_path / "profile.json"
    profile.write_text(
        json.dumps({"schema": catalogue.PROFILE_SCHEMA, "account": SELLER, "name": "Shop"})
    )
    wrong_kind = run(capsys, *seller, *listing, "--document", profile)
    assert_one_line_failure(wrong_kind, "is a profile, not a bazaar.listing/1 document")
    assert nonces() == before
    for path in (good, bad):  # nothing reached the server either
        digest = catalogue.content_hash(path.read_bytes())
        assert api.get(f"/api/documents/{digest}").status_code == 404


def test_catalogue_upload_signs_and_uploads_images_and_documents(capsys, api, suite, tmp_path):
    image, document = tmp_path / "photo.png", tmp_path / "profile.json"
    image.write_bytes(png(20))
    document.write_text(
        json.dumps({"schema": catalogue.PROFILE_SCHEMA, "account": SELLER, "name": "Shop"})
    )
    seller = ["--keystore", suite["keys"]["seller"], "--json"]
    done = run(capsys, *seller, "catalogue", "upload", image, document, "--server", api.url)
    assert done.code == 0, done.err
    uploads = done.json()["uploads"]
    assert [(u["kind"], u["created"]) for u in uploads] == [("image", True), ("profile", True)]
    assert uploads[0]["hash"] == catalogue.content_hash(png(20))
    assert api.get(f"/api/images/{uploads[0]['hash']}").content == png(20)
    assert api.json(f"/api/profiles/{SELLER}")["hash"] == uploads[1]["hash"]
    again = run(capsys, "--keystore", suite["keys"]["seller"], "catalogue", "upload", image,
                "--server", api.url)  # fmt: skip
    assert again.code == 0 and "(already there)" in again.out
    stranger = run(
        capsys, "--keystore", suite["keys"]["buyer"], "catalogue", "upload", document,
        "--server", api.url,
    )  # fmt: skip
    assert_one_line_failure(stranger, "refused the upload (HTTP 403)", f"a profile of {SELLER}")


def test_serve_on_a_port_already_taken_is_one_line(capsys, api, suite, db_url):
    port = api.url.rsplit(":", 1)[1]
    taken = run(capsys, *suite["base"], "serve", "--db", db_url, "--port", port)
    assert_one_line_failure(taken, f"cannot listen on 127.0.0.1:{port}")
