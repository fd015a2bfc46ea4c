"""Keystores: created and imported from prompts, read back with the password, and every
problem (missing file, wrong password, not a keystore) in one line. Keys are never printed."""

import json
import os
import stat

import pytest

from bazaar.accounts import load_account, write_keystore
from bazaar.errors import BazaarError
from tests.support.cli import (
    ADDRESSES,
    DEV_KEYS,
    PASSWORD,
    assert_one_line_failure,
    bazaar_without_a_terminal,
    run,
)

KEY = DEV_KEYS["buyer"]


@pytest.fixture
def prompts(monkeypatch):
    """Answers to getpass prompts, in order; records that they were asked."""
    answers: list[str] = []

    def fake_getpass(prompt=""):
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("bazaar.accounts.has_terminal", lambda: True)
    return answers


def test_an_imported_key_round_trips_through_its_keystore(tmp_path, capsys, prompts):
    keystore = tmp_path / "buyer.json"
    prompts.append(KEY)
    imported = run(capsys, "account", "import", "--keystore", keystore)
    assert imported.code == 0, imported.err
    assert imported.out.strip() == f"imported {ADDRESSES['buyer']} ({keystore})"
    assert stat.S_IMODE(os.stat(keystore).st_mode) == 0o600
    assert KEY[2:] not in keystore.read_text()  # encrypted, not plaintext
    shown = run(capsys, "--json", "account", "address", "--keystore", keystore)
    assert shown.json() == {"address": ADDRESSES["buyer"], "keystore": str(keystore)}
    assert load_account(keystore, PASSWORD).key.hex().removeprefix("0x") == KEY[2:]
    for output in (imported.out, imported.err, shown.out, shown.err):
        assert KEY[2:] not in output


def test_a_new_account_gets_a_fresh_key(tmp_path, capsys):
    keystore = tmp_path / "new.json"
    created = run(capsys, "--json", "account", "new", "--keystore", keystore)
    assert created.code == 0, created.err
    address = created.json()["address"]
    assert load_account(keystore, PASSWORD).address == address
    assert address not in ADDRESSES.values()


def test_a_missing_keystore_is_one_line(tmp_path, capsys):
    result = run(capsys, "account", "address", "--keystore", tmp_path / "nope.json")
    assert_one_line_failure(result, "keystore not found", "nope.json")


def test_a_wrong_password_is_one_line(tmp_path, capsys, monkeypatch):
    keystore = tmp_path / "k.json"
    write_keystore(keystore, KEY, PASSWORD)
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", "not-the-password")
    result = run(capsys, "account", "address", "--keystore", keystore)
    assert_one_line_failure(result, "wrong password for keystore", str(keystore))


def test_a_file_that_is_no_keystore_is_one_line(tmp_path, capsys):
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps({"hello": "world"}))
    assert_one_line_failure(
        run(capsys, "account", "address", "--keystore", junk), "is not a keystore"
    )


def test_an_existing_keystore_is_never_overwritten(tmp_path, capsys, prompts):
    keystore = tmp_path / "k.json"
    write_keystore(keystore, KEY, PASSWORD)
    before = keystore.read_text()
    prompts.append(DEV_KEYS["seller"])
    assert_one_line_failure(
        run(capsys, "account", "import", "--keystore", keystore), "exists; not overwriting"
    )
    assert keystore.read_text() == before


def test_a_malformed_key_at_the_prompt_is_refused_without_echoing_it(tmp_path, capsys, prompts):
    prompts.append("0x1234-not-a-key")
    result = run(capsys, "account", "import", "--keystore", tmp_path / "k.json")
    assert_one_line_failure(result, "not a private key")
    assert "1234-not-a-key" not in result.err
    assert not (tmp_path / "k.json").exists()


def test_without_the_environment_variable_the_password_is_asked(
    tmp_path, capsys, monkeypatch, prompts
):
    keystore = tmp_path / "k.json"
    write_keystore(keystore, KEY, PASSWORD)
    monkeypatch.delenv("BAZAAR_KEYSTORE_PASSWORD")
    prompts.append(PASSWORD)
    assert run(capsys, "account", "address", "--keystore", keystore).code == 0
    assert prompts == []  # the prompt consumed the answer
    result = run(capsys, "account", "address", "--keystore", keystore)  # no answer left
    assert_one_line_failure(result, "no password", "BAZAAR_KEYSTORE_PASSWORD")


def test_an_empty_password_is_refused(tmp_path):
    with pytest.raises(BazaarError, match="empty keystore password"):
        write_keystore(tmp_path / "never.json", KEY, "")
    assert not (tmp_path / "never.json").exists()


@pytest.mark.parametrize(
    "key",
    [
        "0x" + "00" * 32,  # zero: no account, though eth-account derives an address from it
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",  # n itself
    ],
)
def test_a_key_outside_the_curve_s_range_is_refused(tmp_path, capsys, prompts, key):
    prompts.append(key)
    result = run(capsys, "account", "import", "--keystore", tmp_path / "k.json")
    assert_one_line_failure(result, "not a private key", "from 1 to n - 1")
    assert not (tmp_path / "k.json").exists()


@pytest.mark.parametrize("command", ["import", "new"])
def test_a_keystore_in_a_missing_folder_is_refused_before_any_prompt(
    tmp_path, capsys, prompts, command
):
    target = tmp_path / "no" / "such" / "k.json"
    prompts.append(DEV_KEYS["seller"])
    result = run(capsys, "account", command, "--keystore", target)
    assert_one_line_failure(result, f"no folder {target.parent}: create it first")
    assert not (tmp_path / "no").exists()
    assert prompts == [DEV_KEYS["seller"]]  # the key was never asked for


@pytest.mark.parametrize("command", ["import", "new"])
def test_with_stdin_closed_and_no_terminal_the_prompt_fails_in_one_line(tmp_path, command):
    path = tmp_path / "k.json"
    done = bazaar_without_a_terminal("account", command, "--keystore", str(path))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("bazaar: error: no ")
    assert "Traceback" not in done.stderr and not path.exists()


def test_a_key_and_password_piped_without_a_terminal_import_with_no_warning(tmp_path):
    path = tmp_path / "k.json"
    done = bazaar_without_a_terminal(
        "account", "import", "--keystore", str(path), stdin_text=f"{KEY}\npw\npw\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == f"imported {ADDRESSES['buyer']} ({path})"
    assert load_account(path, "pw").address == ADDRESSES["buyer"]


def test_relay_votes_from_a_closed_stdin_fails_in_one_line():
    done = bazaar_without_a_terminal("--rpc-url", "http://127.0.0.1:9", "relay-votes", "-")
    assert done.returncode == 1
    assert done.stderr == "bazaar: error: no ballots on stdin: it is closed\n"
