"""`make demo` runs in the suite (so in CI): the story through the product, on an anvil of its
own (a free port: it never meets the tests' chain), every chapter played and the escrow empty
at the end."""

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHAPTERS = (
    "$ bazaar deploy --mocks",
    "$ bazaar mocks mint wbtc 1",
    "$ bazaar checkpoint",
    "$ bazaar goods mint",
    "--points 500",
    "redeemed 500 points",
    "kept as a credit of",
    "$ bazaar claim --token usdc",
    "$ bazaar reclaim",
    "now Refunded; amount 1000 USDC",
    "$ bazaar orders --as buyer --due",
    "confirm or dispute by",
    "$ bazaar keeper --once",
    '"action": "release"',
    "as a seller: ",
    "$ bazaar evidence",
    "buyer share 70%",
    "$ bazaar set-commission 1 --percent 5",
    "$ bazaar approve-referrer",
    "cart of 3 orders in one transaction",
    "confirm: 3 orders in one transaction",
    "to the referrer",
    "$ bazaar earnings --referrer",
    "$ bazaar activate",
    "streamed to stakers",
    "$ bazaar claim-rewards",
    "$ bazaar relay-votes",
    "now Executed",
    "refused, nothing sent: quote: OracleStale",
    "outage of WBTC configuration 1 recorded",
)


def test_the_demo_plays_every_chapter_through_the_cli_and_ends_with_an_empty_escrow():
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tools.local.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    missing = [chapter for chapter in CHAPTERS if chapter not in done.stdout]
    assert missing == []
    escrow = re.search(r"^\s+escrow\s+(.*)$", done.stdout, re.MULTILINE)
    assert escrow is not None and escrow.group(1).split() == [
        "0", "WBTC", "0", "USDC", "0", "points",
    ]  # fmt: skip
    assert "Done in" in done.stdout.splitlines()[-1]
    assert seconds < 120, seconds
