"""Built-in rules for what the 2018 edition of ISO/IEC 20000-1 newly asks of the operation of
the SMS (Clause 8), and for its other-party guidance (ISO/IEC 20000-2, guidance APP-4, read
for 2018): control of the parties that provide or operate services, service components and
processes (8.2.3), the service catalogue (8.2.4), asset management (8.2.5), demand management
(8.4.2), the contents of the change management policy (8.5.1.1) and service request management
as a process of its own (8.6.2).

The 2011 rules of 4.2 keep checking the processes other parties operate; the 8.2.3 rules here
add the services and service components they provide or operate, which the 2011 edition did
not ask about. An engagement of another party counts from its start to its end: one that
starts after the as-of date, or ended before it, is not current.

Length: one module for the Clause 8 requirements that have no 2011 source, sharing the
other-party helpers at the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from sms_model.model import (
    Agreement,
    AgreementTerm,
    Asset,
    AssetKind,
    DocumentKind,
    GovernanceControl,
    LifecycleStage,
    OtherPartyProcess,
    PartyKind,
    PolicyContent,
    PolicyKind,
    Process,
    ProcessKind,
    ReportKind,
    Service,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule
from sms_model.rules.builtin._governance import APP5_TERMS

__all__: list[str] = []

_YEAR = relativedelta(years=1)

#: What an agreement for a service or component another party provides defines: who is
#: accountable, has authority and is responsible (guidance APP-5), and the requirements and
#: interfaces 8.2.3 asks the organization to set for what the party provides.
_SUPPLY_TERMS: Final = (*APP5_TERMS, AgreementTerm.REQUIREMENTS, AgreementTerm.INTERFACES)
#: What a change management policy defines (8.5.1.1), with what each means, for messages.
_CHANGE_POLICY_CONTENTS: Final = {
    PolicyContent.CONTROLLED_COMPONENTS: "which service components and other items are under "
    "change management",
    PolicyContent.CHANGE_CATEGORIES: "the categories of change and how each is managed",
    PolicyContent.EMERGENCY_CHANGES: "what an emergency change is and how it is handled",
    PolicyContent.MAJOR_IMPACT_CRITERIA: "the criteria that mark a change as one with a major "
    "impact, which goes through service design and transition (8.5.2)",
}
#: Assets whose use is governed by licence terms the organization must know (8.2.5).
_LICENSED: Final = frozenset({AssetKind.SOFTWARE, AssetKind.LICENCE})


# --- helpers: what other parties provide or operate ----------------------------------------


def _records_of_others(ctx: Context) -> tuple[OtherPartyProcess, ...]:
    """The other-party records of parties other than the organization itself whose engagement
    is current on the as-of date, in id order."""
    sms, as_of = ctx.sms, ctx.as_of
    found = [r for r in sms.other_party_processes if r.party != sms.provider]
    return tuple(sorted((r for r in found if r.running(as_of)), key=lambda r: r.id))


@attrs.frozen(kw_only=True)
class _Supply:
    """A service or service component another party provides or operates, with its record."""

    record: OtherPartyProcess
    what: str  # "service" or "service component", for messages
    target: str

    @property
    def party(self) -> str:
        return self.record.party

    @property
    def subjects(self) -> tuple[str, ...]:
        return (self.target, self.party, self.record.id)

    @property
    def where(self) -> dict[str, Any]:
        """The parameters every message about this supply names."""
        return {
            "what": self.what,
            "target": self.target,
            "party": self.party,
            "record": self.record.id,
        }


def _supplies(ctx: Context) -> tuple[_Supply, ...]:
    """Every service or service component another party provides or operates on the as-of
    date, from the current other-party records naming one."""
    found: list[_Supply] = []
    for record in _records_of_others(ctx):
        if record.service is not None:
            found.append(_Supply(record=record, what="service", target=record.service))
        elif record.component is not None:
            found.append(_Supply(record=record, what="service component", target=record.component))
    return tuple(found)


def _none_supplied(ctx: Context) -> Finding:
    return ctx.not_applicable(
        "no other party provides or operates a service or service component on {as_of}",
        code="operation.nothing-supplied",
        as_of=ctx.as_of,
    )


def _live_components(ctx: Context) -> list[str]:
    """The ids of the service components (assets) the live services are built from, sorted."""
    return sorted({c for service in ctx.facts.live_services for c in service.components})


def _operated_by_others(ctx: Context, records: tuple[OtherPartyProcess, ...]) -> set[str]:
    """Ids of the processes another party operates: named ``operated_by`` another party, or
    by a current record of another party."""
    provider = ctx.sms.provider
    operated = {r.process for r in records if r.process is not None}
    for process in ctx.sms.processes:
        if process.operated_by is not None and process.operated_by != provider:
            operated.add(process.id)
    return operated


# --- 8.2.3 Control of parties involved in the service lifecycle -----------------------------


@rule(
    id="SMS18-8.2.3-APP-4",
    clause="8.2.3",
    edition="2018",
    guidance=("APP-4",),
    severity=Severity.MAJOR,
    tags=("other-parties", "2018"),
)
def not_everything_by_others(ctx: Context) -> Iterator[Finding]:
    """Other parties do not provide or operate all the live services, all their service
    components or all the service management processes: the organization may rely on others
    while it stays accountable, but it cannot conform when nothing in scope is its own. When
    none of the three is wholly run by others, the rule passes and names the shares.

    A process counts as operated by others when its ``operated_by`` names another party or a
    current other-party record names it; a service or component when a current other-party
    record names it. (The 2011 edition's test, that others operate no more than half of the
    processes, stays with SMS-4-APP-4.)

    Nonconforming: a supplier's records name ``svc-1`` and ``svc-2``, the only live services.
    Conforming: a supplier operates capacity management, 1 of 15 processes, and provides no
    service.
    """
    records = _records_of_others(ctx)
    live = [s.id for s in ctx.facts.live_services]
    provided = {r.service for r in records if r.service is not None}
    components = _live_components(ctx)
    operated_parts = {r.component for r in records if r.component is not None}
    processes = [p.id for p in ctx.sms.processes if p.kind.is_service_management_process]
    operated = _operated_by_others(ctx, records)
    groups = (
        ("live services", live, sorted(s for s in live if s in provided)),
        ("service components", components, sorted(c for c in components if c in operated_parts)),
        ("service management processes", processes, sorted(p for p in processes if p in operated)),
    )
    failed = False
    for what, total, by_others in groups:
        if total and len(by_others) == len(total):
            failed = True
            yield ctx.fail(
                "other parties provide or operate all {count} {what} in scope ({items}); the "
                "organization cannot conform unless it provides or operates some of them itself",
                code="operation.all-by-others",
                key=what,
                subjects=tuple(by_others),
                count=len(total),
                what=what,
                items=by_others,
            )
    if failed:
        return
    (_, services, by_services), (_, parts, by_parts), (_, procs, by_procs) = groups
    yield ctx.passed(
        "other parties provide or operate {services} of {services_total} live services, "
        "{components} of {components_total} service components and {processes} of "
        "{processes_total} service management processes: not all of any",
        code="operation.share-by-others",
        subjects=(*by_services, *by_parts, *by_procs),
        services=len(by_services),
        services_total=len(services),
        components=len(by_parts),
        components_total=len(parts),
        processes=len(by_procs),
        processes_total=len(procs),
    )


@rule(
    id="SMS18-8.2.3-accountable",
    clause="8.2.3",
    edition="2018",
    guidance=("APP-1",),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability", "2018"),
)
def supplied_work_stays_accountable(ctx: Context) -> Iterator[Finding]:
    """The organization stays accountable for every service or service component another
    party provides or operates: the record names a person or role of the organization as
    accountable for it.

    Nonconforming: ``{party: supp-1, service: svc-2}`` names nobody ``accountable``, or the
    supplier's own account manager.
    Conforming: ``{party: supp-1, service: svc-2, accountable: po}`` with ``po`` of the
    provider.
    """
    supplies = _supplies(ctx)
    if not supplies:
        yield _none_supplied(ctx)
        return
    sms = ctx.sms
    for supply in supplies:
        accountable = supply.record.accountable
        if accountable is None:
            yield ctx.fail(
                "{what} {target!r} provided or operated by {party!r} ({record!r}) names nobody "
                "of the organization {provider!r} as accountable for it",
                code="operation.supply-unaccountable",
                subjects=supply.subjects,
                provider=sms.provider,
                **supply.where,
            )
        elif not sms.is_provider_side(accountable):
            yield ctx.fail(
                "{what} {target!r} provided or operated by {party!r} ({record!r}) is the "
                "accountability of {accountable!r} of {outside!r}; a person or role of the "
                "organization {provider!r} must stay accountable for it",
                code="operation.supply-accountable-outside",
                subjects=(*supply.subjects, accountable),
                accountable=accountable,
                outside=sms.party_of(accountable),
                provider=sms.provider,
                **supply.where,
            )


def _work_of_others(ctx: Context) -> Iterator[tuple[str, str, str, str | None]]:
    """Each process or delegable activity another party does on the as-of date under a record
    that says who is accountable for it (or, for an activity, the duty's accountable person):
    (what, its id, the party, who). The owner of a process, and so the accountability for one
    whose record names nobody, is SMS18-8.1-process-control's; the SMS process and the
    activities of Clauses 4 and 5 are SMS18-4.4-APP-1/APP-2's, services and components the rule
    above's."""
    sms = ctx.sms
    for record in _records_of_others(ctx):
        if record.process is not None:
            process = sms.get(record.process)
            if process.kind is not ProcessKind.SMS and record.accountable is not None:
                yield "process", process.id, record.party, record.accountable
        elif record.activity is not None and record.activity.delegable_in(ctx.edition):
            duty = next((d for d in sms.duties if d.duty is record.activity), None)
            owner = record.accountable or (duty.accountable if duty is not None else None)
            yield "activity", record.activity.value, record.party, owner


@rule(
    id="SMS18-8.2.3-work-accountable",
    clause="8.2.3",
    edition="2018",
    guidance=("APP-4",),
    severity=Severity.MAJOR,
    tags=("other-parties", "accountability", "2018"),
)
def outsourced_work_stays_accountable(ctx: Context) -> Iterator[Finding]:
    """The organization stays accountable for every process and every activity of Clauses 6
    to 10 another party operates or performs: the person or role a record names as accountable
    is of the organization, and so is the accountable person of a duty another party performs.

    Nonconforming: ``{party: supp-1, process: p-cap, accountable: supp-contact}``, the
    supplier's own account manager; or internal audits performed by a consultancy with nobody
    of the provider accountable.
    Conforming: ``{party: supp-1, process: p-cap, accountable: po}`` with ``po`` of the
    provider.
    """
    sms, found = ctx.sms, False
    for what, work, party, accountable in _work_of_others(ctx):
        found = True
        if accountable is None:
            yield ctx.fail(
                "nobody of the organization {provider!r} is accountable for the {what} "
                "{work!r} that {party!r} operates or performs",
                code="operation.work-unaccountable",
                subjects=(work, party),
                provider=sms.provider,
                what=what,
                work=work,
                party=party,
            )
        elif not sms.is_provider_side(accountable):
            yield ctx.fail(
                "the {what} {work!r} that {party!r} operates or performs is the accountability "
                "of {accountable!r} of {outside!r}; a person or role of the organization "
                "{provider!r} must stay accountable for it",
                code="operation.work-accountable-outside",
                subjects=(work, party, accountable),
                what=what,
                work=work,
                party=party,
                accountable=accountable,
                outside=sms.party_of(accountable),
                provider=sms.provider,
            )
    if not found:
        yield ctx.not_applicable(
            "no other party operates a process or performs an activity of Clauses 6 to 10 on "
            "{as_of}",
            code="operation.no-work-of-others",
            as_of=ctx.as_of,
        )


@rule(
    id="SMS18-8.2.3-agreement",
    clause="8.2.3",
    edition="2018",
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("other-parties", "agreements", "2018"),
)
def supplied_work_under_agreement(ctx: Context) -> Iterator[Finding]:
    """Every service or service component another party provides or operates is covered by a
    documented agreement in force on the as-of date, made between the organization and that
    party, readable by both, that defines accountabilities, authorities and responsibilities
    (guidance APP-5) and the requirements and interfaces for what the party provides (8.2.3).
    None is major; an incomplete one is minor.

    Nonconforming: ``{party: supp-1, service: svc-2}`` names no ``agreement``; or contract
    ``con-1`` lacks ``interfaces`` in its terms, or has expired.
    Conforming: ``agreement: con-1`` between ``prov`` and ``supp-1``, in force, with terms
    ``requirements, accountabilities, authorities, responsibilities, interfaces`` and
    ``accessible_to: [prov, supp-1]``.
    """
    supplies = _supplies(ctx)
    if not supplies:
        yield _none_supplied(ctx)
        return
    for supply in supplies:
        name = supply.record.agreement
        if name is None:
            yield ctx.fail(
                "{what} {target!r} provided or operated by {party!r} ({record!r}) is covered by "
                "no documented agreement",
                code="operation.supply-no-agreement",
                subjects=supply.subjects,
                **supply.where,
            )
            continue
        agreement: Agreement = ctx.sms.get(name)
        yield from _supply_agreement_findings(ctx, supply, agreement)


def _supply_agreement_findings(
    ctx: Context, supply: _Supply, agreement: Agreement
) -> Iterator[Finding]:
    """What is wrong with ``agreement`` as the agreement for ``supply`` (all minor)."""
    provider = ctx.sms.provider
    subjects = (*supply.subjects, agreement.id)
    sides = (provider, supply.party)
    outside = [p for p in sides if p not in agreement.parties]
    if outside:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} provided or operated by {party!r} "
            "({record!r}) is not made between the organization and the party: it lacks "
            "{outside} among its parties",
            code="operation.supply-agreement-parties",
            key="parties",
            subjects=subjects,
            severity=Severity.MINOR,
            agreement=agreement.id,
            outside=outside,
            **supply.where,
        )
    missing = [t.value for t in _SUPPLY_TERMS if t not in agreement.terms]
    if missing:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} provided or operated by {party!r} "
            "({record!r}) does not define {terms}",
            code="operation.supply-agreement-terms",
            key="terms",
            subjects=subjects,
            severity=Severity.MINOR,
            agreement=agreement.id,
            terms=missing,
            **supply.where,
        )
    blind = [p for p in sides if p not in agreement.accessible_to]
    if blind:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} provided or operated by {party!r} "
            "({record!r}) is not accessible to {blind}; both sides must be able to read it",
            code="operation.supply-agreement-inaccessible",
            key="access",
            subjects=subjects,
            severity=Severity.MINOR,
            agreement=agreement.id,
            blind=blind,
            **supply.where,
        )
    if agreement.in_force(ctx.as_of):
        return
    # One key for both: the situation (not in force while the party provides) is the same
    # finding whichever side of its dates the as-of date falls.
    if agreement.expired(ctx.as_of):
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} provided or operated by {party!r} "
            "({record!r}) expired on {expires} while the party still provides it",
            code="operation.supply-agreement-expired",
            key="not-in-force",
            subjects=subjects,
            severity=Severity.MINOR,
            agreement=agreement.id,
            expires=agreement.expires,
            **supply.where,
        )
    else:
        yield ctx.fail(
            "agreement {agreement!r} for {what} {target!r} provided or operated by {party!r} "
            "({record!r}) takes effect only on {effective} while the party already provides it",
            code="operation.supply-agreement-not-yet-effective",
            key="not-in-force",
            subjects=subjects,
            severity=Severity.MINOR,
            agreement=agreement.id,
            effective=agreement.effective,
            **supply.where,
        )


