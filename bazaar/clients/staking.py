"""Points staking: stake (approving first when needed), request an unstake, withdraw it or
cancel it, and an account's position. Amounts are point units (18 decimals). The staking
contract checks its own rules (amounts, cooldown, window): each transaction is preflighted and
a refusal comes back as its decoded error."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from web3.types import TxReceipt

from bazaar.clients.base import ContractClient
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.points import PointsClient
from bazaar.errors import BazaarError
from bazaar.signing import eip712
from bazaar.signing.delegations import SignedDelegation
from bazaar.signing.eip712 import Domain
from bazaar.units import checksum


@dataclass(frozen=True)
class PendingUnstake:
    """IPointsStaking.Pending: points in cooldown, withdrawable from `ready_at` to
    `closes_at` (Unix seconds)."""

    amount: int
    ready_at: int
    closes_at: int


@dataclass(frozen=True)
class Position:
    """An account's stake now."""

    account: str
    staked: int
    votes: int  # current votes (after the warm-up rule), as a delegate
    delegate: str
    pending: PendingUnstake
    earned: dict[str, int]  # per reward token (address): units claimable
    wallet: int  # points in the wallet, not staked


@dataclass(frozen=True)
class StakeResult:
    receipt: TxReceipt
    amount: int
    staked: int  # the account's stake after
    approved: bool  # an approval was sent first


