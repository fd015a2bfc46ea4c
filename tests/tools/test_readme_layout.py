"""The README's layout section is a map of the tree: every place it names exists, and every
folder of the code (and every module at the package's top) is on it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"__pycache__", "build", "node_modules"}


def layout_block() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 1)[1].split("```", 1)[0]


def named_places() -> list[Path]:
    """The entries of the left column: top-level ones from the root, indented ones inside the
    last top-level folder above them."""
    places, parent = [], ROOT
    for line in layout_block().splitlines():
        match = re.match(r"^( {2})?([\w.\-/]+[\w/])(,| |$)", line)
        if not match or line.startswith(" " * 4):
            continue
        if match.group(1):
            places.append(parent / match.group(2))
        else:
            places.append(ROOT / match.group(2))
            parent = ROOT / match.group(2)
    return places


def test_every_place_the_layout_names_exists():
    places = named_places()
    assert len(places) > 30
    assert [str(p.relative_to(ROOT)) for p in places if not p.exists()] == []


def test_every_code_folder_is_on_the_layout():
    named = {p.resolve() for p in named_places()}
    missing = []
    for top in ("contracts", "bazaar", "tests", "tools"):
        for folder in sorted((ROOT / top).iterdir()):
            if folder.is_dir() and folder.name not in SKIPPED and folder.resolve() not in named:
                missing.append(str(folder.relative_to(ROOT)))
    assert missing == []


def test_every_module_at_the_top_of_the_package_is_on_the_layout():
    block = layout_block()
    modules = [p.name for p in (ROOT / "bazaar").glob("*.py") if p.name != "__init__.py"]
    assert [m for m in modules if not re.search(rf"\b{re.escape(m)}\b", block)] == []
