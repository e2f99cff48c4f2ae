"""Built-in rules for the relationship processes (ISO/IEC 20000-1:2011, 7): business
relationship management (7.1) and supplier management (7.2).

Choices made here:

- The provider person responsible for a customer relationship (7.1) is the owner of an
  agreement in force with that customer, normally its service level agreement; a role counts
  when provider people hold it.
- The customers are the parties of kind ``customer`` and every party a service names among its
  customers (an internal group can be an internal customer).
- A supplier that names a ``lead_supplier`` is sub-contracted: the provider manages it through
  the lead supplier, so it needs a contract with that lead supplier rather than with the
  provider, and its performance is reviewed through the lead supplier's reviews. That a
  sub-contractor's *process* is governed through its lead supplier is the graph gap
  ``subcontractor_not_governed``, reported by ``SMS-4.2-subcontractors``; the rules here check
  the contracts.
"""

from __future__ import annotations

from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    DocumentKind,
    LifecycleStage,
    Party,
    PartyKind,
    ReviewKind,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_YEAR = relativedelta(years=1)
_GONE = (LifecycleStage.REMOVED, LifecycleStage.TRANSFERRED)
_CUSTOMER_KINDS = (PartyKind.CUSTOMER, PartyKind.INTERNAL_GROUP)
#: What a supplier contract must state (7.2).
_CONTRACT_TERMS = (
    AgreementTerm.SCOPE,
    AgreementTerm.REQUIREMENTS,
    AgreementTerm.TARGETS,
    AgreementTerm.AUTHORITIES,
    AgreementTerm.RESPONSIBILITIES,
)


def _customers(ctx: Context) -> tuple[str, ...]:
    """Customer party ids, in file order: parties of kind customer, and internal groups that
    a service names among its customers (a wrongly named supplier is reported once, by
    ``SMS-7.1-customers``)."""
    named = {c for s in ctx.sms.services if s.stage not in _GONE for c in s.customers}
    return tuple(
        p.id
        for p in ctx.sms.parties
        if p.kind is PartyKind.CUSTOMER or (p.id in named and p.kind in _CUSTOMER_KINDS)
    )


def _services_of(ctx: Context, customer: str) -> tuple[str, ...]:
    return ctx.facts.services_by_customer.get(customer, ())


def _provider_people(ctx: Context, owner: str | None) -> tuple[str, ...]:
    """The provider's people behind an owner reference (the person, or a role's holders)."""
    if owner is None or not ctx.sms.is_provider_side(owner):
        return ()
    return tuple(p for p in ctx.sms.people_of(owner) if ctx.sms.is_provider_side(p))


def _direct_suppliers(ctx: Context) -> tuple[Party, ...]:
    """Suppliers the provider contracts with itself (not sub-contracted ones)."""
    suppliers = ctx.facts.parties_by_kind.get(PartyKind.SUPPLIER, ())
    return tuple(p for p in suppliers if p.lead_supplier is None)


def _provider_contracts(ctx: Context, supplier: str) -> tuple[Agreement, ...]:
    """Contracts in force between the provider and ``supplier``."""
    return tuple(
        a
        for a in ctx.facts.agreements_in_force_by_party.get(supplier, ())
        if a.kind is AgreementKind.CONTRACT and ctx.sms.provider in a.parties
    )


def _supplier_contracts(ctx: Context) -> Iterator[tuple[Party, Agreement]]:
    """Each direct supplier with each contract in force it has with the provider."""
    for supplier in _direct_suppliers(ctx):
        for contract in _provider_contracts(ctx, supplier.id):
            yield supplier, contract


# --- 7.1 Business relationship management -------------------------------------------------


