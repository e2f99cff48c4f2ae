"""What a rule sees: the SMS, the as-of date, the configuration, and shared derived facts."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sms_model.model import (
    Agreement,
    Approval,
    Document,
    DocumentKind,
    DocumentStatus,
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


class Facts:
    """Indexes derived from one SMS, computed once on first use and shared by every rule.

    Rules should use these rather than scanning collections themselves, so that an assessment
    stays linear in the size of the SMS.
    """

    def __init__(self, sms: ServiceManagementSystem, as_of: date, config: Config) -> None:
        self.sms = sms
        self.as_of = as_of
        self.config = config

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
    def processes_by_kind(self) -> Mapping[ProcessKind, tuple[Process, ...]]:
        """Processes grouped by kind."""
        return _group(self.sms.processes, lambda p: p.kind)

    @functools.cached_property
    def documents_by_kind(self) -> Mapping[Any, tuple[Document, ...]]:
        """Documents that are in force (not obsolete or withdrawn), by kind."""
        live = (d for d in self.sms.documents if d.status in (DocumentStatus.ISSUED,))
        return _group(live, lambda d: d.kind)

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

    @functools.cached_property
    def evidence_by_kind(self) -> Mapping[str, tuple[Any, ...]]:
        """Evidence in effect by the as-of date, by kind."""
        return _group((e for e in self.sms.evidence if e.effective <= self.as_of), lambda e: e.kind)

    @functools.cached_property
    def evidence_by_clause(self) -> Mapping[str, tuple[Any, ...]]:
        """Evidence in effect by the as-of date, by each clause it supports."""
        groups: dict[str, list[Any]] = defaultdict(list)
        for item in self.sms.evidence:
            if item.effective <= self.as_of:
                for clause in item.clauses:
                    groups[clause].append(item)
        return {k: tuple(v) for k, v in groups.items()}

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The accountability graph of the SMS (networkx is imported on first use)."""
        from sms_model.graph import accountability_graph

        return accountability_graph(self.sms)

    @functools.cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """Governance gaps of the accountability graph, with the configured interfaces."""
        from sms_model.graph import find_gaps
        from sms_model.model import ProcessKind as Kind

        interfaces = self.config.interfaces
        pairs = None if interfaces is None else [(Kind(a), Kind(b)) for a, b in interfaces]
        return find_gaps(self.graph, interfaces=pairs)

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
        return _by_subjects(
            d
            for d in self.sms.documents
            if d.status is DocumentStatus.ISSUED and (d.issued is None or d.issued <= as_of)
        )

    @functools.cached_property
    def reviews_by_subject(self) -> Mapping[str, tuple[Review, ...]]:
        """Reviews held by the as-of date, by each subject they name."""
        return _by_subjects(r for r in self.sms.reviews if r.date <= self.as_of)

    @functools.cached_property
    def reports_by_subject(self) -> Mapping[str, tuple[Report, ...]]:
        """Reports issued by the as-of date, by each subject they name."""
        return _by_subjects(r for r in self.sms.reports if r.date <= self.as_of)

    @functools.cached_property
    def evidence_by_subject(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Evidence in effect by the as-of date, by each subject it names."""
        return _by_subjects(e for e in self.sms.evidence if e.effective <= self.as_of)

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
            if agreement.effective is not None and agreement.effective > as_of:
                continue
            if agreement.expires is not None and agreement.expires < as_of:
                continue
            for party in dict.fromkeys(agreement.parties):
                groups[party].append(agreement)
        return {k: tuple(v) for k, v in groups.items()}

    def latest_evidence(self, kind: str) -> Evidence | None:
        """The most recent evidence of ``kind`` in effect by the as-of date, or ``None``."""
        found: Evidence | None = max(
            self.evidence_by_kind.get(kind, ()), key=lambda e: (e.effective, e.id), default=None
        )
        return found

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
        return _group(
            (
                d
                for d in self.sms.documents
                if d.status is DocumentStatus.ISSUED and (d.issued is None or d.issued <= as_of)
            ),
            lambda d: d.kind,
        )

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


class Context:
    """The read-only view one rule gets: ``sms``, ``as_of``, ``config``, ``facts``, ``graph``,
    and helpers that make findings carrying the rule's id, clause and guidance.

    The SMS is immutable, so a rule cannot change it.
    """

    __slots__ = ("facts", "spec")

    def __init__(self, facts: Facts, spec: RuleSpec) -> None:
        self.facts = facts
        self.spec = spec

    @property
    def sms(self) -> ServiceManagementSystem:
        """The system under assessment."""
        return self.facts.sms

    @property
    def as_of(self) -> date:
        """The date the assessment speaks for: records after it are ignored."""
        return self.facts.as_of

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
    ) -> Finding:
        """Whether dated records of ``what`` keep up with the cadence of ``expectation``.

        Fails when there is none by the as-of date, or when the last one is older than the
        cadence allows (naming the last date and when the next was due); passes otherwise,
        naming the last record as evidence.
        """
        as_of = self.as_of
        last: tuple[date, str] | None = None
        for record in records:
            if record[0] <= as_of and (last is None or record > last):
                last = record
        cadence = self.config.cadence(expectation)
        if last is None:
            return self.fail(
                f"no {what} on record by {as_of.isoformat()} (expected {cadence})",
                subjects=subjects,
                severity=severity,
            )
        due = cadence.next_due(last[0])
        if due < as_of:
            return self.fail(
                f"{what} is overdue: the last was on {last[0].isoformat()} and the next was due "
                f"by {due.isoformat()} ({cadence})",
                subjects=subjects,
                evidence=last[1],
                severity=severity,
            )
        return self.passed(
            f"last {what} on {last[0].isoformat()}, next due by {due.isoformat()}",
            subjects=subjects,
            evidence=last[1],
        )
