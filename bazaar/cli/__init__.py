"""The `bazaar` command line. One module per command group:

    bazaar account new|import|address   keystores (cli/account.py)
    bazaar deploy                       the suite, journaled and resumable (cli/deploy.py)
    bazaar mocks mint|refresh           a --mocks deployment's faucet and feeds (cli/mocks.py)
    bazaar quote|list|buy|ship|...      the marketplace (cli/market.py)
    bazaar buy --line|set-commission    carts, batches, commissions, referrers (cli/cart.py)
    bazaar goods mint|list|...          digital items (cli/goods.py)
    bazaar record-outage                the oracle's outage record (cli/oracle.py)
    bazaar status                       an order, a listing, a proposal or a staker (cli/status.py)
    bazaar index|orders|listings|...    the index and its questions (cli/index.py)
    bazaar keeper                       what anyone may send once deadlines pass (cli/keeper.py)
    bazaar serve|catalogue upload       the storefront server and its uploads (cli/serve.py)
    bazaar stake|unstake|delegate|...   staking (cli/staking.py)
    bazaar propose|vote|queue|...       governance (cli/governance.py)

Every failure prints one line on stderr (and, with --json, one JSON object on stdout) and
exits with its documented status (`EXIT_STATUSES`). The commands parse and present; the
library raises typed errors (a `NoSigner` becomes the hint to pass --keystore here) and the
contracts judge what is allowed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from types import ModuleType
from typing import Any

from bazaar.cli.catalog import COMMANDS, GROUP
from bazaar.cli.parsing import Parser, add_global_options
from bazaar.settings import PASSWORD_ENV

# Nothing above imports web3, eth-account or eth-utils: `bazaar --help` lists the catalog
# without them, and a command imports only its own group's module.

EXIT_OK, EXIT_REFUSED, EXIT_TX_FAILED, EXIT_INTERRUPTED = 0, 1, 3, 130
EXIT_STATUSES = {
    EXIT_OK: "done",
    EXIT_REFUSED: "refused, nothing sent: a bad command line or input, a transaction that would "
    "revert (the contract's decoded error), a node or keystore problem",
    EXIT_TX_FAILED: "a transaction was sent and failed: reverted on chain, or no receipt in time",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
# Global options that take a value (skipped when looking for the command's name).
VALUE_OPTIONS = ("--rpc-url", "--network", "--keystore", "--deployment")


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("btc-bazaar")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


class _Version(argparse.Action):
    """--version, reading the installed version only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show program's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        sys.stdout.write(f"bazaar {version()}\n")  # (with --json, `main` answers first)
        parser.exit()


def _epilog() -> str:
    statuses = "\n".join(f"  {code:<3} {text}" for code, text in EXIT_STATUSES.items())
    return (
        f"keystore password: from ${PASSWORD_ENV} when set, else asked on the terminal (or the "
        "next line of stdin without one).\n"
        "units: USD amounts in dollars (12.34), token amounts in the token's units (0.01 for "
        "WBTC), points with up to 18 decimals (2.5); times as shown in ISO 8601 and unix seconds.\n"
        f"exit statuses:\n{statuses}"
    )


def group_module(group: str) -> ModuleType:
    """bazaar/cli/<group>.py."""
    return importlib.import_module(f"bazaar.cli.{group}")


def command_name(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is neither an option nor a
    global option's value."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in VALUE_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def _described(argv: list[str]) -> str:
    """The command line as a batch's description: without the node's URL (it may carry an
    API key), the files and the output switches."""
    words, skip = ["bazaar"], False
    for token in argv:
        if skip:
            skip = False
        elif token in (*VALUE_OPTIONS, "--safe-batch", "--safe"):
            skip = True
        elif token != "--json" and not token.startswith(tuple(f"{o}=" for o in VALUE_OPTIONS)):
            words.append(token)
    return " ".join(words)


def build_parser(only: str | None = None) -> Parser:
    """The parser of every command (`only` None), or of the commands of group `only` with the
    others listed from the catalog but not loaded (what `main` runs: fast, and only the
    command's own module is imported)."""
    parser = Parser(
        prog="bazaar",
        description="BTC Bazaar: deploy the suite, use the marketplace and take part in the DAO "
        "from the command line.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    loaded: set[str] = set()
    for name, group, text in COMMANDS:
        if only is None or group == only:
            if group not in loaded:
                loaded.add(group)
                group_module(group).register(
                    commands, lambda p: add_global_options(p, suppress=True)
                )
        else:
            commands.add_parser(name, help=text, add_help=False)
    if only is None:  # the catalog's order, whatever order the groups register in
        choices = {c.dest: c for c in commands._choices_actions}
        commands._choices_actions[:] = [choices[name] for name, _, _ in COMMANDS]
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command; returns its exit status (`EXIT_STATUSES`)."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    name = command_name(argv)
    parser = build_parser(only=GROUP.get(name or "", ""))
    if name is None and "--version" in argv and "--json" in argv:  # --version stops parsing
        sys.stdout.write(json.dumps({"version": version()}) + "\n")
        return EXIT_OK
    Parser.last_error = None
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version (0) or a bad command line (one line)
        code = int(exit_.code or 0)
        if code == 0:
            return EXIT_OK
        return _failed("--json" in argv, None, EXIT_REFUSED, Parser.last_error)
    as_json = bool(getattr(args, "json", False))
    from bazaar.cli.common import Context
    from bazaar.errors import BazaarError, NoSigner, TransactionFailed
    from bazaar.units import AmountError

    ctx = Context(args)
    try:
        code = int(args.handler(ctx) or 0)
        if code == EXIT_OK:
            ctx.finish(_described(argv))
        return code
    except NoSigner as exc:
        return _failed(as_json, f"{exc}: pass --keystore FILE", EXIT_REFUSED)
    except TransactionFailed as exc:
        return _failed(as_json, str(exc), EXIT_TX_FAILED)
    except (BazaarError, AmountError) as exc:
        return _failed(as_json, str(exc), EXIT_REFUSED)
    except KeyboardInterrupt:
        sys.stderr.write("bazaar: interrupted\n")
        return EXIT_INTERRUPTED
    finally:
        ctx.close()


def _failed(as_json: bool, message: str | None, code: int, written: str | None = None) -> int:
    """One line on stderr (argparse has written its own, `written`, when `message` is None);
    with --json also `{"error": ..., "exitCode": ...}` on stdout."""
    if message is not None:
        message = " ".join(message.split())
        sys.stderr.write(f"bazaar: error: {message}\n")
    if as_json:
        text = message if message is not None else f"bad command line: {written or 'see stderr'}"
        sys.stdout.write(json.dumps({"error": text, "exitCode": code}) + "\n")
    return code


def main_exit() -> None:
    """Console entry point: `sys.exit(main())`."""
    sys.exit(main())
