"""Enumerations of the domain model.

Values are the lowercase, hyphen-free strings used in files; ``Enum`` (not ``in_`` validators)
so that type checkers and Hypothesis understand them.
"""

from __future__ import annotations

import enum

__all__ = [
    "AgreementKind",
    "AgreementTerm",
    "AssetKind",
    "AuditKind",
    "Clause4Duty",
    "DocumentKind",
    "DocumentStatus",
    "Edition",
    "Engagement",
    "GovernanceControl",
    "ImprovementKind",
    "LifecycleStage",
    "MeetingKind",
    "PartyKind",
    "PlanStatus",
    "PlanTopic",
    "PolicyCommitment",
    "PolicyContent",
    "PolicyKind",
    "ProcessKind",
    "ReportKind",
    "ResourceKind",
    "ReviewInput",
    "ReviewKind",
    "RiskKind",
    "RiskStatus",
    "SMSStage",
]


class Edition(enum.Enum):
    """The editions of ISO/IEC 20000-1 the library assesses against.

    A system file may declare its edition; one that declares none is assessed against 2011, so
    results of files written before editions existed stay as they were.

    >>> Edition("2018"), Edition.ISO_20000_1_2011.value
    (<Edition.ISO_20000_1_2018: '2018'>, '2011')
    """

    ISO_20000_1_2011 = "2011"
    ISO_20000_1_2018 = "2018"

    @property
    def title(self) -> str:
        """The edition's full name, as reports print it."""
        return f"ISO/IEC 20000-1:{self.value}"


class PartyKind(enum.Enum):
    """Who a party is relative to the service provider (ISO/IEC 20000-1:2011, 4.2 and 7)."""

    PROVIDER = "provider"
    INTERNAL_GROUP = "internal_group"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    OTHER = "other"  # another interested party: a regulator, a user community, an auditor


class ProcessKind(enum.Enum):
    """The service management processes of Clauses 5 to 9 and the Clause 4 SMS-level activities.

    >>> ProcessKind.CHANGE.clause, ProcessKind.CHANGE.is_service_management_process
    ('9.2', True)
    >>> ProcessKind.INTERNAL_AUDIT.clause, ProcessKind.INTERNAL_AUDIT.is_clause4
    ('4.5.4.2', True)
    """

    # Clauses 5 to 9: the service management processes (Annex A has a table for each).
    DESIGN_AND_TRANSITION = "design_and_transition"
    SERVICE_LEVEL = "service_level"
    SERVICE_REPORTING = "service_reporting"
    CONTINUITY_AND_AVAILABILITY = "continuity_and_availability"
    BUDGETING_AND_ACCOUNTING = "budgeting_and_accounting"
    CAPACITY = "capacity"
    INFORMATION_SECURITY = "information_security"
    BUSINESS_RELATIONSHIP = "business_relationship"
    SUPPLIER = "supplier"
    INCIDENT_AND_REQUEST = "incident_and_request"
    PROBLEM = "problem"
    CONFIGURATION = "configuration"
    CHANGE = "change"
    RELEASE_AND_DEPLOYMENT = "release_and_deployment"
    # Clause 4: activities of the SMS itself, which the provider may have others perform
    # only as specific, short-term work under its own management (ISO/IEC 20000-2, 1.2).
    SMS = "sms"
    DOCUMENT_MANAGEMENT = "document_management"
    RESOURCE_MANAGEMENT = "resource_management"
    SMS_PLANNING = "sms_planning"
    SMS_MONITORING = "sms_monitoring"
    INTERNAL_AUDIT = "internal_audit"
    MANAGEMENT_REVIEW = "management_review"
    IMPROVEMENT = "improvement"
    # Processes the 2018 edition names on their own; 2011 covered each inside another process,
    # whose clause :attr:`clause` gives.
    SERVICE_CATALOGUE = "service_catalogue"
    ASSET = "asset"
    DEMAND = "demand"
    SERVICE_REQUEST = "service_request"

    @property
    def clause(self) -> str:
        """The ISO/IEC 20000-1:2011 clause that specifies this process or activity."""
        return _PROCESS_CLAUSE[self]

    @property
    def edition(self) -> str:
        """The first edition of ISO/IEC 20000-1 that names this process on its own (the 2011
        edition covered the processes new in 2018 inside others).

        >>> ProcessKind.CHANGE.edition, ProcessKind.ASSET.edition
        ('2011', '2018')
        """
        return "2018" if self in _SINCE_2018 else "2011"

    def clause_in(self, edition: str) -> str:
        """The clause that specifies this process or activity in ``edition``.

        >>> ProcessKind.CHANGE.clause_in("2018"), ProcessKind.INTERNAL_AUDIT.clause_in("2018")
        ('8.5.1', '9.2')
        """
        return self.clause if edition == "2011" else _PROCESS_CLAUSE_2018[self]

    @property
    def is_clause4(self) -> bool:
        """True for the SMS-level activities of Clause 4."""
        return self.clause.startswith("4")

    @property
    def is_service_management_process(self) -> bool:
        """True for the processes of Clauses 5 to 9."""
        return not self.is_clause4


