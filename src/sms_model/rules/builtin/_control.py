"""Built-in rules for the control processes (ISO/IEC 20000-1:2011, 9): configuration management
(9.1), change management (9.2) and release and deployment management (9.3).

That each change was assessed for risk before implementation is ``SMS-4.1.1-TM-h``; the change
rules here check the policy, approval, post-implementation review and the emergency route.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Final

from dateutil.relativedelta import relativedelta

from sms_model.model import (
    AuditKind,
    Change,
    DocumentKind,
    PolicyContent,
    PolicyKind,
    ProcessKind,
    ReviewKind,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule
from sms_model.rules.builtin._resolution import _procedure_in_process, _recent_evidence

__all__: list[str] = []

#: What a release policy states in the 2018 edition (8.5.3), with what each means, for messages.
_RELEASE_POLICY_CONTENTS: Final = {
    PolicyContent.RELEASE_TYPES: "the types of release",
    PolicyContent.RELEASE_FREQUENCY: "how often releases are made",
}
_QUARTER = relativedelta(months=3)
_YEAR = relativedelta(years=1)
#: Time allowed after implementation before a change's review counts as missing.
_REVIEW_GRACE = relativedelta(months=1)


def _implemented(ctx: Context) -> Iterator[tuple[Change, date]]:
    """Changes implemented by the as-of date, with their implementation date, in file order."""
    for change in ctx.sms.changes:
        if change.implemented is not None and change.implemented <= ctx.as_of:
            yield change, change.implemented


def _approval_findings(
    ctx: Context, change: Change, done: date, *, after_the_fact: bool
) -> Iterator[Finding]:
    label = "emergency change" if change.emergency else "change"
    if change.approved_by is None:
        yield ctx.fail(
            "{label} {change!r} was implemented on {implemented} with no recorded approval",
            code="control.change-unapproved",
            subjects=change.id,
            label=label,
            change=change.id,
            implemented=done,
        )
        return
    if after_the_fact:
        return
    records = sorted(
        ctx.facts.approvals_by_subject.get(change.id, ()), key=lambda a: (a.date, a.id)
    )
    if records and records[0].date > done:
        first = records[0]
        yield ctx.fail(
            "{label} {change!r} was implemented on {implemented}, before its approval "
            "{approval!r} of {approved}",
            code="control.change-approved-late",
            subjects=change.id,
            evidence=first.id,
            label=label,
            change=change.id,
            implemented=done,
            approval=first.id,
            approved=first.date,
        )


def _policy(ctx: Context, kind: PolicyKind, what: str) -> Iterator[Finding]:
    if not ctx.facts.policies_by_kind.get(kind):
        yield ctx.fail(
            "there is no {what} policy (a policy of kind {kind!r})",
            code="control.policy-missing",
            what=what,
            kind=kind.value,
        )


# --- 9.1 Configuration management ---------------------------------------------------------


@rule(
    id="SMS-9.1-ci-types",
    clause="9.1",
    clauses={"2018": "8.2.6"},
    severity=Severity.MAJOR,
    tags=("configuration", "documents"),
)
def configuration_item_types_defined(ctx: Context) -> Iterator[Finding]:
    """The types of configuration item are defined in an issued document.

    Nonconforming: no issued document of kind ``configuration_item_types``.
    Conforming: ``{kind: configuration_item_types, status: issued}``.
    """
    if not ctx.facts.documents_in_force_by_kind.get(DocumentKind.CONFIGURATION_ITEM_TYPES):
        yield ctx.fail(
            "no issued definition of the configuration item types",
            code="control.ci-types-missing",
        )


@rule(
    id="SMS-9.1-cmdb",
    clause="9.1",
    clauses={"2018": "8.2.6"},
    severity=Severity.MINOR,
    tags=("configuration", "evidence"),
)
def configuration_database_current(ctx: Context) -> Iterator[Finding]:
    """A configuration management database is kept: the latest ``cmdb`` evidence is at most
    three months old.

    Nonconforming: no ``cmdb`` evidence at all (major), or the last extract is from March
    (minor).
    Conforming: ``{kind: cmdb, effective: 2026-11-01}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "cmdb", _QUARTER, "configuration management database record")


