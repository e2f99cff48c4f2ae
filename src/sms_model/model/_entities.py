"""Entities of a service management system, as frozen attrs values.

Entities refer to each other by id, never by nesting; the aggregate root
(:class:`~sms_model.model.ServiceManagementSystem`) resolves and checks every reference.
Collections are tuples; change a value with :func:`attrs.evolve`.

Every field holding ids says which kinds of entity they may name, where it is declared
(``ref``, ``refs``, ``ref_any``, ``refs_any``, or :func:`attrs.field` with ``reference`` for a
required one, from ``_meta``): the loader's checks, the test strategies and the graph's edges are
derived from that, and :func:`~sms_model.model.references` lists them.

Length: one module for every entity type of the model (both editions), so that the facts
declared on their fields read side by side; each class is short and stands alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import attrs

from sms_model.errors import FieldValueError
from sms_model.model._checks import Checked
from sms_model.model._enums import (
    AgreementKind,
    AgreementTerm,
    AssetKind,
    AuditKind,
    Clause4Duty,
    DocumentKind,
    DocumentStatus,
    Engagement,
    GovernanceControl,
    ImprovementKind,
    LifecycleStage,
    MeetingKind,
    PartyKind,
    PlanStatus,
    PlanTopic,
    PolicyCommitment,
    PolicyContent,
    PolicyKind,
    ProcessKind,
    ReportKind,
    ResourceKind,
    ReviewInput,
    ReviewKind,
    RiskKind,
    RiskStatus,
    SMSStage,
)
from sms_model.model._meta import ref, ref_any, reference, refs, refs_any, since

__all__ = [
    "Acknowledgement",
    "Agreement",
    "Approval",
    "Asset",
    "Audit",
    "Change",
    "ContextIssue",
    "Document",
    "DutyAssignment",
    "Evidence",
    "Improvement",
    "Knowledge",
    "Measurement",
    "Meeting",
    "Objective",
    "OtherPartyProcess",
    "Party",
    "PartyRequirement",
    "Person",
    "Policy",
    "Process",
    "Report",
    "Resource",
    "Review",
    "Risk",
    "Role",
    "Scope",
    "Service",
    "ServiceLevel",
    "ServiceManagementPlan",
    "TopManagement",
]


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        entity = type(instance).__name__
        raise FieldValueError(attribute.name, "must be a non-empty string", value, entity=entity)


def _score(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or not 1 <= value <= 5):
        entity = type(instance).__name__
        what = "must be a whole number from 1 to 5"
        raise FieldValueError(attribute.name, what, value, entity=entity)


def _ident() -> Any:
    return attrs.field(validator=_non_empty)


def _email(instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    # An address a calendar can invite: one @, something on each side, nothing that would end
    # or break the line it is written on. Deliverability is not checked.
    if value is None or not isinstance(value, str):  # the type itself is checked by Checked
        return
    local, at, domain = value.partition("@")
    if not (at and local and domain and "@" not in domain and value.isprintable()) or any(
        c.isspace() or c in '<>,;:"' for c in value
    ):
        what = "must be an e-mail address such as name@example.org"
        raise FieldValueError(attribute.name, what, value, entity=type(instance).__name__)


def _many(edition: str | None = None) -> Any:
    # A list given by a caller becomes a tuple when the entity checks its fields (Checked), so
    # every entity stays hashable and immutable; a lone string is refused, not split.
    return attrs.field(default=(), metadata=since(edition))


#: Field metadata key marking the date of something that has happened (a meeting held, an
#: approval given, a record made): such a date cannot lie after the day the SMS is assessed.
HAPPENED: Final = "sms_model.happened"


def _happened() -> Any:
    return attrs.field(metadata={HAPPENED: True})


def _happened_or_none(edition: str | None = None) -> Any:
    return attrs.field(default=None, metadata={HAPPENED: True} | since(edition))


def _new_in_2018(default: Any) -> Any:
    """A plain field the 2018 edition added (see :data:`~sms_model.model._meta.SINCE`)."""
    return attrs.field(default=default, metadata=since("2018"))


def happened_fields(cls: type) -> tuple[str, ...]:
    """The fields of an entity class that date something that has happened (marked
    ``_happened``), in declaration order.

    >>> happened_fields(Change)
    ('raised', 'implemented', 'reviewed')
    """
    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get(HAPPENED))


# --- parties, people and roles ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Party(Checked):
    """An organisation involved in the SMS: the provider, an internal group, a customer, a
    supplier or another interested party (ISO/IEC 20000-1:2011, 4.2, 7.1 and 7.2).

    A sub-contracted supplier names its ``lead_supplier`` (ISO/IEC 20000-2:2012, Figure 3).

    >>> Party(id="globex", name="Globex Hosting", kind=PartyKind.SUPPLIER).kind.value
    'supplier'
    """

    id: str = _ident()
    name: str
    kind: PartyKind
    lead_supplier: str | None = ref("party")
    interested: bool = True  # counts among the interested parties of the SMS (guidance TM-c)
    description: str | None = None
    # the criteria it was evaluated and selected against, for another party (2018: 8.2.3)
    selection_criteria: str | None = ref("document", since="2018")


@attrs.frozen(kw_only=True)
class Person(Checked):
    """Someone who works for a party; ``reports_to`` is their line manager (guidance TM-f).
    ``email``, when known, is where calendar invitations for the obligations they are
    accountable for go (:func:`sms_model.obligations`).

    >>> Person(id="bo", name="Bo", party="acme", email="bo@acme.example").email
    'bo@acme.example'
    >>> Person(id="bo", name="Bo", party="acme", email="bo at acme")
    Traceback (most recent call last):
    ...
    sms_model.errors.FieldValueError: Person.email: must be an e-mail address such as \