@rule(
    id="SMS18-8.2.3-controls",
    clause="8.2.3",
    edition="2018",
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("other-parties", "governance", "2018"),
)
def supplied_work_controlled(ctx: Context) -> Iterator[Finding]:
    """The organization exercises every control over each service or service component
    another party provides or operates: accountability and authority over it, control of its
    definition and interfaces, measuring and evaluating its performance and compliance, and
    control of planning its improvements (the four governance controls the 2011 edition asked
    for processes only). None is major; some missing is minor.

    Nonconforming: the record of ``svc-2`` provided by ``supp-1`` lists only
    ``accountability_and_authority``.
    Conforming: ``controls: [accountability_and_authority, definition_and_interfaces,
    performance_and_compliance, improvement_planning]``.
    """
    supplies = _supplies(ctx)
    if not supplies:
        yield _none_supplied(ctx)
        return
    for supply in supplies:
        controls = supply.record.controls
        lacking = [c.value for c in GovernanceControl if c not in controls]
        if not lacking:
            continue
        yield ctx.fail(
            "the organization does not show control of {what} {target!r} provided or operated "
            "by {party!r} ({record!r}): it lacks the controls {controls}",
            code="operation.supply-controls-lacking",
            subjects=supply.subjects,
            severity=Severity.MAJOR if not controls else Severity.MINOR,
            controls=lacking,
            **supply.where,
        )


