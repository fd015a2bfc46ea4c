"""The page's bundle shipped in the package is exactly what web/build.mjs builds from web/src
now (a change to the page without a rebuild fails here), and it stays small."""

import gzip
import shutil
import subprocess
from pathlib import Path

from bazaar.server.page import FILES, STATIC

ROOT = Path(__file__).resolve().parents[2]
MAX_GZIPPED_BYTES = 300 * 1024


def test_the_shipped_page_is_what_a_fresh_build_of_web_makes(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed to build the page (make setup)"
    subprocess.run([node, str(ROOT / "web" / "build.mjs"), "--out", str(tmp_path)], check=True)
    shipped = sorted(p.name for p in STATIC.iterdir())
    assert shipped == sorted(p.name for p in tmp_path.iterdir()) == sorted([*FILES, "index.html"])
    for name in shipped:
        assert (STATIC / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"bazaar/server/static/{name} is not the build of web/: run `make page`"
        )


def test_the_bundle_is_under_300_kib_gzipped():
    assert len(gzip.compress((STATIC / "app.js").read_bytes(), 9)) < MAX_GZIPPED_BYTES
