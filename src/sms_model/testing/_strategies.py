"""Hypothesis strategies that build valid service management systems.

Ids come from a prefix per collection plus an index (``process-3``), so they are unique across
the whole system by construction, and every reference is drawn from the ids of the right kind.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

import hypothesis.strategies as st

from sms_model.model import (
    COLLECTIONS,
    Acknowledgement,
    Agreement,
    AgreementKind,
    AgreementTerm,
    Approval,
    Audit,
    AuditKind,
    Change,
    Clause4Duty,
    Document,
    DocumentKind,
    DocumentStatus,
    DutyAssignment,
    Engagement,
    Evidence,
    GovernanceControl,
    Improvement,
    ImprovementKind,
    LifecycleStage,
    Measurement,
    Meeting,
    MeetingKind,
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
    Report,
    ReportKind,
    Resource,
    ResourceKind,
    Review,
    ReviewInput,
    ReviewKind,
    Risk,
    RiskStatus,
    Role,
    Scope,
    Service,
    ServiceLevel,
    ServiceManagementPlan,
    ServiceManagementSystem,
    SMSStage,
    TopManagement,
)

__all__ = [
    "aware_datetimes",
    "dates",
    "identifiers",
    "parties",
    "risks",
    "sms_models",
    "texts",
]

E = TypeVar("E", bound=enum.Enum)

#: Characters every text value is drawn from: any character UTF-8 can encode except control
#: characters (Cc) and surrogates (Cs), so that the same value survives YAML and JSON.
_SAFE_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_ID_CHARACTERS = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Nd"), include_characters="-_."
)
_FIRST_DATE = date(1990, 1, 1)
_LAST_DATE = date(2100, 12, 31)

# The id prefix of each id-carrying collection: "process-0", "process-1", ...
_PREFIX = {collection: kind.replace("_", "-") for collection, kind in COLLECTIONS.items()}


def texts(*, min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    """Free text that survives a YAML and a JSON round trip unchanged.

    Any character UTF-8 can encode, except control characters and surrogates.

    >>> texts(max_size=5)
    text(...)
    """
    return st.text(alphabet=_SAFE_CHARACTERS, min_size=min_size, max_size=max_size)


def identifiers() -> st.SearchStrategy[str]:
    """Non-empty ids of letters, digits, ``-``, ``_`` and ``.`` (never only whitespace).

    >>> from hypothesis import find, settings
    >>> find(identifiers(), lambda i: len(i) > 2, settings=settings(database=None))
    '000'
    """
    return st.text(alphabet=_ID_CHARACTERS, min_size=1, max_size=16)


def dates() -> st.SearchStrategy[date]:
    """Calendar dates between 1990 and 2100.

    >>> from hypothesis import find, settings
    >>> find(dates(), lambda d: d.year > 2000, settings=settings(database=None))
    datetime.date(2001, 1, 1)
    """
    return st.dates(min_value=_FIRST_DATE, max_value=_LAST_DATE)


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Timezone-aware date-times, with a fixed UTC offset in whole minutes (at most 14 hours).

    >>> from hypothesis import find, settings
    >>> moment = find(aware_datetimes(), lambda m: True, settings=settings(database=None))
    >>> moment.tzinfo is not None
    True
    """
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 12, 31),
        timezones=offsets,
    )


def parties(
    *, ids: st.SearchStrategy[str] | None = None, kinds: Sequence[PartyKind] = tuple(PartyKind)
) -> st.SearchStrategy[Party]:
    """Single :class:`~sms_model.model.Party` values (without a lead supplier).

    >>> from hypothesis import find, settings
    >>> party = find(
    ...     parties(kinds=[PartyKind.SUPPLIER]), lambda p: True, settings=settings(database=None)
    ... )
    >>> party.kind.value
    'supplier'
    """
    return st.builds(
        Party,
        id=identifiers() if ids is None else ids,
        name=texts(),
        kind=st.sampled_from(tuple(kinds)),
        interested=st.booleans(),
        description=st.none() | texts(),
        lead_supplier=st.none(),
    )


def risks(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Risk]:
    """Single :class:`~sms_model.model.Risk` values with scores from 1 to 5 (no references).

    >>> from hypothesis import find, settings
    >>> quiet = settings(database=None)
    >>> risk = find(risks(), lambda r: r.likelihood is not None, settings=quiet)
    >>> risk.likelihood
    1
    """
    scores = st.none() | st.integers(min_value=1, max_value=5)
    return st.builds(
        Risk,
        id=identifiers() if ids is None else ids,
        title=texts(),
        assessed=st.none() | dates(),
        likelihood=scores,
        impact=scores,
        status=st.sampled_from(RiskStatus),
        treatment=st.none() | texts(),
        subjects=st.just(()),
        owner=st.none(),
        accepted_by=st.none(),
    )


