"""`make bench`: gas per operation into reports/gas.json (logic in tools/local/bench.py)."""

from tools.local import bench
from tools.toolchain import brownie_patches


def main() -> None:
    brownie_patches.apply_runtime()
    bench.main()
