"""Built-in rules for what the 2018 edition of ISO/IEC 20000-1 asks anew in Clauses 4 to 7:
the context of the organization (4.1), the requirements of interested parties (4.2), the part
of the SMS no other party can fulfil (4.4, guidance APP-1 and APP-2 as ISO/IEC 20000-2:2019
carries them over), risks and opportunities (6.1), the plans to achieve objectives (6.2.2),
awareness of the policy (7.3), the documents of the SMS (7.5.4) and knowledge (7.6).

Every rule here checks the 2018 edition only; the 2011 edition had no such requirement, or
asked it in another form that the 2011 rules check.

Length: one module for the 2018 requirements of Clauses 4 to 7 that have no 2011 source; the
rules share the helpers for the year within which records are kept current, for the work of
other parties and for what was on record by the as-of date.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from sms_model.model import (
    Agreement,
    AgreementKind,
    Clause4Duty,
    DocumentKind,
    Engagement,
    Knowledge,
    OtherPartyProcess,
    PartyKind,
    PlanStatus,
    PolicyKind,
    Process,
    ProcessKind,
    Risk,
    RiskKind,
    RiskStatus,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

#: The planned interval within which context issues and requirements are reviewed: a year, as
#: the other rules that look for a yearly record use.
_YEAR: Final = relativedelta(years=1)


def _last_seen(determined: date, reviewed: date | None, as_of: date) -> date:
    """The last day a record was determined or reviewed by ``as_of`` (a review dated after
    ``as_of`` does not count)."""
    if reviewed is not None and determined < reviewed <= as_of:
        return reviewed
    return determined


# --- 4.1 Understanding the organization and its context -------------------------------------


@rule(
    id="SMS18-4.1-issues",
    clause="4.1",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("context", "review"),
)
def context_issues_determined(ctx: Context) -> Iterator[Finding]:
    """External and internal issues that affect the SMS are determined and kept current.

    The organization records the issues outside it (markets, law, technology, customers) and
    inside it (skills, structure, culture) that bear on what the SMS is to achieve, and reviews
    each of them at least once a year. Nothing determined by the as-of date is major; issues of
    only one kind, or an issue last determined or reviewed more than a year before the as-of
    date, are minor. An issue determined after the as-of date is not yet on record, and a
    review dated after it does not count.

    Nonconforming: no ``context_issues``; or only internal ones; or ``ci-skills`` determined
    in 2024 and never reviewed since.
    Conforming: ``{id: ci-cloud-market, external: true, determined: 2025-01-15, reviewed:
    2026-01-20}`` and an internal issue reviewed in the same year.
    """
    as_of = ctx.as_of
    issues = [i for i in ctx.sms.context_issues if i.determined <= as_of]
    if not issues:
        yield ctx.fail(
            "no external or internal issues that affect the SMS are determined by {as_of}; "
            "record them as context issues",
            code="context.issues-none",
            as_of=as_of,
        )
        return
    external = [i.id for i in issues if i.external]
    internal = [i.id for i in issues if not i.external]
    if not external or not internal:
        found, lacking = ("internal", "external") if internal else ("external", "internal")
        yield ctx.fail(
            "only {found} issues that affect the SMS are determined ({issues!r}); determine "
            "the {lacking} issues too",
            code="context.issues-one-sided",
            key="one-sided",
            subjects=internal or external,
            severity=Severity.MINOR,
            found=found,
            issues=internal or external,
            lacking=lacking,
        )
    since = ctx.back(_YEAR)
    for issue in issues:
        last = _last_seen(issue.determined, issue.reviewed, as_of)
        if last < since:
            yield ctx.fail(
                "context issue {issue!r} was last determined or reviewed on {last}, before "
                "{since}: it is not kept current (review it at least once a year)",
                code="context.issue-stale",
                subjects=issue.id,
                severity=Severity.MINOR,
                issue=issue.id,
                last=last,
                since=since,
            )


# --- 4.2 Understanding the needs and expectations of interested parties -----------------------


@rule(
    id="SMS18-4.2-requirements",
    clause="4.2",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("interested-parties", "requirements", "review"),
)
def party_requirements_determined(ctx: Context) -> Iterator[Finding]:
    """The requirements of interested parties that bear on the services and the SMS are
    determined and kept current.

    The parties whose requirements are expected: every customer (a customer is always an
    interested party, whether or not it is marked so) and every other party marked
    ``interested`` (internal groups, suppliers, regulators, ...). The organization itself is
    left out: its own needs are its context (4.1) and its objectives. A requirement counts
    once determined by the as-of date. None at all is major; a party with none, or a
    requirement last determined or reviewed more than a year before the as-of date, is minor.

    Nonconforming: no ``party_requirements``; or none for supplier ``supp-1``; or
    ``rq-ops-notice`` determined in 2024 and never reviewed since.
    Conforming: ``{id: rq-cust-data, party: cust-1, statement: Customer data stays in the UK,
    determined: 2025-01-15, reviewed: 2026-06-16}`` and one for each other interested party.
    """
    sms = ctx.sms
    as_of = ctx.as_of
    parties = [
        p
        for p in sms.parties
        if p.id != sms.provider and (p.kind is PartyKind.CUSTOMER or p.interested)
    ]
    requirements = [r for r in sms.party_requirements if r.determined <= as_of]
    if not parties:
        yield ctx.not_applicable(
            "the SMS names no customer and no other interested party whose requirements to "
            "determine",
            code="context.requirements-no-parties",
        )
        return
    if not requirements:
        yield ctx.fail(
            "no requirement of any interested party is determined by {as_of}; expected the "
            "requirements of {parties!r}",
            code="context.requirements-none",
            subjects=[p.id for p in parties],
            as_of=as_of,
            parties=[p.id for p in parties],
        )
        return
    with_requirements = {r.party for r in requirements}
    for party in parties:
        if party.id not in with_requirements:
            yield ctx.fail(
                "interested party {party!r} ({kind}) has no requirement determined by {as_of}; "
                "record what it requires of the services or the SMS",
                code="context.requirements-party-missing",
                subjects=party.id,
                severity=Severity.MINOR,
                party=party.id,
                kind=party.kind.value,
                as_of=as_of,
            )
    since = ctx.back(_YEAR)
    for requirement in requirements:
        last = _last_seen(requirement.determined, requirement.reviewed, as_of)
        if last < since:
            yield ctx.fail(
                "requirement {requirement!r} of {party!r} was last determined or reviewed on "
                "{last}, before {since}: it is not kept current (review it at least once a year)",
                code="context.requirement-stale",
                subjects=(requirement.id, requirement.party),
                severity=Severity.MINOR,
                requirement=requirement.id,
                party=requirement.party,
                last=last,
                since=since,
            )


# --- 4.4 with APP-1 and APP-2: what no other party can fulfil ---------------------------------

#: The duties of the model that the 2018 edition places in its Clauses 4 and 5 (context and
#: leadership), with their 2018 clause; the control of other parties stays with the
#: organization as well (ISO/IEC 20000-2:2019 on the application of the SMS), though 2018
#: numbers it 8.2.3. The other duties (documents, resources, planning, monitoring, audit,
#: review, improvement) fall in Clauses 6 to 10, where other parties may do the work as long
#: as the organization stays accountable (the rules of 8.2.3 check that).
_KEPT_DUTIES: Final[Mapping[Clause4Duty, str]] = MappingProxyType(
    {d: d.clause_in("2018") for d in Clause4Duty if not d.delegable_in("2018")}
)
#: The 2018 clause of the SMS process itself (kind ``sms``): establishing, implementing,
#: maintaining and improving the SMS.
_SMS_CLAUSE: Final = ProcessKind.SMS.clause_in("2018")


@attrs.frozen(kw_only=True)
class _Help:
    """Clause 4 or 5 work another party does: a duty it performs or the SMS process it
    operates, with its other-party record when there is one."""

    party: str
    what: str  # for messages: "duty 'scope'", "the SMS process 'p-sms'"
    clause: str
    duty: Clause4Duty | None
    process: Process | None
    record: OtherPartyProcess | None

    @property
    def verb(self) -> str:
        """What the party does with it, for messages."""
        return "performs" if self.duty is not None else "operates"

    @property
    def subjects(self) -> tuple[str, ...]:
        own = (self.record.id,) if self.record is not None else ()
        target = (self.process.id,) if self.process is not None else ()
        return (*target, self.party, *own)


def _help_of_others(ctx: Context) -> tuple[_Help, ...]:
    """The Clause 4 and 5 work other parties do on the as-of date: every other-party record,
    running then, of a duty of :data:`_KEPT_DUTIES` or of the SMS process, and every SMS process
    ``operated_by`` another party that no such record describes."""
    sms = ctx.sms
    found: list[_Help] = []
    recorded: set[tuple[str, str]] = set()
    for opp in sms.other_party_processes:
        if opp.party == sms.provider or not opp.running(ctx.as_of):
            continue
        if opp.activity is not None and opp.activity in _KEPT_DUTIES:
            what = f"duty {opp.activity.value!r}"
            clause = _KEPT_DUTIES[opp.activity]
            help_ = _Help(
                party=opp.party,
                what=what,
                clause=clause,
                duty=opp.activity,
                process=None,
                record=opp,
            )
            found.append(help_)
        elif opp.process is not None:
            process: Process = sms.get(opp.process)
            recorded.add((opp.party, process.id))
            if process.kind is ProcessKind.SMS:
                found.append(_sms_help(opp.party, process, opp))
    for process in ctx.facts.processes_by_kind.get(ProcessKind.SMS, ()):
        party = process.operated_by
        if party is not None and party != sms.provider and (party, process.id) not in recorded:
            found.append(_sms_help(party, process, None))
    return tuple(found)


def _sms_help(party: str, process: Process, record: OtherPartyProcess | None) -> _Help:
    what = f"the SMS process {process.id!r}"
    return _Help(
        party=party, what=what, clause=_SMS_CLAUSE, duty=None, process=process, record=record
    )


def _outsiders(ctx: Context, owner: str) -> list[str]:
    """Who makes ``owner`` another party's: the person or role itself when it is not of the
    organization, else those holders of the organization's role who are not."""
    sms = ctx.sms
    if not sms.is_provider_side(owner):
        return [owner]
    return sorted({p for p in sms.people_of(owner) if not sms.is_provider_side(p)})


