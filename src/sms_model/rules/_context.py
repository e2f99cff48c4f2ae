"""What a rule sees: the SMS, the as-of date, the configuration, and shared derived facts.

Everything a rule gets is read-only: the system is immutable, the facts are worked out once
and cannot be set, their indexes are read-only mappings, and the accountability graph is
frozen, so that no rule can change what another rule finds.

Length: :class:`Facts` lists every shared index in one place, where rule authors look for
them; each is a few lines.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

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
from sms_model.rules._evidence import EvidenceIndex, records_of
from sms_model.rules._findings import Config, Finding, Severity, Status
from sms_model.rules._messages import Params, plain_params, template_fields
from sms_model.rules._reads import ANY_PART, AS_OF, GLOBAL, RuleView, TrackedIndex, Tracker, fact

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.graph import Gap
    from sms_model.rules._registry import RuleSpec

__all__ = ["Context", "Facts"]

T = TypeVar("T")


def _group(items: Iterable[T], key: Any) -> Mapping[Any, tuple[T, ...]]:
    groups: dict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


def _by_subjects(items: Iterable[Any]) -> Mapping[str, tuple[Any, ...]]:
    # Records naming several subjects appear under each of them, once, in input order.
    groups: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for subject in dict.fromkeys(item.subjects):
            groups[subject].append(item)
    return MappingProxyType({k: tuple(v) for k, v in groups.items()})


def _missed(before: date, due: date, after: date) -> bool:
    """Whether the record on ``after`` came too late for the period due by ``due``: later
    than a tenth of the interval ``before`` to ``due`` past it (a record a few days late, or
    one shifted by the lengths of months, still counts for its period)."""
    return (after - due).days > (due - before).days // 10


class Facts:
    """Indexes derived from one SMS, computed once on first use and shared by every rule.

    Rules should use these rather than scanning collections themselves, so that an assessment
    stays linear in the size of the SMS.

    :param sms: the SMS assessed.
    :param as_of: the date the assessment speaks for.
    :type as_of: datetime.date
    :param config: the configuration of the assessment.
    """

    __slots__ = ("_as_of", "_cache", "_config", "_ev", "_sms", "_track")

    def __init__(
        self,
        sms: ServiceManagementSystem,
        as_of: date,
        config: Config,
        *,
        records: Callable[[], tuple[Evidence, ...]] | None = None,
    ) -> None:
        self._as_of = as_of
        self._config = config
        self._track = Tracker()
        # The evidence in id order (sorted on first use unless given), read by the indexes
        # without noting it: the view notes each read of the whole collection.
        records = records or records_of(sms)
        self._ev = EvidenceIndex(records, as_of)
        self._sms = RuleView.of(sms, self._track, records)
        # fact -> (value, the parts it read, whether they include the evidence)
        self._cache: dict[str, tuple[Any, frozenset[str], bool]] = {}

    @property
    def sms(self) -> ServiceManagementSystem:
        """The system under assessment, in canonical order."""
        return self._sms

    @property
    def as_of(self) -> datetime.date:
        """The date the assessment speaks for (a rule or fact reading it is noted as depending
        on it)."""
        parts = self._track.parts
        if parts is not None:
            parts.add(AS_OF)
        return self._as_of

    @property
    def config(self) -> Config:
        """The configuration of the assessment."""
        return self._config

    def _note(self, name: str, key: Any) -> None:
        self._track.note(name, key)

    def _tracked_index(self, name: str) -> Mapping[str, tuple[Evidence, ...]]:
        return TrackedIndex(self._track, self._ev, name)

    @fact
    def top_management(self) -> frozenset[str]:
        """Ids of the people in top management."""
        return frozenset(self.sms.top_management.members)

    @fact
    def top_management_and_representative(self) -> frozenset[str]:
        """Top management plus the management representative."""
        rep = self.sms.top_management.representative
        return self.top_management | ({rep} if rep else set())

    @fact
    def approvals_by_subject(self) -> Mapping[str, tuple[Approval, ...]]:
        """Approvals dated on or before the as-of date, by the id of what they approve."""
        return _group((a for a in self.sms.approvals if a.date <= self.as_of), lambda a: a.subject)

    def top_approvals(self, subject: str) -> tuple[Approval, ...]:
        """Approvals of ``subject`` by a member of top management, oldest first."""
        top = self.top_management
        found = [a for a in self.approvals_by_subject.get(subject, ()) if a.approver in top]
        return tuple(sorted(found, key=lambda a: (a.date, a.id)))

    @fact
    def acknowledged(self) -> Mapping[str, frozenset[str]]:
        """For each artefact id, the parties that acknowledged it by the as-of date."""
        groups: dict[str, set[str]] = defaultdict(set)
        for ack in self.sms.acknowledgements:
            if ack.date <= self.as_of:
                groups[ack.artefact].add(ack.party)
        return MappingProxyType({k: frozenset(v) for k, v in groups.items()})

    @fact
    def look_back_start(self) -> datetime.date:
        """The first day of the window cadence checks look back over (``Config.look_back``
        before the as-of date; ``date.min`` at the start of the calendar)."""
        return self.config.look_back.back_from(self.as_of)

    @fact
    def processes_by_kind(self) -> Mapping[ProcessKind, tuple[Process, ...]]:
        """Processes grouped by kind."""
        return _group(self.sms.processes, lambda p: p.kind)

    @fact
    def policies_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Policies grouped by kind."""
        return _group(self.sms.policies, lambda p: p.kind)

    @fact
    def reviews_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Reviews held by the as-of date, by kind."""
        return _group((r for r in self.sms.reviews if r.date <= self.as_of), lambda r: r.kind)

    @fact
    def audits_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Audits held by the as-of date, by kind."""
        return _group((a for a in self.sms.audits if a.date <= self.as_of), lambda a: a.kind)

    @fact
    def reports_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Reports issued by the as-of date, by kind."""
        return _group((r for r in self.sms.reports if r.date <= self.as_of), lambda r: r.kind)

    @fact
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

    @fact
    def graph(self) -> nx.MultiDiGraph[str]:
        """The accountability graph of the SMS (networkx is imported on first use)."""
        import networkx as nx

        from sms_model.graph import accountability_graph

        graph: nx.MultiDiGraph[str] = nx.freeze(accountability_graph(self.sms))
        return graph

    @fact
    def gaps(self) -> tuple[Gap, ...]:
        """Governance gaps of the accountability graph, with the configured interfaces.

        Found from the system itself, never from the graph rules see: the graph is not built
        unless a rule asks for it (it is the largest structure of an assessment), and what a
        rule does with the graph it gets can change no other rule's findings.
        """
        from sms_model.graph import find_gaps
        from sms_model.model import ProcessKind as Kind

        interfaces = self.config.interfaces
        pairs = None if interfaces is None else [(Kind(a), Kind(b)) for a, b in interfaces]
        return find_gaps(self.sms, interfaces=pairs)

    def gaps_of(self, *kinds: str) -> tuple[Gap, ...]:
        """The gaps of the given kinds (``GapKind`` values)."""
        wanted = set(kinds)
        return tuple(g for g in self.gaps if g.kind.value in wanted)

    # --- indexes for Clauses 5 and 6 (helper: design/transition and delivery rules) -------

    @fact
    def live_services(self) -> tuple[Service, ...]:
        """Services at the live stage of their lifecycle, in file order."""
        return tuple(s for s in self.sms.services if s.stage is LifecycleStage.LIVE)

    @fact
    def documents_in_force_by_subject(self) -> Mapping[str, tuple[Document, ...]]:
        """Issued documents (issued by the as-of date when dated), by each subject they name."""
        as_of = self.as_of
        return _by_subjects(d for d in self.sms.documents if d.in_force(as_of))

    @fact
    def reviews_by_subject(self) -> Mapping[str, tuple[Review, ...]]:
        """Reviews held by the as-of date, by each subject they name."""
        return _by_subjects(r for r in self.sms.reviews if r.date <= self.as_of)

    @fact
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

    @fact
    def risks_by_subject(self) -> Mapping[str, tuple[Risk, ...]]:
        """Risks assessed by the as-of date, by each subject they name."""
        return _by_subjects(
            r for r in self.sms.risks if r.assessed is not None and r.assessed <= self.as_of
        )

    @fact
    def agreements_by_service(self) -> Mapping[str, tuple[Agreement, ...]]:
        """Agreements by each service they cover (``Agreement.services``)."""
        groups: dict[str, list[Agreement]] = defaultdict(list)
        for agreement in self.sms.agreements:
            for service in agreement.services:
                groups[service].append(agreement)
        return MappingProxyType({k: tuple(v) for k, v in groups.items()})

    # --- indexes for Clauses 7 to 9 (helper: relationship, resolution and control rules) --

    @fact
    def parties_by_kind(self) -> Mapping[Any, tuple[Any, ...]]:
        """Parties grouped by kind (``PartyKind``), in file order."""
        return _group(self.sms.parties, lambda p: p.kind)

    @fact
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
        return MappingProxyType({k: tuple(v) for k, v in groups.items()})

    def has_evidence(self, kind: str) -> bool:
        """True when some evidence of ``kind`` is in effect by the as-of date (re-assessment
        re-checks a rule that asked only when the answer changes)."""
        self._note("any", kind)
        return self._ev.count(kind) > 0

    def latest_evidence(self, kind: str) -> Evidence | None:
        """The most recent evidence of ``kind`` in effect by the as-of date, or ``None``."""
        self._note("kind", kind)
        return self._ev.latest(kind)

    @fact
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

    @fact
    def documents_in_force_by_kind(self) -> Mapping[DocumentKind, tuple[Document, ...]]:
        """Issued documents (issued by the as-of date when dated), by kind, in file order."""
        as_of = self.as_of
        return _group((d for d in self.sms.documents if d.in_force(as_of)), lambda d: d.kind)

    @fact
    def roles_held_by(self) -> Mapping[str, tuple[str, ...]]:
        """For each person, the ids of the roles they hold, in file order."""
        groups: dict[str, list[str]] = defaultdict(list)
        for role in self.sms.roles:
            for holder in dict.fromkeys(role.holders):
                groups[holder].append(role.id)
        return MappingProxyType({k: tuple(v) for k, v in groups.items()})

    # --- indexes for 4.5 (helper: SMS cycle rules: scope, plan, audit, review, improvement) -

    @fact
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

    @fact
    def services_by_customer(self) -> Mapping[str, tuple[str, ...]]:
        """Ids of the services of each customer party."""
        groups: dict[str, list[str]] = defaultdict(list)
        for service in self.sms.services:
            for customer in service.customers:
                groups[customer].append(service.id)
        return MappingProxyType({k: tuple(v) for k, v in groups.items()})

    # --- re-assessment: taking over the indexes of the facts of an earlier version ----------

    def _adopt(
        self,
        old: Facts,
        changed: frozenset[str],
        removed: Sequence[Evidence] | None,
        added: Sequence[Evidence] | None,
    ) -> set[tuple[str, Any]] | None:
        """Take over ``old``'s facts and indexes (``old`` must not be used afterwards): the
        facts worked out from unchanged parts as they are, the evidence indexes updated for the
        records ``removed`` and ``added``. Returns the evidence keys the change touches, or
        ``None`` when the evidence changed in a way not given (its indexes are then built
        afresh)."""
        for name, hit in old._cache.items():
            if ANY_PART not in hit[1] and not (hit[1] & changed):
                self._cache[name] = hit
        if "evidence" in changed and (removed is None or added is None):
            return None
        index, old._ev = old._ev, EvidenceIndex(records_of(old.sms), old.as_of)
        index.rebase(self._ev.records)
        self._ev = index
        if "evidence" not in changed or removed is None or added is None:
            return set()
        return index.update(removed, added)


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

    @property
    def edition(self) -> str:
        """The edition of ISO/IEC 20000-1 being assessed (``"2011"`` or ``"2018"``): a rule
        that checks both may word or weigh what it finds by edition."""
        return self.spec.edition

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
        code: str | None,
        key: str,
        params: dict[str, Any],
        subjects: str | Sequence[str],
        evidence: str | Sequence[str],
        severity: Severity | None,
    ) -> Finding:
        spec = self.spec
        plain = plain_params(params)
        if plain:  # a wrong template fails here, in the rule (an error finding), not in a report
            missing = template_fields(message) - plain.keys()
            if missing:
                raise KeyError(f"message template {message!r} has no parameter {min(missing)!r}")
        named = (subjects,) if isinstance(subjects, str) else subjects
        return Finding(
            rule=spec.id,
            clause=spec.clause,
            guidance=spec.guidance,
            status=status,
            severity=severity or spec.severity,
            message="" if plain else message,
            template=message if plain else "",
            code=code or "",
            params=Params.of(plain),
            key=key,
            subjects=subjects,
            evidence=evidence,
            id=spec.given_id(named, key),
        )

    def fail(
        self,
        message: str,
        *,
        code: str | None = None,
        key: str = "",
        subjects: str | Sequence[str] = (),
        evidence: str | Sequence[str] = (),
        severity: Severity | None = None,
        **params: Any,
    ) -> Finding:
        """A failure: say what was found and what was expected.

        ``message`` is an English template whose ``{fields}`` name the keyword ``params``
        (plain data: see :mod:`sms_model.rules` on messages); ``code`` names the message for
        programs and translators, and ``key`` tells apart findings of this rule about the same
        subjects (it goes into the finding's :attr:`~Finding.id`). Without params the message
        is taken as it is.

        >>> import sms_model
        >>> from datetime import date
        >>> from sms_model.rules import Config, Facts, Registry
        >>> registry = Registry()
        >>> @registry.rule(id="ACME-2", clause="4.1.4")
        ... def _(ctx):
        ...     yield ctx.fail("{who!r} is {late!d} late", code="acme.late", who="p1", late=3,
        ...                    subjects="p1")
        >>> (finding,) = sms_model.assess(sms_model.load("examples/minimal.yaml"),
        ...                               as_of=date(2026, 1, 1), registry=registry).findings
        >>> finding.message, finding.code, dict(finding.params)
        ("'p1' is 3 days late", 'acme.late', {'who': 'p1', 'late': 3})
        """
        return self._finding(Status.FAIL, message, code, key, params, subjects, evidence, severity)

    def passed(
        self,
        message: str,
        *,
        code: str | None = None,
        key: str = "",
        subjects: str | Sequence[str] = (),
        evidence: str | Sequence[str] = (),
        **params: Any,
    ) -> Finding:
        """An explicit pass, e.g. to name the evidence that satisfied the rule (the arguments
        are those of :meth:`fail`)."""
        return self._finding(Status.PASS, message, code, key, params, subjects, evidence, None)

    def not_applicable(
        self,
        message: str,
        *,
        code: str | None = None,
        key: str = "",
        subjects: str | Sequence[str] = (),
        **params: Any,
    ) -> Finding:
        """The rule has nothing to check in this SMS (e.g. no services in transition); the
        arguments are those of :meth:`fail`."""
        return self._finding(Status.NOT_APPLICABLE, message, code, key, params, subjects, (), None)

    def fail_gaps(self, *kinds: str, severity: Severity | None = None) -> Iterator[Finding]:
        """A failure for each gap of the accountability graph of the given kinds
        (:class:`~sms_model.graph.GapKind` values), with the gap's message code
        (``gap.<kind>``), parameters and subjects; ``severity`` overrides the rule's."""
        for gap in self.facts.gaps_of(*kinds):
            yield self._gap_finding(Status.FAIL, gap, severity)

    def passed_gaps(self, *kinds: str) -> Iterator[Finding]:
        """A pass for each gap of the given kinds: for the informational ones, which state a
        fact (such as the share of processes other parties operate) rather than a problem."""
        for gap in self.facts.gaps_of(*kinds):
            yield self._gap_finding(Status.PASS, gap, None)

    def _gap_finding(self, status: Status, gap: Gap, severity: Severity | None) -> Finding:
        # The gap's kind is its key: gaps of two kinds about the same subjects differ, and a
        # gap whose wording changes (its code's variant) stays the same finding.
        params = dict(gap.params) if gap.template else {}
        template = gap.template or gap.message
        key = f"gap.{gap.kind.value}"
        return self._finding(status, template, gap.code, key, params, gap.subjects, (), severity)

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
        failure. Records dated after the as-of date are left out. The findings' codes are
        ``cadence.missed``, ``cadence.overdue``, ``cadence.none`` and ``cadence.kept``; each
        names the expectation and the cadence in its parameters (``expectation``, ``cadence``),
        from which :func:`~sms_model.obligations` derives what is due when. Their key is
        ``what`` (and, for a missed period, the record before it), so ``what`` should name the
        records without any date.
        """
        as_of = self.as_of
        dated = [record for record in records if record[0] <= as_of]
        cadence = self.config.cadence(expectation)
        if not dated:
            return (
                self.fail(
                    "no {what} on record by {as_of} (expected {cadence})",
                    code="cadence.none",
                    key=what,
                    subjects=subjects,
                    severity=severity,
                    what=what,
                    expectation=expectation,
                    as_of=as_of,
                    cadence=str(cadence),
                ),
            )
        dated.sort()
        first = max(bisect.bisect_left(dated, (self.facts.look_back_start,)) - 1, 0)
        found = []
        next_due = cadence.next_due
        for before, after in itertools.pairwise(dated[first:]):  # from the one before the window
            due = next_due(before[0])
            if after[0] > due and _missed(before[0], due, after[0]):
                found.append(
                    self.fail(
                        "{what} missed a period: after the one on {before} the next was due by "
                        "{due} ({cadence}) but came only on {after}, {late!d} late",
                        code="cadence.missed",
                        key=f"{what}|missed:{before[1]}",
                        subjects=subjects,
                        evidence=(before[1], after[1]),
                        severity=severity,
                        what=what,
                        expectation=expectation,
                        before=before[0],
                        due=due,
                        cadence=str(cadence),
                        after=after[0],
                        late=(after[0] - due).days,
                    )
                )
        last = dated[-1]
        due = cadence.next_due(last[0])
        if due < as_of:
            found.append(
                self.fail(
                    "{what} is overdue: the last was on {last} and the next was due by {due} "
                    "({cadence}), {overdue!d} ago",
                    code="cadence.overdue",
                    key=what,
                    subjects=subjects,
                    evidence=last[1],
                    severity=severity,
                    what=what,
                    expectation=expectation,
                    last=last[0],
                    due=due,
                    cadence=str(cadence),
                    overdue=(as_of - due).days,
                )
            )
        if found:
            return tuple(found)
        return (
            self.passed(
                "last {what} on {last}, next due by {due}",
                code="cadence.kept",
                key=what,
                subjects=subjects,
                evidence=last[1],
                what=what,
                last=last[0],
                due=due,
                expectation=expectation,
                cadence=str(cadence),
            ),
        )