@rule(
    id="SMS-7.1-customers",
    clause="7.1",
    clauses={"2018": "8.3.2"},
    severity=Severity.MAJOR,
    tags=("relationship", "customers"),
)
def customers_identified(ctx: Context) -> Iterator[Finding]:
    """Every service that is not removed or transferred names its customers, and each one is a
    customer (or, for an internal customer, an internal group), not a supplier or the provider.

    Nonconforming: service ``svc-2`` lists no customers, or lists supplier ``supp-1``.
    Conforming: ``svc-1`` with ``customers: [cust-1]``, a party of kind ``customer``.
    """
    sms = ctx.sms
    for service in sms.services:
        if service.stage in _GONE:
            continue
        if not service.customers:
            yield ctx.fail(
                "service {service!r} names no customers; identify who receives it",
                code="relationship.customers-none",
                subjects=service.id,
                service=service.id,
            )
            continue
        for customer in service.customers:
            party = sms.get(customer)
            if party.kind not in _CUSTOMER_KINDS:
                yield ctx.fail(
                    "service {service!r} names {customer!r} as a customer, but it is a party "
                    "of kind {kind!r}; expected a customer or an internal group",
                    code="relationship.customer-wrong-kind",
                    subjects=(service.id, customer),
                    severity=Severity.MINOR,
                    service=service.id,
                    customer=customer,
                    kind=party.kind.value,
                )


@rule(
    id="SMS-7.1-relationship-owner",
    clause="7.1",
    clauses={"2018": "8.3.2"},
    severity=Severity.MINOR,
    tags=("relationship", "customers", "accountability"),
)
def customer_relationship_owned(ctx: Context) -> Iterator[Finding]:
    """Each customer has a named person of the provider responsible for the relationship: the
    owner of an agreement in force with that customer (normally its SLA).

    Nonconforming: the only agreement with ``cust-1`` has no owner, or is owned by the
    customer's own contact, or has expired.
    Conforming: ``sla-1`` with ``parties: [prov, cust-1]`` and ``owner: po``, a provider person.
    """
    for customer in _customers(ctx):
        agreements = ctx.facts.agreements_in_force_by_party.get(customer, ())
        if not agreements:
            yield ctx.fail(
                "customer {customer!r} has no agreement in force, so no provider person is "
                "named as responsible for the relationship",
                code="relationship.owner-no-agreement",
                subjects=customer,
                customer=customer,
            )
            continue
        owned = [a for a in agreements if _provider_people(ctx, a.owner)]
        if not owned:
            checked = [a.id for a in agreements]
            yield ctx.fail(
                "no agreement with customer {customer!r} has an owner among the provider's "
                "people (checked {agreements}); name the person responsible for the "
                "relationship",
                code="relationship.owner-missing",
                subjects=(customer, *checked),
                customer=customer,
                agreements=checked,
            )


@rule(
    id="SMS-7.1-service-review",
    clause="7.1",
    clauses={"2018": "8.3.2"},
    severity=Severity.MINOR,
    tags=("relationship", "customers", "cadence"),
)
def customer_service_reviews(ctx: Context) -> Iterator[Finding]:
    """Each customer takes part in a service review that names it, within the cadence of
    the ``customer-service-review`` expectation (yearly by default).

    Nonconforming: the last customer service review naming ``cust-1`` was in 2024.
    Conforming: ``{kind: customer_service_review, date: 2026-06-16, subjects: [cust-1]}``.
    """
    reviews = ctx.facts.reviews_by_subject
    for customer in _customers(ctx):
        yield from ctx.check_cadence(
            "customer-service-review",
            (
                (r.date, r.id)
                for r in reviews.get(customer, ())
                if r.kind is ReviewKind.CUSTOMER_SERVICE_REVIEW
            ),
            what=f"service review with customer {customer!r}",
            subjects=customer,
        )


@rule(
    id="SMS-7.1-complaints",
    clause="7.1",
    clauses={"2018": "8.3.2"},
    severity=Severity.MAJOR,
    tags=("relationship", "customers", "documents"),
)
def complaint_procedure(ctx: Context) -> Iterator[Finding]:
    """A procedure for handling service complaints is documented and issued.

    Nonconforming: no issued document of kind ``complaint_procedure`` (or only a draft).
    Conforming: ``{kind: complaint_procedure, status: issued}``.
    """
    if not ctx.facts.documents_in_force_by_kind.get(DocumentKind.COMPLAINT_PROCEDURE):
        yield ctx.fail(
            "no issued complaint procedure; document how service complaints are handled",
            code="relationship.complaint-procedure-missing",
        )


