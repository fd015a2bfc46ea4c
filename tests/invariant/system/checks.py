"""The invariants: the model against the contracts' views after each step, and every order's
exit once timeouts pass."""

from __future__ import annotations

import collections
import copy

from brownie import ZERO_ADDRESS, web3

from tests.invariant.model import (
    BPS,
    DISPUTED,
    FLAG_SELLER_DISPUTED_UNSHIPPED,
    MAX_WINDOW_SECONDS,
    NORMAL,
    OPEN,
    PAID,
    SETTLEMENT_OUTAGE_SECONDS,
    SHIPPED,
    STATUS_NAMES,
    Order,
    complete_split,
    ruling_split,
)
from tests.invariant.system.core import SystemCore
from tests.invariant.system.world import (
    STATS,
    TX_GAS,
)


class Checks(SystemCore):
    """Reads the contracts in one batch and compares them with the model."""

    def drain(self) -> None:
        """Every open order is ended by a third party after its timeout, every credit and fee
        is paid out, every stake is withdrawn and every reward claimed; then the marketplace
        holds nothing and the staking contract holds only the rewards not streamed yet (the
        stream pauses once nobody earns) and rounding dust. A feed still failing stays down
        through the timeouts: USD-protected orders it prices leave by the outage path (an
        outage recorded, three days waited, the locked amount settled); then it returns and
        every outage record is cleared."""
        m, w = self.m, self.w
        if m.busd_paused:
            self.set_busd_paused(False)
        for account in sorted(m.blacklisted):
            self.set_blacklisted(account, False)
        last = max((o.deadline for o in m.open_orders()), default=m.now)
        self.advance(max(last - m.now, 0) + 1)
        self.refresh_feeds()
        admin = str(w.admin)
        waiting = sorted(
            {
                (o.token, o.version)
                for o in m.open_orders()
                if o.status in (SHIPPED, DISPUTED)
                and o.buffer_bps
                and m.oracle.settlement_quote(m.tokens[o.token], o.version, 0, self.next_ts) is None
            }
        )
        for token, version in waiting:
            self.record_outage(token, version, admin)
        if waiting:
            target = max(m.oracle.outages[key][0] for key in waiting) + SETTLEMENT_OUTAGE_SECONDS
            self.keep_outages_seen(waiting, target)
            self.advance(target - m.now)
            self.refresh_feeds()
            STATS["drains through an outage"] += 1
        exits = {PAID: self.reclaim, SHIPPED: self.release, DISPUTED: self.resolve_after_timeout}
        for order in m.open_orders():
            exits[order.status](order, admin)
        for key, feed in m.oracle.feeds.items():
            if feed.mode != NORMAL:
                self.set_feed_mode(key, NORMAL)
        self.refresh_feeds()
        for token, version in sorted(m.oracle.outages):
            self.record_outage(token, version, admin)  # readable again: cleared
        for (account, token), credit in list(m.credits.items()):
            if credit:
                self.claim(account, token, account)
        for token in w.token_addresses:
            if m.fees.get(token):
                self.withdraw_fees(token)
            if m.strays.get(token):
                self.sweep(token, admin)
        for token in w.token_addresses:
            assert m.balance(token, w.market.address) == 0, "the marketplace still holds tokens"
        assert m.points.get(w.market.address, 0) == 0, "the marketplace still holds points"
        # A record may stay only for a version that still cannot be read (e.g. its feed's
        # answer drifted out of that version's sanity bounds): an outage that goes on.
        assert all(error for _, _, (error, _, _) in self._outage_report()), (
            f"outage records left for readable versions: {self._outage_report()}"
        )

        staking = m.staking
        for account in list(staking.pending):
            self.cancel_unstake(account)  # back into the stake (its window may have closed)
        for account, staked in list(staking.staked.items()):
            if staked:
                self.request_unstake(account, staked)
        if staking.pending:
            self.advance(max(p.ready_at for p in staking.pending.values()) - m.now)
            for account in list(staking.pending):
                self.withdraw(account)
        for account in w.accounts:
            for token in staking.reward_tokens:
                if staking.earned(account, token, self.next_ts):
                    self.claim_rewards(account, token, account)
        assert m.points.get(w.staking.address, 0) == 0, "the staking contract still holds points"
        STATS["drains"] += 1
        self.check_all()

    # --- invariants ----------------------------------------------------------------------------

    def vote_queries(self) -> list[tuple[str, int]]:
        """(account, past timepoint) pairs: just before now, and around each account's last
        two checkpoints and the ends of their warm-ups (the boundaries of the rule)."""
        staking, now = self.m.staking, self.m.now
        queries = []
        for account in self.w.accounts:
            times = {now - 1}
            trace = staking.units.get(account)
            for key in trace.keys[-2:] if trace else []:
                times |= {key - 1, key, key + staking.warmup - 1, key + staking.warmup}
            queries += [(account, t) for t in sorted(times) if 0 <= t < now]
        return queries

    def read(self, watched: list[Order], queries: list[tuple[str, int]]):
        """Every view the invariants need, in one `eth_call` to the probe, batched with the
        timeout-exit simulations of the open orders (one round trip). Returns the probe's
        snapshot and the raw answers of the simulations."""
        w = self.w
        system = (w.market, w.points, w.staking, w.reward_tokens)
        ids = [o.id for o in watched]
        voters = [a for a, _ in queries]
        times = [t for _, t in queries]
        listings = sorted(self.m.listings)
        args = (system, w.token_addresses, w.accounts, ids, (voters, times, listings))
        call = {"to": w.probe.address, "data": w.probe.read.encode_input(*args)}
        requests = [("eth_call", [call, "latest"]), *self.exit_calls(watched)]
        probe, *exits = web3.provider.make_batch_request(requests)
        if "error" in probe:
            raise RuntimeError(f"the probe failed: {probe['error']}")
        return w.probe.read.decode_output(probe["result"]), exits

    def check_all(self) -> None:
        """Reads every view once and checks the five money invariants, and that the
        model (every prediction so far) agrees with the chain."""
        m = self.m
        watched = [o for o in m.orders.values() if o.open or o.id in self.touched]
        queries = self.vote_queries()
        s, exits = self.read(watched, queries)
        assert s["timestamp"] == m.now, f"block time {s['timestamp']} != model {m.now}"
        self.check_orders_as_predicted(s, watched)
        self.check_marketplace_holds_escrows_credits_and_fees(s, watched)
        self.check_timeout_exits([o for o in watched if o.open], exits)
        self.check_listings_as_predicted(s)
        self.check_points_supply_is_minted_minus_burned(s)
        self.check_staking_holds_stakes_and_pending_unstakes(s)
        self.check_no_votes_beyond_staked_points(s, queries)
        self.touched = set()
        self.dirty = False
        STATS["invariant checks"] += 1

    def check_orders_as_predicted(self, s, watched: list[Order]) -> None:
        for order, view in zip(watched, s["orders"], strict=True):
            expected = (order.amount, order.deadline, order.status, order.points_escrowed)
            got = (view["amount"], view["deadline"], view["status"], view["pointsEscrowed"])
            assert got == expected, f"order {order.id[:10]}: chain {got} != model {expected}"
            assert view["flags"] == order.flags, f"order {order.id[:10]} flags"

    def check_listings_as_predicted(self, s) -> None:
        """Every listing's stock (sales take it, undone physical orders put it back)."""
        expected = [self.m.listings[i].stock for i in sorted(self.m.listings)]
        assert list(s["listingStocks"]) == expected, "listing stocks"

    def check_marketplace_holds_escrows_credits_and_fees(self, s, watched: list[Order]) -> None:
        """The marketplace's balance of each token = open escrows + credits + fees (+ what
        was sent to it by mistake, until swept), to the unit: from the contract's own books,
        from its per-order views, and from the model."""
        m, w = self.m, self.w
        accounts = w.accounts
        n = len(accounts)
        for t, token in enumerate(w.token_addresses):
            symbol = m.tokens[token].symbol
            balance = s["marketBalances"][t]
            escrow_view = sum(
                view["amount"]
                for order, view in zip(watched, s["orders"], strict=True)
                if order.token == token
            )
            credits_view = sum(s["credits"][t * n : (t + 1) * n])
            fees_view = s["fees"][t]
            stray = m.strays.get(token, 0)
            assert balance == escrow_view + credits_view + fees_view + stray, (
                f"{symbol}: the marketplace holds {balance}, but open escrows {escrow_view} + "
                f"credits {credits_view} + fees {fees_view} + stray {stray} = "
                f"{escrow_view + credits_view + fees_view + stray}"
            )
            assert s["escrowed"][t] == escrow_view, f"{symbol}: the book's escrow"
            assert s["creditsOutstanding"][t] == credits_view, f"{symbol}: the book's credits"
            escrow = sum(o.amount for o in m.open_orders() if o.token == token)
            credits = [m.credits.get((a, token), 0) for a in accounts]
            fees = m.fees.get(token, 0)
            owed = escrow + sum(credits) + fees
            assert balance == owed + stray == m.balance(token, w.market.address), (
                f"{symbol}: the model's escrows {escrow} + credits {sum(credits)} + fees {fees}"
                f" + stray {stray} != the balance {balance}"
            )
            assert list(s["credits"][t * n : (t + 1) * n]) == credits, f"{symbol} credits"
            assert fees_view == fees, f"{symbol} fees"
            balances = [m.balance(token, a) for a in accounts]
            assert list(s["tokenBalances"][t * n : (t + 1) * n]) == balances, f"{symbol} balances"

    def check_points_supply_is_minted_minus_burned(self, s) -> None:
        """Points supply = minted - burned (the Transfer events, and the model's predictions);
        the marketplace holds exactly the points escrowed by open orders."""
        m, w = self.m, self.w
        assert s["pointsSupply"] == m.initial_points_supply + m.seen_minted - m.seen_burned, (
            f"points supply {s['pointsSupply']} != minted {m.seen_minted} - burned "
            f"{m.seen_burned} (+ {m.initial_points_supply} at the start)"
        )
        assert (m.minted, m.burned) == (m.seen_minted, m.seen_burned), "points minted/burned"
        assert s["pointsSupply"] == m.points_supply
        escrowed = sum(o.points_escrowed for o in m.open_orders())
        assert s["pointsInMarket"] == escrowed == m.points.get(w.market.address, 0), (
            "the points the marketplace holds are not the open orders' escrowed points"
        )
        assert list(s["pointBalances"]) == [m.points.get(a, 0) for a in w.accounts]

    def check_staking_holds_stakes_and_pending_unstakes(self, s) -> None:
        """Staked points = the staking contract's points balance: its total stake plus the
        pending unstakes (its own views, and the model); each position and reward as
        predicted; the rewards owed are covered."""
        m, w = self.m, self.w
        staking = m.staking
        pending_view = sum(stake["pending"]["amount"] for stake in s["stakes"])
        assert s["pointsInStaking"] == s["totalStaked"] + pending_view, (
            f"staking holds {s['pointsInStaking']} points but staked {s['totalStaked']} + "
            f"pending {pending_view}"
        )
        assert s["totalStaked"] == staking.total_staked() == sum(staking.staked.values())
        assert pending_view == staking.total_pending()
        assert s["pointsInStaking"] == m.points.get(w.staking.address, 0)
        for account, stake in zip(w.accounts, s["stakes"], strict=True):
            pending = staking.pending.get(account)
            expected = (
                (pending.amount, pending.ready_at, pending.closes_at) if pending else (0,) * 3
            )
            assert tuple(stake["pending"]) == expected, f"{account} pending unstake"
            assert stake["staked"] == staking.staked.get(account, 0), f"{account} stake"
            earned = [staking.earned(account, token, m.now) for token in w.reward_tokens]
            assert list(stake["earned"]) == earned, f"{account} earned rewards"
            assert stake["delegatee"] == staking.delegatee.get(account, ZERO_ADDRESS)
        for k, token in enumerate(w.reward_tokens):
            symbol = m.tokens[token].symbol
            owed = sum(stake["earned"][k] for stake in s["stakes"])
            undistributed, held = s["undistributed"][k], s["rewardBalances"][k]
            assert undistributed == staking.remaining(token, m.now), f"{symbol} not streamed yet"
            assert owed + undistributed <= held, f"{symbol} rewards not covered"
            assert held == m.balance(token, w.staking.address), f"{symbol} held by staking"

    def check_no_votes_beyond_staked_points(self, s, queries) -> None:
        """No account's votes exceed its staked points (with delegation: the staked points
        delegated to it), now and at past timepoints; and each equals the warm-up rule's
        min(delegated units at t, at t - W)."""
        m, w = self.m, self.w
        staking = m.staking
        delegated = collections.Counter()
        for stake in s["stakes"]:
            delegated[stake["delegatee"]] += stake["staked"]
        for account, stake in zip(w.accounts, s["stakes"], strict=True):
            others = any(
                b != account and staking.delegatee.get(b) == account and staking.staked.get(b)
                for b in w.accounts
            )
            limit = delegated[account] if others else stake["staked"]
            assert stake["votes"] <= limit, (
                f"{account} has {stake['votes']} votes but {limit} staked points"
            )
            assert stake["votes"] == staking.votes_at(account, m.now), f"{account} votes now"
        assert sum(stake["votes"] for stake in s["stakes"]) <= s["totalStaked"]
        votes_at = collections.defaultdict(int)
        for (account, t), votes, total in zip(
            queries, s["pastVotes"], s["pastTotalSupply"], strict=True
        ):
            units = staking.delegated_units(account, t)
            assert votes <= units, (
                f"{account} had {votes} votes at {t} but {units} staked points delegated to it"
            )
            assert votes == staking.votes_at(account, t), f"{account} votes at {t}"
            assert total == staking.total_at(t), f"total supply at {t}: model {staking.total_at(t)}"
            votes_at[t] += votes
            # against the exact staked total at t (getPastTotalSupply samples it daily, so
            # votes may exceed it by what was staked earlier on the day of t - W)
            assert votes_at[t] <= staking.total.at(t), f"more votes than staked points at {t}"

    def exit_time(self, order: Order) -> int:
        return max(order.deadline + 1, self.m.now + 1)

    def fresh_feeds_at(self, t: int):
        """(the model's oracle, the `eth_call` state override) as if a keeper published a
        fresh round of every working feed at `t` (a failing feed stays failing)."""
        oracle = copy.deepcopy(self.m.oracle)
        override = {}
        for key, feed in oracle.feeds.items():
            if feed.mode != NORMAL:
                continue
            feed.updated_at = t
            # MockAggregator's slot 0: round id, startedAt, updatedAt, mode, decimals
            slot = 1 | t << 80 | t << 144 | NORMAL << 208 | 8 << 216
            override[self.w.feeds[key].address] = {
                "stateDiff": {"0x" + "00" * 32: f"0x{slot:064x}"}
            }
        return oracle, override

    def exit_error(self, order: Order, oracle, t: int) -> str | None:
        """The predicted answer of the order's timeout exit at `t` given `oracle`."""
        token = self.m.tokens[order.token]
        if order.status == SHIPPED:
            return complete_split(order, oracle, token, t).error
        if order.status == DISPUTED:
            share = BPS if order.flags & FLAG_SELLER_DISPUTED_UNSHIPPED else BPS // 2
            return ruling_split(order, oracle, token, t, share, True).error
        return None

    def exit_calls(self, orders: list[Order]) -> list:
        """For each open order, its timeout exit (`reclaim`, `release`, `resolveAfterTimeout`)
        called by a third party one second after its deadline (or now, if later), with the
        working feeds freshly published then, as an `eth_call` with block-time and state
        overrides: nothing is mined."""
        market, admin = self.w.market, str(self.w.admin)
        exits = {
            PAID: market.reclaim,
            SHIPPED: market.release,
            DISPUTED: market.resolveAfterTimeout,
        }
        requests = []
        for order in orders:
            if not order.open:
                continue
            call = {
                "from": admin,
                "to": market.address,
                "data": exits[order.status].encode_input(order.args),
                "gas": TX_GAS,
            }
            at = self.exit_time(order)
            _, override = self.fresh_feeds_at(at)
            requests.append(("eth_call", [call, "latest", override, {"time": hex(at)}]))
        return requests

    def check_timeout_exits(self, orders: list[Order], answers: list[dict]) -> None:
        """Every open order has a path to a final state that needs no cooperation from the
        other party once its timeout passes: its deadline is set (and at most the longest
        window ahead), and its exit goes through for a third party after it (with the feeds
        published on time). A USD-protected order whose feed has failed waits for the outage
        path instead: its exit is refused for the price only, and the outage can be recorded
        now (the drain at the end of every example takes that path to the end)."""
        now = self.m.now
        for order, answer in zip(orders, answers, strict=True):
            assert order.status in OPEN
            assert order.deadline <= now + MAX_WINDOW_SECONDS, (
                f"order {order.id[:10]} ({STATUS_NAMES[order.status]}) has deadline "
                f"{order.deadline}, now is {now}"
            )
            at = self.exit_time(order)
            oracle, _ = self.fresh_feeds_at(at)
            expected = self.exit_error(order, oracle, at)
            got = self.errors.name(answer["error"]) if "error" in answer else None
            assert got == expected, (
                f"order {order.id[:10]} ({STATUS_NAMES[order.status]}, deadline "
                f"{order.deadline}): timeout exit {got}, model {expected}"
            )
            if expected is not None:
                assert expected == "MarketplaceSettlementPriceUnavailable"
                token = self.m.tokens[order.token]
                assert self.m.oracle.settlement_quote(token, order.version, 0, now + 1) is None
                STATS["timeout exits waiting for the outage path"] += 1
        STATS["timeout exits simulated"] += len(orders)
