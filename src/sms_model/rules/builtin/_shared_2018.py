"""Built-in rules for clauses of the 2018 edition of ISO/IEC 20000-1 that no 2011 rule checks
in the form 2018 gives them: the planning and control of the processes of the SMS (8.1), the
service requirements of the services delivered and planned (8.2.2), the pattern of
relationships and agreements with customers and suppliers (8.3.1) and the agreements with
internal suppliers and customers acting as suppliers (8.3.4.2).

Most requirements the two editions share are checked by one rule that names a clause of each
edition (``clauses={"2018": ...}`` on the rules of the 2011 modules); the rules here check only
the 2018 edition.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    LifecycleStage,
    PartyKind,
    Process,
    Service,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []


# --- 8.1 Operational planning and control ---------------------------------------------------


def _label(process: Process) -> str:
    """The kind of a process in words, for messages: ``incident and request``."""
    return process.kind.value.replace("_", " ")


@rule(
    id="SMS18-8.1-process-control",
    clause="8.1",
    edition="2018",
    guidance=("APP-5",),
    severity=Severity.MAJOR,
    tags=("processes", "accountability", "2018"),
)
def processes_under_control(ctx: Context) -> Iterator[Finding]:
    """Every process of the SMS is planned and controlled by the organization: it has an owner
    of the organization, a person of it or a role its people hold, who sets the criteria the
    process runs by and sees that it keeps to them. A process another party operates is no
    exception: 8.1 asks for outsourced processes to be controlled too, so the organization
    still owns it.

    (Whether each process is documented is SMS-4.3.1-process-definitions; whether the
    Clauses 4 and 5 work stays with the organization is SMS18-4.4-APP-1.)

    Nonconforming: the problem process has no ``owner``; or capacity management, operated by
    supplier ``supp-1``, is owned by the supplier's account manager; or by a role nobody of
    the organization holds.
    Conforming: ``{id: p-cap, kind: capacity, owner: po, operated_by: supp-1}`` with ``po`` a
    person of the organization.
    """
    sms = ctx.sms
    if not sms.processes:
        yield ctx.fail(
            "the SMS defines no process, so none is planned or controlled",
            code="governance.processes-none",
        )
    for process in sms.processes:
        owner = process.owner
        if owner is None:
            yield ctx.fail(
                "process {process!r} ({kind}) has no owner; name the person or role of the "
                "organization who plans and controls it",
                code="governance.process-owner-none",
                subjects=process.id,
                process=process.id,
                kind=_label(process),
            )
        elif not sms.is_provider_side(owner):
            yield ctx.fail(
                "process {process!r} ({kind}) is owned by {owner!r} of {party!r}; the "
                "organization keeps control of its processes, also of those other parties "
                "operate, so a person or role of {organization!r} must own it",
                code="governance.process-owner-outside",
                subjects=(process.id, owner),
                process=process.id,
                kind=_label(process),
                owner=owner,
                party=sms.party_of(owner),
                organization=sms.provider,
            )
        elif not any(sms.is_provider_side(p) for p in sms.people_of(owner)):
            yield ctx.fail(
                "process {process!r} ({kind}) is owned by role {owner!r}, which no person of "
                "the organization holds; have one of its people hold it, or name another owner",
                code="governance.process-owner-unheld",
                subjects=(process.id, owner),
                process=process.id,
                kind=_label(process),
                owner=owner,
            )


# --- 8.2.2 Plan the services ----------------------------------------------------------------

#: The services whose requirements 8.2.2 asks to be determined here: those delivered and those
#: planned (a service in design or transition is SMS-5.3-requirements', 8.5.2.2).
_REQUIRED_STAGES: Final = (LifecycleStage.LIVE, LifecycleStage.PLANNED)


@rule(
    id="SMS18-8.2.2-requirements",
    clause="8.2.2",
    edition="2018",
    severity=Severity.MINOR,
    tags=("services", "requirements", "2018"),
)
def service_requirements_determined(ctx: Context) -> Iterator[Finding]:
    """The service requirements of every live or planned service are determined and
    documented: the service states them (``requirements``). A service in design or transition
    is checked by SMS-5.3-requirements, which the 2018 edition reads as part of the design of
    a new or changed service (8.5.2.2). With no live or planned service there is nothing to
    check.

    Nonconforming: live service ``svc-2`` with ``requirements: []``; or a planned service
    that states none.
    Conforming: ``{id: svc-2, stage: live, requirements: [24x7 monitoring]}``.
    """
    services = [s for s in ctx.sms.services if s.stage in _REQUIRED_STAGES]
    if not services:
        yield ctx.not_applicable(
            "no service is live or planned", code="services.none-live-or-planned"
        )
        return
    for service in services:
        if not service.requirements:
            yield ctx.fail(
                "{stage} service {service!r} states no service requirements; determine and "
                "document what it must meet",
                code="services.requirements-missing",
                subjects=service.id,
                stage=service.stage.value,
                service=service.id,
            )


# --- 8.3.1 Relationship and agreement: general ----------------------------------------------

#: For each kind of agreement, the kinds of party it must not be made with, and the kind of
#: agreement that relationship calls for (8.3.1: customers agree services in service level
#: agreements (8.3.3); external suppliers are bound by contracts (8.3.4.1); internal suppliers
#: and customers acting as suppliers by documented agreements (8.3.4.2)).
_MISMATCHES: Final = {
    AgreementKind.SERVICE_LEVEL_AGREEMENT: (
        PartyKind.SUPPLIER,
        "an external supplier is bound by a contract (8.3.4.1); service level agreements are "
        "made with customers (8.3.3)",
    ),
    AgreementKind.OPERATIONAL_LEVEL_AGREEMENT: (
        PartyKind.SUPPLIER,
        "an external supplier is bound by a contract (8.3.4.1); operational level agreements "
        "are for internal suppliers and customers acting as suppliers (8.3.4.2)",
    ),
    AgreementKind.CONTRACT: (
        PartyKind.INTERNAL_GROUP,
        "an internal supplier is bound by a documented agreement such as an operational level "
        "agreement (8.3.4.2); contracts are for external suppliers (8.3.4.1)",
    ),
}


def _agreements_of_the_organization(ctx: Context) -> list[Agreement]:
    """The agreements in force on the as-of date that the organization is a party to, by id."""
    provider, as_of = ctx.sms.provider, ctx.as_of
    found = [a for a in ctx.sms.agreements if provider in a.parties and a.in_force(as_of)]
    return sorted(found, key=lambda a: a.id)


@rule(
    id="SMS18-8.3.1-agreement-kinds",
    clause="8.3.1",
    edition="2018",
    severity=Severity.MINOR,
    tags=("relationship", "agreements", "2018"),
)
def agreements_fit_their_relationships(ctx: Context) -> Iterator[Finding]:
    """Each agreement in force that the organization has made is of the kind its relationship
    calls for, as 8.3.1 lays the relationships out: services are agreed with customers in
    service level agreements, external suppliers are bound by contracts, and internal
    suppliers (internal groups) and customers acting as suppliers by documented agreements. So
    no service level agreement or operational level agreement is made with a supplier, and no
    contract with an internal group. (That each relationship has its agreement is checked by
    the rules of 8.3.3, 8.3.4.1 and 8.3.4.2.) With no agreement in force there is nothing to
    check.

    Nonconforming: ``{id: sla-3, kind: service_level_agreement, parties: [prov, supp-1]}``; or
    ``{kind: contract, parties: [prov, ops]}`` with ``ops`` an internal group.
    Conforming: ``sla-1`` with ``parties: [prov, cust-1]``, ``con-1`` with ``[prov, supp-1]``
    and ``ola-1`` with ``[prov, ops]``.
    """
    agreements = _agreements_of_the_organization(ctx)
    if not agreements:
        yield ctx.not_applicable(
            "the organization has no agreement in force on {as_of}",
            code="relationship.agreements-none",
            as_of=ctx.as_of,
        )
        return
    for agreement in agreements:
        mismatch = _MISMATCHES.get(agreement.kind)
        if mismatch is None:
            continue
        wrong_kind, expected = mismatch
        parties = [p for p in agreement.parties if ctx.sms.get(p).kind is wrong_kind]
        if parties:
            yield ctx.fail(
                "{kind} {agreement!r} is made with {party_kind} {parties!r}: {expected}",
                code="relationship.agreement-kind-mismatch",
                subjects=(agreement.id, *parties),
                kind=agreement.kind.value.replace("_", " "),
                agreement=agreement.id,
                party_kind=wrong_kind.value.replace("_", " "),
                parties=parties,
                expected=expected,
            )


# --- 8.3.4.2 Management of internal suppliers and customers acting as a supplier -----------

#: Who a party supporting a live service is, when it is not an external supplier (8.3.4.2).
_INTERNAL_SUPPLIERS: Final = {
    PartyKind.INTERNAL_GROUP: "internal supplier",
    PartyKind.CUSTOMER: "customer acting as a supplier",
}


def _agreements_for(ctx: Context, party: str, service: Service) -> list[Agreement]:
    """The agreements in force between the organization and ``party`` that list ``service``,
    other than service level agreements (which say what the organization delivers), by id."""
    return sorted(
        (
            a
            for a in ctx.facts.agreements_in_force_by_party.get(party, ())
            if ctx.sms.provider in a.parties
            and service.id in a.services
            and a.kind is not AgreementKind.SERVICE_LEVEL_AGREEMENT
        ),
        key=lambda a: a.id,
    )


@rule(
    id="SMS18-8.3.4.2-agreements",
    clause="8.3.4.2",
    edition="2018",
    severity=Severity.MINOR,
    tags=("relationship", "agreements", "2018"),
)
def internal_suppliers_under_agreement(ctx: Context) -> Iterator[Finding]:
    """Each internal supplier (an internal group) and each customer acting as a supplier that
    supports a live service works to a documented agreement in force with the organization
    for that service (an operational level agreement, say), which defines the service level
    targets. External suppliers are bound by contracts instead (8.3.4.1). With no live service
    supported by either there is nothing to check.

    Nonconforming: ``svc-1`` is ``supported_by: [ops]`` and no agreement in force between
    ``prov`` and ``ops`` lists ``svc-1``; or ``ola-1`` lists it but has no ``targets`` term.
    Conforming: ``ola-1`` of kind ``operational_level_agreement`` with ``parties: [prov,
    ops]``, ``services: [svc-1]`` and ``terms: [..., targets]``, in force.
    """
    supported = [
        (service, party, _INTERNAL_SUPPLIERS[party.kind])
        for service in ctx.facts.live_services
        for party in (ctx.sms.get(p) for p in dict.fromkeys(service.supported_by))
        if party.kind in _INTERNAL_SUPPLIERS
    ]
    if not supported:
        yield ctx.not_applicable(
            "no internal supplier or customer acting as a supplier supports a live service",
            code="relationship.no-internal-supplier",
        )
        return
    for service, party, role in supported:
        agreements = _agreements_for(ctx, party.id, service)
        if not agreements:
            yield ctx.fail(
                "{role} {party!r} supports live service {service!r} with no documented "
                "agreement in force for it",
                code="relationship.internal-agreement-missing",
                subjects=(service.id, party.id),
                role=role,
                party=party.id,
                service=service.id,
            )
        elif not any(AgreementTerm.TARGETS in a.terms for a in agreements):
            names = [a.id for a in agreements]
            yield ctx.fail(
                "no agreement with {role} {party!r} for live service {service!r} ({agreements!r}) "
                "defines service level targets",
                code="relationship.internal-agreement-no-targets",
                subjects=(service.id, party.id, *names),
                role=role,
                party=party.id,
                service=service.id,
                agreements=names,
            )
