"""`make shop`: a working shop on this machine. It starts anvil (a free port), deploys the suite
with mocks through `bazaar deploy`, gives the buyer test WBTC and USDC, starts `bazaar serve`
(a real process), seeds the listings in tools/local/shop/ (each picture uploaded by `bazaar
catalogue upload`, each document listed by `bazaar list --document`, signed by the seller), and
prints the page's URL and the development accounts to import into a browser wallet. Ctrl-C
stops the server and anvil.

`--check` seeds, asks the server for the catalogue, and stops (what the tests run).
Every step is a `bazaar` command (tools/local/demo.py's Story runs them in-process)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bazaar.deploy.rehearsal import anvil
from tools.local.demo import ADDRESS, DEV_KEYS, PASSWORD, Story

SEED = Path(__file__).parent / "shop"
SERVER_START_SECONDS = 60


def start_server(story: Story, port: int) -> tuple[subprocess.Popen[str], str]:
    """`bazaar serve` as its own process; its URL once it listens."""
    command = [
        sys.executable, "-m", "bazaar.cli", "--rpc-url", story.rpc,
        "--deployment", str(story.deployment), "serve", "--db", story.index,
        "--port", str(port), "--interval", "1",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + SERVER_START_SECONDS
    assert server.stdout is not None
    for line in server.stdout:
        entry = json.loads(line)
        if entry.get("event") == "listening":
            return server, entry["url"]
        if time.monotonic() > deadline:
            break
    server.kill()
    raise SystemExit(f"bazaar serve did not start (exit {server.wait()})")


def seed(story: Story, url: str) -> int:
    """The shipped listings, uploaded and listed by the seller; how many."""
    listings = json.loads((SEED / "listings.json").read_text())
    for item in listings:
        picture = SEED / item["picture"]
        story.run("seller", "catalogue", "upload", picture, "--server", url, show=False)
        story.run(
            "seller", "list", "--document", SEED / item["document"], "--server", url,
            "--price", item["priceUsd"], "--stock", item["stock"],
            "--token", "wbtc", "--token", "usdc", show=False,
        )  # fmt: skip
    return len(listings)


def wait_for_catalogue(url: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        total = requests.get(f"{url}/api/listings", timeout=10).json().get("total", 0)
        if total >= count:
            return
        time.sleep(0.5)
    raise SystemExit(f"the catalogue at {url} did not show the {count} listings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make shop", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="the page's port (0: any)")
    parser.add_argument("--check", action="store_true", help="seed, check, and stop")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bazaar-shop-") as folder, anvil() as rpc:
        story = Story(rpc, Path(folder))
        os.environ["BAZAAR_KEYSTORE_PASSWORD"] = PASSWORD
        deploy = ("deploy", "--mocks", "--arbiter", ADDRESS["arbiter"], "--yes")
        story.run("deployer", *deploy, show=False)
        story.run("deployer", "mocks", "mint", "wbtc", "1", "--to", ADDRESS["buyer"], show=False)
        story.run("deployer", "mocks", "mint", "usdc", "5000", "--to", ADDRESS["buyer"], show=False)
        server, url = start_server(story, args.port)
        try:
            count = seed(story, url)
            wait_for_catalogue(url, count)
            print(f"BTC Bazaar's shop is open at {url}  ({time.monotonic() - started:.1f} s)")
            print(f"  chain: {rpc} (chain id 31337); {count} listings by the seller")
            print("  Import these anvil development accounts into your wallet (public test keys):")
            for name in ("buyer", "seller", "arbiter"):
                print(f"    {name:8} {ADDRESS[name]}  {DEV_KEYS[name]}")
            print("  The buyer holds 1 WBTC and 5,000 USDC. Ctrl-C stops the shop.")
            if not args.check:
                server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
