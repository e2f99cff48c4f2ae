"""The move from the 2011 edition to the 2018 edition of ISO/IEC 20000-1: one system assessed
against both, compared clause by clause through the crosswalk (:func:`transition`).

Each leaf clause of 2018 gets one row: its verdict in 2018, the 2011 clauses its requirements
came from (:func:`~sms_model.catalog.crosswalk`, and the 2011 clause of each rule that checks it
in both editions) with their verdicts in 2011, and what the move
means for it (:class:`Move`): a requirement that stays met, one newly required by 2018 (met or
not yet), one 2018 asks more of than 2011 did, and so on.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs

from sms_model.catalog import clause as catalog_clause
from sms_model.catalog import crosswalk, leaf_clauses
from sms_model.model import ServiceManagementSystem
from sms_model.rules._findings import Config, Finding, Waiver
from sms_model.rules._registry import Registry, default_registry
from sms_model.rules._results import Assessment, Verdict
from sms_model.rules._waivers import is_clause

__all__ = ["Move", "Transition", "TransitionRow", "transition"]

#: The format number of the JSON document :meth:`Transition.to_json` writes.
TRANSITION_FORMAT: Final = 1


class Move(enum.Enum):
    """What moving from 2011 to 2018 means for one 2018 clause (met: conforming; unmet: a major
    or minor verdict; a 2011 source counts as met when conforming or not applicable)."""

    STAYS_MET = "stays_met"  # met under 2011, and under 2018
    NEW_MET = "new_met"  # newly required by 2018 (no 2011 source), already met
    NEW_UNMET = "new_unmet"  # newly required by 2018, not met: work to do
    NEWLY_UNMET = "newly_unmet"  # met under 2011, not under 2018: 2018 asks more
    STILL_UNMET = "still_unmet"  # unmet under both editions
    NOW_MET = "now_met"  # unmet under 2011, met under 2018
    NOTHING_TO_CHECK = "nothing_to_check"  # every rule of it was not applicable under 2018
    NOT_ASSESSED = "not_assessed"  # no verdict under 2018 (a rule could not run, or none ran)

    @property
    def label(self) -> str:
        """How reports name this move."""
        return _LABELS[self]

    @property
    def needs_work(self) -> bool:
        """True when the 2018 clause is not met (or could not be assessed)."""
        return self in (Move.NEW_UNMET, Move.NEWLY_UNMET, Move.STILL_UNMET, Move.NOT_ASSESSED)


_LABELS: Final = {
    Move.STAYS_MET: "stays met",
    Move.NEW_MET: "new in 2018, met",
    Move.NEW_UNMET: "new in 2018, not met",
    Move.NEWLY_UNMET: "met under 2011, not under 2018",
    Move.STILL_UNMET: "not met under either edition",
    Move.NOW_MET: "met under 2018, not under 2011",
    Move.NOTHING_TO_CHECK: "nothing to check under 2018",
    Move.NOT_ASSESSED: "not assessed under 2018",
}

_MET: Final = frozenset({Verdict.CONFORMING})
_MET_BEFORE: Final = frozenset({Verdict.CONFORMING, Verdict.NOT_APPLICABLE})
_UNMET: Final = frozenset({Verdict.MAJOR, Verdict.MINOR})
#: Verdicts from worst to best, to combine those of several 2011 clauses.
_WORST_FIRST: Final = (
    Verdict.MAJOR,
    Verdict.NOT_ASSESSED,
    Verdict.MINOR,
    Verdict.CONFORMING,
    Verdict.NOT_APPLICABLE,
)


@attrs.frozen(kw_only=True)
class TransitionRow:
    """One leaf clause of 2018: its verdict, its 2011 sources with theirs, the move, and the
    2018 failures behind an unmet verdict."""

    clause: str
    title: str
    verdict: Verdict
    sources: tuple[tuple[str, Verdict], ...]  # (2011 clause, its 2011 verdict)
    move: Move
    failures: tuple[Finding, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The row as plain data (the JSON document's ``clauses`` entries)."""
        return {
            "clause": self.clause,
            "title": self.title,
            "verdict": self.verdict.value,
            "move": self.move.value,
            "sources": [{"clause": c, "verdict": v.value} for c, v in self.sources],
            "failures": [f.to_record() for f in self.failures],
        }