name@example.org (found 'bo at acme')
    """

    id: str = _ident()
    name: str
    party: str = attrs.field(metadata=reference("party"))
    reports_to: str | None = ref("person")
    title: str | None = None
    competences: tuple[str, ...] = _many()
    email: str | None = attrs.field(default=None, validator=_email, metadata=since("0.1"))


@attrs.frozen(kw_only=True)
class Role(Checked):
    """A role with its holders, responsibilities, authorities and required competences
    (4.1.3 and 4.4.2)."""

    id: str = _ident()
    name: str
    party: str = attrs.field(metadata=reference("party"))
    holders: tuple[str, ...] = refs("person")
    responsibilities: tuple[str, ...] = _many()
    authorities: tuple[str, ...] = _many()
    competences: tuple[str, ...] = _many()


@attrs.frozen(kw_only=True)
class TopManagement(Checked):
    """The people who direct and control the provider at the highest level (guidance TM-0), and
    the management representative they appoint (4.1.4)."""

    members: tuple[str, ...] = refs("person")
    representative: str | None = ref("person")
    representative_appointment: str | None = ref("approval")  # the appointment


# --- policy, objectives, plan and scope ---------------------------------------------------


@attrs.frozen(kw_only=True)
class Policy(Checked):
    """A policy of the SMS: the service management policy (4.1.2) or another one the standard
    asks for (continual improvement, information security, change, release, ...)."""

    id: str = _ident()
    kind: PolicyKind
    title: str
    version: str = "1"
    owner: str | None = ref("person", "role")
    issued: date | None = None
    commitments: tuple[PolicyCommitment, ...] = _many()
    communicated_to: tuple[str, ...] = refs("party")
    contents: tuple[PolicyContent, ...] = _many("2018")  # what a change or release policy defines


@attrs.frozen(kw_only=True)
class Measurement(Checked):
    """One measurement of an objective against its target (guidance TM-g)."""

    date: date = _happened()
    value: str
    met: bool | None = None


@attrs.frozen(kw_only=True)
class Objective(Checked):
    """A measurable service management objective (4.1.1, 4.5.2 and guidance TM-e, TM-g)."""

    id: str = _ident()
    statement: str
    owner: str | None = ref("person", "role")
    target: str | None = None
    due: date | None = None
    measurements: tuple[Measurement, ...] = _many()
    business_objectives: tuple[str, ...] = _many()
    resources: tuple[str, ...] = refs("resource")  # allocated to meet it
    # last revision, e.g. after the service requirements changed
    revised: date | None = _happened_or_none()
    # how it will be achieved (2018: 6.2.2): what will be done, and how results are evaluated
    actions: tuple[str, ...] = _many("2018")
    evaluation: str | None = _new_in_2018(None)


@attrs.frozen(kw_only=True)
class ServiceManagementPlan(Checked):
    """The service management plan (4.5.2; guidance TM-d, EV-c, APP-3).

    ``drafted_by`` may be another party (a consultant); once agreed the plan must be owned and
    maintained by the provider itself.
    """

    id: str = _ident()
    title: str
    version: str = "1"
    status: PlanStatus = PlanStatus.DRAFT
    drafted_by: str | None = ref("party")
    owner: str | None = ref("person", "role")
    maintained_by: str | None = ref("party")
    agreed_on: date | None = _happened_or_none()
    topics: tuple[PlanTopic, ...] = _many()
    objectives: tuple[str, ...] = refs("objective")
    business_objectives: tuple[str, ...] = _many()


@attrs.frozen(kw_only=True)
class Scope(Checked):
    """The scope of the SMS: organisational units and services (4.5.1).

    ``exclusions`` exist to record what an organisation claims to leave out; the standard
    allows none, so each is reported.
    """

    statement: str
    id: str = attrs.field(default="scope", validator=_non_empty)
    organisational_units: tuple[str, ...] = refs("party")
    services: tuple[str, ...] = refs("service")
    locations: tuple[str, ...] = _many()
    exclusions: tuple[str, ...] = _many()


# --- services, processes and other parties ------------------------------------------------


@attrs.frozen(kw_only=True)
class ServiceLevel(Checked):
    """An agreed service level target (6.1)."""

    metric: str
    target: str


@attrs.frozen(kw_only=True)
class Service(Checked):
    """A service delivered to customers, at a stage of its lifecycle (guidance TM-i)."""

    id: str = _ident()
    name: str
    customers: tuple[str, ...] = refs("party")
    stage: LifecycleStage = LifecycleStage.LIVE
    owner: str | None = ref("person", "role")
    agreement: str | None = ref("agreement")  # the service level agreement
    service_levels: tuple[ServiceLevel, ...] = _many()
    requirements: tuple[str, ...] = _many()
    requirements_changed: date | None = _happened_or_none()
    in_catalogue: bool = True
    supported_by: tuple[str, ...] = refs("party")  # suppliers and internal groups
    depends_on: tuple[str, ...] = refs("service", since="2018")  # services it depends on (8.2.4)
    components: tuple[str, ...] = refs("asset", since="2018")  # the components it is built from


@attrs.frozen(kw_only=True)
class Process(Checked):
    """A service management process (Clauses 5 to 9) or an SMS-level Clause 4 activity.

    ``owner`` is the one person or role accountable for it; ``operated_by`` is the party that
    runs it (``None`` means the provider itself).
    """

    id: str = _ident()
    kind: ProcessKind
    name: str | None = None
    owner: str | None = ref("person", "role")
    operated_by: str | None = ref("party")
    responsible: tuple[str, ...] = refs("person", "role")
    definition: str | None = ref("document")  # the process definition
    procedures: tuple[str, ...] = refs("document")
    interfaces: tuple[str, ...] = refs("process")


@attrs.frozen(kw_only=True)
class DutyAssignment(Checked):
    """Who is accountable and responsible for a Clause 4 duty (guidance APP-1, TM-b)."""

    duty: Clause4Duty
    accountable: str = attrs.field(metadata=reference("person", "role"))
    responsible: tuple[str, ...] = refs("person", "role")


@attrs.frozen(kw_only=True)
class Agreement(Checked):
    """A documented agreement with another party: a contract, SLA, OLA or engagement letter
    (4.2, 6.1, 7.2; guidance APP-5)."""

    id: str = _ident()
    kind: AgreementKind
    title: str
    parties: tuple[str, ...] = refs("party")
    owner: str | None = ref("person", "role")  # the provider's person responsible for it
    services: tuple[str, ...] = refs("service")
    terms: tuple[AgreementTerm, ...] = _many()
    accessible_to: tuple[str, ...] = refs("party")  # parties that can read it
    effective: date | None = None
    expires: date | None = None

    def in_force(self, as_of: date) -> bool:
        """In force on ``as_of``: effective by then (or undated) and not expired before it; an
        agreement is still in force on the day it expires. The one definition every rule uses.

        >>> deal = Agreement(id="a", kind="service_level_agreement", title="SLA",
        ...                  effective=date(2026, 1, 1), expires=date(2026, 12, 31))
        >>> [deal.in_force(date(2025, 12, 31)), deal.in_force(date(2026, 12, 31)),
        ...  deal.in_force(date(2027, 1, 1))]
        [False, True, False]
        """
        return (self.effective is None or self.effective <= as_of) and not self.expired(as_of)

    def expired(self, as_of: date) -> bool:
        """Expired before ``as_of`` (an agreement without an expiry date never expires)."""
        return self.expires is not None and self.expires < as_of


@attrs.frozen(kw_only=True)
class OtherPartyProcess(Checked):
    """A process, or a specific Clause 4 activity, operated or performed by another party
    (4.2; guidance APP-1, APP-2, APP-5), or a service or service component another party
    provides or operates (2018: 8.2.3).

    Exactly one of ``process``, ``activity``, ``service`` and ``component`` is set.
    ``accountable`` must be someone of the provider; ``controls`` are the governance controls
    of 4.2 a-d the provider exercises.
    """

    id: str = _ident()
    party: str = attrs.field(metadata=reference("party"))
    process: str | None = ref("process")
    activity: Clause4Duty | None = None
    agreement: str | None = ref("agreement")
    accountable: str | None = ref("person", "role")
    controls: tuple[GovernanceControl, ...] = _many()
    engagement: Engagement = Engagement.ONGOING
    start: date | None = None
    end: date | None = None
    governed_through: str | None = ref("party")  # for a sub-contracted supplier: its lead supplier
    service: str | None = ref("service", since="2018")
    component: str | None = ref("asset", since="2018")

    def running(self, as_of: date) -> bool:
        """Whether the engagement runs on ``as_of``: begun by then (or undated) and not ended
        before it (it still runs on its last day).

        >>> work = OtherPartyProcess(id="w", party="p", process="x", start=date(2026, 1, 1),
        ...                          end=date(2026, 6, 30))
        >>> [work.running(date(2025, 12, 31)), work.running(date(2026, 6, 30))]
        [False, True]
        """
        begun = self.start is None or self.start <= as_of
        return begun and (self.end is None or self.end >= as_of)


@attrs.frozen(kw_only=True)
class Document(Checked):
    """A controlled document: catalogue, process definition, procedure, plan (4.3)."""

    id: str = _ident()
    kind: DocumentKind
    title: str
    version: str = "1"
    status: DocumentStatus = DocumentStatus.ISSUED
    owner: str | None = ref("person", "role")
    issued: date | None = None
    subjects: tuple[str, ...] = refs_any()
    supersedes: str | None = ref("document")

    def in_force(self, as_of: date) -> bool:
        """In force on ``as_of``: issued (not a draft, obsolete or withdrawn) and, when its issue
        date is known, issued on or before ``as_of``. The one definition every rule uses.

        >>> doc = Document(id="d", kind="complaint_procedure", title="Complaints",
        ...                issued=date(2027, 1, 4))
        >>> doc.in_force(date(2027, 1, 3)), doc.in_force(date(2027, 1, 4))
        (False, True)
        """
        return self.status is DocumentStatus.ISSUED and (
            self.issued is None or self.issued <= as_of
        )


# --- dated records -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Meeting(Checked):
    """A meeting about the SMS, with its chair and the SMS stages it dealt with (EV-a, TM-a)."""

    id: str = _ident()
    kind: MeetingKind
    date: date = _happened()
    chair: str | None = ref("person")
    attendees: tuple[str, ...] = refs("person")
    stages: tuple[SMSStage, ...] = _many()
    topics: tuple[str, ...] = _many()
    subjects: tuple[str, ...] = refs_any()


@attrs.frozen(kw_only=True)
class Approval(Checked):
    """An approval of an artefact (policy, objective, plan, process, document) by a person
    (guidance EV-c, EV-d)."""

    id: str = _ident()
    subject: str = attrs.field(metadata=reference())
    approver: str = attrs.field(metadata=reference("person"))
    date: date = _happened()
    subject_version: str | None = None


@attrs.frozen(kw_only=True)
class Acknowledgement(Checked):
    """A party's acknowledgement of an artefact: requirements, scope, policy, objectives (TM-c)."""

    id: str = _ident()
    artefact: str = attrs.field(metadata=reference())
    party: str = attrs.field(metadata=reference("party"))
    date: date = _happened()
    person: str | None = ref("person")


