"""The chain side of the invariant machine: the deployed world, raw RPC with pinned block
times, decoded receipts and custom errors; the run's constants and counters."""

from __future__ import annotations

import collections
import functools
from dataclasses import dataclass, field
from typing import Any

from brownie import web3
from eth_utils import keccak

FAR_FUTURE = 2**40
TRACKING = b"\x5a" * 32
EVIDENCE = b"\xe0" * 32
REVIEW = b"\x7e" * 32
METADATA = b"\x11" * 32
TX_GAS = hex(8_000_000)
ROYALTY_BPS = 250  # every digital item is minted with a 2.5 % ERC-2981 royalty to its creator

# Counters over the whole run (all examples), printed at its end.
STATS: collections.Counter = collections.Counter()


@dataclass(frozen=True)
class World:
    """The deployed contracts and the accounts. `admin` deploys, governs (owner of every
    contract), guards, receives the fees (treasury), administers the test token and makes
    the third-party calls; it never buys or sells."""

    admin: Any
    people: tuple  # buyers, sellers, stakers (every one of them, in random roles)
    arbiters: tuple  # the allow-listed arbiters (also people)
    wbtc: Any
    usdc: Any
    busd: Any  # the stablecoin that can pause and blacklist (BlacklistToken)
    feeds: dict  # model feed key -> MockAggregator ("btc2": a second BTC/USD feed)
    feed_limits: dict  # model feed key -> (maxStaleness, minAnswer, maxAnswer)
    oracle: Any
    goods: Any
    market: Any
    points: Any
    staking: Any
    probe: Any
    permit2: Any = None  # Uniswap's Permit2: the gasless checkout's payments
    keys: dict = field(default_factory=dict)  # person's address -> eth-account key (signs)

    @property
    def accounts(self) -> list[str]:
        return [str(self.admin)] + [str(p) for p in self.people]

    @functools.cached_property
    def errors(self) -> Errors:
        contracts = [self.market, self.oracle, self.points, self.staking, self.goods]
        contracts += [self.permit2] if self.permit2 is not None else []
        return Errors([*contracts, self.wbtc, self.busd, *self.feeds.values()])

    @property
    def token_addresses(self) -> list[str]:
        return [self.wbtc.address, self.usdc.address, self.busd.address]

    @property
    def reward_tokens(self) -> list[str]:
        """The staking contract's reward tokens (the payment tokens it streams)."""
        return [self.wbtc.address, self.usdc.address]

    def account(self, address: str):
        return next(a for a in (self.admin, *self.people) if str(a) == address)


def rpc(method: str, params: list):
    answer = web3.provider.make_request(method, params)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def eth_call(call: dict, timestamp: int, block: str = "latest") -> dict:
    """The raw answer of `eth_call` on `block`'s state at block time `timestamp` (anvil's
    block overrides): a "result", or an "error" with the revert data."""
    return web3.provider.make_request("eth_call", [call, block, {}, {"time": hex(timestamp)}])


def pin_next_block(timestamp: int) -> None:
    rpc("evm_setNextBlockTimestamp", [timestamp])


def mine_at(timestamp: int) -> None:
    rpc("evm_mine", [timestamp])


@dataclass(frozen=True)
class Sent:
    """A mined transaction's decoded events (brownie's EventDict)."""

    events: Any


class Errors:
    """Custom error names by selector, from the ABIs of the contracts involved."""

    def __init__(self, contracts) -> None:
        self.names = {"0x08c379a0": "Error", "0x4e487b71": "Panic"}
        for contract in contracts:
            for item in contract.abi:
                if item["type"] == "error":
                    types = ",".join(i["type"] for i in item["inputs"])
                    selector = "0x" + keccak(text=f"{item['name']}({types})")[:4].hex()
                    self.names[selector] = item["name"]

    def name(self, error: dict) -> str:
        data = error.get("data") or ""
        if not isinstance(data, str) or len(data) < 10:
            return f"no revert data ({error.get('message')})"
        return self.names.get(data[:10], f"unknown error {data[:10]}")
