"""Built-in rules for the resolution processes (ISO/IEC 20000-1:2011, 8): incident and service
request management (8.1) and problem management (8.2).

Records of day-to-day work (incident, request, problem and known-error records) are free-text
``Evidence`` kinds. Incidents and requests happen every week, so the last record must be less
than three months old; problems and known errors are rarer, so the window is one year.
"""

from __future__ import annotations

from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from sms_model.model import DocumentKind, ProcessKind
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_QUARTER = relativedelta(months=3)
_YEAR = relativedelta(years=1)


def _recent_evidence(
    ctx: Context, kind: str, window: relativedelta, what: str
) -> Iterator[Finding]:
    """Fail (major) when there is no evidence of ``kind``; fail (minor) when the latest is
    older than ``window``; otherwise pass naming it."""
    latest = ctx.facts.latest_evidence(kind)
    if latest is None:
        yield ctx.fail(
            "no {what} by {as_of} (no evidence of kind {kind!r})",
            code="resolution.records-none",
            severity=Severity.MAJOR,
            what=what,
            as_of=ctx.as_of,
            kind=kind,
        )
        return
    since = ctx.back(window)
    if latest.effective < since:
        yield ctx.fail(
            "the latest {what} is from {latest}, none since {since}; keep recording them",
            code="resolution.records-stale",
            evidence=latest.id,
            severity=Severity.MINOR,
            what=what,
            latest=latest.effective,
            since=since,
        )
        return
    yield ctx.passed(
        "latest {what} on {latest}",
        code="resolution.records-recent",
        evidence=latest.id,
        what=what,
        latest=latest.effective,
    )


def _procedure_in_process(
    ctx: Context, process_kind: ProcessKind, document_kind: DocumentKind, what: str
) -> Iterator[Finding]:
    """Fail (major) when no issued document of ``document_kind`` exists; fail (minor) when no
    process of ``process_kind`` lists one among its procedures."""
    documents = ctx.facts.documents_in_force_by_kind.get(document_kind, ())
    if not documents:
        yield ctx.fail(
            "no issued {what}",
            code="resolution.procedure-missing",
            severity=Severity.MAJOR,
            what=what,
        )
        return
    doc_ids = {d.id for d in documents}
    processes = ctx.facts.processes_by_kind.get(process_kind, ())
    label = process_kind.value.replace("_", " ")
    if not processes:
        yield ctx.fail(
            "the {what} is not part of any process: there is no {process_kind} process",
            code="resolution.procedure-no-process",
            subjects=sorted(doc_ids),
            severity=Severity.MINOR,
            what=what,
            process_kind=label,
        )
        return
    if not any(doc_ids & set(p.procedures) for p in processes):
        yield ctx.fail(
            "no {process_kind} process lists the {what} ({documents}) among its procedures",
            code="resolution.procedure-not-listed",
            subjects=(*(p.id for p in processes), *sorted(doc_ids)),
            severity=Severity.MINOR,
            process_kind=label,
            what=what,
            documents=sorted(doc_ids),
        )


# --- 8.1 Incident and service request management ------------------------------------------


@rule(
    id="SMS-8.1-incident-records",
    clause="8.1",
    clauses={"2018": "8.6.1"},
    severity=Severity.MINOR,
    tags=("incident", "evidence"),
)
def incidents_recorded(ctx: Context) -> Iterator[Finding]:
    """Incidents are recorded: the latest ``incident-record`` evidence is at most three
    months old.

    Nonconforming: no incident records at all (major), or the last is from January (minor).
    Conforming: ``{kind: incident-record, effective: 2026-11-20}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "incident-record", _QUARTER, "incident record")


@rule(
    id="SMS-8.1-request-records",
    clause="8.1",
    clauses={"2018": "8.6.2"},
    severity=Severity.MINOR,
    tags=("incident", "request", "evidence"),
)
def service_requests_recorded(ctx: Context) -> Iterator[Finding]:
    """Service requests are recorded: the latest ``service-request-record`` evidence is less
    than three months old.

    Nonconforming: no service request records at all (major), or none since the spring (minor).
    Conforming: ``{kind: service-request-record, effective: 2026-11-20}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "service-request-record", _QUARTER, "service request record")


