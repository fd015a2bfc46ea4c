"""The driver of the stateful invariant tests: one method per user or governance action,
split by concern (world: the chain; core: sending; market, aftersale, governance and
staking: the actions; checks: the invariants) and put together in `System`.

Each action predicts its outcome with the model (tests/invariant/model.py) at the timestamp
the transaction will get (every block's timestamp is pinned, so the prediction is exact),
sends the transaction, and then either applies the prediction to the model and checks the
events against it, or checks that the transaction reverted with the predicted custom error.
`check_all` compares the model with the contracts' views after each step.
"""

from tests.invariant.system.aftersale import AfterSaleActions
from tests.invariant.system.checks import Checks
from tests.invariant.system.governance import GovernanceActions
from tests.invariant.system.market import MarketActions
from tests.invariant.system.staking import StakingActions
from tests.invariant.system.world import STATS, World

__all__ = ["STATS", "System", "World"]


class System(MarketActions, AfterSaleActions, GovernanceActions, StakingActions, Checks):
    """Sends the actions and keeps the model in step. `m.now` is the latest block's time."""
