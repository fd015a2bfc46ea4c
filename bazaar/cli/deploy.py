"""`bazaar deploy`: the suite, journaled in deployments/<chainId>.json and resumable."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any, cast

from eth_typing import ChecksumAddress

from bazaar import networks, settings
from bazaar.accounts import open_stdin
from bazaar.cli.catalog import HELP
from bazaar.cli.common import Context
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.permit2 import check_permit2
from bazaar.deploy.engine import Deployer, StepReport
from bazaar.deploy.feeds import check_feeds
from bazaar.deploy.plan import Ref
from bazaar.deploy.rehearsal import rehearse
from bazaar.deploy.suite import PAYMENT_TOKENS, PERMIT2, SuiteConfig, suite_plan
from bazaar.errors import BazaarError
from bazaar.journal import Journal
from bazaar.units import checksum, parse_usd


def register(commands: Any, add_globals: Any) -> None:
    p = commands.add_parser(
        "deploy",
        help=HELP["deploy"],
        description="Deploys the suite step by step, journaled in the deployment file; a "
        "re-run resumes and refuses to continue if code or arguments changed.",
    )
    add_globals(p)
    p.add_argument(
        "--mocks",
        action="store_true",
        help="deploy mocks for missing tokens/feeds (on a known public chain only with --yes)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plan and gas; send nothing")
    p.add_argument("--yes", action="store_true", help="no confirmation prompt (non-local chains)")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start a new deployment: the existing deployment file is renamed "
        "<name>.<UTC time>.json and kept",
    )
    p.add_argument(
        "--arbiter", action="append", default=[], help="an arbiter address (repeatable, >= 1)"
    )
    p.add_argument("--treasury", help="receiver of platform fees (default: the deployer)")
    p.add_argument("--guardian", help="may pause new business (default: the deployer)")
    p.add_argument(
        "--btc-usd", default="100000", help="starting BTC/USD answer of a mock feed (USD)"
    )
    p.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="KEY=ADDRESS",
        help="a Chainlink feed in place of the preset's: btc_usd, wbtc_btc or usdc_usd "
        "(repeatable; any chain can be deployed this way)",
    )
    p.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="KEY=ADDRESS",
        help="a payment token in place of the preset's: wbtc or usdc (repeatable)",
    )
    p.add_argument("--sequencer-feed", metavar="ADDRESS", help="an L2 sequencer-uptime feed")
    p.add_argument(
        "--permit2",
        metavar="ADDRESS",
        help="an existing Uniswap Permit2 in place of the preset's (a local chain's is "
        "deployed); refused unless its DOMAIN_SEPARATOR() is Permit2's there",
    )
    p.set_defaults(handler=cmd_deploy)


def _config(ctx: Context, preset: networks.NetworkPreset) -> SuiteConfig:
    args = ctx.args
    if not args.arbiter:
        raise BazaarError("pass --arbiter ADDRESS at least once (checkouts need an arbiter)")
    deployer = ctx.account.address
    return SuiteConfig(
        owner=deployer,
        treasury=_not_zero(checksum(args.treasury or deployer, "treasury"), "treasury"),
        guardian=_not_zero(checksum(args.guardian or deployer, "guardian"), "guardian"),
        arbiters=tuple(_not_zero(checksum(a, "arbiter"), "arbiter") for a in args.arbiter),
        preset=preset,
        mocks=args.mocks,
        btc_usd_answer=parse_usd(args.btc_usd),
    )


def _given(ctx: Context, pairs: list[str], keys: tuple[str, ...], option: str) -> dict[str, str]:
    """`KEY=ADDRESS` pairs of `option`, each key one of `keys`, each address a contract.

    Raises:
        BazaarError: a malformed pair, an unknown or repeated key, or no code at the address.
    """
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or key not in keys:
            raise BazaarError(f"bad {option} {pair!r}: expected KEY=ADDRESS, KEY one of {keys}")
        if key in given:
            raise BazaarError(f"{option} {key} is given twice")
        given[key] = _contract(ctx, checksum(text, f"{option} {key}"), f"{option} {key}")
    return given


def _contract(ctx: Context, address: ChecksumAddress, what: str) -> str:
    _not_zero(address, what)
    if not ctx.w3.eth.get_code(address):
        raise BazaarError(f"{what}: no contract at {address} on chain {ctx.chain_id}")
    return address


def _with_overrides(ctx: Context, preset: networks.NetworkPreset) -> networks.NetworkPreset:
    """The preset with the feeds, tokens, sequencer feed and Permit2 given on the command
    line (a feed given here drops the preset's heartbeat for it: the suite's default limit
    applies)."""
    args = ctx.args
    feeds = _given(ctx, args.feed, tuple(settings.FEED_DESCRIPTIONS), "--feed")
    tokens = _given(ctx, args.token, PAYMENT_TOKENS, "--token")
    for key, address in tokens.items():
        token = Erc20Client(ctx.w3, address)
        try:  # a feed answers decimals() too: an ERC-20 also has a supply and balances
            token.decimals  # noqa: B018
            token.view("totalSupply")
            token.balance_of(address)
        except Exception:
            raise BazaarError(f"--token {key}: {address} is not an ERC-20 token") from None
    sequencer = args.sequencer_feed and _contract(
        ctx, checksum(args.sequencer_feed, "--sequencer-feed"), "--sequencer-feed"
    )
    permit2 = args.permit2 and check_permit2(ctx.w3, args.permit2, "--permit2")
    if not (feeds or tokens or sequencer or permit2):
        return preset
    return replace(
        preset,
        feeds={**preset.feeds, **feeds},
        tokens={**preset.tokens, **tokens},
        sequencer_feed=sequencer or preset.sequencer_feed,
        heartbeats={k: v for k, v in preset.heartbeats.items() if k not in feeds},
        permit2=permit2 or preset.permit2,
    )


def _not_zero(address: str, what: str) -> str:
    """Checked before the first transaction: the contracts refuse the zero address mid-plan."""
    if int(address, 16) == 0:
        raise BazaarError(f"the zero address cannot be the {what}; nothing sent")
    return address


def _refuse_mocks_on_a_public_chain(ctx: Context) -> None:
    """`--mocks` on a chain id a preset knows as public: only with `--yes` as well (a mock
    there is worthless and its answers are the deployer's to set).

    Raises:
        BazaarError: `--mocks` without `--yes` on a known public chain.
    """
    known = networks.public_preset(ctx.chain_id) if ctx.args.mocks else None
    if known is not None and not ctx.args.yes:
        raise BazaarError(
            f"--mocks on {known.name} (chain id {ctx.chain_id}), a public chain: mocks there are "
            "worthless and the deployer sets their answers; pass --mocks --yes to deploy them "
            "anyway; nothing sent"
        )


def _confirm(ctx: Context, preset: networks.NetworkPreset, pending: int) -> None:
    if preset.is_local or ctx.chain_id in networks.LOCAL_CHAIN_IDS or ctx.args.yes:
        return
    sys.stderr.write(
        f"deploy {pending} step(s) to {preset.name} (chain id {ctx.chain_id}) from "
        f"{ctx.account.address}? [y/N] "
    )
    sys.stderr.flush()
    refused = "not confirmed; nothing sent (pass --yes to skip the question)"
    if open_stdin(refused).readline().strip().lower() not in ("y", "yes"):
        raise BazaarError(refused)


def _line(report: StepReport, width: int = 44) -> str:
    """One step as a table row; `width`: the longest step name of the plan."""
    gas = f"gas {report.gas:,}" if report.gas is not None else ""
    where = report.address or ""
    text = f"  {report.status:<8} {report.name:<{width}} {where:<42} {gas}"
    return (text + (f"  ({report.note})" if report.note else "")).rstrip()


def cmd_deploy(ctx: Context) -> int:
    preset = _with_overrides(ctx, ctx.preset or networks.preset_for_chain(ctx.chain_id))
    _refuse_mocks_on_a_public_chain(ctx)
    config = _config(ctx, preset)
    suite = suite_plan(config)
    plan, sources = suite.steps, suite.sources
    check_feeds(ctx.w3, sources)
    permit2 = sources[PERMIT2]
    if isinstance(permit2, str) and not ctx.args.permit2:  # the preset's (--permit2: checked)
        check_permit2(ctx.w3, permit2, f"{preset.name}'s Permit2")
    # --fresh: a new journal; the existing file is set aside (kept) only when sending starts
    opened = Journal.new if ctx.args.fresh else Journal.open
    journal = opened(ctx.deployment_path, ctx.chain_id, ctx.genesis_hash)
    deployer = Deployer(ctx.sender, journal, plan)
    deployer.check()  # changed code or arguments: stop before printing or sending anything
    header = (
        f"{'dry run' if ctx.args.dry_run else 'deploy'}: {len(plan)} steps on {preset.name} "
        f"(chain id {ctx.chain_id}) from {ctx.account.address}, journal {journal.path}"
    )
    width = max(len(step.name) for step in plan)
    if ctx.args.dry_run:
        return _dry_run(ctx, deployer, preset.name, header, width)
    pending = sum(1 for s in plan if journal.steps.get(s.name, {}).get("status") != "done")
    _confirm(ctx, preset, pending)
    kept = Journal.set_aside(journal.path) if ctx.args.fresh else None
    journal.data.update(network=preset.name, deployer=ctx.account.address)
    journal.save()
    if not ctx.json:
        if kept is not None:
            ctx.out.write(f"kept the earlier deployment file as {kept}\n")
        ctx.out.write(header + "\n")
    reports = deployer.run() if ctx.json else _run_printing(ctx, deployer, width)
    _record_wiring(journal, config, sources)
    sent = [r for r in reports if r.status != "done"]
    ctx.emit(
        {
            "dryRun": False,
            "chainId": ctx.chain_id,
            "network": preset.name,
            "deployment": str(journal.path),
            "steps": [r.to_json() for r in reports],
            "sent": len(sent),
            "contracts": {k: v["address"] for k, v in journal.data.get("contracts", {}).items()},
            "tokens": journal.data["tokens"],
            "permit2": journal.data["permit2"],
        },
        [f"{len(sent)} step(s) sent, {len(reports) - len(sent)} already done", *_dao_line(journal)],
    )
    return 0


def _dry_run(ctx: Context, deployer: Deployer, network: str, header: str, width: int) -> int:
    """Every remaining step rehearsed on a local fork of the chain, with the gas it used there;
    without anvil, estimates of the steps whose inputs exist, each other step saying why."""
    rpc = str(getattr(ctx.w3.provider, "endpoint_uri", ""))
    try:
        rehearsal = rehearse(rpc, ctx.account, deployer.journal, deployer.plan)
        reports, how = rehearsal.reports, f"rehearsed on a fork at block {rehearsal.block:,}"
    except BazaarError as exc:
        if "no anvil on PATH" not in str(exc):
            raise
        reports, how = deployer.dry_run(), f"estimates only: {exc}"
    known = [r.gas for r in reports if r.gas is not None]
    ctx.emit(
        {
            "dryRun": True,
            "rehearsed": how.startswith("rehearsed"),
            "chainId": ctx.chain_id,
            "network": network,
            "deployment": str(deployer.journal.path),
            "steps": [r.to_json() for r in reports],
            "estimatedGas": sum(known),
        },
        [header, *(_line(r, width) for r in reports), f"gas: {sum(known):,} ({how})"],
    )
    return 0


def _dao_line(journal: Journal) -> list[str]:
    contracts = journal.data.get("contracts", {})
    if "governor" not in contracts or "timelock" not in contracts:
        return []
    return [
        f"DAO: governor {contracts['governor']['address']}, timelock "
        f"{contracts['timelock']['address']} (owner of market, oracle, points, staking)"
    ]


def _run_printing(ctx: Context, deployer: Deployer, width: int) -> list[StepReport]:
    def print_step(report: StepReport) -> None:
        ctx.out.write(_line(report, width) + "\n")
        ctx.out.flush()

    deployer.on_step = print_step
    return deployer.run()


def _record_wiring(journal: Journal, config: SuiteConfig, sources: dict[str, Ref | str]) -> None:
    """Tokens, feeds, Permit2 and arbiters as the CLI looks them up (deployed or real
    alike)."""

    def address(value: Ref | str) -> str:
        if isinstance(value, Ref):  # a mock: the address its done step recorded
            return cast(str, journal.steps[value.step]["address"])
        return value

    journal.data["tokens"] = {k: address(sources[k]) for k in PAYMENT_TOKENS}
    journal.data["feeds"] = {k: address(sources[k]) for k in settings.FEED_DESCRIPTIONS}
    journal.data["permit2"] = address(sources[PERMIT2])
    journal.data["arbiters"] = list(config.arbiters)
    journal.save()