_PROCESS_CLAUSE: dict[ProcessKind, str] = {
    ProcessKind.DESIGN_AND_TRANSITION: "5",
    ProcessKind.SERVICE_LEVEL: "6.1",
    ProcessKind.SERVICE_REPORTING: "6.2",
    ProcessKind.CONTINUITY_AND_AVAILABILITY: "6.3",
    ProcessKind.BUDGETING_AND_ACCOUNTING: "6.4",
    ProcessKind.CAPACITY: "6.5",
    ProcessKind.INFORMATION_SECURITY: "6.6",
    ProcessKind.BUSINESS_RELATIONSHIP: "7.1",
    ProcessKind.SUPPLIER: "7.2",
    ProcessKind.INCIDENT_AND_REQUEST: "8.1",
    ProcessKind.PROBLEM: "8.2",
    ProcessKind.CONFIGURATION: "9.1",
    ProcessKind.CHANGE: "9.2",
    ProcessKind.RELEASE_AND_DEPLOYMENT: "9.3",
    ProcessKind.SMS: "4",
    ProcessKind.DOCUMENT_MANAGEMENT: "4.3",
    ProcessKind.RESOURCE_MANAGEMENT: "4.4",
    ProcessKind.SMS_PLANNING: "4.5.2",
    ProcessKind.SMS_MONITORING: "4.5.4.1",
    ProcessKind.INTERNAL_AUDIT: "4.5.4.2",
    ProcessKind.MANAGEMENT_REVIEW: "4.5.4.3",
    ProcessKind.IMPROVEMENT: "4.5.5",
    ProcessKind.SERVICE_CATALOGUE: "6.1",
    ProcessKind.ASSET: "9.1",
    ProcessKind.DEMAND: "6.5",
    ProcessKind.SERVICE_REQUEST: "8.1",
}

#: The clause of the 2018 edition that specifies each kind of process.
_PROCESS_CLAUSE_2018: dict[ProcessKind, str] = {
    ProcessKind.DESIGN_AND_TRANSITION: "8.5.2",
    ProcessKind.SERVICE_LEVEL: "8.3.3",
    ProcessKind.SERVICE_REPORTING: "9.4",
    ProcessKind.CONTINUITY_AND_AVAILABILITY: "8.7",
    ProcessKind.BUDGETING_AND_ACCOUNTING: "8.4.1",
    ProcessKind.CAPACITY: "8.4.3",
    ProcessKind.INFORMATION_SECURITY: "8.7.3",
    ProcessKind.BUSINESS_RELATIONSHIP: "8.3.2",
    ProcessKind.SUPPLIER: "8.3.4",
    ProcessKind.INCIDENT_AND_REQUEST: "8.6",
    ProcessKind.PROBLEM: "8.6.3",
    ProcessKind.CONFIGURATION: "8.2.6",
    ProcessKind.CHANGE: "8.5.1",
    ProcessKind.RELEASE_AND_DEPLOYMENT: "8.5.3",
    ProcessKind.SMS: "4.4",
    ProcessKind.DOCUMENT_MANAGEMENT: "7.5",
    ProcessKind.RESOURCE_MANAGEMENT: "7.1",
    ProcessKind.SMS_PLANNING: "6.3",
    ProcessKind.SMS_MONITORING: "9.1",
    ProcessKind.INTERNAL_AUDIT: "9.2",
    ProcessKind.MANAGEMENT_REVIEW: "9.3",
    ProcessKind.IMPROVEMENT: "10",
    ProcessKind.SERVICE_CATALOGUE: "8.2.4",
    ProcessKind.ASSET: "8.2.5",
    ProcessKind.DEMAND: "8.4.2",
    ProcessKind.SERVICE_REQUEST: "8.6.2",
}
_SINCE_2018: frozenset[ProcessKind] = frozenset(
    {
        ProcessKind.SERVICE_CATALOGUE,
        ProcessKind.ASSET,
        ProcessKind.DEMAND,
        ProcessKind.SERVICE_REQUEST,
    }
)


