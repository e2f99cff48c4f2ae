"""Entities check their own fields: ids, risk scores, aware timestamps, tuples, immutability."""

from __future__ import annotations

from datetime import UTC, date, datetime

import attrs
import pytest

from sms_model import FieldValueError, SMSModelError
from sms_model.model import (
    Evidence,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Risk,
    Role,
    Scope,
)


@pytest.mark.parametrize("bad_id", ["", "   ", "\t"])
def test_entity_with_blank_id_is_rejected(bad_id: str) -> None:
    with pytest.raises(FieldValueError) as caught:
        Party(id=bad_id, name="Acme", kind=PartyKind.PROVIDER)
    assert f"id: must be a non-empty string (found {bad_id!r})" == str(caught.value)
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
    assert f"{field}: must be a whole number from 1 to 5 (found {score!r})" == str(caught.value)


def test_evidence_collected_without_timezone_is_rejected() -> None:
    with pytest.raises(FieldValueError) as caught:
        Evidence(
            id="e1", kind="minutes", effective=date(2024, 1, 31), collected=datetime(2024, 1, 31)
        )
    expected = "collected: must be timezone-aware (found '2024-01-31T00:00:00')"
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