def _suppliers_involved(ctx: Context) -> list[str]:
    """Ids of the supplier parties that provide or operate something for the organization on
    the as-of date (a current record of theirs, a process they operate) or support a live
    service, sorted."""
    involved = {r.party for r in _records_of_others(ctx)}
    involved.update(p.operated_by for p in ctx.sms.processes if p.operated_by is not None)
    involved.update(party for s in ctx.facts.live_services for party in s.supported_by)
    suppliers = {p.id for p in ctx.facts.parties_by_kind.get(PartyKind.SUPPLIER, ())}
    return sorted(involved & suppliers)


@rule(
    id="SMS18-8.2.3-selection",
    clause="8.2.3",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("other-parties", "suppliers", "2018"),
)
def suppliers_selected_against_criteria(ctx: Context) -> Iterator[Finding]:
    """Every supplier that provides or operates a service, component or process, performs a
    Clause 4 activity, or supports a live service was evaluated and selected against
    documented criteria: its ``selection_criteria`` names a document of kind
    ``selection_criteria`` in force on the as-of date. None is major; a draft, future or wrong
    document is minor. (Internal groups are not selected this way and are not checked.)

    Nonconforming: supplier ``supp-1`` operates capacity management and names no
    ``selection_criteria``; or names a draft.
    Conforming: ``{id: supp-1, selection_criteria: doc-selection}`` with ``doc-selection`` an
    issued ``selection_criteria`` document.
    """
    in_force = {
        d.id for d in ctx.facts.documents_in_force_by_kind.get(DocumentKind.SELECTION_CRITERIA, ())
    }
    for party_id in _suppliers_involved(ctx):
        criteria = ctx.sms.get(party_id).selection_criteria
        if criteria is None:
            yield ctx.fail(
                "supplier {party!r} provides or operates for the organization but names no "
                "criteria it was evaluated and selected against",
                code="operation.supplier-unselected",
                subjects=party_id,
                party=party_id,
            )
        elif criteria not in in_force:
            yield ctx.fail(
                "supplier {party!r} names {criteria!r} as the criteria it was selected against, "
                "which is not a selection criteria document in force on {as_of}",
                code="operation.supplier-criteria-not-in-force",
                subjects=(party_id, criteria),
                severity=Severity.MINOR,
                party=party_id,
                criteria=criteria,
                as_of=ctx.as_of,
            )


