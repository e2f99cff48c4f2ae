"""How the clauses of the 2011 edition map to those of the 2018 edition, and back.

The mapping is declared once, from each leaf clause of 2011 to the leaf clauses of 2018 that
carry its requirements on (a clause may map to several); the reverse is derived from it. The
transition report (:func:`sms_model.transition`) compares clauses through it; a rule states
its own clause in each edition it checks, which a test keeps within this mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from sms_model.catalog._clauses import _checked_edition, leaf_clauses

__all__ = ["crosswalk"]

#: Each leaf clause of ISO/IEC 20000-1:2011 and the leaf clauses of the 2018 edition its
#: requirements moved to.
_2011_TO_2018: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("4.1.1", ("5.1",)),
    ("4.1.2", ("5.2.1", "5.2.2")),
    ("4.1.3", ("5.3", "7.4")),
    ("4.1.4", ("5.3",)),
    ("4.2", ("8.2.3",)),
    ("4.3.1", ("7.5.1", "7.5.4")),
    ("4.3.2", ("7.5.2", "7.5.3")),
    ("4.3.3", ("7.5.3",)),
    ("4.4.1", ("7.1",)),
    ("4.4.2", ("7.2", "7.3")),
    ("4.5.1", ("4.3",)),
    ("4.5.2", ("6.1", "6.2.1", "6.2.2", "6.3")),
    ("4.5.3", ("4.4", "8.1")),
    ("4.5.4.1", ("9.1",)),
    ("4.5.4.2", ("9.2",)),
    ("4.5.4.3", ("9.3",)),
    ("4.5.5.1", ("10.1",)),
    ("4.5.5.2", ("10.2",)),
    ("5.1", ("8.5.2.1",)),
    ("5.2", ("8.5.2.1", "8.2.2")),
    ("5.3", ("8.5.2.2",)),
    ("5.4", ("8.5.2.3",)),
    ("6.1", ("8.3.3",)),
    ("6.2", ("9.4",)),
    ("6.3.1", ("8.7.1", "8.7.2")),
    ("6.3.2", ("8.7.2",)),
    ("6.3.3", ("8.7.1", "8.7.2")),
    ("6.4", ("8.4.1",)),
    ("6.5", ("8.4.3",)),
    ("6.6.1", ("8.7.3.1", "8.7.3.2")),  # its risk assessments at planned intervals: 8.7.3.2
    ("6.6.2", ("8.7.3.2",)),
    ("6.6.3", ("8.7.3.3",)),
    ("7.1", ("8.3.2",)),
    ("7.2", ("8.3.4.1", "8.3.4.2")),
    ("8.1", ("8.6.1", "8.6.2")),
    ("8.2", ("8.6.3",)),
    ("9.1", ("8.2.6",)),
    ("9.2", ("8.5.1.1", "8.5.1.2", "8.5.1.3")),
    ("9.3", ("8.5.3",)),
)


def _forward() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(_2011_TO_2018))


def _backward() -> Mapping[str, tuple[str, ...]]:
    sources: dict[str, list[str]] = {c.number: [] for c in leaf_clauses("2018")}
    for old, new in _2011_TO_2018:
        for number in new:
            sources[number].append(old)
    return MappingProxyType({number: tuple(old) for number, old in sources.items()})


_WALKS: Final = {("2011", "2018"): _forward(), ("2018", "2011"): _backward()}


def crosswalk(source: str = "2011", target: str = "2018") -> Mapping[str, tuple[str, ...]]:
    """Each leaf clause of the ``source`` edition and the leaf clauses of ``target`` that carry
    its requirements, in the source's document order. From 2011 every leaf clause maps to at
    least one clause; from 2018, a clause new in that edition maps to none (an empty tuple).

    >>> crosswalk()["4.1.4"], crosswalk()["9.2"]
    (('5.3',), ('8.5.1.1', '8.5.1.2', '8.5.1.3'))
    >>> crosswalk("2018", "2011")["5.3"], crosswalk("2018", "2011")["7.6"]
    (('4.1.3', '4.1.4'), ())
    >>> crosswalk("2011", "2011")
    Traceback (most recent call last):
    ...
    ValueError: a crosswalk goes from one edition to another: 2011 to 2018, or 2018 to 2011
    """
    walk = _WALKS.get((_checked_edition(source), _checked_edition(target)))
    if walk is None:
        raise ValueError(
            "a crosswalk goes from one edition to another: 2011 to 2018, or 2018 to 2011"
        )
    return walk
