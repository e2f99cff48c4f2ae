"""Every report says which edition it assessed against, and the 2018 edition's reports are
accepted by the same readers as the 2011 edition's; the transition report, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import jsonschema
import pytest
from junitparser import JUnitXml
from lxml import etree
from markdown_it import MarkdownIt

import sms_model
from sms_model.report import render, render_junit, render_sarif, render_transition
from sms_model.rules import Assessment, Move, assess, transition
from tests.report.conftest import ACME, AS_OF, HOSTILE

ROOT = Path(__file__).resolve().parents[2]
JUNIT = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "schemas" / "jenkins-junit-10.xsd")))
SARIF = json.loads((ROOT / "tests/schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def in_2018() -> Assessment:
    return assess(sms_model.load(ACME), as_of=AS_OF, edition="2018")


@pytest.mark.parametrize("name", ["text", "markdown", "html"])
def test_the_readable_reports_name_the_edition(in_2018: Assessment, name: str) -> None:
    assert "ISO/IEC 20000-1:2018" in render(in_2018, name)
    old = assess(sms_model.load(ACME), as_of=AS_OF, select=["4.1.4"])
    assert "ISO/IEC 20000-1:2011" in render(old, name)


def test_junit_of_2018_is_valid_and_groups_by_2018_clause(in_2018: Assessment) -> None:
    text = render_junit(in_2018)
    assert JUNIT.validate(etree.fromstring(text.encode())), JUNIT.error_log
    suites = list(JUnitXml.fromstring(text.encode()))
    assert suites, "no test suite"
    assert all(suite.name.startswith("ISO/IEC 20000-1:2018 clause ") for suite in suites)
    classnames = {case.classname for suite in suites for case in suite}
    assert all(name.startswith("iso20000-1-2018.clause-") for name in classnames)


def test_sarif_of_2018_is_valid_and_its_rules_state_edition_and_clause(
    in_2018: Assessment,
) -> None:
    document = json.loads(render_sarif(in_2018, source=str(ACME)))
    jsonschema.Draft4Validator(SARIF).validate(document)
    rules = {r["id"]: r for r in document["runs"][0]["tool"]["driver"]["rules"]}
    representative = rules["SMS-4.1.4-representative"]
    assert representative["properties"]["edition"] == "2018"
    assert representative["properties"]["clause"] == "5.3"
    assert "edition 2018" in representative["properties"]["tags"]
    assert (
        "ISO/IEC 20000-1:2018 clause 5.3 (in 2011: clause 4.1.4)"
        in (representative["help"]["text"])
    )


# --- the transition report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def move() -> sms_model.rules.Transition:
    return transition(sms_model.load(ACME), as_of=AS_OF)


def test_transition_has_one_row_per_2018_leaf_with_its_2011_sources(
    move: sms_model.rules.Transition,
) -> None:
    from sms_model.catalog import crosswalk, leaf_clauses

    assert [r.clause for r in move.rows] == [c.number for c in leaf_clauses("2018")]
    back = crosswalk("2018", "2011")
    shared = {
        (s.clause_in("2018"), s.clause_in("2011"))
        for s in sms_model.rules.default_registry()
        if len(s.editions) == 2
    }
    for row in move.rows:
        came_from = {c for c, _ in row.sources}
        expected = set(back[row.clause]) | {old for new, old in shared if new == row.clause}
        assert came_from == expected
        before = {v.clause: v.verdict for v in move.old.verdicts}
        assert all(before[c] is v for c, v in row.sources)
        assert row.verdict is move.new.verdict(row.clause).verdict
    assert (move.old.edition, move.new.edition) == ("2011", "2018")
    assert sum(move.counts.values()) == len(move.rows)


@pytest.mark.parametrize(
    ("verdict", "earlier", "expected"),
    [
        ("conforming", [], Move.NEW_MET),
        ("major", [], Move.NEW_UNMET),
        ("conforming", ["conforming", "not_applicable"], Move.STAYS_MET),
        ("minor", ["conforming"], Move.NEWLY_UNMET),
        ("major", ["conforming", "minor"], Move.STILL_UNMET),
        ("conforming", ["major"], Move.NOW_MET),
        ("not_applicable", ["major"], Move.NOTHING_TO_CHECK),
        ("conforming", ["not_applicable"], Move.STAYS_MET),
        ("not_assessed", ["conforming"], Move.NOT_ASSESSED),
    ],
)
def test_the_move_of_a_clause(verdict: str, earlier: list[str], expected: Move) -> None:
    from sms_model.rules import Verdict
    from sms_model.rules._transition import _move

    assert _move(Verdict(verdict), [Verdict(v) for v in earlier]) is expected


def test_a_newly_required_clause_lists_the_2018_failures_behind_it(
    move: sms_model.rules.Transition,
) -> None:
    for row in move.rows:
        expected = [f for f in move.new.findings if f.clause == row.clause and f.outstanding]
        assert list(row.failures) == expected
    assert all(row.move.needs_work == (row in move.work) for row in move.rows)


def test_transition_json_is_deterministic_plain_data(move: sms_model.rules.Transition) -> None:
    text = render_transition(move, "json")
    document = json.loads(text)
    assert (document["from"], document["to"], document["transition_format"]) == ("2011", "2018", 1)
    assert len(document["clauses"]) == len(move.rows)
    again = transition(sms_model.load(ACME), as_of=AS_OF)
    assert render_transition(again, "json") == text


def test_transition_markdown_holds_no_raw_html_whatever_the_names(
    move: sms_model.rules.Transition,
) -> None:
    hostile = attrs.evolve(sms_model.load(ACME), name=f"{HOSTILE} *x* | y\r# z")
    text = render_transition(transition(hostile, as_of=AS_OF), "markdown")
    tokens = MarkdownIt("gfm-like").parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_block", "html_inline"}
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 1 + len(move.by_move()) + (
        1 if any(r.failures for r in move.rows) else 0
    )
    plain = render_transition(transition(hostile, as_of=AS_OF), "text")
    assert "\r" not in plain
    assert HOSTILE in plain


def test_transition_refuses_an_unknown_format(move: sms_model.rules.Transition) -> None:
    with pytest.raises(ValueError, match="use one of text, markdown, json"):
        render_transition(move, "html")


def test_a_comparison_of_2018_assessments_names_the_edition() -> None:
    from datetime import timedelta

    from sms_model.report import render_diff

    sms = sms_model.load(ACME)
    old = assess(sms, as_of=AS_OF, edition="2018")
    new = assess(sms, as_of=AS_OF + timedelta(days=30), edition="2018")
    change = sms_model.diff(old, new)
    assert render_diff(change, "text").startswith(
        "Acme Managed Services SMS (ISO/IEC 20000-1:2018):"
    )
    assert json.loads(render_diff(change, "json"))["edition"] == "2018"
    base = sms_model.diff(assess(sms, as_of=AS_OF), assess(sms, as_of=AS_OF))
    assert render_diff(base, "text").startswith("Acme Managed Services SMS: ")
