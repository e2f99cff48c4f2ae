"""The evidence as rules read it: in id order, and indexed by kind, clause and subject.

Evidence is by far the largest part of a system, and the part an ITSM product changes most
often, so its order and indexes can be brought up to date after a change of a few records
instead of being rebuilt (see :mod:`sms_model.rules._incremental`).
"""

from __future__ import annotations

import bisect
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

from sms_model.model import Evidence, ServiceManagementSystem

__all__ = ["EvidenceIndex", "Ordered", "records_of"]


def _recency(record: Evidence) -> tuple[date, str]:
    return record.effective, record.id


#: The id of a record (a C-level getter, for sorting and bisecting).
_record_id: Callable[[Evidence], str] = operator.attrgetter("id")


def _index_keys(name: str, record: Evidence) -> Iterable[Any]:
    """The keys under which an evidence index files a record."""
    if name == "kind":
        return (record.kind,)
    if name == "clause":
        return dict.fromkeys(record.clauses)
    return dict.fromkeys(record.subjects)  # "subject"


_MAX_DELTAS: Final = 64


class Ordered:
    """Evidence records in id order, worked out when first needed: sorted from the records of
    a system, or from the last order worked out and the records removed and added since
    (re-assessment after a change of one record need not touch the other hundred thousand).

    Each holds the records of its own system, the last worked-out order and the edits since
    it, never an earlier ``Ordered``: a long chain of edits keeps nothing of the versions
    between.
    """

    __slots__ = ("_base", "_deltas", "_items", "_value")

    def __init__(
        self,
        items: tuple[Evidence, ...],
        base: Ordered | None = None,
        removed: Sequence[Evidence] = (),
        added: Sequence[Evidence] = (),
    ) -> None:
        self._items = items  # the records in file order, to sort afresh if need be
        self._value: tuple[Evidence, ...] | None = None
        self._base: tuple[Evidence, ...] | None = None
        self._deltas: tuple[tuple[tuple[Evidence, ...], tuple[Evidence, ...]], ...] = ()
        if base is not None:
            delta = (tuple(removed), tuple(added))
            if base._value is not None:
                self._base, self._deltas = base._value, (delta,)
            elif base._base is not None:
                self._base, self._deltas = base._base, (*base._deltas, delta)
            if len(self._deltas) > _MAX_DELTAS:
                self.get()

    def get(self) -> tuple[Evidence, ...]:
        """The records in id order."""
        if self._value is None:
            value = None
            if self._base is not None:
                value = _apply_deltas(self._base, self._deltas)
            if value is None:
                value = tuple(sorted(self._items, key=_record_id))
            self._value, self._base, self._deltas = value, None, ()
        return self._value


def _apply_deltas(
    ordered: tuple[Evidence, ...],
    deltas: Iterable[tuple[tuple[Evidence, ...], tuple[Evidence, ...]]],
) -> tuple[Evidence, ...] | None:
    records = list(ordered)
    for removed, added in deltas:
        for record in removed:
            at = bisect.bisect_left(records, record.id, key=_record_id)
            if at >= len(records) or records[at] is not record:
                return None
            del records[at]
        for record in added:
            at = bisect.bisect_left(records, record.id, key=_record_id)
            if at < len(records) and records[at].id == record.id:
                return None
            records.insert(at, record)
    return tuple(records)


#: Changes waiting for one key of an evidence index before they are applied anyway.
_MAX_PENDING: Final = 256

#: The evidence indexes kept by key: by kind, by each clause and by each subject named.
_KEYED: Final = ("kind", "clause", "subject")


def _future(record: Evidence, as_of: date) -> bool:
    """Whether an evidence record has a date of what happened (the fields the model marks,
    ``happened_fields(Evidence)``: ``effective`` and ``collected``) after ``as_of``. Written
    out, since it runs once per record; a test ties it to the marks."""
    collected = record.collected
    return record.effective > as_of or (collected is not None and collected.date() > as_of)


#: Lists of evidence ids an :class:`EvidenceIndex` keeps up to date, each by what it keeps.
_FILTERS: Final[Mapping[str, Callable[[Evidence, date], bool]]] = {
    "unlocated": lambda record, as_of: record.effective <= as_of and not record.location,
    "future": _future,
}


