"""`make bench`: gas per operation into reports/gas.json (logic in tools/bench.py)."""

from tools import bench


def main() -> None:
    bench.main()