def _held_outside(
    ctx: Context, owner: str, what: str, clause: str, subjects: Sequence[str]
) -> Iterator[Finding]:
    """A failure when ``owner``, accountable for ``what``, stands for another party."""
    sms = ctx.sms
    outside = _outsiders(ctx, owner)
    if not outside:
        return
    if outside == [owner]:
        yield ctx.fail(
            "{what} ({clause}) is held by {owner!r} of {party!r}; a person or role of the "
            "organization {provider!r} must hold it, since no other party can be accountable "
            "for the context or leadership of the SMS or for the control of other parties",
            code="context.app1-held-outside",
            subjects=subjects,
            what=what,
            clause=clause,
            owner=owner,
            party=sms.party_of(owner),
            provider=sms.provider,
        )
        return
    yield ctx.fail(
        "{what} ({clause}) is held by role {role!r}, which {holders!r} of {parties!r} hold; "
        "only people of the organization {provider!r} may hold it, since no other party can be "
        "accountable for the context or leadership of the SMS or for the control of other "
        "parties",
        code="context.app1-role-held-outside",
        subjects=subjects,
        what=what,
        clause=clause,
        role=owner,
        holders=outside,
        parties=sorted({str(sms.party_of(p)) for p in outside}),
        provider=sms.provider,
    )


