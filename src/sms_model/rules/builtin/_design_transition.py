"""Built-in rules for the design and transition of new or changed services (ISO/IEC
20000-1:2011, Clause 5: 5.1 General, 5.2 Plan, 5.3 Design and development, 5.4 Transition).

What goes through design and transition here: services that are planned, in design or in
transition, and changes marked ``major`` (major impact on services, as the change policy
defines it). Transfers and removals of services must come through such a major change. When
an SMS has nothing in design or transition, these rules report ``not_applicable``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sms_model.model import (
    Change,
    DocumentKind,
    LifecycleStage,
    PolicyKind,
    ProcessKind,
    ReviewKind,
    Service,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_NEW: frozenset[LifecycleStage] = frozenset(
    {LifecycleStage.PLANNED, LifecycleStage.DESIGN, LifecycleStage.TRANSITION}
)
_DESIGNED: frozenset[LifecycleStage] = frozenset({LifecycleStage.DESIGN, LifecycleStage.TRANSITION})
#: Evidence kind for a record of testing a new or changed service before it is deployed.
_TRANSITION_TEST = "transition-test"


def _new_services(ctx: Context, stages: frozenset[LifecycleStage] = _NEW) -> list[Service]:
    return [s for s in ctx.sms.services if s.stage in stages]


def _major_changes(ctx: Context) -> list[Change]:
    """Major changes raised by the as-of date."""
    return [c for c in ctx.sms.changes if c.major and c.raised <= ctx.as_of]


def _committed_major_changes(ctx: Context) -> list[Change]:
    """Major changes already approved or implemented: their plan and design are due."""
    implemented = _implemented(ctx)
    return [c for c in _major_changes(ctx) if c.approved_by or c.id in implemented]


def _implemented(ctx: Context) -> dict[str, date]:
    """Implementation dates of the major changes implemented by the as-of date, by change id."""
    return {
        c.id: c.implemented
        for c in _major_changes(ctx)
        if c.implemented is not None and c.implemented <= ctx.as_of
    }


def _documents_naming(ctx: Context, subject: str, kind: DocumentKind) -> list[str]:
    docs = ctx.facts.documents_in_force_by_subject.get(subject, ())
    return sorted(d.id for d in docs if d.kind is kind)


# --- 5.1 General -------------------------------------------------------------------------


@rule(
    id="SMS-5.1-process",
    clause="5.1",
    clauses={"2018": "8.5.2.1"},
    guidance=("TM-i",),
    severity=Severity.MAJOR,
    tags=("design-transition", "change"),
)
def design_and_transition_process(ctx: Context) -> Iterator[Finding]:
    """A design and transition process exists, and a change policy exists to say which
    changes have a major impact on services and so must go through it.

    In the 2018 edition the change management policy, with its criteria for a major impact, is
    the subject of 8.5.1.1 and of the rule SMS18-8.5.1.1-policy; this rule then checks the
    process only, so that a missing policy gives one finding.

    Nonconforming: no process of kind ``design_and_transition``; or no policy of kind
    ``change``, so nothing defines a major-impact change.
    Conforming: ``processes: [{id: p-dt, kind: design_and_transition}]`` and
    ``policies: [{id: pol-chg, kind: change}]``.
    """
    if not ctx.facts.processes_by_kind.get(ProcessKind.DESIGN_AND_TRANSITION):
        yield ctx.fail(
            "there is no design and transition process; new, transferred, removed and "
            "majorly changed services need one",
            code="design.process-missing",
            key="process",
        )
    if ctx.edition == "2011" and not ctx.facts.policies_by_kind.get(PolicyKind.CHANGE):
        yield ctx.fail(
            "there is no change policy, so nothing defines which changes have a major impact "
            "and must go through design and transition",
            code="design.change-policy-missing",
            key="change-policy",
        )


@rule(
    id="SMS-5.1-transfer-removal",
    clause="5.1",
    clauses={"2018": "8.5.2.1"},
    guidance=("TM-i",),
    severity=Severity.MINOR,
    tags=("design-transition", "change", "lifecycle"),
)
def transfers_and_removals_are_major_changes(ctx: Context) -> Iterator[Finding]:
    """Every service transferred to another party or removed was handled as a major change,
    so that it went through design and transition.

    Nonconforming: ``svc-old`` is ``removed`` and the only change naming it is not major.
    Conforming: ``svc-old`` is removed by ``chg-9`` with ``major: true``.
    """
    ended = [
        s
        for s in ctx.sms.services
        if s.stage in (LifecycleStage.TRANSFERRED, LifecycleStage.REMOVED)
    ]
    if not ended:
        yield ctx.not_applicable(
            "no service has been transferred or removed", code="design.none-ended"
        )
        return
    majors: dict[str, list[str]] = {}
    for change in _major_changes(ctx):
        for subject in change.subjects:
            majors.setdefault(subject, []).append(change.id)
    for service in ended:
        if service.id not in majors:
            yield ctx.fail(
                "service {service!r} was {stage} but no major change names it; a transfer or "
                "removal goes through design and transition",
                code="design.ended-not-major",
                subjects=service.id,
                service=service.id,
                stage=service.stage.value,
            )


# --- 5.2 Plan new or changed services ----------------------------------------------------


@rule(
    id="SMS-5.2-plan",
    clause="5.2",
    clauses={"2018": "8.5.2.1"},
    guidance=("TM-i",),
    severity=Severity.MAJOR,
    tags=("design-transition", "documents"),
)
def transition_planned(ctx: Context) -> Iterator[Finding]:
    """Every planned, in-design or in-transition service, and every approved or implemented
    major change, is named by an issued transition plan.

    Nonconforming: service ``svc-new`` is in ``design`` and no ``transition_plan`` document
    names it.
    Conforming: ``documents: [{kind: transition_plan, subjects: [svc-new]}]``, issued.
    """
    subjects: list[Any] = [*_new_services(ctx), *_committed_major_changes(ctx)]
    if not subjects:
        yield ctx.not_applicable(
            "no new or majorly changed service to plan", code="design.none-to-plan"
        )
        return
    for item in subjects:
        if _documents_naming(ctx, item.id, DocumentKind.TRANSITION_PLAN):
            continue
        if isinstance(item, Service):
            yield ctx.fail(
                "{stage} service {service!r} has no issued transition plan naming it (expected "
                "a transition_plan document covering resources, timescales, risks and "
                "acceptance criteria)",
                code="design.service-unplanned",
                subjects=item.id,
                stage=item.stage.value,
                service=item.id,
            )
        else:
            yield ctx.fail(
                "major change {change!r} has no issued transition plan naming it (expected a "
                "transition_plan document covering resources, timescales, risks and "
                "acceptance criteria)",
                code="design.change-unplanned",
                subjects=item.id,
                change=item.id,
            )


@rule(
    id="SMS-5.2-risks",
    clause="5.2",
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("design-transition", "risk"),
)
def new_services_risk_assessed(ctx: Context) -> Iterator[Finding]:
    """Every planned, in-design or in-transition service is named by an assessed risk.

    (The risk of each change is checked by ``SMS-4.1.1-TM-h``.)

    Nonconforming: service ``svc-new`` is ``planned`` and no assessed risk names it.
    Conforming: ``risks: [{id: risk-new, subjects: [svc-new], assessed: 2026-09-01}]``.
    """
    services = _new_services(ctx)
    if not services:
        yield ctx.not_applicable(
            "no new service is planned, in design or in transition", code="design.none-new"
        )
        return
    for service in services:
        if not ctx.facts.risks_by_subject.get(service.id):
            yield ctx.fail(
                "{stage} service {service!r} has no assessed risk naming it; the risks of a "
                "new service are part of its plan",
                code="design.service-risk-unassessed",
                subjects=service.id,
                stage=service.stage.value,
                service=service.id,
            )


# --- 5.3 Design and development of new or changed services --------------------------------


@rule(
    id="SMS-5.3-design",
    clause="5.3",
    clauses={"2018": "8.5.2.2"},
    guidance=("TM-i",),
    severity=Severity.MAJOR,
    tags=("design-transition", "documents"),
)
def service_designed(ctx: Context) -> Iterator[Finding]:
    """Every service in design or transition, and every approved or implemented major change,
    is named by an issued service design document.

    Nonconforming: service ``svc-new`` is in ``transition`` with no ``service_design``
    document naming it.
    Conforming: ``documents: [{kind: service_design, subjects: [svc-new]}]``, issued.
    """
    subjects: list[Any] = [*_new_services(ctx, _DESIGNED), *_committed_major_changes(ctx)]
    if not subjects:
        yield ctx.not_applicable(
            "no new or majorly changed service in design", code="design.none-to-design"
        )
        return
    for item in subjects:
        if _documents_naming(ctx, item.id, DocumentKind.SERVICE_DESIGN):
            continue
        if isinstance(item, Service):
            yield ctx.fail(
                "{stage} service {service!r} has no issued service design naming it",
                code="design.service-undesigned",
                subjects=item.id,
                stage=item.stage.value,
                service=item.id,
            )
        else:
            yield ctx.fail(
                "major change {change!r} has no issued service design naming it",
                code="design.change-undesigned",
                subjects=item.id,
                change=item.id,
            )


@rule(
    id="SMS-5.3-requirements",
    clause="5.3",
    clauses={"2018": "8.5.2.2"},
    guidance=("TM-i",),
    severity=Severity.MINOR,
    tags=("design-transition", "services"),
)
def designed_services_have_requirements(ctx: Context) -> Iterator[Finding]:
    """A service in design states its service requirements; a service in transition also
    has its proposed service level targets. (In the 2018 edition the design of a new or
    changed service documents its requirements and service levels, 8.5.2.2; that live and
    planned services state their requirements is SMS18-8.2.2-requirements.)

    Nonconforming: ``svc-new`` is in ``transition`` with ``service_levels: []``.
    Conforming: ``svc-new`` in transition with ``requirements`` and an availability target.
    """
    services = _new_services(ctx, _DESIGNED)
    if not services:
        yield ctx.not_applicable(
            "no service is in design or transition", code="design.none-designed"
        )
        return
    for service in services:
        if not service.requirements:
            yield ctx.fail(
                "{stage} service {service!r} states no service requirements to design against",
                code="design.requirements-missing",
                key="requirements",
                subjects=service.id,
                stage=service.stage.value,
                service=service.id,
            )
        if service.stage is LifecycleStage.TRANSITION and not service.service_levels:
            yield ctx.fail(
                "{stage} service {service!r} has no service level targets to accept it "
                "against before it goes live",
                code="design.targets-missing",
                key="targets",
                subjects=service.id,
                stage=service.stage.value,
                service=service.id,
            )


# --- 5.4 Transition of new or changed services --------------------------------------------


@rule(
    id="SMS-5.4-tested",
    clause="5.4",
    clauses={"2018": "8.5.2.3"},
    guidance=("TM-i",),
    severity=Severity.MINOR,
    tags=("design-transition", "evidence"),
)
def transition_tested(ctx: Context) -> Iterator[Finding]:
    """Every implemented major change was tested before deployment: evidence of kind
    ``transition-test`` names it, dated on or before the implementation.

    Nonconforming: ``chg-9`` (major) went live on 2026-05-01 with no test evidence, or with
    a test recorded a week after go-live.
    Conforming: ``evidence: [{kind: transition-test, subjects: [chg-9], effective: 2026-04-25}]``.
    """
    implemented = _implemented(ctx)
    if not implemented:
        yield ctx.not_applicable(
            "no major change has been implemented", code="design.none-implemented"
        )
        return
    for change_id in ctx.each(implemented):
        went_live = implemented[change_id]
        tests = [
            e
            for e in ctx.facts.evidence_by_subject.get(change_id, ())
            if e.kind == _TRANSITION_TEST
        ]
        before = sorted(e.id for e in tests if e.effective <= went_live)
        if before:
            continue
        # Tested late or not at all: one situation, so one finding id for both.
        late = sorted(e.id for e in tests)
        if late:
            yield ctx.fail(
                "major change {change!r} was implemented on {implemented} only after go-live "
                "(expected {kind!r} evidence on or before that date)",
                code="design.tested-late",
                subjects=change_id,
                evidence=late,
                change=change_id,
                implemented=went_live,
                kind=_TRANSITION_TEST,
            )
        else:
            yield ctx.fail(
                "major change {change!r} was implemented on {implemented} with no test on "
                "record (expected {kind!r} evidence on or before that date)",
                code="design.untested",
                subjects=change_id,
                change=change_id,
                implemented=went_live,
                kind=_TRANSITION_TEST,
            )


@rule(
    id="SMS-5.4-post-implementation",
    clause="5.4",
    clauses={"2018": "8.5.2.3"},
    guidance=("TM-i",),
    severity=Severity.MINOR,
    tags=("design-transition", "review"),
)
def post_implementation_reviewed(ctx: Context) -> Iterator[Finding]:
    """Every implemented major change has a post-implementation review naming it, held on or
    after the implementation, to compare the outcome with what was expected.

    Nonconforming: ``chg-9`` went live and no ``post_implementation`` review names it.
    Conforming: ``reviews: [{kind: post_implementation, subjects: [chg-9]}]`` after go-live.
    """
    implemented = _implemented(ctx)
    if not implemented:
        yield ctx.not_applicable(
            "no major change has been implemented", code="design.none-implemented"
        )
        return
    for change_id, went_live in implemented.items():
        reviews = [
            r
            for r in ctx.facts.reviews_by_subject.get(change_id, ())
            if r.kind is ReviewKind.POST_IMPLEMENTATION and r.date >= went_live
        ]
        if not reviews:
            yield ctx.fail(
                "major change {change!r} was implemented on {implemented} and has no "
                "post-implementation review naming it since",
                code="design.unreviewed",
                subjects=change_id,
                change=change_id,
                implemented=went_live,
            )