@rule(
    id="SMS-8.1-major-incident-procedure",
    clause="8.1",
    clauses={"2018": "8.6.1"},
    severity=Severity.MAJOR,
    tags=("incident", "documents"),
)
def major_incident_procedure(ctx: Context) -> Iterator[Finding]:
    """A major incident procedure is issued and the incident and service request process
    lists it among its procedures.

    Nonconforming: no issued ``major_incident_procedure`` (major), or the incident process does
    not reference it (minor).
    Conforming: ``p-inc`` with ``procedures: [doc-major-incident]``, an issued procedure.
    """
    yield from _procedure_in_process(
        ctx,
        ProcessKind.INCIDENT_AND_REQUEST,
        DocumentKind.MAJOR_INCIDENT_PROCEDURE,
        "major incident procedure",
    )


@rule(
    id="SMS-8.1-major-incident-reported",
    clause="8.1",
    clauses={"2018": "8.6.1"},
    guidance=("TM-f",),
    severity=Severity.MINOR,
    tags=("incident", "top-management", "evidence"),
)
def major_incidents_reported_to_top_management(ctx: Context) -> Iterator[Finding]:
    """Top management is informed of every major incident of the last year: after the
    ``major-incident`` evidence, a ``major-incident-report`` evidence record names the incident
    and a member of top management, or a report naming the incident goes to one of them.
    Without major incidents there is nothing to check.

    Nonconforming: major incident ``ev-mi-1`` with no report naming it, or one naming only the
    process manager.
    Conforming: ``{kind: major-incident-report, subjects: [ev-mi-1, ceo]}`` dated after it.
    """
    top = ctx.facts.top_management
    since = ctx.back(_YEAR)
    incidents = [
        e for e in ctx.facts.evidence_by_kind.get("major-incident", ()) if e.effective >= since
    ]
    for incident in sorted(incidents, key=lambda e: (e.effective, e.id)):
        after = incident.effective
        notices = [
            e
            for e in ctx.facts.evidence_by_subject.get(incident.id, ())
            if e.kind == "major-incident-report" and e.effective >= after
        ]
        reports = [r for r in ctx.facts.reports_by_subject.get(incident.id, ()) if r.date >= after]
        informed = [e.id for e in notices if top & set(e.subjects)]
        informed += [r.id for r in reports if top & ctx.facts.people_behind(r.recipients)]
        seen = sorted([*(e.id for e in notices), *(r.id for r in reports)])
        if informed:
            continue
        if seen:
            yield ctx.fail(
                "top management was not informed of major incident {incident!r} of {date}: its "
                "reports ({reports}) reach no member of top management",
                code="resolution.major-incident-reports-miss-top",
                subjects=incident.id,
                evidence=seen,
                incident=incident.id,
                date=incident.effective,
                reports=seen,
            )
        else:
            yield ctx.fail(
                "top management was not informed of major incident {incident!r} of {date}: no "
                "report naming it was made since",
                code="resolution.major-incident-unreported",
                subjects=incident.id,
                evidence=seen,
                incident=incident.id,
                date=incident.effective,
            )


# --- 8.2 Problem management ---------------------------------------------------------------


@rule(
    id="SMS-8.2-problem-records",
    clause="8.2",
    clauses={"2018": "8.6.3"},
    severity=Severity.MINOR,
    tags=("problem", "evidence"),
)
def problems_recorded(ctx: Context) -> Iterator[Finding]:
    """Problems are recorded: the latest ``problem-record`` evidence is at most a year old.

    Nonconforming: no problem records at all (major), or none since 2024 (minor).
    Conforming: ``{kind: problem-record, effective: 2026-11-01}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "problem-record", _YEAR, "problem record")


@rule(
    id="SMS-8.2-known-errors",
    clause="8.2",
    clauses={"2018": "8.6.3"},
    severity=Severity.MINOR,
    tags=("problem", "evidence"),
)
def known_errors_recorded(ctx: Context) -> Iterator[Finding]:
    """Known errors are recorded: the latest ``known-error-record`` evidence is at most a
    year old.

    Nonconforming: no known error records at all (major), or none since 2024 (minor).
    Conforming: ``{kind: known-error-record, effective: 2026-11-01}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "known-error-record", _YEAR, "known error record")
