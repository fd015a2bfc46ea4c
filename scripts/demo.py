"""`make demo`: the BTC Bazaar story on the embedded local anvil (logic in tools/local/demo.py)."""

from tools.local import demo
from tools.toolchain import brownie_patches


def main() -> None:
    brownie_patches.apply_runtime()
    demo.main()
