"""Network presets: where each network's feeds, tokens and Permit2 are, how often its feeds
publish, and its L2 sequencer-uptime feed (the oracle's bounds and every other setting of the
suite are in bazaar/settings.py).

Each preset names the environment variable holding its RPC URL, and the real addresses of the
Chainlink feeds (proxies), tokens and Uniswap's Permit2 where they exist. `None` means "none
known here", and `missing` says why: the deployment then needs `--mocks`, which deploys a mock
in its place, and on a public chain only with `--yes` too (bazaar/cli/deploy.py).

The sources policy. No address here is guessed or recalled: each one was read in the sources its
`# source:` comment names (the tags of SOURCES below; tests/client/test_network_presets.py
checks that every address has one), cross-checked in two or more of them where they list it,
and an address no trustworthy source gave is left None with its reason. Chainlink reuses proxy
addresses across testnets for different pairs, so `bazaar deploy` also reads each configured
feed's `description()` and `decimals()` before sending anything and refuses a mismatch
(bazaar/deploy/feeds.py), and Permit2's `DOMAIN_SEPARATOR()` (bazaar/clients/permit2.py).

Heartbeats are the feeds' published ones (seconds); the oracle's staleness limit of a feed with
a known heartbeat is that heartbeat plus a margin (`staleness_after`), else the suite's default
(settings.FEED_LIMITS). The feeds' deviation thresholds are not recorded: none of the sources
read gives them for these feeds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bazaar import settings

LOCAL_CHAIN_IDS = (31337, 1337)

# Where the addresses and heartbeats were read (cited as [tag] in the `# source:` comments).
SOURCES = {
    "chainlink-docs": "smartcontractkit/documentation, src/content/data-feeds/"
    "l2-sequencer-feeds.mdx: Chainlink's list of L2 sequencer-uptime feed proxies "
    "(docs.chain.link/data-feeds/l2-sequencer-feeds)",
    "chainlink-sample": "smartcontractkit/documentation, public/samples/DataFeeds/"
    "DataConsumerV3.sol: the example of Chainlink's 'Consuming Data Feeds' guide",
    "chainlink-directory": "smartcontractkit/hardhat-chainlink, src/registries/json/"
    "DataFeeds.json and L2Sequencers.json: Chainlink's copy of its feed directory (2024-02; "
    "no Base)",
    "aave-chainlink": "bgd-labs/aave-address-book, src/Chainlink{Ethereum,Arbitrum,Base,"
    "Optimism}.sol: generated from Chainlink's feed directory (2026-03)",
    "aave-assets": "bgd-labs/aave-address-book, src/AaveV3{Ethereum,Arbitrum,Base,Optimism}.sol: "
    "the Aave V3 pools' underlying tokens (USDC: USDC_UNDERLYING, or USDCn_UNDERLYING where "
    "USDC_UNDERLYING is the bridged USDC.e)",
    "gearbox": "Gearbox-protocol/sdk-gov, src/oracles/priceFeeds.ts (the feeds, with staleness "
    "periods of heartbeat plus 15 min on L1, 2 min on L2) and src/tokens/token.ts (2025-03)",
    "lzero": "LZeroAnalytics/chainlink-package, src/package_io/constants.star at commit a6b1d6f: "
    "Chainlink's feed directory with each feed's heartbeat (2025-03)",
    "circle": "circlefin/skills, plugins/circle/skills/use-usdc/SKILL.md: Circle's USDC table, "
    "after developers.circle.com/stablecoins/usdc-contract-addresses",
    "uniswap-deployments": "Uniswap/docs, docs/contracts/v4/deployments.mdx: Uniswap's list of "
    "its deployments (docs.uniswap.org/contracts/v4/deployments), Permit2 at one address on "
    "Ethereum, Optimism, Base, Arbitrum One, Sepolia, Base Sepolia and Arbitrum Sepolia; "
    "`python -m tools.toolchain.permit2 --check` shows it is the CREATE2 address of the code "
    "compiled from Permit2's published source",
    "earlier": "kept from the first testnet presets: several independent public repositories "
    "citing docs.chain.link/data-feeds/price-feeds/addresses, not re-read for this change",
}

# Uniswap's Permit2 (signature transfers for any ERC-20, WBTC included), created through the
# deterministic CREATE2 deployer at the same address on every chain it is on. A local chain has
# none: the deployment deploys it there from bazaar/artifacts/Permit2.json.
# source: [uniswap-deployments]
PERMIT2_ADDRESS = "0x000000000022D473030F116dDEE9F6B43aC78BA3"

# A feed's round may land a little after its heartbeat: the staleness limit adds 10 % of the
# heartbeat, at least this much (seconds).
HEARTBEAT_MARGIN_MIN = 2 * 60


def staleness_after(heartbeat: int) -> int:
    """The oracle's staleness limit for a feed publishing at least every `heartbeat` seconds."""
    return heartbeat + max(heartbeat // 10, HEARTBEAT_MARGIN_MIN)


@dataclass(frozen=True)
class NetworkPreset:
    name: str
    chain_id: int
    rpc_env: str | None  # environment variable holding the RPC URL
    default_rpc: str | None = None
    feeds: dict[str, str | None] = field(default_factory=dict)  # btc_usd, wbtc_btc, usdc_usd
    tokens: dict[str, str | None] = field(default_factory=dict)  # wbtc, usdc
    sequencer_feed: str | None = None
    l2: bool = False  # a rollup with a sequencer: its feeds need the sequencer-uptime check
    # Published heartbeat (seconds) of each configured feed; a feed without one keeps the
    # suite's default staleness limit.
    heartbeats: dict[str, int] = field(default_factory=dict)
    # Why an address is None: feed or token key, or "sequencer_feed" -> the reason.
    missing: dict[str, str] = field(default_factory=dict)
    # Uniswap's Permit2 there (None: none known; the deployment deploys one, see bazaar/deploy/
    # suite.py), checked before anything is sent (bazaar/clients/permit2.py: check_permit2).
    permit2: str | None = None

    @property
    def is_local(self) -> bool:
        return self.chain_id in LOCAL_CHAIN_IDS

    @property
    def staleness(self) -> dict[str, int]:
        """Each feed's staleness limit (seconds): its heartbeat plus the margin where the
        heartbeat is known, else the suite's default (settings.FEED_LIMITS)."""
        return {
            key: (
                staleness_after(self.heartbeats[key])
                if key in self.heartbeats
                else limits.max_staleness
            )
            for key, limits in settings.FEED_LIMITS.items()
        }

    def rpc_url(self) -> str | None:
        """The RPC URL from the preset's environment variable, else its default."""
        if self.rpc_env and os.environ.get(self.rpc_env):
            return os.environ[self.rpc_env]
        return self.default_rpc


_NO_FEEDS = {"btc_usd": None, "wbtc_btc": None, "usdc_usd": None}
_NO_TOKENS = {"wbtc": None, "usdc": None}

_NO_TESTNET_WBTC = {
    "wbtc_btc": "no WBTC/BTC feed is known on this testnet",
    "wbtc": "no WBTC token is known on this testnet",
}
_NO_TESTNET_SEQUENCER = (
    "Chainlink's list of sequencer-uptime feeds [chainlink-docs] names none on this testnet: "
    "no sequencer check here"
)
_NO_OP_STACK_WBTC_PEG = (
    "Chainlink's directory has no WBTC/BTC feed on this chain, only WBTC/USD [aave-chainlink] "
    "[lzero], which is not a peg; until a peg feed is configured here, WBTC needs --mocks "
    "--yes (a deployer-controlled constant peg: for trials, not for real payments)"
)

PRESETS: dict[str, NetworkPreset] = {
    p.name: p
    for p in (
        NetworkPreset(
            "local",
            31337,
            "BAZAAR_LOCAL_RPC_URL",
            "http://127.0.0.1:8545",
            feeds=dict(_NO_FEEDS),
            tokens=dict(_NO_TOKENS),
        ),
        NetworkPreset(
            "mainnet",
            1,
            "BAZAAR_MAINNET_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [aave-chainlink] BTC__USD, [chainlink-directory], [gearbox], [lzero]
                "btc_usd": "0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c",
                # source: [aave-chainlink] WBTC__BTC, [chainlink-directory] (named "wBTC / BTC"
                # there; the deploy's description check expects "WBTC / BTC"), [gearbox], [lzero]
                "wbtc_btc": "0xfdFD9C85aD200c506Cf9e21F1FD8dd01932FBB23",
                # source: [aave-chainlink] USDC__USD, [chainlink-directory], [gearbox], [lzero]
                "usdc_usd": "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
            },
            tokens={
                # source: [aave-assets] WBTC_UNDERLYING, [gearbox]
                "wbtc": "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
                # source: [circle], [aave-assets] USDC_UNDERLYING, [gearbox]
                "usdc": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            },
            # source: [lzero] 3600 / 86400 / 86400; [gearbox] 1 h / 24 h / 24 h
            heartbeats={
                "btc_usd": settings.ONE_HOUR,
                "wbtc_btc": settings.ONE_DAY,
                "usdc_usd": settings.ONE_DAY,
            },
        ),
        NetworkPreset(
            "arbitrum",
            42161,
            "BAZAAR_ARBITRUM_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [aave-chainlink] BTC__USD, [chainlink-directory], [gearbox], [lzero]
                "btc_usd": "0x6ce185860a4963106506C203335A2910413708e9",
                # source: [aave-chainlink] WBTC__BTC, [chainlink-directory], [gearbox], [lzero]
                "wbtc_btc": "0x0017abAc5b6f291F9164e35B1234CA1D697f9CF4",
                # source: [aave-chainlink] USDC__USD, [chainlink-directory], [gearbox], [lzero]
                "usdc_usd": "0x50834F3163758fcC1Df9973b6e91f0F0F0434aD3",
            },
            tokens={
                # source: [aave-assets] WBTC_UNDERLYING, [gearbox]
                "wbtc": "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f",
                # source: [circle], [aave-assets] USDCn_UNDERLYING (native), [gearbox]
                "usdc": "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
            },
            # source: [chainlink-docs], [chainlink-directory], [aave-chainlink], [lzero]
            sequencer_feed="0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
            l2=True,
            # source: [lzero] 86400 each; [gearbox] 24 h each
            heartbeats={
                "btc_usd": settings.ONE_DAY,
                "wbtc_btc": settings.ONE_DAY,
                "usdc_usd": settings.ONE_DAY,
            },
        ),
        NetworkPreset(
            "base",
            8453,
            "BAZAAR_BASE_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [aave-chainlink] BTC__USD, [lzero]
                "btc_usd": "0x64c911996D3c6aC71f9b455B1E8E7266BcbD848F",
                "wbtc_btc": None,
                # source: [aave-chainlink] USDC__USD, [lzero]
                "usdc_usd": "0x7e860098F58bBFC8648a4311b374B1D669a2bc6B",
            },
            tokens={
                "wbtc": None,
                # source: [circle], [aave-assets] USDC_UNDERLYING, [gearbox]
                "usdc": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            },
            # source: [chainlink-docs], [aave-chainlink], [lzero]
            sequencer_feed="0xBCF85224fc0756B9Fa45aA7892530B47e10b6433",
            l2=True,
            # source: [lzero] 1200 / 86400 (one source only)
            heartbeats={"btc_usd": 20 * 60, "usdc_usd": settings.ONE_DAY},
            missing={
                "wbtc_btc": _NO_OP_STACK_WBTC_PEG,
                "wbtc": "no WBTC address on Base from its issuer's documentation was found; "
                "cbBTC (Coinbase's BTC token) is not used in its place: it has no cbBTC/BTC "
                "peg feed on Base either, and the suite's peg leg is a WBTC/BTC feed",
            },
        ),
        NetworkPreset(
            "optimism",
            10,
            "BAZAAR_OPTIMISM_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [aave-chainlink] BTC__USD, [chainlink-directory], [lzero]
                "btc_usd": "0xD702DD976Fb76Fffc2D3963D037dfDae5b04E593",
                "wbtc_btc": None,
                # source: [aave-chainlink] USDC__USD, [chainlink-directory], [gearbox], [lzero]
                "usdc_usd": "0x16a9FA2FDa030272Ce99B29CF780dFA30361E0f3",
            },
            tokens={
                # source: [aave-assets] WBTC_UNDERLYING, [gearbox]
                "wbtc": "0x68f180fcCe6836688e9084f035309E29Bf0A2095",
                # source: [circle], [aave-assets] USDCn_UNDERLYING (native), [gearbox]
                "usdc": "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85",
            },
            # source: [chainlink-docs], [chainlink-directory], [aave-chainlink], [lzero]
            sequencer_feed="0x371EAD81c9102C9BF4874A9075FFFf170F2Ee389",
            l2=True,
            # source: [lzero] 1200 (one source only) / 86400; [gearbox] USDC/USD 24 h
            heartbeats={"btc_usd": 20 * 60, "usdc_usd": settings.ONE_DAY},
            missing={"wbtc_btc": _NO_OP_STACK_WBTC_PEG},
        ),
        NetworkPreset(
            "sepolia",
            11155111,
            "BAZAAR_SEPOLIA_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [chainlink-sample]
                "btc_usd": "0x1b44F3514812d835EB1BDB0acB33d3fA3351Ee43",
                "wbtc_btc": None,
                # source: [earlier]
                "usdc_usd": "0xA2F78ab2355fe2f984D808B5CeE7FD0A93D5270E",
            },
            tokens={
                "wbtc": None,
                # source: [circle]
                "usdc": "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238",
            },
            missing=dict(_NO_TESTNET_WBTC),
        ),
        NetworkPreset(
            "base-sepolia",
            84532,
            "BAZAAR_BASE_SEPOLIA_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [earlier]
                "btc_usd": "0x0FB99723Aee6f420beAD13e6bBB79b7E6F034298",
                "wbtc_btc": None,
                # source: [earlier]
                "usdc_usd": "0xd30e2101a97dcbAeBCBC04F14C3f624E67A35165",
            },
            tokens={
                "wbtc": None,
                # source: [circle]
                "usdc": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            },
            l2=True,
            missing={**_NO_TESTNET_WBTC, "sequencer_feed": _NO_TESTNET_SEQUENCER},
        ),
        NetworkPreset(
            "arbitrum-sepolia",
            421614,
            "BAZAAR_ARBITRUM_SEPOLIA_RPC_URL",
            permit2=PERMIT2_ADDRESS,
            feeds={
                # source: [earlier]
                "btc_usd": "0x56a43EB56Da12C0dc1D972ACb089c06a5dEF8e69",
                "wbtc_btc": None,
                # source: [earlier]
                "usdc_usd": "0x0153002d20B96532C639313c2d54c3dA09109309",
            },
            tokens={
                "wbtc": None,
                # source: [circle]
                "usdc": "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d",
            },
            l2=True,
            missing={**_NO_TESTNET_WBTC, "sequencer_feed": _NO_TESTNET_SEQUENCER},
        ),
    )
}


def preset(name: str) -> NetworkPreset:
    """The preset called `name`.

    Raises:
        KeyError: with the known names.
    """
    if name not in PRESETS:
        raise KeyError(f"unknown network {name!r}; known: {', '.join(PRESETS)}")
    return PRESETS[name]


def preset_for_chain(chain_id: int) -> NetworkPreset:
    """The preset of `chain_id`, or an address-less one for an unknown chain (mocks only)."""
    for p in PRESETS.values():
        if p.chain_id == chain_id:
            return p
    return NetworkPreset(
        f"chain-{chain_id}", chain_id, None, feeds=dict(_NO_FEEDS), tokens=dict(_NO_TOKENS)
    )


def public_preset(chain_id: int) -> NetworkPreset | None:
    """The preset of `chain_id` when it is a known public chain (a preset, not a local one)."""
    for p in PRESETS.values():
        if p.chain_id == chain_id and not p.is_local:
            return p
    return None