@rule(
    id="SMS18-4.4-APP-1",
    clause="4.4",
    edition="2018",
    guidance=("APP-1",),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability"),
)
def clauses_4_and_5_kept_by_organization(ctx: Context) -> Iterator[Finding]:
    """No other party fulfils the context and leadership of the SMS (Clauses 4 and 5) or the
    control of other parties: the organization is accountable for them and does the work.

    The rule checks clause 4.4 (the organization itself establishes, implements, maintains and
    improves the SMS): APP-1, as the 2019 edition of Part 2 carries it over, keeps with the
    organization everything that makes up its SMS in Clauses 4 and 5, not only top management
    (5.1). Three things fail it: a duty of Clauses 4 and 5 (management commitment, policy,
    authority and communication, the 5.3 roles, scope, the SMS itself) or the control of other
    parties made the accountability of someone of another party, or of a role of the
    organization that another party's people hold; the SMS process owned so; and another party
    doing such work, or operating the SMS process, as ongoing work (short-term help is
    SMS18-4.4-APP-2's). Only work whose engagement runs on the as-of date counts: begun by then
    (or undated) and not ended before it.

    Nonconforming: ``duties: [{duty: scope, accountable: supp-contact}]``; or
    ``other_party_processes: [{party: consultancy, activity: service_management_policy,
    engagement: ongoing}]``; or the SMS process ``operated_by: supp-1``.
    Conforming: ``{duty: scope, accountable: ceo}``; a consultancy that helps draft the policy
    as ``short_term`` work, accountable to ``rep``.
    """
    sms = ctx.sms
    for assignment in sms.duties:
        clause = _KEPT_DUTIES.get(assignment.duty)
        if clause is not None:
            what = f"duty {assignment.duty.value!r}"
            owner = assignment.accountable
            yield from _held_outside(ctx, owner, what, clause, (owner,))
    for process in ctx.facts.processes_by_kind.get(ProcessKind.SMS, ()):
        if process.owner is not None:
            what = f"the SMS process {process.id!r}"
            subjects = (process.id, process.owner)
            yield from _held_outside(ctx, process.owner, what, _SMS_CLAUSE, subjects)
    for work in _help_of_others(ctx):
        record = work.record
        if record is not None and record.engagement is Engagement.SHORT_TERM:
            continue
        yield ctx.fail(
            "party {party!r} {verb} {what} ({clause}) as ongoing work; the organization must do "
            "this work itself, with help from another party only for a specific, short time, so "
            "bring it back to the organization {provider!r} or limit the engagement",
            code="context.app1-ongoing",
            subjects=work.subjects,
            party=work.party,
            verb=work.verb,
            what=work.what,
            clause=work.clause,
            provider=sms.provider,
        )


def _accountable_for(ctx: Context, work: _Help) -> list[str]:
    """Who is accountable for ``work``: the person or role its record names, else those
    accountable for its duty, else the owner of its process."""
    record = work.record
    if record is not None and record.accountable is not None:
        return [record.accountable]
    if work.duty is not None:
        return [d.accountable for d in ctx.sms.duties if d.duty is work.duty]
    owner = work.process.owner if work.process is not None else None
    return [owner] if owner is not None else []


