"""The command line's grammar, light enough for `bazaar --help` to stay fast: the parser class,
the global options, the subcommand helper and the argument types. Nothing here imports web3,
eth-account or eth-utils (tests/cli/test_cli_entry.py checks it)."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from bazaar import networks
from bazaar.cli.catalog import HELP


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line (no usage dump), and keeps that
    line for `--json` (`last_error`)."""

    last_error: str | None = None

    def error(self, message: str) -> NoReturn:
        Parser.last_error = f"{self.prog}: {message}"
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The global options; on subcommands with SUPPRESS defaults, so they may come before or
    after the command."""

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument("--rpc-url", default=default(None), help="node URL (http/https)")
    group.add_argument(
        "--network",
        default=default(None),
        choices=sorted(networks.PRESETS),
        help="a network preset: its RPC URL from its environment variable, its chain id checked",
    )
    group.add_argument("--keystore", default=default(None), help="encrypted V3 keystore file")
    group.add_argument(
        "--deployment",
        default=default(None),
        help="deployment file (default deployments/<chainId>.json)",
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="print one JSON object"
    )


def add_safe_options(parser: argparse.ArgumentParser) -> None:
    """--safe-batch and --safe, on every command that sends."""
    group = parser.add_argument_group("Safe batch (send nothing)")
    group.add_argument(
        "--safe-batch",
        metavar="FILE",
        help="rehearse the command as --safe on a local fork (anvil) and write its "
        "transactions as a Safe Transaction Builder batch to FILE instead of sending",
    )
    group.add_argument("--safe", metavar="ADDRESS", help="the Safe the batch is for")


def add_points_cap(parser: argparse.ArgumentParser) -> None:
    """--points-cap-bps, on the commands that list (list, goods list)."""
    parser.add_argument(
        "--points-cap-bps",
        type=non_negative_int,
        default=0,
        help="the share of the price buyers may pay with reward points, in basis points "
        "(1000 = 10%%; default 0: no points)",
    )


def command_adder(commands: Any, add_globals: Any) -> Any:
    """`command(name, handler, help=None, sends=True)`: a subcommand with the global options
    (and, when it `sends`, the Safe batch options), running `handler(ctx)`; a top-level
    command's help comes from the catalog."""

    def command(
        name: str, handler: Any, text: str | None = None, sends: bool = True
    ) -> argparse.ArgumentParser:
        text = text or HELP[name]
        p: argparse.ArgumentParser = commands.add_parser(name, help=text, description=text)
        add_globals(p)
        if sends:
            add_safe_options(p)
        p.set_defaults(handler=handler)
        return p

    return command


def _whole_number(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text: str) -> int:
    """An integer >= 1 (argparse type)."""
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    """An integer >= 0 (argparse type)."""
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value
