"""The journaled deployment of `bazaar deploy` on brownie's active network (logic in
bazaar/deploy/ and bazaar/cli/deploy.py):

    brownie run scripts/deploy.py main KEYSTORE [option...] --network bazaar-dev

brownie takes every `--word` for itself, so options of `bazaar deploy` are given without their
dashes: `mocks`, `dry-run`, `yes`, `arbiter=0x...` (repeatable), `treasury=0x...`,
`deployment=FILE`, `json`. The keystore password comes from BAZAAR_KEYSTORE_PASSWORD or a
prompt.
"""

from brownie import web3

from bazaar import cli


def to_options(words: tuple[str, ...]) -> list[str]:
    """`("mocks", "arbiter=0x1")` -> `["--mocks", "--arbiter", "0x1"]`."""
    options: list[str] = []
    for word in words:
        name, _, value = word.partition("=")
        options += [f"--{name}", value] if value else [f"--{name}"]
    return options


def main(keystore: str, *words: str) -> None:
    options = to_options(words)
    globals_: list[str] = []  # options of `bazaar` itself, before the command
    if "--deployment" in options:
        index = options.index("--deployment")
        globals_ += options[index : index + 2]
        del options[index : index + 2]
    if "--json" in options:
        options.remove("--json")
        globals_.append("--json")
    argv = ["--rpc-url", web3.provider.endpoint_uri, "--keystore", keystore, *globals_]
    status = cli.main([*argv, "deploy", *options])
    if status:
        raise SystemExit(status)
