"""Editing a system: replace() and remove() make checked copies that remember what changed."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

import sms_model
from sms_model.errors import DuplicateIdError, ModelValidationError, UnknownReferenceError
from sms_model.model import Party, PartyKind, ServiceManagementSystem

ACME = sms_model.load("examples/acme-managed-services.yaml")


def test_replace_puts_the_entity_in_place_and_leaves_the_original_alone() -> None:
    record = ACME.evidence[3]
    edited = ACME.replace(attrs.evolve(record, effective=date(2026, 1, 5)))
    assert date(2026, 1, 5) == edited.evidence[3].effective
    assert record is ACME.evidence[3]
    assert [e.id for e in ACME.evidence] == [e.id for e in edited.evidence]
    assert edited.get(record.id) is edited.evidence[3]
    assert ACME.get(record.id) is record


def test_replace_adds_an_entity_with_a_new_id_at_the_end_of_its_collection() -> None:
    record = attrs.evolve(ACME.evidence[0], id="ev-brand-new")
    edited = ACME.replace(record)
    assert record is edited.evidence[-1]
    assert "evidence" == edited.kind_of("ev-brand-new")
    assert "ev-brand-new" in edited
    assert "ev-brand-new" not in ACME
    ids = list(ACME.ids())
    after = ids.index(ACME.evidence[-1].id) + 1
    assert [*ids[:after], "ev-brand-new", *ids[after:]] == list(edited.ids())


def test_replace_checks_the_references_of_what_it_is_given() -> None:
    record = attrs.evolve(ACME.evidence[0], subjects=("svc-nowhere",))
    with pytest.raises(UnknownReferenceError) as raised:
        ACME.replace(record)
    assert "$.evidence[0].subjects[0]" == raised.value.issues[0].path


def test_replace_refuses_a_reserved_id() -> None:
    with pytest.raises(ModelValidationError) as raised:
        ACME.replace(attrs.evolve(ACME.evidence[0], id="duty:mine"))
    assert "reserved-id" == raised.value.issues[0].code


def test_replace_checks_the_whole_system_when_a_structural_part_changes() -> None:
    provider = ACME.get(ACME.provider)
    with pytest.raises(ModelValidationError) as raised:
        ACME.replace(attrs.evolve(provider, kind=PartyKind.CUSTOMER))
    assert "$.provider" == raised.value.issues[0].path


def test_replace_refuses_an_id_already_used_by_another_collection() -> None:
    person = ACME.people[0]
    party = Party(id=person.id, name="Clash", kind=PartyKind.SUPPLIER)
    with pytest.raises(ModelValidationError) as raised:
        ACME.replace(party)
    assert "duplicate-id" == raised.value.issues[0].code


def test_replace_refuses_what_is_not_an_entity_of_a_collection_and_repeated_ids() -> None:
    with pytest.raises(ModelValidationError, match="found TopManagement"):
        ACME.replace(ACME.top_management)
    with pytest.raises(DuplicateIdError, match="twice"):
        ACME.replace(ACME.evidence[0], ACME.evidence[0])
    with pytest.raises(DuplicateIdError, match="twice"):  # one new id for two collections
        ACME.replace(
            attrs.evolve(ACME.evidence[0], id="dup-x"), attrs.evolve(ACME.documents[0], id="dup-x")
        )


def test_remove_checks_that_nothing_still_names_the_entity() -> None:
    service = ACME.services[0]
    with pytest.raises(ModelValidationError):
        ACME.remove(service.id)
    with pytest.raises(UnknownReferenceError):
        ACME.remove("no-such-id")
    record = ACME.evidence[0]
    edited = ACME.remove(record.id)
    assert record.id not in edited
    assert len(ACME.evidence) - 1 == len(edited.evidence)


def test_changes_since_follows_a_chain_of_edits_and_nothing_else() -> None:
    first, second = ACME.evidence[0], ACME.evidence[1]
    one = ACME.replace(attrs.evolve(first, title="one"))
    two = one.remove(second.id)
    assert {"evidence": frozenset({first.id, second.id})} == two.changes_since(ACME)
    assert {} == ACME.changes_since(ACME)
    assert two.changes_since(attrs.evolve(ACME)) is None
    assert attrs.evolve(two).changes_since(ACME) is None


def test_changes_since_survives_the_versions_in_between_being_dropped() -> None:
    first, second = ACME.evidence[0], ACME.evidence[1]
    latest = ACME.replace(attrs.evolve(first, title="one")).replace(attrs.evolve(second, title="2"))
    assert {"evidence": frozenset({first.id, second.id})} == latest.changes_since(ACME)


def test_changes_since_remembers_sixteen_living_ancestors() -> None:
    record = ACME.evidence[0]
    kept = [ACME]
    for i in range(17):
        kept.append(kept[-1].replace(attrs.evolve(record, title=f"t{i}")))
    assert {"evidence": frozenset({record.id})} == kept[-1].changes_since(kept[1])
    assert kept[-1].changes_since(ACME) is None  # the engine then compares the collections


def test_an_edited_copy_equals_the_same_system_built_from_scratch() -> None:
    record = attrs.evolve(ACME.evidence[2], location="vault://b")
    edited = ACME.replace(record)
    evidence = tuple(record if e.id == record.id else e for e in ACME.evidence)
    rebuilt = attrs.evolve(ACME, evidence=evidence)
    assert rebuilt == edited
    assert sms_model.dumps(rebuilt) == sms_model.dumps(edited)
    assert isinstance(edited, ServiceManagementSystem)


def test_many_replacements_merge_the_layered_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from sms_model.model import _editing

    monkeypatch.setattr(_editing, "_LAYER_LIMIT", 3)
    sms = ACME
    for i in range(3):
        sms = sms.replace(*(attrs.evolve(e, title=f"t{i}") for e in ACME.evidence))
    assert all(sms.get(e.id).title == "t2" for e in ACME.evidence)
    assert len(list(ACME.ids())) == len(list(sms.ids())) == len(sms._index)
    assert isinstance(sms._index, type(ACME._index))  # merged into one dictionary again
    small = ACME.replace(attrs.evolve(ACME.evidence[0], title="one"))
    assert not isinstance(small._index, type(ACME._index))  # a layer over the original


def test_what_an_edit_changed_is_kept_apart_from_the_system_and_released_with_it() -> None:
    import gc

    from sms_model.model import _editing

    names = {field.name for field in attrs.fields(ServiceManagementSystem)}
    names.discard("edition")  # the edition the system is written for, not an edit
    assert not any("edit" in name or "position" in name for name in names)
    before = len(_editing._EDITS)
    edited = ACME.replace(attrs.evolve(ACME.evidence[0], title="kept apart"))
    again = edited.remove(ACME.evidence[1].id)
    assert {"evidence": {ACME.evidence[0].id, ACME.evidence[1].id}} == again.changes_since(ACME)
    assert len(_editing._EDITS) == before + 2
    del edited, again
    gc.collect()
    assert len(_editing._EDITS) == before