@rule(
    id="SMS-9.1-audit",
    clause="9.1",
    clauses={"2018": "8.2.6"},
    severity=Severity.MINOR,
    tags=("configuration", "audit", "cadence"),
)
def configuration_audited(ctx: Context) -> Iterator[Finding]:
    """Configuration records are audited within the cadence of the ``configuration-audit``
    expectation (yearly by default).

    Nonconforming: the last audit of kind ``configuration`` was in 2024.
    Conforming: ``{kind: configuration, date: 2026-09-01, processes: [p-cfg]}``.
    """
    audits = ctx.facts.audits_by_kind.get(AuditKind.CONFIGURATION, ())
    yield from ctx.check_cadence(
        "configuration-audit", ((a.date, a.id) for a in audits), what="configuration audit"
    )


# --- 9.2 Change management ----------------------------------------------------------------


@rule(
    id="SMS-9.2-policy",
    clause="9.2",
    severity=Severity.MAJOR,
    tags=("change", "policy"),
)
def change_policy(ctx: Context) -> Iterator[Finding]:
    """A change management policy exists.

    Nonconforming: no policy of kind ``change``.
    Conforming: ``{id: pol-chg, kind: change, title: Change management policy}``.
    """
    yield from _policy(ctx, PolicyKind.CHANGE, "change management")


@rule(
    id="SMS-9.2-records",
    clause="9.2",
    clauses={"2018": "8.5.1.2"},
    severity=Severity.OBSERVATION,
    tags=("change",),
)
def changes_recorded(ctx: Context) -> Iterator[Finding]:
    """Changes are recorded: at least one change was raised in the last year (a live service
    with no change for a year suggests changes go unrecorded).

    Nonconforming: the last change on record was raised in 2024.
    Conforming: ``chg-1`` raised on 2026-03-20, as of 2026-11-27.
    """
    since = ctx.back(_YEAR)
    if not any(since <= c.raised <= ctx.as_of for c in ctx.sms.changes):
        yield ctx.fail(
            "no change raised since {since}; check changes are recorded",
            code="control.changes-unrecorded",
            since=since,
        )