class StakingClient(ContractClient):
    ARTIFACT = "PointsStaking"

    @cached_property
    def points(self) -> PointsClient:
        """The staked token (the reward points)."""
        return PointsClient(self.w3, self.view("points"), self.sender)

    @cached_property
    def reward_tokens(self) -> list[str]:
        """The tokens fees are shared in (the marketplace's payment tokens), in order."""
        return [checksum(token) for token in self.view("rewardTokens")]

    @cached_property
    def warmup(self) -> int:
        return int(self.view("warmupSeconds"))

    def staked(self, account: str) -> int:
        return int(self.view("balanceOf", checksum(account)))

    def pending(self, account: str) -> PendingUnstake:
        amount, ready_at, closes_at = self.view("pendingUnstake", checksum(account))
        return PendingUnstake(int(amount), int(ready_at), int(closes_at))

    def position(self, account: str) -> Position:
        account = checksum(account)
        return Position(
            account,
            self.staked(account),
            int(self.view("getVotes", account)),
            self.view("delegates", account),
            self.pending(account),
            {token: int(self.view("earned", account, token)) for token in self.reward_tokens},
            self.points.balance_of(account),
        )

    # -- transactions --------------------------------------------------------------------

    def stake(self, amount: int, approve: bool = True) -> StakeResult:
        """Stakes `amount` point units; when the allowance is short, approves `amount` first
        (or refuses, when not `approve`).

        Raises:
            RevertError: the staking contract refuses (decoded); nothing sent.
            BazaarError: more than the wallet holds, or (without `approve`) more than the
                allowance; nothing sent.
        """
        call = self.call_for("stake", amount, label="stake")
        receipt, approved = self.points.pay(
            call, amount, approve=approve, purpose="staking", spender_name="the staking contract"
        )
        return StakeResult(receipt, amount, self.staked(self.signer("stake").address), approved)

    def request_unstake(self, amount: int) -> TxReceipt:
        """Moves `amount` staked units into cooldown (they stop voting at once)."""
        return self.send("requestUnstake", amount, label="request unstake")

    def withdraw(self) -> tuple[TxReceipt, int]:
        """Withdraws the pending unstake inside its window; returns the receipt and amount."""
        receipt = self.send("withdraw", label="withdraw")
        return receipt, int(self.events(receipt, "Withdrawn")[0]["amount"])

    def cancel_unstake(self) -> tuple[TxReceipt, int]:
        """Puts the pending unstake back into the stake; returns the receipt and amount."""
        receipt = self.send("cancelUnstake", label="cancel unstake")
        return receipt, int(self.events(receipt, "UnstakeCancelled")[0]["amount"])

    # -- rewards -------------------------------------------------------------------------

    def earned(self, account: str, token: str) -> int:
        """Reward units of `token` that `account` may claim now."""
        return int(self.view("earned", checksum(account), checksum(token, "reward token")))

    def claim_rewards(self, token: str, to: str) -> tuple[TxReceipt, int]:
        """Pays the caller's rewards in `token` to `to`; returns the receipt and amount."""
        receipt = self.send(
            "claimRewards",
            checksum(token, "reward token"),
            checksum(to, "receiver"),
            label="claim rewards",
        )
        return receipt, int(self.events(receipt, "RewardsClaimed")[0]["amount"])

    def deposit_rewards(self, token: Erc20Client, amount: int, approve: bool = True) -> TxReceipt:
        """Anyone adds `amount` of a reward token to the stakers' stream (approving first
        when the allowance is short, or refusing when not `approve`)."""
        call = self.call_for("depositRewards", token.address, amount, label="deposit rewards")
        receipt, _ = token.pay(
            call, amount, approve=approve, purpose="the deposit", spender_name="the staking"
        )
        return receipt

    def warming(self, account: str) -> tuple[int, int]:
        """Staked units of `account` not earning yet, and when they mature (0: none)."""
        amount, matures_at = self.view("warmingOf", checksum(account, "account"))
        return int(amount), int(matures_at)

    def activate(self, account: str) -> TxReceipt:
        """Anyone moves `account`'s matured warm-up into its earning stake."""
        return self.send("activate", checksum(account, "account"), label="activate")

    # -- delegation ----------------------------------------------------------------------

    def delegates(self, account: str) -> str:
        return checksum(self.view("delegates", checksum(account, "account")))

    def delegate(self, delegatee: str) -> TxReceipt:
        """Delegates the caller's staked points (now and later) to `delegatee`.

        Raises:
            BazaarError: the zero address (the votes would count for no one); nothing sent.
        """
        target = checksum(delegatee, "delegatee")
        if int(target, 16) == 0:
            raise BazaarError(
                "delegating to the zero address throws the votes away; delegate to yourself to "
                "vote again; nothing sent"
            )
        return self.send("delegate", target, label="delegate")

    @cached_property
    def domain(self) -> Domain:
        """The staking's EIP-712 domain, as it reports it (ERC-5267)."""
        return eip712.domain_from_erc5267(self.view("eip712Domain"))

    def nonce(self, account: str) -> int:
        return int(self.view("nonces", checksum(account, "account")))

    def sign_delegation(
        self, delegatee: str, expiry: int, nonce: int | None = None
    ) -> SignedDelegation:
        """The signer's delegation to `delegatee`, signed off-line (nothing sent); `nonce`
        defaults to its current one."""
        account = self.signer("sign a delegation").account
        if nonce is None:
            nonce = self.nonce(account.address)
        return SignedDelegation.sign(
            account, self.domain, checksum(delegatee, "delegatee"), nonce, expiry
        )

    def delegate_by_sig(self, signed: SignedDelegation) -> TxReceipt:
        """Relays a signed delegation (anyone may send it).

        Raises:
            BazaarError: signed for another contract or chain, or not by its delegator;
                nothing sent.
        """
        mine = self.domain
        if (signed.domain.contract, signed.domain.chain_id) != (mine.contract, mine.chain_id):
            raise BazaarError(
                f"the delegation is for staking {signed.domain.contract} on chain "
                f"{signed.domain.chain_id}, not {mine.contract} on chain {mine.chain_id}"
            )
        if signed.signer() != signed.delegator:
            raise BazaarError(f"the delegation is not signed by its delegator {signed.delegator}")
        v, r, s = signed.vrs()
        return self.send(
            "delegateBySig",
            signed.delegatee,
            signed.nonce,
            signed.expiry,
            v,
            r,
            s,
            label="relay delegation",
        )
