"""Governance's actions: oracle versions and outages, the marketplace's settings."""

from __future__ import annotations

from brownie import ZERO_ADDRESS

from tests.invariant.model import (
    BPS,
    MAX_VERSION_DEVIATION_BPS,
    NORMAL,
    OUTAGE_CONFIRMATION_SECONDS,
    Version,
)
from tests.invariant.system.core import SystemCore
from tests.invariant.system.world import (
    STATS,
)


class GovernanceActions(SystemCore):
    """What the owner (the DAO in production) and the keeper of outages do."""

    def record_outage(self, token: str, version: int, caller: str) -> None:
        """recordOutage: records that `version` cannot be read for settlement (keeps an
        earlier record), or clears the record once it can."""
        m = self.m
        key = (token, version)
        readable = m.oracle.settlement_quote(m.tokens[token], version, 0, self.next_ts)
        since, seen = m.oracle.outages.get(key, (0, 0))
        expect = "OracleNoOutage" if readable is not None and not since else None
        fn = self.w.oracle.recordOutage
        tx = self.send(fn, token, version, sender=caller, expect=expect)
        if tx is None:
            return
        if readable is None:
            if not since or m.now - seen > OUTAGE_CONFIRMATION_SECONDS:
                since = m.now  # none, or a gap in the record: the outage starts now
                assert tx.events["OutageRecorded"]["since"] == m.now
                STATS["outages recorded"] += 1
            else:
                assert tx.events["OutageConfirmed"]["since"] == since
                STATS["outages seen again"] += 1
            m.oracle.outages[key] = (since, m.now)
        else:
            del m.oracle.outages[key]
            assert tx.events["OutageCleared"]["since"] == since
            STATS["outages cleared"] += 1

    def _outage_report(self) -> list:
        m = self.m
        return [
            (
                key,
                m.oracle.outages[key],
                m.oracle.price(m.tokens[key[0]], key[1], self.next_ts, True),
            )
            for key in m.oracle.outages
        ]

    def keep_outages_seen(self, keys: list[tuple[str, int]], target: int) -> None:
        """Someone sees each of these outages again at least daily until the next transaction
        lands at `target` (a record not seen for a day vouches for nothing)."""
        admin = str(self.w.admin)
        while target - self.m.now > OUTAGE_CONFIRMATION_SECONDS - 600:
            self.advance(OUTAGE_CONFIRMATION_SECONDS - 1_200)
            for token, version in keys:
                self.record_outage(token, version, admin)

    def configure_version(self, token: str, version: Version) -> None:
        """Governance adds a configuration version for new quotes: it must quote now, within
        5 % of the latest version (when that one can be read with the settlement rules)."""
        m, w, now = self.m, self.w, self.next_ts
        t = m.tokens[token]
        latest = m.oracle.whole_token_usd(t, t.latest, now, settlement=True)
        t.versions.append(version)
        new = m.oracle.whole_token_usd(t, t.latest, now, settlement=False)
        expect = None
        legs = [version.peg_feed, version.usd_feed]
        if any(key and m.oracle.feeds[key].mode != NORMAL for key in legs):
            expect = "OracleFeedCallFailed"  # its decimals are read and recorded first
        elif new is None:
            expect = "OracleNewVersionUnreadable"
        elif latest is not None and abs(new - latest) * BPS > latest * MAX_VERSION_DEVIATION_BPS:
            expect = "OracleVersionDeviation"
        if expect is not None:
            t.versions.pop()

        def leg(key):
            if key is None:
                return (ZERO_ADDRESS, 0, 0, 0)
            return (w.feeds[key].address, *w.feed_limits[key])

        config = (leg(version.usd_feed), leg(version.peg_feed), version.depeg_floor)
        tx = self.send(w.oracle.configureToken, token, config, sender=w.admin, expect=expect)
        if tx is None:
            STATS[f"versions refused: {expect}"] += 1
            return
        event = tx.events["TokenConfigured"]
        assert (event["version"], event["deviationChecked"]) == (t.latest, latest is not None)
        STATS["oracle versions added"] += 1

    # --- the test stablecoin's admin ------------------------------------------------------------

    def set_busd_paused(self, paused: bool) -> None:
        self.send(self.w.busd.setPaused, paused, sender=self.w.admin)
        self.m.busd_paused = paused

    def set_blacklisted(self, account: str, blocked: bool) -> None:
        self.send(self.w.busd.setBlacklisted, account, blocked, sender=self.w.admin)
        (self.m.blacklisted.add if blocked else self.m.blacklisted.discard)(account)

    # --- governance -------------------------------------------------------------------------

    def set_fees(self, fee_bps: int, arbiter_fee_bps: int) -> None:
        self.send(self.w.market.setFees, fee_bps, arbiter_fee_bps, sender=self.w.admin)
        self.m.config.fee_bps, self.m.config.arbiter_fee_bps = fee_bps, arbiter_fee_bps

    def set_windows(self, fulfilment: int, confirm: int, ruling: int, digital: int) -> None:
        admin, config = self.w.admin, self.m.config
        self.send(self.w.market.setWindows, fulfilment, confirm, ruling, sender=admin)
        self.send(self.w.market.setDigitalWindow, digital, sender=admin)
        config.fulfilment_window, config.confirm_window = fulfilment, confirm
        config.ruling_window, config.digital_window = ruling, digital

    def set_paused(self, paused: bool) -> None:
        self.send(self.w.market.setPaused, paused, sender=self.w.admin)
        self.m.config.paused = paused

    def set_arbiter(self, account: str, active: bool) -> None:
        arbiters = self.m.arbiters
        expect = None
        if (account in arbiters) == active:
            expect = "MarketplaceArbiterUnchanged"
        elif not active and len(arbiters) <= 1:
            expect = "MarketplaceTooFewArbiters"
        fn = self.w.market.setArbiter
        if self.send(fn, account, active, sender=self.w.admin, expect=expect) is not None:
            (arbiters.add if active else arbiters.discard)(account)

    def set_mint_config(
        self, order_cap: int, epoch_cap: int, account_cap: int, review: int
    ) -> None:
        """Caps and review points: they apply at minting time, to orders in flight too."""
        args = (order_cap, epoch_cap, account_cap, review)
        self.send(self.w.points.setMintConfig, *args, sender=self.w.admin)
        mint = self.m.mint
        mint.order_cap, mint.epoch_cap, mint.account_epoch_cap, mint.review_points = args

    def set_points_rate(self, per_usd: int) -> None:
        """The reward rate of new orders (orders in flight keep theirs, in their terms)."""
        expect = "MarketplacePointsRateOutOfRange" if per_usd > 10 else None
        fn = self.w.market.setPointsRate
        if self.send(fn, per_usd, sender=self.w.admin, expect=expect) is not None:
            self.m.config.points_per_usd = per_usd

    def set_fee_share(self, share_bps: int) -> None:
        expect = "MarketplaceStakerShareOutOfRange" if share_bps > 5_000 else None
        args = (self.w.staking.address, share_bps)
        if self.send(self.w.market.setFeeShare, *args, sender=self.w.admin, expect=expect):
            self.m.config.staker_share_bps = share_bps

    def set_staking_windows(self, cooldown: int, window: int) -> None:
        self.send(self.w.staking.setCooldown, cooldown, sender=self.w.admin)
        self.send(self.w.staking.setWithdrawWindow, window, sender=self.w.admin)
        self.m.staking.cooldown, self.m.staking.window = cooldown, window

    # --- points and staking ---------------------------------------------------------------------