class Clause4Duty(enum.Enum):
    """A Clause 4 requirement for which the service provider itself must stay accountable.

    ISO/IEC 20000-2:2012, 1.2: no other party can be made to fulfil these (guidance APP-1).

    >>> Clause4Duty.MANAGEMENT_REPRESENTATIVE.clause
    '4.1.4'
    """

    MANAGEMENT_COMMITMENT = "management_commitment"
    SERVICE_MANAGEMENT_POLICY = "service_management_policy"
    AUTHORITY_AND_COMMUNICATION = "authority_and_communication"
    MANAGEMENT_REPRESENTATIVE = "management_representative"
    GOVERNANCE_OF_OTHER_PARTIES = "governance_of_other_parties"
    DOCUMENTATION_MANAGEMENT = "documentation_management"
    RESOURCE_MANAGEMENT = "resource_management"
    SCOPE = "scope"
    SMS_PLANNING = "sms_planning"
    SMS_OPERATION = "sms_operation"
    SMS_MONITORING = "sms_monitoring"
    INTERNAL_AUDIT = "internal_audit"
    MANAGEMENT_REVIEW = "management_review"
    IMPROVEMENT = "improvement"

    @property
    def clause(self) -> str:
        """The ISO/IEC 20000-1:2011 clause of this duty."""
        return _DUTY_CLAUSE[self]

    def clause_in(self, edition: str) -> str:
        """The clause of this duty in ``edition``.

        >>> Clause4Duty.INTERNAL_AUDIT.clause_in("2018"), Clause4Duty.SCOPE.clause_in("2018")
        ('9.2', '4.3')
        """
        return self.clause if edition == "2011" else _DUTY_CLAUSE_2018[self]

    def delegable_in(self, edition: str) -> bool:
        """Whether another party may do this work in ``edition`` while the organization stays
        accountable for it (guidance APP-1): never in 2011, where all of Clause 4 stays with the
        provider; in 2018 when its clause lies in Clauses 6 to 10, save the control of other
        parties, which stays with the organization.

        >>> [d.delegable_in("2018") for d in (Clause4Duty.INTERNAL_AUDIT, Clause4Duty.SCOPE)]
        [True, False]
        """
        if edition == "2011" or self is Clause4Duty.GOVERNANCE_OF_OTHER_PARTIES:
            return False
        return self.clause_in(edition).split(".")[0] not in ("4", "5")


_DUTY_CLAUSE: dict[Clause4Duty, str] = {
    Clause4Duty.MANAGEMENT_COMMITMENT: "4.1.1",
    Clause4Duty.SERVICE_MANAGEMENT_POLICY: "4.1.2",
    Clause4Duty.AUTHORITY_AND_COMMUNICATION: "4.1.3",
    Clause4Duty.MANAGEMENT_REPRESENTATIVE: "4.1.4",
    Clause4Duty.GOVERNANCE_OF_OTHER_PARTIES: "4.2",
    Clause4Duty.DOCUMENTATION_MANAGEMENT: "4.3",
    Clause4Duty.RESOURCE_MANAGEMENT: "4.4",
    Clause4Duty.SCOPE: "4.5.1",
    Clause4Duty.SMS_PLANNING: "4.5.2",
    Clause4Duty.SMS_OPERATION: "4.5.3",
    Clause4Duty.SMS_MONITORING: "4.5.4.1",
    Clause4Duty.INTERNAL_AUDIT: "4.5.4.2",
    Clause4Duty.MANAGEMENT_REVIEW: "4.5.4.3",
    Clause4Duty.IMPROVEMENT: "4.5.5",
}

