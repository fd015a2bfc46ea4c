"""Accounts from encrypted keystores (Web3 Secret Storage, V3 JSON).

The password comes from the environment variable BAZAAR_KEYSTORE_PASSWORD when set, else from
a prompt; it is never written anywhere. Private keys are read from a prompt (never from argv),
and never printed.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from eth_account import Account
from eth_account.signers.local import LocalAccount

from bazaar.errors import BazaarError
from bazaar.settings import PASSWORD_ENV

# n, the order of secp256k1's group: a private key is an integer from 1 to n - 1
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def has_terminal() -> bool:
    """True when the process has a controlling terminal to prompt on."""
    try:
        with open("/dev/tty", "r+"):
            return True
    except OSError:
        return False


def open_stdin(missing: str) -> TextIO:
    """The process's stdin.

    Raises:
        BazaarError: `missing` when the process has none (started with stdin closed).
    """
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        raise BazaarError(missing)
    return stdin


def ask_secret(question: str, missing: str) -> str:
    """A line typed at the terminal without echo; without a terminal (piped, CI), the next
    line of stdin, with no prompt and no warning.

    Raises:
        BazaarError: `missing` when stdin is closed or at its end.
    """
    if has_terminal():
        try:
            return getpass.getpass(question)
        except (EOFError, OSError, ValueError):
            raise BazaarError(missing) from None
    stdin = open_stdin(missing)
    try:
        line = stdin.readline()
    except (OSError, ValueError):
        raise BazaarError(missing) from None
    if not line:
        raise BazaarError(missing)
    return line.rstrip("\r\n")


def read_password(keystore: str | Path, *, confirm: bool = False) -> str:
    """The keystore password: from BAZAAR_KEYSTORE_PASSWORD, else asked on the terminal."""
    if os.environ.get(PASSWORD_ENV) is not None:
        return os.environ[PASSWORD_ENV]
    missing = f"no password for {keystore}: set {PASSWORD_ENV} or run from a terminal"
    password = ask_secret(f"password for {keystore}: ", missing)
    if confirm and ask_secret("repeat the password: ", missing) != password:
        raise BazaarError("the passwords differ")
    return password


def load_account(keystore: str | Path, password: str | None = None) -> LocalAccount:
    """The account in `keystore`, decrypted with `password` (or `read_password`).

    Raises:
        BazaarError: the file is missing, is not a V3 keystore, or the password is wrong.
    """
    path = Path(keystore)
    if not path.is_file():
        raise BazaarError(f"keystore not found: {path}")
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or ("crypto" not in data and "Crypto" not in data):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        raise BazaarError(f"{path} is not a keystore (expected V3 JSON)") from None
    secret = read_password(path) if password is None else password
    try:
        key = Account.decrypt(data, secret)
    except ValueError:
        raise BazaarError(f"wrong password for keystore {path}") from None
    # Account's combomethods erase their signatures (they type as Any); from_key returns
    # a LocalAccount.
    account: LocalAccount = Account.from_key(key)
    return account


def check_new_keystore(path: str | Path) -> Path:
    """`path` as a place for a new keystore (checked before anything is asked).

    Raises:
        BazaarError: the file exists (never overwritten) or its folder does not (none is
            made: a typo in the folder would otherwise hide the key somewhere unexpected).
    """
    target = Path(path)
    if target.exists():
        raise BazaarError(f"{target} exists; not overwriting a keystore")
    if not target.parent.is_dir():
        raise BazaarError(f"no folder {target.parent}: create it first (none is made for you)")
    return target


def write_keystore(path: str | Path, private_key: bytes | str, password: str) -> str:
    """Encrypts `private_key` into a new V3 keystore at `path` (mode 0600); returns the
    address. Refuses to overwrite an existing file."""
    target = check_new_keystore(path)
    if not password:
        raise BazaarError("refusing an empty keystore password")
    not_a_key = "not a private key (expected 32 bytes as 64 hex digits, from 1 to n - 1)"
    try:
        account: LocalAccount = Account.from_key(private_key)
    except Exception:  # eth-keys raises a bare Exception ("Invalid privkey") for n and above
        raise BazaarError(not_a_key) from None
    if not 0 < int.from_bytes(account.key, "big") < SECP256K1_ORDER:
        raise BazaarError(not_a_key)
    data = Account.encrypt(account.key, password)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    return account.address


def new_keystore(path: str | Path, password: str) -> str:
    """A fresh random account encrypted at `path`; returns its address."""
    return write_keystore(path, Account.create().key, password)
