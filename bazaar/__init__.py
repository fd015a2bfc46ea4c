"""BTC Bazaar client library: deploy, operate, sign and vote from Python (web3.py + eth-account)."""

__version__ = "0.1.0"
