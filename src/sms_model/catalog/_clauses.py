"""The clause structure of ISO/IEC 20000-1, as data.

Clause numbers and short titles are facts about the standard; every ``summary`` is our own
one-sentence paraphrase of what a clause expects, never the standard's wording. The 2011 edition
(Clauses 4 to 9) is modelled in full; the 2018 structure is listed for crosswalks, without
summaries.
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
    """A step of the Plan-Do-Check-Act cycle the SMS runs (ISO/IEC 20000-1:2011, 4.5)."""

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

_ROWS_2018: Final[tuple[tuple[str, str], ...]] = (
    ("4", "Context of the organization"),
    ("4.1", "Understanding the organization and its context"),
    ("4.2", "Understanding the needs and expectations of interested parties"),
    ("4.3", "Determining the scope of the service management system"),
    ("4.4", "Service management system"),
    ("5", "Leadership"),
    ("5.1", "Leadership and commitment"),
    ("5.2", "Policy"),
    ("5.2.1", "Establishing the service management policy"),
    ("5.2.2", "Communicating the service management policy"),
    ("5.3", "Organizational roles, responsibilities and authorities"),
    ("6", "Planning"),
    ("6.1", "Actions to address risks and opportunities"),
    ("6.2", "Service management objectives and planning to achieve them"),
    ("6.2.1", "Establish objectives"),
    ("6.2.2", "Plan to achieve objectives"),
    ("6.3", "Plan the service management system"),
    ("7", "Support of the service management system"),
    ("7.1", "Resources"),
    ("7.2", "Competence"),
    ("7.3", "Awareness"),
    ("7.4", "Communication"),
    ("7.5", "Documented information"),
    ("7.5.1", "General"),
    ("7.5.2", "Creating and updating documented information"),
    ("7.5.3", "Control of documented information"),
    ("7.5.4", "Service management system documented information"),
    ("7.6", "Knowledge"),
    ("8", "Operation of the service management system"),
    ("8.1", "Operational planning and control"),
    ("8.2", "Service portfolio"),
    ("8.2.1", "Service delivery"),
    ("8.2.2", "Plan the services"),
    ("8.2.3", "Control of parties involved in the service lifecycle"),
    ("8.2.4", "Service catalogue management"),
    ("8.2.5", "Asset management"),
    ("8.2.6", "Configuration management"),
    ("8.3", "Relationship and agreement"),
    ("8.3.1", "General"),
    ("8.3.2", "Business relationship management"),
    ("8.3.3", "Service level management"),
    ("8.3.4", "Supplier management"),
    ("8.3.4.1", "Management of external suppliers"),
    ("8.3.4.2", "Management of internal suppliers and customers acting as a supplier"),
    ("8.4", "Supply and demand"),
    ("8.4.1", "Budgeting and accounting for services"),
    ("8.4.2", "Demand management"),
    ("8.4.3", "Capacity management"),
    ("8.5", "Service design, build and transition"),
    ("8.5.1", "Change management"),
    ("8.5.1.1", "Change management policy"),
    ("8.5.1.2", "Change management initiation"),
    ("8.5.1.3", "Change management activities"),
    ("8.5.2", "Service design and transition"),
    ("8.5.2.1", "Plan new or changed services"),
    ("8.5.2.2", "Design"),
    ("8.5.2.3", "Build and transition"),
    ("8.5.3", "Release and deployment management"),
    ("8.6", "Resolution and fulfilment"),
    ("8.6.1", "Incident management"),
    ("8.6.2", "Service request management"),
    ("8.6.3", "Problem management"),
    ("8.7", "Service assurance"),
    ("8.7.1", "Service availability management"),
    ("8.7.2", "Service continuity management"),
    ("8.7.3", "Information security management"),
    ("8.7.3.1", "Information security policy"),
    ("8.7.3.2", "Information security controls"),
    ("8.7.3.3", "Information security incidents"),
    ("9", "Performance evaluation"),
    ("9.1", "Monitoring, measurement, analysis and evaluation"),
    ("9.2", "Internal audit"),
    ("9.3", "Management review"),
    ("9.4", "Service reporting"),
    ("10", "Improvement"),
    ("10.1", "Nonconformity and corrective action"),
    ("10.2", "Continual improvement"),
)


def _parent_of(number: str) -> str | None:
    head, dot, _ = number.rpartition(".")
    return head if dot else None


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
            Clause(number=number, title=title, parent=_parent_of(number), edition="2018")
            for number, title in _ROWS_2018
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
