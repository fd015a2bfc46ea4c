"""The demo (``make demo``): the BTC Bazaar story played through the product, on an anvil this
script starts on a free port and stops at the end.

Every step is a `bazaar` command run in-process (`bazaar.cli.main`, the code the console script
runs), signed with keystores of anvil's development accounts; the story's numbers are read back
with the client library. Only two things are not the product: moving the chain's clock (anvil's
`evm_increaseTime`) and the final check that the escrow is empty.

The story: deploy the suite with mocks and hand it to the DAO; a faucet; a seller lists a lamp
(price locked at checkout) and a chair (USD-protected); the lamp bought in WBTC, BTC up 20 %,
shipped, a checkpoint, confirmed, points earned; a digital licence minted, listed, bought with a
points discount; the chair bought, BTC down 20 %, the buffer returned; a USDC payout to a
blacklisted seller kept as a credit and claimed to another address; a USDC order the seller
never ships, reclaimed; the index, and an order the keeper releases after the window; a dispute
with evidence and a ruling; a cart of three lines from two sellers paid at once, brought by a
referrer both sellers approved, whose commissions are paid when the batch of orders is
confirmed; members stake, the
fee share reaches them; a fee change proposed, voted (one vote signed off-line and relayed),
queued and executed; the feeds going stale and checkout failing closed, an outage recorded;
final balances.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

from eth_account import Account
from web3 import Web3

from bazaar.cli import main as bazaar_main
from bazaar.clients.erc20 import Erc20Client
from bazaar.clients.marketplace import MarketplaceClient
from bazaar.clients.points import PointsClient
from bazaar.deploy.rehearsal import anvil
from bazaar.errors import BazaarError
from bazaar.settings import ONE_DAY, STAKING_SETTINGS, TIMELOCK_DELAY
from tools.local.dev_keys import ADDRESS, DEV_KEYS

# The keystores hold public development keys, in a temporary folder.
PASSWORD = "demo-password"


class DemoFailed(RuntimeError):
    pass


class Story:
    """The chain, the keystores and the journal of one demo run."""

    def __init__(self, rpc: str, folder: Path) -> None:
        self.rpc = rpc
        self.w3 = Web3(Web3.HTTPProvider(rpc))
        self.deployment = folder / "31337.json"
        self.index = f"sqlite:///{folder / 'index.sqlite'}"
        self.keys = {}
        for name, key in DEV_KEYS.items():
            path = folder / f"{name}.json"
            # a low scrypt cost: a demo of public keys, not a wallet
            path.write_text(json.dumps(Account.encrypt(key, PASSWORD, iterations=2**10)))
            self.keys[name] = path
        # A shopper with a key of its own, made for this run (no ETH: it signs, others send).
        shopper = Account.create()
        self.shopper = shopper.address
        self.keys["shopper"] = folder / "shopper.json"
        self.keys["shopper"].write_text(
            json.dumps(Account.encrypt(shopper.key, PASSWORD, iterations=2**10))
        )

    def run(self, who: str | None, *args: object, show: bool = True) -> str:
        """`bazaar ARGS` as `who`, printed as typed, then its output; fails the demo on a
        non-zero exit."""
        words = [str(a) for a in args]
        if show:
            as_who = f"  ({who})" if who else ""
            print(f"$ bazaar {shlex.join(words)}{as_who}")
        base = ["--rpc-url", self.rpc, "--deployment", str(self.deployment)]
        keystore = ["--keystore", str(self.keys[who])] if who else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = bazaar_main([*base, *keystore, *words])
        if code != 0:
            raise DemoFailed(f"bazaar {' '.join(words)} exited {code}: {err.getvalue().strip()}")
        if show:
            for line in out.getvalue().splitlines():
                print(f"  {line}")
        return out.getvalue()

    def data(self, who: str | None, *args: object) -> dict:
        """`bazaar --json ARGS` as `who`, quietly: its JSON."""
        return json.loads(self.run(who, "--json", *args, show=False))

    def order(self, who: str, *args: object) -> str:
        """`bazaar buy ARGS`, printed; the new order's id."""
        text = self.run(who, "buy", *args)
        return text.split()[1]

    def jump(self, seconds: int, why: str) -> None:
        """Moves the chain's clock (anvil), then refreshes the mock feeds as a keeper would."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        print(f"\n   ... {round(seconds / ONE_DAY)} day(s) later ({why})")
        self.run("deployer", "mocks", "refresh", show=False)

    def address(self, key: str) -> str:
        """The address of contract `key` in the deployment journal."""
        return str(json.loads(self.deployment.read_text())["contracts"][key]["address"])

    def token(self, name: str) -> Erc20Client:
        journal = json.loads(self.deployment.read_text())
        return Erc20Client(self.w3, journal["tokens"][name])


def step(text: str) -> None:
    print(f"\n-- {text}")


def play(story: Story) -> None:
    run, data, order, jump = story.run, story.data, story.order, story.jump

    step("The deployer deploys the suite with mock tokens and feeds; the DAO owns it at once")
    os.environ["BAZAAR_KEYSTORE_PASSWORD"] = PASSWORD
    run("deployer", "deploy", "--mocks", "--arbiter", ADDRESS["arbiter"], "--yes")

    step("A faucet: the buyer gets 1 WBTC and 5,000 USDC (mock tokens)")
    run("deployer", "mocks", "mint", "wbtc", "1", "--to", ADDRESS["buyer"])
    run("deployer", "mocks", "mint", "usdc", "5000", "--to", ADDRESS["buyer"])

    step("A seller lists a lamp (price locked at checkout) and a chair (USD-protected)")
    lamp_args = ["--price", "1000", "--stock", "10", "--token", "wbtc", "--token", "usdc"]
    run("seller", "list", *lamp_args, "--metadata", "Brass lamp")
    run("seller", "list", "--price", "2000", "--stock", "5", "--token", "wbtc",
        "--buffer-bps", "1000", "--metadata", "Oak chair")  # fmt: skip
    run(None, "quote", "--listing", "1", "--token", "wbtc")

    step("The buyer checks out the lamp in WBTC; BTC then jumps 20 %: the escrow does not move")
    lamp = order("buyer", "--listing", "1", "--token", "wbtc")
    run("deployer", "mocks", "refresh", "--btc-usd", "120000")
    run("seller", "ship", lamp, "--tracking", "DHL 00340434161234567890")
    run("seller", "checkpoint", lamp, "--data", "sorted at the Leipzig hub")
    run("buyer", "confirm", lamp)
    run(None, "status", "--staker", ADDRESS["buyer"])

    step("The seller mints a software licence (ERC-721) and lists it; bought with points")
    run("seller", "goods", "mint", "--uri", "ipfs://bafy-licence", "--content", "licence v1",
        "--royalty-bps", "500")  # fmt: skip
    run("seller", "goods", "list", "1", "--price", "50", "--token", "wbtc", "--points-cap-bps",
        "2000")  # fmt: skip
    licence = order("buyer", "--listing", "3", "--token", "wbtc", "--points", "500")
    run(None, "goods", "show", "1")
    run("buyer", "confirm", licence)

    step("The chair, USD-protected: BTC falls 20 % during shipping, the buffer covers it")
    chair = order("buyer", "--listing", "2", "--token", "wbtc")
    run("deployer", "mocks", "refresh", "--btc-usd", "96000")
    run("seller", "ship", chair, "--tracking", "UPS 1Z999AA10123456784")
    run("buyer", "confirm", chair)

    step("USDC blocks the seller's address: its payout becomes a credit it claims elsewhere")
    blocked = order("buyer", "--listing", "1", "--token", "usdc")
    run("seller", "ship", blocked, "--tracking", "DHL 3")
    run("deployer", "mocks", "blacklist", ADDRESS["seller"])
    run("buyer", "confirm", blocked)
    run("seller", "claim", "--token", "usdc", "--to", ADDRESS["member"])
    run("deployer", "mocks", "blacklist", ADDRESS["seller"], "--undo")

    step("A lamp paid in USDC is never shipped: anyone returns the escrow after the deadline")
    unshipped = order("buyer", "--listing", "1", "--token", "usdc")
    jump(7 * ONE_DAY + 1, "the fulfilment window passed")
    run("member", "reclaim", unshipped)

    step("A lamp shipped but never confirmed: the keeper pays the seller after the window")
    quiet = order("buyer", "--listing", "1", "--token", "wbtc")
    run("seller", "ship", quiet, "--tracking", "GLS 1234")
    db = ("--db", story.index)
    run(None, "index", *db)  # the suite's events into SQL (an SQLite file here)
    run("buyer", "orders", "--as", "buyer", "--due", *db)  # what waits on the buyer, by when
    jump(14 * ONE_DAY + 1, "the confirmation window passed")
    run("member", "keeper", "--once", *db)  # a service; here one pass
    run(None, "earnings", "--account", ADDRESS["seller"], *db)

    step("A lamp arrives broken: a dispute with evidence, the arbiter rules 70 % to the buyer")
    broken = order("buyer", "--listing", "1", "--token", "wbtc")
    run("seller", "ship", broken, "--tracking", "DHL 2")
    run("buyer", "dispute", broken, "--evidence", "photo: the shade is cracked")
    run("seller", "evidence", broken, "--evidence", "packing photo before shipping")
    run("arbiter", "rule", broken, "--buyer-share", "70")

    step("A cart from two sellers, brought by a referrer: one payment, one order per line")
    run("maker", "list", "--price", "80", "--stock", "20", "--token", "wbtc", "--token", "usdc",
        "--metadata", "Wool scarf")  # fmt: skip
    run("seller", "set-commission", "1", "--percent", "5")
    run("maker", "set-commission", "4", "--percent", "10")
    # Only referrers a seller approved earn its commissions (a buyer's own second address
    # would otherwise take them as a rebate): both sellers enrol the member.
    run("seller", "approve-referrer", ADDRESS["member"])
    run("maker", "approve-referrer", ADDRESS["member"])
    cart = data("buyer", "buy", "--line", "1", "--line", "2", "--line", "4:2", "--token", "wbtc",
                "--referrer", ADDRESS["member"])  # fmt: skip
    lamp2, chair2, scarves = (line["orderId"] for line in cart["orders"])
    print(
        f"$ bazaar buy --line 1 --line 2 --line 4:2 --token wbtc --referrer {ADDRESS['member']}"
        f"  (buyer)\n  cart of 3 orders in one transaction ({cart['txHash']}): paid "
        f"{cart['paidFormatted']} for {cart['usdFormatted']}"
    )
    run("seller", "ship", lamp2, chair2, "--tracking", "DHL 4", "--tracking", "DHL 5")
    run("maker", "ship", scarves, "--tracking", "Royal Mail 6")
    run("buyer", "confirm", lamp2, chair2, scarves)
    run("member", "earnings", "--referrer")

    step("A shopper with WBTC and no ETH pays by one signature; the member relays it for a fee")
    shopper, w3 = story.shopper, story.w3
    run("deployer", "mocks", "mint", "wbtc", "0.05", "--to", shopper)
    # Gas for its one approval of Permit2, ever (a faucet's ETH; anvil's own call).
    w3.provider.make_request("anvil_setBalance", [shopper, hex(10**15)])  # type: ignore[arg-type]
    run("shopper", "approve-permit2", "--token", "wbtc")
    eth_before, sent_before = w3.eth.get_balance(shopper), w3.eth.get_transaction_count(shopper)
    signed = story.deployment.parent / "checkout.json"
    run("shopper", "buy", "--line", "1", "--line", "4", "--token", "wbtc", "--sign-only",
        "--relayer-fee", "0.00002", "--out", signed)  # fmt: skip
    relayed = data("member", "relay-checkout", signed)
    print(
        f"$ bazaar relay-checkout {signed.name}  (member)\n  relayed {shopper}'s signed cart: "
        f"{len(relayed['orders'])} orders, {relayed['paidFormatted']} in escrow; the member "
        f"earned {relayed['feeFormatted']} for the gas it paid"
    )
    if (w3.eth.get_balance(shopper), w3.eth.get_transaction_count(shopper)) != (
        eth_before,
        sent_before,
    ):
        raise DemoFailed("the shopper paid gas for its gasless checkout")
    print("  the shopper sent no transaction and spent no ETH for it")
    lamp3, scarf3 = (line["orderId"] for line in relayed["orders"])
    run("seller", "ship", lamp3, "--tracking", "DHL 7")
    run("maker", "ship", scarf3, "--tracking", "Royal Mail 8")
    jump(14 * ONE_DAY + 1, "the confirmation window passed; the shopper never had to send")
    run("member", "release", lamp3)
    run("member", "release", scarf3)

    step("A seller lists by signature, for no gas: the offer is published, bought by its hash")
    offer_file = story.deployment.parent / "teapot-offer.json"
    run("maker", "list", "--price", "45", "--stock", "5", "--token", "wbtc", "--metadata",
        "Cast-iron teapot", "--sign-only", "--out", offer_file)  # fmt: skip
    run(None, "publish-offer", offer_file, *db)
    run(None, "index", *db)
    run(None, "listings", "--seller", ADDRESS["maker"], *db)
    offer_hash = json.loads(offer_file.read_text())["offerHash"]
    teapots = order("buyer", "--offer", offer_hash, "--quantity", "2", "--token", "wbtc", *db)
    run("maker", "ship", teapots, "--tracking", "Royal Mail 9")
    run("buyer", "confirm", teapots)

    step("Members stake their points; the marketplace's fees stream to them")
    run("buyer", "transfer", "400", "--token", "points", "--to", ADDRESS["member"])
    run("buyer", "stake", "1000")
    run("member", "stake", "400")
    jump(STAKING_SETTINGS.warmup + 1, "the stakes warmed up")
    run("member", "activate", ADDRESS["buyer"])
    run("member", "activate")
    run("member", "withdraw-fees", "--token", "wbtc")
    run("member", "withdraw-fees", "--token", "usdc")
    jump(ONE_DAY, "a day of the fee stream")
    run("buyer", "claim-rewards")

    step("The DAO raises the platform fee: proposed, voted (one vote signed off-line), executed")
    proposal = data("buyer", "propose", "--fee-bps", "150")["proposalId"]
    print(f"$ bazaar propose --fee-bps 150  (buyer)\n  proposal {proposal}")
    jump(ONE_DAY + 1, "the voting delay")
    run("buyer", "vote", proposal, "for", "--reason", "arbiters need paying")
    ballot = run("member", "sign-vote", proposal, "for", show=False)
    print(f"$ bazaar sign-vote {proposal[:12]}... for  (member, off-line)")
    ballots = story.deployment.parent / "ballots.jsonl"
    ballots.write_text(ballot)
    run("seller", "relay-votes", ballots)
    jump(3 * ONE_DAY + 1, "the voting period")
    run("seller", "queue", proposal)
    jump(TIMELOCK_DELAY + 1, "the timelock's delay")
    run("seller", "execute", proposal)

    step("The price feeds go quiet for three days: checkout fails closed, the outage is on record")
    story.w3.provider.make_request("evm_increaseTime", [3 * ONE_DAY])  # type: ignore[arg-type]
    story.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    try:
        run("buyer", "buy", "--listing", "1", "--token", "wbtc")
    except DemoFailed as refused:
        print(f"  refused, nothing sent: {str(refused).split('error: ', 1)[1]}")
    else:
        raise DemoFailed("a checkout on stale feeds went through")
    run("member", "record-outage", "--token", "wbtc")
    run("deployer", "mocks", "refresh")


def balances(story: Story) -> None:
    step("Balances (read with the client library)")
    wbtc, usdc = story.token("wbtc"), story.token("usdc")
    market = MarketplaceClient(story.w3, story.address("market"))
    points = PointsClient(story.w3, story.address("points"))
    staking_address = story.address("staking")
    holders = [*((n, ADDRESS[n]) for n in ("buyer", "seller", "arbiter", "member"))]
    holders += [("shopper", story.shopper)]
    holders += [("treasury", ADDRESS["deployer"]), ("staking", staking_address)]
    holders += [("escrow", market.address)]
    for name, address in holders:
        print(
            f"   {name:<10}{wbtc.format(wbtc.balance_of(address)):>18}"
            f"{usdc.format(usdc.balance_of(address)):>20}"
            f"{points.format(points.balance_of(address)):>20}"
        )
    if wbtc.balance_of(market.address) or usdc.balance_of(market.address):
        raise DemoFailed("the escrow should be empty: every order is settled")


def main() -> int:
    started = time.monotonic()
    print("== BTC Bazaar demo: every step is a `bazaar` command ==")
    try:
        with (
            anvil("--accounts", "10") as rpc,
            tempfile.TemporaryDirectory(prefix="bazaar-demo-") as folder,
        ):
            print(f"(a local anvil at {rpc}; keystores and the journal in {folder})")
            story = Story(rpc, Path(folder))
            play(story)
            balances(story)
    except (DemoFailed, BazaarError) as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"\nDone in {time.monotonic() - started:.1f} s: 13 orders (one digital, three from one "
        "cart of two sellers with a referrer paid its commission, two from a gasless cart "
        "signed by a shopper without ETH and relayed by another account, one from an offer "
        "its seller signed without gas), a credit "
        "claimed, a reclaim, a release by the keeper, a ruling, the fee share claimed by a "
        "staker, a fee change voted and executed, checkout failing closed on stale prices; "
        "the escrow holds nothing."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
