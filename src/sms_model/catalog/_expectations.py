"""What evidence an assessor expects to find, and how often (the default profile).

Each :class:`EvidenceExpectation` names the clause of ISO/IEC 20000-1:2011 and the guidance ids
of ISO/IEC 20000-2:2012 it serves, describes in our own words what record shows it, and gives a
default cadence for activities the standard wants "at planned intervals". The organisation
sets its own intervals; these defaults are what an assessment uses when it does not.

Default profile: management review and internal audit every year, SMS meetings every quarter,
performance reported to top management every quarter; measurement and monitoring records every
quarter to feed that report; every other recurring activity every year. Event-driven evidence
(approvals, post-implementation reviews) has no cadence.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from sms_model.catalog._cadence import Cadence
from sms_model.errors import Issue, UnknownReferenceError

__all__ = [
    "EvidenceExpectation",
    "default_cadences",
    "expectation_by_id",
    "expectations",
]


@attrs.frozen(kw_only=True)
class EvidenceExpectation:
    """A kind of record an SMS is expected to produce, with its default cadence.

    ``evidence`` names the model records that satisfy it: ``Entity[kind=value]`` is a record
    of that kind, ``Approval[subject=Entity]`` an approval whose subject is such an entity, and
    ``Entity.field`` a dated field of an entity. ``cadence`` is ``None`` for evidence produced
    per event rather than at planned intervals.

    >>> e = expectation_by_id("internal-audit")
    >>> e.clause, e.cadence, e.evidence
    ('4.5.4.2', 'P1Y', ('Audit[kind=internal]',))
    """

    id: str
    clause: str
    guidance: tuple[str, ...] = ()
    description: str
    cadence: str | None = None
    evidence: tuple[str, ...] = ()


_E = EvidenceExpectation

_EXPECTATIONS: Final[tuple[EvidenceExpectation, ...]] = (
    _E(
        id="sms-meeting",
        clause="4.1.1",
        guidance=("EV-a", "TM-a"),
        description="Top management holds or chairs regular meetings on planning and running "
        "the SMS.",
        cadence="P3M",
        evidence=("Meeting[kind=planning]", "Meeting[kind=sms_review]"),
    ),
    _E(
        id="performance-report",
        clause="4.1.1",
        guidance=("TM-f",),
        description="A report on how the SMS performs reaches top management.",
        cadence="P3M",
        evidence=("Report[kind=sms_performance]",),
    ),
    _E(
        id="external-audit",
        clause="4.1.1",
        guidance=("TM-j",),
        description="An independent outside body audits the SMS, for instance for "
        "certification or surveillance.",
        cadence="P1Y",
        evidence=("Audit[kind=external]",),
    ),
    _E(
        id="objectives-approval",
        clause="4.1.1",
        guidance=("EV-c",),
        description="A member of top management approves the service management objectives.",
        evidence=("Approval[subject=Objective]",),
    ),
    _E(
        id="process-approval",
        clause="4.1.1",
        guidance=("EV-d",),
        description="A member of top management approves the processes and procedures.",
        evidence=("Approval[subject=Process]", "Approval[subject=Document]"),
    ),
    _E(
        id="acknowledgement",
        clause="4.1.1",
        guidance=("TM-c",),
        description="Interested parties confirm they know the requirements, scope, policy and "
        "objectives.",
        evidence=("Acknowledgement",),
    ),
    _E(
        id="policy-approval",
        clause="4.1.2",
        guidance=("EV-c",),
        description="A member of top management approves the service management policy.",
        evidence=("Approval[subject=Policy]",),
    ),
    _E(
        id="policy-review",
        clause="4.1.2",
        guidance=("EV-b",),
        description="The service management policy is reviewed to keep it suitable.",
        cadence="P1Y",
        evidence=("Review[kind=policy_review]",),
    ),
    _E(
        id="plan-approval",
        clause="4.5.2",
        guidance=("EV-c", "APP-3"),
        description="A member of top management approves the service management plan, which "
        "the provider then owns.",
        evidence=("Approval[subject=ServiceManagementPlan]",),
    ),
    _E(
        id="plan-review",
        clause="4.5.2",
        guidance=("TM-d", "APP-3"),
        description="The provider reviews the service management plan and keeps it in line "
        "with business objectives.",
        cadence="P1Y",
        evidence=("Review[kind=plan_review]",),
    ),
    _E(
        id="risk-assessment",
        clause="4.5.3",
        guidance=("TM-h",),
        description="Risks to services are assessed again so that treatment stays current.",
        cadence="P1Y",
        evidence=("Risk.assessed",),
    ),
    _E(
        id="objective-measurement",
        clause="4.5.4.1",
        guidance=("TM-g",),
        description="Each objective is measured against its target.",
        cadence="P3M",
        evidence=("Objective.measurements",),
    ),
    _E(
        id="internal-audit",
        clause="4.5.4.2",
        guidance=("TM-j", "APP-2"),
        description="An internal audit of the SMS is carried out under the audit programme.",
        cadence="P1Y",
        evidence=("Audit[kind=internal]",),
    ),
    _E(
        id="management-review",
        clause="4.5.4.3",
        guidance=("TM-j", "TM-a"),
        description="Top management reviews the SMS and its services and records its decisions.",
        cadence="P1Y",
        evidence=("Review[kind=management_review]",),
    ),
    _E(
        id="sla-review",
        clause="6.1",
        guidance=(),
        description="Service level agreements and performance against them are reviewed.",
        cadence="P1Y",
        evidence=("Review[kind=service_level_review]",),
    ),
    _E(
        id="service-report",
        clause="6.2",
        guidance=("TM-f",),
        description="Service reports show performance against targets, trends and major events.",
        cadence="P3M",
        evidence=("Report[kind=service]",),
    ),
    _E(
        id="availability-monitoring",
        clause="6.3.3",
        guidance=(),
        description="Service availability is measured and recorded against its targets.",
        cadence="P3M",
        evidence=("Report[kind=availability]",),
    ),
    _E(
        id="continuity-test",
        clause="6.3.3",
        guidance=("TM-h",),
        description="Service continuity plans are exercised and the results recorded.",
        cadence="P1Y",
        evidence=("Review[kind=continuity_test]",),
    ),
    _E(
        id="financial-report",
        clause="6.4",
        guidance=("TM-e",),
        description="Costs of the services are reported against the budget.",
        cadence="P1Y",
        evidence=("Report[kind=financial]",),
    ),
    _E(
        id="capacity-monitoring",
        clause="6.5",
        guidance=(),
        description="Capacity use is monitored and compared with the capacity plan.",
        cadence="P3M",
        evidence=("Report[kind=capacity]",),
    ),
    _E(
        id="security-risk-assessment",
        clause="6.6.1",
        guidance=("TM-h",),
        description="Information security risks to the services are assessed.",
        cadence="P1Y",
        evidence=("Review[kind=security_risk_assessment]",),
    ),
    _E(
        id="customer-service-review",
        clause="7.1",
        guidance=(),
        description="The provider and each customer review the services together.",
        cadence="P1Y",
        evidence=("Review[kind=customer_service_review]",),
    ),
    _E(
        id="supplier-review",
        clause="7.2",
        guidance=(),
        description="Each supplier's performance is reviewed against the contract targets.",
        cadence="P1Y",
        evidence=("Review[kind=supplier_performance_review]",),
    ),
    _E(
        id="configuration-audit",
        clause="9.1",
        guidance=(),
        description="Configuration records are audited against what is really in place.",
        cadence="P1Y",
        evidence=("Audit[kind=configuration]",),
    ),
    _E(
        id="post-implementation-review",
        clause="9.2",
        guidance=("TM-h",),
        description="A change is reviewed once implemented to see whether it did what was "
        "intended.",
        evidence=("Review[kind=post_implementation]", "Change.reviewed"),
    ),
)

_BY_ID: Final[Mapping[str, EvidenceExpectation]] = MappingProxyType(
    {e.id: e for e in _EXPECTATIONS}
)


def expectations() -> tuple[EvidenceExpectation, ...]:
    """Every evidence expectation of the default profile, in clause order.

    >>> [e.id for e in expectations() if e.clause == "4.5.4.3"]
    ['management-review']
    """
    return _EXPECTATIONS


def expectation_by_id(id: str) -> EvidenceExpectation:
    """The evidence expectation with this id.

    Raises :class:`~sms_model.errors.UnknownReferenceError` (a ``LookupError``) for an unknown
    id.

    >>> expectation_by_id("sms-meeting").cadence
    'P3M'
    >>> expectation_by_id("tea-break")
    Traceback (most recent call last):
    ...
    sms_model.errors.UnknownReferenceError: 1 problem in the service management system
      - expectation: no such evidence expectation (found 'tea-break')
    """
    found = _BY_ID.get(id)
    if found is None:
        raise UnknownReferenceError(
            [
                Issue(
                    what="no such evidence expectation",
                    path="expectation",
                    code="unknown-reference",
                    found=repr(id),
                )
            ]
        )
    return found


@functools.cache
def default_cadences() -> Mapping[str, Cadence]:
    """The parsed default cadence of every recurring expectation, keyed by expectation id.

    Built once; the mapping is read-only.

    >>> cadences = default_cadences()
    >>> str(cadences["management-review"]), str(cadences["performance-report"])
    ('every 1 year', 'every 3 months')
    >>> "policy-approval" in cadences
    False
    """
    return MappingProxyType(
        {e.id: Cadence.parse(e.cadence) for e in _EXPECTATIONS if e.cadence is not None}
    )