@rule(
    id="SMS18-4.4-APP-2",
    clause="4.4",
    edition="2018",
    guidance=("APP-1", "APP-2"),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability"),
)
def clause_4_and_5_help_under_organization(ctx: Context) -> Iterator[Finding]:
    """Help another party gives with the context and leadership of the SMS (Clauses 4 and 5)
    or with the control of other parties stays under the organization's management: someone
    of the organization is accountable for it.

    The same work as SMS18-4.4-APP-1 looks at (a duty of Clauses 4 and 5 or the control of
    other parties another party performs, or the SMS process it operates, on the as-of date).
    Who is accountable: the person or role the other-party record names, else
    whoever is accountable for the duty, else the owner of the process. Nobody, or someone who
    stands for another party, fails.

    Nonconforming: a consultancy drafts the service management policy as short-term work and
    its record names its own partner as ``accountable``, or nobody is accountable for the duty.
    Conforming: ``{party: consultancy, activity: service_management_policy, engagement:
    short_term, accountable: rep}``.
    """
    sms = ctx.sms
    for work in _help_of_others(ctx):
        owners = _accountable_for(ctx, work)
        outside = sorted({p for owner in owners for p in _outsiders(ctx, owner)})
        if not owners:
            yield ctx.fail(
                "party {party!r} helps with {what} ({clause}), but nobody is accountable for "
                "that work; name a person or role of the organization {provider!r} as "
                "accountable, so the help stays under its management",
                code="context.app2-unaccountable",
                subjects=work.subjects,
                party=work.party,
                what=work.what,
                clause=work.clause,
                provider=sms.provider,
            )
        elif outside:
            yield ctx.fail(
                "party {party!r} helps with {what} ({clause}), but accountability for that "
                "work is held outside the organization by {holders!r}; name a person or role "
                "of the organization {provider!r} as accountable",
                code="context.app2-accountable-outside",
                subjects=work.subjects,
                party=work.party,
                what=work.what,
                clause=work.clause,
                holders=outside,
                provider=sms.provider,
            )


# --- 6.1 Actions to address risks and opportunities ------------------------------------------


def _risk_register(ctx: Context) -> tuple[Risk, ...]:
    """The risks and opportunities on record by the as-of date (not assessed after it), in
    id order."""
    as_of = ctx.as_of
    return tuple(r for r in ctx.sms.risks if r.assessed is None or r.assessed <= as_of)


@rule(
    id="SMS18-6.1-risks-opportunities",
    clause="6.1",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("risk", "opportunity", "documents"),
)
def risks_and_opportunities_assessed(ctx: Context) -> Iterator[Finding]:
    """Risks and opportunities are determined, and each is assessed against documented
    criteria.

    The 2018 edition plans for opportunities as well as risks (a risk record of kind
    ``opportunity``) and asks for the criteria of assessment to be documented (a document of
    kind ``risk_criteria`` in force). No risk, no opportunity, or no criteria in force is
    major. A risk or opportunity not yet closed that was never assessed, names no criteria, or
    names criteria that are not a risk criteria document in force or were issued only after
    it was assessed, is minor. A record assessed after the as-of date is not yet on record.

    Nonconforming: no risk of kind ``opportunity``; or no ``risk_criteria`` document; or
    ``risk-sec`` with no ``criteria``.
    Conforming: ``{id: risk-opp-portal, kind: opportunity, assessed: 2026-02-01, criteria:
    doc-risk-criteria}`` with ``doc-risk-criteria`` issued in 2025.
    """
    as_of = ctx.as_of
    register = _risk_register(ctx)
    if not any(r.kind is RiskKind.RISK for r in register):
        yield ctx.fail(
            "no risks to the SMS or the services are determined by {as_of}",
            code="context.risks-none",
            key="no-risks",
            as_of=as_of,
        )
    if not any(r.kind is RiskKind.OPPORTUNITY for r in register):
        yield ctx.fail(
            "no opportunities are determined by {as_of}; plan for opportunities as well as "
            "risks (record them as risks of kind 'opportunity')",
            code="context.opportunities-none",
            key="no-opportunities",
            as_of=as_of,
        )
    criteria = ctx.facts.documents_in_force_by_kind.get(DocumentKind.RISK_CRITERIA, ())
    if not criteria:
        yield ctx.fail(
            "no documented criteria for assessing risks and opportunities are in force by "
            "{as_of}; issue a document of kind 'risk_criteria'",
            code="context.risk-criteria-none",
            key="no-criteria",
            as_of=as_of,
        )
    issued = {d.id: d.issued for d in criteria}
    for risk in register:
        if risk.status is not RiskStatus.CLOSED:
            yield from _assessment_findings(ctx, risk, issued)


def _assessment_findings(
    ctx: Context, risk: Risk, criteria: Mapping[str, date | None]
) -> Iterator[Finding]:
    """How one open, treated or accepted risk falls short of being assessed against the
    documented ``criteria`` (ids of the criteria in force, with their issue dates)."""
    if risk.assessed is None:
        yield ctx.fail(
            "{kind} {risk!r} is determined but has not been assessed",
            code="context.risk-unassessed",
            subjects=risk.id,
            severity=Severity.MINOR,
            kind=risk.kind.value,
            risk=risk.id,
        )
    elif not criteria:
        return  # the missing criteria are one finding, made by the rule
    elif risk.criteria is None:
        yield ctx.fail(
            "{kind} {risk!r} was assessed on {assessed} against no documented criteria; name "
            "the criteria document it was assessed against",
            code="context.risk-no-criteria",
            subjects=risk.id,
            severity=Severity.MINOR,
            kind=risk.kind.value,
            risk=risk.id,
            assessed=risk.assessed,
        )
    elif risk.criteria not in criteria:
        yield ctx.fail(
            "{kind} {risk!r} names {criteria!r} as its criteria, which is not a risk criteria "
            "document in force",
            code="context.risk-criteria-invalid",
            subjects=(risk.id, risk.criteria),
            severity=Severity.MINOR,
            kind=risk.kind.value,
            risk=risk.id,
            criteria=risk.criteria,
        )
    else:
        issued = criteria[risk.criteria]
        if issued is not None and issued > risk.assessed:
            yield ctx.fail(
                "{kind} {risk!r} was assessed on {assessed}, before its criteria {criteria!r} "
                "were issued on {issued}",
                code="context.risk-criteria-later",
                subjects=(risk.id, risk.criteria),
                severity=Severity.MINOR,
                kind=risk.kind.value,
                risk=risk.id,
                assessed=risk.assessed,
                criteria=risk.criteria,
                issued=issued,
            )


