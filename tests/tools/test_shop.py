"""`make shop` runs in the suite (so in CI) as `--check`: anvil of its own, the suite deployed
by `bazaar deploy`, `bazaar serve` as a real process, the shipped listings uploaded and listed,
then the catalogue asked and everything stopped; the shipped documents name the shipped
pictures by their hashes."""

import json
import re
import subprocess
import sys
from pathlib import Path

from bazaar import catalogue

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tools" / "local" / "shop"


def test_every_shipped_listing_names_its_shipped_picture_by_its_hash():
    listings = json.loads((SEED / "listings.json").read_text())
    assert len(listings) == 4
    for item in listings:
        document = catalogue.parse_document((SEED / item["document"]).read_bytes())
        picture = (SEED / item["picture"]).read_bytes()
        assert catalogue.image_type(picture) == "image/png"
        assert document.images == (catalogue.content_hash(picture),)


def test_make_shop_opens_a_shop_with_the_shipped_listings_and_stops():
    run = subprocess.run(
        [sys.executable, "-m", "tools.local.shop", "--check", "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert re.search(r"shop is open at http://127\.0\.0\.1:\d+", run.stdout), run.stdout
    assert "4 listings by the seller" in run.stdout
    assert "buyer    0x70997970C51812dc3A010C7d01b50e0d17dc79C8" in run.stdout