def sms_models(max_size: int = 8) -> st.SearchStrategy[ServiceManagementSystem]:
    """Valid :class:`~sms_model.model.ServiceManagementSystem` values.

    Every collection holds at most ``max_size`` entities, besides the provider (the first
    party, ``party-0``) and one person of the provider (the first person, always in top
    management). Ids are ``<kind>-<index>`` (``process-3``), plus ``plan`` and ``scope``, so
    they are unique by construction. Every reference names an entity of a kind the model
    accepts there; other parties are of every kind, and a supplier may be sub-contracted to
    an earlier one (its ``lead_supplier``); reporting lines point only to earlier people, so
    they never loop; an engagement never ends before it starts. Use it in a test of your own::

        from hypothesis import given
        from sms_model.testing import sms_models

        @given(sms_models(max_size=4))
        def test_every_process_owner_exists(sms):
            assert all(p.owner is None or p.owner in sms for p in sms.processes)

    >>> from hypothesis import find, settings
    >>> quiet = settings(database=None)
    >>> sms = find(sms_models(max_size=2), lambda s: len(s.processes) == 2, settings=quiet)
    >>> [p.id for p in sms.processes], sms.provider_party.kind.value
    (['process-0', 'process-1'], 'provider')
    """
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1 (found {max_size!r})")
    return _sms(max_size)


# Strategies are built once and reused: building one per draw would dominate generation time.
@functools.cache
def _index_subsets(n: int, max_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(min_value=0, max_value=n - 1), unique=True, max_size=max_size)