@rule(
    id="SMS18-6.1-actions",
    clause="6.1",
    edition="2018",
    severity=Severity.MINOR,
    tags=("risk", "opportunity"),
)
def risk_actions_planned_and_evaluated(ctx: Context) -> Iterator[Finding]:
    """Each assessed risk or opportunity has a decision: acceptance by a named person, or
    actions planned; and the effectiveness of the actions taken is evaluated.

    For every risk and opportunity assessed by the as-of date and not closed: an ``accepted``
    one names who accepted it; an ``open`` or ``treated`` one says what will be done
    (``treatment``); a ``treated`` one records when its actions' effectiveness was evaluated
    (``evaluated``, by the as-of date). Each gap is minor; no treated risk or opportunity
    evaluated at all is one major finding.

    Nonconforming: ``risk-sec`` is ``treated`` with no ``evaluated`` date; or an opportunity
    is ``accepted`` with no ``accepted_by``; or ``risk-cont`` is ``open`` with no treatment.
    Conforming: ``{status: treated, treatment: Multi-factor authentication, evaluated:
    2026-06-01}``.
    """
    as_of = ctx.as_of
    assessed = [
        r
        for r in _risk_register(ctx)
        if r.assessed is not None and r.status is not RiskStatus.CLOSED
    ]
    for risk in assessed:
        yield from _decision_findings(ctx, risk)
    treated = [r for r in assessed if r.status is RiskStatus.TREATED]
    unevaluated = [r for r in treated if r.evaluated is None or r.evaluated > as_of]
    if treated and len(unevaluated) == len(treated):
        ids = [r.id for r in unevaluated]
        yield ctx.fail(
            "the effectiveness of the actions taken on risks and opportunities is not evaluated: "
            "none of the treated ones ({risks!r}) records an evaluation by {as_of}",
            code="context.risk-evaluation-none",
            subjects=ids,
            severity=Severity.MAJOR,
            risks=ids,
            as_of=as_of,
        )
        return
    for risk in unevaluated:
        yield ctx.fail(
            "{kind} {risk!r} is treated but the effectiveness of its actions has not been "
            "evaluated by {as_of}",
            code="context.risk-not-evaluated",
            key="not-evaluated",
            subjects=risk.id,
            kind=risk.kind.value,
            risk=risk.id,
            as_of=as_of,
        )


def _decision_findings(ctx: Context, risk: Risk) -> Iterator[Finding]:
    if risk.status is RiskStatus.ACCEPTED:
        if risk.accepted_by is None:
            yield ctx.fail(
                "{kind} {risk!r} is accepted but nobody is recorded as accepting it",
                code="context.risk-acceptance-unnamed",
                key="acceptance",
                subjects=risk.id,
                kind=risk.kind.value,
                risk=risk.id,
            )
    elif not (risk.treatment and risk.treatment.strip()):
        yield ctx.fail(
            "{kind} {risk!r} is {status} with no action planned to address it; record its "
            "treatment, or accept it",
            code="context.risk-no-action",
            key="action",
            subjects=risk.id,
            kind=risk.kind.value,
            risk=risk.id,
            status=risk.status.value,
        )


# --- 6.2.2 Plan to achieve objectives -------------------------------------------------------


@rule(
    id="SMS18-6.2.2-objective-plans",
    clause="6.2.2",
    edition="2018",
    severity=Severity.MINOR,
    tags=("objectives", "plan"),
)
def objectives_planned(ctx: Context) -> Iterator[Finding]:
    """Each objective says how it will be achieved: what will be done, with what resources, by
    whom, by when, and how the results will be evaluated.

    In the model: ``actions``, ``resources``, ``owner``, ``due`` and ``evaluation`` of each
    objective. An objective that says none of these has no plan (major); one that leaves some
    out has an incomplete plan (minor). Objectives themselves are the subject of 6.2.1.

    Nonconforming: ``obj-1`` with no ``actions`` and no ``evaluation``.
    Conforming: ``{id: obj-1, owner: po, due: 2027-06-30, resources: [res-people], actions:
    [Add a second service desk shift], evaluation: Monthly P1 figures reviewed each
    quarter}``.
    """
    if not ctx.sms.objectives:
        yield ctx.not_applicable(
            "no objective is set, so none has a plan to check (6.2.1 reports the lack)",
            code="context.objective-plans-none",
        )
    for objective in ctx.sms.objectives:
        missing = [
            part
            for part, given in (
                ("what will be done (actions)", any(a.strip() for a in objective.actions)),
                ("with what resources (resources)", bool(objective.resources)),
                ("who is responsible (owner)", objective.owner is not None),
                ("by when (due)", objective.due is not None),
                (
                    "how results are evaluated (evaluation)",
                    bool(objective.evaluation and objective.evaluation.strip()),
                ),
            )
            if not given
        ]
        if len(missing) == 5:
            yield ctx.fail(
                "objective {objective!r} has no plan to achieve it; it leaves out all of: "
                "{missing}",
                code="context.objective-unplanned",
                subjects=objective.id,
                severity=Severity.MAJOR,
                objective=objective.id,
                missing=missing,
            )
        elif missing:
            yield ctx.fail(
                "the plan to achieve objective {objective!r} leaves out: {missing}",
                code="context.objective-plan-incomplete",
                subjects=objective.id,
                objective=objective.id,
                missing=missing,
            )


