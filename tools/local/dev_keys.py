"""anvil's development accounts (its default mnemonic, `test test ... junk`): well-known keys,
for local chains only. One list for the demo, the benchmark and the tests."""

from __future__ import annotations

from eth_account import Account

DEV_KEYS = {
    "deployer": "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "buyer": "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "seller": "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "arbiter": "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "member": "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "maker": "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
}
ADDRESS = {name: Account.from_key(key).address for name, key in DEV_KEYS.items()}