# --- 8.2.4 Service catalogue management ------------------------------------------------------


def _catalogued(ctx: Context, catalogues: list[str], service: Service) -> bool:
    """Whether ``service`` is in the catalogue: flagged so and named by an issued one."""
    named = {d.id for d in ctx.facts.documents_in_force_by_subject.get(service.id, ())}
    return service.in_catalogue and bool(named.intersection(catalogues))


def _catalogue_entry_findings(
    ctx: Context, catalogues: list[str], service: Service
) -> Iterator[Finding]:
    """What the catalogue lacks about one live service: the service itself, a dependency on a
    service that is not live or not catalogued, its components."""
    if not service.in_catalogue:
        yield ctx.fail(
            "live service {service!r} is left out of the service catalogue (in_catalogue is false)",
            code="operation.catalogue-service-left-out",
            key="entry",
            severity=Severity.MINOR,
            subjects=service.id,
            service=service.id,
        )
    elif not _catalogued(ctx, catalogues, service):
        yield ctx.fail(
            "live service {service!r} is not named by the service catalogue ({catalogues})",
            code="operation.catalogue-service-unnamed",
            key="entry",
            severity=Severity.MINOR,
            subjects=(service.id, *catalogues),
            service=service.id,
            catalogues=catalogues,
        )
    for dependency in service.depends_on:
        other: Service = ctx.sms.get(dependency)
        if other.stage is not LifecycleStage.LIVE:
            yield ctx.fail(
                "live service {service!r} depends on {dependency!r}, which is at the {stage} "
                "stage, not live; a live service can only depend on services that are delivered",
                code="operation.catalogue-dependency-not-live",
                key=f"depends:{dependency}",
                severity=Severity.MINOR,
                subjects=(service.id, dependency),
                service=service.id,
                dependency=dependency,
                stage=other.stage.value,
            )
        elif not _catalogued(ctx, catalogues, other):
            yield ctx.fail(
                "live service {service!r} depends on {dependency!r}, which the service "
                "catalogue leaves out, so the catalogue cannot show the dependency",
                code="operation.catalogue-dependency-uncatalogued",
                key=f"depends:{dependency}",
                severity=Severity.MINOR,
                subjects=(service.id, dependency),
                service=service.id,
                dependency=dependency,
            )
    if not service.components:
        yield ctx.fail(
            "live service {service!r} names no service components, so the catalogue cannot "
            "show what it depends on",
            code="operation.catalogue-no-components",
            key="components",
            severity=Severity.MINOR,
            subjects=service.id,
            service=service.id,
        )