@rule(
    id="SMS-7.1-satisfaction",
    clause="7.1",
    clauses={"2018": "8.3.2"},
    severity=Severity.MAJOR,
    tags=("relationship", "customers", "evidence"),
)
def customer_satisfaction_measured(ctx: Context) -> Iterator[Finding]:
    """Customer satisfaction is measured: in the last year, a ``satisfaction-survey`` evidence
    record names each customer (or one of its services).

    Nonconforming: no survey at all (major); the last survey was 18 months ago, or this year's
    survey left out customer ``cust-2`` (minor).
    Conforming: ``{kind: satisfaction-survey, effective: 2026-09-30, subjects: [cust-1]}``.
    """
    customers = _customers(ctx)
    if not customers:
        return
    if not _any_survey(ctx):
        yield ctx.fail(
            "no customer satisfaction survey on record by {as_of}; measure customer satisfaction",
            code="relationship.satisfaction-none",
            as_of=ctx.as_of,
        )
        return
    since = ctx.back(_YEAR)
    by_subject = ctx.facts.evidence_by_subject
    for customer in ctx.each(customers):
        names = (customer, *_services_of(ctx, customer))
        surveyed = any(
            e.kind == "satisfaction-survey" and e.effective >= since
            for name in names
            for e in by_subject.get(name, ())
        )
        if not surveyed:
            yield ctx.fail(
                "no satisfaction survey naming customer {customer!r} or its services since {since}",
                code="relationship.satisfaction-stale",
                subjects=customer,
                severity=Severity.MINOR,
                customer=customer,
                since=since,
            )


def _any_survey(ctx: Context) -> bool:
    return ctx.facts.has_evidence("satisfaction-survey")


# --- 7.2 Supplier management --------------------------------------------------------------


@rule(
    id="SMS-7.2-contract",
    clause="7.2",
    clauses={"2018": "8.3.4.1"},
    severity=Severity.MAJOR,
    tags=("supplier", "agreements"),
)
def supplier_has_contract(ctx: Context) -> Iterator[Finding]:
    """Every supplier the provider uses directly has a contract with the provider in force on
    the as-of date (sub-contracted suppliers are checked by ``SMS-7.2-subcontractors``).

    Nonconforming: supplier ``supp-1`` has no contract, or its only contract expired last year.
    Conforming: ``con-1`` of kind ``contract`` with ``parties: [prov, supp-1]``, in force.
    """
    for supplier in _direct_suppliers(ctx):
        if _provider_contracts(ctx, supplier.id):
            continue
        lapsed = [
            a
            for a in ctx.sms.agreements
            if a.kind is AgreementKind.CONTRACT
            and supplier.id in a.parties
            and ctx.sms.provider in a.parties
        ]
        if lapsed:
            contracts = [a.id for a in lapsed]
            yield ctx.fail(
                "supplier {supplier!r} has no contract with the provider: its contracts are not "
                "in force on {as_of} ({contracts})",
                code="relationship.contract-lapsed",
                subjects=(supplier.id, *contracts),
                supplier=supplier.id,
                as_of=ctx.as_of,
                contracts=contracts,
            )
        else:
            yield ctx.fail(
                "supplier {supplier!r} has no contract with the provider: no contract names "
                "both it and the provider",
                code="relationship.contract-missing",
                subjects=supplier.id,
                supplier=supplier.id,
            )


@rule(
    id="SMS-7.2-contract-owner",
    clause="7.2",
    clauses={"2018": "8.3.4.1"},
    severity=Severity.MINOR,
    tags=("supplier", "agreements", "accountability"),
)
def supplier_contract_owned(ctx: Context) -> Iterator[Finding]:
    """Each supplier contract has a named person of the provider responsible for it.

    Nonconforming: ``con-1`` has no owner, or is owned by the supplier's account manager.
    Conforming: ``con-1`` with ``owner: po``, the provider's process manager.
    """
    for supplier, contract in _supplier_contracts(ctx):
        if _provider_people(ctx, contract.owner):
            continue
        subjects = (contract.id, supplier.id)
        if contract.owner is None:
            yield ctx.fail(
                "contract {contract!r} with supplier {supplier!r} has no owner; name the "
                "provider person responsible for it",
                code="relationship.contract-owner-none",
                subjects=subjects,
                contract=contract.id,
                supplier=supplier.id,
            )
        elif ctx.sms.is_provider_side(contract.owner):
            yield ctx.fail(
                "contract {contract!r} with supplier {supplier!r} is owned by {owner!r}, a role "
                "no provider person holds; name the provider person responsible for it",
                code="relationship.contract-owner-unheld",
                subjects=subjects,
                contract=contract.id,
                supplier=supplier.id,
                owner=contract.owner,
            )
        else:
            yield ctx.fail(
                "contract {contract!r} with supplier {supplier!r} is owned by {owner!r}, who is "
                "not of the provider; name the provider person responsible for it",
                code="relationship.contract-owner-external",
                subjects=subjects,
                contract=contract.id,
                supplier=supplier.id,
                owner=contract.owner,
            )


