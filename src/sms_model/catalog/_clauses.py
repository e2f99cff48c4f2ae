"""The clause structure of ISO/IEC 20000-1, as data.

Clause numbers and short titles are facts about the standard; every ``summary`` is our own
one-sentence paraphrase of what a clause expects, never the standard's wording. Both editions are
modelled in full: 2011 (Clauses 4 to 9) and 2018 (Clauses 4 to 10). In 2011 the PDCA phase is
stated row by row, where one clearly applies; the 2018 edition is laid out along the cycle
(Clauses 4 to 7 plan, 8 does, 9 checks, 10 acts), so each of its sub-clauses takes the phase of
its top-level clause, declared once in ``_PHASES_2018``. Top-level clauses are headings and carry
no phase, in both editions.

Length: the module is one table per edition, a row per clause read top to bottom like the
standard's table of contents; splitting an edition across modules would scatter one table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from sms_model.errors import Issue, ModelValidationError, UnknownReferenceError

__all__ = [
    "EDITIONS",
    "Clause",
    "Phase",
    "clause",
    "clauses",
    "is_within",
    "leaf_clauses",
]

#: Editions of ISO/IEC 20000-1 the catalogue knows, oldest first.
EDITIONS: Final[tuple[str, ...]] = ("2011", "2018")


class Phase(enum.Enum):
    """A step of the Plan-Do-Check-Act cycle the SMS runs (2011: 4.5; 2018: Clauses 4 to 10)."""

    PLAN = "plan"
    DO = "do"
    CHECK = "check"
    ACT = "act"


@attrs.frozen(kw_only=True)
class Clause:
    """One clause or sub-clause of ISO/IEC 20000-1.

    ``parent`` is the number of the enclosing clause (``None`` for a top-level clause);
    ``pdca`` is the step of the PDCA cycle the clause belongs to, where one clearly applies;
    ``summary`` is our own paraphrase of what the clause expects.

    >>> c = clause("4.5.4.2")
    >>> c.title, c.parent, c.pdca
    ('Internal audit', '4.5.4', <Phase.CHECK: 'check'>)
    >>> c = clause("8.2.5", edition="2018")
    >>> c.title, c.parent, c.pdca
    ('Asset management', '8.2', <Phase.DO: 'do'>)
    >>> c.summary
    'Assets used to deliver the services are identified and managed to meet requirements and
    obligations.'
    >>> clause("9", edition="2018").pdca is None
    True
    """

    number: str
    title: str
    parent: str | None = None
    edition: str = "2011"
    pdca: Phase | None = None
    summary: str | None = None


_P, _D, _C, _A = Phase.PLAN, Phase.DO, Phase.CHECK, Phase.ACT

# (number, title, pdca, summary) in document order; parents are derived from the numbers.
_Row = tuple[str, str, Phase | None, str | None]

_ROWS_2011: Final[tuple[_Row, ...]] = (
    (
        "4",
        "Service management system general requirements",
        None,
        "The provider runs a service management system of its own, with no requirement left out.",
    ),
    (
        "4.1",
        "Management responsibility",
        None,
        "Top management leads the SMS and keeps accountability for it.",
    ),
    (
        "4.1.1",
        "Management commitment",
        _P,
        "Top management shows, with records, that it takes part in every stage of the SMS.",
    ),
    (
        "4.1.2",
        "Service management policy",
        _P,
        "Top management approves a policy that commits to service requirements and to continual "
        "improvement, frames the objectives, is communicated and is reviewed at set intervals.",
    ),
    (
        "4.1.3",
        "Authority, responsibility and communication",
        _P,
        "Who may decide and who must act for the SMS is defined and kept current, and a written "
        "procedure governs how the SMS is communicated.",
    ),
    (
        "4.1.4",
        "Management representative",
        _P,
        "Top management names one manager of the provider's own staff who holds authority over "
        "the SMS.",
    ),
    (
        "4.2",
        "Governance of processes operated by other parties",
        None,
        "Each process run by an internal group, a customer or a supplier is identified, and the "
        "provider keeps control of its definition, interfaces, performance and improvement.",
    ),
    ("4.3", "Documentation management", None, None),
    (
        "4.3.1",
        "Establish and maintain documents",
        None,
        "The policy, objectives, plan, catalogue, agreements, processes, procedures and records "
        "of the SMS exist as documents.",
    ),
    (
        "4.3.2",
        "Control of documents",
        None,
        "Documents are approved before use, carry versions, are reviewed, and outdated copies "
        "are taken out of use.",
    ),
    (
        "4.3.3",
        "Control of records",
        None,
        "Records are identified, stored, protected, kept for a set time and then disposed of.",
    ),
    ("4.4", "Resource management", None, None),
    (
        "4.4.1",
        "Provision of resources",
        _D,
        "The people, technology, information and money the SMS needs are worked out and made "
        "available.",
    ),
    (
        "4.4.2",
        "Human resources",
        _D,
        "Each role has its needed competence defined, staff are trained and aware, and training "
        "is recorded.",
    ),
    ("4.5", "Establish and improve the SMS", None, None),
    (
        "4.5.1",
        "Define scope",
        _P,
        "The scope statement names the organisational units and the services the SMS covers.",
    ),
    (
        "4.5.2",
        "Plan the SMS",
        _P,
        "A service management plan sets out objectives, requirements, limits, obligations, "
        "roles, resources, risk approach, technology and how effectiveness is measured.",
    ),
    (
        "4.5.3",
        "Implement and operate the SMS",
        _D,
        "Budgets, roles, resources, service risks, processes and performance reporting are "
        "managed while the SMS runs.",
    ),
    ("4.5.4", "Monitor and review the SMS", _C, None),
    (
        "4.5.4.1",
        "General",
        _C,
        "Methods for monitoring and measuring the SMS and its services are chosen and applied.",
    ),
    (
        "4.5.4.2",
        "Internal audit",
        _C,
        "Audits of the SMS follow a programme at set intervals, auditors never check their own "
        "work, and what they find is followed up.",
    ),
    (
        "4.5.4.3",
        "Management review",
        _C,
        "Top management reviews the SMS at set intervals, using defined inputs and recording "
        "the decisions taken.",
    ),
    ("4.5.5", "Maintain and improve the SMS", _A, None),
    (
        "4.5.5.1",
        "General",
        _A,
        "A policy for improvement exists and nonconformities lead to corrective action.",
    ),
    (
        "4.5.5.2",
        "Management of improvements",
        _A,
        "Improvements are logged, ranked, approved and measured against their targets.",
    ),
    (
        "5",
        "Design and transition of new or changed services",
        None,
        "New services, high-impact changes, transfers and removals of services go through "
        "planned design and transition.",
    ),
    (
        "5.1",
        "General",
        None,
        "The change policy decides which changes must pass through design and transition.",
    ),
    (
        "5.2",
        "Plan new or changed services",
        _P,
        "Each new or changed service has a plan with resources, timescales, risks and "
        "acceptance criteria.",
    ),
    (
        "5.3",
        "Design and development of new or changed services",
        _D,
        "The service is designed and the design is written down before it is built.",
    ),
    (
        "5.4",
        "Transition of new or changed services",
        _D,
        "The transition is tested, and afterwards a report compares results with what was "
        "expected.",
    ),
    ("6", "Service delivery processes", None, None),
    (
        "6.1",
        "Service level management",
        None,
        "Services are listed in an agreed catalogue, each has a service level agreement, and "
        "agreements and performance are reviewed at set intervals.",
    ),
    (
        "6.2",
        "Service reporting",
        None,
        "Reports have a defined purpose, audience, frequency and data source, and cover "
        "performance, nonconformities, workload, major events, trends and satisfaction.",
    ),
    (
        "6.3",
        "Service continuity and availability management",
        None,
        None,
    ),
    (
        "6.3.1",
        "Service continuity and availability requirements",
        _P,
        "Risks to continuity and availability are assessed and the resulting requirements are "
        "agreed.",
    ),
    (
        "6.3.2",
        "Service continuity and availability plans",
        _P,
        "Plans for keeping services available and for recovering them are kept up to date.",
    ),
    (
        "6.3.3",
        "Service continuity and availability monitoring and testing",
        _C,
        "Availability is tracked against targets and continuity plans are exercised at set "
        "intervals and after major changes.",
    ),
    (
        "6.4",
        "Budgeting and accounting for services",
        None,
        "A policy and procedures govern how service costs are budgeted, accounted for and "
        "reported.",
    ),
    (
        "6.5",
        "Capacity management",
        None,
        "Capacity needs are agreed, a plan covers present and expected demand, and usage is "
        "watched.",
    ),
    ("6.6", "Information security management", None, None),
    (
        "6.6.1",
        "Information security policy",
        _P,
        "An approved security policy is communicated to staff, customers and suppliers, and "
        "security risks are assessed at set intervals.",
    ),
    (
        "6.6.2",
        "Information security controls",
        _D,
        "Security controls are documented and each is tied to the risks it addresses.",
    ),
    (
        "6.6.3",
        "Information security changes and incidents",
        _D,
        "Changes are checked for security risk, and security incidents are handled and analysed.",
    ),
    ("7", "Relationship processes", None, None),
    (
        "7.1",
        "Business relationship management",
        None,
        "Customers are known, each has a named relationship owner, service reviews are held, "
        "complaints are handled and satisfaction is measured.",
    ),
    (
        "7.2",
        "Supplier management",
        None,
        "Each supplier contract has a named owner and states scope, targets and "
        "responsibilities, and supplier performance is reviewed at set intervals.",
    ),
    ("8", "Resolution processes", None, None),
    (
        "8.1",
        "Incident and service request management",
        None,
        "Incidents and requests are logged, ranked by impact and urgency, escalated, resolved "
        "and closed, with a separate route for major incidents.",
    ),
    (
        "8.2",
        "Problem management",
        None,
        "Problems are logged and their root causes sought, known errors are kept, and fixes go "
        "through change management.",
    ),
    ("9", "Control processes", None, None),
    (
        "9.1",
        "Configuration management",
        None,
        "Configuration item types are defined, items are held in a database, and the records "
        "are audited at set intervals.",
    ),
    (
        "9.2",
        "Change management",
        None,
        "A change policy sets what is controlled, and changes are logged, weighed for risk, "
        "approved and reviewed, with an emergency route.",
    ),
    (
        "9.3",
        "Release and deployment management",
        None,
        "A release policy sets the kinds and frequency of releases, which are planned with the "
        "customer, tested and checked for success.",
    ),
)

# (number, title, summary) in document order; the phase comes from the top-level clause.
_Row2018 = tuple[str, str, str]

#: The PDCA phase of each top-level clause of 2018, which its sub-clauses take.
_PHASES_2018: Final[Mapping[str, Phase]] = MappingProxyType(
    {"4": _P, "5": _P, "6": _P, "7": _P, "8": _D, "9": _C, "10": _A}
)

_ROWS_2018: Final[tuple[_Row2018, ...]] = (
    (
        "4",
        "Context of the organization",
        "The organization knows its situation, its interested parties and the bounds of its SMS, "
        "and runs the SMS as a whole.",
    ),
    (
        "4.1",
        "Understanding the organization and its context",
        "Issues inside and outside the organization that bear on the SMS are identified and kept "
        "up to date.",
    ),
    (
        "4.2",
        "Understanding the needs and expectations of interested parties",
        "The parties with a stake in the SMS and the services, and what each of them requires, "
        "are identified.",
    ),
    (
        "4.3",
        "Determining the scope of the service management system",
        "A documented scope sets the boundaries of the SMS, the services it covers and who "
        "delivers them.",
    ),
    (
        "4.4",
        "Service management system",
        "The SMS, its processes and the way they interact are set up, run, kept and improved.",
    ),
    (
        "5",
        "Leadership",
        "Top management leads the SMS through its own commitment, the policy and the roles it "
        "assigns.",
    ),
    (
        "5.1",
        "Leadership and commitment",
        "Top management answers for the SMS working: it aligns policy, objectives and plan with "
        "the strategy, supplies resources, communicates, directs people and drives improvement.",
    ),
    (
        "5.2",
        "Policy",
        "A service management policy is set and made known.",
    ),
    (
        "5.2.1",
        "Establishing the service management policy",
        "The policy suits the organization's purpose, frames the objectives and commits to "
        "meeting requirements and to continual improvement.",
    ),
    (
        "5.2.2",
        "Communicating the service management policy",
        "The policy is written down, communicated inside the organization and open to interested "
        "parties where that suits.",
    ),
    (
        "5.3",
        "Organizational roles, responsibilities and authorities",
        "Roles, responsibilities and authorities are assigned and made known, including who keeps "
        "the SMS conforming and who reports its performance to top management.",
    ),
    (
        "6",
        "Planning",
        "The SMS is planned through its risks and opportunities, its objectives and its plan.",
    ),
    (
        "6.1",
        "Actions to address risks and opportunities",
        "Risks and opportunities for the SMS and the services are found, weighed against "
        "documented criteria and acted on, with acceptance decided and actions checked for "
        "effect.",
    ),
    (
        "6.2",
        "Service management objectives and planning to achieve them",
        "Service management objectives are set and the work to reach them is planned.",
    ),
    (
        "6.2.1",
        "Establish objectives",
        "Measurable objectives in line with the policy are set for the relevant functions and "
        "levels, then monitored, communicated and updated.",
    ),
    (
        "6.2.2",
        "Plan to achieve objectives",
        "Each objective has planned actions, resources, an owner, a deadline and a way of judging "
        "the result.",
    ),
    (
        "6.3",
        "Plan the service management system",
        "A service management plan covers objectives, requirements, limits, obligations, roles, "
        "resources, other parties, technology and how effectiveness is measured, and is kept "
        "current.",
    ),
    (
        "7",
        "Support of the service management system",
        "The SMS gets the resources, people, communication, documents and knowledge it depends on.",
    ),
    (
        "7.1",
        "Resources",
        "The people, technology, information and money the SMS and the services need are provided.",
    ),
    (
        "7.2",
        "Competence",
        "The competence each role needs is determined and reached through education, training or "
        "experience, with records kept.",
    ),
    (
        "7.3",
        "Awareness",
        "People know the policy, the objectives, the services, their own part and what failing to "
        "conform leads to.",
    ),
    (
        "7.4",
        "Communication",
        "What is communicated inside and outside the organization, when, with whom, how and by "
        "whom is decided.",
    ),
    (
        "7.5",
        "Documented information",
        "The documented information of the SMS is complete, properly created and under control.",
    ),
    (
        "7.5.1",
        "General",
        "The SMS holds the documented information this edition asks for and whatever else the "
        "organization finds it needs.",
    ),
    (
        "7.5.2",
        "Creating and updating documented information",
        "Documents are identified and given a suitable form, and are reviewed and approved when "
        "created or changed.",
    ),
    (
        "7.5.3",
        "Control of documented information",
        "Documented information is available where needed, protected, distributed, versioned, "
        "kept and disposed of under control.",
    ),
    (
        "7.5.4",
        "Service management system documented information",
        "The documents the SMS must have exist, from scope, policy, objectives and plan to "
        "agreements, procedures and records.",
    ),
    (
        "7.6",
        "Knowledge",
        "The knowledge needed to run the SMS and the services is determined, kept and made "
        "available.",
    ),
    (
        "8",
        "Operation of the service management system",
        "The SMS is put to work through operational planning and the service management processes.",
    ),
    (
        "8.1",
        "Operational planning and control",
        "Processes are planned and controlled, planned changes are controlled, the effects of "
        "unplanned ones are reviewed, and outsourced processes stay in hand.",
    ),
    (
        "8.2",
        "Service portfolio",
        "Services are delivered, planned and described, with other parties, assets and "
        "configuration under control.",
    ),
    (
        "8.2.1",
        "Service delivery",
        "Services are delivered by running the SMS.",
    ),
    (
        "8.2.2",
        "Plan the services",
        "Requirements for new and existing services are determined and documented, weighing how "
        "new services affect the existing ones.",
    ),
    (
        "8.2.3",
        "Control of parties involved in the service lifecycle",
        "The organization stays accountable when others take part in the service lifecycle, never "
        "leaves everything to them, selects them by criteria and controls what they provide.",
    ),
    (
        "8.2.4",
        "Service catalogue management",
        "Service catalogues that show how services and components depend on each other are kept "
        "and shared with interested parties.",
    ),
    (
        "8.2.5",
        "Asset management",
        "Assets used to deliver the services are identified and managed to meet requirements and "
        "obligations.",
    ),
    (
        "8.2.6",
        "Configuration management",
        "Types of configuration item are defined, items and their relationships recorded, changes "
        "to them traced, and the records verified at set intervals and shared.",
    ),
    (
        "8.3",
        "Relationship and agreement",
        "Relationships with customers and suppliers and the agreements with them are managed.",
    ),
    (
        "8.3.1",
        "General",
        "The organization sets up and keeps in hand its relationships and agreements with "
        "customers, users and suppliers, internal and external.",
    ),
    (
        "8.3.2",
        "Business relationship management",
        "Customers, users and interested parties are known, each customer has a contact, "
        "performance is reviewed with customers, satisfaction is measured and complaints are "
        "resolved.",
    ),
    (
        "8.3.3",
        "Service level management",
        "Each service has an agreed SLA with targets, workload limits and exceptions, and "
        "performance is monitored and reported against it.",
    ),
    (
        "8.3.4",
        "Supplier management",
        "External and internal suppliers are managed through agreements and performance reviews.",
    ),
    (
        "8.3.4.1",
        "Management of external suppliers",
        "Each external supplier has a contract stating scope, requirements, targets, obligations "
        "and interfaces, and its performance is reviewed at set intervals.",
    ),
    (
        "8.3.4.2",
        "Management of internal suppliers and customers acting as a supplier",
        "Internal suppliers and customers acting as suppliers work under documented agreements "
        "whose targets are monitored.",
    ),
    (
        "8.4",
        "Supply and demand",
        "The cost of services, the demand for them and the capacity to meet it are managed.",
    ),
    (
        "8.4.1",
        "Budgeting and accounting for services",
        "Service costs are budgeted and accounted for, and the budget is monitored and reported.",
    ),
    (
        "8.4.2",
        "Demand management",
        "Current and forecast demand is determined and analysed at set intervals, and demand and "
        "consumption are monitored and reported.",
    ),
    (
        "8.4.3",
        "Capacity management",
        "Capacity needs are determined, a capacity plan is kept, and usage is monitored, analysed "
        "and acted on.",
    ),
    (
        "8.5",
        "Service design, build and transition",
        "Changes and new or changed services are controlled from request through design to "
        "release.",
    ),
    (
        "8.5.1",
        "Change management",
        "Changes follow a policy, are raised as requests and pass through controlled steps.",
    ),
    (
        "8.5.1.1",
        "Change management policy",
        "A change policy sets what is under change control, the categories of change including "
        "emergencies, and which changes are major enough for design and transition.",
    ),
    (
        "8.5.1.2",
        "Change management initiation",
        "Requests for change are recorded and classified.",
    ),
    (
        "8.5.1.3",
        "Change management activities",
        "Changes are assessed for risk, impact and benefit, approved, scheduled, made and "
        "reviewed, failed ones are undone or remedied, and the schedule is shared.",
    ),
    (
        "8.5.2",
        "Service design and transition",
        "New or changed services with a major impact are planned, designed, built and "
        "transitioned.",
    ),
    (
        "8.5.2.1",
        "Plan new or changed services",
        "Each major new or changed service is planned with requirements, timescales, "
        "responsibilities, resources, dependencies, tests and acceptance criteria.",
    ),
    (
        "8.5.2.2",
        "Design",
        "The new or changed service is designed and the design is documented.",
    ),
    (
        "8.5.2.3",
        "Build and transition",
        "The service is built, tested and transitioned, and its acceptance criteria are checked.",
    ),
    (
        "8.5.3",
        "Release and deployment management",
        "A release policy sets release types and frequency, and releases are planned, tested, "
        "deployed and verified, with a way to back them out.",
    ),
    (
        "8.6",
        "Resolution and fulfilment",
        "Incidents, service requests and problems are handled through to resolution.",
    ),
    (
        "8.6.1",
        "Incident management",
        "Incidents are recorded, ranked, escalated, resolved and closed, and major incidents have "
        "an owner, reach top management and are reviewed afterwards.",
    ),
    (
        "8.6.2",
        "Service request management",
        "Service requests are recorded, classified, prioritised, fulfilled and closed.",
    ),
    (
        "8.6.3",
        "Problem management",
        "Problems are found, recorded, prioritised, traced to their root cause and resolved, with "
        "known errors and workarounds kept.",
    ),
    (
        "8.7",
        "Service assurance",
        "The availability, continuity and information security of the services are assured.",
    ),
    (
        "8.7.1",
        "Service availability management",
        "Availability requirements and targets are documented and reviewed, and availability is "
        "monitored against them.",
    ),
    (
        "8.7.2",
        "Service continuity management",
        "Continuity requirements are determined, and continuity plans are kept and tested at set "
        "intervals and after major changes.",
    ),
    (
        "8.7.3",
        "Information security management",
        "Information security rests on a policy, controls and the handling of security incidents.",
    ),
    (
        "8.7.3.1",
        "Information security policy",
        "An information security policy is approved by a suitable authority and communicated.",
    ),
    (
        "8.7.3.2",
        "Information security controls",
        "Information security risks are assessed at set intervals, and controls are chosen and "
        "operated.",
    ),
    (
        "8.7.3.3",
        "Information security incidents",
        "Information security incidents are managed, and changes are weighed for security risk.",
    ),
    (
        "9",
        "Performance evaluation",
        "The SMS and the services are monitored, audited, reviewed and reported on.",
    ),
    (
        "9.1",
        "Monitoring, measurement, analysis and evaluation",
        "It is decided what is monitored and measured, how and when, and when results are "
        "analysed and evaluated.",
    ),
    (
        "9.2",
        "Internal audit",
        "Internal audits follow a programme at set intervals with auditors independent of the "
        "work, and findings are reported and corrected without undue delay.",
    ),
    (
        "9.3",
        "Management review",
        "Top management reviews the SMS at set intervals from defined inputs and decides on "
        "improvements, changes and resources.",
    ),
    (
        "9.4",
        "Service reporting",
        "Agreed service reports show performance against targets, trends, workload, major "
        "incidents and satisfaction.",
    ),
    (
        "10",
        "Improvement",
        "Nonconformities are corrected and the SMS and the services improve continually.",
    ),
    (
        "10.1",
        "Nonconformity and corrective action",
        "Nonconformities are dealt with, their causes evaluated, and corrective action taken and "
        "checked for effect, with records kept.",
    ),
    (
        "10.2",
        "Continual improvement",
        "Opportunities for improvement are judged against criteria, then prioritised, approved, "
        "planned, carried out and measured.",
    ),
)


def _parent_of(number: str) -> str | None:
    head, dot, _ = number.rpartition(".")
    return head if dot else None


def _phase_2018(number: str) -> Phase | None:
    # A top-level clause is a heading over its sub-clauses, as every top-level clause of 2011.
    top, dot, _ = number.partition(".")
    return _PHASES_2018[top] if dot else None


def _build() -> Mapping[str, tuple[Clause, ...]]:
    by_edition = {
        "2011": tuple(
            Clause(
                number=number,
                title=title,
                parent=_parent_of(number),
                edition="2011",
                pdca=phase,
                summary=summary,
            )
            for number, title, phase, summary in _ROWS_2011
        ),
        "2018": tuple(
            Clause(
                number=number,
                title=title,
                parent=_parent_of(number),
                edition="2018",
                pdca=_phase_2018(number),
                summary=summary,
            )
            for number, title, summary in _ROWS_2018
        ),
    }
    return MappingProxyType(by_edition)


_CLAUSES: Final = _build()
_INDEX: Final[Mapping[str, Mapping[str, Clause]]] = MappingProxyType(
    {edition: MappingProxyType({c.number: c for c in rows}) for edition, rows in _CLAUSES.items()}
)
_PARENTS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        edition: frozenset(c.parent for c in rows if c.parent is not None)
        for edition, rows in _CLAUSES.items()
    }
)


def _checked_edition(edition: str) -> str:
    if edition not in _CLAUSES:
        known = ", ".join(EDITIONS)
        raise ModelValidationError(
            [
                Issue(
                    what=f"unknown edition (known: {known})",
                    path="edition",
                    code="unknown-edition",
                    found=repr(edition),
                )
            ]
        )
    return edition


def clauses(edition: str = "2011") -> tuple[Clause, ...]:
    """Every clause and sub-clause of an edition, in document order.

    >>> [c.number for c in clauses()][:4]
    ['4', '4.1', '4.1.1', '4.1.2']
    >>> clauses("2018")[-1].title
    'Continual improvement'
    >>> clauses("2005")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: 1 problem in the service management system
      - edition: unknown edition (known: 2011, 2018) (found '2005')
    """
    return _CLAUSES[_checked_edition(edition)]


def clause(number: str, edition: str = "2011") -> Clause:
    """The clause with this number in an edition.

    Raises :class:`~sms_model.errors.UnknownReferenceError` (a ``LookupError``) for a number
    the edition does not have.

    >>> clause("6.3.3").title
    'Service continuity and availability monitoring and testing'
    >>> clause("8.2.3", edition="2018").parent
    '8.2'
    >>> clause("4.6")
    Traceback (most recent call last):
    ...
    sms_model.errors.UnknownReferenceError: 1 problem in the service management system
      - clause: no such clause in ISO/IEC 20000-1:2011 (found '4.6')
    """
    found = _INDEX[_checked_edition(edition)].get(number)
    if found is None:
        raise UnknownReferenceError(
            [
                Issue(
                    what=f"no such clause in ISO/IEC 20000-1:{edition}",
                    path="clause",
                    code="unknown-reference",
                    found=repr(number),
                )
            ]
        )
    return found


def leaf_clauses(edition: str = "2011") -> tuple[Clause, ...]:
    """The clauses of an edition that have no sub-clauses, in document order.

    >>> [c.number for c in leaf_clauses()][:5]
    ['4.1.1', '4.1.2', '4.1.3', '4.1.4', '4.2']
    """
    parents = _PARENTS[_checked_edition(edition)]
    return tuple(c for c in _CLAUSES[edition] if c.number not in parents)


def is_within(number: str, prefix: str) -> bool:
    """Whether clause ``number`` is ``prefix`` itself or one of its sub-clauses.

    Matching respects the dots: ``4.1`` contains ``4.1.2`` but not ``4.10`` or ``4.12``.

    >>> is_within("4.1.2", "4.1"), is_within("4.1", "4.1"), is_within("4.10", "4.1")
    (True, True, False)
    """
    return number == prefix or number.startswith(prefix + ".")