@attrs.frozen(kw_only=True)
class Review(Checked):
    """A review held at planned intervals: management review, SLA or supplier review, ..."""

    id: str = _ident()
    kind: ReviewKind
    date: date = _happened()
    chair: str | None = ref("person")
    attendees: tuple[str, ...] = refs("person")
    subjects: tuple[str, ...] = refs_any()
    inputs: tuple[ReviewInput, ...] = _many()
    outputs: tuple[str, ...] = _many()


@attrs.frozen(kw_only=True)
class Audit(Checked):
    """An internal, external or configuration audit (4.5.4.2, 9.1; guidance TM-j).

    ``auditee_processes`` lets rules check that auditors do not audit their own work.
    """

    id: str = _ident()
    kind: AuditKind
    date: date = _happened()
    auditor: str = attrs.field(metadata=reference("person"))
    processes: tuple[str, ...] = refs("process")
    programme: str | None = ref("document")  # the audit programme
    nonconformities: tuple[str, ...] = refs("improvement")  # raised by the audit


@attrs.frozen(kw_only=True)
class Report(Checked):
    """A report, e.g. SMS performance reported to top management (6.2; guidance TM-f)."""

    id: str = _ident()
    kind: ReportKind
    date: date = _happened()
    author: str | None = ref("person", "role")
    recipients: tuple[str, ...] = refs("person", "role")
    subjects: tuple[str, ...] = refs_any()
    definition: str | None = ref("document")  # the report definition


