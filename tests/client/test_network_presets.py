"""The network presets (bazaar/networks.py) hold only sourced, checksummed addresses: each one
carries a `# source:` comment citing the tags of networks.SOURCES on its line or in the comment
block right above it; an address left None says why; the L2s have a sequencer-uptime feed or
a reason; chain ids are unique; and the staleness limits follow the published heartbeats.

No chain needed (the test session still runs on the brownie network, as every test here)."""

import io
import re
import tokenize
from pathlib import Path

import pytest
from eth_utils import is_checksum_address

from bazaar import networks, settings
from bazaar.deploy.plan import ZERO_ADDRESS
from bazaar.deploy.suite import SuiteConfig, market_steps, token_inputs
from bazaar.networks import PRESETS
from tests.support.cli import ADDRESSES

SOURCE_FILE = Path(networks.__file__)
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
TAG = re.compile(r"\[([a-z0-9-]+)\]")
PUBLIC = [p for p in PRESETS.values() if not p.is_local]
# The oracle's accepted staleness range (WbtcUsdOracle.MIN/MAX_STALENESS_SECONDS).
MIN_STALENESS, MAX_STALENESS = 60, 72 * 3600


def addresses(preset):
    """(what, address) of every configured address of `preset`."""
    found = [(f"feed {k}", a) for k, a in preset.feeds.items()]
    found += [(f"token {k}", a) for k, a in preset.tokens.items()]
    found.append(("sequencer_feed", preset.sequencer_feed))
    found.append(("permit2", preset.permit2))
    return [(what, a) for what, a in found if a is not None]


def address_literals():
    """Every address string literal of bazaar/networks.py: (line, address, the comment on its
    line or in the contiguous comment block right above it)."""
    text = SOURCE_FILE.read_text()
    lines = text.splitlines()
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    comments = {t.start[0]: t.string for t in tokens if t.type == tokenize.COMMENT}
    found = []
    for t in tokens:
        if t.type != tokenize.STRING:
            continue
        value = t.string.strip("\"'")
        if not ADDRESS.match(value):
            continue
        row = t.start[0]
        block = [comments[row]] if row in comments else []
        above = row - 1
        while above >= 1 and lines[above - 1].lstrip().startswith("#"):
            block.append(lines[above - 1].strip())
            above -= 1
        found.append((row, value, " ".join(block)))
    return found


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_every_preset_address_is_checksummed(preset):
    for what, address in addresses(preset):
        assert is_checksum_address(address), (preset.name, what, address)


def test_every_address_in_the_presets_file_cites_a_known_source():
    literals = address_literals()
    configured = {a for p in PRESETS.values() for _, a in addresses(p)}
    assert {a for _, a, _ in literals} == configured  # every configured address is parsed
    for row, address, comment in literals:
        assert "source:" in comment, f"networks.py:{row} {address} has no `# source:` comment"
        cited = TAG.findall(comment.split("source:", 1)[1])
        assert cited, f"networks.py:{row} {address}: the source comment cites no [tag]"
        unknown = set(cited) - set(networks.SOURCES)
        assert not unknown, f"networks.py:{row} {address}: unknown source tags {unknown}"


def test_every_public_preset_has_permit2_at_its_canonical_address_and_the_local_one_none():
    """Uniswap lists Permit2 at one address on each of these chains [uniswap-deployments]; a
    local chain gets one deployed by the plan."""
    assert {p.name: p.permit2 for p in PUBLIC} == dict.fromkeys(
        (p.name for p in PUBLIC), networks.PERMIT2_ADDRESS
    )
    assert PRESETS["local"].permit2 is None


def test_an_address_is_one_thing_on_its_chain():
    for preset in PRESETS.values():
        found = [a.lower() for _, a in addresses(preset)]
        assert len(found) == len(set(found)), preset.name


@pytest.mark.parametrize("preset", PUBLIC, ids=[p.name for p in PUBLIC])
def test_every_address_left_none_on_a_public_chain_says_why(preset):
    empty = {k for k, a in (*preset.feeds.items(), *preset.tokens.items()) if a is None}
    if preset.l2 and preset.sequencer_feed is None:
        empty.add("sequencer_feed")
    assert set(preset.missing) == empty, "a reason for each None, and none for an address"
    assert all(reason.strip() for reason in preset.missing.values())
    assert set(preset.feeds) == set(settings.FEED_DESCRIPTIONS)
    assert set(preset.tokens) == {"wbtc", "usdc"}


