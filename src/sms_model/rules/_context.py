"""What a rule sees: the SMS, the as-of date, the configuration, and shared derived facts."""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from sms_model.catalog._cadence import back
from sms_model.model import (
    Agreement,
    Approval,
    Document,
    DocumentKind,
    Evidence,
    LifecycleStage,
    Process,
    ProcessKind,
    Report,
    Review,
    Risk,
    Service,
    ServiceManagementSystem,
)
from sms_model.rules._findings import Config, Finding, Severity, Status

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.graph import Gap
    from sms_model.rules._registry import RuleSpec

__all__ = ["GRAPH_READS", "Context", "Facts"]

#: The partition of a rule's work outside any ``Context.each`` loop.
GLOBAL: Any = None

#: The parts of an SMS the accountability graph is built from; rules built on the graph or its
#: gaps declare ``reads=GRAPH_READS`` so that re-assessment skips them when none changed.
GRAPH_READS: frozenset[str] = frozenset(
    {
        "name",
        "parties",
        "people",
        "roles",
        "policies",
        "objectives",
        "services",
        "processes",
        "agreements",
        "plan",
        "top_management",
        "duties",
        "other_party_processes",
        "approvals",
    }
)

T = TypeVar("T")


def _group(items: Iterable[T], key: Any) -> Mapping[Any, tuple[T, ...]]:
    groups: dict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return {k: tuple(v) for k, v in groups.items()}


def _by_subjects(items: Iterable[Any]) -> Mapping[str, tuple[Any, ...]]:
    # Records naming several subjects appear under each of them, once, in input order.
    groups: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for subject in dict.fromkeys(item.subjects):
            groups[subject].append(item)
    return {k: tuple(v) for k, v in groups.items()}


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


class _Many(set[Any]):
    """Several partitions that read one key."""

    __slots__ = ()


class Reads:
    """What one rule read of the evidence: for each key of the evidence indexes (by index
    name: ``"kind"``, ``"subject"``, ``"record"``, ...), the partitions that read it (the item
    ``Context.each`` was at, or ``GLOBAL``). ``whole`` is set when the rule read all of it, or
    when its reads cannot be told apart by item (loops within loops): it then runs whole.

    A partition checked again adds what it reads now; what it no longer reads stays noted, which
    can only cause a needless re-check later, never a missed one.
    """

    __slots__ = ("by_name", "whole")

    def __init__(self) -> None:
        self.by_name: dict[str, dict[Any, Any]] = {}  # key -> a partition, or _Many of them
        self.whole = False

    def add(self, name: str, key: Any, part: Any) -> None:
        keys = self.by_name.get(name)
        if keys is None:
            keys = self.by_name[name] = {}
        found = keys.get(key, _NONE)
        if found is _NONE:
            keys[key] = part
        elif type(found) is _Many:
            found.add(part)
        elif found != part:
            keys[key] = _Many((found, part))

    def partitions(self, keys: Iterable[tuple[str, Any]]) -> set[Any]:
        """The partitions that read any of these ``(name, key)`` pairs."""
        found: set[Any] = set()
        for name, key in keys:
            parts = self.by_name.get(name, {}).get(key, _NONE)
            if parts is _NONE:
                continue
            if type(parts) is _Many:
                found.update(parts)
            else:
                found.add(parts)
        return found


_NONE: Final[Any] = object()


class Tracker:
    """While a rule runs: what it read of the evidence (``reads``), and the item its
    ``Context.each`` loop is at (``partition``). Shared by the facts and the view rules see."""

    __slots__ = ("partition", "reads")

    def __init__(self) -> None:
        self.reads: Reads | None = None
        self.partition: Any = GLOBAL

    def note(self, name: str, key: Any) -> None:
        if self.reads is not None:
            self.reads.add(name, key, self.partition)

    def read_all(self) -> None:
        if self.reads is not None:
            self.reads.whole = True


