"""The entity types are declared once, on their fields, and every table is derived from that.

The tables the model kept by hand before the declarations existed are copied here, once, as
literals: for the entity types they list, the derived tables must say exactly what they said.
An entity type added since is not in them, and needs no edit here.
"""

from __future__ import annotations

import typing
from typing import Any

import attrs
import pytest

from sms_model.model import (
    COLLECTIONS,
    RECORD_COLLECTIONS,
    Acknowledgement,
    Agreement,
    Approval,
    Asset,
    Audit,
    Change,
    ContextIssue,
    Document,
    DutyAssignment,
    EntityType,
    Evidence,
    Improvement,
    Knowledge,
    Meeting,
    Objective,
    OtherPartyProcess,
    Party,
    PartyRequirement,
    Person,
    Policy,
    Process,
    Reference,
    Report,
    Resource,
    Review,
    Risk,
    Role,
    Scope,
    Service,
    ServiceManagementPlan,
    ServiceManagementSystem,
    TopManagement,
    _entities,
    _sms,
    entity_types,
    references,
)
from sms_model.model._meta import (
    collection_of,
    entity_classes,
    entity_types_of,
    ref,
    ref_any,
    reference,
    refs,
    refs_any,
    singleton_of,
)

# --- the tables as they were written by hand --------------------------------------------------

_ANY = frozenset({"*"})
_PARTY = frozenset({"party"})
_PERSON = frozenset({"person"})
_OWNER = frozenset({"person", "role"})
_SERVICE = frozenset({"service"})
_PROCESS = frozenset({"process"})
_DOCUMENT = frozenset({"document"})
_APPROVAL = frozenset({"approval"})

_HAND_WRITTEN_REFS: dict[type, tuple[tuple[str, frozenset[str], bool], ...]] = {
    Party: (("lead_supplier", _PARTY, False), ("selection_criteria", _DOCUMENT, False)),
    Person: (("party", _PARTY, False), ("reports_to", _PERSON, False)),
    Role: (("party", _PARTY, False), ("holders", _PERSON, True)),
    TopManagement: (
        ("members", _PERSON, True),
        ("representative", _PERSON, False),
        ("representative_appointment", _APPROVAL, False),
    ),
    Policy: (("owner", _OWNER, False), ("communicated_to", _PARTY, True)),
    Objective: (("owner", _OWNER, False), ("resources", frozenset({"resource"}), True)),
    ServiceManagementPlan: (
        ("drafted_by", _PARTY, False),
        ("owner", _OWNER, False),
        ("maintained_by", _PARTY, False),
        ("objectives", frozenset({"objective"}), True),
    ),
    Scope: (("organisational_units", _PARTY, True), ("services", _SERVICE, True)),
    Service: (
        ("customers", _PARTY, True),
        ("owner", _OWNER, False),
        ("agreement", frozenset({"agreement"}), False),
        ("supported_by", _PARTY, True),
        ("depends_on", _SERVICE, True),
        ("components", frozenset({"asset"}), True),
    ),
    Process: (
        ("owner", _OWNER, False),
        ("operated_by", _PARTY, False),
        ("responsible", _OWNER, True),
        ("definition", _DOCUMENT, False),
        ("procedures", _DOCUMENT, True),
        ("interfaces", _PROCESS, True),
    ),
    DutyAssignment: (("accountable", _OWNER, False), ("responsible", _OWNER, True)),
    OtherPartyProcess: (
        ("party", _PARTY, False),
        ("process", _PROCESS, False),
        ("agreement", frozenset({"agreement"}), False),
        ("accountable", _OWNER, False),
        ("governed_through", _PARTY, False),
        ("service", _SERVICE, False),
        ("component", frozenset({"asset"}), False),
    ),
    Agreement: (
        ("parties", _PARTY, True),
        ("owner", _OWNER, False),
        ("services", _SERVICE, True),
        ("accessible_to", _PARTY, True),
    ),
    Document: (
        ("owner", _OWNER, False),
        ("subjects", _ANY, True),
        ("supersedes", _DOCUMENT, False),
    ),
    Meeting: (("chair", _PERSON, False), ("attendees", _PERSON, True), ("subjects", _ANY, True)),
    Approval: (("subject", _ANY, False), ("approver", _PERSON, False)),
    Acknowledgement: (
        ("artefact", _ANY, False),
        ("party", _PARTY, False),
        ("person", _PERSON, False),
    ),
    Review: (("chair", _PERSON, False), ("attendees", _PERSON, True), ("subjects", _ANY, True)),
    Audit: (
        ("auditor", _PERSON, False),
        ("processes", _PROCESS, True),
        ("programme", _DOCUMENT, False),
        ("nonconformities", frozenset({"improvement"}), True),
    ),
    Report: (
        ("author", _OWNER, False),
        ("recipients", _OWNER, True),
        ("subjects", _ANY, True),
        ("definition", _DOCUMENT, False),
    ),
    Risk: (
        ("subjects", _ANY, True),
        ("owner", _OWNER, False),
        ("accepted_by", _PERSON, False),
        ("criteria", _DOCUMENT, False),
    ),
    ContextIssue: (("owner", _OWNER, False), ("subjects", _ANY, True)),
    PartyRequirement: (("party", _PARTY, False), ("services", _SERVICE, True)),
    Knowledge: (
        ("subjects", _ANY, True),
        ("documents", _DOCUMENT, True),
        ("owner", _OWNER, False),
        ("available_to", frozenset({"person", "role", "party"}), True),
    ),
    Asset: (("owner", _OWNER, False), ("services", _SERVICE, True)),
    Change: (
        ("subjects", _ANY, True),
        ("risk_assessment", frozenset({"risk"}), False),
        ("approved_by", _OWNER, False),
    ),
    Resource: (("allocated_to", _ANY, True),),
    Improvement: (
        ("source", _ANY, False),
        ("owner", _OWNER, False),
        ("approved_by", _PERSON, False),
    ),
    Evidence: (("subjects", _ANY, True),),
}

