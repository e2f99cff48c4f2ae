"""Built-in rules for management responsibility (ISO/IEC 20000-1:2011, 4.1) and the guidance of
ISO/IEC 20000-2:2012, 4.1.1 on top management (TM-0 ... TM-j, EV-a ... EV-x).

Length: one module per clause of the standard; 4.1 carries most of the seed's guidance
statements, each with a rule of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from dateutil.relativedelta import relativedelta

from sms_model.model import (
    DocumentKind,
    LifecycleStage,
    PolicyCommitment,
    PolicyKind,
    ReviewKind,
    SMSStage,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_YEAR = relativedelta(years=1)


def _sm_policies(ctx: Context) -> tuple[str, ...]:
    return tuple(p.id for p in ctx.facts.policies_by_kind.get(PolicyKind.SERVICE_MANAGEMENT, ()))


# --- 4.1.1 Management commitment: top management (TM-0 ... TM-j) --------------------------


@rule(
    id="SMS-4.1.1-TM-0",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-0",),
    severity=Severity.MAJOR,
    tags=("top-management",),
)
def top_management_identified(ctx: Context) -> Iterator[Finding]:
    """Top management is named, and every member belongs to the provider itself.

    Nonconforming: ``top_management.members`` is empty, or names a consultant of another party.
    Conforming: ``members: [ceo, cfo]``, both people of the provider.
    """
    members = ctx.sms.top_management.members
    if not members:
        yield ctx.fail(
            "no top management is named; name the people who direct the provider",
            code="management.top-management-none",
        )
        return
    for member in members:
        if not ctx.sms.is_provider_side(member):
            party = ctx.sms.party_of(member)
            yield ctx.fail(
                "top management member {member!r} belongs to {party!r}, not to the provider "
                "{provider!r}; no other party can supply top management",
                code="management.top-management-outside",
                subjects=member,
                member=member,
                party=party,
                provider=ctx.sms.provider,
            )


@rule(
    id="SMS-4.1.1-TM-a",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-a",),
    severity=Severity.MINOR,
    tags=("top-management", "evidence"),
)
def top_management_involved_at_every_stage(ctx: Context) -> Iterator[Finding]:
    """Over the last year, top management took part in meetings covering every SMS stage
    (planning, establishment, operation, monitoring, measurement, review, maintenance,
    improvement); a management review counts as review and improvement.

    Nonconforming: the only meetings top management attended dealt with planning.
    Conforming: the year's meetings chaired by the CEO cover all eight stages between them.
    """
    top = ctx.facts.top_management
    since = ctx.back(_YEAR)
    covered: set[SMSStage] = set()
    evidence: list[str] = []
    for meeting in ctx.facts.meetings:
        people = {meeting.chair, *meeting.attendees}
        if meeting.date >= since and people & top:
            covered.update(meeting.stages)
            evidence.append(meeting.id)
    for review in ctx.facts.reviews_by_kind.get(ReviewKind.MANAGEMENT_REVIEW, ()):
        if review.date >= since and ({review.chair, *review.attendees} & top):
            covered.update((SMSStage.REVIEW, SMSStage.IMPROVEMENT))
            evidence.append(review.id)
    missing = [stage.value for stage in SMSStage if stage not in covered]
    if missing:
        yield ctx.fail(
            "no record of top management taking part in these SMS stages since {since}: {stages}",
            code="management.stages-not-covered",
            evidence=sorted(evidence),
            since=since,
            stages=missing,
        )


@rule(
    id="SMS-4.1.1-TM-b",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-b",),
    severity=Severity.MAJOR,
    tags=("top-management", "accountability", "graph"),
)
def top_management_accountable_for_sms(ctx: Context) -> Iterator[Finding]:
    """Top management holds accountability for the SMS: it owns the SMS process or is
    accountable for the management-commitment duty.

    The 2018 edition (5.1) asks the same: top management answers for the effectiveness of the
    SMS; its finding does not cite the 2011 clause.

    Nonconforming: the SMS process is owned by a process manager outside top management.
    Conforming: ``processes: [{kind: sms, owner: ceo}]`` with the CEO in top management.
    """
    if ctx.edition == "2011":
        yield from ctx.fail_gaps("top_management_not_accountable")
        return
    for gap in ctx.facts.gaps_of("top_management_not_accountable"):
        yield ctx.fail(
            "nothing shows top management accountable for the effectiveness of the SMS; have a "
            "member own the SMS process or be accountable for the management commitment duty",
            code="management.top-management-not-accountable",
            key=f"gap.{gap.kind.value}",
            subjects=gap.subjects,
        )


@rule(
    id="SMS-4.1.1-TM-c",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-c",),
    severity=Severity.MINOR,
    tags=("top-management", "evidence"),
)
def interested_parties_acknowledged(ctx: Context) -> Iterator[Finding]:
    """Every interested party has acknowledged the scope, the service management policy and
    the objectives, and every customer the requirements of its services.

    Nonconforming: customer ``cust-1`` has no acknowledgement of policy ``pol-sm``.
    Conforming: acknowledgements of ``scope``, ``pol-sm``, each objective (and, for customers,
    each of their services) by every party marked ``interested``.
    """
    sms = ctx.sms
    common = [*((sms.scope.id,) if sms.scope else ()), *_sm_policies(ctx)]
    common += [o.id for o in sms.objectives]
    services_of: dict[str, list[str]] = {}
    for service in sms.services:
        for customer in service.customers:
            services_of.setdefault(customer, []).append(service.id)
    acknowledged = ctx.facts.acknowledged
    for party in sms.parties:
        if not party.interested:
            continue
        expected = common + services_of.get(party.id, [])
        missing = sorted(a for a in expected if party.id not in acknowledged.get(a, frozenset()))
        if missing:
            yield ctx.fail(
                "interested party {party!r} has not acknowledged: {missing}",
                code="management.not-acknowledged",
                subjects=(party.id, *missing),
                party=party.id,
                missing=missing,
            )


@rule(
    id="SMS-4.1.1-TM-d",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-d",),
    severity=Severity.MAJOR,
    tags=("top-management", "plan", "cadence"),
)
def plan_created_implemented_maintained(ctx: Context) -> Iterator[Finding]:
    """A service management plan exists, is implemented, is linked to business objectives and
    is reviewed within its cadence (expectation ``plan-review``).

    Nonconforming: the plan is still a draft, or was last reviewed two years ago.
    Conforming: ``plan: {status: implemented, business_objectives: [...]}`` with a plan review
    in the last year.
    """
    plan = ctx.sms.plan
    if plan is None:
        yield ctx.fail("there is no service management plan", code="management.plan-missing")
        return
    if plan.status.value != "implemented":
        yield ctx.fail(
            "the plan is {status!r}, not implemented",
            code="management.plan-not-implemented",
            key="not-implemented",
            subjects=plan.id,
            status=plan.status.value,
        )
    if not plan.business_objectives:
        yield ctx.fail(
            "the plan names no business objectives it is aligned with",
            code="management.plan-no-business-objectives",
            key="no-business-objectives",
            subjects=plan.id,
            severity=Severity.MINOR,
        )
    reviews = ctx.facts.reviews_by_kind.get(ReviewKind.PLAN_REVIEW, ())
    yield from ctx.check_cadence(
        "plan-review",
        ((r.date, r.id) for r in reviews if plan.id in r.subjects),
        what="review of the service management plan",
        subjects=plan.id,
        severity=Severity.MINOR,
    )


@rule(
    id="SMS-4.1.1-TM-e",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-e",),
    severity=Severity.MINOR,
    tags=("top-management", "resources"),
)
def objectives_resourced(ctx: Context) -> Iterator[Finding]:
    """Every objective has resources allocated that have been provided and not withdrawn.

    Nonconforming: objective ``obj-3`` lists no resources, or only one withdrawn last month.
    Conforming: ``obj-1`` lists ``res-people``, provided in 2025 and still in place.
    """
    sms = ctx.sms
    for objective in sms.objectives:
        live = []
        for resource_id in objective.resources:
            resource = sms.get(resource_id)
            provided = resource.provided is not None and resource.provided <= ctx.as_of
            withdrawn = resource.withdrawn is not None and resource.withdrawn <= ctx.as_of
            if provided and not withdrawn:
                live.append(resource_id)
        if not live:
            yield ctx.fail(
                "objective {objective!r} has no resource provided to achieve it",
                code="management.objective-unresourced",
                subjects=objective.id,
                objective=objective.id,
            )


@rule(
    id="SMS-4.1.1-TM-f",
    clause="4.1.1",
    clauses={"2018": "5.3"},
    guidance=("TM-f",),
    severity=Severity.MAJOR,
    tags=("top-management", "cadence"),
)
def performance_reported_to_top_management(ctx: Context) -> Iterator[Finding]:
    """SMS performance reports reach a member of top management within the cadence of the
    ``performance-report`` expectation (quarterly by default).

    Nonconforming: the last SMS performance report went to the process manager only.
    Conforming: a quarterly ``sms_performance`` report with the CEO among its recipients.
    """
    top = ctx.facts.top_management
    reports = ctx.facts.reports_by_kind
    yield from ctx.check_cadence(
        "performance-report",
        (
            (r.date, r.id)
            for kind, items in reports.items()
            if kind.value == "sms_performance"
            for r in items
            if top & ctx.facts.people_behind(r.recipients)
        ),
        what="SMS performance report to top management",
    )


@rule(
    id="SMS-4.1.1-TM-f-line",
    clause="4.1.1",
    clauses={"2018": "5.3"},
    guidance=("TM-f",),
    severity=Severity.MINOR,
    tags=("top-management", "accountability", "graph"),
)
def owners_report_to_top_management(ctx: Context) -> Iterator[Finding]:
    """Every provider person who owns a process or a Clause 4 duty has a reporting line that
    reaches top management, so performance can be reported up.

    Nonconforming: the owner of the problem process reports to nobody.
    Conforming: the owner reports to the management representative, who reports to the CEO.
    """
    yield from ctx.fail_gaps("reporting_line_broken", "reporting_line_cycle")


@rule(
    id="SMS-4.1.1-TM-g",
    clause="4.1.1",
    clauses={"2018": "6.2.1"},
    guidance=("TM-g",),
    severity=Severity.MINOR,
    tags=("top-management", "objectives", "cadence"),
)
def objectives_measured_and_revised(ctx: Context) -> Iterator[Finding]:
    """Each objective has a target and is measured within the ``objective-measurement``
    cadence; an objective past its due date has met its target; objectives are revised after
    service requirements change.

    Nonconforming: ``obj-1`` has no measurement this year; or service requirements changed in
    March and no objective was revised since.
    Conforming: ``obj-1`` with a target, measured each quarter, last measurement met.
    """
    if ctx.edition == "2018" and not ctx.sms.objectives:
        # In 2011 the lack is 4.5.2's; in 2018 objectives are 6.2.1's alone.
        yield ctx.fail(
            "no service management objective is set",
            code="management.objectives-none",
            severity=Severity.MAJOR,
        )
        return
    changed = [s.requirements_changed for s in ctx.sms.services if s.requirements_changed]
    latest_change = max((d for d in changed if d <= ctx.as_of), default=None)
    for objective in ctx.sms.objectives:
        if not objective.target:
            yield ctx.fail(
                "objective {objective!r} has no measurable target",
                code="management.objective-no-target",
                subjects=objective.id,
                objective=objective.id,
            )
            continue
        yield from ctx.check_cadence(
            "objective-measurement",
            ((m.date, objective.id) for m in objective.measurements),
            what=f"measurement of objective {objective.id!r}",
            subjects=objective.id,
        )
        past = [m for m in objective.measurements if m.date <= ctx.as_of]
        last = max(past, key=lambda m: m.date) if past else None
        if objective.due and objective.due < ctx.as_of and last and last.met is False:
            yield ctx.fail(
                "objective {objective!r} was due on {due} and its last measurement ({value}) "
                "did not meet the target",
                code="management.objective-target-missed",
                key="target-missed",
                subjects=objective.id,
                objective=objective.id,
                due=objective.due,
                value=last.value,
            )
    if latest_change is not None and ctx.sms.objectives:
        revised = [o.revised for o in ctx.sms.objectives if o.revised]
        if not any(latest_change <= r <= ctx.as_of for r in revised):
            yield ctx.fail(
                "service requirements changed on {changed} but no objective has been revised "
                "since; check the objectives still fit",
                code="management.objectives-not-revised",
                severity=Severity.OBSERVATION,
                changed=latest_change,
            )


@rule(
    id="SMS-4.1.1-TM-h",
    clause="4.1.1",
    clauses={"2018": "8.5.1.3"},
    guidance=("TM-h",),
    severity=Severity.MAJOR,
    tags=("top-management", "risk", "change"),
)
def changes_risk_assessed(ctx: Context) -> Iterator[Finding]:
    """Every change carries a risk assessment made before it was implemented.

    Nonconforming: change ``chg-7`` names no risk, or its risk was assessed after go-live.
    Conforming: ``chg-1`` names ``risk-chg-1``, assessed five days before implementation.
    """
    for change in ctx.sms.changes:
        if change.raised > ctx.as_of:
            continue
        if change.risk_assessment is None:
            yield ctx.fail(
                "change {change!r} has no risk assessment",
                code="management.change-no-risk-assessment",
                subjects=change.id,
                change=change.id,
            )
            continue
        risk = ctx.sms.get(change.risk_assessment)
        if risk.assessed is None or risk.assessed > ctx.as_of:
            yield ctx.fail(
                "the risk {risk!r} of change {change!r} was never assessed",
                code="management.change-risk-not-assessed",
                subjects=(change.id, risk.id),
                risk=risk.id,
                change=change.id,
            )
        elif change.implemented is not None and risk.assessed > change.implemented:
            yield ctx.fail(
                "change {change!r} was implemented on {implemented}, before its risk was "
                "assessed on {assessed}",
                code="management.change-risk-assessed-late",
                subjects=(change.id, risk.id),
                evidence=risk.id,
                change=change.id,
                implemented=change.implemented,
                assessed=risk.assessed,
            )


@rule(
    id="SMS-4.1.1-TM-i",
    clause="4.1.1",
    clauses={"2018": "8.2.1"},
    guidance=("TM-i",),
    severity=Severity.MAJOR,
    tags=("top-management", "services", "lifecycle"),
)
def services_delivered_to_agreed_levels(ctx: Context) -> Iterator[Finding]:
    """Every live service has an agreement with service level targets; a service being
    transferred or removed goes through a recorded change.

    In the 2018 edition this is service delivery (8.2.1): the services are delivered through
    the SMS, at the levels agreed, to the end of their lifecycle.

    Nonconforming: live service ``svc-3`` has no SLA; service ``svc-old`` was removed with no
    change naming it.
    Conforming: ``svc-1`` live with ``agreement: sla-1`` and targets; ``svc-old`` removed by
    change ``chg-9``.
    """
    changed_services = {s for c in ctx.sms.changes if c.raised <= ctx.as_of for s in c.subjects}
    for service in ctx.sms.services:
        if service.stage is LifecycleStage.LIVE:
            if service.agreement is None or not service.service_levels:
                yield ctx.fail(
                    "live service {service!r} has no agreed service levels",
                    code="management.service-levels-missing",
                    subjects=service.id,
                    service=service.id,
                )
        elif (
            service.stage in (LifecycleStage.TRANSFERRED, LifecycleStage.REMOVED)
            and service.id not in changed_services
        ):
            yield ctx.fail(
                "service {service!r} was {stage} without a change record that names it",
                code="management.service-retired-without-change",
                subjects=service.id,
                severity=Severity.MINOR,
                service=service.id,
                stage=service.stage.value,
            )


@rule(
    id="SMS-4.1.1-TM-j",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("TM-j",),
    severity=Severity.MAJOR,
    tags=("top-management", "audit", "cadence"),
)
def sms_assessed_and_reviewed(ctx: Context) -> Iterator[Finding]:
    """The SMS is assessed within cadence by management reviews, internal audits and external
    audits (expectations ``management-review``, ``internal-audit``, ``external-audit``).

    Nonconforming: no external audit on record in the last year.
    Conforming: a management review, an internal and an external audit each within a year.
    """
    facts = ctx.facts
    by_kind = {k.value: v for k, v in facts.audits_by_kind.items()}
    yield from ctx.check_cadence(
        "management-review",
        ((r.date, r.id) for r in facts.reviews_by_kind.get(ReviewKind.MANAGEMENT_REVIEW, ())),
        what="management review",
    )
    yield from ctx.check_cadence(
        "internal-audit",
        ((a.date, a.id) for a in by_kind.get("internal", ())),
        what="internal audit",
    )
    yield from ctx.check_cadence(
        "external-audit",
        ((a.date, a.id) for a in by_kind.get("external", ())),
        what="external audit",
        severity=Severity.MINOR,
    )


# --- 4.1.1 Evidence of top management commitment (EV-a ... EV-x) --------------------------


@rule(
    id="SMS-4.1.1-EV-a",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("EV-a",),
    severity=Severity.MINOR,
    tags=("top-management", "evidence", "cadence"),
)
def regular_meetings_chaired_by_top_management(ctx: Context) -> Iterator[Finding]:
    """SMS planning or review meetings chaired by top management are held within the
    ``sms-meeting`` cadence (quarterly by default).

    Nonconforming: the last planning meeting chaired by a director was eight months ago.
    Conforming: quarterly planning meetings chaired by the CEO.
    """
    top = ctx.facts.top_management
    yield from ctx.check_cadence(
        "sms-meeting",
        (
            (m.date, m.id)
            for m in ctx.facts.meetings
            if m.chair in top and m.kind.value in ("planning", "sms_review")
        ),
        what="SMS meeting chaired by top management",
    )


@rule(
    id="SMS-4.1.1-EV-b",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("EV-b",),
    severity=Severity.MAJOR,
    tags=("top-management", "evidence"),
)
def sms_defines_scope_policy_objectives_plan(ctx: Context) -> Iterator[Finding]:
    """The SMS defines its scope, a service management policy, objectives and a plan.

    Nonconforming: no ``scope`` and no objectives.
    Conforming: all four are present.
    """
    sms = ctx.sms
    missing = [
        name
        for name, present in (
            ("scope", sms.scope is not None),
            ("service management policy", bool(_sm_policies(ctx))),
            ("objectives", bool(sms.objectives)),
            ("service management plan", sms.plan is not None),
        )
        if not present
    ]
    if missing:
        yield ctx.fail(
            "the SMS does not define: {missing}", code="management.sms-undefined", missing=missing
        )


@rule(
    id="SMS-4.1.1-EV-c",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("EV-c",),
    severity=Severity.MAJOR,
    tags=("top-management", "approval"),
)
def policy_objectives_plan_approved(ctx: Context) -> Iterator[Finding]:
    """Top management approved the service management policy, every objective and the plan,
    on or before their issue, and again for the current version after a change.

    Nonconforming: the plan's version 3 is in use but top management approved version 2 only.
    Conforming: the CEO approved ``plan-1`` version 3 the day it was agreed.
    """
    sms = ctx.sms
    artefacts: list[tuple[str, str, str | None, date | None]] = []
    for policy in sms.policies:
        if policy.kind is PolicyKind.SERVICE_MANAGEMENT:
            artefacts.append(("policy", policy.id, policy.version, policy.issued))
    artefacts.extend(("objective", o.id, None, None) for o in sms.objectives)
    if sms.plan is not None:
        artefacts.append(("plan", sms.plan.id, sms.plan.version, sms.plan.agreed_on))
    for label, artefact, version, in_use in artefacts:
        yield from _approval_findings(ctx, label, artefact, version, in_use)


def _approval_findings(
    ctx: Context, label: str, artefact: str, version: str | None, in_use: date | None
) -> Iterator[Finding]:
    approvals = ctx.facts.top_approvals(artefact)
    if not approvals:
        yield ctx.fail(
            "the {label} {artefact!r} has no approval by top management",
            code="management.unapproved",
            subjects=artefact,
            label=label,
            artefact=artefact,
        )
        return
    if version is not None:
        current = [a for a in approvals if a.subject_version in (None, version)]
        if not current:
            yield ctx.fail(
                "top management approved the {label} {artefact!r} but not its current "
                "version {version!r}",
                code="management.approved-old-version",
                subjects=artefact,
                evidence=[a.id for a in approvals],
                label=label,
                artefact=artefact,
                version=version,
            )
            return
        approvals = tuple(current)
    if in_use is not None and approvals[0].date > in_use:
        yield ctx.fail(
            "the {label} {artefact!r} was in use from {in_use} but approved only on {approved}",
            code="management.approved-late",
            subjects=artefact,
            evidence=approvals[0].id,
            severity=Severity.MINOR,
            label=label,
            artefact=artefact,
            in_use=in_use,
            approved=approvals[0].date,
        )


@rule(
    id="SMS-4.1.1-EV-d",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("EV-d",),
    severity=Severity.MINOR,
    tags=("top-management", "approval"),
)
def processes_approved_by_top_management(ctx: Context) -> Iterator[Finding]:
    """Every process, or its process definition, is approved by top management.

    Nonconforming: the problem process and its definition carry no approval by a director.
    Conforming: ``approvals: [{subject: p-prb, approver: ceo}]``.
    """
    for process in ctx.sms.processes:
        candidates = [process.id, *((process.definition,) if process.definition else ())]
        if not any(ctx.facts.top_approvals(c) for c in candidates):
            yield ctx.fail(
                "process {process!r} has no approval by top management",
                code="management.process-unapproved",
                subjects=process.id,
                process=process.id,
            )


@rule(
    id="SMS-4.1.1-EV-x",
    clause="4.1.1",
    clauses={"2018": "5.1"},
    guidance=("EV-x",),
    severity=Severity.OBSERVATION,
    tags=("top-management", "commitment"),
)
def signs_of_weak_commitment(ctx: Context) -> Iterator[Finding]:
    """No resources withdrawn from the SMS in the last year, and communication about the SMS
    recorded in the last year (evidence of kind ``communication``).

    Nonconforming: resource ``res-2`` was withdrawn in May; no SMS communication on record.
    Conforming: resources in place, an SMS newsletter recorded as evidence last month.
    """
    since = ctx.back(_YEAR)
    for resource in ctx.sms.resources:
        if resource.withdrawn is not None and since <= resource.withdrawn <= ctx.as_of:
            yield ctx.fail(
                "resource {resource!r} was withdrawn from the SMS on {withdrawn}, a possible "
                "sign of weakening commitment",
                code="management.resource-withdrawn",
                subjects=resource.id,
                resource=resource.id,
                withdrawn=resource.withdrawn,
            )
    recent = [
        e for e in ctx.facts.evidence_by_kind.get("communication", ()) if e.effective >= since
    ]
    if not recent:
        yield ctx.fail(
            "no communication about the SMS on record since {since}",
            code="management.no-communication",
            since=since,
        )


# --- 4.1.2 Service management policy ------------------------------------------------------


@rule(
    id="SMS-4.1.2-commitments",
    clause="4.1.2",
    clauses={"2018": "5.2.1"},
    guidance=("EV-b",),
    severity=Severity.MAJOR,
    tags=("policy",),
)
def policy_commitments(ctx: Context) -> Iterator[Finding]:
    """There is a service management policy, and each one commits to meeting service
    requirements, to continual improvement and to framing the objectives.

    Nonconforming: the policy lists only ``meet_service_requirements``.
    Conforming: ``commitments: [meet_service_requirements, continual_improvement,
    framework_for_objectives]``.
    """
    policies = ctx.facts.policies_by_kind.get(PolicyKind.SERVICE_MANAGEMENT, ())
    if not policies:
        yield ctx.fail("there is no service management policy", code="management.policy-missing")
        return
    for policy in policies:
        missing = [c.value for c in PolicyCommitment if c not in policy.commitments]
        if missing:
            yield ctx.fail(
                "policy {policy!r} lacks these commitments: {missing}",
                code="management.policy-commitments-missing",
                subjects=policy.id,
                policy=policy.id,
                missing=missing,
            )


@rule(
    id="SMS-4.1.2-communicated",
    clause="4.1.2",
    clauses={"2018": "5.2.2"},
    severity=Severity.MINOR,
    tags=("policy", "communication"),
)
def policy_communicated(ctx: Context) -> Iterator[Finding]:
    """The service management policy is communicated to the provider and every interested
    party.

    Nonconforming: ``communicated_to: [prov]`` while a supplier operates a process.
    Conforming: ``communicated_to`` lists every interested party.
    """
    interested = [p.id for p in ctx.sms.parties if p.interested]
    for policy in ctx.facts.policies_by_kind.get(PolicyKind.SERVICE_MANAGEMENT, ()):
        told = set(policy.communicated_to)
        missing = sorted(p for p in interested if p not in told)
        if missing:
            yield ctx.fail(
                "policy {policy!r} was not communicated to: {missing}",
                code="management.policy-not-communicated",
                subjects=(policy.id, *missing),
                policy=policy.id,
                missing=missing,
            )


@rule(
    id="SMS-4.1.2-review",
    clause="4.1.2",
    severity=Severity.MINOR,
    tags=("policy", "cadence"),
)
def policy_reviewed(ctx: Context) -> Iterator[Finding]:
    """Each policy is reviewed within the ``policy-review`` cadence (yearly by default).

    Nonconforming: the last policy review was in 2024.
    Conforming: a ``policy_review`` naming the policy in the last year.
    """
    reviews = ctx.facts.reviews_by_kind.get(ReviewKind.POLICY_REVIEW, ())
    for policy in ctx.sms.policies:
        yield from ctx.check_cadence(
            "policy-review",
            ((r.date, r.id) for r in reviews if policy.id in r.subjects),
            what=f"review of policy {policy.id!r}",
            subjects=policy.id,
        )


# --- 4.1.3 Authority, responsibility and communication ------------------------------------


@rule(
    id="SMS-4.1.3-roles",
    clause="4.1.3",
    clauses={"2018": "5.3"},
    guidance=("APP-5",),
    severity=Severity.MINOR,
    tags=("roles",),
)
def roles_defined(ctx: Context) -> Iterator[Finding]:
    """Every role has holders, responsibilities and authorities.

    Nonconforming: role ``role-cab`` has no responsibilities or nobody holds it.
    Conforming: role ``role-process-manager`` held by ``po`` with responsibilities.
    """
    for role in ctx.sms.roles:
        missing = [
            name
            for name, value in (
                ("holders", role.holders),
                ("responsibilities", role.responsibilities),
                ("authorities", role.authorities),
            )
            if not value
        ]
        if missing:
            yield ctx.fail(
                "role {role!r} defines no {missing}",
                code="management.role-incomplete",
                subjects=role.id,
                role=role.id,
                missing=missing,
            )


@rule(
    id="SMS-4.1.3-communication",
    clause="4.1.3",
    clauses={"2018": "7.4"},
    severity=Severity.MINOR,
    tags=("communication", "documents"),
)
def communication_procedure(ctx: Context) -> Iterator[Finding]:
    """A communication procedure for the SMS is documented and issued.

    In the 2018 edition (7.4) the procedure is where the organization records what it
    communicates about the SMS, when, with whom, how and who does it.

    Nonconforming: no document of kind ``communication_procedure``.
    Conforming: an issued communication procedure.
    """
    if not ctx.facts.documents_in_force_by_kind.get(DocumentKind.COMMUNICATION_PROCEDURE):
        yield ctx.fail(
            "no issued communication procedure", code="management.communication-procedure-missing"
        )


# --- 4.1.4 Management representative ------------------------------------------------------


@rule(
    id="SMS-4.1.4-representative",
    clause="4.1.4",
    clauses={"2018": "5.3"},
    guidance=("APP-1",),
    severity=Severity.MAJOR,
    tags=("top-management", "approval"),
)
def management_representative(ctx: Context) -> Iterator[Finding]:
    """One management representative is named: a person of the provider, appointed by an
    approval of top management.

    Nonconforming: no representative, or a consultant of a supplier, or no appointment record.
    Conforming: ``representative: rep`` with ``representative_appointment: appr-rep`` by the CEO.
    """
    tm = ctx.sms.top_management
    rep = tm.representative
    if rep is None:
        yield ctx.fail(
            "no management representative is named", code="management.representative-missing"
        )
        return
    if not ctx.sms.is_provider_side(rep):
        yield ctx.fail(
            "the management representative {rep!r} is not a member of the provider's own "
            "management",
            code="management.representative-not-provider",
            key="not-provider",
            subjects=rep,
            rep=rep,
        )
    appointment = ctx.sms.find(tm.representative_appointment)
    if appointment is None or appointment.subject != rep or appointment.date > ctx.as_of:
        # An appointment dated after the as-of date is no record of one by then.
        yield ctx.fail(
            "no approval records the appointment of {rep!r} as management representative "
            "by {as_of}",
            code="management.representative-not-appointed",
            key="appointment",
            subjects=rep,
            severity=Severity.MINOR,
            rep=rep,
            as_of=ctx.as_of,
        )
    elif appointment.approver not in ctx.facts.top_management:
        yield ctx.fail(
            "the appointment {appointment!r} was not made by top management",
            code="management.representative-appointed-by-others",
            key="appointment",
            subjects=rep,
            evidence=appointment.id,
            appointment=appointment.id,
        )
