"""Built-in rules for the service delivery processes (ISO/IEC 20000-1:2011, Clause 6): service
level management (6.1), service reporting (6.2), continuity and availability (6.3), budgeting
and accounting (6.4), capacity (6.5) and information security (6.6).

Most rules look at each *live* service; an SMS with no live service has nothing for them to
check and they report ``not_applicable``. Cadences ("planned intervals") come from the
evidence expectations of :mod:`sms_model.catalog`.

Length: one module per clause of the standard (Clause 6 has six sub-clauses, each with
several rules), sharing the live-service helpers at the top.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from dateutil.relativedelta import relativedelta

from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    DocumentKind,
    PartyKind,
    PolicyKind,
    ReportKind,
    ReviewKind,
    RiskKind,
    RiskStatus,
    Service,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_YEAR = relativedelta(years=1)


def _live(ctx: Context) -> tuple[Service, ...]:
    return ctx.facts.live_services


def _documents_of_kind(ctx: Context, kind: DocumentKind) -> list[str]:
    """Ids of the documents of ``kind`` in force on the as-of date, sorted."""
    return sorted(d.id for d in ctx.facts.documents_in_force_by_kind.get(kind, ()))


def _named_by(ctx: Context, subject: str, kind: DocumentKind) -> list[str]:
    docs = ctx.facts.documents_in_force_by_subject.get(subject, ())
    return sorted(d.id for d in docs if d.kind is kind)


def _dated_reports(ctx: Context, subject: str, kind: ReportKind) -> Iterator[tuple[date, str]]:
    for report in ctx.facts.reports_by_subject.get(subject, ()):
        if report.kind is kind:
            yield report.date, report.id


def _dated_reviews(
    ctx: Context, subjects: Iterable[str], kind: ReviewKind
) -> Iterator[tuple[date, str]]:
    for subject in subjects:
        for review in ctx.facts.reviews_by_subject.get(subject, ()):
            if review.kind is kind:
                yield review.date, review.id


def _dated_evidence(ctx: Context, subject: str, kind: str) -> Iterator[tuple[date, str]]:
    for item in ctx.facts.evidence_by_subject.get(subject, ()):
        if item.kind == kind:
            yield item.effective, item.id


def _plan_covers_live_services(ctx: Context, kind: DocumentKind, label: str) -> Iterator[Finding]:
    """A plan of ``kind`` is issued (MAJOR when none) and names every live service."""
    if not _documents_of_kind(ctx, kind):
        yield ctx.fail(
            "there is no issued {label} (a document of kind {kind!r})",
            code="delivery.plan-missing",
            key=kind.value,
            label=label,
            kind=kind.value,
        )
        return
    for service in _live(ctx):
        if not _named_by(ctx, service.id, kind):
            yield ctx.fail(
                "live service {service!r} is not covered by any issued {label}",
                code="delivery.plan-uncovered",
                key=kind.value,
                subjects=service.id,
                severity=Severity.MINOR,
                service=service.id,
                label=label,
            )


def _security_risks(ctx: Context) -> list[str]:
    """Ids of the risks that a security risk assessment (a review) names, sorted."""
    reviewed = ctx.facts.reviews_by_kind.get(ReviewKind.SECURITY_RISK_ASSESSMENT, ())
    named = {s for review in reviewed for s in review.subjects}
    return sorted(r.id for r in ctx.sms.risks if r.id in named)


def _top_approval_findings(ctx: Context, kind: PolicyKind, label: str) -> Iterator[Finding]:
    policies = ctx.facts.policies_by_kind.get(kind, ())
    if not policies:
        yield ctx.fail(
            "there is no {label} (a policy of kind {kind!r})",
            code="delivery.policy-missing",
            label=label,
            kind=kind.value,
        )
        return
    for policy in policies:
        if not ctx.facts.top_approvals(policy.id):
            yield ctx.fail(
                "the {label} {policy!r} has no approval by a member of top management",
                code="delivery.policy-unapproved",
                subjects=policy.id,
                severity=Severity.MINOR,
                label=label,
                policy=policy.id,
            )


# --- 6.1 Service level management -----------------------------------------------------------


@rule(
    id="SMS-6.1-catalogue",
    clause="6.1",
    guidance=("TM-i",),
    severity=Severity.MAJOR,
    tags=("service-level", "documents"),
)
def service_catalogue(ctx: Context) -> Iterator[Finding]:
    """An issued service catalogue exists and names every live service.

    Nonconforming: no ``service_catalogue`` document; or live service ``svc-2`` is missing from
    its ``subjects`` (or is flagged ``in_catalogue: false``).
    Conforming: ``documents: [{kind: service_catalogue, subjects: [svc-1, svc-2]}]``, issued.
    """
    yield from _plan_covers_live_services(ctx, DocumentKind.SERVICE_CATALOGUE, "service catalogue")
    for service in _live(ctx):
        if not service.in_catalogue and _named_by(ctx, service.id, DocumentKind.SERVICE_CATALOGUE):
            yield ctx.fail(
                "live service {service!r} is named by the catalogue but flagged as not in it; "
                "keep the flag and the catalogue consistent",
                code="delivery.catalogue-flag-inconsistent",
                subjects=service.id,
                severity=Severity.OBSERVATION,
                service=service.id,
            )


@rule(
    id="SMS-6.1-catalogue-agreed",
    clause="6.1",
    severity=Severity.MINOR,
    tags=("service-level", "customers"),
)
def catalogue_agreed_with_customers(ctx: Context) -> Iterator[Finding]:
    """Every customer of a live service has acknowledged an issued service catalogue.

    Nonconforming: customer ``cust-1`` takes ``svc-1`` but no acknowledgement of
    ``doc-catalogue`` by ``cust-1`` exists.
    Conforming: ``acknowledgements: [{artefact: doc-catalogue, party: cust-1}]``.
    """
    catalogues = _documents_of_kind(ctx, DocumentKind.SERVICE_CATALOGUE)
    if not catalogues:
        yield ctx.not_applicable(
            "there is no issued service catalogue to agree", code="delivery.catalogue-none"
        )
        return
    agreed: set[str] = set()
    for catalogue in catalogues:
        agreed.update(ctx.facts.acknowledged.get(catalogue, frozenset()))
    customers = sorted({c for s in _live(ctx) for c in s.customers})
    for customer in customers:
        if customer not in agreed:
            yield ctx.fail(
                "customer {customer!r} has not acknowledged the service catalogue ({catalogues})",
                code="delivery.catalogue-unacknowledged",
                subjects=(customer, *catalogues),
                customer=customer,
                catalogues=catalogues,
            )


@rule(
    id="SMS-6.1-sla",
    clause="6.1",
    clauses={"2018": "8.3.3"},
    guidance=("TM-i",),
    severity=Severity.MINOR,
    tags=("service-level", "agreements"),
)
def sla_content(ctx: Context) -> Iterator[Finding]:
    """Each live service is covered by a service level agreement in effect that lists the
    service, is made with every customer of the service, and defines targets.

    Nonconforming: ``svc-1`` points at a contract rather than an SLA; or its SLA expired, is
    not made with ``cust-1``, or has no ``targets`` term.
    Conforming: ``sla-1`` of kind ``service_level_agreement`` with ``services: [svc-1]``,
    ``parties: [prov, cust-1]`` and ``terms: [..., targets]``, effective since 2025.
    """
    as_of = ctx.as_of
    for service in _live(ctx):
        candidates = {a.id: a for a in ctx.facts.agreements_by_service.get(service.id, ())}
        named = ctx.sms.find(service.agreement)
        if isinstance(named, Agreement):
            candidates.setdefault(named.id, named)
        slas = [
            a
            for _, a in sorted(candidates.items())
            if a.kind is AgreementKind.SERVICE_LEVEL_AGREEMENT
        ]
        if not slas:
            yield ctx.fail(
                "live service {service!r} is covered by no service level agreement",
                code="delivery.sla-missing",
                subjects=service.id,
                evidence=sorted(candidates),
                service=service.id,
            )
            continue
        current = [a for a in slas if a.in_force(as_of)]
        if not current:
            yield ctx.fail(
                "no service level agreement of live service {service!r} is in effect on {as_of}",
                code="delivery.sla-not-in-effect",
                subjects=(service.id, *(a.id for a in slas)),
                service=service.id,
                as_of=as_of,
            )
            continue
        for sla in current:
            yield from _sla_problems(ctx, service, sla)


def _sla_problems(ctx: Context, service: Service, sla: Agreement) -> Iterator[Finding]:
    """What an SLA in effect of a live service lacks, one finding each."""
    subjects = (service.id, sla.id)
    if service.id not in sla.services:
        yield ctx.fail(
            "the SLA {sla!r} of live service {service!r} does not list the service",
            code="delivery.sla-service-unlisted",
            key="service-unlisted",
            subjects=subjects,
            sla=sla.id,
            service=service.id,
        )
    missing = [c for c in service.customers if c not in sla.parties]
    if missing:
        yield ctx.fail(
            "the SLA {sla!r} of live service {service!r} is not made with customer(s) {customers}",
            code="delivery.sla-customers-missing",
            key="customers-missing",
            subjects=subjects,
            sla=sla.id,
            service=service.id,
            customers=missing,
        )
    if AgreementTerm.TARGETS not in sla.terms:
        yield ctx.fail(
            "the SLA {sla!r} of live service {service!r} defines no service level targets",
            code="delivery.sla-no-targets",
            key="no-targets",
            subjects=subjects,
            sla=sla.id,
            service=service.id,
        )


@rule(
    id="SMS-6.1-sla-review",
    clause="6.1",
    clauses={"2018": "8.3.3"},
    severity=Severity.MINOR,
    tags=("service-level", "review", "cadence"),
)
def sla_reviewed(ctx: Context) -> Iterator[Finding]:
    """Each live service, or one of its service level agreements, is named by a service level
    review within the ``sla-review`` cadence (yearly by default).

    Nonconforming: the last ``service_level_review`` naming ``svc-2`` or ``sla-2`` was in 2024.
    Conforming: a ``service_level_review`` in 2026 with ``subjects: [svc-1, svc-2, sla-1, sla-2]``.
    """
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    for service in services:
        names = [service.id, *(a.id for a in ctx.facts.agreements_by_service.get(service.id, ()))]
        if service.agreement:
            names.append(service.agreement)
        yield from ctx.check_cadence(
            "sla-review",
            _dated_reviews(ctx, dict.fromkeys(names), ReviewKind.SERVICE_LEVEL_REVIEW),
            what=f"service level review of {service.id!r}",
            subjects=service.id,
        )


@rule(
    id="SMS-6.1-ola",
    clause="6.1",
    severity=Severity.MINOR,
    tags=("service-level", "agreements", "other-parties"),
)
def internal_groups_have_olas(ctx: Context) -> Iterator[Finding]:
    """Each internal group that supports a live service has an operational level agreement in
    effect with the provider for that service. (The 2018 edition asks this of internal
    suppliers and of customers acting as suppliers in 8.3.4.2: SMS18-8.3.4.2-agreements.)

    Nonconforming: ``svc-1`` is ``supported_by: [ops]`` (an internal group) and no
    ``operational_level_agreement`` lists ``ops`` and ``svc-1``.
    Conforming: ``ola-1`` with ``parties: [prov, ops]`` and ``services: [svc-1]``, in effect.
    """
    as_of = ctx.as_of
    for service in _live(ctx):
        olas = [
            a
            for a in ctx.facts.agreements_by_service.get(service.id, ())
            if a.kind is AgreementKind.OPERATIONAL_LEVEL_AGREEMENT and a.in_force(as_of)
        ]
        for supporter in service.supported_by:
            party = ctx.sms.find(supporter)
            if party is None or party.kind is not PartyKind.INTERNAL_GROUP:
                continue
            if not any(supporter in a.parties for a in olas):
                yield ctx.fail(
                    "internal group {group!r} supports live service {service!r} with no "
                    "operational level agreement in effect for it",
                    code="delivery.ola-missing",
                    subjects=(service.id, supporter),
                    group=supporter,
                    service=service.id,
                )


# --- 6.2 Service reporting ------------------------------------------------------------------


@rule(
    id="SMS-6.2-service-report",
    clause="6.2",
    clauses={"2018": "9.4"},
    guidance=("TM-f",),
    severity=Severity.MINOR,
    tags=("service-reporting", "cadence"),
)
def services_reported(ctx: Context) -> Iterator[Finding]:
    """Each live service is named by a service report within the ``service-report`` cadence
    (quarterly by default).

    Nonconforming: the last ``service`` report naming ``svc-2`` is from March, eight months ago.
    Conforming: a ``service`` report this month with ``subjects: [svc-1, svc-2]``.
    """
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    for service in services:
        yield from ctx.check_cadence(
            "service-report",
            _dated_reports(ctx, service.id, ReportKind.SERVICE),
            what=f"service report on {service.id!r}",
            subjects=service.id,
        )


@rule(
    id="SMS-6.2-report-definition",
    clause="6.2",
    clauses={"2018": "9.4"},
    guidance=("TM-f",),
    severity=Severity.MINOR,
    tags=("service-reporting", "documents"),
)
def reports_defined(ctx: Context) -> Iterator[Finding]:
    """Every report issued in the last year follows an issued report definition (purpose,
    audience, frequency, data sources) and has recipients.

    Nonconforming: report ``rpt-svc-2026-10`` names no ``definition``, or one that is a
    withdrawn document, or has no recipients.
    Conforming: ``definition: doc-report-def`` (an issued ``report_definition``) and
    ``recipients: [cust-contact]``.
    """
    since = ctx.back(_YEAR)
    defined = set(_documents_of_kind(ctx, DocumentKind.REPORT_DEFINITION))
    recent = sorted(
        (r for r in ctx.sms.reports if since <= r.date <= ctx.as_of), key=lambda r: r.id
    )
    for report in recent:
        if report.definition is None:
            yield ctx.fail(
                "report {report!r} names no report definition",
                code="delivery.report-undefined",
                key="no-definition",
                subjects=report.id,
                report=report.id,
            )
        elif report.definition not in defined:
            yield ctx.fail(
                "report {report!r} follows {definition!r}, which is not an issued report "
                "definition",
                code="delivery.report-definition-not-issued",
                subjects=(report.id, report.definition),
                report=report.id,
                definition=report.definition,
            )
        if not report.recipients:
            yield ctx.fail(
                "report {report!r} has no recipients",
                code="delivery.report-no-recipients",
                key="no-recipients",
                subjects=report.id,
                report=report.id,
            )


# --- 6.3 Service continuity and availability management ------------------------------------


@rule(
    id="SMS-6.3.1-risks",
    clause="6.3.1",
    clauses={"2018": "8.7.1"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("continuity", "availability", "risk", "cadence"),
)
def continuity_risks_assessed(ctx: Context) -> Iterator[Finding]:
    """Each live service is named by a continuity or availability risk assessed within the
    ``risk-assessment`` cadence.

    Continuity and availability risks are the risks naming the service other than its
    information security risks (those a security risk assessment names), the risks of
    single changes (those a change names as its risk assessment) and opportunities (risk
    records of kind ``opportunity``, which the 2018 edition plans for in 6.1).

    Nonconforming: the only risk naming ``svc-2`` is the security risk ``risk-sec``.
    Conforming: ``risk-cont`` (loss of the data centre) names ``svc-1`` and ``svc-2``,
    assessed this year.
    """
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    other = set(_security_risks(ctx))
    other.update(c.risk_assessment for c in ctx.sms.changes if c.risk_assessment)
    for service in services:
        yield from ctx.check_cadence(
            "risk-assessment",
            (
                (r.assessed, r.id)
                for r in ctx.facts.risks_by_subject.get(service.id, ())
                if r.assessed is not None and r.id not in other and r.kind is RiskKind.RISK
            ),
            what=f"continuity and availability risk assessment of {service.id!r}",
            subjects=service.id,
        )


@rule(
    id="SMS-6.3.1-requirements",
    clause="6.3.1",
    clauses={"2018": "8.7.1"},
    severity=Severity.MINOR,
    tags=("availability", "service-level"),
)
def availability_requirements_agreed(ctx: Context) -> Iterator[Finding]:
    """Each live service has an agreed availability target among its service levels.

    Nonconforming: ``svc-2`` has service levels for resolution times only.
    Conforming: ``service_levels: [{metric: availability, target: 99.9%}]``.
    """
    for service in _live(ctx):
        if not any("availab" in level.metric.lower() for level in service.service_levels):
            yield ctx.fail(
                "live service {service!r} has no agreed availability target",
                code="delivery.availability-target-missing",
                subjects=service.id,
                service=service.id,
            )


@rule(
    id="SMS-6.3.2-plans",
    clause="6.3.2",
    clauses={"2018": "8.7.2"},
    severity=Severity.MAJOR,
    tags=("continuity", "availability", "documents"),
)
def continuity_and_availability_plans(ctx: Context) -> Iterator[Finding]:
    """An issued service continuity plan and an issued availability plan exist, and each names
    every live service.

    The 2018 edition asks for the continuity plan (8.7.2) but no longer for an availability
    plan: availability requirements and targets are documented and monitored instead (8.7.1,
    SMS-6.3.1-requirements and SMS-6.3.3-availability-monitoring).

    Nonconforming: no ``availability_plan`` document; or the continuity plan leaves out
    ``svc-2``.
    Conforming: both plans issued with ``subjects: [svc-1, svc-2]``.
    """
    yield from _plan_covers_live_services(ctx, DocumentKind.CONTINUITY_PLAN, "continuity plan")
    if ctx.edition == "2011":
        yield from _plan_covers_live_services(
            ctx, DocumentKind.AVAILABILITY_PLAN, "availability plan"
        )


@rule(
    id="SMS-6.3.3-availability-monitoring",
    clause="6.3.3",
    clauses={"2018": "8.7.1"},
    severity=Severity.MINOR,
    tags=("availability", "monitoring", "cadence"),
)
def availability_monitored(ctx: Context) -> Iterator[Finding]:
    """The availability of each live service is monitored within the
    ``availability-monitoring`` cadence: an ``availability`` report or evidence of kind
    ``availability-monitoring`` names it.

    Nonconforming: nothing on availability of ``svc-2`` since last year.
    Conforming: a monthly ``availability`` report with ``subjects: [svc-1, svc-2]``.
    """
    yield from _monitored(ctx, "availability-monitoring", ReportKind.AVAILABILITY, "availability")


def _continuity_names(ctx: Context, service: str) -> list[str]:
    """The service and the continuity plans naming it: a test of either tests the service."""
    return [service, *_named_by(ctx, service, DocumentKind.CONTINUITY_PLAN)]


@rule(
    id="SMS-6.3.3-continuity-test",
    clause="6.3.3",
    clauses={"2018": "8.7.2"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("continuity", "test", "cadence"),
)
def continuity_tested(ctx: Context) -> Iterator[Finding]:
    """The continuity arrangements of each live service are tested within the
    ``continuity-test`` cadence: a ``continuity_test`` review names the service or a
    continuity plan that covers it.

    Nonconforming: the last continuity test naming ``svc-1`` or its plan was two years ago.
    Conforming: ``reviews: [{kind: continuity_test, subjects: [doc-continuity-plan]}]`` this
    year, the plan naming ``svc-1``.
    """
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    for service in services:
        yield from ctx.check_cadence(
            "continuity-test",
            _dated_reviews(ctx, _continuity_names(ctx, service.id), ReviewKind.CONTINUITY_TEST),
            what=f"continuity test covering {service.id!r}",
            subjects=service.id,
        )


@rule(
    id="SMS-6.3.3-retest-after-change",
    clause="6.3.3",
    clauses={"2018": "8.7.2"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("continuity", "test", "change"),
)
def continuity_retested_after_major_change(ctx: Context) -> Iterator[Finding]:
    """After a major change to a live service is implemented, its continuity arrangements are
    tested again: a ``continuity_test`` review on or after the implementation names the
    change, the service, or a continuity plan covering it.

    Nonconforming: major change ``chg-9`` to ``svc-1`` went live in August; the last
    continuity test was in April.
    Conforming: a continuity test naming ``svc-1`` in September.
    """
    live = {s.id for s in _live(ctx)}
    changes = [c for c in ctx.sms.changes if c.major and c.implemented is not None]
    touched = [
        (c.id, c.implemented, sorted(live.intersection(c.subjects)))
        for c in changes
        if c.implemented is not None
        and c.implemented <= ctx.as_of
        and live.intersection(c.subjects)
    ]
    if not touched:
        yield ctx.not_applicable(
            "no implemented major change to a live service",
            code="delivery.no-major-change-to-live-service",
        )
        return
    for change_id, went_live, services in touched:
        for service in services:
            names = [change_id, *_continuity_names(ctx, service)]
            tests = [
                when
                for when, _ in _dated_reviews(ctx, names, ReviewKind.CONTINUITY_TEST)
                if when >= went_live
            ]
            if not tests:
                yield ctx.fail(
                    "major change {change!r} to live service {service!r} was implemented on "
                    "{implemented}, and no continuity test covering {service!r} followed",
                    code="delivery.continuity-retest-missing",
                    subjects=(change_id, service),
                    change=change_id,
                    service=service,
                    implemented=went_live,
                )


# --- 6.4 Budgeting and accounting for services ----------------------------------------------


@rule(
    id="SMS-6.4-policy",
    clause="6.4",
    guidance=("TM-e",),
    severity=Severity.MAJOR,
    tags=("budgeting", "policy", "approval"),
)
def budgeting_policy(ctx: Context) -> Iterator[Finding]:
    """A budgeting and accounting policy exists and a member of top management approved it.

    Nonconforming: no policy of kind ``budgeting_and_accounting``; or it is approved only by
    the process manager.
    Conforming: ``pol-ba`` approved by the finance director, a member of top management.
    """
    yield from _top_approval_findings(
        ctx, PolicyKind.BUDGETING_AND_ACCOUNTING, "budgeting and accounting policy"
    )


@rule(
    id="SMS-6.4-budget",
    clause="6.4",
    clauses={"2018": "8.4.1"},
    guidance=("TM-e",),
    severity=Severity.MINOR,
    tags=("budgeting", "evidence"),
)
def services_budgeted_and_accounted(ctx: Context) -> Iterator[Finding]:
    """Within the last year each live service is named by evidence of a ``budget`` and of
    ``cost-accounting``.

    Nonconforming: the 2026 budget covers ``svc-1`` only; or the last cost accounting record
    is from two years ago.
    Conforming: ``budget`` and ``cost-accounting`` evidence this year naming both services.
    """
    since = ctx.back(_YEAR)
    for service in ctx.each(_live(ctx)):
        for kind in ("budget", "cost-accounting"):
            if not any(when >= since for when, _ in _dated_evidence(ctx, service.id, kind)):
                yield ctx.fail(
                    "no {kind} evidence naming live service {service!r} since {since}",
                    code="delivery.budget-evidence-missing",
                    key=kind,
                    subjects=service.id,
                    kind=kind,
                    service=service.id,
                    since=since,
                )


@rule(
    id="SMS-6.4-financial-report",
    clause="6.4",
    clauses={"2018": "8.4.1"},
    guidance=("TM-e",),
    severity=Severity.MINOR,
    tags=("budgeting", "reporting", "cadence"),
)
def costs_reported(ctx: Context) -> Iterator[Finding]:
    """A ``financial`` report of costs against budget is issued within the
    ``financial-report`` cadence (yearly by default).

    Nonconforming: the last financial report was issued in 2024.
    Conforming: ``reports: [{kind: financial, date: 2026-10-10}]``.
    """
    reports = ctx.facts.reports_by_kind.get(ReportKind.FINANCIAL, ())
    yield from ctx.check_cadence(
        "financial-report", ((r.date, r.id) for r in reports), what="financial report"
    )


# --- 6.5 Capacity management ----------------------------------------------------------------


@rule(
    id="SMS-6.5-plan",
    clause="6.5",
    clauses={"2018": "8.4.3"},
    severity=Severity.MAJOR,
    tags=("capacity", "documents"),
)
def capacity_plan(ctx: Context) -> Iterator[Finding]:
    """An issued capacity plan exists and names every live service.

    Nonconforming: no ``capacity_plan`` document; or it leaves out ``svc-2``.
    Conforming: ``documents: [{kind: capacity_plan, subjects: [svc-1, svc-2]}]``, issued.
    """
    yield from _plan_covers_live_services(ctx, DocumentKind.CAPACITY_PLAN, "capacity plan")


@rule(
    id="SMS-6.5-monitoring",
    clause="6.5",
    clauses={"2018": "8.4.3"},
    severity=Severity.MINOR,
    tags=("capacity", "monitoring", "cadence"),
)
def capacity_monitored(ctx: Context) -> Iterator[Finding]:
    """The capacity use of each live service is monitored within the ``capacity-monitoring``
    cadence: a ``capacity`` report or evidence of kind ``capacity-monitoring`` names it.

    Nonconforming: nothing on capacity of ``svc-1`` for a year.
    Conforming: a monthly ``capacity`` report with ``subjects: [svc-1, svc-2]``.
    """
    yield from _monitored(ctx, "capacity-monitoring", ReportKind.CAPACITY, "capacity")


# --- 6.6 Information security management ----------------------------------------------------


@rule(
    id="SMS-6.6.1-policy",
    clause="6.6.1",
    clauses={"2018": "8.7.3.1"},
    severity=Severity.MAJOR,
    tags=("security", "policy", "approval"),
)
def security_policy(ctx: Context) -> Iterator[Finding]:
    """An information security policy exists and a member of top management approved it.

    Nonconforming: no policy of kind ``information_security``; or only the security officer
    approved it.
    Conforming: ``pol-is`` with an approval by the CEO.
    """
    yield from _top_approval_findings(
        ctx, PolicyKind.INFORMATION_SECURITY, "information security policy"
    )


@rule(
    id="SMS-6.6.1-communicated",
    clause="6.6.1",
    clauses={"2018": "8.7.3.1"},
    severity=Severity.MINOR,
    tags=("security", "policy", "communication"),
)
def security_policy_communicated(ctx: Context) -> Iterator[Finding]:
    """The information security policy is communicated to the provider and to every customer
    and supplier.

    Nonconforming: ``pol-is`` has ``communicated_to: [prov]`` while ``supp-1`` is a supplier.
    Conforming: ``communicated_to: [prov, cust-1, supp-1]``.
    """
    audience = [ctx.sms.provider] + [
        p.id for p in ctx.sms.parties if p.kind in (PartyKind.CUSTOMER, PartyKind.SUPPLIER)
    ]
    for policy in ctx.facts.policies_by_kind.get(PolicyKind.INFORMATION_SECURITY, ()):
        told = set(policy.communicated_to)
        missing = sorted(p for p in audience if p not in told)
        if missing:
            yield ctx.fail(
                "information security policy {policy!r} was not communicated to: {parties}",
                code="delivery.security-policy-uncommunicated",
                subjects=(policy.id, *missing),
                policy=policy.id,
                parties=missing,
            )


@rule(
    id="SMS-6.6.1-risk-assessment",
    clause="6.6.1",
    clauses={"2018": "8.7.3.2"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("security", "risk", "cadence"),
)
def security_risks_assessed(ctx: Context) -> Iterator[Finding]:
    """The information security risks of each live service are assessed within the
    ``security-risk-assessment`` cadence: a ``security_risk_assessment`` review names the
    service or a risk that names it.

    Nonconforming: the last security risk assessment covering ``svc-1`` was in 2024.
    Conforming: a 2026 review of kind ``security_risk_assessment`` naming ``risk-sec``, whose
    subjects are ``svc-1`` and ``svc-2``.
    """
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    for service in services:
        risks = [r.id for r in ctx.facts.risks_by_subject.get(service.id, ())]
        yield from ctx.check_cadence(
            "security-risk-assessment",
            _dated_reviews(ctx, [service.id, *risks], ReviewKind.SECURITY_RISK_ASSESSMENT),
            what=f"information security risk assessment covering {service.id!r}",
            subjects=service.id,
        )


@rule(
    id="SMS-6.6.2-controls",
    clause="6.6.2",
    clauses={"2018": "8.7.3.2"},
    severity=Severity.MAJOR,
    tags=("security", "controls", "risk"),
)
def security_controls_linked_to_risks(ctx: Context) -> Iterator[Finding]:
    """Information security controls are documented, and every security risk that is open or
    being treated (one a security risk assessment names) is named by a controls document.

    Nonconforming: no ``security_controls`` document; or risk ``risk-sec`` is not in the
    subjects of any.
    Conforming: ``doc-controls`` of kind ``security_controls`` with ``subjects: [risk-sec]``.
    """
    if not _documents_of_kind(ctx, DocumentKind.SECURITY_CONTROLS):
        yield ctx.fail(
            "there is no issued document of information security controls",
            code="delivery.security-controls-missing",
        )
        return
    for risk_id in _security_risks(ctx):
        risk = ctx.sms.get(risk_id)
        if risk.status in (RiskStatus.ACCEPTED, RiskStatus.CLOSED):
            continue
        if not _named_by(ctx, risk_id, DocumentKind.SECURITY_CONTROLS):
            yield ctx.fail(
                "security risk {risk!r} ({status}) is not linked to any documented security "
                "control",
                code="delivery.security-risk-uncontrolled",
                subjects=risk_id,
                severity=Severity.MINOR,
                risk=risk_id,
                status=risk.status.value,
            )


@rule(
    id="SMS-6.6.3-changes",
    clause="6.6.3",
    clauses={"2018": "8.7.3.3"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("security", "change", "risk"),
)
def major_changes_security_assessed(ctx: Context) -> Iterator[Finding]:
    """Every approved or implemented major change had its information security impact
    assessed: a ``security_risk_assessment`` review names the change or its risk, held by
    the implementation date (or by now, if not yet implemented).

    Nonconforming: major change ``chg-9`` went live with no security risk assessment naming it.
    Conforming: a ``security_risk_assessment`` review with ``subjects: [chg-9]`` before go-live.
    """
    changes = [
        c
        for c in ctx.sms.changes
        if c.major
        and c.raised <= ctx.as_of
        and (c.approved_by or (c.implemented is not None and c.implemented <= ctx.as_of))
    ]
    if not changes:
        yield ctx.not_applicable(
            "no approved or implemented major change", code="delivery.no-major-change"
        )
        return
    for change in changes:
        deadline = change.implemented or ctx.as_of
        names = [change.id, *((change.risk_assessment,) if change.risk_assessment else ())]
        held = [
            when
            for when, _ in _dated_reviews(ctx, names, ReviewKind.SECURITY_RISK_ASSESSMENT)
            if when <= deadline
        ]
        if not held:
            yield ctx.fail(
                "major change {change!r} has no information security risk assessment naming it "
                "or its risk by {deadline}",
                code="delivery.change-security-unassessed",
                subjects=change.id,
                change=change.id,
                deadline=deadline,
            )


@rule(
    id="SMS-6.6.3-incidents",
    clause="6.6.3",
    clauses={"2018": "8.7.3.3"},
    severity=Severity.MINOR,
    tags=("security", "incident", "evidence"),
)
def security_incidents_recorded_and_analysed(ctx: Context) -> Iterator[Finding]:
    """Within the last year security incidents are recorded (evidence of kind
    ``security-incident-record``) and analysed in a ``security`` report.

    Nonconforming: the last security incident record is from 2024; or no security report
    analyses them.
    Conforming: a security incident log updated last month and a quarterly ``security`` report.
    """
    since = ctx.back(_YEAR)
    records = ctx.facts.evidence_by_kind.get("security-incident-record", ())
    if not any(e.effective >= since for e in records):
        yield ctx.fail(
            "no security incident records on file since {since}",
            code="delivery.security-incidents-unrecorded",
            key="records",
            since=since,
        )
    reports = ctx.facts.reports_by_kind.get(ReportKind.SECURITY, ())
    if not any(r.date >= since for r in reports):
        yield ctx.fail(
            "no security report analysing security incidents since {since}",
            code="delivery.security-incidents-unanalysed",
            key="report",
            since=since,
        )


def _monitored(
    ctx: Context, expectation: str, report_kind: ReportKind, what: str
) -> Iterator[Finding]:
    """Each live service is named, within the cadence of ``expectation``, by a report of
    ``report_kind`` or by evidence whose kind is the expectation id."""
    services = _live(ctx)
    if not services:
        yield ctx.not_applicable("no live service", code="delivery.no-live-service")
        return
    for service in ctx.each(services):
        yield from ctx.check_cadence(
            expectation,
            (
                *_dated_reports(ctx, service.id, report_kind),
                *_dated_evidence(ctx, service.id, expectation),
            ),
            what=f"{what} monitoring of {service.id!r}",
            subjects=service.id,
        )
