"""Built-in rules for the application of the SMS when other parties are involved
(ISO/IEC 20000-2:2012, 1.2: guidance APP-1 ... APP-5) and for the governance of processes
operated by other parties (ISO/IEC 20000-1:2011, 4.2).

Most of these rules wrap the gaps of the accountability graph (:func:`sms_model.graph.find_gaps`)
so that the graph and the assessment always agree; the agreement and control rules of 4.2 read
the other-party records directly, so that each names the one problem it is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from sms_model.model import (
    Agreement,
    AgreementTerm,
    GovernanceControl,
    OtherPartyProcess,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

#: What an agreement with another party defines so that accountabilities, authorities and
#: responsibilities for the SMS are documented (APP-5).
APP5_TERMS: Final = (
    AgreementTerm.ACCOUNTABILITIES,
    AgreementTerm.AUTHORITIES,
    AgreementTerm.RESPONSIBILITIES,
)
#: The letter of 4.2 each governance control stands for, for readable messages.
_CONTROL_LETTER: Final = {
    GovernanceControl.ACCOUNTABILITY_AND_AUTHORITY: "a",
    GovernanceControl.DEFINITION_AND_INTERFACES: "b",
    GovernanceControl.PERFORMANCE_AND_COMPLIANCE: "c",
    GovernanceControl.IMPROVEMENT_PLANNING: "d",
}


@attrs.frozen(kw_only=True)
class _Work:
    """A process or Clause 4 activity another party runs, with its record when there is one."""

    party: str
    target: str  # process id, or the Clause 4 duty value of an activity
    is_process: bool
    record: OtherPartyProcess | None

    @property
    def what(self) -> str:
        """What the work is, for messages (with ``target`` and ``party``)."""
        return "process" if self.is_process else "Clause 4 activity"

    def what_in(self, edition: str) -> str:
        """What the work is, in the words of ``edition``: the 2018 edition numbers its clauses
        otherwise, so an activity of the SMS is not called a Clause 4 activity there."""
        if edition == "2011" or self.is_process:
            return self.what
        return "SMS activity"

    @property
    def subjects(self) -> tuple[str, ...]:
        own = (self.record.id,) if self.record is not None else ()
        target = (self.target,) if self.is_process else ()
        return (*target, self.party, *own)


def _work_of_others(ctx: Context) -> tuple[_Work, ...]:
    """Every process or activity another party operates or performs, as the accountability
    graph sees it: each other-party record, plus each process whose ``operated_by`` names
    another party and that no record of that party describes."""
    sms = ctx.sms
    work: list[_Work] = []
    recorded: set[tuple[str, str]] = set()
    for opp in sms.other_party_processes:
        if opp.party == sms.provider:
            continue
        if opp.process is not None:
            recorded.add((opp.party, opp.process))
            work.append(_Work(party=opp.party, target=opp.process, is_process=True, record=opp))
        elif opp.activity is not None:
            target = opp.activity.value
            work.append(_Work(party=opp.party, target=target, is_process=False, record=opp))
    for process in sms.processes:
        party = process.operated_by
        if party is None or party == sms.provider or (party, process.id) in recorded:
            continue
        work.append(_Work(party=party, target=process.id, is_process=True, record=None))
    return tuple(sorted(work, key=lambda w: (w.target, w.party, w.subjects)))


# --- ISO/IEC 20000-2:2012, 1.2: APP-1 ... APP-4 (Clause 4 as a whole) -----------------------


@rule(
    id="SMS-4-APP-1",
    clause="4",
    guidance=("APP-1",),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability", "graph"),
)
def clause4_kept_by_provider(ctx: Context) -> Iterator[Finding]:
    """No other party is accountable for a Clause 4 requirement: every Clause 4 duty and every
    SMS-level (Clause 4) process is owned by a person or role of the provider, and no role of
    the provider that owns one is held by another party's people.

    Nonconforming: ``duties: [{duty: internal_audit, accountable: supp-contact}]`` with
    ``supp-contact`` a person of supplier ``supp-1``; or the internal audit process owned by a
    consultant.
    Conforming: ``{duty: internal_audit, accountable: rep}`` with ``rep`` of the provider; an
    external firm may still *perform* audits under ``rep`` (see SMS-4-APP-2).
    """
    yield from ctx.fail_gaps("clause4_duty_held_by_other_party")
    sms = ctx.sms
    for process in sms.processes:
        owner = process.owner
        if not process.kind.is_clause4 or owner is None:
            continue
        if not sms.is_provider_side(owner):
            yield ctx.fail(
                "the Clause 4 process {process!r} ({clause}) is owned by {owner!r} of "
                "{party!r}; a person or role of the provider {provider!r} must own it",
                code="governance.clause4-process-owned-outside",
                subjects=(process.id, owner),
                process=process.id,
                clause=process.kind.clause,
                owner=owner,
                party=sms.party_of(owner),
                provider=sms.provider,
            )
            continue
        outside = sorted({p for p in sms.people_of(owner) if not sms.is_provider_side(p)})
        if not outside:
            continue
        yield ctx.fail(
            "the Clause 4 process {process!r} ({clause}) is owned by role {role!r}, held by "
            "{holders} of {parties}; a person or role of the provider {provider!r} must own it",
            code="governance.clause4-role-held-outside",
            subjects=(process.id, owner),
            process=process.id,
            clause=process.kind.clause,
            role=owner,
            holders=outside,
            parties=sorted({str(sms.party_of(p)) for p in outside}),
            provider=sms.provider,
        )


@rule(
    id="SMS-4-APP-2",
    clause="4",
    guidance=("APP-2",),
    severity=Severity.MAJOR,
    tags=("other-parties", "graph"),
)
def clause4_work_short_term(ctx: Context) -> Iterator[Finding]:
    """Another party performs Clause 4 work (an SMS-level process or a Clause 4 activity) only
    as specific, short-term work.

    Nonconforming: ``other_party_processes: [{party: auditfirm, activity: internal_audit,
    engagement: ongoing}]``, or the SMS planning process ``operated_by`` a consultancy.
    Conforming: ``{party: auditfirm, activity: internal_audit, engagement: short_term,
    accountable: rep, start: 2026-04-01, end: 2026-05-31}``.
    """
    yield from ctx.fail_gaps("clause4_activity_not_short_term")


@rule(
    id="SMS-4-APP-2-accountable",
    clause="4",
    guidance=("APP-1", "APP-2"),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability", "graph"),
)
def clause4_work_under_provider_accountability(ctx: Context) -> Iterator[Finding]:
    """Clause 4 work another party performs stays under the provider's accountability: the
    record names a person or role of the provider as accountable for it.

    Nonconforming: an external firm runs the internal audits and its own lead auditor is named
    ``accountable``, or nobody is.
    Conforming: ``accountable: rep``, the provider's head of service management.
    """
    yield from ctx.fail_gaps("clause4_activity_not_accountable")


@rule(
    id="SMS-4-APP-3",
    clause="4",
    clauses={"2018": "6.3"},
    guidance=("APP-3",),
    severity=Severity.MAJOR,
    tags=("other-parties", "plan", "graph"),
)
def drafted_plan_kept_by_provider(ctx: Context) -> Iterator[Finding]:
    """A service management plan is, once agreed, owned and maintained by the provider: one
    drafted by another party must not stay with it (nor with nobody), and one drafted in-house
    must not be kept outside either.

    Nonconforming: ``plan: {status: agreed, drafted_by: consultancy, maintained_by:
    consultancy}``; or ``plan: {status: agreed, maintained_by: supplier}``.
    Conforming: ``plan: {status: agreed, drafted_by: consultancy, maintained_by: prov, owner:
    rep}``.
    """
    yield from ctx.fail_gaps("plan_kept_by_drafting_party")


@rule(
    id="SMS-4-APP-4",
    clause="4",
    guidance=("APP-4",),
    severity=Severity.MAJOR,
    tags=("other-parties", "graph"),
)
def most_processes_operated_by_provider(ctx: Context) -> Iterator[Finding]:
    """Other parties operate no more than half of the Clause 5 to 9 processes; otherwise the
    provider is unlikely to show governance of its SMS. When they operate half or fewer, the
    rule passes and names the share.

    Nonconforming: suppliers operate 8 of the 14 Clause 5-9 processes.
    Conforming: one supplier operates capacity management, 1 of 14 processes.
    """
    yield from ctx.fail_gaps("majority_operated_by_others")
    # The share, when it is half or less, is information: the gap's finding, as a pass.
    yield from ctx.passed_gaps("other_party_ratio")


# --- 4.2 Governance of processes operated by other parties (and APP-5) ----------------------


@rule(
    id="SMS-4.2-APP-5",
    clause="4.2",
    clauses={"2018": "8.2.3"},
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("other-parties", "agreements"),
)
def other_party_work_under_agreement(ctx: Context) -> Iterator[Finding]:
    """Every process or Clause 4 activity another party runs is covered by a documented
    agreement with that party, in force as of the assessment date, that defines
    accountabilities, authorities and responsibilities and that both the provider and the party
    can read.

    Nonconforming: a process ``operated_by: supp-1`` with no agreement; or contract ``con-1``
    without ``authorities`` in its terms, or with ``accessible_to: [prov]`` only, or expired, or
    effective only after the assessment date.
    Conforming: ``opp-cap`` names contract ``con-1`` between ``prov`` and ``supp-1``, with
    terms ``accountabilities, authorities, responsibilities`` and ``accessible_to: [prov,
    supp-1]``.
    """
    sms = ctx.sms
    for work in _work_of_others(ctx):
        record = work.record
        if record is None:
            yield ctx.fail(
                "{what} {target!r} run by {party!r} has no other-party record naming a "
                "documented agreement; record it under other_party_processes with the "
                "agreement that governs it",
                code="governance.work-unrecorded",
                subjects=work.subjects,
                what=work.what_in(ctx.edition),
                target=work.target,
                party=work.party,
            )
            continue
        if record.agreement is None:
            yield ctx.fail(
                "{what} {target!r} run by {party!r} ({record!r}) is covered by no documented "
                "agreement",
                code="governance.work-no-agreement",
                subjects=work.subjects,
                what=work.what_in(ctx.edition),
                target=work.target,
                party=work.party,
                record=record.id,
            )
            continue
        agreement: Agreement = sms.get(record.agreement)
        yield from _agreement_findings(ctx, work, agreement)


def _agreement_findings(ctx: Context, work: _Work, agreement: Agreement) -> Iterator[Finding]:
    subjects = (*work.subjects, agreement.id)
    provider = ctx.sms.provider
    # Every message names the agreement and the work it is for.
    where = {
        "agreement": agreement.id,
        "what": work.what_in(ctx.edition),
        "target": work.target,
        "party": work.party,
    }
    outside = [p for p in (provider, work.party) if p not in agreement.parties]
    if outside:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} run by {party!r} is not made between "
            "the provider and the party: it lacks {outside} among its parties",
            code="governance.agreement-parties",
            key="parties",
            subjects=subjects,
            severity=Severity.MINOR,
            outside=outside,
            **where,
        )
    missing = [t.value for t in APP5_TERMS if t not in agreement.terms]
    if missing:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} run by {party!r} does not define "
            "{terms}; it must define accountabilities, authorities and responsibilities",
            code="governance.agreement-terms",
            key="terms",
            subjects=subjects,
            severity=Severity.MINOR,
            terms=missing,
            **where,
        )
    blind = [p for p in (provider, work.party) if p not in agreement.accessible_to]
    if blind:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} run by {party!r} is not accessible "
            "to {blind}; both sides must be able to read it",
            code="governance.agreement-inaccessible",
            key="access",
            subjects=subjects,
            severity=Severity.MINOR,
            blind=blind,
            **where,
        )
    record = work.record
    ongoing = record is None or record.end is None or record.end >= ctx.as_of
    if not ongoing or agreement.in_force(ctx.as_of):
        return
    # One key for both: whether the agreement has expired or is yet to take effect depends
    # on the as-of date, the situation (not in force while the work goes on) does not.
    if agreement.expired(ctx.as_of):
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} run by {party!r} expired on "
            "{expires} while the work goes on: it is not in force",
            code="governance.agreement-expired",
            key="not-in-force",
            subjects=subjects,
            severity=Severity.MINOR,
            expires=agreement.expires,
            **where,
        )
    else:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} run by {party!r} takes effect only "
            "on {effective} while the work goes on: it is not in force",
            code="governance.agreement-not-yet-effective",
            key="not-in-force",
            subjects=subjects,
            severity=Severity.MINOR,
            effective=agreement.effective,
            **where,
        )


@rule(
    id="SMS-4.2-controls",
    clause="4.2",
    clauses={"2018": "8.2.3"},
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("other-parties", "governance"),
)
def other_party_processes_governed(ctx: Context) -> Iterator[Finding]:
    """The provider exercises all four governance controls of 4.2 over every process another
    party operates: (a) accountability and authority to require the process definition be
    followed, (b) control of the definition and its interfaces, (c) determining performance
    and compliance, (d) control of planning and prioritising improvements.

    The 2018 edition (8.2.3) asks the organization to control the processes other parties
    operate in the same four ways (SMS18-8.2.3-controls asks them for the services and service
    components others provide); its findings name the controls without the letters of 4.2.

    Nonconforming: ``opp-cap`` lists only ``accountability_and_authority`` (major when it lists
    none, or the process has no other-party record at all).
    Conforming: ``controls: [accountability_and_authority, definition_and_interfaces,
    performance_and_compliance, improvement_planning]``.
    """
    for work in _work_of_others(ctx):
        if not work.is_process:
            continue
        controls = work.record.controls if work.record is not None else ()
        lacking = [c for c in GovernanceControl if c not in controls]
        if not lacking:
            continue
        severity = Severity.MAJOR if not controls else Severity.MINOR
        if ctx.edition == "2011":
            yield ctx.fail(
                "the provider does not show governance of {what} {target!r} run by {party!r}: "
                "it lacks the 4.2 controls {controls}",
                code="governance.controls-lacking",
                subjects=work.subjects,
                severity=severity,
                what=work.what,
                target=work.target,
                party=work.party,
                controls=[f"{_CONTROL_LETTER[c]}) {c.value}" for c in lacking],
            )
        else:
            yield ctx.fail(
                "the organization does not show control of {what} {target!r} run by {party!r}: "
                "it lacks the controls {controls}",
                code="governance.process-controls-lacking",
                subjects=work.subjects,
                severity=severity,
                what=work.what,
                target=work.target,
                party=work.party,
                controls=[c.value for c in lacking],
            )


@rule(
    id="SMS-4.2-engagement-dates",
    clause="4.2",
    clauses={"2018": "8.2.3"},
    severity=Severity.MINOR,
    tags=("other-parties", "dates"),
)
def engagement_dates_in_order(ctx: Context) -> Iterator[Finding]:
    """The engagement of another party, when dated, ends on or after the day it starts: the
    provider knows when the other party's work runs (4.2). The file still loads when it does
    not, so that one wrong date does not hold up every other finding.

    Nonconforming: ``{id: opp-cap, start: 2024-05-01, end: 2024-04-30}``.
    Conforming: ``{id: opp-cap, start: 2024-05-01, end: 2024-05-01}`` (a one-day engagement).
    """
    for record in ctx.sms.other_party_processes:
        if record.start is not None and record.end is not None and record.end < record.start:
            yield ctx.fail(
                "the engagement of other-party process {record!r} ends on {end}, before it "
                "starts on {start}; correct the dates",
                code="governance.engagement-dates",
                subjects=record.id,
                record=record.id,
                end=record.end,
                start=record.start,
            )


@rule(
    id="SMS-4.2-subcontractors",
    clause="4.2",
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("other-parties", "suppliers", "graph"),
)
def subcontractors_governed_through_lead(ctx: Context) -> Iterator[Finding]:
    """A process run by a sub-contracted supplier is governed through its lead supplier, and
    the provider governs that lead supplier through a documented agreement (4.2 with 7.2).

    Lead suppliers must not loop (a supplier that is, through its leads, its own lead
    supplier): such a chain never leads back to a supplier the provider contracts directly.

    Nonconforming: ``supp-2`` (``lead_supplier: supp-1``) runs capacity management and its
    record names no ``governed_through``; or ``supp-1`` and ``supp-2`` name each other as lead
    supplier.
    Conforming: ``governed_through: supp-1`` and contract ``con-1`` between ``prov`` and
    ``supp-1``.
    """
    yield from ctx.fail_gaps("subcontractor_not_governed", "supplier_chain_cycle")


# --- Accountable owners (4.1.3) and process interfaces (4.5.2) ------------------------------


@rule(
    id="SMS-4.1.3-owners",
    clause="4.1.3",
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("accountability", "graph"),
)
def one_accountable_owner(ctx: Context) -> Iterator[Finding]:
    """Each process and each Clause 4 duty has exactly one accountable owner (a person, or a
    role that someone holds), so authority and responsibility are unambiguous (4.1.3). None is
    major; several are minor.

    Nonconforming: the problem process has no ``owner``; or two duty entries make both ``ceo``
    and ``cfo`` accountable for the scope.
    Conforming: ``{id: p-prb, owner: po}`` and one ``{duty: scope, accountable: ceo}``.
    """
    yield from ctx.fail_gaps("no_accountable_owner")
    # Several owners are less grave than none: the gap's findings, minor.
    yield from ctx.fail_gaps("several_accountable_owners", severity=Severity.MINOR)


@rule(
    id="SMS-4.5.2-interfaces",
    clause="4.5.2",
    severity=Severity.MINOR,
    tags=("interfaces", "graph"),
)
def expected_interfaces_recorded(ctx: Context) -> Iterator[Finding]:
    """Processes expected to exchange information record an interface with each other (the
    default pairs of :data:`sms_model.catalog.DEFAULT_INTERFACES`, or the configured ones).

    Clause 4.5.2 is cited because the plan must set out the approach to the interfaces between
    processes; an interface the processes do not record is a plan that was not carried into
    the process definitions.

    Nonconforming: no problem process records an interface with a change process.
    Conforming: ``{id: p-prb, kind: problem, interfaces: [p-chg]}``.
    """
    yield from ctx.fail_gaps("missing_interface")