def test_the_l2_presets_have_a_sequencer_feed_or_a_documented_reason():
    l2s = {p.name for p in PRESETS.values() if p.l2}
    assert {"arbitrum", "base", "optimism", "base-sepolia", "arbitrum-sepolia"} <= l2s
    for name in ("arbitrum", "base", "optimism"):
        assert PRESETS[name].sequencer_feed is not None, name
    for name in l2s:
        preset = PRESETS[name]
        assert preset.sequencer_feed or preset.missing.get("sequencer_feed"), name
    # an L1 has no sequencer
    assert all(p.sequencer_feed is None for p in PRESETS.values() if not p.l2)


def test_chain_ids_and_rpc_variables_are_unique_and_the_real_networks_are_there():
    chain_ids = [p.chain_id for p in PRESETS.values()]
    assert len(chain_ids) == len(set(chain_ids))
    rpc_envs = [p.rpc_env for p in PRESETS.values()]
    assert len(rpc_envs) == len(set(rpc_envs))
    expected = {
        "local": 31337,
        "mainnet": 1,
        "arbitrum": 42161,
        "base": 8453,
        "optimism": 10,
        "sepolia": 11155111,
        "base-sepolia": 84532,
        "arbitrum-sepolia": 421614,
    }
    assert {name: p.chain_id for name, p in PRESETS.items()} == expected
    assert [p.name for p in PRESETS.values() if p.is_local] == ["local"]


def test_a_known_public_chain_is_told_from_a_local_or_unknown_one():
    assert networks.public_preset(1) is PRESETS["mainnet"]
    assert networks.public_preset(11155111) is PRESETS["sepolia"]
    assert networks.public_preset(31337) is None
    assert networks.public_preset(4242) is None


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_staleness_follows_the_published_heartbeats(preset):
    assert set(preset.heartbeats) <= {k for k, a in preset.feeds.items() if a is not None}
    for key, limit in preset.staleness.items():
        assert MIN_STALENESS <= limit <= MAX_STALENESS, (preset.name, key, limit)
        if key in preset.heartbeats:
            heartbeat = preset.heartbeats[key]
            assert heartbeat < limit <= heartbeat + max(heartbeat // 10, 120), (preset.name, key)
        else:
            assert limit == settings.FEED_LIMITS[key].max_staleness, (preset.name, key)


def test_a_preset_without_heartbeats_keeps_the_suite_defaults():
    assert PRESETS["local"].staleness == {
        "btc_usd": settings.BTC_USD_LIMITS.max_staleness,
        "wbtc_btc": settings.PEG_LIMITS.max_staleness,
        "usdc_usd": settings.PEG_LIMITS.max_staleness,
    }
    assert networks.staleness_after(3600) == 3960  # heartbeat + 10 %
    assert networks.staleness_after(600) == 720  # heartbeat + the 2-minute minimum


def test_the_deploy_plan_gives_the_oracle_the_presets_staleness():
    """The oracle's constructor takes each leg's staleness from the preset, bounds unchanged."""
    deployer = ADDRESSES["deployer"]
    for preset in PRESETS.values():
        config = SuiteConfig(deployer, deployer, deployer, (deployer,), preset, mocks=True)
        oracle = next(s for s in market_steps(config).steps if s.name == "oracle")
        wbtc, usdc = oracle.args[-1]
        (btc_leg, peg_leg, _), (_, usdc_leg, _) = wbtc, usdc
        stale = preset.staleness
        assert (btc_leg[1], peg_leg[1], usdc_leg[1]) == (
            stale["btc_usd"],
            stale["wbtc_btc"],
            stale["usdc_usd"],
        ), preset.name
        btc, peg = settings.BTC_USD_LIMITS, settings.PEG_LIMITS
        assert btc_leg[2:] == (btc.min_answer, btc.max_answer)
        assert peg_leg[2:] == usdc_leg[2:] == (peg.min_answer, peg.max_answer)
        # the sequencer feed of an L2, none on an L1
        assert oracle.args[1] == (preset.sequencer_feed or ZERO_ADDRESS)


def test_token_inputs_without_a_preset_keep_the_settings():
    src = {"btc_usd": "btc", "wbtc_btc": "peg", "usdc_usd": "usdc"}
    wbtc, usdc = token_inputs(src)
    assert wbtc[0] == settings.BTC_USD_LIMITS.leg("btc")
    assert wbtc[1] == settings.PEG_LIMITS.leg("peg")
    assert usdc[1] == settings.PEG_LIMITS.leg("usdc")
