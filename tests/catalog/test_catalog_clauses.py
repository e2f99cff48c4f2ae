"""The clause catalogue of ISO/IEC 20000-1 (2011 in full, 2018 structure)."""

from __future__ import annotations

import pytest

from sms_model.catalog import Clause, Phase, clause, clauses, is_within, leaf_clauses
from sms_model.errors import ModelValidationError, UnknownReferenceError

# Every clause number of ISO/IEC 20000-1:2011, Clauses 4 to 9 (the catalogue of
# docs/explanation/mapping.md), in document order.
CLAUSES_2011 = (
    "4", "4.1", "4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.2",
    "4.3", "4.3.1", "4.3.2", "4.3.3", "4.4", "4.4.1", "4.4.2",
    "4.5", "4.5.1", "4.5.2", "4.5.3", "4.5.4", "4.5.4.1", "4.5.4.2", "4.5.4.3",
    "4.5.5", "4.5.5.1", "4.5.5.2",
    "5", "5.1", "5.2", "5.3", "5.4",
    "6", "6.1", "6.2", "6.3", "6.3.1", "6.3.2", "6.3.3", "6.4", "6.5",
    "6.6", "6.6.1", "6.6.2", "6.6.3",
    "7", "7.1", "7.2", "8", "8.1", "8.2", "9", "9.1", "9.2", "9.3",
)  # fmt: skip

LEAVES_2011 = (
    "4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.2", "4.3.1", "4.3.2", "4.3.3", "4.4.1", "4.4.2",
    "4.5.1", "4.5.2", "4.5.3", "4.5.4.1", "4.5.4.2", "4.5.4.3", "4.5.5.1", "4.5.5.2",
    "5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3.1", "6.3.2", "6.3.3", "6.4", "6.5",
    "6.6.1", "6.6.2", "6.6.3", "7.1", "7.2", "8.1", "8.2", "9.1", "9.2", "9.3",
)  # fmt: skip


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def test_2011_catalogue_lists_every_clause_4_to_9_in_document_order() -> None:
    expected = CLAUSES_2011
    assert expected == tuple(c.number for c in clauses())


@pytest.mark.parametrize("edition", ["2011", "2018"])
def test_every_parent_exists_and_comes_before_its_children(edition: str) -> None:
    seen: set[str] = set()
    orphans = []
    for c in clauses(edition):
        if c.parent is not None and c.parent not in seen:
            orphans.append(c.number)
        seen.add(c.number)
    expected: list[str] = []
    assert expected == orphans


@pytest.mark.parametrize("edition", ["2011", "2018"])
def test_clause_numbers_are_unique_sorted_and_of_their_edition(edition: str) -> None:
    numbers = [c.number for c in clauses(edition)]
    assert sorted(numbers, key=_key) == numbers
    assert len(set(numbers)) == len(numbers)
    assert {edition} == {c.edition for c in clauses(edition)}


@pytest.mark.parametrize("edition", ["2011", "2018"])
def test_parent_is_the_number_without_its_last_part(edition: str) -> None:
    expected = [n.rpartition(".")[0] or None for n in (c.number for c in clauses(edition))]
    assert expected == [c.parent for c in clauses(edition)]


def test_leaf_clauses_of_2011_are_exactly_the_clauses_without_sub_clauses() -> None:
    expected = LEAVES_2011
    assert expected == tuple(c.number for c in leaf_clauses())


def test_every_2011_leaf_clause_has_a_summary() -> None:
    expected: list[str] = []
    assert expected == [c.number for c in leaf_clauses() if not c.summary]


def test_2018_structure_has_ten_clauses_and_the_parts_of_operation() -> None:
    top = [c.number for c in clauses("2018") if c.parent is None]
    expected_top = ["4", "5", "6", "7", "8", "9", "10"]
    assert expected_top == top
    expected_portfolio = ["8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5", "8.2.6"]
    assert expected_portfolio == [c.number for c in clauses("2018") if c.parent == "8.2"]
    expected_title = "Control of parties involved in the service lifecycle"
    assert expected_title == clause("8.2.3", "2018").title


@pytest.mark.parametrize(
    ("number", "phase"),
    [
        ("4.5.2", Phase.PLAN),
        ("4.5.3", Phase.DO),
        ("4.5.4", Phase.CHECK),
        ("4.5.4.1", Phase.CHECK),
        ("4.5.4.2", Phase.CHECK),
        ("4.5.4.3", Phase.CHECK),
        ("4.5.5", Phase.ACT),
        ("4.5.5.1", Phase.ACT),
        ("4.5.5.2", Phase.ACT),
    ],
)
def test_clause_4_5_steps_carry_their_pdca_phase(number: str, phase: Phase) -> None:
    assert phase == clause(number).pdca


def test_clause_lookup_returns_number_title_and_parent() -> None:
    expected = Clause(
        number="4.5.4.2",
        title="Internal audit",
        parent="4.5.4",
        edition="2011",
        pdca=Phase.CHECK,
        summary=clause("4.5.4.2").summary,
    )
    assert expected == clause("4.5.4.2")
    expected_title = "Governance of processes operated by other parties"
    assert expected_title == clause("4.2").title


def test_unknown_clause_is_an_unknown_reference_and_a_lookup_error() -> None:
    with pytest.raises(UnknownReferenceError) as info:
        clause("4.10")
    assert isinstance(info.value, LookupError)
    expected = ("clause", "'4.10'")
    assert expected == (info.value.issues[0].path, info.value.issues[0].found)
    with pytest.raises(LookupError):
        clause("9.4", edition="2011")


@pytest.mark.parametrize("call", [clauses, leaf_clauses, lambda e: clause("4", e)])
def test_unknown_edition_is_a_validation_error_naming_the_edition(call: object) -> None:
    assert callable(call)
    with pytest.raises(ModelValidationError) as info:
        call("2005")
    issue = info.value.issues[0]
    expected = ("edition", "'2005'")
    assert expected == (issue.path, issue.found)
    assert "unknown edition" in issue.what


@pytest.mark.parametrize(
    ("number", "prefix", "expected"),
    [
        ("4.1.2", "4.1", True),
        ("4.1", "4.1", True),
        ("4.10", "4.1", False),
        ("4.12.1", "4.1", False),
        ("4.1", "4.1.2", False),
        ("4.5.4.2", "4", True),
        ("10.1", "1", False),
    ],
)
def test_is_within_matches_on_dotted_boundaries(number: str, prefix: str, expected: bool) -> None:
    assert expected == is_within(number, prefix)