# --- 7.3 Awareness ----------------------------------------------------------------------------


@rule(
    id="SMS18-7.3-policy-awareness",
    clause="7.3",
    edition="2018",
    severity=Severity.MINOR,
    tags=("awareness", "people", "policy"),
)
def role_holders_aware_of_policy(ctx: Context) -> Iterator[Finding]:
    """The people of the organization who hold roles in the SMS have acknowledged the service
    management policy in its current version.

    Awareness is read from the records the model holds of a person: an acknowledgement of a
    service management policy that names the person, dated by the as-of date and on or after
    the policy's issue date (an acknowledgement of an earlier version is outdated). The people
    checked are those of the organization who hold a role: the people whose work the SMS
    defines. (Awareness sessions for everyone are evidence of kind ``awareness``, which the
    rule of 2011 4.4.2 reads.) Nobody acknowledged is major; each person who did not is minor.
    With no service management policy issued there is nothing to be aware of (7.5.4 finds the
    policy missing).

    Nonconforming: ``aud`` (internal auditor) has no acknowledgement of ``pol-sm``; or ``po``
    acknowledged it in 2024, before version 3 was issued in 2025.
    Conforming: ``{artefact: pol-sm, party: prov, person: po, date: 2025-01-20}`` and the same
    for ``aud``.
    """
    sms = ctx.sms
    as_of = ctx.as_of
    policies = {
        p.id: p.issued
        for p in ctx.facts.policies_by_kind.get(PolicyKind.SERVICE_MANAGEMENT, ())
        if p.issued is None or p.issued <= as_of
    }
    roles_of = ctx.facts.roles_held_by
    people = [p.id for p in sms.people if p.party == sms.provider and p.id in roles_of]
    if not policies or not people:
        return
    current: set[str] = set()
    outdated: dict[str, tuple[date, str]] = {}  # person -> last outdated acknowledgement
    for ack in sms.acknowledgements:
        if ack.person is None or ack.artefact not in policies or ack.date > as_of:
            continue
        issued = policies[ack.artefact]
        if issued is None or ack.date >= issued:
            current.add(ack.person)
        else:
            seen = (ack.date, ack.artefact)
            outdated[ack.person] = max(outdated.get(ack.person, seen), seen)
    if not current & set(people) and not outdated.keys() & set(people):
        yield ctx.fail(
            "none of the people of the organization who hold roles ({people!r}) has "
            "acknowledged the service management policy {policies!r} by {as_of}",
            code="context.awareness-none",
            subjects=people,
            severity=Severity.MAJOR,
            people=people,
            policies=sorted(policies),
            as_of=as_of,
        )
        return
    for person in people:
        if person in current:
            continue
        roles = list(roles_of[person])
        if person in outdated:
            when, policy = outdated[person]
            yield ctx.fail(
                "{person!r}, who holds {roles!r}, acknowledged the service management policy "
                "{policy!r} on {acknowledged}, before its current version was issued on {issued}",
                code="context.awareness-outdated",
                subjects=(person, policy),
                person=person,
                roles=roles,
                policy=policy,
                acknowledged=when,
                issued=policies[policy],
            )
        else:
            yield ctx.fail(
                "{person!r}, who holds {roles!r}, has not acknowledged the service management "
                "policy {policies!r} by {as_of}",
                code="context.awareness-missing",
                subjects=person,
                person=person,
                roles=roles,
                policies=sorted(policies),
                as_of=as_of,
            )


# --- 7.5.4 Service management system documented information ----------------------------------

#: The kinds of document that are procedures.
_PROCEDURES: Final = (
    DocumentKind.PROCEDURE,
    DocumentKind.COMMUNICATION_PROCEDURE,
    DocumentKind.RECORDS_PROCEDURE,
    DocumentKind.COMPLAINT_PROCEDURE,
    DocumentKind.MAJOR_INCIDENT_PROCEDURE,
    DocumentKind.EMERGENCY_CHANGE_PROCEDURE,
    DocumentKind.EMERGENCY_RELEASE_PROCEDURE,
)
#: The kinds of agreement the organization makes with an internal supplier or a customer
#: acting as a supplier.
_SUPPLY_AGREEMENTS: Final = (
    AgreementKind.OPERATIONAL_LEVEL_AGREEMENT,
    AgreementKind.CONTRACT,
    AgreementKind.OTHER,
)


