"""`make demo`: the BTC Bazaar story on the embedded local anvil (logic in tools/demo.py)."""

from tools import demo


def main() -> None:
    demo.main()