def _catalogue_audience(ctx: Context) -> list[str]:
    """The parties the catalogue is for: the customers of the live services and the parties
    that support them, other than the organization itself, sorted."""
    parties = {
        party
        for service in ctx.facts.live_services
        for party in (*service.customers, *service.supported_by)
    }
    parties.discard(ctx.sms.provider)
    return sorted(parties)


@rule(
    id="SMS18-8.2.4-catalogue",
    clause="8.2.4",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("service-catalogue", "documents", "2018"),
)
def service_catalogue_kept(ctx: Context) -> Iterator[Finding]:
    """A service catalogue is in force; every live service is in it, with its dependencies on
    other services (each live and catalogued) and the service components it is built from;
    and the catalogue has been given to the parties it concerns. No catalogue is major; the
    rest is minor.

    The catalogue's contents are read from the services (``in_catalogue``, ``depends_on``,
    ``components``) and the catalogue document naming each. The document's ``subjects`` say
    what it describes, not who received it, so the parties it was given to are those that
    acknowledged it: every customer of a live service and every party supporting one.

    Nonconforming: ``svc-1`` depends on ``svc-3``, which is in design; ``svc-2`` names no
    components; supplier ``supp-1`` supports ``svc-2`` but has no acknowledgement of the
    catalogue.
    Conforming: ``doc-catalogue`` names ``svc-1`` and ``svc-2``, ``svc-1`` depends on the live
    ``svc-2``, both name their components, and ``cust-1``, ``ops`` and ``supp-1`` acknowledged
    it.
    """
    catalogues = sorted(
        d.id for d in ctx.facts.documents_in_force_by_kind.get(DocumentKind.SERVICE_CATALOGUE, ())
    )
    if not catalogues:
        yield ctx.fail(
            "there is no service catalogue in force on {as_of} (a document of kind "
            "'service_catalogue')",
            code="operation.catalogue-missing",
            as_of=ctx.as_of,
        )
        return
    for service in ctx.each(ctx.facts.live_services):
        yield from _catalogue_entry_findings(ctx, catalogues, service)
    given: set[str] = set()
    for catalogue in catalogues:
        given.update(ctx.facts.acknowledged.get(catalogue, frozenset()))
    for party in _catalogue_audience(ctx):
        if party not in given:
            yield ctx.fail(
                "party {party!r} takes or supports a live service but has not acknowledged the "
                "service catalogue ({catalogues}), so nothing shows it was given it",
                code="operation.catalogue-not-given",
                key="given",
                subjects=(party, *catalogues),
                severity=Severity.MINOR,
                party=party,
                catalogues=catalogues,
            )