#: The clause of the 2018 edition of each duty.
_DUTY_CLAUSE_2018: dict[Clause4Duty, str] = {
    Clause4Duty.MANAGEMENT_COMMITMENT: "5.1",
    Clause4Duty.SERVICE_MANAGEMENT_POLICY: "5.2",
    Clause4Duty.AUTHORITY_AND_COMMUNICATION: "5.3",
    Clause4Duty.MANAGEMENT_REPRESENTATIVE: "5.3",
    Clause4Duty.GOVERNANCE_OF_OTHER_PARTIES: "8.2.3",
    Clause4Duty.DOCUMENTATION_MANAGEMENT: "7.5",
    Clause4Duty.RESOURCE_MANAGEMENT: "7.1",
    Clause4Duty.SCOPE: "4.3",
    Clause4Duty.SMS_PLANNING: "6.3",
    Clause4Duty.SMS_OPERATION: "4.4",
    Clause4Duty.SMS_MONITORING: "9.1",
    Clause4Duty.INTERNAL_AUDIT: "9.2",
    Clause4Duty.MANAGEMENT_REVIEW: "9.3",
    Clause4Duty.IMPROVEMENT: "10",
}


class GovernanceControl(enum.Enum):
    """The four ways the provider shows governance of a process another party operates (4.2 a-d)."""

    ACCOUNTABILITY_AND_AUTHORITY = "accountability_and_authority"  # 4.2 a)
    DEFINITION_AND_INTERFACES = "definition_and_interfaces"  # 4.2 b)
    PERFORMANCE_AND_COMPLIANCE = "performance_and_compliance"  # 4.2 c)
    IMPROVEMENT_PLANNING = "improvement_planning"  # 4.2 d)


class Engagement(enum.Enum):
    """How another party is engaged: specific short-term work, or ongoing operation (APP-2)."""

    SHORT_TERM = "short_term"
    ONGOING = "ongoing"


class AgreementKind(enum.Enum):
    """Documented agreements between the provider and another party."""

    CONTRACT = "contract"  # with a supplier (7.2)
    SERVICE_LEVEL_AGREEMENT = "service_level_agreement"  # with a customer (6.1)
    OPERATIONAL_LEVEL_AGREEMENT = "operational_level_agreement"  # with an internal group (6.1)
    ENGAGEMENT_LETTER = "engagement_letter"  # short-term work, e.g. an outsourced audit
    OTHER = "other"


class AgreementTerm(enum.Enum):
    """What a documented agreement defines (4.2, 7.2 and ISO/IEC 20000-2, 1.2)."""

    SCOPE = "scope"
    REQUIREMENTS = "requirements"
    TARGETS = "targets"
    ACCOUNTABILITIES = "accountabilities"
    AUTHORITIES = "authorities"
    RESPONSIBILITIES = "responsibilities"
    INTERFACES = "interfaces"


class PolicyKind(enum.Enum):
    """The policies ISO/IEC 20000-1:2011 asks for."""

    SERVICE_MANAGEMENT = "service_management"  # 4.1.2
    CONTINUAL_IMPROVEMENT = "continual_improvement"  # 4.5.5.1
    INFORMATION_SECURITY = "information_security"  # 6.6.1
    BUDGETING_AND_ACCOUNTING = "budgeting_and_accounting"  # 6.4
    CHANGE = "change"  # 9.2
    RELEASE = "release"  # 9.3
    OTHER = "other"


class PolicyContent(enum.Enum):
    """What a change management or release policy defines (2018: 8.5.1.1 and 8.5.3)."""

    CONTROLLED_COMPONENTS = "controlled_components"  # what is under change management
    CHANGE_CATEGORIES = "change_categories"
    EMERGENCY_CHANGES = "emergency_changes"
    MAJOR_IMPACT_CRITERIA = "major_impact_criteria"  # which changes go through 8.5.2
    RELEASE_TYPES = "release_types"
    RELEASE_FREQUENCY = "release_frequency"


class PolicyCommitment(enum.Enum):
    """Commitments the service management policy makes (4.1.2)."""

    MEET_SERVICE_REQUIREMENTS = "meet_service_requirements"
    CONTINUAL_IMPROVEMENT = "continual_improvement"
    FRAMEWORK_FOR_OBJECTIVES = "framework_for_objectives"