@attrs.frozen(kw_only=True)
class Risk(Checked):
    """A risk to services or to the SMS (4.5.3, 6.3, 6.6; guidance TM-h)."""

    id: str = _ident()
    title: str
    subjects: tuple[str, ...] = refs_any()
    owner: str | None = ref("person", "role")
    assessed: date | None = _happened_or_none()
    likelihood: int | None = attrs.field(default=None, validator=_score)
    impact: int | None = attrs.field(default=None, validator=_score)
    status: RiskStatus = RiskStatus.OPEN
    treatment: str | None = None
    accepted_by: str | None = ref("person")
    # the 2018 edition plans for opportunities too (6.1)
    kind: RiskKind = attrs.field(default=RiskKind.RISK, metadata=since("2018"))
    criteria: str | None = ref("document", since="2018")  # the criteria it was assessed against
    evaluated: date | None = _happened_or_none("2018")  # effectiveness of its actions evaluated


@attrs.frozen(kw_only=True)
class Change(Checked):
    """A change, with the assessment of its risk (9.2; guidance TM-h)."""

    id: str = _ident()
    title: str
    raised: date = _happened()
    subjects: tuple[str, ...] = refs_any()
    risk_assessment: str | None = ref("risk")  # the risk assessed for this change
    approved_by: str | None = ref("person", "role")
    major: bool = False  # major impact on services: goes through Clause 5
    emergency: bool = False
    implemented: date | None = _happened_or_none()
    reviewed: date | None = _happened_or_none()


