"""Constants and small helpers shared by the tests (the suite's own numbers come from
bazaar.settings, the order terms' encoding from bazaar.types)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import brownie
import hypothesis

from bazaar.settings import (  # noqa: F401 (re-exported to the tests)
    BTC_USD_LIMITS,
    DEPEG_FLOOR,
    ONE_DAY,
    ONE_HOUR,
    PEG_LIMITS,
    SATS,
    USD,
)
from bazaar.types import ORDER_TERM_FIELDS, OrderTerms
from tools.toolchain import brownie_patches

BTC_USD_BOUNDS = (BTC_USD_LIMITS.min_answer, BTC_USD_LIMITS.max_answer)  # $100 .. $100M
PEG_BOUNDS = (PEG_LIMITS.min_answer, PEG_LIMITS.max_answer)  # 0.5 .. 2.0


def mine_at(timestamp: int) -> None:
    """Mine a block at `timestamp`, so view calls see block.timestamp == timestamp.

    (brownie's `chain.mine(timestamp=...)` sends a request anvil rejects.)
    """
    brownie.web3.provider.make_request("evm_mine", [timestamp])


def next_block_at(timestamp: int) -> None:
    """The next transaction's block gets `timestamp` (for deadline boundaries). Send that
    transaction right after: under `--coverage` brownie sends calls as transactions too."""
    brownie.web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])


@contextmanager
def chain_id_changed(new_chain_id: int) -> Iterator[None]:
    """Runs the block with anvil's chain id set to `new_chain_id` (as after a chain split),
    brownie's cached chain id following it; restores both afterwards (a chain snapshot does
    not cover the chain id)."""
    old = brownie.web3.eth.chain_id
    try:
        brownie.web3.provider.make_request("anvil_setChainId", [new_chain_id])
        brownie_patches.forget_chain_id()  # brownie caches the chain id it signs with
        yield
    finally:
        brownie.web3.provider.make_request("anvil_setChainId", [old])
        brownie_patches.forget_chain_id()


# Order statuses (IEscrowMarketplace.Status)
PAID, SHIPPED, COMPLETED, REFUNDED, CANCELLED, DISPUTED, RESOLVED = range(1, 8)
FAR_FUTURE = 2**40
PHYSICAL, DIGITAL = 0, 1


def list_item(
    market,
    seller,
    price_usd,
    tokens,
    buffer_bps=0,
    stock=10,
    points_cap_bps=0,
    metadata=b"\x11" * 32,
):
    """Lists an item; returns the listing id."""
    tx = market.list(
        price_usd, stock, tokens, buffer_bps, points_cap_bps, PHYSICAL, metadata, {"from": seller}
    )
    return tx.events["Listed"]["listingId"]


def mint_item(goods, seller, content=b"\x22" * 32, uri="ipfs://item", royalty_bps=500):
    """The seller mints a digital item; returns its token id."""
    tx = goods.mint(seller, uri, content, royalty_bps, {"from": seller})
    return tx.events["Transfer"]["tokenId"]


def list_digital(market, seller, goods_token_id, price_usd, tokens, buffer_bps=0):
    """Lists a digital item (moves it into escrow); returns the listing id."""
    tx = market.listDigital(goods_token_id, price_usd, tokens, buffer_bps, 0, {"from": seller})
    return tx.events["Listed"]["listingId"]


@dataclass(frozen=True)
class Order:
    """An order as a client holds it: its id and the terms later calls pass back."""

    id: str
    terms: tuple

    @classmethod
    def from_tx(cls, tx) -> Order:
        event = tx.events["OrderPaid"]
        return cls(str(event["orderId"]), tuple(event["terms"]))

    @classmethod
    def all_from_tx(cls, tx) -> list[Order]:
        """Every order a transaction paid (a cart: one per line, in the lines' order)."""
        return [
            cls(str(event["orderId"]), tuple(event["terms"])) for event in tx.events["OrderPaid"]
        ]

    def term(self, name: str):
        return getattr(OrderTerms.from_event(self.terms), name)


TERM_FIELDS = list(ORDER_TERM_FIELDS)


def b32(n: int) -> str:
    """A uint as a bytes32 (listing ids in MarketplaceUnauthorized)."""
    return "0x" + n.to_bytes(32, "big").hex()


def buy(market, buyer, listing_id, token, arbiter, quantity=1, max_payment=2**256 - 1) -> Order:
    """Checks out; returns the order."""
    tx = market.checkout(
        listing_id, quantity, token, max_payment, FAR_FUTURE, arbiter, 0, {"from": buyer}
    )
    return Order.from_tx(tx)


def cart(
    lines,
    token,
    arbiter,
    referrer=brownie.ZERO_ADDRESS,
    max_total=2**256 - 1,
    deadline=FAR_FUTURE,
) -> tuple:
    """A Cart tuple for `checkoutCart`; a line is (listingId, quantity) or (listingId,
    quantity, pointsToRedeem)."""
    rows = [(line[0], line[1], line[2] if len(line) > 2 else 0) for line in lines]
    return (rows, token, max_total, deadline, arbiter, referrer)


def buy_cart(market, buyer, lines, token, arbiter, **options):
    """Checks a cart out (`options` as in `cart`); returns the transaction and its orders."""
    tx = market.checkoutCart(cart(lines, token, arbiter, **options), {"from": buyer})
    return tx, Order.all_from_tx(tx)


def transfers_from(tx, token, account) -> list:
    """The `Transfer` events `token` emitted in `tx` out of `account`."""
    if "Transfer" not in tx.events:
        return []
    address = str(account).lower()
    return [
        event
        for event in tx.events["Transfer"]
        if event.address.lower() == token.address.lower() and str(event["from"]).lower() == address
    ]


def token_input(usd_leg, peg_leg, depeg_floor):
    """A TokenInput tuple; a leg is (feed, maxStaleness, minAnswer, maxAnswer) or None."""
    usd = (brownie.ZERO_ADDRESS, 0, 0, 0) if usd_leg is None else usd_leg
    return (usd, peg_leg, depeg_floor)


def err(name: str, *args) -> str:
    """A custom error as brownie renders a revert: `Name: arg1, arg2`.

    Addresses print lowercase, bytes32 values as Python bytes (order ids are given as hex).
    """
    return f"{name}: {', '.join(_render(a) for a in args)}"


def _render(arg) -> str:
    if hasattr(arg, "address"):
        return arg.address.lower()
    if isinstance(arg, str) and arg.startswith("0x") and len(arg) == 66:
        return str(bytes.fromhex(arg[2:]))
    if isinstance(arg, str) and arg.startswith("0x"):
        return arg.lower()
    return str(arg)


def ref_usd_to_tokens(usd: int, legs: list[tuple[int, int]], token_decimals: int) -> int:
    """Python Decimal reference: token units for `usd` (8 decimals), rounded up.

    `legs` are (answer, feed decimals); the last is the peg leg, capped at 1.0.
    """
    with localcontext() as ctx:
        ctx.prec = 200
        price = _ref_price(legs)
        units = Decimal(usd) / USD * Decimal(10) ** token_decimals / price
        return int(units.to_integral_value(rounding=ROUND_CEILING))


def ref_tokens_to_usd(amount: int, legs: list[tuple[int, int]], token_decimals: int) -> int:
    """Python Decimal reference: USD value (8 decimals) of `amount` units, rounded down."""
    with localcontext() as ctx:
        ctx.prec = 200
        usd = Decimal(amount) / Decimal(10) ** token_decimals * _ref_price(legs) * USD
        return int(usd.to_integral_value(rounding=ROUND_FLOOR))


def _ref_price(legs: list[tuple[int, int]]) -> Decimal:
    price = Decimal(1)
    for i, (answer, decimals) in enumerate(legs):
        value = Decimal(answer) / Decimal(10) ** decimals
        if i == len(legs) - 1:
            value = min(value, Decimal(1))
        price *= value
    return price


def given_calls_only(max_examples: int, **strategies):
    """`hypothesis.given` for tests that only make eth_calls (no transactions).

    brownie's own `given` snapshots and reverts the chain around every example (about 0.1 s
    each); a test that changes no state needs none of that. The autouse isolation fixture is
    function-scoped but harmless here, hence the suppressed health check.
    """

    def decorate(test):
        checks = [hypothesis.HealthCheck.function_scoped_fixture]
        configured = hypothesis.settings(max_examples=max_examples, suppress_health_check=checks)
        return configured(brownie_patches.hypothesis_given()(**strategies)(test))

    return decorate


def add_stablecoin(container, market, oracle, usd_feed, deployer, buyer):
    """Deploys a test stablecoin (`container`), lets the oracle price it off `usd_feed` and
    the marketplace accept it, and funds the buyer with 10,000 units (approved)."""
    token = container.deploy({"from": deployer})
    config = token_input(None, PEG_LIMITS.leg(usd_feed), DEPEG_FLOOR)
    oracle.configureToken(token, config, {"from": deployer})
    market.addPaymentToken(token, {"from": deployer})
    token.mint(buyer, 10_000 * 10**6, {"from": deployer})
    token.approve(market, 2**256 - 1, {"from": buyer})
    return token
