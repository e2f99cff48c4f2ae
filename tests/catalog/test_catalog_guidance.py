"""Guidance statements of ISO/IEC 20000-2:2012 that rules trace to."""

from __future__ import annotations

import pytest

from sms_model.catalog import clause, guidance, guidance_by_id
from sms_model.errors import UnknownReferenceError

EXPECTED_IDS = (
    "APP-1", "APP-2", "APP-3", "APP-4", "APP-5",
    "TM-0", "TM-a", "TM-b", "TM-c", "TM-d", "TM-e", "TM-f", "TM-g", "TM-h", "TM-i", "TM-j",
    "EV-a", "EV-b", "EV-c", "EV-d", "EV-x",
)  # fmt: skip


def test_guidance_ids_are_complete_and_in_the_order_of_the_seed() -> None:
    expected = EXPECTED_IDS
    assert expected == tuple(g.id for g in guidance())


def test_guidance_traces_to_clause_and_section_by_family() -> None:
    expected = {"APP": ("4", "1.2"), "TM": ("4.1.1", "4.1.1.1"), "EV": ("4.1.1", "4.1.1.2")}
    actual = {g.id.split("-")[0]: (g.clause, g.source) for g in guidance()}
    assert expected == actual
    assert all(expected[g.id.split("-")[0]] == (g.clause, g.source) for g in guidance())


def test_every_guidance_clause_exists_and_every_statement_has_title_and_summary() -> None:
    expected_clauses = {"4", "4.1.1"}
    assert expected_clauses == {clause(g.clause).number for g in guidance()}
    expected_blank: list[str] = []
    assert expected_blank == [
        g.id for g in guidance() if not g.title.strip() or not g.summary.strip()
    ]


def test_guidance_by_id_finds_each_statement() -> None:
    assert list(guidance()) == [guidance_by_id(i) for i in EXPECTED_IDS]


@pytest.mark.parametrize("unknown", ["TM-k", "app-1", "", "EV-e"])
def test_unknown_guidance_id_is_an_unknown_reference(unknown: str) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        guidance_by_id(unknown)
    assert repr(unknown) == info.value.issues[0].found
    assert isinstance(info.value, LookupError)
