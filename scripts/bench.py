"""`make bench`: gas per operation into reports/gas.json (logic in tools/bench.py)."""

from tools import bench, brownie_patches


def main() -> None:
    brownie_patches.apply_runtime()
    bench.main()
