"""The 2018 edition in the catalogue: clause summaries and phases, and where each guidance
statement lands in 2018."""

from __future__ import annotations

import pytest

from sms_model.catalog import Guidance, Phase, clause, clauses, crosswalk, guidance, guidance_by_id
from sms_model.errors import ModelValidationError

# The phase each top-level clause of 2018 gives its sub-clauses.
PHASE_OF_TOP = {
    "4": Phase.PLAN,
    "5": Phase.PLAN,
    "6": Phase.PLAN,
    "7": Phase.PLAN,
    "8": Phase.DO,
    "9": Phase.CHECK,
    "10": Phase.ACT,
}

# The statements whose meaning changed in 2018 (other parties), each with a note.
CHANGED = ("APP-1", "APP-2", "APP-4", "APP-5")


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def test_every_2018_clause_has_a_summary_of_one_sentence() -> None:
    expected: list[str] = []
    assert expected == [c.number for c in clauses("2018") if not (c.summary or "").strip()]
    not_one_sentence = [
        c.number
        for c in clauses("2018")
        if not (c.summary or "").endswith(".") or ". " in (c.summary or "")
    ]
    assert expected == not_one_sentence


def test_2018_summaries_are_short_and_say_more_than_the_title() -> None:
    expected: list[str] = []
    too_long = [c.number for c in clauses("2018") if len(c.summary or "") > 200]
    assert expected == too_long
    assert expected == [c.number for c in clauses("2018") if c.summary == c.title]
    summaries = [c.summary for c in clauses("2018")]
    assert len(set(summaries)) == len(summaries)


def test_2018_top_level_clauses_are_headings_without_a_phase() -> None:
    expected: dict[str, Phase | None] = dict.fromkeys(PHASE_OF_TOP)
    assert expected == {c.number: c.pdca for c in clauses("2018") if c.parent is None}


def test_every_2018_sub_clause_takes_the_phase_of_its_top_level_clause() -> None:
    subs = [c for c in clauses("2018") if c.parent is not None]
    expected = {c.number: PHASE_OF_TOP[c.number.split(".")[0]] for c in subs}
    assert expected == {c.number: c.pdca for c in subs}


@pytest.mark.parametrize(
    ("number", "phase"),
    [
        ("4.1", Phase.PLAN),
        ("5.3", Phase.PLAN),
        ("6.1", Phase.PLAN),
        ("7.5.1", Phase.PLAN),
        ("8.2.3", Phase.DO),
        ("8.7.3.2", Phase.DO),
        ("9.2", Phase.CHECK),
        ("9.4", Phase.CHECK),
        ("10.1", Phase.ACT),
        ("10.2", Phase.ACT),
    ],
)
def test_2018_clauses_carry_their_pdca_phase(number: str, phase: Phase) -> None:
    assert phase == clause(number, "2018").pdca


def test_2018_clause_lookup_returns_its_summary_and_phase() -> None:
    found = clause("7.6", "2018")
    expected = ("Knowledge", "7", "2018", Phase.PLAN)
    assert expected == (found.title, found.parent, found.edition, found.pdca)
    assert found.summary is not None
    assert "knowledge" in found.summary.lower()


@pytest.mark.parametrize("item", guidance(), ids=lambda g: g.id)
def test_every_guidance_statement_has_2018_clauses_of_the_2018_catalogue(item: Guidance) -> None:
    numbers = item.clauses_in("2018")
    assert numbers
    assert list(numbers) == [clause(n, "2018").number for n in numbers]
    assert sorted(set(numbers), key=_key) == list(numbers)
    assert item.clauses_2018 == numbers


@pytest.mark.parametrize(
    ("gid", "expected"),
    [
        ("APP-1", ("4", "5")),
        ("APP-2", ("4", "5")),
        ("APP-3", ("4", "5")),
        ("APP-4", ("8.2.3",)),
        ("APP-5", ("8.2.3",)),
    ],
)
def test_other_party_statements_land_on_clauses_4_and_5_or_8_2_3(
    gid: str, expected: tuple[str, ...]
) -> None:
    assert expected == guidance_by_id(gid).clauses_in("2018")


def test_top_management_statements_follow_the_crosswalk_of_their_2011_clause() -> None:
    walked = {g.id: crosswalk()[g.clause] for g in guidance() if g.id[:3] in ("TM-", "EV-")}
    assert len(walked) == 16
    missing = {
        gid: n
        for gid, ns in walked.items()
        for n in ns
        if n not in guidance_by_id(gid).clauses_2018
    }
    expected: dict[str, str] = {}
    assert expected == missing
    assert {("5.1",)} == set(walked.values())


def test_top_management_statements_reach_leadership_policy_and_roles() -> None:
    reached = {n for g in guidance() if g.id[:3] in ("TM-", "EV-") for n in g.clauses_2018}
    expected = {"5.1", "5.2.1", "5.2.2", "5.3"}
    assert expected <= reached
    assert ("5.1", "5.3") == guidance_by_id("TM-b").clauses_in("2018")
    assert ("5.1", "7.1") == guidance_by_id("TM-e").clauses_in("2018")


def test_2011_clauses_are_the_clause_each_statement_names() -> None:
    expected = [(g.clause,) for g in guidance()]
    assert expected == [g.clauses_in("2011") for g in guidance()]
    assert (("4.1.1",), ("4",)) == (
        guidance_by_id("TM-a").clauses_in(),
        guidance_by_id("APP-2").clauses_in(),
    )


def test_notes_say_where_the_meaning_changed_in_2018_and_nowhere_else() -> None:
    expected = CHANGED
    assert expected == tuple(g.id for g in guidance() if g.note_in("2018") is not None)
    assert all(g.note_2018 == g.note_in("2018") for g in guidance())
    expected_2011: list[str] = []
    assert expected_2011 == [g.id for g in guidance() if g.note_in("2011") is not None]


@pytest.mark.parametrize("gid", CHANGED)
def test_each_note_is_short_and_names_the_2018_clauses(gid: str) -> None:
    note = guidance_by_id(gid).note_in("2018") or ""
    assert note.endswith(".")
    assert len(note) <= 300
    assert any(f"Clause {n}" in note or f"Clauses {n}" in note for n in ("4", "5", "6"))


def test_app_4_note_replaces_the_majority_test_by_all() -> None:
    note = guidance_by_id("APP-4").note_in("2018") or ""
    assert "majority" in note
    assert " all of the services, service components or processes" in note
    assert "8.2.3" in note


@pytest.mark.parametrize("call", ["clauses_in", "note_in"])
def test_an_unknown_edition_is_a_validation_error(call: str) -> None:
    with pytest.raises(ModelValidationError) as info:
        getattr(guidance_by_id("TM-a"), call)("2005")
    issue = info.value.issues[0]
    expected = ("edition", "'2005'")
    assert expected == (issue.path, issue.found)


def test_a_statement_built_without_2018_data_has_no_2018_clauses_or_note() -> None:
    bare = Guidance(id="X-1", clause="4", source="1.2", title="t", summary="s")
    expected: tuple[tuple[str, ...], str | None] = ((), None)
    assert expected == (bare.clauses_in("2018"), bare.note_in("2018"))