@rule(
    id="SMS-7.2-contract-terms",
    clause="7.2",
    clauses={"2018": "8.3.4.1"},
    guidance=("APP-5",),
    severity=Severity.MINOR,
    tags=("supplier", "agreements"),
)
def supplier_contract_terms(ctx: Context) -> Iterator[Finding]:
    """Each supplier contract states its scope, requirements, targets, authorities and
    responsibilities.

    Nonconforming: ``con-1`` lists only ``scope`` and ``targets``.
    Conforming: ``terms: [scope, requirements, targets, authorities, responsibilities]``.
    """
    for supplier, contract in _supplier_contracts(ctx):
        missing = [t.value for t in _CONTRACT_TERMS if t not in contract.terms]
        if missing:
            yield ctx.fail(
                "contract {contract!r} with supplier {supplier!r} does not state: {terms}",
                code="relationship.contract-terms-missing",
                subjects=(contract.id, supplier.id),
                contract=contract.id,
                supplier=supplier.id,
                terms=missing,
            )


@rule(
    id="SMS-7.2-supplier-review",
    clause="7.2",
    clauses={"2018": "8.3.4.1"},
    severity=Severity.MINOR,
    tags=("supplier", "cadence"),
)
def supplier_performance_reviewed(ctx: Context) -> Iterator[Finding]:
    """Each supplier's performance is reviewed in a review naming the supplier or its
    contract, within the cadence of the ``supplier-review`` expectation (yearly by default).

    Nonconforming: no supplier performance review of ``supp-1`` since 2024.
    Conforming: ``{kind: supplier_performance_review, date: 2026-07-01, subjects: [supp-1]}``.
    """
    reviews = ctx.facts.reviews_by_subject
    for supplier in _direct_suppliers(ctx):
        names = (supplier.id, *(a.id for a in _provider_contracts(ctx, supplier.id)))
        records = {
            (r.date, r.id)
            for name in names
            for r in reviews.get(name, ())
            if r.kind is ReviewKind.SUPPLIER_PERFORMANCE_REVIEW
        }
        yield from ctx.check_cadence(
            "supplier-review",
            sorted(records),
            what=f"performance review of supplier {supplier.id!r}",
            subjects=supplier.id,
        )


@rule(
    id="SMS-7.2-subcontractors",
    clause="7.2",
    guidance=("APP-5",),
    severity=Severity.MINOR,
    tags=("supplier", "agreements", "subcontractor"),
)
def subcontractors_contracted_by_lead(ctx: Context) -> Iterator[Finding]:
    """A sub-contracted supplier's lead supplier is itself a supplier, and a contract in force
    binds the sub-contractor to its lead supplier (a contract naming both), so the lead supplier
    can manage it.

    Nonconforming: ``supp-2`` names ``lead_supplier: supp-1`` but no contract names both
    (or its lead is a customer).
    Conforming: ``con-2`` of kind ``contract`` with ``parties: [supp-1, supp-2]``.
    """
    sms = ctx.sms
    for party in sms.parties:
        lead_id = party.lead_supplier
        if lead_id is None:
            continue
        lead = sms.get(lead_id)
        if lead.kind is not PartyKind.SUPPLIER:
            yield ctx.fail(
                "{party!r} names {lead!r} as its lead supplier, but that party is of kind "
                "{kind!r}; a lead supplier must be a supplier",
                code="relationship.lead-not-supplier",
                subjects=(party.id, lead_id),
                party=party.id,
                lead=lead_id,
                kind=lead.kind.value,
            )
            continue
        binding = [
            a
            for a in ctx.facts.agreements_in_force_by_party.get(party.id, ())
            if a.kind is AgreementKind.CONTRACT and lead_id in a.parties
        ]
        if not binding:
            yield ctx.fail(
                "sub-contracted supplier {party!r} has no contract in force with its lead "
                "supplier {lead!r}; expected a contract naming both",
                code="relationship.subcontract-missing",
                subjects=(party.id, lead_id),
                party=party.id,
                lead=lead_id,
            )