class _TrackedIndex(Mapping[str, tuple[Evidence, ...]]):
    """An evidence index that notes each key a rule looks up; iterating it reads all of it."""

    __slots__ = ("_index", "_name", "_track")

    def __init__(self, track: Tracker, index: EvidenceIndex, name: str) -> None:
        self._track = track
        self._index = index
        self._name = name

    def get(self, key: str, default: Any = None) -> Any:
        self._track.note(self._name, key)
        return self._index.get(self._name, key, default)

    def __getitem__(self, key: str) -> tuple[Evidence, ...]:
        self._track.note(self._name, key)
        found: tuple[Evidence, ...] | None = self._index.get(self._name, key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        self._track.note(self._name, key)
        return self._index.get(self._name, key) is not None

    def __iter__(self) -> Iterator[str]:
        self._track.read_all()
        return iter(self._index.mapping(self._name))

    def __len__(self) -> int:
        self._track.read_all()
        return len(self._index.mapping(self._name))


#: Edits an id order takes before it is worked out: beyond them it is worked out at once.
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


def _days(span: timedelta) -> str:
    return "1 day" if span.days == 1 else f"{span.days} days"


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


def _missed(before: date, due: date, after: date) -> bool:
    """Whether the record on ``after`` came too late for the period due by ``due``: later
    than a tenth of the interval ``before`` to ``due`` past it (a record a few days late, or
    one shifted by the lengths of months, still counts for its period)."""
    return (after - due).days > (due - before).days // 10


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


class Facts:
    """Indexes derived from one SMS, computed once on first use and shared by every rule.

    Rules should use these rather than scanning collections themselves, so that an assessment
    stays linear in the size of the SMS.

    :param sms: the SMS assessed.
    :param as_of: the date the assessment speaks for.
    :type as_of: datetime.date
    :param config: the configuration of the assessment.
    """

    def __init__(
        self,
        sms: ServiceManagementSystem,
        as_of: date,
        config: Config,
    ) -> None:
        self.sms = sms
        self.as_of = as_of
        self.config = config
        # The evidence indexes read the records without noting it (the view rules see notes
        # every read of the whole collection).
        self._ev = EvidenceIndex(_records_of(sms), as_of)
        self._track = Tracker()

    def _note(self, name: str, key: Any) -> None:
        self._track.note(name, key)

    def _tracked_index(self, name: str) -> Mapping[str, tuple[Evidence, ...]]:
        return _TrackedIndex(self._track, self._ev, name)

    @functools.cached_property
    def top_management(self) -> frozenset[str]:
        """Ids of the people in top management."""
        return frozenset(self.sms.top_management.members)

    @functools.cached_property
    def top_management_and_representative(self) -> frozenset[str]:
        """Top management plus the management representative."""
        rep = self.sms.top_management.representative
        return self.top_management | ({rep} if rep else set())

    @functools.cached_property
    def approvals_by_subject(self) -> Mapping[str, tuple[Approval, ...]]:
        """Approvals dated on or before the as-of date, by the id of what they approve."""
        return _group((a for a in self.sms.approvals if a.date <= self.as_of), lambda a: a.subject)

    def top_approvals(self, subject: str) -> tuple[Approval, ...]:
        """Approvals of ``subject`` by a member of top management, oldest first."""
        top = self.top_management
        found = [a for a in self.approvals_by_subject.get(subject, ()) if a.approver in top]
        return tuple(sorted(found, key=lambda a: (a.date, a.id)))

    @functools.cached_property
    def acknowledged(self) -> Mapping[str, frozenset[str]]:
        """For each artefact id, the parties that acknowledged it by the as-of date."""
        groups: dict[str, set[str]] = defaultdict(set)
        for ack in self.sms.acknowledgements:
            if ack.date <= self.as_of:
                groups[ack.artefact].add(ack.party)
        return {k: frozenset(v) for k, v in groups.items()}

    @functools.cached_property
    def look_back_start(self) -> date:
        """The first day of the window cadence checks look back over (``Config.look_back``
        before the as-of date; ``date.min`` at the start of the calendar)."""
        return self.config.look_back.back_from(self.as_of)

    @functools.cached_property
    def processes_by_kind(self) -> Mapping[ProcessKind, tuple[Process, ...]]:
        """Processes grouped by kind."""
        return _group(self.sms.processes, lambda p: p.kind)

    @functools.cached_property
    def policies_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Policies grouped by kind."""
        return _group(self.sms.policies, lambda p: p.kind)

    @functools.cached_property
    def reviews_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Reviews held by the as-of date, by kind."""
        return _group((r for r in self.sms.reviews if r.date <= self.as_of), lambda r: r.kind)

    @functools.cached_property
    def audits_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Audits held by the as-of date, by kind."""
        return _group((a for a in self.sms.audits if a.date <= self.as_of), lambda a: a.kind)

    @functools.cached_property
    def reports_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Reports issued by the as-of date, by kind."""
        return _group((r for r in self.sms.reports if r.date <= self.as_of), lambda r: r.kind)

    @functools.cached_property
    def meetings(self) -> tuple[Any, ...]:
        """Meetings held by the as-of date."""
        return tuple(m for m in self.sms.meetings if m.date <= self.as_of)

    @property
    def evidence_by_kind(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Evidence in effect by the as-of date, by kind, in id order."""
        return self._tracked_index("kind")

    @property
    def evidence_by_clause(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Evidence in effect by the as-of date, by each clause it supports, in id order."""
        return self._tracked_index("clause")

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The accountability graph of the SMS (networkx is imported on first use)."""
        from sms_model.graph import accountability_graph

        return accountability_graph(self.sms)

    @functools.cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """Governance gaps of the accountability graph, with the configured interfaces (found
        without building the graph, unless a rule asked for it)."""
        from sms_model.graph import find_gaps
        from sms_model.model import ProcessKind as Kind

        interfaces = self.config.interfaces
        pairs = None if interfaces is None else [(Kind(a), Kind(b)) for a, b in interfaces]
        # The built-in rules need only the gaps: unless a rule asked for the graph itself, they
        # come straight from the system, without building the graph (the largest structure
        # of an assessment).
        graph = self.__dict__.get("graph")
        return find_gaps(self.sms if graph is None else graph, interfaces=pairs)

    def gaps_of(self, *kinds: str) -> tuple[Gap, ...]:
        """The gaps of the given kinds (``GapKind`` values)."""
        wanted = set(kinds)
        return tuple(g for g in self.gaps if g.kind.value in wanted)

    # --- indexes for Clauses 5 and 6 (helper: design/transition and delivery rules) -------

    @functools.cached_property
    def live_services(self) -> tuple[Service, ...]:
        """Services at the live stage of their lifecycle, in file order."""
        return tuple(s for s in self.sms.services if s.stage is LifecycleStage.LIVE)

    @functools.cached_property
    def documents_in_force_by_subject(self) -> Mapping[str, tuple[Document, ...]]:
        """Issued documents (issued by the as-of date when dated), by each subject they name."""
        as_of = self.as_of
        return _by_subjects(d for d in self.sms.documents if d.in_force(as_of))

    @functools.cached_property
    def reviews_by_subject(self) -> Mapping[str, tuple[Review, ...]]:
        """Reviews held by the as-of date, by each subject they name."""
        return _by_subjects(r for r in self.sms.reviews if r.date <= self.as_of)

    @functools.cached_property
    def reports_by_subject(self) -> Mapping[str, tuple[Report, ...]]:
        """Reports issued by the as-of date, by each subject they name."""
        return _by_subjects(r for r in self.sms.reports if r.date <= self.as_of)

    @property
    def evidence_by_subject(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Evidence in effect by the as-of date, by each subject it names, in id order."""
        return self._tracked_index("subject")

    @property
    def evidence_without_location(self) -> tuple[str, ...]:
        """The ids of the evidence in effect by the as-of date that does not say where it is
        kept, in order."""
        self._note("unlocated", None)
        return self._ev.unlocated()

    @property
    def evidence_after_as_of(self) -> tuple[str, ...]:
        """The ids of the evidence records dated after the as-of date (left out of every
        other index), in order."""
        self._note("future", None)
        return self._ev.future()

    @functools.cached_property
    def risks_by_subject(self) -> Mapping[str, tuple[Risk, ...]]:
        """Risks assessed by the as-of date, by each subject they name."""
        return _by_subjects(
            r for r in self.sms.risks if r.assessed is not None and r.assessed <= self.as_of
        )

    @functools.cached_property
    def agreements_by_service(self) -> Mapping[str, tuple[Agreement, ...]]:
        """Agreements by each service they cover (``Agreement.services``)."""
        groups: dict[str, list[Agreement]] = defaultdict(list)
        for agreement in self.sms.agreements:
            for service in agreement.services:
                groups[service].append(agreement)
        return {k: tuple(v) for k, v in groups.items()}

    # --- indexes for Clauses 7 to 9 (helper: relationship, resolution and control rules) --

    @functools.cached_property
    def parties_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Parties grouped by kind (``PartyKind``), in file order."""
        return _group(self.sms.parties, lambda p: p.kind)

    @functools.cached_property
    def agreements_in_force_by_party(self) -> Mapping[str, tuple[Agreement, ...]]:
        """Agreements in force on the as-of date (effective by then, not yet expired), by each
        party they name."""
        as_of = self.as_of
        groups: dict[str, list[Agreement]] = defaultdict(list)
        for agreement in self.sms.agreements:
            if not agreement.in_force(as_of):
                continue
            for party in dict.fromkeys(agreement.parties):
                groups[party].append(agreement)
        return {k: tuple(v) for k, v in groups.items()}

    def has_evidence(self, kind: str) -> bool:
        """True when some evidence of ``kind`` is in effect by the as-of date (re-assessment
        re-checks a rule that asked only when the answer changes)."""
        self._note("any", kind)
        return self._ev.count(kind) > 0

    def latest_evidence(self, kind: str) -> Evidence | None:
        """The most recent evidence of ``kind`` in effect by the as-of date, or ``None``."""
        self._note("kind", kind)
        return self._ev.latest(kind)

    @functools.cached_property
    def interfaced_kinds(self) -> frozenset[frozenset[ProcessKind]]:
        """Unordered pairs of process kinds joined by a recorded interface: a process of one
        kind lists a process of the other in its ``interfaces``."""
        kind_of = {p.id: p.kind for p in self.sms.processes}
        return frozenset(
            frozenset((process.kind, kind_of[other]))
            for process in self.sms.processes
            for other in process.interfaces
            if other in kind_of
        )

    def interfaced(self, a: ProcessKind, b: ProcessKind) -> bool:
        """True when some process of kind ``a`` and some process of kind ``b`` record an
        interface, in either direction."""
        return frozenset((a, b)) in self.interfaced_kinds

    # --- indexes for 4.2 to 4.4 (helper: governance, documentation and resource rules) ----

    @functools.cached_property
    def documents_in_force_by_kind(self) -> Mapping[DocumentKind, tuple[Document, ...]]:
        """Issued documents (issued by the as-of date when dated), by kind, in file order."""
        as_of = self.as_of
        return _group((d for d in self.sms.documents if d.in_force(as_of)), lambda d: d.kind)

    @functools.cached_property
    def roles_held_by(self) -> Mapping[str, tuple[str, ...]]:
        """For each person, the ids of the roles they hold, in file order."""
        groups: dict[str, list[str]] = defaultdict(list)
        for role in self.sms.roles:
            for holder in dict.fromkeys(role.holders):
                groups[holder].append(role.id)
        return {k: tuple(v) for k, v in groups.items()}

    # --- indexes for 4.5 (helper: SMS cycle rules: scope, plan, audit, review, improvement) -

    @functools.cached_property
    def improvements_by_source(self) -> Mapping[str, tuple[Any, ...]]:
        """Improvement register entries raised by the as-of date, by the id of their source
        (an audit, a review, a nonconformity, ...), in file order."""
        return _group(
            (i for i in self.sms.improvements if i.raised <= self.as_of and i.source is not None),
            lambda i: i.source,
        )

    # --- lead engineer: people behind references, and per-customer indexes ----------------

    def people_behind(self, references: Iterable[str]) -> set[str]:
        """The people that person or role ids stand for (a role stands for its holders)."""
        people: set[str] = set()
        for reference in references:
            people.update(self.sms.people_of(reference))
        return people

    @functools.cached_property
    def services_by_customer(self) -> Mapping[str, tuple[str, ...]]:
        """Ids of the services of each customer party."""
        groups: dict[str, list[str]] = defaultdict(list)
        for service in self.sms.services:
            for customer in service.customers:
                groups[customer].append(service.id)
        return {k: tuple(v) for k, v in groups.items()}

    # --- re-assessment: taking over the indexes of the facts of an earlier version ----------

    def _adopt(
        self,
        old: Facts,
        changed: frozenset[str],
        removed: Sequence[Evidence] | None,
        added: Sequence[Evidence] | None,
    ) -> set[tuple[str, Any]] | None:
        """Take over ``old``'s indexes (``old`` must not be used afterwards): those built from
        unchanged parts as they are, the evidence indexes updated for the records ``removed``
        and ``added``. Returns the evidence keys the change touches, or ``None`` when the
        evidence changed in a way not given (its indexes are then built afresh)."""
        for name, parts in _FACT_READS.items():
            if name in old.__dict__ and not (parts & changed):
                self.__dict__[name] = old.__dict__[name]
        if "evidence" in changed and (removed is None or added is None):
            return None
        index, old._ev = old._ev, EvidenceIndex(_records_of(old.sms), old.as_of)
        index.rebase(self._ev._records)
        self._ev = index
        if "evidence" not in changed or removed is None or added is None:
            return set()
        return index.update(removed, added)


#: The parts of the SMS each cached fact is derived from: re-assessment keeps the facts whose
#: parts did not change (a test checks that every cached fact is listed).
_FACT_READS: Mapping[str, frozenset[str]] = {
    "look_back_start": frozenset(),  # the as-of date and the configuration only
    "top_management": frozenset({"top_management"}),
    "top_management_and_representative": frozenset({"top_management"}),
    "approvals_by_subject": frozenset({"approvals"}),
    "acknowledged": frozenset({"acknowledgements"}),
    "processes_by_kind": frozenset({"processes"}),
    "policies_by_kind": frozenset({"policies"}),
    "reviews_by_kind": frozenset({"reviews"}),
    "audits_by_kind": frozenset({"audits"}),
    "reports_by_kind": frozenset({"reports"}),
    "meetings": frozenset({"meetings"}),
    "graph": GRAPH_READS,
    "gaps": GRAPH_READS,
    "live_services": frozenset({"services"}),
    "documents_in_force_by_subject": frozenset({"documents"}),
    "reviews_by_subject": frozenset({"reviews"}),
    "reports_by_subject": frozenset({"reports"}),
    "risks_by_subject": frozenset({"risks"}),
    "agreements_by_service": frozenset({"agreements"}),
    "parties_by_kind": frozenset({"parties"}),
    "agreements_in_force_by_party": frozenset({"agreements"}),
    "interfaced_kinds": frozenset({"processes"}),
    "documents_in_force_by_kind": frozenset({"documents"}),
    "roles_held_by": frozenset({"roles"}),
    "improvements_by_source": frozenset({"improvements"}),
    "services_by_customer": frozenset({"services"}),
}


_EVIDENCE_FIELD: Any = ServiceManagementSystem.__dict__["evidence"]


def _records_of(sms: ServiceManagementSystem) -> Callable[[], tuple[Evidence, ...]]:
    """The evidence of ``sms`` in id order, sorted on first use."""
    found: list[tuple[Evidence, ...]] = []

    def records() -> tuple[Evidence, ...]:
        if not found:
            found.append(tuple(sorted(sms.evidence, key=_record_id)))
        return found[0]

    return records


class RuleView(ServiceManagementSystem):
    """The system as rules see it (in canonical order), noting the reads of evidence that do
    not go through the indexes of :class:`Facts`: the whole collection, or records by id."""

    __slots__ = ("_records", "_track")
    _records: Callable[[], tuple[Evidence, ...]]
    _track: Tracker

    @classmethod
    def of(
        cls,
        sms: ServiceManagementSystem,
        track: Tracker,
        records: Callable[[], tuple[Evidence, ...]],
    ) -> RuleView:
        """The view of ``sms`` whose reads ``track`` notes; ``records`` gives the evidence in
        canonical order."""
        view = object.__new__(cls)
        for field in attrs.fields(ServiceManagementSystem):
            if field.name == "evidence":
                _EVIDENCE_FIELD.__set__(view, sms.evidence)
            else:
                object.__setattr__(view, field.name, getattr(sms, field.name))
        object.__setattr__(view, "_track", track)
        object.__setattr__(view, "_records", records)
        return view

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        self._track.read_all()
        return self._records()

    @evidence.setter
    def evidence(self, records: tuple[Evidence, ...]) -> None:
        _EVIDENCE_FIELD.__set__(self, records)

    def _looked_up(self, entity_id: Any) -> Any:
        hit = self._index.get(entity_id)
        if hit is None or type(hit) is Evidence:
            self._track.note("record", entity_id)
        return hit

    def get(self, entity_id: str) -> Any:
        self._looked_up(entity_id)
        return super().get(entity_id)

    def find(self, entity_id: str | None) -> Any | None:
        if entity_id is None:
            return None
        return self._looked_up(entity_id)

    def kind_of(self, entity_id: str) -> str | None:
        self._looked_up(entity_id)
        return super().kind_of(entity_id)

    def __contains__(self, entity_id: object) -> bool:
        return self._looked_up(entity_id) is not None

    def ids(self) -> Iterator[str]:
        self._track.read_all()
        return super().ids()


class Context:
    """The read-only view one rule gets: ``sms``, ``as_of``, ``config``, ``facts``, ``graph``,
    and helpers that make findings carrying the rule's id, clause and guidance.

    The SMS is immutable, so a rule cannot change it.
    """

    __slots__ = ("_only", "facts", "spec")

    def __init__(self, facts: Facts, spec: RuleSpec, only: set[Any] | None = None) -> None:
        self.facts = facts
        self.spec = spec
        self._only = only  # when re-checking: the partitions to check again

    def each(self, items: Iterable[T]) -> Iterator[T]:
        """The items (entities with an ``id``, or ids) a rule checks one by one, as a loop:
        ``for service in ctx.each(ctx.facts.live_services): ...``.

        Findings yielded inside the loop belong to the item it is at, and what the rule reads
        there is noted for that item, so that re-assessment after a change of evidence re-checks
        only the items whose reads it touched. That is right only when each item's findings
        depend on nothing but what was read for that item and what the rule read before the
        loop. So: yield each item's findings inside the loop; carry nothing from one item to
        the next (no counters, no "first one" flags, no ``enumerate``); use nothing learnt in
        the loop after it; write the loop as a ``for`` statement over ``ctx.each(...)`` itself.
        A rule that cannot keep to this should use a plain loop: it is then re-run whole. (The
        engine re-runs a rule whole when what it yields outside the loop changes, which catches
        some but not all breaches.)

        >>> from datetime import date
        >>> import sms_model
        >>> from sms_model.rules import Config, Facts
        >>> sms = sms_model.load("examples/acme-managed-services.yaml")
        >>> ctx = Context(Facts(sms, date(2026, 11, 27), Config()), None)  # type: ignore[arg-type]
        >>> [service.id for service in ctx.each(sms.services)][:2]
        ['svc-workplace', 'svc-hosting']
        """
        track = self.facts._track
        only = self._only
        if track.partition is not GLOBAL:  # a loop within a loop: partitions are not nested
            track.read_all()
            yield from items
            return
        try:
            for item in items:
                key = item if isinstance(item, str) else getattr(item, "id", item)
                try:
                    hash(key)
                except TypeError:  # an item that cannot be a partition: the rule runs whole
                    track.read_all()
                    key = GLOBAL
                if only is not None and key not in only:
                    continue
                track.partition = key
                yield item
                track.partition = GLOBAL
        finally:
            track.partition = GLOBAL

    @property
    def sms(self) -> ServiceManagementSystem:
        """The system under assessment."""
        return self.facts.sms

    @property
    def as_of(self) -> date:
        """The date the assessment speaks for: records after it are ignored."""
        return self.facts.as_of

    def back(self, span: relativedelta | timedelta) -> date:
        """The as-of date less ``span`` (the start of a look-back window), or ``date.min`` when
        that would fall before year 1.

        >>> from datetime import date
        >>> import sms_model
        >>> from sms_model.rules import Config, Facts
        >>> sms = sms_model.load("examples/minimal.yaml")
        >>> ctx = Context(Facts(sms, date(1, 6, 1), Config()), None)  # type: ignore[arg-type]
        >>> ctx.back(relativedelta(months=1)), ctx.back(relativedelta(years=1))
        (datetime.date(1, 5, 1), datetime.date(1, 1, 1))
        """
        return back(self.facts.as_of, span)

    @property
    def config(self) -> Config:
        """The assessment configuration."""
        return self.facts.config

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The accountability graph, built once per assessment on first use."""
        return self.facts.graph

    def _finding(
        self,
        status: Status,
        message: str,
        subjects: str | Sequence[str],
        evidence: str | Sequence[str],
        severity: Severity | None,
    ) -> Finding:
        spec = self.spec
        return Finding(
            rule=spec.id,
            clause=spec.clause,
            guidance=spec.guidance,
            status=status,
            severity=severity or spec.severity,
            message=message,
            subjects=subjects,
            evidence=evidence,
        )

    def fail(
        self,
        message: str,
        *,
        subjects: str | Sequence[str] = (),
        evidence: str | Sequence[str] = (),
        severity: Severity | None = None,
    ) -> Finding:
        """A failure: say what was found and what was expected."""
        return self._finding(Status.FAIL, message, subjects, evidence, severity)

    def passed(
        self,
        message: str,
        *,
        subjects: str | Sequence[str] = (),
        evidence: str | Sequence[str] = (),
    ) -> Finding:
        """An explicit pass, e.g. to name the evidence that satisfied the rule."""
        return self._finding(Status.PASS, message, subjects, evidence, None)

    def not_applicable(self, message: str, *, subjects: str | Sequence[str] = ()) -> Finding:
        """The rule has nothing to check in this SMS (e.g. no services in transition)."""
        return self._finding(Status.NOT_APPLICABLE, message, subjects, (), None)

    def fail_gaps(self, *kinds: str) -> Iterator[Finding]:
        """A failure for each gap of the accountability graph of the given kinds
        (:class:`~sms_model.graph.GapKind` values), with the gap's message and subjects."""
        for gap in self.facts.gaps_of(*kinds):
            yield self.fail(gap.message, subjects=gap.subjects)

    def check_cadence(
        self,
        expectation: str,
        records: Iterable[tuple[date, str]],
        *,
        what: str,
        subjects: str | Sequence[str] = (),
        severity: Severity | None = None,
    ) -> tuple[Finding, ...]:
        """Whether dated records ``(date, id)`` of ``what`` keep up with the cadence of
        ``expectation``, over the look-back window (``Config.look_back``, a year by default).

        One failure for each interval in the window in which a period was missed (naming the
        record before it, the date the next was due and the one that came late; a record late
        by no more than a tenth of the interval, such as a quarter-end measurement on 31
        December after one on 30 September, still counts for its period), one when the last
        record is older than the cadence allows (overdue, from the day after the due date), one
        when there is none by the as-of date; a pass, naming the last record, when there is no
        failure. Records dated after the as-of date are left out.
        """
        as_of = self.as_of
        dated = [record for record in records if record[0] <= as_of]
        cadence = self.config.cadence(expectation)
        if not dated:
            message = f"no {what} on record by {as_of.isoformat()} (expected {cadence})"
            return (self.fail(message, subjects=subjects, severity=severity),)
        dated.sort()
        first = max(bisect.bisect_left(dated, (self.facts.look_back_start,)) - 1, 0)
        found = []
        next_due = cadence.next_due
        for before, after in itertools.pairwise(dated[first:]):  # from the one before the window
            due = next_due(before[0])
            if after[0] > due and _missed(before[0], due, after[0]):
                found.append(
                    self.fail(
                        f"{what} missed a period: after the one on {before[0].isoformat()} the "
                        f"next was due by {due.isoformat()} ({cadence}) but came only on "
                        f"{after[0].isoformat()}, {_days(after[0] - due)} late",
                        subjects=subjects,
                        evidence=(before[1], after[1]),
                        severity=severity,
                    )
                )
        last = dated[-1]
        due = cadence.next_due(last[0])
        if due < as_of:
            found.append(
                self.fail(
                    f"{what} is overdue: the last was on {last[0].isoformat()} and the next was "
                    f"due by {due.isoformat()} ({cadence}), {_days(as_of - due)} ago",
                    subjects=subjects,
                    evidence=last[1],
                    severity=severity,
                )
            )
        if found:
            return tuple(found)
        message = f"last {what} on {last[0].isoformat()}, next due by {due.isoformat()}"
        return (self.passed(message, subjects=subjects, evidence=last[1]),)
