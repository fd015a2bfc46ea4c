"""The points and staking actions: transfers, stakes, unstakes, delegation, rewards."""

from __future__ import annotations

from tests.invariant.system.core import SystemCore
from tests.invariant.system.world import (
    STATS,
)


class StakingActions(SystemCore):
    """What holders of points and stakers do."""

    def transfer_points(self, source: str, target: str, amount: int) -> None:
        expect = "ERC20InsufficientBalance" if self.m.points.get(source, 0) < amount else None
        fn = self.w.points.transfer
        if self.send(fn, target, amount, sender=source, expect=expect) is not None:
            self.m.move_points(source, target, amount)

    def stake(self, account: str, amount: int) -> None:
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif self.m.points.get(account, 0) < amount:
            expect = "ERC20InsufficientBalance"
        tx = self.send(self.w.staking.stake, amount, sender=account, expect=expect)
        if tx is None:
            return
        self.m.staking.stake(account, amount, self.m.now)
        self.m.move_points(account, self.w.staking.address, amount)
        assert tx.events["Staked"]["staked"] == self.m.staking.staked[account]
        STATS["stakes"] += 1

    def request_unstake(self, account: str, amount: int) -> None:
        staked = self.m.staking.staked.get(account, 0)
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif amount > staked:
            expect = "StakingInsufficientStake"
        fn = self.w.staking.requestUnstake
        tx = self.send(fn, amount, sender=account, expect=expect)
        if tx is None:
            return
        pending = self.m.staking.request_unstake(account, amount, self.m.now)
        event = tx.events["UnstakeRequested"]
        got = (event["pending"], event["readyAt"], event["closesAt"])
        assert got == (pending.amount, pending.ready_at, pending.closes_at)
        STATS["unstake requests"] += 1

    def withdraw(self, account: str) -> None:
        now, staking = self.next_ts, self.m.staking
        pending = staking.pending.get(account)
        expect = None
        if pending is None:
            expect = "StakingNothingPending"
        elif now < pending.ready_at:
            expect = "StakingCooldownNotOver"
        elif now > pending.closes_at:
            expect = "StakingWindowClosed"
        if self.send(self.w.staking.withdraw, sender=account, expect=expect) is not None:
            del staking.pending[account]
            self.m.move_points(self.w.staking.address, account, pending.amount)
            STATS["withdrawals"] += 1

    def cancel_unstake(self, account: str) -> None:
        expect = None if account in self.m.staking.pending else "StakingNothingPending"
        if self.send(self.w.staking.cancelUnstake, sender=account, expect=expect) is not None:
            self.m.staking.cancel_unstake(account, self.m.now)
            STATS["unstakes cancelled"] += 1

    def activate(self, account: str, caller: str) -> None:
        staking = self.m.staking
        matured = staking.matured(account, self.next_ts)
        expect = None if matured else "StakingNothingToActivate"
        tx = self.send(self.w.staking.activate, account, sender=caller, expect=expect)
        if tx is None:
            return
        amount = staking.activate(account, self.m.now)
        assert tx.events["StakeActivated"]["amount"] == amount > 0
        STATS["activations"] += 1

    def delegate(self, account: str, target: str) -> None:
        self.send(self.w.staking.delegate, target, sender=account)
        self.m.staking.delegate(account, target, self.m.now)
        STATS["delegations"] += 1

    def deposit_rewards(self, account: str, token: str, amount: int) -> None:
        expect = None
        if amount == 0:
            expect = "StakingZeroAmount"
        elif token not in self.m.staking.reward_tokens:
            expect = "StakingRewardTokenUnknown"
        elif self.m.balance(token, account) < amount:
            expect = "ERC20InsufficientBalance"
        fn = self.w.staking.depositRewards
        if self.send(fn, token, amount, sender=account, expect=expect) is not None:
            self.m.staking.deposit(token, amount, self.m.now)
            self.m.move(token, account, self.w.staking.address, amount)
            STATS["reward deposits"] += 1

    def claim_rewards(self, account: str, token: str, to: str) -> None:
        staking = self.m.staking
        # a matured bucket is activated first, in the same second: it adds nothing yet
        earned = staking.earned(account, token, self.next_ts)
        expect = "StakingNothingToClaim" if earned == 0 else None
        tx = self.send(self.w.staking.claimRewards, token, to, sender=account, expect=expect)
        if tx is None:
            return
        assert tx.events["RewardsClaimed"]["amount"] == earned
        assert staking.claim(account, token, self.m.now) == earned
        self.m.move(token, self.w.staking.address, to, earned)
        STATS["reward claims"] += 1

    # --- the end of an example: everyone leaves --------------------------------------------------
