"""The `bazaar` command line. One module per command group:

    bazaar account new|import|address   keystores (cli/account.py)
    bazaar deploy                       the suite, journaled and resumable (cli/deploy.py)
    bazaar quote|list|buy|ship|...      the marketplace (cli/market.py)
    bazaar status                       an order, a listing, a proposal or a staker (cli/status.py)
    bazaar stake|unstake                staking (cli/staking.py)
    bazaar propose|vote|queue|...       governance (cli/governance.py)

Every failure prints one line on stderr and exits non-zero, having sent nothing it should not.
The commands parse and present; the library raises typed errors (a `NoSigner` becomes the hint
to pass --keystore here) and the contracts judge what is allowed.
"""

from __future__ import annotations

import sys

from bazaar.cli import account, deploy, governance, market, staking, status
from bazaar.cli.common import Context, Parser, add_global_options
from bazaar.errors import BazaarError, NoSigner
from bazaar.units import AmountError

# In this order in `bazaar --help`.
COMMAND_GROUPS = (account, deploy, market, status, staking, governance)


def build_parser() -> Parser:
    parser = Parser(
        prog="bazaar",
        description="BTC Bazaar: deploy the suite, use the marketplace and take part in the DAO "
        "from the command line.",
    )
    add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for group in COMMAND_GROUPS:
        group.register(commands, lambda p: add_global_options(p, suppress=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command; returns the exit status (0 ok, 1 failed, 2 bad command line)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.handler(Context(args)) or 0)
    except NoSigner as exc:
        sys.stderr.write(f"bazaar: error: {exc}: pass --keystore FILE\n")
        return 1
    except (BazaarError, AmountError) as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"bazaar: error: {message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("bazaar: interrupted\n")
        return 130


def main_exit() -> None:
    """Console entry point: `sys.exit(main())`."""
    sys.exit(main())