@attrs.frozen(kw_only=True)
class Transition:
    """A system assessed against both editions, compared clause by clause (:func:`transition`)."""

    system_name: str
    as_of: date
    old: Assessment  # against 2011
    new: Assessment  # against 2018
    rows: tuple[TransitionRow, ...]

    def by_move(self) -> Mapping[Move, tuple[TransitionRow, ...]]:
        """The rows of each move, in the order of :class:`Move` (empty moves left out)."""
        grouped = {move: tuple(r for r in self.rows if r.move is move) for move in Move}
        return {move: rows for move, rows in grouped.items() if rows}

    @property
    def counts(self) -> Mapping[str, int]:
        """How many 2018 clauses each move holds (every move, zero included)."""
        return {move.value: sum(r.move is move for r in self.rows) for move in Move}

    @property
    def work(self) -> tuple[TransitionRow, ...]:
        """The 2018 clauses not met (or not assessed): what the move asks to be done."""
        return tuple(r for r in self.rows if r.move.needs_work)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as plain data."""
        return {
            "transition_format": TRANSITION_FORMAT,
            "system": self.system_name,
            "as_of": self.as_of.isoformat(),
            "from": self.old.edition,
            "to": self.new.edition,
            "counts": dict(self.counts),
            "clauses": [row.to_record() for row in self.rows],
        }

    def to_json(self) -> str:
        """The comparison as JSON: deterministic, byte-identical for the same input."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def transition(
    sms: ServiceManagementSystem,
    *,
    as_of: date | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    registry: Registry | None = None,
) -> Transition:
    """Assess ``sms`` against the 2011 and the 2018 editions and compare them clause by clause:
    what stays met, what 2018 newly requires and is not met yet, and what moved where.

    >>> import sms_model
    >>> from datetime import date
    >>> move = transition(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> (move.old.edition, move.new.edition), len(move.rows)
    (('2011', '2018'), 57)
    >>> row = next(r for r in move.rows if r.clause == "4.1")
    >>> row.sources, row.move.label
    ((), 'new in 2018, not met')
    """
    from sms_model.rules._engine import assess

    day = as_of or date.today()

    def run(edition: str) -> Assessment:
        # A waiver of a clause belongs to its edition: each run gets its own and those of rules.
        mine = [w for w in waivers if w.edition == edition or not is_clause(w.target, w.edition)]
        return assess(
            sms, as_of=day, config=config, waivers=mine, registry=registry, edition=edition
        )

    old, new = run("2011"), run("2018")
    sources = _sources(registry if registry is not None else default_registry())
    return Transition(
        system_name=sms.name,
        as_of=new.as_of,
        old=old,
        new=new,
        rows=tuple(_rows(old, new, sources)),
    )


def _sources(registry: Registry) -> dict[str, tuple[str, ...]]:
    """The 2011 clauses each 2018 leaf clause came from: those of the crosswalk, and the 2011
    clause of every rule that checks the 2018 one in both editions, in clause order."""
    found = {number: set(old) for number, old in crosswalk("2018", "2011").items()}
    for spec in registry:
        old, new = spec.clause_in("2011"), spec.clause_in("2018")
        if old is not None and new is not None:
            found.setdefault(new, set()).add(old)
    return {number: tuple(sorted(old, key=_clause_key)) for number, old in found.items()}


def _clause_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _rows(
    old: Assessment, new: Assessment, sources: Mapping[str, tuple[str, ...]]
) -> list[TransitionRow]:
    before = {v.clause: v.verdict for v in old.verdicts}
    after = {v.clause: v.verdict for v in new.verdicts}
    failing = new.by_clause()
    rows = []
    for leaf in leaf_clauses(new.edition):
        came_from = tuple((c, before[c]) for c in sources.get(leaf.number, ()))
        verdict = after[leaf.number]
        rows.append(
            TransitionRow(
                clause=leaf.number,
                title=catalog_clause(leaf.number, new.edition).title,
                verdict=verdict,
                sources=came_from,
                move=_move(verdict, [v for _, v in came_from]),
                failures=tuple(f for f in failing.get(leaf.number, ()) if f.outstanding),
            )
        )
    return rows


def _move(verdict: Verdict, earlier: Sequence[Verdict]) -> Move:
    """The move of one 2018 clause from its verdict and those of its 2011 sources."""
    if verdict is Verdict.NOT_APPLICABLE:
        return Move.NOTHING_TO_CHECK
    if verdict not in _MET and verdict not in _UNMET:
        return Move.NOT_ASSESSED
    met = verdict in _MET
    if not earlier:
        return Move.NEW_MET if met else Move.NEW_UNMET
    was = min(earlier, key=_WORST_FIRST.index)
    if was in _MET_BEFORE:
        return Move.STAYS_MET if met else Move.NEWLY_UNMET
    return Move.NOW_MET if met else Move.STILL_UNMET
