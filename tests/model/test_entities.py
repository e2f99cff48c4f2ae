"""Entities check their own fields: ids, risk scores, aware timestamps, tuples, immutability."""

from __future__ import annotations

import enum
import types
import typing
from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from sms_model import FieldValueError, SMSModelError
from sms_model.model import (
    Evidence,
    Meeting,
    MeetingKind,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Risk,
    Role,
    Scope,
    SMSStage,
)


@pytest.mark.parametrize("bad_id", ["", "   ", "\t"])
def test_entity_with_blank_id_is_rejected(bad_id: str) -> None:
    with pytest.raises(FieldValueError) as caught:
        Party(id=bad_id, name="Acme", kind=PartyKind.PROVIDER)
    assert f"Party.id: must be a non-empty string (found {bad_id!r})" == str(caught.value)
    assert ("id", bad_id) == (caught.value.field, caught.value.found)


def test_field_value_error_is_both_a_library_error_and_a_value_error() -> None:
    with pytest.raises(FieldValueError) as caught:
        Person(id="", name="Ann", party="acme")
    assert isinstance(caught.value, SMSModelError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("score", [1, 3, 5, None])
def test_risk_scores_from_one_to_five_are_accepted(score: int | None) -> None:
    risk = Risk(id="r1", title="Outage", likelihood=score, impact=score)
    assert (score, score) == (risk.likelihood, risk.impact)


@pytest.mark.parametrize(
    ("field", "score"),
    [("likelihood", 0), ("likelihood", 6), ("impact", -1), ("impact", 10), ("impact", True)],
)
def test_risk_score_outside_one_to_five_is_rejected(field: str, score: object) -> None:
    with pytest.raises(FieldValueError) as caught:
        Risk(id="r1", title="Outage", **{field: score})
    expected = f"Risk.{field}: must be a whole number from 1 to 5 (found {score!r})"
    assert expected == str(caught.value)


def test_evidence_collected_without_timezone_is_rejected() -> None:
    with pytest.raises(FieldValueError) as caught:
        Evidence(
            id="e1", kind="minutes", effective=date(2024, 1, 31), collected=datetime(2024, 1, 31)
        )
    expected = "Evidence.collected: must be timezone-aware (found '2024-01-31T00:00:00')"
    assert expected == str(caught.value)


def test_evidence_collected_with_timezone_is_accepted() -> None:
    moment = datetime(2024, 1, 31, 9, 30, tzinfo=UTC)
    evidence = Evidence(id="e1", kind="minutes", effective=date(2024, 1, 31), collected=moment)
    assert moment == evidence.collected


def test_lists_given_for_collections_become_tuples() -> None:
    role = Role(id="cab", name="CAB", party="acme", holders=["ann", "bob"])
    process = Process(id="p", kind=ProcessKind.CHANGE, interfaces=["q"])
    scope = Scope(statement="All services", services=["email"])
    expected = ("ann", "bob")
    assert expected == role.holders
    expected = ("q",)
    assert expected == process.interfaces
    expected = ("email",)
    assert expected == scope.services


def test_entities_with_list_input_are_hashable() -> None:
    role = Role(id="cab", name="CAB", party="acme", holders=["ann"])
    assert hash(role) == hash(Role(id="cab", name="CAB", party="acme", holders=("ann",)))


def test_entities_are_frozen() -> None:
    party = Party(id="acme", name="Acme", kind=PartyKind.PROVIDER)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        party.name = "Other"  # type: ignore[misc]
    expected = "Acme"
    assert expected == party.name


def test_evolve_makes_a_changed_copy_and_keeps_the_original() -> None:
    party = Party(id="acme", name="Acme", kind=PartyKind.PROVIDER)
    renamed = attrs.evolve(party, name="Acme Group")
    expected = ("Acme", "Acme Group")
    assert expected == (party.name, renamed.name)


def test_evolve_revalidates_an_entity() -> None:
    risk = Risk(id="r1", title="Outage", likelihood=2)
    with pytest.raises(FieldValueError):
        attrs.evolve(risk, likelihood=7)


def test_entities_take_keyword_arguments_only() -> None:
    with pytest.raises(TypeError):
        Party("acme", "Acme", PartyKind.PROVIDER)  # type: ignore[misc]


# --- every field of every entity refuses a value of the wrong type ----------------------------


def _entity_classes() -> list[type]:
    import sms_model.model as model

    return [
        cls
        for name in model.__all__
        if isinstance(cls := getattr(model, name), type)
        and attrs.has(cls)
        and cls is not model.ServiceManagementSystem
    ]


def _minimal(cls: type) -> Any:
    """The smallest valid entity of a class: each required field given the simplest value."""
    hints = typing.get_type_hints(cls)
    given: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.init and field.default is attrs.NOTHING:
            given[field.name] = _simple(hints[field.name])
    return cls(**given)


def _simple(hint: Any) -> Any:
    if hint is str:
        return "x"
    if hint is date:
        return date(2026, 1, 1)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if isinstance(hint, type) and attrs.has(hint):
        return _minimal(hint)
    raise AssertionError(f"no simple value for {hint!r}")


def _wrong_values(hint: Any) -> list[Any]:
    """Values of the wrong type for a field annotated ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(hint) if a is not type(None))
        return [v for v in _wrong_values(inner) if v is not None]
    if origin is tuple:
        return ["ab", {"a": 1}, 5, [object()], None]
    if hint is str:
        return [5, b"x", None, "\ud800"]
    if hint is date:
        return ["2026-01-01", datetime(2026, 1, 1, tzinfo=UTC), 20260101, None]
    if hint is datetime:
        return ["2026-01-01T00:00:00Z", datetime(2026, 1, 1), date(2026, 1, 1), None]
    if hint is bool:
        return [1, "yes", None]
    if hint is int:
        return [True, "3", 3.0, None]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return ["no-such-value", 3, None]
    if isinstance(hint, type) and attrs.has(hint):
        return [{}, "x", None]
    raise AssertionError(f"no wrong values for {hint!r}")


def _field_cases() -> list[Any]:
    cases = []
    for cls in _entity_classes():
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            if not field.init:
                continue
            for value in _wrong_values(hints[field.name]):
                cases.append(
                    pytest.param(
                        cls, field.name, value, id=f"{cls.__name__}.{field.name}={value!r}"
                    )
                )
    return cases


@pytest.mark.parametrize(("cls", "field", "value"), _field_cases())
def test_every_field_refuses_a_value_of_the_wrong_type(cls: type, field: str, value: Any) -> None:
    with pytest.raises(FieldValueError) as caught:
        attrs.evolve(_minimal(cls), **{field: value})
    problem = caught.value
    assert (cls.__name__, field) == (problem.entity, problem.field.split("[")[0])
    assert str(problem).startswith(f"{cls.__name__}.{field}")


def test_an_enum_member_may_be_given_by_its_value_and_a_list_for_a_tuple() -> None:
    meeting = Meeting(id="m", kind="planning", date=date(2026, 1, 1), stages=["planning"])
    assert (MeetingKind.PLANNING, (SMSStage.PLANNING,)) == (meeting.kind, meeting.stages)
    assert meeting == Meeting(
        id="m", kind=MeetingKind.PLANNING, date=date(2026, 1, 1), stages=(SMSStage.PLANNING,)
    )


def test_a_subclass_of_str_becomes_a_plain_str() -> None:
    class Name(str):
        pass

    party = Party(id=Name("acme"), name=Name("Acme"), kind=PartyKind.PROVIDER)
    assert (str, str) == (type(party.id), type(party.name))


def test_the_wrong_item_of_a_tuple_is_named_by_its_index() -> None:
    with pytest.raises(FieldValueError) as caught:
        Meeting(id="m", kind="planning", date=date(2026, 1, 1), stages=("planning", "lunch"))
    assert "stages[1]" == caught.value.field
    assert "'lunch'" in str(caught.value)