@attrs.frozen
class _Expected:
    """One document of the SMS 7.5.4 lists: a stable key, what it is, how the model holds it
    (with the clause that asks for it), and whether it is there."""

    key: str
    what: str
    held_as: str
    present: bool


def _policy_issued(ctx: Context, kind: PolicyKind) -> bool:
    as_of = ctx.as_of
    policies = ctx.facts.policies_by_kind.get(kind, ())
    return any(p.issued is None or p.issued <= as_of for p in policies)


def _document_in_force(ctx: Context, *kinds: DocumentKind) -> bool:
    in_force = ctx.facts.documents_in_force_by_kind
    return any(in_force.get(kind) for kind in kinds)


def _sms_documents(ctx: Context) -> Iterator[_Expected]:
    """The documents that set the SMS up: scope, policies, objectives, plan, processes."""
    sms = ctx.sms
    plan = sms.plan
    yield _Expected(
        "scope", "the scope of the SMS", "a scope statement (4.3)", sms.scope is not None
    )
    yield _Expected(
        "service-management-policy",
        "the service management policy",
        "a policy of kind 'service_management' issued by the as-of date (5.2)",
        _policy_issued(ctx, PolicyKind.SERVICE_MANAGEMENT),
    )
    yield _Expected(
        "objectives", "the service management objectives", "objectives (6.2)", bool(sms.objectives)
    )
    yield _Expected(
        "plan",
        "the service management plan",
        "a plan that is not retired (6.3)",
        plan is not None and plan.status is not PlanStatus.RETIRED,
    )
    yield _Expected(
        "change-policy",
        "the change management policy",
        "a policy of kind 'change' issued by the as-of date (8.5.1.1)",
        _policy_issued(ctx, PolicyKind.CHANGE),
    )
    yield _Expected(
        "security-policy",
        "the information security policy",
        "a policy of kind 'information_security' issued by the as-of date (8.7.3.1)",
        _policy_issued(ctx, PolicyKind.INFORMATION_SECURITY),
    )
    yield _Expected(
        "continuity-plan",
        "a service continuity plan",
        "a document of kind 'continuity_plan' in force (8.7.2)",
        _document_in_force(ctx, DocumentKind.CONTINUITY_PLAN),
    )
    yield _Expected(
        "process-documentation",
        "the documentation of the SMS processes",
        "a document of kind 'process_definition' in force",
        _document_in_force(ctx, DocumentKind.PROCESS_DEFINITION),
    )
    yield _Expected(
        "procedures",
        "the procedures",
        "a procedure of any kind in force",
        _document_in_force(ctx, *_PROCEDURES),
    )


def _service_documents(ctx: Context) -> Iterator[_Expected]:
    """The documents of the services and of the parties involved in them, where there are
    live services, suppliers, or internal suppliers."""
    live = ctx.facts.live_services
    if live:
        yield _Expected(
            "service-requirements",
            "the service requirements",
            "requirements recorded for a live service (8.2.2)",
            any(s.requirements for s in live),
        )
        yield _Expected(
            "service-level-agreements",
            "the service level agreements",
            "an agreement of kind 'service_level_agreement' in force (8.3.3)",
            any(a.kind is AgreementKind.SERVICE_LEVEL_AGREEMENT for a in _in_force(ctx)),
        )
    yield _Expected(
        "service-catalogue",
        "the service catalogue",
        "a document of kind 'service_catalogue' in force (8.2.4)",
        _document_in_force(ctx, DocumentKind.SERVICE_CATALOGUE),
    )
    by_party = ctx.facts.agreements_in_force_by_party
    suppliers = [p.id for p in ctx.facts.parties_by_kind.get(PartyKind.SUPPLIER, ())]
    if suppliers:
        yield _Expected(
            "supplier-contracts",
            "the contracts with external suppliers",
            "an agreement of kind 'contract' in force with a supplier (8.3.4.1)",
            any(a.kind is AgreementKind.CONTRACT for s in suppliers for a in by_party.get(s, ())),
        )
    internal = _internal_suppliers(ctx)
    if internal:
        yield _Expected(
            "internal-agreements",
            "the agreements with internal suppliers and customers acting as suppliers",
            "an operational level agreement, contract or other agreement in force with one of "
            "them (8.3.4.2)",
            any(a.kind in _SUPPLY_AGREEMENTS for p in internal for a in by_party.get(p, ())),
        )


def _in_force(ctx: Context) -> Iterator[Agreement]:
    as_of = ctx.as_of
    return (a for a in ctx.sms.agreements if a.in_force(as_of))


def _internal_suppliers(ctx: Context) -> list[str]:
    """Internal groups, and customers that support a service (customers acting as suppliers)."""
    internal = [p.id for p in ctx.facts.parties_by_kind.get(PartyKind.INTERNAL_GROUP, ())]
    customers = {p.id for p in ctx.facts.parties_by_kind.get(PartyKind.CUSTOMER, ())}
    supporting = {p for s in ctx.sms.services for p in s.supported_by if p in customers}
    return [*internal, *sorted(supporting)]


