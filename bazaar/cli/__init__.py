"""The `bazaar` command line. One module per command group:

    bazaar account new|import|address   keystores (cli/account.py)
    bazaar deploy                       the suite, journaled and resumable (cli/deploy.py)
    bazaar mocks mint|refresh           a --mocks deployment's faucet and feeds (cli/mocks.py)
    bazaar quote|list|buy|ship|...      the marketplace (cli/market.py)
    bazaar goods mint|list|...          digital items (cli/goods.py)
    bazaar record-outage                the oracle's outage record (cli/oracle.py)
    bazaar status                       an order, a listing, a proposal or a staker (cli/status.py)
    bazaar stake|unstake|delegate|...   staking (cli/staking.py)
    bazaar propose|vote|queue|...       governance (cli/governance.py)

Every failure prints one line on stderr (and, with --json, one JSON object on stdout) and
exits with its documented status (`EXIT_STATUSES`). The commands parse and present; the
library raises typed errors (a `NoSigner` becomes the hint to pass --keystore here) and the
contracts judge what is allowed.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata

from bazaar.accounts import PASSWORD_ENV
from bazaar.cli import (
    account,
    deploy,
    goods,
    governance,
    market,
    mocks,
    oracle,
    staking,
    status,
)
from bazaar.cli.common import Context, Parser, add_global_options
from bazaar.errors import BazaarError, NoSigner, TransactionFailed
from bazaar.units import AmountError

# In this order in `bazaar --help`.
COMMAND_GROUPS = (account, deploy, mocks, market, goods, oracle, status, staking, governance)

EXIT_OK, EXIT_REFUSED, EXIT_TX_FAILED, EXIT_INTERRUPTED = 0, 1, 3, 130
EXIT_STATUSES = {
    EXIT_OK: "done",
    EXIT_REFUSED: "refused, nothing sent: a bad command line or input, a transaction that would "
    "revert (the contract's decoded error), a node or keystore problem",
    EXIT_TX_FAILED: "a transaction was sent and failed: reverted on chain, or no receipt in time",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


def version() -> str:
    try:
        return metadata.version("btc-bazaar")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _epilog() -> str:
    statuses = "\n".join(f"  {code:<3} {text}" for code, text in EXIT_STATUSES.items())
    return (
        f"keystore password: from ${PASSWORD_ENV} when set, else asked on the terminal (or the "
        "next line of stdin without one).\n"
        "units: USD amounts in dollars (12.34), token amounts in the token's units (0.01 for "
        "WBTC), points in whole points; times as shown in ISO 8601 and unix seconds.\n"
        f"exit statuses:\n{statuses}"
    )


def build_parser() -> Parser:
    parser = Parser(
        prog="bazaar",
        description="BTC Bazaar: deploy the suite, use the marketplace and take part in the DAO "
        "from the command line.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bazaar {version()}")
    add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for group in COMMAND_GROUPS:
        group.register(commands, lambda p: add_global_options(p, suppress=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command; returns its exit status (`EXIT_STATUSES`)."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version (0) or a bad command line (one line)
        code = int(exit_.code or 0)
        return EXIT_OK if code == 0 else _failed("--json" in argv, None, EXIT_REFUSED)
    as_json = bool(getattr(args, "json", False))
    try:
        return int(args.handler(Context(args)) or 0)
    except NoSigner as exc:
        return _failed(as_json, f"{exc}: pass --keystore FILE", EXIT_REFUSED)
    except TransactionFailed as exc:
        return _failed(as_json, str(exc), EXIT_TX_FAILED)
    except (BazaarError, AmountError) as exc:
        return _failed(as_json, str(exc), EXIT_REFUSED)
    except KeyboardInterrupt:
        sys.stderr.write("bazaar: interrupted\n")
        return EXIT_INTERRUPTED


def _failed(as_json: bool, message: str | None, code: int) -> int:
    """One line on stderr (argparse has written its own when `message` is None); with
    --json also `{"error": ..., "exitCode": ...}` on stdout."""
    if message is not None:
        message = " ".join(message.split())
        sys.stderr.write(f"bazaar: error: {message}\n")
    if as_json:
        text = message if message is not None else "bad command line (see stderr)"
        sys.stdout.write(json.dumps({"error": text, "exitCode": code}) + "\n")
    return code


def main_exit() -> None:
    """Console entry point: `sys.exit(main())`."""
    sys.exit(main())
