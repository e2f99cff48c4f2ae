"""Built-in rules for documentation management (ISO/IEC 20000-1:2011, 4.3: process
documentation, control of documents, control of records) and resource management (4.4:
provision of resources, competence, training and awareness of people).

Length: one module per clause of the standard, as the rules reference is organised (4.3 and
4.4 share the helpers for listing what is missing and for dated records).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, Final, get_args, get_type_hints

import attrs
from dateutil.relativedelta import relativedelta

from sms_model.model import (
    COLLECTIONS,
    Document,
    DocumentKind,
    DocumentStatus,
    ResourceKind,
    ServiceManagementSystem,
    happened_fields,
)
from sms_model.rules._context import Context
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._registry import rule

__all__: list[str] = []

_YEAR = relativedelta(years=1)
_RETIRED: Final = (DocumentStatus.OBSOLETE, DocumentStatus.WITHDRAWN)


def _in_force(ctx: Context, kind: DocumentKind) -> tuple[Document, ...]:
    return tuple(ctx.facts.documents_in_force_by_kind.get(kind, ()))


def _listing(ids: Sequence[str], limit: int = 10) -> tuple[list[str], int]:
    """The first ``limit`` ids, to name in a message, and how many more there are."""
    return list(ids[:limit]), max(len(ids) - limit, 0)


# --- 4.3.1 Establish and maintain documents -----------------------------------------------


@rule(
    id="SMS-4.3.1-process-definitions",
    clause="4.3.1",
    clauses={"2018": "7.5.1"},
    severity=Severity.MAJOR,
    tags=("documents", "processes"),
)
def processes_documented(ctx: Context) -> Iterator[Finding]:
    """Every process is documented: it names a definition of kind ``process_definition``, and
    that definition and every procedure the process names have been issued. No definition at
    all is major; a wrong kind or a document not yet issued is minor (obsolete and withdrawn
    documents are left to SMS-4.3.2-obsolete-references).

    The documents other clauses name (catalogue, plans, emergency procedures, ...) are checked
    by the rules of those clauses, so that one missing document gives one finding. In the 2018
    edition the process definitions are documented information the SMS includes (7.5.1), and
    a finding names the process with its 2018 clause.

    Nonconforming: ``{id: p-prb, kind: problem}`` with no ``definition``; or its definition is
    still a draft, or is a procedure rather than a process definition; or ``p-inc`` names a
    draft major incident procedure.
    Conforming: ``{id: p-prb, definition: doc-prb}`` with ``doc-prb`` an issued process
    definition.
    """
    sms = ctx.sms
    for process in sms.processes:
        if process.definition is None:
            yield ctx.fail(
                "process {process!r} ({clause}) has no documented definition",
                code="documentation.process-undefined",
                subjects=process.id,
                process=process.id,
                clause=process.kind.clause_in(ctx.edition),
            )
        else:
            doc: Document = sms.get(process.definition)
            if doc.kind is not DocumentKind.PROCESS_DEFINITION:
                yield ctx.fail(
                    "the definition {document!r} of process {process!r} is a {kind}, not a "
                    "process definition",
                    code="documentation.definition-wrong-kind",
                    key="definition-kind",
                    subjects=(process.id, doc.id),
                    severity=Severity.MINOR,
                    document=doc.id,
                    process=process.id,
                    kind=doc.kind.value,
                )
            if _not_yet_issued(ctx, doc):
                yield ctx.fail(
                    "the definition {document!r} of process {process!r} has not been issued",
                    code="documentation.definition-not-issued",
                    key="definition-not-issued",
                    subjects=(process.id, doc.id),
                    severity=Severity.MINOR,
                    document=doc.id,
                    process=process.id,
                )
        for procedure_id in process.procedures:
            procedure: Document = sms.get(procedure_id)
            if _not_yet_issued(ctx, procedure):
                yield ctx.fail(
                    "process {process!r} names the procedure {procedure!r}, which has not been "
                    "issued",
                    code="documentation.procedure-not-issued",
                    key="procedure-not-issued",
                    subjects=(process.id, procedure.id),
                    severity=Severity.MINOR,
                    process=process.id,
                    procedure=procedure.id,
                )


def _not_yet_issued(ctx: Context, doc: Document) -> bool:
    return doc.status is DocumentStatus.DRAFT or (doc.issued is not None and doc.issued > ctx.as_of)


# --- 4.3.2 Control of documents -----------------------------------------------------------


@rule(
    id="SMS-4.3.2-approval",
    clause="4.3.2",
    clauses={"2018": "7.5.2"},
    severity=Severity.MINOR,
    tags=("documents", "approval"),
)
def documents_approved_before_issue(ctx: Context) -> Iterator[Finding]:
    """Every issued document carries an approval of its current version (an approval naming
    the document, with no ``subject_version`` or the document's ``version``) dated on or before
    its issue date.

    Nonconforming: ``doc-prb`` version 2 issued on 2025-01-10 with no approval, or approved
    on 2025-02-01, or only version 1 approved.
    Conforming: ``{subject: doc-prb, subject_version: "2", approver: rep, date: 2025-01-10}``.
    """
    approvals_of = ctx.facts.approvals_by_subject
    for doc in ctx.sms.documents:
        if not doc.in_force(ctx.as_of):
            continue
        approvals = approvals_of.get(doc.id, ())
        current = sorted(
            (a for a in approvals if a.subject_version in (None, doc.version)),
            key=lambda a: (a.date, a.id),
        )
        if not approvals:
            yield ctx.fail(
                "document {document!r} is issued but no approval of any version is on record",
                code="documentation.unapproved",
                subjects=doc.id,
                document=doc.id,
            )
        elif not current:
            yield ctx.fail(
                "document {document!r} is issued but no approval of version {version!r} is on "
                "record",
                code="documentation.version-unapproved",
                subjects=doc.id,
                evidence=sorted(a.id for a in approvals),
                document=doc.id,
                version=doc.version,
            )
        elif doc.issued is None:
            yield ctx.fail(
                "document {document!r} is issued with no issue date, so approval before issue "
                "cannot be shown",
                code="documentation.issue-undated",
                subjects=doc.id,
                evidence=current[0].id,
                document=doc.id,
            )
        elif current[0].date > doc.issued:
            yield ctx.fail(
                "document {document!r} was issued on {issued} but approved only on {approved}",
                code="documentation.approved-late",
                subjects=doc.id,
                evidence=current[0].id,
                document=doc.id,
                issued=doc.issued,
                approved=current[0].date,
            )


@rule(
    id="SMS-4.3.2-superseded",
    clause="4.3.2",
    clauses={"2018": "7.5.3"},
    severity=Severity.MINOR,
    tags=("documents", "versions"),
)
def superseded_documents_withdrawn(ctx: Context) -> Iterator[Finding]:
    """A document superseded by an issued one is marked obsolete or withdrawn, so only the
    current version is in use.

    Nonconforming: ``doc-chg-v2`` (issued) supersedes ``doc-chg``, which is still ``issued``.
    Conforming: ``doc-chg`` has ``status: obsolete``.
    """
    for doc in ctx.sms.documents:
        if doc.supersedes is None or not doc.in_force(ctx.as_of):
            continue
        old: Document = ctx.sms.get(doc.supersedes)
        if old.status not in _RETIRED:
            yield ctx.fail(
                "document {document!r} is superseded by {successor!r} but is still {status}; "
                "mark it obsolete or withdrawn",
                code="documentation.superseded-in-use",
                subjects=(old.id, doc.id),
                document=old.id,
                successor=doc.id,
                status=old.status.value,
            )


@rule(
    id="SMS-4.3.2-obsolete-references",
    clause="4.3.2",
    clauses={"2018": "7.5.3"},
    severity=Severity.MINOR,
    tags=("documents", "versions", "processes"),
)
def processes_use_current_documents(ctx: Context) -> Iterator[Finding]:
    """No process still points at an obsolete or withdrawn document as its definition or one
    of its procedures.

    Nonconforming: ``{id: p-chg, procedures: [doc-emergency-change]}`` with that procedure
    withdrawn.
    Conforming: the process names the issued document that replaced it.
    """
    for process in ctx.sms.processes:
        refs = (*((process.definition,) if process.definition else ()), *process.procedures)
        for ref in dict.fromkeys(refs):  # a document named twice is one finding
            doc: Document = ctx.sms.get(ref)
            if doc.status in _RETIRED:
                yield ctx.fail(
                    "process {process!r} still uses document {document!r}, which is {status}",
                    code="documentation.retired-in-use",
                    subjects=(process.id, doc.id),
                    process=process.id,
                    document=doc.id,
                    status=doc.status.value,
                )


@rule(
    id="SMS-4.3.2-owner",
    clause="4.3.2",
    clauses={"2018": "7.5.2"},
    severity=Severity.MINOR,
    tags=("documents",),
)
def documents_owned(ctx: Context) -> Iterator[Finding]:
    """Every draft or issued document has an owner who keeps it current.

    Nonconforming: ``{id: doc-ci-types, kind: configuration_item_types}`` with no ``owner``.
    Conforming: the same document with ``owner: po``.
    """
    for doc in ctx.sms.documents:
        if doc.status in _RETIRED or doc.owner is not None:
            continue
        yield ctx.fail(
            "document {document!r} has no owner",
            code="documentation.unowned",
            subjects=doc.id,
            document=doc.id,
        )


# --- 4.3.3 Control of records -------------------------------------------------------------


@rule(
    id="SMS-4.3.3-procedure",
    clause="4.3.3",
    clauses={"2018": "7.5.3"},
    severity=Severity.MAJOR,
    tags=("documents", "records"),
)
def records_procedure(ctx: Context) -> Iterator[Finding]:
    """A procedure for the control of records (identification, storage, protection, retrieval,
    retention and disposal) is documented and issued.

    In the 2018 edition (7.5.3) the procedure is where the organization records how it
    controls its documented information.

    Nonconforming: no issued document of kind ``records_procedure``.
    Conforming: ``{id: doc-records, kind: records_procedure, status: issued}``.
    """
    if not _in_force(ctx, DocumentKind.RECORDS_PROCEDURE):
        yield ctx.fail(
            "no issued procedure for the control of records",
            code="documentation.records-procedure-missing",
        )


@rule(
    id="SMS-4.3.3-storage",
    clause="4.3.3",
    clauses={"2018": "7.5.3"},
    severity=Severity.MINOR,
    tags=("records", "evidence"),
)
def records_stored(ctx: Context) -> Iterator[Finding]:
    """Every evidence record in effect says where it is kept (``location``), so it can be
    retrieved, protected and retained.

    Nonconforming: ``{id: ev-cmdb, kind: cmdb, effective: 2026-11-01}`` with no location.
    Conforming: the same record with ``location: "cmdb://prod"``.
    """
    missing = ctx.facts.evidence_without_location  # ids, in order
    if not missing:
        return
    shown, more = _listing(missing)
    if more:
        yield ctx.fail(
            "{count} evidence record(s) do not say where they are kept: {records} and {more} more",
            code="documentation.records-unlocated-many",
            subjects=missing,
            count=len(missing),
            records=shown,
            more=more,
        )
    else:
        yield ctx.fail(
            "{count} evidence record(s) do not say where they are kept: {records}",
            code="documentation.records-unlocated",
            subjects=missing,
            count=len(missing),
            records=shown,
        )


def _entity_classes(hint: Any) -> Iterator[type]:
    """The attrs classes a field annotation holds (``X``, ``X | None``, ``tuple[X, ...]``)."""
    for arg in get_args(hint) or (hint,):
        if attrs.has(arg):
            yield arg
        elif get_args(arg):
            yield from _entity_classes(arg)


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For an entity class: its fields dating something that has happened, and its fields
    holding entities that have such dates themselves (at any depth). Made once per class."""
    hints = get_type_hints(cls)
    nested = tuple(
        f.name
        for f in attrs.fields(cls)
        if any(_dated(inner) for inner in _entity_classes(hints[f.name]))
    )
    return happened_fields(cls), nested


def _dated(cls: type) -> bool:
    dates, nested = _plan(cls)
    return bool(dates or nested)


@functools.cache
def _one_required_date(cls: type) -> str | None:
    """The field, when an entity class has just one happened-date, a required ``date``, and
    holds no dated entities: its entities can then be screened in one pass."""
    dates, nested = _plan(cls)
    if len(dates) == 1 and not nested and get_type_hints(cls)[dates[0]] is date:
        return dates[0]
    return None


def _screened(items: Sequence[Any], as_of: date) -> Sequence[Any]:
    """The entities among ``items`` (all of one class) that may have a date after ``as_of``:
    exactly those, for most classes (one required date each); all of them otherwise."""
    cls: type | None = type(items[0]) if items else None
    name = _one_required_date(cls) if cls is not None else None
    if name is None:
        return items
    return [entity for entity in items if getattr(entity, name) > as_of]


#: The parts of an SMS that hold dates of things that have happened (derived from the model:
#: the fields marked as such, at any depth).
_DATED_PARTS: Final = tuple(
    field.name
    for field in attrs.fields(ServiceManagementSystem)
    if field.init
    and any(
        _dated(cls) for cls in _entity_classes(get_type_hints(ServiceManagementSystem)[field.name])
    )
)


def _dates_after(entity: Any, as_of: date) -> Iterator[tuple[str, date]]:
    """The happened-dates of an entity, and of the entities it holds, that lie after
    ``as_of``: (field path, date)."""
    cls: type = type(entity)
    dates, nested = _plan(cls)
    for name in dates:
        value = getattr(entity, name)
        day = value.date() if isinstance(value, datetime) else value
        if day is not None and day > as_of:
            yield name, day
    for name in nested:
        value = getattr(entity, name)
        if isinstance(value, tuple):
            for i, item in enumerate(value):
                for inner, day in _dates_after(item, as_of):
                    yield f"{name}[{i}].{inner}", day
        elif value is not None:
            for inner, day in _dates_after(value, as_of):
                yield f"{name}.{inner}", day


@rule(
    id="SMS-4.3.3-future-dated",
    clause="4.3.3",
    clauses={"2018": "7.5.3"},
    severity=Severity.OBSERVATION,
    tags=("records", "dates"),
)
def records_not_dated_after_as_of(ctx: Context) -> Iterator[Finding]:
    """No record is dated after the day the SMS is assessed: a meeting held, an approval given
    or evidence recorded "tomorrow" is a data-entry error, and every rule leaves it out, so it
    is reported here, one observation per record, naming it and the date. (Assessing a system
    as of a day in its past on purpose, ignore this rule: ``ignore=["SMS-4.3.3-future-dated"]``.)

    Nonconforming: ``{id: mtg-2026-12, kind: sms, date: 2026-12-09}`` as of 2026-11-27.
    Conforming: the same meeting as of 2026-12-09.
    """
    as_of = ctx.as_of
    for part in _DATED_PARTS:
        if part == "evidence":
            continue  # indexed by the engine; read below
        value = getattr(ctx.sms, part)
        items = value if isinstance(value, tuple) else () if value is None else (value,)
        for entity in _screened(items, as_of):
            for where, day in _dates_after(entity, as_of):
                label = getattr(entity, "id", part)
                yield ctx.fail(
                    "{collection} {record!r}: {field} {date} is after the as-of date {as_of}: "
                    "a record of what has not happened yet; check the date",
                    code="documentation.future-dated",
                    key=f"{part}:{where}",
                    subjects=label,
                    collection=COLLECTIONS.get(part, part).replace("_", " "),
                    record=label,
                    field=where,
                    date=day,
                    as_of=as_of,
                )
    for record_id in ctx.facts.evidence_after_as_of:
        yield ctx.fail(
            "evidence {record!r} is dated after the as-of date {as_of}: a record of what has "
            "not happened yet; check the date",
            code="documentation.evidence-future-dated",
            subjects=record_id,
            record=record_id,
            as_of=as_of,
        )


# --- 4.4.1 Provision of resources ---------------------------------------------------------


@rule(
    id="SMS-4.4.1-resources",
    clause="4.4.1",
    clauses={"2018": "7.1"},
    guidance=("TM-e",),
    severity=Severity.MAJOR,
    tags=("resources",),
)
def resources_of_every_kind(ctx: Context) -> Iterator[Finding]:
    """Human, technical, information and financial resources are each provided and in place
    on the assessment date.

    Nonconforming: the only financial resource was withdrawn in May; no information resource.
    Conforming: one resource of each kind, provided and not withdrawn.
    """
    as_of = ctx.as_of
    live: dict[ResourceKind, list[str]] = {kind: [] for kind in ResourceKind}
    for resource in ctx.sms.resources:
        provided = resource.provided is not None and resource.provided <= as_of
        withdrawn = resource.withdrawn is not None and resource.withdrawn <= as_of
        if provided and not withdrawn:
            live[resource.kind].append(resource.id)
    missing = [kind.value for kind, ids in live.items() if not ids]
    if missing:
        yield ctx.fail(
            "no {kinds} resources are provided to the SMS as of {as_of}",
            code="documentation.resources-missing",
            kinds=missing,
            as_of=as_of,
        )


# --- 4.4.2 Human resources ----------------------------------------------------------------


@rule(
    id="SMS-4.4.2-competence",
    clause="4.4.2",
    clauses={"2018": "7.2"},
    severity=Severity.MINOR,
    tags=("people", "competence", "roles"),
)
def role_holders_competent(ctx: Context) -> Iterator[Finding]:
    """Every role states the competences it requires, and every holder of the role has them.

    Nonconforming: ``role-auditor`` requires ``iso20000-auditor`` and its holder ``aud`` lists
    no such competence; or a role lists no required competences.
    Conforming: ``aud`` with ``competences: [iso20000-auditor]``.
    """
    for role in ctx.sms.roles:
        if not role.competences:
            yield ctx.fail(
                "role {role!r} does not state the competences it requires",
                code="documentation.competences-unstated",
                subjects=role.id,
                role=role.id,
            )
            continue
        for holder in dict.fromkeys(role.holders):
            person = ctx.sms.get(holder)
            lacking = [c for c in role.competences if c not in person.competences]
            if lacking:
                yield ctx.fail(
                    "{person!r} holds role {role!r} without the required competences: "
                    "{competences}",
                    code="documentation.competences-lacking",
                    subjects=(holder, role.id),
                    person=holder,
                    role=role.id,
                    competences=lacking,
                )


@rule(
    id="SMS-4.4.2-training",
    clause="4.4.2",
    clauses={"2018": "7.2"},
    severity=Severity.MINOR,
    tags=("people", "competence", "evidence"),
)
def role_holders_trained(ctx: Context) -> Iterator[Finding]:
    """Every holder of a role of the provider has a training record (evidence of kind
    ``training-record`` naming the person or one of their roles).

    Nonconforming: ``po`` holds the process manager role and no training record names ``po``.
    Conforming: ``{id: ev-training-po, kind: training-record, subjects: [po]}``.
    """
    sms = ctx.sms
    by_subject = ctx.facts.evidence_by_subject
    holders_of_roles = ctx.facts.roles_held_by
    known: dict[str, bool] = {}  # whether a training record names a person or role

    def trained(name: str) -> bool:
        records = by_subject.get(name, ())  # looked up for every person, so it is noted
        found = known.get(name)
        if found is None:
            found = known[name] = any(e.kind == "training-record" for e in records)
        return found

    for person in ctx.each(sorted(holders_of_roles)):
        roles = sorted(r for r in holders_of_roles[person] if sms.is_provider_side(r))
        if not roles or any(trained(name) for name in (person, *roles)):
            continue
        yield ctx.fail(
            "{person!r} holds {roles} but no training record names them",
            code="documentation.untrained",
            subjects=(person, *roles),
            person=person,
            roles=roles,
        )


@rule(
    id="SMS-4.4.2-awareness",
    clause="4.4.2",
    clauses={"2018": "7.3"},
    severity=Severity.MINOR,
    tags=("people", "awareness", "evidence"),
)
def people_aware(ctx: Context) -> Iterator[Finding]:
    """Every person of the provider has been made aware of the relevance of their work to the
    SMS in the last year: evidence of kind ``awareness`` from the last twelve months names the
    person, a role they hold, or the provider as a whole. (In the 2018 edition, 7.3, the
    awareness of the policy itself is SMS18-7.3-policy-awareness.)

    Nonconforming: the last awareness session was two years ago; or it names only ``po`` while
    ``aud`` also works for the provider.
    Conforming: ``{id: ev-awareness, kind: awareness, effective: 2026-02-01, subjects:
    [prov]}``.
    """
    sms = ctx.sms
    since = ctx.back(_YEAR)
    records = ctx.facts.evidence_by_kind.get("awareness", ())
    recent = [e for e in records if e.effective >= since]
    if not recent:
        last = max((e.effective for e in records), default=None)
        if last is None:
            yield ctx.fail(
                "no awareness evidence since {since}",
                code="documentation.awareness-none",
                since=since,
            )
        else:
            yield ctx.fail(
                "no awareness evidence since {since}; the last was on {last}",
                code="documentation.awareness-lapsed",
                evidence=sorted(e.id for e in records),
                since=since,
                last=last,
            )
        return
    covered = {s for e in recent for s in e.subjects}
    if sms.provider in covered:
        return
    roles_of = ctx.facts.roles_held_by
    missing = [
        p.id
        for p in sms.people
        if p.party == sms.provider
        and p.id not in covered
        and not any(r in covered for r in roles_of.get(p.id, ()))
    ]
    if not missing:
        return
    shown, more = _listing(missing)
    if more:
        yield ctx.fail(
            "no awareness evidence since {since} covers: {people} and {more} more",
            code="documentation.awareness-uncovered-many",
            subjects=missing,
            evidence=sorted(e.id for e in recent),
            since=since,
            people=shown,
            more=more,
        )
    else:
        yield ctx.fail(
            "no awareness evidence since {since} covers: {people}",
            code="documentation.awareness-uncovered",
            subjects=missing,
            evidence=sorted(e.id for e in recent),
            since=since,
            people=shown,
        )
