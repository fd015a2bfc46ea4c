"""`make demo`: the BTC Bazaar story on the embedded local anvil (logic in tools/demo.py)."""

from tools import brownie_patches, demo


def main() -> None:
    brownie_patches.apply_runtime()
    demo.main()
