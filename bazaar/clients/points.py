"""The reward points as a token: an ERC-20 whose amounts read as points (18 decimals)."""

from __future__ import annotations

from bazaar.clients.erc20 import Erc20Client
from bazaar.units import format_points


class PointsClient(Erc20Client):
    @property
    def noun(self) -> str:
        return "points"

    def format(self, units: int) -> str:
        return format_points(units)