#: Collection, kind of its entities, their class, in file order.
_HAND_WRITTEN_COLLECTIONS: list[tuple[str, str, type]] = [
    ("parties", "party", Party),
    ("people", "person", Person),
    ("roles", "role", Role),
    ("policies", "policy", Policy),
    ("objectives", "objective", Objective),
    ("context_issues", "context_issue", ContextIssue),
    ("party_requirements", "party_requirement", PartyRequirement),
    ("services", "service", Service),
    ("assets", "asset", Asset),
    ("processes", "process", Process),
    ("other_party_processes", "other_party_process", OtherPartyProcess),
    ("agreements", "agreement", Agreement),
    ("knowledge", "knowledge", Knowledge),
    ("documents", "document", Document),
    ("meetings", "meeting", Meeting),
    ("approvals", "approval", Approval),
    ("acknowledgements", "acknowledgement", Acknowledgement),
    ("reviews", "review", Review),
    ("audits", "audit", Audit),
    ("reports", "report", Report),
    ("risks", "risk", Risk),
    ("changes", "change", Change),
    ("resources", "resource", Resource),
    ("improvements", "improvement", Improvement),
    ("evidence", "evidence", Evidence),
]
#: The record collections were those from the documents on.
_FIRST_RECORDS = "documents"


# --- the derived tables equal them ------------------------------------------------------------


def test_reference_table_derived_from_the_fields_equals_the_hand_written_one() -> None:
    derived = {cls: specs for cls, specs in _sms._REFS.items() if cls in _HAND_WRITTEN_REFS}
    assert _HAND_WRITTEN_REFS == derived
    # Every class of the system that names other entities is in the derived table.
    assert {c for c in entity_classes(ServiceManagementSystem) if references(c)} == set(_sms._REFS)


def test_any_kind_is_the_one_object_the_loader_checks_by_identity() -> None:
    anys = [kinds for specs in _sms._REFS.values() for _, kinds, _ in specs if kinds == _ANY]
    assert anys
    assert all(kinds is _sms._ANY for kinds in anys)


def test_collection_tables_derived_from_the_fields_equal_the_hand_written_ones() -> None:
    names = [name for name, _, _ in _HAND_WRITTEN_COLLECTIONS]
    # Today's collections, in today's order (a new one may come anywhere among them).
    assert names == [name for name in COLLECTIONS if name in names]
    kinds = {name: kind for name, kind, _ in _HAND_WRITTEN_COLLECTIONS}
    assert kinds == {name: COLLECTIONS[name] for name in names}
    records = [name for name in RECORD_COLLECTIONS if name in names]
    assert names[names.index(_FIRST_RECORDS) :] == records
    classes = {cls: name for name, _, cls in _HAND_WRITTEN_COLLECTIONS}
    assert classes == {cls: _sms._COLLECTION_OF[cls] for cls in classes}
    expected = {cls: kind for _, kind, cls in _HAND_WRITTEN_COLLECTIONS}
    expected |= {ServiceManagementPlan: "plan", Scope: "scope"}
    assert expected == {cls: _sms._KIND_OF[cls] for cls in expected}


def test_collection_tables_are_the_entity_types() -> None:
    collections = [t for t in entity_types() if not t.singleton]
    assert [(t.field, t.kind) for t in collections] == list(COLLECTIONS.items())
    assert [t.field for t in collections if t.record] == list(RECORD_COLLECTIONS)
    assert {t.cls: t.field for t in collections} == _sms._COLLECTION_OF
    assert {t.cls: t.kind for t in entity_types()} == _sms._KIND_OF


# --- the declarations agree with the annotations ----------------------------------------------


def _entity_classes() -> list[type]:
    return [getattr(_entities, name) for name in _entities.__all__]


