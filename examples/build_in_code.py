"""Build a small service management system in Python and print it as YAML.

Run it with ``python examples/build_in_code.py``; the output loads back with
``sms_model.loads``. The model is made of frozen attrs classes that refer to each other by
id; :class:`~sms_model.ServiceManagementSystem` checks every reference when it is built.

The SMS below has a provider with its top management, a service management policy approved
by the CEO (guidance EV-c), a plan owned by the provider (4.5.2), two services with their
SLAs (6.1), and a few processes. Capacity management is operated by a supplier, so it has an
``OtherPartyProcess`` that keeps accountability with the provider and names the contract and
the four governance controls of ISO/IEC 20000-1:2011, 4.2.
"""

from __future__ import annotations

from datetime import date

import sms_model
from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    Approval,
    Clause4Duty,
    Document,
    DocumentKind,
    DutyAssignment,
    GovernanceControl,
    Objective,
    OtherPartyProcess,
    Party,
    PartyKind,
    Person,
    PlanStatus,
    PlanTopic,
    Policy,
    PolicyCommitment,
    PolicyKind,
    Process,
    ProcessKind,
    Scope,
    Service,
    ServiceLevel,
    ServiceManagementPlan,
    ServiceManagementSystem,
    TopManagement,
)

__all__ = ["build"]

LAUNCH = date(2026, 1, 15)


def _people() -> tuple[Person, ...]:
    return (
        Person(id="ceo", name="Dana Whitfield", party="acme", title="Chief Executive Officer"),
        Person(
            id="coo",
            name="Marcus Okafor",
            party="acme",
            reports_to="ceo",
            title="Chief Operating Officer",
        ),
        Person(
            id="head-sm",
            name="Elena Kovacs",
            party="acme",
            reports_to="coo",
            title="Head of Service Management",
        ),
        Person(
            id="capacity-mgr",
            name="Chloe Martin",
            party="acme",
            reports_to="coo",
            title="Capacity Manager",
        ),
        Person(id="globex-am", name="Ray Donovan", party="globex", title="Account Director"),
    )


def _processes() -> tuple[Process, ...]:
    return (
        Process(
            id="proc-slm",
            kind=ProcessKind.SERVICE_LEVEL,
            owner="head-sm",
            definition="pd-slm",
            interfaces=("proc-capacity", "proc-supplier"),
        ),
        Process(
            id="proc-supplier",
            kind=ProcessKind.SUPPLIER,
            owner="coo",
            definition="pd-supplier",
            interfaces=("proc-slm",),
        ),
        # Run by Globex day to day; the provider's capacity manager stays accountable (4.2).
        Process(
            id="proc-capacity",
            kind=ProcessKind.CAPACITY,
            owner="capacity-mgr",
            operated_by="globex",
            responsible=("globex-am",),
            definition="pd-capacity",
            interfaces=("proc-slm",),
        ),
        Process(id="proc-sms", kind=ProcessKind.SMS, owner="ceo", responsible=("head-sm",)),
    )


def _documents() -> tuple[Document, ...]:
    return tuple(
        Document(
            id=f"pd-{name}",
            kind=DocumentKind.PROCESS_DEFINITION,
            title=f"{title} process",
            owner=owner,
            issued=LAUNCH,
            subjects=(f"proc-{name}",),
        )
        for name, title, owner in (
            ("slm", "Service level management", "head-sm"),
            ("supplier", "Supplier management", "coo"),
            ("capacity", "Capacity management", "capacity-mgr"),
        )
    )