@rule(
    id="SMS-9.2-approval",
    clause="9.2",
    clauses={"2018": "8.5.1.3"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("change", "approval"),
)
def changes_approved_before_implementation(ctx: Context) -> Iterator[Finding]:
    """Every implemented change (other than an emergency change) names who approved it, and
    any approval record of it is dated no later than its implementation.

    Nonconforming: ``chg-2`` implemented with no ``approved_by``; or approved on 12 April after
    going live on 10 April.
    Conforming: ``chg-1`` with ``approved_by: po`` and no later approval record.
    """
    for change, done in _implemented(ctx):
        if not change.emergency:
            yield from _approval_findings(ctx, change, done, after_the_fact=False)


@rule(
    id="SMS-9.2-review",
    clause="9.2",
    clauses={"2018": "8.5.1.3"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("change", "review"),
)
def changes_reviewed_after_implementation(ctx: Context) -> Iterator[Finding]:
    """Every change implemented more than a month ago has been reviewed since: its
    ``reviewed`` date, or a ``post_implementation`` review naming it, falls on or after its
    implementation.

    Nonconforming: ``chg-2`` implemented in May with no review naming it and no ``reviewed``.
    Conforming: ``chg-1`` implemented on 10 April, ``reviewed: 2026-04-20``.
    """
    reviews = ctx.facts.reviews_by_subject
    for change, done in _implemented(ctx):
        if done + _REVIEW_GRACE >= ctx.as_of:
            continue
        dates = [
            r.date for r in reviews.get(change.id, ()) if r.kind is ReviewKind.POST_IMPLEMENTATION
        ]
        if change.reviewed is not None and change.reviewed <= ctx.as_of:
            dates.append(change.reviewed)
        if not any(d >= done for d in dates):
            yield ctx.fail(
                "change {change!r} was implemented on {implemented} and has no "
                "post-implementation review since",
                code="control.change-unreviewed",
                subjects=change.id,
                change=change.id,
                implemented=done,
            )


@rule(
    id="SMS-9.2-emergency-procedure",
    clause="9.2",
    severity=Severity.MAJOR,
    tags=("change", "emergency", "documents"),
)
def emergency_change_procedure(ctx: Context) -> Iterator[Finding]:
    """An emergency change procedure is issued and the change process lists it among its
    procedures.

    Nonconforming: no issued ``emergency_change_procedure`` (major), or ``p-chg`` does not list
    it (minor).
    Conforming: ``p-chg`` with ``procedures: [doc-emergency-change]``, an issued procedure.
    """
    yield from _procedure_in_process(
        ctx,
        ProcessKind.CHANGE,
        DocumentKind.EMERGENCY_CHANGE_PROCEDURE,
        "emergency change procedure",
    )


@rule(
    id="SMS-9.2-emergency-approval",
    clause="9.2",
    clauses={"2018": "8.5.1.3"},
    guidance=("TM-h",),
    severity=Severity.MINOR,
    tags=("change", "emergency", "approval"),
)
def emergency_changes_approved(ctx: Context) -> Iterator[Finding]:
    """Emergency changes are still approved: every implemented emergency change names who
    approved it (the approval may be recorded after the fact).

    Nonconforming: emergency change ``chg-e1`` implemented with no ``approved_by``.
    Conforming: ``{emergency: true, approved_by: rep}``.
    """
    for change, done in _implemented(ctx):
        if change.emergency:
            # Approval may be recorded after the fact on the emergency route.
            yield from _approval_findings(ctx, change, done, after_the_fact=True)


# --- 9.3 Release and deployment management ------------------------------------------------


@rule(
    id="SMS-9.3-policy",
    clause="9.3",
    clauses={"2018": "8.5.3"},
    severity=Severity.MAJOR,
    tags=("release", "policy"),
)
def release_policy(ctx: Context) -> Iterator[Finding]:
    """A release policy exists.

    The 2018 edition (8.5.3) also asks what the policy states: the types of release and how
    often they are made. Assessed against it, each of the two that no release policy states
    (in its ``contents``) is a minor finding of its own.

    Nonconforming: no policy of kind ``release``; in 2018, ``pol-rel`` with ``contents:
    [release_types]`` only.
    Conforming: ``{id: pol-rel, kind: release, title: Release policy}`` (in 2018 with
    ``contents: [release_types, release_frequency]``).
    """
    yield from _policy(ctx, PolicyKind.RELEASE, "release")
    if ctx.edition != "2011":
        yield from _release_policy_contents(ctx)


def _release_policy_contents(ctx: Context) -> Iterator[Finding]:
    """A finding for each thing the 2018 edition asks a release policy to state that none of
    the release policies states."""
    policies = ctx.facts.policies_by_kind.get(PolicyKind.RELEASE, ())
    if not policies:
        return  # the missing policy is reported already
    stated = {content for policy in policies for content in policy.contents}
    for content, what in _RELEASE_POLICY_CONTENTS.items():
        if content not in stated:
            yield ctx.fail(
                "no release policy states {what}: none lists {content!r} among its contents",
                code="control.release-policy-incomplete",
                key=content.value,
                subjects=[p.id for p in policies],
                severity=Severity.MINOR,
                what=what,
                content=content.value,
            )


@rule(
    id="SMS-9.3-release-records",
    clause="9.3",
    clauses={"2018": "8.5.3"},
    severity=Severity.MINOR,
    tags=("release", "evidence"),
)
def releases_recorded(ctx: Context) -> Iterator[Finding]:
    """Releases are recorded: the latest ``release-record`` evidence is at most three months
    old.

    Nonconforming: no release records at all (major), or none since the spring (minor).
    Conforming: ``{kind: release-record, effective: 2026-10-15}`` as of 2026-11-27.
    """
    yield from _recent_evidence(ctx, "release-record", _QUARTER, "release record")


@rule(
    id="SMS-9.3-emergency-procedure",
    clause="9.3",
    severity=Severity.MAJOR,
    tags=("release", "emergency", "documents"),
)
def emergency_release_procedure(ctx: Context) -> Iterator[Finding]:
    """An emergency release procedure is issued and the release and deployment process lists
    it among its procedures.

    Nonconforming: no issued ``emergency_release_procedure`` (major), or ``p-rel`` does not list
    it (minor).
    Conforming: ``p-rel`` with ``procedures: [doc-emergency-release]``, an issued procedure.
    """
    yield from _procedure_in_process(
        ctx,
        ProcessKind.RELEASE_AND_DEPLOYMENT,
        DocumentKind.EMERGENCY_RELEASE_PROCEDURE,
        "emergency release procedure",
    )