@attrs.frozen(kw_only=True)
class Resource(Checked):
    """A human, technical, information or financial resource (4.4.1; guidance TM-e, EV-x)."""

    id: str = _ident()
    kind: ResourceKind
    description: str
    allocated_to: tuple[str, ...] = refs_any()
    amount: str | None = None
    provided: date | None = None
    withdrawn: date | None = None  # reallocated away from the SMS (a sign of weak commitment)


@attrs.frozen(kw_only=True)
class Improvement(Checked):
    """An entry in the improvement register: nonconformity, corrective action or improvement
    (4.5.5)."""

    id: str = _ident()
    kind: ImprovementKind
    title: str
    raised: date = _happened()
    source: str | None = ref_any()
    owner: str | None = ref("person", "role")
    priority: int | None = None
    approved_by: str | None = ref("person")
    target: str | None = None
    closed: date | None = _happened_or_none()


@attrs.frozen(kw_only=True)
class Evidence(Checked):
    """A dated piece of evidence: what it shows, which subjects, clauses and guidance ids it
    supports, from when (``effective``) until when (``valid_until``), and where it is kept."""

    id: str = _ident()
    kind: str
    effective: date = _happened()
    title: str | None = None
    collected: datetime | None = _happened_or_none()
    valid_until: date | None = None
    subjects: tuple[str, ...] = refs_any()
    clauses: tuple[str, ...] = _many()
    guidance: tuple[str, ...] = _many()
    location: str | None = None
    digest: str | None = None


