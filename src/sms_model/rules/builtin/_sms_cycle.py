"""Built-in rules for establishing and improving the SMS (ISO/IEC 20000-1:2011, 4.5): scope
(4.5.1), the plan-do-check-act cycle over the SMS (4.5.2 to 4.5.4) and the management of
nonconformities and improvements (4.5.5).

The 4.1.1 rules already check that a plan, a scope, management reviews and audits exist and
keep their cadence from top management's point of view; the rules here look at what those
records contain.

Length: one module per clause of the standard, as the rules reference is organised; its
rules share the helpers at the top (cadences, the improvement register), and splitting 4.5
in two would separate a clause's rules from each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sms_model.model import (
    DocumentKind,
    ImprovementKind,
    LifecycleStage,
    PartyKind,
    PlanStatus,
    PlanTopic,
    PolicyKind,
    ProcessKind,
    ResourceKind,
    ReviewInput,
    ReviewKind,
    RiskStatus,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

# Option name (``Config.options``) and default: days an open nonconformity may go without
# follow-up before it is reported.
_NONCONFORMITY_DAYS_OPTION = "nonconformity_days"
_NONCONFORMITY_DAYS_DEFAULT = 90


def _nonconformity_days(ctx: Context) -> int:
    value = ctx.config.options.get(_NONCONFORMITY_DAYS_OPTION, _NONCONFORMITY_DAYS_DEFAULT)
    days = int(value)
    if days < 0:
        raise ValueError(f"option {_NONCONFORMITY_DAYS_OPTION!r} must not be negative: {days}")
    return days


def _in_force(ctx: Context, document_id: str | None, kind: DocumentKind) -> bool:
    """True when ``document_id`` names an issued document of ``kind``, issued by the as-of date."""
    document = ctx.sms.find(document_id)
    return (
        document is not None
        and getattr(document, "kind", None) is kind
        and document.in_force(ctx.as_of)
    )


def _current(ctx: Context, expectation: str, records: Iterable[Any]) -> tuple[Any, ...]:
    """The dated records still inside their cadence window as of the assessment date; the most
    recent one when none is, so that a lapsed cycle still has its last record checked."""
    dated = sorted((r for r in records if r.date <= ctx.as_of), key=lambda r: (r.date, r.id))
    cadence = ctx.config.cadence(expectation)
    current = tuple(r for r in dated if cadence.next_due(r.date) >= ctx.as_of)
    return current or tuple(dated[-1:])


def _open_on(closed: date | None, as_of: date) -> bool:
    return closed is None or closed > as_of


#: Plan topics the 2011 edition asks of the plan (4.5.2) that the 2018 edition asks elsewhere:
#: risks in the planning of the SMS (6.1), the processes and their interactions in the SMS
#: itself (4.4).
_TOPICS_NOT_IN_THE_2018_PLAN: frozenset[PlanTopic] = frozenset(
    {PlanTopic.PROCESS_INTERFACES, PlanTopic.RISK_MANAGEMENT}
)


def _plan_topics(edition: str) -> tuple[PlanTopic, ...]:
    """The topics a service management plan covers under ``edition`` (2011 4.5.2, 2018 6.3)."""
    if edition == "2011":
        return tuple(PlanTopic)
    return tuple(t for t in PlanTopic if t not in _TOPICS_NOT_IN_THE_2018_PLAN)


# --- 4.5.1 Define scope -------------------------------------------------------------------


@rule(
    id="SMS-4.5.1-scope",
    clause="4.5.1",
    clauses={"2018": "4.3"},
    guidance=("EV-b",),
    severity=Severity.MAJOR,
    tags=("scope",),
)
def scope_names_units_and_services(ctx: Context) -> Iterator[Finding]:
    """The scope is stated and names the provider's organisational units and the services it
    covers; an organisational unit is the provider itself or one of its internal groups.

    Nonconforming: ``scope: {statement: All services}`` with no units and no services, or with
    the supplier ``supp-1`` given as an organisational unit.
    Conforming: ``scope: {organisational_units: [prov], services: [svc-1, svc-2]}``.
    """
    scope = ctx.sms.scope
    if scope is None:
        yield ctx.fail(
            "the SMS defines no scope; state the organisational units and services",
            code="cycle.scope-missing",
        )
        return
    if not scope.statement.strip():
        yield ctx.fail(
            "the scope has no statement",
            code="cycle.scope-no-statement",
            key="no-statement",
            subjects=scope.id,
            severity=Severity.MINOR,
        )
    if not scope.organisational_units:
        yield ctx.fail(
            "the scope names no organisational unit; name the units of the provider it covers",
            code="cycle.scope-no-units",
            key="no-units",
            subjects=scope.id,
            severity=Severity.MINOR,
        )
    if not scope.services:
        yield ctx.fail(
            "the scope names no services; name the services the SMS covers",
            code="cycle.scope-no-services",
            key="no-services",
            subjects=scope.id,
            severity=Severity.MINOR,
        )
    own = (PartyKind.PROVIDER, PartyKind.INTERNAL_GROUP)
    for unit in scope.organisational_units:
        party = ctx.sms.get(unit)
        if party.kind not in own:
            yield ctx.fail(
                "the scope names {unit!r}, a {party_kind}, as an organisational unit; "
                "expected the provider or one of its internal groups",
                code="cycle.scope-foreign-unit",
                subjects=(scope.id, unit),
                severity=Severity.MINOR,
                unit=unit,
                party_kind=party.kind.value,
            )


@rule(
    id="SMS-4.5.1-services",
    clause="4.5.1",
    clauses={"2018": "4.3"},
    severity=Severity.MINOR,
    tags=("scope", "services"),
)
def live_services_in_scope(ctx: Context) -> Iterator[Finding]:
    """Every live service of the SMS is within the scope, and the scope names no service that
    has been transferred or removed.

    Nonconforming: live service ``svc-3`` is missing from ``scope.services``; or the scope still
    names ``svc-old``, removed last year.
    Conforming: ``scope.services: [svc-1, svc-2]`` with both services live.
    """
    scope = ctx.sms.scope
    if scope is None:
        return  # SMS-4.5.1-scope reports the missing scope
    in_scope = set(scope.services)
    for service in ctx.sms.services:
        if service.stage is LifecycleStage.LIVE and service.id not in in_scope:
            yield ctx.fail(
                "live service {service!r} is delivered but not within the scope of the SMS",
                code="cycle.scope-live-service-outside",
                subjects=(scope.id, service.id),
                service=service.id,
            )
    ended = (LifecycleStage.TRANSFERRED, LifecycleStage.REMOVED)
    for service_id in scope.services:
        service = ctx.sms.get(service_id)
        if service.stage in ended:
            yield ctx.fail(
                "the scope still names service {service!r}, which was {stage}; keep the scope "
                "current",
                code="cycle.scope-ended-service",
                subjects=(scope.id, service_id),
                severity=Severity.OBSERVATION,
                service=service_id,
                stage=service.stage.value,
            )


@rule(
    id="SMS-4.5.1-no-exclusions",
    clause="4.5.1",
    clauses={"2018": "4.3"},
    severity=Severity.MINOR,
    tags=("scope",),
)
def scope_claims_no_exclusions(ctx: Context) -> Iterator[Finding]:
    """The scope claims no exclusions: every requirement applies to what is in scope, so a
    part left out is left out of the scope (its units and services), not excused.

    Nonconforming: ``scope: {exclusions: [supplier management]}``.
    Conforming: ``exclusions`` empty; the Paris office is simply not among the organisational
    units.
    """
    scope = ctx.sms.scope
    if scope is None or not scope.exclusions:
        return
    for exclusion in sorted(set(scope.exclusions)):  # one finding per exclusion claimed
        yield ctx.fail(
            "the scope claims the exclusion {exclusion!r}; no requirement may be excluded, so "
            "narrow the organisational units or services instead",
            code="cycle.scope-exclusion",
            key=f"exclusion:{exclusion}",
            subjects=scope.id,
            exclusion=exclusion,
        )


# --- 4.5.2 Plan the SMS (Plan) ------------------------------------------------------------


@rule(
    id="SMS-4.5.2-agreed",
    clause="4.5.2",
    clauses={"2018": "6.3"},
    guidance=("APP-3",),
    severity=Severity.MAJOR,
    tags=("plan",),
)
def plan_agreed(ctx: Context) -> Iterator[Finding]:
    """A service management plan is in force: agreed (or implemented) on a recorded date on or
    before the as-of date, neither a draft nor retired.

    Nonconforming: ``plan: {status: draft}``; or ``status: agreed`` with no ``agreed_on``.
    Conforming: ``plan: {status: implemented, agreed_on: 2025-01-20}``.
    """
    plan = ctx.sms.plan
    if plan is None:
        yield ctx.fail("there is no service management plan", code="cycle.plan-missing")
        return
    if plan.status in (PlanStatus.DRAFT, PlanStatus.RETIRED):
        yield ctx.fail(
            "the plan {plan!r} is {status}; expected an agreed plan in force",
            code="cycle.plan-not-in-force",
            subjects=plan.id,
            plan=plan.id,
            status=plan.status.value,
        )
        return
    if plan.agreed_on is None:
        yield ctx.fail(
            "the plan {plan!r} is {status} but records no date of agreement",
            code="cycle.plan-undated",
            subjects=plan.id,
            severity=Severity.MINOR,
            plan=plan.id,
            status=plan.status.value,
        )
    elif plan.agreed_on > ctx.as_of:
        yield ctx.fail(
            "the plan {plan!r} is agreed only on {agreed_on}, after {as_of}",
            code="cycle.plan-agreed-later",
            subjects=plan.id,
            severity=Severity.MINOR,
            plan=plan.id,
            agreed_on=plan.agreed_on,
            as_of=ctx.as_of,
        )


@rule(
    id="SMS-4.5.2-topics",
    clause="4.5.2",
    clauses={"2018": "6.3"},
    guidance=("TM-d",),
    severity=Severity.MINOR,
    tags=("plan",),
)
def plan_covers_every_topic(ctx: Context) -> Iterator[Finding]:
    """The plan covers every topic 4.5.2 asks for: objectives, service requirements, known
    limitations, policies and obligations, authorities and responsibilities, resources, other
    parties, process interfaces, risk management with risk acceptance criteria, technology,
    and measurement and improvement.

    The 2018 edition (6.3) asks for the same topics less two: process interfaces and risk
    management, which it asks for elsewhere (4.4 and 6.1).

    Nonconforming: ``topics: [objectives, resources]`` (risk management and eight more
    missing).
    Conforming: ``topics`` lists all eleven ``PlanTopic`` values (the nine of 2018 there).
    """
    plan = ctx.sms.plan
    if plan is None:
        return  # SMS-4.5.2-agreed reports the missing plan
    if not plan.topics:
        yield ctx.fail(
            "the plan {plan!r} covers none of the topics a service management plan needs",
            code="cycle.plan-no-topics",
            subjects=plan.id,
            severity=Severity.MAJOR,
            plan=plan.id,
        )
        return
    missing = [topic.value for topic in _plan_topics(ctx.edition) if topic not in plan.topics]
    if missing:
        yield ctx.fail(
            "the plan {plan!r} does not cover: {missing}",
            code="cycle.plan-topics-missing",
            subjects=plan.id,
            plan=plan.id,
            missing=missing,
        )


@rule(
    id="SMS-4.5.2-objectives",
    clause="4.5.2",
    clauses={"2018": "6.3"},
    guidance=("TM-d",),
    severity=Severity.MINOR,
    tags=("plan", "objectives"),
)
def plan_carries_the_objectives(ctx: Context) -> Iterator[Finding]:
    """The plan names the service management objectives it is to achieve, and every objective
    of the SMS is in the plan.

    Nonconforming: ``plan.objectives`` is empty; or ``obj-3`` exists but the plan omits it.
    Conforming: ``plan.objectives: [obj-1, obj-2]``, the two objectives of the SMS.
    """
    plan = ctx.sms.plan
    if plan is None:
        return  # SMS-4.5.2-agreed reports the missing plan
    if not plan.objectives:
        yield ctx.fail(
            "the plan {plan!r} names no objectives",
            code="cycle.plan-no-objectives",
            subjects=plan.id,
            plan=plan.id,
        )
        return
    planned = set(plan.objectives)
    outside = [o.id for o in ctx.sms.objectives if o.id not in planned]
    if outside:
        yield ctx.fail(
            "objectives outside the plan {plan!r}: {outside}; expected every objective to be "
            "planned",
            code="cycle.plan-objectives-outside",
            subjects=(plan.id, *outside),
            plan=plan.id,
            outside=outside,
        )


# --- 4.5.3 Implement and operate the SMS (Do) ---------------------------------------------


@rule(
    id="SMS-4.5.3-risks-assessed",
    clause="4.5.3",
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("risk", "cadence"),
)
def risks_to_services_assessed(ctx: Context) -> Iterator[Finding]:
    """Risks to services are recorded; every risk not yet closed has an owner, a likelihood
    and an impact, and was assessed within the ``risk-assessment`` cadence.

    Nonconforming: no risk names a service; or ``risk-cont`` was last assessed in 2024, or has
    no owner.
    Conforming: ``risk-cont`` owned by ``po``, scored 2 x 5 and assessed this year.
    """
    services = {s.id for s in ctx.sms.services}
    if services and not any(services & set(r.subjects) for r in ctx.sms.risks):
        yield ctx.fail(
            "no risk to any service is recorded; expected risks to services to be identified",
            code="cycle.risk-none",
            severity=Severity.MAJOR,
        )
    for risk in ctx.sms.risks:
        if risk.status is RiskStatus.CLOSED:
            continue
        if risk.owner is None:
            yield ctx.fail(
                "risk {risk!r} has no owner",
                code="cycle.risk-no-owner",
                key="no-owner",
                subjects=risk.id,
                risk=risk.id,
            )
        if risk.assessed is not None and (risk.likelihood is None or risk.impact is None):
            yield ctx.fail(
                "risk {risk!r} was assessed without a likelihood and an impact score",
                code="cycle.risk-unscored",
                key="unscored",
                subjects=risk.id,
                risk=risk.id,
            )
        records = () if risk.assessed is None else ((risk.assessed, risk.id),)
        found = ctx.check_cadence(
            "risk-assessment", records, what=f"assessment of risk {risk.id!r}", subjects=risk.id
        )
        yield from (f for f in found if f.failed)


@rule(
    id="SMS-4.5.3-risks-treated",
    clause="4.5.3",
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("risk",),
)
def risks_to_services_treated(ctx: Context) -> Iterator[Finding]:
    """Every assessed risk has a decision: a treatment, or acceptance by a named person of the
    provider (against the risk acceptance criteria of the plan).

    Nonconforming: ``risk-sec`` assessed in February, still ``open`` with no treatment; or
    ``accepted`` with no ``accepted_by``.
    Conforming: ``status: treated, treatment: Multi-factor authentication``.
    """
    for risk in ctx.sms.risks:
        if risk.assessed is None or risk.assessed > ctx.as_of:
            continue
        if risk.status is RiskStatus.ACCEPTED:
            if risk.accepted_by is None:
                yield ctx.fail(
                    "risk {risk!r} is accepted but nobody is recorded as accepting it",
                    code="cycle.risk-acceptor-missing",
                    subjects=risk.id,
                    risk=risk.id,
                )
            elif not ctx.sms.is_provider_side(risk.accepted_by):
                yield ctx.fail(
                    "risk {risk!r} was accepted by {accepted_by!r}, who is not of the provider "
                    "{provider!r}",
                    code="cycle.risk-acceptor-foreign",
                    subjects=(risk.id, risk.accepted_by),
                    risk=risk.id,
                    accepted_by=risk.accepted_by,
                    provider=ctx.sms.provider,
                )
        elif risk.status in (RiskStatus.OPEN, RiskStatus.TREATED) and not risk.treatment:
            yield ctx.fail(
                "risk {risk!r} was assessed on {assessed} and is {status} with no treatment; "
                "expected a treatment or an acceptance",
                code="cycle.risk-untreated",
                subjects=risk.id,
                risk=risk.id,
                assessed=risk.assessed,
                status=risk.status.value,
            )


@rule(
    id="SMS-4.5.3-funding",
    clause="4.5.3",
    clauses={"2018": "7.1"},
    guidance=("TM-e",),
    severity=Severity.MAJOR,
    tags=("resources", "budget"),
)
def sms_funded(ctx: Context) -> Iterator[Finding]:
    """The SMS itself is funded: a financial resource allocated to the SMS process (or to the
    plan) has been provided and not withdrawn by the as-of date.

    Nonconforming: the only financial resource is allocated to a customer project; or the SMS
    budget was withdrawn in June.
    Conforming: ``res-budget`` (financial, GBP 120000) allocated to ``p-sms``, provided on
    2026-01-01.
    """
    sms = ctx.sms
    targets = {p.id for p in ctx.facts.processes_by_kind.get(ProcessKind.SMS, ())}
    if sms.plan is not None:
        targets.add(sms.plan.id)
    funds = [
        r
        for r in sms.resources
        if r.kind is ResourceKind.FINANCIAL and targets & set(r.allocated_to)
    ]
    live = [
        r.id
        for r in funds
        if r.provided is not None
        and r.provided <= ctx.as_of
        and (r.withdrawn is None or r.withdrawn > ctx.as_of)
    ]
    if live:
        return
    if not funds:
        yield ctx.fail(
            "no financial resource is allocated to the SMS; expected a budget for running it",
            code="cycle.funding-none",
        )
        return
    yield ctx.fail(
        "the funds allocated to the SMS were not provided or were withdrawn by {as_of}: {funds}",
        code="cycle.funding-unavailable",
        subjects=tuple(r.id for r in funds),
        as_of=ctx.as_of,
        funds=[r.id for r in funds],
    )


# --- 4.5.4.1 Monitor and review the SMS: general (Check) ----------------------------------


@rule(
    id="SMS-4.5.4.1-monitoring",
    clause="4.5.4.1",
    clauses={"2018": "9.1"},
    guidance=("TM-g",),
    severity=Severity.MAJOR,
    tags=("monitoring",),
)
def sms_monitoring_defined(ctx: Context) -> Iterator[Finding]:
    """The SMS has a monitoring and measurement activity whose methods are documented: a
    process of kind ``sms_monitoring`` with an issued definition or procedure.

    Nonconforming: no ``sms_monitoring`` process; or its definition is still a draft.
    Conforming: ``p-monitoring`` defined by the issued ``doc-monitoring``.
    """
    processes = ctx.facts.processes_by_kind.get(ProcessKind.SMS_MONITORING, ())
    if not processes:
        yield ctx.fail(
            "the SMS has no monitoring and measurement process (kind sms_monitoring)",
            code="cycle.monitoring-missing",
        )
        return
    for process in processes:
        documents = [process.definition, *process.procedures]
        kinds = (DocumentKind.PROCESS_DEFINITION, DocumentKind.PROCEDURE)
        if not any(_in_force(ctx, d, k) for d in documents for k in kinds):
            yield ctx.fail(
                "the monitoring process {process!r} has no issued definition or procedure "
                "stating how the SMS is monitored and measured",
                code="cycle.monitoring-undocumented",
                subjects=process.id,
                severity=Severity.MINOR,
                process=process.id,
            )


@rule(
    id="SMS-4.5.4.1-report-defined",
    clause="4.5.4.1",
    clauses={"2018": "9.1"},
    guidance=("TM-f",),
    severity=Severity.MINOR,
    tags=("monitoring", "reporting"),
)
def performance_reports_defined(ctx: Context) -> Iterator[Finding]:
    """Every SMS performance report follows a report definition that is issued, so that what
    is measured and how is decided beforehand.

    Nonconforming: ``rpt-sms-2026-q4`` has no ``definition``, or names a draft document.
    Conforming: every ``sms_performance`` report names the issued ``doc-report-def``.
    """
    reports = [
        r
        for kind, items in ctx.facts.reports_by_kind.items()
        if kind.value == "sms_performance"
        for r in items
    ]
    for report in sorted(reports, key=lambda r: (r.date, r.id)):
        if report.definition is None:
            yield ctx.fail(
                "SMS performance report {report!r} follows no report definition",
                code="cycle.report-no-definition",
                subjects=report.id,
                report=report.id,
            )
        elif not _in_force(ctx, report.definition, DocumentKind.REPORT_DEFINITION):
            yield ctx.fail(
                "SMS performance report {report!r} names {definition!r}, which is not an "
                "issued report definition",
                code="cycle.report-definition-not-issued",
                subjects=(report.id, report.definition),
                report=report.id,
                definition=report.definition,
            )


# --- 4.5.4.2 Internal audit ---------------------------------------------------------------


def _internal_audits(ctx: Context) -> tuple[Any, ...]:
    audits = [a for k, v in ctx.facts.audits_by_kind.items() if k.value == "internal" for a in v]
    return tuple(sorted(audits, key=lambda a: (a.date, a.id)))


@rule(
    id="SMS-4.5.4.2-programme",
    clause="4.5.4.2",
    clauses={"2018": "9.2"},
    guidance=("TM-j",),
    severity=Severity.MAJOR,
    tags=("audit", "cadence"),
)
def audits_follow_a_programme(ctx: Context) -> Iterator[Finding]:
    """An issued audit programme exists; every internal audit names it, was held after it was
    issued and names the processes audited; audits under the programme keep the
    ``internal-audit`` cadence.

    Nonconforming: no ``audit_programme`` document; or ``aud-int-2026`` names no programme or
    no processes.
    Conforming: ``aud-int-2026`` under ``doc-audit-programme`` (issued in January), covering
    four processes, within the year.
    """
    if not ctx.facts.documents_in_force_by_kind.get(DocumentKind.AUDIT_PROGRAMME):
        yield ctx.fail("there is no issued audit programme", code="cycle.audit-programme-missing")
        return
    planned: list[tuple[date, str]] = []
    for audit in _internal_audits(ctx):
        programme: Any = ctx.sms.find(audit.programme)
        if not _in_force(ctx, audit.programme, DocumentKind.AUDIT_PROGRAMME):
            yield ctx.fail(
                "internal audit {audit!r} does not name an issued audit programme "
                "(found {programme!r})",
                code="cycle.audit-programme-not-named",
                key="no-programme",
                subjects=audit.id,
                severity=Severity.MINOR,
                audit=audit.id,
                programme=audit.programme,
            )
        elif programme.issued is not None and programme.issued > audit.date:
            yield ctx.fail(
                "internal audit {audit!r} on {date} predates its programme {programme!r}, "
                "issued on {issued}",
                code="cycle.audit-before-programme",
                subjects=(audit.id, programme.id),
                severity=Severity.MINOR,
                audit=audit.id,
                date=audit.date,
                programme=programme.id,
                issued=programme.issued,
            )
        else:
            planned.append((audit.date, audit.id))
        if not audit.processes:
            yield ctx.fail(
                "internal audit {audit!r} names no processes it audited",
                code="cycle.audit-no-processes",
                key="no-processes",
                subjects=audit.id,
                severity=Severity.MINOR,
                audit=audit.id,
            )
    yield from ctx.check_cadence(
        "internal-audit",
        planned,
        what="internal audit under the audit programme",
        severity=Severity.MINOR,
    )


@rule(
    id="SMS-4.5.4.2-independence",
    clause="4.5.4.2",
    clauses={"2018": "9.2"},
    guidance=("APP-2",),
    severity=Severity.MINOR,
    tags=("audit", "independence"),
)
def auditors_do_not_audit_own_work(ctx: Context) -> Iterator[Finding]:
    """No internal auditor audits a process they own or are responsible for (directly or
    through a role they hold), nor a process their own party operates for the provider.

    Nonconforming: ``aud-int-2026`` by ``po`` covers ``p-inc``, which ``po`` owns.
    Conforming: the internal auditor ``aud`` audits processes owned by ``po``.
    """
    sms = ctx.sms
    for audit in _internal_audits(ctx):
        auditor_party = sms.party_of(audit.auditor)
        for process_id in audit.processes:
            process = sms.get(process_id)
            answerable = {*sms.people_of(process.owner)}
            for responsible in process.responsible:
                answerable.update(sms.people_of(responsible))
            if audit.auditor in answerable:
                yield ctx.fail(
                    "internal audit {audit!r}: auditor {auditor!r} audited process "
                    "{process!r}, which they own or are responsible for",
                    code="cycle.audit-own-process",
                    subjects=(audit.id, audit.auditor, process_id),
                    audit=audit.id,
                    auditor=audit.auditor,
                    process=process_id,
                )
            elif (
                process.operated_by is not None
                and process.operated_by != sms.provider
                and process.operated_by == auditor_party
            ):
                yield ctx.fail(
                    "internal audit {audit!r}: auditor {auditor!r} of {party!r} audited "
                    "process {process!r}, which that party operates",
                    code="cycle.audit-own-party-process",
                    subjects=(audit.id, audit.auditor, process_id),
                    audit=audit.id,
                    auditor=audit.auditor,
                    party=auditor_party,
                    process=process_id,
                )


@rule(
    id="SMS-4.5.4.2-follow-up",
    clause="4.5.4.2",
    clauses={"2018": "9.2"},
    severity=Severity.MINOR,
    tags=("audit", "nonconformity"),
)
def audit_nonconformities_followed_up(ctx: Context) -> Iterator[Finding]:
    """Every nonconformity an internal audit raised is followed up: it is closed or has a
    corrective action; one still open with neither ``nonconformity_days`` (a ``Config.options``
    entry, 90 by default) after it was raised is reported.

    Nonconforming: ``imp-1``, raised by ``aud-int-2026`` in May, is still open in November with
    no corrective action naming it as its source.
    Conforming: ``imp-1`` closed in June, or ``imp-2`` (corrective action, source ``imp-1``).
    """
    days = _nonconformity_days(ctx)
    by_source = ctx.facts.improvements_by_source
    raised: dict[str, str] = {}
    for audit in _internal_audits(ctx):
        for nc in audit.nonconformities:
            raised.setdefault(nc, audit.id)
        for entry in by_source.get(audit.id, ()):
            if entry.kind is ImprovementKind.NONCONFORMITY:
                raised.setdefault(entry.id, audit.id)
    for nc_id in sorted(raised):
        nc = ctx.sms.get(nc_id)
        if nc.raised > ctx.as_of or not _open_on(nc.closed, ctx.as_of):
            continue
        actions = [
            e.id for e in by_source.get(nc_id, ()) if e.kind is ImprovementKind.CORRECTIVE_ACTION
        ]
        age = (ctx.as_of - nc.raised).days
        if not actions and age > days:
            yield ctx.fail(
                "nonconformity {nonconformity!r} from internal audit {audit!r} has been open "
                "for {age!d} with no corrective action; expected follow-up within {days!d}",
                code="cycle.audit-nonconformity-not-followed-up",
                subjects=(nc_id, raised[nc_id]),
                nonconformity=nc_id,
                audit=raised[nc_id],
                age=age,
                days=days,
            )


# --- 4.5.4.3 Management review ------------------------------------------------------------


def _management_reviews(ctx: Context) -> tuple[Any, ...]:
    return _current(
        ctx,
        "management-review",
        ctx.facts.reviews_by_kind.get(ReviewKind.MANAGEMENT_REVIEW, ()),
    )


@rule(
    id="SMS-4.5.4.3-top-management",
    clause="4.5.4.3",
    clauses={"2018": "9.3"},
    guidance=("TM-j",),
    severity=Severity.MAJOR,
    tags=("review", "top-management", "cadence"),
)
def management_reviews_by_top_management(ctx: Context) -> Iterator[Finding]:
    """Management reviews are led by top management: within the ``management-review`` cadence
    there is a review chaired by a member of top management, and no current review is chaired
    by anyone else.

    Nonconforming: the only management review this year was chaired by the process manager.
    Conforming: ``rev-mgmt-2026`` chaired by the CEO in November.
    """
    top = ctx.facts.top_management
    for review in _management_reviews(ctx):
        if review.chair not in top:
            yield ctx.fail(
                "management review {review!r} was chaired by {chair!r}; expected a member of "
                "top management",
                code="cycle.review-chair-not-top",
                subjects=review.id,
                severity=Severity.MINOR,
                review=review.id,
                chair=review.chair,
            )
    led = [
        (r.date, r.id)
        for r in ctx.facts.reviews_by_kind.get(ReviewKind.MANAGEMENT_REVIEW, ())
        if r.chair in top
    ]
    found = ctx.check_cadence(
        "management-review",
        led,
        what="management review chaired by top management",
        severity=Severity.MINOR if led else None,
    )
    yield from (f for f in found if f.failed)


@rule(
    id="SMS-4.5.4.3-inputs",
    clause="4.5.4.3",
    clauses={"2018": "9.3"},
    severity=Severity.MINOR,
    tags=("review",),
)
def management_review_inputs(ctx: Context) -> Iterator[Finding]:
    """Each current management review (those within the cadence window, else the last one)
    considered every input: customer feedback, performance, resources, risks, audit results,
    previous actions, changes and improvement opportunities.

    The 2018 edition (9.3) adds changes of context, nonconformities, other parties'
    performance and forecast workload.

    Nonconforming: ``rev-mgmt-2026`` lists no ``audit_results`` and no ``risks``.
    Conforming: every ``ReviewInput`` of the edition among its inputs.
    """
    required = ReviewInput.required(ctx.edition)
    for review in _management_reviews(ctx):
        missing = [i.value for i in required if i not in review.inputs]
        if missing:
            yield ctx.fail(
                "management review {review!r} did not consider: {missing}",
                code="cycle.review-inputs-missing",
                subjects=review.id,
                review=review.id,
                missing=missing,
            )


@rule(
    id="SMS-4.5.4.3-outputs",
    clause="4.5.4.3",
    clauses={"2018": "9.3"},
    severity=Severity.MINOR,
    tags=("review",),
)
def management_review_outputs(ctx: Context) -> Iterator[Finding]:
    """Each current management review records its outputs: the decisions and actions taken.

    Nonconforming: ``rev-mgmt-2026`` with ``outputs: []``.
    Conforming: ``outputs: [Renew the capacity contract, Fund the monitoring upgrade]``.
    """
    for review in _management_reviews(ctx):
        if not review.outputs:
            yield ctx.fail(
                "management review {review!r} records no decisions or actions",
                code="cycle.review-no-outputs",
                subjects=review.id,
                review=review.id,
            )


# --- 4.5.5.1 Maintain and improve the SMS: general (Act) ----------------------------------


@rule(
    id="SMS-4.5.5.1-policy",
    clause="4.5.5.1",
    severity=Severity.MAJOR,
    tags=("policy", "improvement"),
)
def continual_improvement_policy(ctx: Context) -> Iterator[Finding]:
    """A continual improvement policy is issued and approved by top management.

    Nonconforming: no policy of kind ``continual_improvement``; or one approved only by the
    process manager.
    Conforming: ``pol-ci`` issued on 2025-01-10 and approved by the CEO.
    """
    policies = ctx.facts.policies_by_kind.get(PolicyKind.CONTINUAL_IMPROVEMENT, ())
    if not policies:
        yield ctx.fail(
            "there is no continual improvement policy", code="cycle.improvement-policy-missing"
        )
        return
    for policy in policies:
        if policy.issued is None or policy.issued > ctx.as_of:
            yield ctx.fail(
                "continual improvement policy {policy!r} has not been issued by {as_of}",
                code="cycle.improvement-policy-not-issued",
                key="not-issued",
                subjects=policy.id,
                severity=Severity.MINOR,
                policy=policy.id,
                as_of=ctx.as_of,
            )
        if not ctx.facts.top_approvals(policy.id):
            yield ctx.fail(
                "continual improvement policy {policy!r} has no approval by top management",
                code="cycle.improvement-policy-unapproved",
                key="unapproved",
                subjects=policy.id,
                severity=Severity.MINOR,
                policy=policy.id,
            )


@rule(
    id="SMS-4.5.5.1-corrective-action",
    clause="4.5.5.1",
    clauses={"2018": "10.1"},
    severity=Severity.MINOR,
    tags=("improvement", "nonconformity"),
)
def nonconformities_get_corrective_action(ctx: Context) -> Iterator[Finding]:
    """Every nonconformity is dealt with through a corrective action (an improvement entry of
    kind ``corrective_action`` whose source is the nonconformity): one closed without any, or
    open longer than ``nonconformity_days`` (90 by default) without any, is reported. Open
    nonconformities raised by internal audits are left to ``SMS-4.5.4.2-follow-up``.

    Nonconforming: ``nc-7`` (raised by a complaint in March) is closed, or still open in
    November, and no corrective action names it.
    Conforming: ``imp-1`` closed after ``imp-2``, a corrective action with ``source: imp-1``.
    """
    days = _nonconformity_days(ctx)
    by_source = ctx.facts.improvements_by_source
    audits = _internal_audits(ctx)
    from_audits = {nc for a in audits for nc in a.nonconformities}
    from_audits |= {e.id for a in audits for e in by_source.get(a.id, ())}
    for nc in ctx.sms.improvements:
        if nc.kind is not ImprovementKind.NONCONFORMITY or nc.raised > ctx.as_of:
            continue
        actions = [
            e.id for e in by_source.get(nc.id, ()) if e.kind is ImprovementKind.CORRECTIVE_ACTION
        ]
        if actions:
            continue
        if not _open_on(nc.closed, ctx.as_of):
            yield ctx.fail(
                "nonconformity {nonconformity!r} was closed without a corrective action",
                code="cycle.nonconformity-closed-uncorrected",
                subjects=nc.id,
                nonconformity=nc.id,
            )
        elif nc.id not in from_audits and (ctx.as_of - nc.raised).days > days:
            yield ctx.fail(
                "nonconformity {nonconformity!r} has been open since {raised} with no "
                "corrective action; expected one within {days!d}",
                code="cycle.nonconformity-open-uncorrected",
                subjects=nc.id,
                nonconformity=nc.id,
                raised=nc.raised,
                days=days,
            )


# --- 4.5.5.2 Management of improvements ---------------------------------------------------


def _improvements(ctx: Context) -> Iterator[Any]:
    for entry in ctx.sms.improvements:
        if entry.kind is ImprovementKind.IMPROVEMENT and entry.raised <= ctx.as_of:
            yield entry


@rule(
    id="SMS-4.5.5.2-recorded",
    clause="4.5.5.2",
    clauses={"2018": "10.2"},
    severity=Severity.MINOR,
    tags=("improvement",),
)
def improvements_recorded(ctx: Context) -> Iterator[Finding]:
    """Every improvement in the register has an owner, a priority, a target to measure it
    against and the person who approved it.

    Nonconforming: ``imp-3`` with no ``priority`` and no ``target``.
    Conforming: ``imp-3`` owned by ``po``, priority 2, approved by ``rep``, target "30% fewer
    password calls".
    """
    for entry in _improvements(ctx):
        missing = [
            name
            for name, value in (
                ("owner", entry.owner),
                ("priority", entry.priority),
                ("target", entry.target),
                ("approval", entry.approved_by),
            )
            if value is None or value == ""
        ]
        if missing:
            yield ctx.fail(
                "improvement {improvement!r} records no {missing}",
                code="cycle.improvement-incomplete",
                subjects=entry.id,
                improvement=entry.id,
                missing=missing,
            )


@rule(
    id="SMS-4.5.5.2-approved",
    clause="4.5.5.2",
    clauses={"2018": "10.2"},
    severity=Severity.MINOR,
    tags=("improvement", "approval"),
)
def improvements_approved_before_implementation(ctx: Context) -> Iterator[Finding]:
    """An improvement's approver is a person of the provider, and an approval record by that
    person dates from before the improvement was implemented (closed).

    Nonconforming: ``imp-3`` approved by ``supp-contact``; or closed in July and approved in
    August; or ``approved_by: rep`` with no approval record.
    Conforming: ``approvals: [{subject: imp-3, approver: rep, date: 2026-07-01}]``, open.
    """
    for entry in _improvements(ctx):
        approver = entry.approved_by
        if approver is None:
            continue  # SMS-4.5.5.2-recorded reports it
        if not ctx.sms.is_provider_side(approver):
            yield ctx.fail(
                "improvement {improvement!r} was approved by {approver!r}, who is not of the "
                "provider {provider!r}",
                code="cycle.improvement-approver-foreign",
                subjects=(entry.id, approver),
                improvement=entry.id,
                approver=approver,
                provider=ctx.sms.provider,
            )
            continue
        records = sorted(
            (a for a in ctx.facts.approvals_by_subject.get(entry.id, ()) if a.approver == approver),
            key=lambda a: (a.date, a.id),
        )
        if not records:
            yield ctx.fail(
                "improvement {improvement!r} names {approver!r} as approver but no approval by "
                "them is on record",
                code="cycle.improvement-approval-unrecorded",
                subjects=entry.id,
                improvement=entry.id,
                approver=approver,
            )
        elif (
            entry.closed is not None
            and entry.closed <= ctx.as_of
            and (records[0].date > entry.closed)
        ):
            yield ctx.fail(
                "improvement {improvement!r} was implemented by {closed} but approved only on "
                "{approved}",
                code="cycle.improvement-approved-late",
                subjects=entry.id,
                evidence=records[0].id,
                improvement=entry.id,
                closed=entry.closed,
                approved=records[0].date,
            )


@rule(
    id="SMS-4.5.5.2-measured",
    clause="4.5.5.2",
    clauses={"2018": "10.2"},
    severity=Severity.MINOR,
    tags=("improvement", "measurement"),
)
def improvements_measured(ctx: Context) -> Iterator[Finding]:
    """Every implemented (closed) improvement has its result recorded against its target: a
    review, report or evidence record that names it, dated on or after it was raised.

    Nonconforming: ``imp-4`` closed in August; no record names it.
    Conforming: evidence ``ev-imp-4`` (kind ``improvement-result``) naming ``imp-4``, dated
    the day it closed.
    """
    facts = ctx.facts
    for entry in ctx.each(_improvements(ctx)):
        if _open_on(entry.closed, ctx.as_of):
            continue
        dated = [
            *((r.date, r.id) for r in facts.reviews_by_subject.get(entry.id, ())),
            *((r.date, r.id) for r in facts.reports_by_subject.get(entry.id, ())),
            *((e.effective, e.id) for e in facts.evidence_by_subject.get(entry.id, ())),
        ]
        if any(day >= entry.raised for day, _ in dated):
            continue
        if entry.target:
            yield ctx.fail(
                "improvement {improvement!r} was closed on {closed} but no review, report or "
                "evidence shows its result against its target ({target})",
                code="cycle.improvement-unmeasured-target",
                subjects=entry.id,
                improvement=entry.id,
                closed=entry.closed,
                target=entry.target,
            )
        else:
            yield ctx.fail(
                "improvement {improvement!r} was closed on {closed} but no review, report or "
                "evidence shows its result against its target",
                code="cycle.improvement-unmeasured",
                subjects=entry.id,
                improvement=entry.id,
                closed=entry.closed,
            )