# --- 8.2.5 Asset management ------------------------------------------------------------------


def _assets_used(ctx: Context) -> dict[str, list[str]]:
    """For each live service, the ids of the assets used to deliver it: its components and
    the assets naming it, sorted."""
    serving: dict[str, set[str]] = {s.id: set(s.components) for s in ctx.facts.live_services}
    for asset in ctx.sms.assets:
        for service in asset.services:
            if service in serving:
                serving[service].add(asset.id)
    return {service: sorted(assets) for service, assets in serving.items()}


def _asset_findings(ctx: Context, asset: Asset, since: date) -> Iterator[Finding]:
    """What is missing from the management of one asset used for live services."""
    if asset.owner is None:
        yield ctx.fail(
            "asset {asset!r} used to deliver live services has no owner",
            code="operation.asset-no-owner",
            key="owner",
            subjects=asset.id,
            severity=Severity.MINOR,
            asset=asset.id,
        )
    if asset.kind in _LICENSED and not asset.licence:
        yield ctx.fail(
            "{kind} asset {asset!r} records no licence terms; the organization must know the "
            "terms it uses it under",
            code="operation.asset-no-licence",
            key="licence",
            subjects=asset.id,
            severity=Severity.MINOR,
            kind=asset.kind.value,
            asset=asset.id,
        )
    if asset.verified is None or asset.verified > ctx.as_of:
        yield ctx.fail(
            "asset {asset!r} has not been verified against the real asset by {as_of}",
            code="operation.asset-never-verified",
            key="verified",
            subjects=asset.id,
            severity=Severity.MINOR,
            asset=asset.id,
            as_of=ctx.as_of,
        )
    elif asset.verified < since:
        yield ctx.fail(
            "asset {asset!r} was last verified on {verified}, not since {since}; verify the "
            "asset records at planned intervals",
            code="operation.asset-verification-stale",
            key="verified",
            subjects=asset.id,
            severity=Severity.MINOR,
            asset=asset.id,
            verified=asset.verified,
            since=since,
        )
    if not asset.location:
        yield ctx.fail(
            "asset {asset!r} does not say where it is; recording its location helps manage it",
            code="operation.asset-no-location",
            key="location",
            subjects=asset.id,
            severity=Severity.OBSERVATION,
            asset=asset.id,
        )