@pytest.mark.parametrize("cls", _entity_classes(), ids=lambda cls: cls.__name__)
def test_reference_fields_are_annotated_as_ids_and_required_only_without_a_default(
    cls: type,
) -> None:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields_dict(cls)
    for spec in references(cls):
        field = fields[spec.field]
        if spec.many:
            expected: Any = tuple[str, ...]
            assert () == field.default
        elif spec.required:
            expected = str
        else:
            expected = str | None
            assert field.default is None
        assert (spec.field, expected) == (spec.field, hints[spec.field])
        assert (spec.field, None, None) == (field.name, field.validator, field.converter)


def test_only_the_classes_the_system_holds_name_other_entities() -> None:
    # The loader checks the references of the entities the system holds; a reference field in a
    # value nested inside an entity would go unchecked.
    held = set(entity_classes(ServiceManagementSystem))
    assert [] == [cls.__name__ for cls in _entity_classes() if references(cls) and cls not in held]


def test_entity_types_have_distinct_kinds_classes_and_fields() -> None:
    types = entity_types()
    for part in ("kind", "cls", "field"):
        values = [getattr(t, part) for t in types]
        assert len(set(values)) == len(values), part
    expected = [("scope", Scope, "scope"), ("plan", ServiceManagementPlan, "plan")]
    assert expected == [(t.kind, t.cls, t.field) for t in types if t.singleton]
    assert all(t.references == references(t.cls) for t in types)


def test_every_referenced_kind_is_an_entity_type() -> None:
    kinds = {t.kind for t in entity_types()}
    unknown = {
        (cls.__name__, r.field, kind)
        for cls in entity_classes(ServiceManagementSystem)
        for r in references(cls)
        for kind in r.kinds - kinds
    }
    assert set() == unknown


# --- the helpers ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Note:
    id: str
    author: str = attrs.field(metadata=reference("person"))
    editor: str | None = ref("person", "role")
    readers: tuple[str, ...] = refs("person", "role")
    about: str | None = ref_any()
    subject: str = attrs.field(metadata=reference())
    related: tuple[str, ...] = refs_any()
    text: str = ""


@attrs.frozen(kw_only=True)
class _Root:
    title: str = ""
    notes: tuple[_Note, ...] = collection_of("note", record=True)
    lead: _Note | None = singleton_of("lead")  # noqa: RUF009
    others: tuple[_Note, ...] = ()


def test_helpers_keep_the_defaults_of_plain_fields() -> None:
    note = _Note(id="n", author="ada", subject="x")
    assert (None, (), None, (), "") == (
        note.editor,
        note.readers,
        note.about,
        note.related,
        note.text,
    )
    with pytest.raises(TypeError, match="subject"):
        _Note(id="n", author="ada")  # type: ignore[call-arg]  # required: mypy sees it too
    assert ((), None) == (_Root().notes, _Root().lead)


def test_references_reads_every_marked_field_in_declaration_order() -> None:
    nothing: frozenset[str] = frozenset()
    person, owner = frozenset({"person"}), frozenset({"person", "role"})
    expected = (
        Reference(field="author", kinds=person, many=False, required=True),
        Reference(field="editor", kinds=owner, many=False, required=False),
        Reference(field="readers", kinds=owner, many=True, required=False),
        Reference(field="about", kinds=nothing, many=False, required=False),
        Reference(field="subject", kinds=nothing, many=False, required=True),
        Reference(field="related", kinds=nothing, many=True, required=False),
    )
    assert expected == references(_Note)
    assert () == references(_Root)


def test_entity_types_of_reads_the_class_from_the_annotation() -> None:
    refs_of_note = references(_Note)
    expected = (
        EntityType(
            kind="note",
            cls=_Note,
            field="notes",
            record=True,
            singleton=False,
            references=refs_of_note,
        ),
        EntityType(
            kind="lead",
            cls=_Note,
            field="lead",
            record=False,
            singleton=True,
            references=refs_of_note,
        ),
    )
    assert expected == entity_types_of(_Root)
    assert (_Note,) == entity_classes(_Root)


def test_a_field_holding_no_entity_class_cannot_hold_an_entity_type() -> None:
    @attrs.frozen
    class Wrong:
        names: tuple[str, ...] = collection_of("name")

    with pytest.raises(TypeError, match=r"Wrong\.names must hold one attrs class"):
        entity_types_of(Wrong)


@pytest.mark.parametrize("kinds", [("",), ("person", "")])
def test_a_reference_names_non_empty_kinds(kinds: tuple[str, ...]) -> None:
    with pytest.raises(TypeError, match="entity kinds are non-empty strings"):
        ref(*kinds)
    with pytest.raises(TypeError, match="entity kinds are non-empty strings"):
        refs(*kinds)
    with pytest.raises(TypeError, match="entity kinds are non-empty strings"):
        reference(*kinds, many=True)


def test_a_reference_to_a_kind_no_entity_type_has_is_refused() -> None:
    @attrs.frozen
    class Stray:
        friend: str | None = ref("persn")

    with pytest.raises(TypeError, match=r"Stray\.friend names unknown kinds: persn"):
        _sms._reference_table([Stray], {"person"})
    expected = {Stray: (("friend", frozenset({"persn"}), False),)}
    assert expected == _sms._reference_table([Stray], {"persn", "person"})