class PlanStatus(enum.Enum):
    """Life of the service management plan (ISO/IEC 20000-2, 1.2: a drafted plan, once agreed, is
    the provider's own)."""

    DRAFT = "draft"
    AGREED = "agreed"
    IMPLEMENTED = "implemented"
    RETIRED = "retired"


class PlanTopic(enum.Enum):
    """What the service management plan covers (4.5.2 a-j)."""

    OBJECTIVES = "objectives"
    SERVICE_REQUIREMENTS = "service_requirements"
    KNOWN_LIMITATIONS = "known_limitations"
    POLICIES_AND_OBLIGATIONS = "policies_and_obligations"
    AUTHORITIES_AND_RESPONSIBILITIES = "authorities_and_responsibilities"
    RESOURCES = "resources"
    OTHER_PARTIES = "other_parties"
    PROCESS_INTERFACES = "process_interfaces"
    RISK_MANAGEMENT = "risk_management"
    TECHNOLOGY = "technology"
    MEASUREMENT_AND_IMPROVEMENT = "measurement_and_improvement"


class SMSStage(enum.Enum):
    """Stages of the SMS in which top management takes part (guidance TM-a)."""

    PLANNING = "planning"
    ESTABLISHMENT = "establishment"
    OPERATION = "operation"
    MONITORING = "monitoring"
    MEASUREMENT = "measurement"
    REVIEW = "review"
    MAINTENANCE = "maintenance"
    IMPROVEMENT = "improvement"


class LifecycleStage(enum.Enum):
    """Stages of a service's life, including transfer and removal (guidance TM-i)."""

    PLANNED = "planned"
    DESIGN = "design"
    TRANSITION = "transition"
    LIVE = "live"
    TRANSFERRED = "transferred"
    REMOVED = "removed"


class DocumentKind(enum.Enum):
    """Documents and procedures the SMS keeps (4.3.1 and Clauses 5 to 9)."""

    SERVICE_CATALOGUE = "service_catalogue"
    PROCESS_DEFINITION = "process_definition"
    PROCEDURE = "procedure"
    COMMUNICATION_PROCEDURE = "communication_procedure"
    RECORDS_PROCEDURE = "records_procedure"
    AUDIT_PROGRAMME = "audit_programme"
    CONTINUITY_PLAN = "continuity_plan"
    AVAILABILITY_PLAN = "availability_plan"
    CAPACITY_PLAN = "capacity_plan"
    SECURITY_CONTROLS = "security_controls"
    COMPLAINT_PROCEDURE = "complaint_procedure"
    MAJOR_INCIDENT_PROCEDURE = "major_incident_procedure"
    EMERGENCY_CHANGE_PROCEDURE = "emergency_change_procedure"
    EMERGENCY_RELEASE_PROCEDURE = "emergency_release_procedure"
    CONFIGURATION_ITEM_TYPES = "configuration_item_types"
    SERVICE_DESIGN = "service_design"
    TRANSITION_PLAN = "transition_plan"
    REPORT_DEFINITION = "report_definition"
    RISK_CRITERIA = "risk_criteria"  # criteria to assess and accept risks (2018: 6.1)
    SELECTION_CRITERIA = "selection_criteria"  # criteria to select other parties (2018: 8.2.3)
    OTHER = "other"


class DocumentStatus(enum.Enum):
    """Control status of a document (4.3.2)."""

    DRAFT = "draft"
    ISSUED = "issued"
    OBSOLETE = "obsolete"
    WITHDRAWN = "withdrawn"


class MeetingKind(enum.Enum):
    """Meetings that leave records of involvement (guidance EV-a)."""

    PLANNING = "planning"
    SMS_REVIEW = "sms_review"
    OPERATIONAL = "operational"
    SERVICE_REVIEW = "service_review"
    SUPPLIER_REVIEW = "supplier_review"
    CHANGE_ADVISORY = "change_advisory"
    OTHER = "other"