@rule(
    id="SMS18-8.2.5-assets",
    clause="8.2.5",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("assets", "2018"),
)
def assets_identified_and_managed(ctx: Context) -> Iterator[Finding]:
    """The assets used to deliver the live services are identified (the service's components,
    or assets naming the service) and managed: each has an owner, software and licences carry
    their licence terms, and each was verified against the real asset within the last year;
    where it is kept is advised. No asset for any live service is major; the rest is minor.

    Nonconforming: no asset names ``svc-2`` and ``svc-2`` names no components; asset
    ``as-desk-tool`` (software) has no ``licence``; ``as-hosting`` was last verified in 2024.
    Conforming: ``{id: as-desk-tool, kind: software, owner: po, services: [svc-1], licence:
    50 named users, location: SaaS, verified: 2026-09-01}``.
    """
    live = ctx.facts.live_services
    if not live:
        yield ctx.not_applicable("no live service", code="operation.no-live-service")
        return
    used = _assets_used(ctx)
    if not any(used.values()):
        yield ctx.fail(
            "no asset used to deliver the live services ({services}) is identified",
            code="operation.assets-none",
            subjects=tuple(used),
            services=list(used),
        )
        return
    for service_id, assets in used.items():
        if not assets:
            yield ctx.fail(
                "live service {service!r} has no assets identified: it names no components "
                "and no asset names it",
                code="operation.service-no-assets",
                subjects=service_id,
                severity=Severity.MINOR,
                service=service_id,
            )
    since = ctx.back(_YEAR)
    for asset_id in ctx.each(sorted({a for assets in used.values() for a in assets})):
        yield from _asset_findings(ctx, ctx.sms.get(asset_id), since)


# --- 8.4.2 Demand management -----------------------------------------------------------------


@rule(
    id="SMS18-8.4.2-demand",
    clause="8.4.2",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("demand", "reporting", "2018"),
)
def demand_analysed(ctx: Context) -> Iterator[Finding]:
    """Current and forecast demand for the live services is determined and analysed at
    planned intervals: a ``demand`` report naming each live service was issued within the last
    year. No demand report at all is major; a live service left out, or last covered more
    than a year ago, is minor.

    Nonconforming: no report of kind ``demand``; or the only one, in 2025, names ``svc-1``
    alone.
    Conforming: ``reports: [{kind: demand, date: 2026-10-20, subjects: [svc-1, svc-2]}]``.
    """
    live = ctx.facts.live_services
    if not live:
        yield ctx.not_applicable("no live service", code="operation.no-live-service")
        return
    if not ctx.facts.reports_by_kind.get(ReportKind.DEMAND):
        yield ctx.fail(
            "no demand report by {as_of}: current and forecast demand for the services is not "
            "shown to be determined and analysed",
            code="operation.demand-none",
            as_of=ctx.as_of,
        )
        return
    since = ctx.back(_YEAR)
    for service in ctx.each(live):
        dates = [
            r.date
            for r in ctx.facts.reports_by_subject.get(service.id, ())
            if r.kind is ReportKind.DEMAND
        ]
        if not dates:
            yield ctx.fail(
                "no demand report covers live service {service!r}",
                code="operation.demand-service-uncovered",
                subjects=service.id,
                severity=Severity.MINOR,
                service=service.id,
            )
        elif max(dates) < since:
            yield ctx.fail(
                "the demand for live service {service!r} was last reported on {last}, not "
                "since {since}; analyse demand at planned intervals",
                code="operation.demand-stale",
                subjects=service.id,
                severity=Severity.MINOR,
                service=service.id,
                last=max(dates),
                since=since,
            )


# --- 8.5.1.1 Change management policy --------------------------------------------------------


