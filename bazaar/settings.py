"""The suite's numbers, written once: units, basis points, oracle limits, the staking, governor
and timelock settings, the fee share and the DAO hand-over's salt.

`bazaar deploy` (bazaar/deploy/suite.py) deploys with them, and so does the local suite of the
demo, the bench, the invariant machine and the test fixtures (tools/local/suite.py, which runs
the same plan); tests and tools import them from here instead of restating them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# -- units -----------------------------------------------------------------------------------

ONE_HOUR = 3_600  # seconds
ONE_DAY = 86_400
ONE_WEEK = 7 * ONE_DAY
USD = 10**8  # USD amounts, prices and USD feed answers carry 8 decimals
SATS = 10**8  # satoshis per bitcoin: WBTC's 8 decimals
POINT = 10**18  # reward points carry 18 decimals
BPS = 10_000  # basis points in a whole
USD_FEED_DECIMALS = 8  # every USD-quoted feed the suite uses reports 8 decimals

# -- the oracle ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegLimits:
    """Limits of one feed leg (IWbtcUsdOracle.LegInput without the feed address). Bounds carry
    8 decimals whatever the feed's decimals."""

    max_staleness: int  # seconds
    min_answer: int
    max_answer: int

    def leg(self, feed: object) -> tuple[object, int, int, int]:
        """The LegInput tuple (feed, maxStaleness, minAnswer, maxAnswer) for `feed`."""
        return (feed, self.max_staleness, self.min_answer, self.max_answer)


# BTC/USD: 1 h heartbeat, sane between $100 and $100M.
BTC_USD_LIMITS = LegLimits(ONE_HOUR, 100 * USD, 100_000_000 * USD)
# Pegs (WBTC/BTC, USDC/USD): 24 h heartbeat, sane between 0.5 and 2.0.
PEG_LIMITS = LegLimits(ONE_DAY, 50_000_000, 200_000_000)
# Each feed's limits. A network preset with its feeds' published heartbeats sets its own
# staleness instead (bazaar/networks.py, `NetworkPreset.staleness`); the bounds stay these.
FEED_LIMITS = {"btc_usd": BTC_USD_LIMITS, "wbtc_btc": PEG_LIMITS, "usdc_usd": PEG_LIMITS}
# New quotes halt when a token trades below 0.98 of its reference.
DEPEG_FLOOR = 98_000_000
# L2s: how long after the sequencer comes back before quotes resume.
SEQUENCER_GRACE_PERIOD = ONE_HOUR

# What each feed reports (its `description()`, checked on real networks before deploying), and
# the answers mock feeds start at (8 decimals).
FEED_DESCRIPTIONS = {"btc_usd": "BTC / USD", "wbtc_btc": "WBTC / BTC", "usdc_usd": "USDC / USD"}
MOCK_ANSWERS = {"btc_usd": 100_000 * USD, "wbtc_btc": USD, "usdc_usd": USD}

# -- the DAO ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GovernorSettings:
    """BazaarGovernor's constructor settings (seconds and point units)."""

    voting_delay: int = ONE_DAY
    voting_period: int = 3 * ONE_DAY
    proposal_threshold: int = 100 * POINT
    quorum_percent: int = 4
    late_quorum_extension: int = ONE_DAY  # voting extended when quorum is reached late

    def as_args(self) -> tuple[int, int, int, int, int]:
        """The constructor arguments after the votes token and the timelock, in order."""
        return (
            self.voting_delay,
            self.voting_period,
            self.proposal_threshold,
            self.quorum_percent,
            self.late_quorum_extension,
        )


@dataclass(frozen=True)
class StakingSettings:
    """PointsStaking's constructor settings (seconds): votes count `warmup` after staking;
    unstaking waits `cooldown`, then may withdraw during `window`."""

    warmup: int = 2 * ONE_DAY
    cooldown: int = 7 * ONE_DAY
    window: int = 2 * ONE_DAY


GOVERNOR_SETTINGS = GovernorSettings()
STAKING_SETTINGS = StakingSettings()
# The timelock's minimum delay once the DAO owns the suite (it starts at 0 for the hand-over).
TIMELOCK_DELAY = 2 * ONE_DAY
# Share of the platform fees streamed to stakers (EscrowMarketplace.setFeeShare; at most
# MAX_STAKER_SHARE_BPS = 5,000): 20 %, the rest to the treasury.
STAKER_SHARE_BPS = 2_000
# The salt of the hand-over's timelock batch (accept every ownership, set the delay): a fixed
# value, so the batch's operation id is the same in every deployment of the suite. It is
# keccak256("btc-bazaar hand-over"), written out so that importing the settings loads no
# hashing library (`bazaar --help` stays fast); tests/client/test_client_units.py checks it.
HANDOVER_SALT = bytes.fromhex("e49811988f6902342471b11bdfc6bbd13484d0fe0421ebb9b0986b2c4c1d6372")
# The environment variable the CLI reads keystore passwords from.
PASSWORD_ENV = "BAZAAR_KEYSTORE_PASSWORD"


# The index (bazaar index): its database URL from here when set, else the default file below.
INDEX_URL_ENV = "BAZAAR_INDEX_URL"
# The storefront server (bazaar serve) that `catalogue upload` and `list --document` upload
# to, when no --server is given.
SERVER_URL_ENV = "BAZAAR_SERVER_URL"


def default_index_path(chain_id: int) -> Path:
    """Where the default index of a chain is: an SQLite file in the user's data folder."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "bazaar" / f"index-{chain_id}.sqlite"