# --- context, knowledge and assets (the 2018 edition) -------------------------------------


@attrs.frozen(kw_only=True)
class ContextIssue(Checked):
    """An external or internal issue that affects the SMS and what it sets out to achieve
    (2018: 4.1), determined on a date and reviewed since.

    >>> ContextIssue(id="ci-1", title="Cloud migration", external=True,
    ...              determined=date(2026, 1, 5)).external
    True
    """

    id: str = _ident()
    title: str
    external: bool = False
    determined: date = _happened()
    reviewed: date | None = _happened_or_none()
    owner: str | None = ref("person", "role")
    subjects: tuple[str, ...] = refs_any()


@attrs.frozen(kw_only=True)
class PartyRequirement(Checked):
    """A requirement of an interested party that bears on the services or the SMS
    (2018: 4.2).

    >>> PartyRequirement(id="rq-1", party="bank", statement="Data stays in the EU",
    ...                  determined=date(2026, 2, 1)).party
    'bank'
    """

    id: str = _ident()
    party: str = attrs.field(metadata=reference("party"))
    statement: str
    determined: date = _happened()
    reviewed: date | None = _happened_or_none()
    services: tuple[str, ...] = refs("service")


@attrs.frozen(kw_only=True)
class Knowledge(Checked):
    """Knowledge needed to operate the SMS and deliver the services, where it is kept and who
    can reach it (2018: 7.6).

    >>> Knowledge(id="kn-1", topic="Failover runbook", documents=("doc-run",)).documents
    ('doc-run',)
    """

    id: str = _ident()
    topic: str
    subjects: tuple[str, ...] = refs_any()
    documents: tuple[str, ...] = refs("document")  # where it is kept
    owner: str | None = ref("person", "role")
    available_to: tuple[str, ...] = refs("person", "role", "party")
    reviewed: date | None = _happened_or_none()


@attrs.frozen(kw_only=True)
class Asset(Checked):
    """An asset used to deliver services, managed to meet requirements and obligations
    (2018: 8.2.5): hardware, software, licences, information, facilities.

    >>> Asset(id="as-1", name="Core switch", kind="hardware").kind
    <AssetKind.HARDWARE: 'hardware'>
    """

    id: str = _ident()
    name: str
    kind: AssetKind
    owner: str | None = ref("person", "role")
    services: tuple[str, ...] = refs("service")
    location: str | None = None
    licence: str | None = None  # the licence terms, for software and licences
    verified: date | None = _happened_or_none()  # last checked against the real asset
