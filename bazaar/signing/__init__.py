"""Signing off-line: the EIP-712 types of the suite (eip712) and signed ballots (ballots)."""
