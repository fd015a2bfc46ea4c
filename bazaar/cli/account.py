"""`bazaar account new|import|address`: encrypted keystores. Keys never come from argv and
are never printed."""

from __future__ import annotations

from typing import Any

from bazaar.accounts import (
    ask_secret,
    check_new_keystore,
    load_account,
    new_keystore,
    read_password,
    write_keystore,
)
from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context
from bazaar.errors import BazaarError


def register(commands: Any, add_globals: Any) -> None:
    group = commands.add_parser("account", help=HELP["account"])
    verbs = group.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    for name, handler, text in (
        ("new", cmd_new, "a new random account in a new keystore"),
        ("import", cmd_import, "encrypt a private key (asked at a prompt) into a new keystore"),
        ("address", cmd_address, "decrypt a keystore and print its address"),
    ):
        p = verbs.add_parser(name, help=text)
        add_globals(p)
        p.set_defaults(handler=handler)


def _keystore(ctx: Context) -> str:
    if not ctx.args.keystore:
        raise BazaarError("pass --keystore FILE")
    return str(ctx.args.keystore)


def _report(ctx: Context, address: str, keystore: str, verb: str) -> int:
    ctx.emit({"address": address, "keystore": keystore}, [f"{verb} {address} ({keystore})"])
    return 0


def cmd_new(ctx: Context) -> int:
    path = _keystore(ctx)
    check_new_keystore(path)
    address = new_keystore(path, read_password(path, confirm=True))
    return _report(ctx, address, path, "created")


def cmd_import(ctx: Context) -> int:
    path = _keystore(ctx)
    check_new_keystore(path)
    missing = "no private key given: type it at the prompt or pipe it on stdin"
    key = ask_secret("private key (hex, not echoed): ", missing).strip()
    address = write_keystore(path, key, read_password(path, confirm=True))
    return _report(ctx, address, path, "imported")


def cmd_address(ctx: Context) -> int:
    path = _keystore(ctx)
    return _report(ctx, load_account(path).address, path, "account")
