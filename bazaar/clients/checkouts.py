"""Gasless checkouts: a cart signed off-line by a buyer who approved Permit2 once (and needs no
ETH), and its relay by anyone, who is paid the fee the buyer signed
(`checkoutCartWithPermit2`). The marketplace and Permit2 are the judges; what they cannot see
before a transaction (a file for another chain or marketplace, a signature not the buyer's, an
expired deadline, a used nonce, a price that rose above the signed maximum) is checked here,
each refused in one line, nothing sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import CartLine, MarketplaceClient, Order
from bazaar.clients.permit2 import Permit2Client
from bazaar.errors import BazaarError, InputRefused, RevertError
from bazaar.settings import BPS
from bazaar.signing import eip712
from bazaar.signing.checkouts import ZERO_ADDRESS, SignedCheckout
from bazaar.tx import Call, simulate
from bazaar.units import checksum

# The contract's bound (MarketplaceLimits.MAX_RELAYER_FEE_BPS): the fee, in bps of the total.
MAX_RELAYER_FEE_BPS = 300
# How many words of Permit2's nonce bitmap `next_nonce` reads before giving up (256 each).
NONCE_WORDS_SCANNED = 64


def permit2_of(market: MarketplaceClient) -> Permit2Client:
    """The Permit2 the marketplace takes signed payments through.

    Raises:
        BazaarError: the marketplace was deployed without one.
    """
    address = checksum(market.view("permit2"))
    if address == ZERO_ADDRESS:
        raise BazaarError(
            f"the marketplace {market.address} was deployed without Permit2: no gasless checkout"
        )
    return Permit2Client(market.w3, address)


def next_nonce(permit2: Permit2Client, owner: str) -> int:
    """`owner`'s lowest unused Permit2 SignatureTransfer nonce: nonces of one bitmap word
    (256) share one storage slot, so the buyer's later checkouts cost less gas than random
    nonces would. Two carts signed before either is relayed get the same nonce: pass another
    (`nonce`) to keep both valid.

    Raises:
        BazaarError: the first NONCE_WORDS_SCANNED words are all used.
    """
    full = (1 << 256) - 1
    for word in range(NONCE_WORDS_SCANNED):
        bitmap = permit2.nonce_bitmap(owner, word)
        if bitmap != full:
            free = (~bitmap) & full
            bit = (free & -free).bit_length() - 1
            return word * 256 + bit
    raise BazaarError(f"{owner} has used its first {NONCE_WORDS_SCANNED * 256} Permit2 nonces")


def fee_cap(total: int) -> int:
    """The highest relayer fee the marketplace accepts on a cart of `total` token units."""
    return total * MAX_RELAYER_FEE_BPS // BPS


def _relay_call(market: MarketplaceClient, signed: SignedCheckout, label: str) -> Call:
    return market.call_for(
        "checkoutCartWithPermit2", signed.cart_tuple(), signed.payment_tuple(), label=label
    )


def sign_checkout(
    market: MarketplaceClient,
    account: LocalAccount,
    lines: Sequence[CartLine],
    token: Erc20Client,
    max_total: int,
    deadline: int,
    arbiter: str,
    referrer: str | None,
    relayer_fee: int,
    nonce: int | None = None,
) -> SignedCheckout:
    """`account`'s cart signed for a gasless checkout; sends nothing. `max_total` is the most
    the buyer pays in all (the cart and `relayer_fee`). Checked first: the cart's shape and
    referrer (as `checkout_cart`), the fee within the contract's cap, Permit2's allowance and
    the balance; then the signed checkout is run as eth_call (from the buyer: anyone may
    relay it), so a cart the marketplace would refuse now is not handed out.

    Raises:
        InputRefused: the cart, the referrer or the fee; nothing signed.
        BazaarError: no Permit2, Permit2 not approved for `max_total`, the balance short.
        RevertError: the marketplace or Permit2 would refuse it now (decoded).
    """
    buyer = checksum(account.address)
    market.check_cart(lines)
    arbiter = checksum(arbiter, "arbiter")
    referred = market.check_referrer(lines, buyer, arbiter, referrer)
    permit2 = permit2_of(market)
    if relayer_fee < 0:
        raise InputRefused(f"a relayer fee of {relayer_fee}: it cannot be negative")
    quoted = market.quote_cart(lines, token.address)
    if relayer_fee > fee_cap(quoted):
        raise InputRefused(
            f"a relayer fee of {token.format(relayer_fee)} is above the marketplace's cap of "
            f"{MAX_RELAYER_FEE_BPS / 100:g}% of the cart ({token.format(fee_cap(quoted))})"
        )
    allowed = token.allowance(buyer, permit2.address)
    if allowed < max_total:
        raise BazaarError(
            f"Permit2 may take {token.format(allowed)} of {buyer}, the signed "
            f"checkout up to {token.format(max_total)}: approve it once first (bazaar "
            f"approve-permit2 --token {token.symbol.lower()})"
        )
    held = token.balance_of(buyer)
    if held < min(quoted + relayer_fee, max_total):
        raise BazaarError(
            f"{buyer} holds {token.format(held)}; the cart and the fee cost "
            f"{token.format(quoted + relayer_fee)}"
        )
    if nonce is None:
        nonce = next_nonce(permit2, buyer)
    unsigned = SignedCheckout(
        chain_id=int(market.w3.eth.chain_id),
        marketplace=market.address,
        permit2=permit2.address,
        lines=tuple(line.as_tuple() for line in lines),
        token=token.address,
        max_total=max_total,
        deadline=deadline,
        arbiter=arbiter,
        referrer=referred,
        buyer=buyer,
        relayer_fee=relayer_fee,
        nonce=nonce,
        signature=b"",
    )
    signature = eip712.sign_typed(account, unsigned.typed_data())
    signed = SignedCheckout(**{**unsigned.__dict__, "signature": signature})
    simulate(market.w3, _relay_call(market, signed, "the signed checkout"), buyer)
    return signed


@dataclass(frozen=True)
class RelayResult:
    orders: list[Order]
    fee: int
    receipt: TxReceipt


def check_relay(market: MarketplaceClient, signed: SignedCheckout, relayer: str) -> None:
    """Everything about `signed` that can be known before a transaction, each refusal one
    line: this chain, this marketplace and its Permit2, the buyer's own signature, the
    deadline, the nonce unused, then the relay run as eth_call from `relayer` (the price
    against the signed maximum, the fee's cap, stock, balances: the contract's verdict).

    Raises:
        InputRefused: the file is for another chain or marketplace, not signed by its buyer,
            expired, replayed, or now above its signed maximum; nothing sent.
        RevertError: the marketplace or Permit2 refuses it (decoded); nothing sent.
    """
    chain_id = int(market.w3.eth.chain_id)
    if signed.chain_id != chain_id:
        raise InputRefused(
            f"the checkout was signed for chain {signed.chain_id}; this node is chain "
            f"{chain_id}: a signature is good on its own chain only"
        )
    if signed.marketplace != market.address:
        raise InputRefused(
            f"the checkout was signed for the marketplace {signed.marketplace}, not this "
            f"deployment's {market.address}"
        )
    permit2 = permit2_of(market)
    if signed.permit2 != permit2.address:
        raise InputRefused(
            f"the checkout was signed for Permit2 at {signed.permit2}; the marketplace uses "
            f"{permit2.address}"
        )
    signer = signed.signer()
    if signer != signed.buyer:
        raise InputRefused(
            f"the checkout is signed by {signer}, not by its buyer {signed.buyer}: altered or "
            "forged"
        )
    now = int(market.w3.eth.get_block("latest")["timestamp"])
    if signed.deadline < now:
        raise InputRefused(
            f"the checkout expired at {signed.deadline} (unix); the chain is at {now}"
        )
    if permit2.nonce_used(signed.buyer, signed.nonce):
        raise InputRefused(
            f"the checkout's nonce {signed.nonce} is used: it was relayed already (or the "
            "buyer cancelled it)"
        )
    try:
        simulate(market.w3, _relay_call(market, signed, "relay-checkout"), relayer)
    except RevertError as exc:
        if exc.error_name == "MarketplacePriceAboveMax":
            raise InputRefused(
                f"the cart and the fee now cost more than the buyer's signed maximum of "
                f"{signed.max_total} units ({exc})"
            ) from None
        raise


def relay_checkout(market: MarketplaceClient, signed: SignedCheckout) -> RelayResult:
    """Submits `signed` (`checkoutCartWithPermit2`) after `check_relay`; the signer of
    `market` sends it and earns the fee.

    Raises:
        InputRefused, RevertError: as `check_relay`; nothing sent.
    """
    relayer = market.signer("relay-checkout").address
    check_relay(market, signed, relayer)
    receipt = market.transact(_relay_call(market, signed, "relay-checkout"))
    market.last_receipt = receipt
    relayed = market.events(receipt, "CartRelayed")
    fee = int(relayed[0]["fee"]) if relayed else 0
    return RelayResult(market.orders_paid(receipt), fee, receipt)


def cancel_checkout(market: MarketplaceClient, signed: SignedCheckout) -> TxReceipt:
    """The buyer cancels its signed checkout before anyone relays it: its Permit2 nonce is
    marked used (sent by the buyer, who needs gas for this one transaction).

    Raises:
        InputRefused: the signer of `market` is not the checkout's buyer, or it is used.
    """
    permit2 = permit2_of(market)
    me = market.signer("cancel the signed checkout").address
    if me != signed.buyer:
        raise InputRefused(f"only the buyer {signed.buyer} can cancel its signed checkout")
    if permit2.nonce_used(signed.buyer, signed.nonce):
        raise InputRefused(f"the checkout's nonce {signed.nonce} is already used")
    cancel = Permit2Client(market.w3, permit2.address, market.sender)
    return cancel.cancel_nonce(signed.nonce)
