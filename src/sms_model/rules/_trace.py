"""Traceability: which rules check each clause and each guidance statement."""

from __future__ import annotations

from collections.abc import Mapping

from sms_model.catalog import clauses, guidance, is_within, leaf_clauses
from sms_model.rules._registry import Registry, default_registry

__all__ = ["traceability", "untraced"]


def traceability(registry: Registry | None = None) -> Mapping[str, tuple[str, ...]]:
    """Clause numbers (every clause of the 2011 edition, sub-clauses' rules included) and
    guidance ids, each with the ids of the rules that trace to it, in catalogue order.

    >>> matrix = traceability()
    >>> "SMS-4.1.1-TM-h" in matrix["TM-h"] and "SMS-4.1.1-TM-h" in matrix["4.1.1"]
    True
    """
    specs = list(registry if registry is not None else default_registry())
    matrix: dict[str, tuple[str, ...]] = {}
    for clause in clauses():
        matrix[clause.number] = tuple(
            spec.id for spec in specs if is_within(spec.clause, clause.number)
        )
    for statement in guidance():
        matrix[statement.id] = tuple(spec.id for spec in specs if statement.id in spec.guidance)
    return matrix


def untraced(registry: Registry | None = None) -> tuple[str, ...]:
    """Leaf clauses of 4.1.2 to 9.3 and guidance ids that no rule checks (should be empty).

    >>> untraced()
    ()
    >>> untraced(Registry())[:3]
    ('4.1.2', '4.1.3', '4.1.4')
    """
    matrix = traceability(registry)
    first = (4, 1, 2)
    wanted = [c.number for c in leaf_clauses() if _key(c.number) >= first]
    wanted += [g.id for g in guidance()]
    return tuple(key for key in wanted if not matrix.get(key))


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))