class ReviewKind(enum.Enum):
    """Reviews held at planned intervals."""

    MANAGEMENT_REVIEW = "management_review"  # 4.5.4.3
    POLICY_REVIEW = "policy_review"  # 4.1.2
    PLAN_REVIEW = "plan_review"  # 4.5.2
    SERVICE_LEVEL_REVIEW = "service_level_review"  # 6.1
    CUSTOMER_SERVICE_REVIEW = "customer_service_review"  # 7.1
    SUPPLIER_PERFORMANCE_REVIEW = "supplier_performance_review"  # 7.2
    SECURITY_RISK_ASSESSMENT = "security_risk_assessment"  # 6.6.1
    CONTINUITY_TEST = "continuity_test"  # 6.3.3
    POST_IMPLEMENTATION = "post_implementation"  # 5.4, 9.2
    OTHER = "other"


class ReviewInput(enum.Enum):
    """Inputs a management review considers (4.5.4.3)."""

    CUSTOMER_FEEDBACK = "customer_feedback"
    PERFORMANCE = "performance"
    RESOURCES = "resources"
    RISKS = "risks"
    AUDIT_RESULTS = "audit_results"
    PREVIOUS_ACTIONS = "previous_actions"
    CHANGES = "changes"
    IMPROVEMENT_OPPORTUNITIES = "improvement_opportunities"
    # inputs the 2018 edition adds (9.3)
    CONTEXT_CHANGES = "context_changes"
    NONCONFORMITIES = "nonconformities"
    OTHER_PARTY_PERFORMANCE = "other_party_performance"
    FORECAST_WORKLOAD = "forecast_workload"

    @property
    def edition(self) -> str:
        """The first edition of ISO/IEC 20000-1 that asks a management review for this input.

        >>> ReviewInput.RISKS.edition, ReviewInput.FORECAST_WORKLOAD.edition
        ('2011', '2018')
        """
        return "2018" if self in _INPUTS_SINCE_2018 else "2011"

    @classmethod
    def required(cls, edition: str) -> tuple[ReviewInput, ...]:
        """The inputs a management review considers under ``edition``, in declaration order."""
        return tuple(i for i in cls if i.edition <= edition)


_INPUTS_SINCE_2018: frozenset[ReviewInput] = frozenset(
    {
        ReviewInput.CONTEXT_CHANGES,
        ReviewInput.NONCONFORMITIES,
        ReviewInput.OTHER_PARTY_PERFORMANCE,
        ReviewInput.FORECAST_WORKLOAD,
    }
)


class AuditKind(enum.Enum):
    """Audits of the SMS (4.5.4.2, guidance TM-j) and of configuration (9.1)."""

    INTERNAL = "internal"
    EXTERNAL = "external"
    CONFIGURATION = "configuration"


class ReportKind(enum.Enum):
    """Reports the SMS produces (6.2 and guidance TM-f)."""

    SMS_PERFORMANCE = "sms_performance"
    SERVICE = "service"
    AVAILABILITY = "availability"
    CAPACITY = "capacity"
    FINANCIAL = "financial"
    SECURITY = "security"
    DEMAND = "demand"  # current and forecast demand, consumption (2018: 8.4.2)
    OTHER = "other"


class ResourceKind(enum.Enum):
    """Kinds of resources the provider determines and provides (4.4.1)."""

    HUMAN = "human"
    TECHNICAL = "technical"
    INFORMATION = "information"
    FINANCIAL = "financial"


class ImprovementKind(enum.Enum):
    """Entries of the improvement register (4.5.5)."""

    NONCONFORMITY = "nonconformity"
    CORRECTIVE_ACTION = "corrective_action"
    IMPROVEMENT = "improvement"


class RiskStatus(enum.Enum):
    """Where a risk stands in its treatment (4.5.3, 6.6.2)."""

    OPEN = "open"
    TREATED = "treated"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class RiskKind(enum.Enum):
    """A risk, or an opportunity: the 2018 edition plans for both (6.1)."""

    RISK = "risk"
    OPPORTUNITY = "opportunity"


class AssetKind(enum.Enum):
    """Kinds of assets used to deliver services (2018: 8.2.5)."""

    HARDWARE = "hardware"
    SOFTWARE = "software"
    LICENCE = "licence"
    INFORMATION = "information"
    FACILITY = "facility"
    OTHER = "other"