@rule(
    id="SMS18-7.5.4-documents",
    clause="7.5.4",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("documents",),
)
def sms_documents_exist(ctx: Context) -> Iterator[Finding]:
    """The documented information the 2018 edition lists for the SMS exists, each kind as the
    model holds it.

    Scope (a scope statement), service management policy, objectives, plan (not retired),
    change management policy and information security policy (policies issued by the as-of
    date), a service continuity plan, process definitions, procedures and the service catalogue
    (documents in force), service requirements (recorded for some live service), service level
    agreements (in force, where there are live services), contracts with external suppliers
    and agreements with internal suppliers or customers acting as suppliers (in force, where
    there are such parties). One major finding for each kind missing; whether each service,
    supplier or process has its own is for the clauses that ask for it. Records are left to
    the rules of the clauses that ask for each record, so that one missing record gives one
    finding.

    Nonconforming: no policy of kind ``change``; or the only continuity plan is a draft.
    Conforming: ``pol-chg`` (kind ``change``) issued in 2025, and ``doc-continuity-plan``
    issued.
    """
    for expected in (*_sms_documents(ctx), *_service_documents(ctx)):
        if not expected.present:
            yield ctx.fail(
                "the documented information of the SMS lacks {what}: expected {held_as}",
                code="context.document-missing",
                key=expected.key,
                what=expected.what,
                held_as=expected.held_as,
            )


# --- 7.6 Knowledge ----------------------------------------------------------------------------


@rule(
    id="SMS18-7.6-knowledge",
    clause="7.6",
    edition="2018",
    severity=Severity.MINOR,
    tags=("knowledge", "documents"),
)
def knowledge_kept_and_available(ctx: Context) -> Iterator[Finding]:
    """The knowledge needed to operate the SMS and the services is determined, kept in
    documents in force and made available.

    Coverage: every live service is named by some knowledge record, and so is the SMS itself
    (one of its processes, or the organization). Each knowledge record is kept in at least one
    document in force and is available to someone (``available_to``). No knowledge recorded at
    all is major; a service or the SMS not covered, or a record not kept or not available, is
    minor; a record with no owner to keep it current is an observation.

    Nonconforming: no knowledge names ``svc-2``; or ``kn-hosting`` is kept only in a draft
    runbook, or is available to nobody.
    Conforming: ``{id: kn-hosting, topic: Cloud hosting runbook, subjects: [svc-2], documents:
    [doc-runbook-hosting], owner: po, available_to: [role-process-manager]}``.
    """
    sms = ctx.sms
    records = sms.knowledge
    if not records:
        yield ctx.fail(
            "no knowledge needed to operate the SMS and the services is determined; record "
            "it, where it is kept and who can reach it",
            code="context.knowledge-none",
            severity=Severity.MAJOR,
        )
        return
    covered = {s for k in records for s in k.subjects}
    processes = {p.id for p in sms.processes}
    if sms.provider not in covered and not covered & processes:
        yield ctx.fail(
            "no knowledge record covers operating the SMS itself: none names one of its "
            "processes or the organization {provider!r}",
            code="context.knowledge-sms-uncovered",
            key="sms",
            provider=sms.provider,
        )
    for service in ctx.facts.live_services:
        if service.id not in covered:
            yield ctx.fail(
                "no knowledge record covers the live service {service!r}; record the knowledge "
                "needed to deliver it",
                code="context.knowledge-service-uncovered",
                subjects=service.id,
                service=service.id,
            )
    in_force = ctx.facts.documents_in_force_by_kind
    kept = frozenset(d.id for docs in in_force.values() for d in docs)
    for knowledge in records:
        yield from _keeping_findings(ctx, knowledge, kept)


def _keeping_findings(
    ctx: Context, knowledge: Knowledge, kept: frozenset[str]
) -> Iterator[Finding]:
    """How one knowledge record falls short of being kept (in a document of ``kept``, the ids
    of the documents in force), available and owned."""
    where: dict[str, Any] = {"knowledge": knowledge.id, "topic": knowledge.topic}
    if not knowledge.documents:
        yield ctx.fail(
            "knowledge {knowledge!r} ({topic}) is kept in no document",
            code="context.knowledge-unkept",
            key="kept",
            subjects=knowledge.id,
            **where,
        )
    elif not any(d in kept for d in knowledge.documents):
        yield ctx.fail(
            "knowledge {knowledge!r} ({topic}) is kept only in documents not in force by "
            "{as_of}: {documents!r}",
            code="context.knowledge-not-in-force",
            key="kept",
            subjects=(knowledge.id, *knowledge.documents),
            as_of=ctx.as_of,
            documents=list(knowledge.documents),
            **where,
        )
    if not knowledge.available_to:
        yield ctx.fail(
            "knowledge {knowledge!r} ({topic}) is made available to nobody; name the people, "
            "roles or parties who can reach it",
            code="context.knowledge-unavailable",
            key="available",
            subjects=knowledge.id,
            **where,
        )
    if knowledge.owner is None:
        yield ctx.fail(
            "knowledge {knowledge!r} ({topic}) has no owner to keep it current",
            code="context.knowledge-unowned",
            key="owner",
            subjects=knowledge.id,
            severity=Severity.OBSERVATION,
            **where,
        )