class EvidenceIndex:
    """The evidence in effect by a date, indexed by kind, clause and subject, with the latest
    record of each kind and the ids of records that do not say where they are kept.

    Built on first use. :meth:`update` takes a change of a few records; each key's records are
    brought up to date when the key is next read, so a change costs little until it matters.
    """

    def __init__(self, records: Callable[[], tuple[Evidence, ...]], as_of: date) -> None:
        self._records = records
        self.as_of = as_of
        self._maps: dict[str, dict[Any, tuple[Evidence, ...]]] = {}
        self._pending: dict[str, dict[Any, list[tuple[bool, Evidence]]]] = {}
        self._counts: dict[str, int] | None = None  # records in effect per kind
        self._latest: dict[str, Evidence | None] = {}
        self._filtered: dict[str, tuple[str, ...]] = {}  # per name in _FILTERS, once asked

    def records(self) -> tuple[Evidence, ...]:
        """All the evidence records, in order (not only those in effect)."""
        return self._records()

    def rebase(self, records: Callable[[], tuple[Evidence, ...]]) -> None:
        """Build what is not built yet from these records (after :meth:`update`)."""
        self._records = records

    def _map(self, name: str) -> dict[Any, tuple[Evidence, ...]]:
        found = self._maps.get(name)
        if found is None:
            groups: dict[Any, list[Evidence]] = defaultdict(list)
            as_of = self.as_of
            live = [r for r in self._records() if r.effective <= as_of]
            if name == "kind":
                for record in live:
                    groups[record.kind].append(record)
            else:  # one key per distinct clause or subject; most records name just one
                field = operator.attrgetter("clauses" if name == "clause" else "subjects")
                for record, keys in zip(live, map(field, live), strict=True):
                    if len(keys) == 1:
                        groups[keys[0]].append(record)
                    else:
                        for key in dict.fromkeys(keys):
                            groups[key].append(record)
            found = self._maps[name] = {k: tuple(v) for k, v in groups.items()}
        return found

    def get(self, name: str, key: Any, default: Any = None) -> Any:
        """The records filed under ``key`` in index ``name``."""
        found = self._map(name)
        pending = self._pending.get(name)
        if pending and key in pending:
            self._settle(name, key, pending.pop(key))
        return found.get(key, default)

    def mapping(self, name: str) -> Mapping[Any, tuple[Evidence, ...]]:
        """The whole index ``name``, up to date."""
        found = self._map(name)
        pending = self._pending.pop(name, None)
        if pending:
            for key, changes in pending.items():
                self._settle(name, key, changes)
        return found

    def _settle(self, name: str, key: Any, changes: list[tuple[bool, Evidence]]) -> None:
        index = self._maps[name]
        records = list(index.get(key, ()))
        for adding, record in changes:
            at = bisect.bisect_left(records, record.id, key=_record_id)
            if adding:
                records.insert(at, record)
            elif at < len(records) and records[at] is record:
                del records[at]
            else:
                records.remove(record)
        if records:
            index[key] = tuple(records)
        else:
            index.pop(key, None)

    def count(self, kind: str) -> int:
        """How many records of ``kind`` are in effect."""
        if self._counts is None:
            self._counts = {k: len(v) for k, v in self.mapping("kind").items()}
        return self._counts.get(kind, 0)

    def latest(self, kind: str) -> Evidence | None:
        """The most recent record of ``kind`` in effect, or ``None``."""
        if kind not in self._latest:
            records = self.get("kind", kind, ())
            self._latest[kind] = max(records, key=_recency, default=None)
        return self._latest[kind]

    def unlocated(self) -> tuple[str, ...]:
        """The ids of the records in effect that do not say where they are kept, in order."""
        return self.filtered("unlocated")

    def future(self) -> tuple[str, ...]:
        """The ids of the records dated after the as-of date, in order."""
        return self.filtered("future")

    def filtered(self, name: str) -> tuple[str, ...]:
        """The ids of the records that filter ``name`` of ``_FILTERS`` keeps, in order."""
        found = self._filtered.get(name)
        if found is None:
            keep, as_of = _FILTERS[name], self.as_of
            found = self._filtered[name] = tuple(r.id for r in self._records() if keep(r, as_of))
        return found

    def update(
        self, removed: Sequence[Evidence], added: Sequence[Evidence]
    ) -> set[tuple[str, Any]]:
        """Take the records ``removed`` out and put ``added`` in (a changed record is in both);
        returns the keys whose answers may have changed (``("kind", k)``, ``("subject", s)``,
        ``("record", id)``, ``("any", k)``, ``("unlocated", None)``, ...)."""
        as_of = self.as_of
        touched: set[tuple[str, Any]] = set()
        counts = self._counts
        before = (
            {} if counts is None else {r.kind: counts.get(r.kind, 0) for r in (*removed, *added)}
        )
        for adding, records in ((False, removed), (True, added)):
            for record in records:
                touched.add(("record", record.id))
                if record.effective > as_of:
                    continue
                for name in _KEYED:
                    keys = _index_keys(name, record)
                    touched.update((name, key) for key in keys)
                    if name in self._maps:
                        pending = self._pending.setdefault(name, {})
                        for key in keys:
                            changes = pending.setdefault(key, [])
                            changes.append((adding, record))
                            if len(changes) > _MAX_PENDING:  # a key nobody reads: settle it
                                self._settle(name, key, pending.pop(key))
                if counts is not None:
                    counts[record.kind] = counts.get(record.kind, 0) + (1 if adding else -1)
                self._update_latest(adding, record)
        for kind, was in before.items():
            if (was > 0) != ((counts or {}).get(kind, 0) > 0):
                touched.add(("any", kind))
        for name in list(self._filtered):
            if self._update_filtered(name, removed, added):
                touched.add((name, None))
        return touched

    def _update_latest(self, adding: bool, record: Evidence) -> None:
        latest = self._latest
        if record.kind not in latest:
            return
        best = latest[record.kind]
        if not adding:
            if best is record:
                del latest[record.kind]  # found again when next asked
        elif best is None or _recency(record) > _recency(best):
            latest[record.kind] = record

    def _update_filtered(
        self, name: str, removed: Sequence[Evidence], added: Sequence[Evidence]
    ) -> bool:
        keep, as_of = _FILTERS[name], self.as_of
        net: dict[str, int] = {}
        for sign, records in ((-1, removed), (1, added)):
            for record in records:
                if keep(record, as_of):
                    net[record.id] = net.get(record.id, 0) + sign
        moves = {i: n for i, n in net.items() if n}
        if not moves:
            return False
        ids = list(self._filtered[name])
        for record_id, move in moves.items():
            at = bisect.bisect_left(ids, record_id)
            present = at < len(ids) and ids[at] == record_id
            if move > 0 and not present:
                ids.insert(at, record_id)
            elif move < 0 and present:
                del ids[at]
        self._filtered[name] = tuple(ids)
        return True


def records_of(sms: ServiceManagementSystem) -> Callable[[], tuple[Evidence, ...]]:
    """The evidence of ``sms`` in id order, sorted on first use."""
    found: list[tuple[Evidence, ...]] = []

    def records() -> tuple[Evidence, ...]:
        if not found:
            found.append(tuple(sorted(sms.evidence, key=_record_id)))
        return found[0]

    return records