def _agreements() -> tuple[Agreement, ...]:
    slas = tuple(
        Agreement(
            id=f"sla-{service}",
            kind=AgreementKind.SERVICE_LEVEL_AGREEMENT,
            title=f"{title} SLA",
            parties=("acme", "northwind"),
            owner="head-sm",
            services=(f"svc-{service}",),
            terms=(AgreementTerm.SCOPE, AgreementTerm.TARGETS, AgreementTerm.RESPONSIBILITIES),
            accessible_to=("acme", "northwind"),
            effective=LAUNCH,
        )
        for service, title in (("hosting", "Cloud Hosting"), ("backup", "Backup and Recovery"))
    )
    # The contract says who answers for what, and both sides can read it (guidance APP-5).
    contract = Agreement(
        id="con-globex",
        kind=AgreementKind.CONTRACT,
        title="Globex data-centre and capacity management contract",
        parties=("acme", "globex"),
        owner="coo",
        services=("svc-hosting", "svc-backup"),
        terms=tuple(AgreementTerm),
        accessible_to=("acme", "globex"),
        effective=LAUNCH,
    )
    return (*slas, contract)


def build() -> ServiceManagementSystem:
    """A small but complete-looking SMS for Acme Managed Services."""
    services = (
        Service(
            id="svc-hosting",
            name="Cloud Hosting",
            customers=("northwind",),
            owner="coo",
            agreement="sla-hosting",
            supported_by=("globex",),
            service_levels=(ServiceLevel(metric="Monthly availability", target=">= 99.9%"),),
        ),
        Service(
            id="svc-backup",
            name="Backup and Recovery",
            customers=("northwind",),
            owner="coo",
            agreement="sla-backup",
            supported_by=("globex",),
            service_levels=(ServiceLevel(metric="Backup success rate", target=">= 99%"),),
        ),
    )
    return ServiceManagementSystem(
        name="Acme Managed Services SMS (built in code)",
        provider="acme",
        top_management=TopManagement(
            members=("ceo", "coo"),
            representative="head-sm",
            representative_appointment="appr-representative",
        ),
        scope=Scope(
            statement="Managed hosting and backup services delivered to business customers.",
            organisational_units=("acme",),
            services=("svc-hosting", "svc-backup"),
        ),
        plan=ServiceManagementPlan(
            id="plan-sms",
            title="Acme Service Management Plan 2026",
            status=PlanStatus.AGREED,
            owner="head-sm",
            maintained_by="acme",
            agreed_on=LAUNCH,
            topics=tuple(PlanTopic),
            objectives=("obj-availability",),
        ),
        duties=tuple(
            DutyAssignment(duty=duty, accountable="ceo", responsible=("head-sm",))
            for duty in Clause4Duty
        ),
        parties=(
            Party(id="acme", name="Acme Managed Services Ltd", kind=PartyKind.PROVIDER),
            Party(id="northwind", name="Northwind Logistics", kind=PartyKind.CUSTOMER),
            Party(id="globex", name="Globex Data Centres", kind=PartyKind.SUPPLIER),
        ),
        people=_people(),
        policies=(
            Policy(
                id="pol-sm",
                kind=PolicyKind.SERVICE_MANAGEMENT,
                title="Service Management Policy",
                owner="ceo",
                issued=LAUNCH,
                commitments=tuple(PolicyCommitment),
                communicated_to=("acme", "northwind", "globex"),
            ),
        ),
        objectives=(
            Objective(
                id="obj-availability",
                statement="Keep the hosting service available to its agreed level",
                owner="coo",
                target=">= 99.9% monthly availability",
                due=date(2026, 12, 31),
            ),
        ),
        services=services,
        processes=_processes(),
        other_party_processes=(
            OtherPartyProcess(
                id="opp-globex-capacity",
                party="globex",
                process="proc-capacity",
                agreement="con-globex",
                accountable="capacity-mgr",
                controls=tuple(GovernanceControl),
                start=LAUNCH,
            ),
        ),
        agreements=_agreements(),
        documents=_documents(),
        approvals=(
            Approval(id="appr-representative", subject="head-sm", approver="ceo", date=LAUNCH),
            Approval(id="appr-pol-sm", subject="pol-sm", approver="ceo", date=LAUNCH),
            Approval(
                id="appr-obj-availability", subject="obj-availability", approver="ceo", date=LAUNCH
            ),
        ),
    )


def main() -> None:
    """Build the SMS and print it as YAML."""
    print(sms_model.dumps(build()), end="")


if __name__ == "__main__":
    main()
