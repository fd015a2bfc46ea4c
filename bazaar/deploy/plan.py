"""The plan language: a deployment is an ordered list of named steps, as data.

A step deploys a contract with constructor arguments, or calls a function of a contract an
earlier step deployed. An argument may name an earlier step (`Ref`): whoever runs the plan
puts that step's contract in its place (the journaled engine its address, the brownie adapter
of tools/local/suite.py its brownie contract). A step may also need the effects of earlier
steps (`after`), which only the dry run's gas estimates care about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Ref:
    """The contract deployed by step `step`."""

    step: str


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # "deploy" or "call"
    contract: str  # deploy: the contract created; call: the artifact of the target
    args: tuple[Any, ...] = ()
    target: Ref | None = None  # call: the step whose contract is called
    function: str | None = None
    after: tuple[str, ...] = ()  # earlier steps whose effects it needs (not only addresses)

    def refs(self) -> set[str]:
        """The steps whose contracts this step names (its target and its arguments)."""
        found: set[str] = {self.target.step} if self.target else set()

        def walk(value: Any) -> None:
            if isinstance(value, Ref):
                found.add(value.step)
            elif isinstance(value, tuple | list):
                for v in value:
                    walk(v)

        walk(self.args)
        return found


def deploy(name: str, contract: str, *args: Any) -> Step:
    return Step(name, "deploy", contract, args)


def call(
    name: str, target: str, contract: str, function: str, *args: Any, after: tuple[str, ...] = ()
) -> Step:
    return Step(name, "call", contract, args, Ref(target), function, after)


def resolve(value: Any, lookup: Callable[[str], Any]) -> Any:
    """`value` with every `Ref` replaced by `lookup(step name)`, tuples and lists as lists."""
    if isinstance(value, Ref):
        return lookup(value.step)
    if isinstance(value, tuple | list):
        return [resolve(v, lookup) for v in value]
    return value