@rule(
    id="SMS18-8.5.1.1-policy",
    clause="8.5.1.1",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("change", "policy", "2018"),
)
def change_policy_contents(ctx: Context) -> Iterator[Finding]:
    """A change management policy is in force (issued by the as-of date, or undated) and,
    between the change policies in force, defines which components and items are under change
    management, the categories of change, emergency changes, and the criteria for changes with
    a major impact. No policy is major; each missing content is a minor finding of its own.

    Nonconforming: no policy of kind ``change``; or ``pol-chg`` lists ``contents:
    [change_categories]`` only.
    Conforming: ``contents: [controlled_components, change_categories, emergency_changes,
    major_impact_criteria]``.
    """
    as_of = ctx.as_of
    policies = [
        p
        for p in ctx.facts.policies_by_kind.get(PolicyKind.CHANGE, ())
        if p.issued is None or p.issued <= as_of
    ]
    if not policies:
        yield ctx.fail(
            "there is no change management policy in force on {as_of} (a policy of kind 'change')",
            code="operation.change-policy-missing",
            as_of=as_of,
        )
        return
    ids = sorted(p.id for p in policies)
    defined = {content for p in policies for content in p.contents}
    for content, meaning in _CHANGE_POLICY_CONTENTS.items():
        if content not in defined:
            yield ctx.fail(
                "the change management policy ({policies}) does not define {content}: {meaning}",
                code="operation.change-policy-content-missing",
                key=content.value,
                subjects=tuple(ids),
                severity=Severity.MINOR,
                policies=ids,
                content=content.value,
                meaning=meaning,
            )


# --- 8.6.2 Service request management --------------------------------------------------------


def _request_process_findings(ctx: Context, process: Process) -> Iterator[Finding]:
    """What one service request management process lacks: an owner, a definition in force."""
    if process.owner is None:
        yield ctx.fail(
            "the service request management process {process!r} has no owner",
            code="operation.request-process-no-owner",
            key="owner",
            subjects=process.id,
            severity=Severity.MINOR,
            process=process.id,
        )
    definition = process.definition
    if definition is None:
        yield ctx.fail(
            "the service request management process {process!r} names no process definition",
            code="operation.request-process-undefined",
            key="definition",
            subjects=process.id,
            severity=Severity.MINOR,
            process=process.id,
        )
    elif not ctx.sms.get(definition).in_force(ctx.as_of):
        yield ctx.fail(
            "the definition {definition!r} of the service request management process "
            "{process!r} is not in force on {as_of}",
            code="operation.request-process-definition-not-in-force",
            key="definition",
            subjects=(process.id, definition),
            severity=Severity.MINOR,
            process=process.id,
            definition=definition,
            as_of=ctx.as_of,
        )


@rule(
    id="SMS18-8.6.2-process",
    clause="8.6.2",
    edition="2018",
    severity=Severity.MAJOR,
    tags=("service-requests", "processes", "2018"),
)
def service_request_process(ctx: Context) -> Iterator[Finding]:
    """Service request management is a process of its own (kind ``service_request``), with an
    owner and a process definition in force. The 2011 edition handled requests inside the
    incident and request process: when only that process exists, the finding is minor (the
    requests are managed, but not as the process the 2018 edition names); when neither
    exists, major.

    Nonconforming: only ``{id: p-inc, kind: incident_and_request}``; or ``{id: p-req, kind:
    service_request}`` with no ``owner`` or no ``definition``.
    Conforming: ``{id: p-req, kind: service_request, owner: po, definition: doc-req}`` with
    ``doc-req`` issued.
    """
    by_kind = ctx.facts.processes_by_kind
    processes = by_kind.get(ProcessKind.SERVICE_REQUEST, ())
    if processes:
        for process in processes:
            yield from _request_process_findings(ctx, process)
        return
    combined = sorted(p.id for p in by_kind.get(ProcessKind.INCIDENT_AND_REQUEST, ()))
    if combined:
        yield ctx.fail(
            "service requests are managed only within the incident and request process "
            "({processes}); the 2018 edition asks for service request management as a process "
            "of its own (kind 'service_request') with its own owner and definition",
            code="operation.request-process-combined",
            subjects=tuple(combined),
            severity=Severity.MINOR,
            processes=combined,
        )
    else:
        yield ctx.fail(
            "there is no service request management process (a process of kind 'service_request')",
            code="operation.request-process-missing",
        )
