"""Typed clients of the contracts: views return integers in contract units plus the records
of `bazaar.types`; transactions go through `bazaar.tx.TxSender` (preflight, local signing)."""
