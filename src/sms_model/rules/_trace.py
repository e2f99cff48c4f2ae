"""Traceability: which rules check each clause and each guidance statement."""

from __future__ import annotations

from collections.abc import Mapping

from sms_model.catalog import clauses, guidance, is_within, leaf_clauses
from sms_model.rules._registry import Registry, default_registry

__all__ = ["traceability", "untraced"]


def traceability(
    registry: Registry | None = None, edition: str = "2011"
) -> Mapping[str, tuple[str, ...]]:
    """Clause numbers (every clause of ``edition``, sub-clauses' rules included) and guidance
    ids, each with the ids of the rules of that edition that trace to it, in catalogue order.

    >>> matrix = traceability()
    >>> "SMS-4.1.1-TM-h" in matrix["TM-h"] and "SMS-4.1.1-TM-h" in matrix["4.1.1"]
    True
    >>> traceability(edition="2018")["8.2.5"]
    ('SMS18-8.2.5-assets',)
    """
    specs = (registry if registry is not None else default_registry()).select(edition=edition)
    matrix: dict[str, tuple[str, ...]] = {}
    for clause in clauses(edition):
        matrix[clause.number] = tuple(
            spec.id for spec in specs if is_within(spec.clause, clause.number)
        )
    for statement in guidance():
        matrix[statement.id] = tuple(spec.id for spec in specs if statement.id in spec.guidance)
    return matrix


def untraced(registry: Registry | None = None, edition: str = "2011") -> tuple[str, ...]:
    """Leaf clauses (of 2011: 4.1.2 to 9.3; of 2018: all) and guidance ids that no rule of
    ``edition`` checks (should be empty).

    >>> untraced(), untraced(edition="2018")
    ((), ())
    >>> untraced(Registry())[:3]
    ('4.1.2', '4.1.3', '4.1.4')
    """
    matrix = traceability(registry, edition)
    first = (4, 1, 2) if edition == "2011" else (4,)
    wanted = [c.number for c in leaf_clauses(edition) if _key(c.number) >= first]
    wanted += [g.id for g in guidance()]
    return tuple(key for key in wanted if not matrix.get(key))


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))