@functools.cache
def _optional_index(n: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(min_value=0, max_value=n - 1)


@functools.cache
def _index(n: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=n - 1)


@functools.cache
def _member(cls: type[enum.Enum]) -> st.SearchStrategy[Any]:
    return st.sampled_from(cls)


@functools.cache
def _members(cls: type[enum.Enum]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(cls), unique=True, max_size=3)


_TEXT = texts()
_SHORT_TEXT = texts(min_size=1, max_size=5)
_TEXTS = st.lists(_TEXT, max_size=2)
_OPT_TEXT = st.none() | _TEXT
_DATE = dates()
_OPT_DATE = st.none() | _DATE
_BOOL = st.booleans()
_OPT_BOOL = st.none() | _BOOL
# Suppliers count twice: chains of suppliers (a lead and its sub-contractor) are what the
# governance of other parties (4.2) is about, so they should not be rare.
_OTHER_KINDS = st.sampled_from(
    [PartyKind.SUPPLIER, *(k for k in PartyKind if k is not PartyKind.PROVIDER)]
)
_DAYS = st.none() | st.integers(min_value=0, max_value=3650)
_PRIORITY = st.none() | st.integers(min_value=1, max_value=10)
_SCORE = st.none() | st.integers(min_value=1, max_value=5)
_MEASUREMENTS = st.lists(st.builds(Measurement, date=_DATE, value=_TEXT, met=_OPT_BOOL), max_size=2)
_SERVICE_LEVELS = st.lists(st.builds(ServiceLevel, metric=_TEXT, target=_TEXT), max_size=2)
_OPT_MOMENT = st.none() | aware_datetimes()
_CLAUSES = st.lists(st.sampled_from(("4.1.1", "4.2", "4.5.4.2", "6.1")), unique=True, max_size=2)
_GUIDANCE = st.lists(st.sampled_from(("APP-1", "APP-2", "TM-a", "EV-c")), unique=True, max_size=2)


def _some(draw: Any, ids: Sequence[str], max_size: int = 3) -> tuple[str, ...]:
    if not ids:
        return ()
    picked: list[int] = draw(_index_subsets(len(ids), max_size))
    return tuple(ids[i] for i in picked)


def _maybe(draw: Any, ids: Sequence[str]) -> str | None:
    if not ids:
        return None
    found: int | None = draw(_optional_index(len(ids)))
    return None if found is None else ids[found]


def _one(draw: Any, ids: Sequence[str]) -> str:
    found: int = draw(_index(len(ids)))
    return ids[found]


def _enum(draw: Any, cls: type[E]) -> E:
    found: E = draw(_member(cls))
    return found


def _enums(draw: Any, cls: type[enum.Enum]) -> tuple[Any, ...]:
    picked: list[Any] = draw(_members(cls))
    return tuple(picked)


def _text(draw: Any) -> str:
    found: str = draw(_TEXT)
    return found


def _texts(draw: Any) -> tuple[str, ...]:
    found: list[str] = draw(_TEXTS)
    return tuple(found)


def _opt_text(draw: Any) -> str | None:
    found: str | None = draw(_OPT_TEXT)
    return found


def _opt_date(draw: Any) -> date | None:
    found: date | None = draw(_OPT_DATE)
    return found


def _period(draw: Any) -> tuple[date | None, date | None]:
    start = _opt_date(draw)
    if start is None:
        return None, _opt_date(draw)
    # an end, when there is one, never comes before the start
    days: int | None = draw(_DAYS)
    if days is None:
        return start, None
    return start, min(start + timedelta(days=days), _LAST_DATE)


@st.composite
def _sms(draw: Any, max_size: int) -> ServiceManagementSystem:
    size = st.integers(min_value=0, max_value=max_size)
    count = {collection: draw(size) for collection in COLLECTIONS}
    count["parties"] += 1  # the provider
    count["people"] += 1  # someone of the provider, for top management
    ids = {
        collection: [f"{_PREFIX[collection]}-{i}" for i in range(n)]
        for collection, n in count.items()
    }
    party_ids, people, role_ids = ids["parties"], ids["people"], ids["roles"]
    owners = people + role_ids
    documents, processes = ids["documents"], ids["processes"]
    has_plan, has_scope = draw(_BOOL), draw(_BOOL)
    # Records may name any artefact, the plan and the scope included.
    everything = [i for collection in COLLECTIONS for i in ids[collection]]
    everything += ["plan"] * has_plan + ["scope"] * has_scope

    parties_ = _parties(draw, party_ids)
    people_ = tuple(
        Person(
            id=person,
            name=_text(draw),
            # the first person works for the provider, so top management is never empty
            party=party_ids[0] if i == 0 else _one(draw, party_ids),
            reports_to=_maybe(draw, people[:i]),  # only earlier people: no cycles
            title=_opt_text(draw),
            competences=_texts(draw),
        )
        for i, person in enumerate(people)
    )
    provider_people = [p.id for p in people_ if p.party == party_ids[0]]
    roles_ = tuple(
        Role(
            id=role,
            name=_text(draw),
            party=_one(draw, party_ids),
            holders=_some(draw, people),
            responsibilities=_texts(draw),
            authorities=_texts(draw),
            competences=_texts(draw),
        )
        for role in role_ids
    )
    top_management = TopManagement(
        members=(provider_people[0], *_some(draw, provider_people[1:])),
        representative=_maybe(draw, provider_people),
        representative_appointment=_maybe(draw, ids["approvals"]),
    )
    policies = tuple(
        Policy(
            id=policy,
            kind=_enum(draw, PolicyKind),
            title=_text(draw),
            version=draw(_SHORT_TEXT),
            owner=_maybe(draw, owners),
            issued=_opt_date(draw),
            commitments=_enums(draw, PolicyCommitment),
            communicated_to=_some(draw, party_ids),
        )
        for policy in ids["policies"]
    )
    objectives = tuple(
        Objective(
            id=objective,
            statement=_text(draw),
            owner=_maybe(draw, owners),
            target=_opt_text(draw),
            due=_opt_date(draw),
            measurements=tuple(draw(_MEASUREMENTS)),
            business_objectives=_texts(draw),
            resources=_some(draw, ids["resources"]),
            revised=_opt_date(draw),
        )
        for objective in ids["objectives"]
    )
    plan = None
    if has_plan:
        plan = ServiceManagementPlan(
            id="plan",
            title=_text(draw),
            version=draw(_SHORT_TEXT),
            status=_enum(draw, PlanStatus),
            drafted_by=_maybe(draw, party_ids),
            owner=_maybe(draw, owners),
            maintained_by=_maybe(draw, party_ids),
            agreed_on=_opt_date(draw),
            topics=_enums(draw, PlanTopic),
            objectives=_some(draw, ids["objectives"]),
            business_objectives=_texts(draw),
        )
    scope = None
    if has_scope:
        scope = Scope(
            id="scope",
            statement=_text(draw),
            organisational_units=_some(draw, party_ids),
            services=_some(draw, ids["services"]),
            locations=_texts(draw),
            exclusions=_texts(draw),
        )
    services = tuple(
        Service(
            id=service,
            name=_text(draw),
            customers=_some(draw, party_ids),
            stage=_enum(draw, LifecycleStage),
            owner=_maybe(draw, owners),
            agreement=_maybe(draw, ids["agreements"]),
            service_levels=tuple(draw(_SERVICE_LEVELS)),
            requirements=_texts(draw),
            requirements_changed=_opt_date(draw),
            in_catalogue=draw(_BOOL),
            supported_by=_some(draw, party_ids),
        )
        for service in ids["services"]
    )
    processes_ = tuple(
        Process(
            id=process,
            kind=_enum(draw, ProcessKind),
            name=_opt_text(draw),
            owner=_maybe(draw, owners),
            operated_by=_maybe(draw, party_ids),
            responsible=_some(draw, owners),
            definition=_maybe(draw, documents),
            procedures=_some(draw, documents),
            interfaces=_some(draw, [other for other in processes if other != process]),
        )
        for process in processes
    )
    duties = tuple(
        DutyAssignment(
            duty=_enum(draw, Clause4Duty),
            accountable=_one(draw, owners),
            responsible=_some(draw, owners),
        )
        for _ in range(draw(size))
    )
    other_party_processes = tuple(
        _other_party_process(draw, opp, party_ids, processes, ids["agreements"], owners)
        for opp in ids["other_party_processes"]
    )
    agreements = tuple(
        _agreement(draw, agreement, party_ids, owners, ids["services"])
        for agreement in ids["agreements"]
    )
    documents_ = tuple(
        Document(
            id=document,
            kind=_enum(draw, DocumentKind),
            title=_text(draw),
            version=draw(_SHORT_TEXT),
            status=_enum(draw, DocumentStatus),
            owner=_maybe(draw, owners),
            issued=_opt_date(draw),
            subjects=_some(draw, everything),
            supersedes=_maybe(draw, documents[:i]),
        )
        for i, document in enumerate(documents)
    )
    meetings = tuple(
        Meeting(
            id=meeting,
            kind=_enum(draw, MeetingKind),
            date=draw(_DATE),
            chair=_maybe(draw, people),
            attendees=_some(draw, people),
            stages=_enums(draw, SMSStage),
            topics=_texts(draw),
            subjects=_some(draw, everything),
        )
        for meeting in ids["meetings"]
    )
    approvals = tuple(
        Approval(
            id=approval,
            subject=_one(draw, everything),
            approver=_one(draw, people),
            date=draw(_DATE),
            subject_version=_opt_text(draw),
        )
        for approval in ids["approvals"]
    )
    acknowledgements = tuple(
        Acknowledgement(
            id=acknowledgement,
            artefact=_one(draw, everything),
            party=_one(draw, party_ids),
            date=draw(_DATE),
            person=_maybe(draw, people),
        )
        for acknowledgement in ids["acknowledgements"]
    )
    reviews = tuple(
        Review(
            id=review,
            kind=_enum(draw, ReviewKind),
            date=draw(_DATE),
            chair=_maybe(draw, people),
            attendees=_some(draw, people),
            subjects=_some(draw, everything),
            inputs=_enums(draw, ReviewInput),
            outputs=_texts(draw),
        )
        for review in ids["reviews"]
    )
    audits = tuple(
        Audit(
            id=audit,
            kind=_enum(draw, AuditKind),
            date=draw(_DATE),
            auditor=_one(draw, people),
            processes=_some(draw, processes),
            programme=_maybe(draw, documents),
            nonconformities=_some(draw, ids["improvements"]),
        )
        for audit in ids["audits"]
    )
    reports = tuple(
        Report(
            id=report,
            kind=_enum(draw, ReportKind),
            date=draw(_DATE),
            author=_maybe(draw, owners),
            recipients=_some(draw, owners),
            subjects=_some(draw, everything),
            definition=_maybe(draw, documents),
        )
        for report in ids["reports"]
    )
    risks_ = tuple(
        Risk(
            id=risk,
            title=_text(draw),
            subjects=_some(draw, everything),
            owner=_maybe(draw, owners),
            assessed=_opt_date(draw),
            likelihood=draw(_SCORE),
            impact=draw(_SCORE),
            status=_enum(draw, RiskStatus),
            treatment=_opt_text(draw),
            accepted_by=_maybe(draw, people),
        )
        for risk in ids["risks"]
    )
    changes = tuple(
        Change(
            id=change,
            title=_text(draw),
            raised=draw(_DATE),
            subjects=_some(draw, everything),
            risk_assessment=_maybe(draw, ids["risks"]),
            approved_by=_maybe(draw, owners),
            major=draw(_BOOL),
            emergency=draw(_BOOL),
            implemented=_opt_date(draw),
            reviewed=_opt_date(draw),
        )
        for change in ids["changes"]
    )
    resources = tuple(
        Resource(
            id=resource,
            kind=_enum(draw, ResourceKind),
            description=_text(draw),
            allocated_to=_some(draw, everything),
            amount=_opt_text(draw),
            provided=_opt_date(draw),
            withdrawn=_opt_date(draw),
        )
        for resource in ids["resources"]
    )
    improvements = tuple(
        Improvement(
            id=improvement,
            kind=_enum(draw, ImprovementKind),
            title=_text(draw),
            raised=draw(_DATE),
            source=_maybe(draw, everything),
            owner=_maybe(draw, owners),
            priority=draw(_PRIORITY),
            approved_by=_maybe(draw, people),
            target=_opt_text(draw),
            closed=_opt_date(draw),
        )
        for improvement in ids["improvements"]
    )
    evidence = tuple(
        Evidence(
            id=item,
            kind=draw(_SHORT_TEXT),
            effective=draw(_DATE),
            title=_opt_text(draw),
            collected=draw(_OPT_MOMENT),
            valid_until=_opt_date(draw),
            subjects=_some(draw, everything),
            clauses=tuple(draw(_CLAUSES)),
            guidance=tuple(draw(_GUIDANCE)),
            location=_opt_text(draw),
            digest=_opt_text(draw),
        )
        for item in ids["evidence"]
    )
    # Passed through a mapping: mypy's attrs plugin types the converted tuple fields of the
    # aggregate root as ``Iterable[_T_co]``, which no concrete tuple satisfies.
    collections: dict[str, Any] = {
        "duties": duties,
        "parties": parties_,
        "people": people_,
        "roles": roles_,
        "policies": policies,
        "objectives": objectives,
        "services": services,
        "processes": processes_,
        "other_party_processes": other_party_processes,
        "agreements": agreements,
        "documents": documents_,
        "meetings": meetings,
        "approvals": approvals,
        "acknowledgements": acknowledgements,
        "reviews": reviews,
        "audits": audits,
        "reports": reports,
        "risks": risks_,
        "changes": changes,
        "resources": resources,
        "improvements": improvements,
        "evidence": evidence,
    }
    return ServiceManagementSystem(
        name=_text(draw),
        provider=party_ids[0],
        top_management=top_management,
        scope=scope,
        plan=plan,
        **collections,
    )


def _parties(draw: Any, party_ids: Sequence[str]) -> tuple[Party, ...]:
    result = [
        Party(
            id=party_ids[0],
            name=_text(draw),
            kind=PartyKind.PROVIDER,
            interested=draw(_BOOL),
            description=_opt_text(draw),
        )
    ]
    for party in party_ids[1:]:
        kind: PartyKind = draw(_OTHER_KINDS)
        suppliers = [p.id for p in result if p.kind is PartyKind.SUPPLIER]
        # A supplier may be sub-contracted to an earlier supplier, its lead supplier.
        lead = _maybe(draw, suppliers) if kind is PartyKind.SUPPLIER else None
        result.append(
            Party(
                id=party,
                name=_text(draw),
                kind=kind,
                lead_supplier=lead,
                interested=draw(_BOOL),
                description=_opt_text(draw),
            )
        )
    return tuple(result)


def _other_party_process(
    draw: Any,
    opp: str,
    party_ids: Sequence[str],
    processes: Sequence[str],
    agreements: Sequence[str],
    owners: Sequence[str],
) -> OtherPartyProcess:
    # Exactly one of a process and a Clause 4 activity.
    process = _maybe(draw, processes)
    activity = _enum(draw, Clause4Duty) if process is None else None
    start, end = _period(draw)
    return OtherPartyProcess(
        id=opp,
        party=_one(draw, party_ids),
        process=process,
        activity=activity,
        agreement=_maybe(draw, agreements),
        accountable=_maybe(draw, owners),
        controls=_enums(draw, GovernanceControl),
        engagement=_enum(draw, Engagement),
        start=start,
        end=end,
        governed_through=_maybe(draw, party_ids),
    )


def _agreement(
    draw: Any,
    agreement: str,
    party_ids: Sequence[str],
    owners: Sequence[str],
    services: Sequence[str],
) -> Agreement:
    effective, expires = _period(draw)
    return Agreement(
        id=agreement,
        kind=_enum(draw, AgreementKind),
        title=_text(draw),
        parties=_some(draw, party_ids),
        owner=_maybe(draw, owners),
        services=_some(draw, services),
        terms=_enums(draw, AgreementTerm),
        accessible_to=_some(draw, party_ids),
        effective=effective,
        expires=expires,
    )
