"""Network presets: where each network's feeds and tokens are (the oracle limits and every other
setting of the suite are in bazaar/settings.py).

Each preset names the environment variable holding its RPC URL, and the real addresses of the
Chainlink feeds and tokens where they exist. `None` means "none known here": the deployment
then needs `--mocks`, which deploys a mock in its place (never on a chain where the address is
configured).

Feed addresses are Chainlink's proxy addresses. Sources, as found (2026-11):
- Sepolia BTC/USD: the example contract of Chainlink's "Consuming Data Feeds" guide
  (docs.chain.link/data-feeds/getting-started).
- The others were cross-checked in several independent public repositories that cite
  docs.chain.link/data-feeds/price-feeds/addresses, not read from that page itself. Chainlink
  reuses addresses across its testnets for different pairs (0x0FB9... is BTC/USD on Base
  Sepolia but LINK/USD on Arbitrum Sepolia), so `bazaar deploy` reads each configured feed's
  `description()` and `decimals()` and refuses a mismatch before sending anything.
- No WBTC/BTC feed and no WBTC token are known on these testnets (WBTC/BTC exists on mainnets
  only): left None, so WBTC needs --mocks there. L2 sequencer-uptime feeds for the testnets
  could not be verified: left None (no sequencer check) with a TODO for mainnet presets.
- USDC tokens: Circle's testnet USDC, cross-checked in several public repositories.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

LOCAL_CHAIN_IDS = (31337, 1337)


@dataclass(frozen=True)
class NetworkPreset:
    name: str
    chain_id: int
    rpc_env: str | None  # environment variable holding the RPC URL
    default_rpc: str | None = None
    feeds: dict[str, str | None] = field(default_factory=dict)  # btc_usd, wbtc_btc, usdc_usd
    tokens: dict[str, str | None] = field(default_factory=dict)  # wbtc, usdc
    sequencer_feed: str | None = None

    @property
    def is_local(self) -> bool:
        return self.chain_id in LOCAL_CHAIN_IDS

    def rpc_url(self) -> str | None:
        """The RPC URL from the preset's environment variable, else its default."""
        if self.rpc_env and os.environ.get(self.rpc_env):
            return os.environ[self.rpc_env]
        return self.default_rpc


_NO_FEEDS = {"btc_usd": None, "wbtc_btc": None, "usdc_usd": None}
_NO_TOKENS = {"wbtc": None, "usdc": None}

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
            "sepolia",
            11155111,
            "BAZAAR_SEPOLIA_RPC_URL",
            feeds={
                "btc_usd": "0x1b44F3514812d835EB1BDB0acB33d3fA3351Ee43",
                "wbtc_btc": None,
                "usdc_usd": "0xA2F78ab2355fe2f984D808B5CeE7FD0A93D5270E",
            },
            tokens={"wbtc": None, "usdc": "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"},
        ),
        NetworkPreset(
            "base-sepolia",
            84532,
            "BAZAAR_BASE_SEPOLIA_RPC_URL",
            feeds={
                "btc_usd": "0x0FB99723Aee6f420beAD13e6bBB79b7E6F034298",
                "wbtc_btc": None,
                "usdc_usd": "0xd30e2101a97dcbAeBCBC04F14C3f624E67A35165",
            },
            tokens={"wbtc": None, "usdc": "0x036CbD53842c5426634e7929541eC2318f3dCF7e"},
        ),
        NetworkPreset(
            "arbitrum-sepolia",
            421614,
            "BAZAAR_ARBITRUM_SEPOLIA_RPC_URL",
            feeds={
                "btc_usd": "0x56a43EB56Da12C0dc1D972ACb089c06a5dEF8e69",
                "wbtc_btc": None,
                "usdc_usd": "0x0153002d20B96532C639313c2d54c3dA09109309",
            },
            tokens={"wbtc": None, "usdc": "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d"},
            # TODO: the Arbitrum Sepolia sequencer-uptime feed, once verified.
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
