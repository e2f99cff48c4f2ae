"""The notebook views: HTML fragments of an SMS, an assessment and findings, and the DataFrame."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from sms_model.model import Process, ProcessKind, ServiceManagementSystem
from sms_model.report import assessment_html, findings_html, sms_html, to_dataframe
from sms_model.rules import Assessment, Context, Finding, Severity, Status


@pytest.fixture
def pandas() -> object:
    """pandas, a dev dependency; the guard only matters outside the dev set-up."""
    return pytest.importorskip("pandas")


def _rows(fragment: str) -> list[str]:
    """The body rows of every table of a fragment."""
    return re.findall(r"<tbody>(.*?)</tbody>", fragment, flags=re.S)


def _cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell)
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)
    ]


def _table_rows(fragment: str, index: int) -> list[list[str]]:
    body = _rows(fragment)[index]
    return [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


# --- sms_html --------------------------------------------------------------------------------


def test_sms_card_names_the_system_provider_scope_and_top_management(
    small_sms: ServiceManagementSystem,
) -> None:
    card = sms_html(small_sms)
    for expected in (
        "<h3",
        "Acme SMS",
        "Acme Ltd",
        "Managed hosting for business customers",
        "Ada Lovelace (<code>ceo</code>)",
        "management representative <code>cm</code>",
    ):
        assert expected in card


def test_sms_card_counts_services_processes_and_records(
    small_sms: ServiceManagementSystem,
) -> None:
    card = sms_html(small_sms)
    assert "0 services &middot; 2 processes &middot; " in card
    assert ">0 records</span>" in card
    assert "2 parties &middot; 2 people" in card


def test_sms_card_lists_processes_by_clause_with_kind_owner_and_operator(
    small_sms: ServiceManagementSystem,
) -> None:
    expected = [
        ["cap", "capacity (6.5)", "none", "globex (other party)"],
        ["chg Change", "change (9.2)", "cm", "acme"],
    ]
    assert expected == _table_rows(sms_html(small_sms), 0)


def test_sms_card_escapes_markup_in_names(small_sms: ServiceManagementSystem, hostile: str) -> None:
    renamed = attrs.evolve(
        small_sms,
        name=hostile,
        processes=(Process(id="chg", kind=ProcessKind.CHANGE, name=hostile, owner="cm"),),
    )
    card = sms_html(renamed)
    assert "<script" not in card
    expected = 2  # the heading and the process row
    assert expected == card.count(html.escape(hostile, quote=True))


def test_sms_card_says_when_there_is_no_scope_nor_process(
    small_sms: ServiceManagementSystem,
) -> None:
    bare = attrs.evolve(small_sms, scope=None, processes=())
    card = sms_html(bare)
    assert "no scope defined" in card
    assert "No processes." in card
    assert "<table" not in card


def test_sms_card_of_the_acme_example_counts_its_records(acme: ServiceManagementSystem) -> None:
    records = sum(
        len(getattr(acme, name))
        for name in (
            "documents",
            "meetings",
            "approvals",
            "acknowledgements",
            "reviews",
            "audits",
            "reports",
            "risks",
            "changes",
            "resources",
            "improvements",
            "evidence",
        )
    )
    card = sms_html(acme)
    assert f">{records} records</span>" in card
    assert len(acme.processes) == len(_table_rows(card, 0))


# --- findings_html ---------------------------------------------------------------------------


def test_findings_table_has_one_row_per_finding_in_the_given_order(
    assessment: Assessment,
) -> None:
    table = findings_html(assessment.findings)
    rows = _table_rows(table, 0)
    expected = [(f.clause, f.rule) for f in assessment.findings]
    assert expected == [(row[1], row[2]) for row in rows]
    assert f"{len(assessment.findings)} findings" in table


def test_findings_table_labels_failures_by_severity_and_others_by_status(
    assessment: Assessment,
) -> None:
    rows = _table_rows(findings_html(assessment.findings), 0)
    expected = {
        "T-major": "MAJOR",
        "T-minor": "MINOR",
        "T-waived": "WAIVED",
        "T-crash": "ERROR",
        "T-pass": "PASS",
    }
    assert expected == {row[2]: row[0] for row in rows}


def test_findings_table_shows_the_waiver_of_a_waived_finding(assessment: Assessment) -> None:
    rows = _table_rows(findings_html(assessment.findings), 0)
    expected = ["w-1"]
    assert expected == [row[7] for row in rows if row[2] == "T-waived"]


def test_findings_table_escapes_messages_and_subjects(assessment: Assessment, hostile: str) -> None:
    table = findings_html(assessment.findings)
    assert "<script" not in table
    expected = 2  # the message and the subject of T-minor
    assert expected == table.count(html.escape(hostile, quote=True))


def test_findings_table_of_nothing_says_so() -> None:
    fragment = findings_html([])
    assert "No findings." in fragment
    assert "<table" not in fragment


def test_findings_table_of_a_single_finding_uses_the_singular() -> None:
    finding = Finding(
        rule="R", clause="4.1.4", status=Status.FAIL, severity=Severity.MINOR, message="m"
    )
    assert "1 finding</p>" in findings_html([finding])


# --- assessment_html -------------------------------------------------------------------------


def test_assessment_view_summarises_the_run(assessment: Assessment) -> None:
    fragment = assessment_html(assessment)
    assert "Acme SMS" in fragment
    assert "<strong>2026-11-27</strong>" in fragment
    summary = "5 rules run: 2 major, 1 minor, 0 observations outstanding (of which 1 rule error)"
    assert f"{summary}; 1 waived, 1 passed" in fragment


def test_assessment_view_lists_only_clauses_with_failures_waivers_or_errors(
    assessment: Assessment,
) -> None:
    rows = _table_rows(assessment_html(assessment), 0)
    expected = [
        ["4", "Service management system general requirements", "major", "1", "0", "0", "0"],
        ["4.1", "Management responsibility", "major", "1", "0", "0", "0"],
        ["4.1.4", "Management representative", "major", "1", "0", "0", "0"],
        ["6", "Service delivery processes", "minor", "1", "0", "0", "0"],
        ["6.5", "Capacity management", "minor", "1", "0", "0", "0"],
        ["7", "Relationship processes", "conforming", "0", "1", "0", "0"],
        ["7.2", "Supplier management", "conforming", "0", "1", "0", "0"],
        ["8", "Resolution processes", "not assessed", "0", "0", "1", "0"],
        ["8.2", "Problem management", "not assessed", "0", "0", "1", "0"],
    ]
    assert expected == rows


def test_assessment_view_shows_failures_and_errors_worst_first(assessment: Assessment) -> None:
    # A rule that could not run stands at its rule's severity (T-crash is a major rule).
    rows = _table_rows(assessment_html(assessment), 1)
    expected = [("MAJOR", "T-major"), ("ERROR", "T-crash"), ("MINOR", "T-minor")]
    assert expected == [(row[0], row[2]) for row in rows]


def test_assessment_view_escapes_markup(assessment: Assessment, hostile: str) -> None:
    renamed = attrs.evolve(assessment, system_name=hostile)
    fragment = assessment_html(renamed)
    assert "<script" not in fragment
    expected = 3  # the heading, then the message and the subject of T-minor
    assert expected == fragment.count(html.escape(hostile, quote=True))


def test_assessment_view_of_a_clean_run_says_every_clause_conforms(
    small_sms: ServiceManagementSystem,
) -> None:
    from sms_model.rules import Registry, assess

    registry = Registry()

    @registry.rule(id="T-fine", clause="4.1", severity="minor")
    def fine(ctx: Context) -> Iterator[Finding]:
        yield ctx.passed("all well")

    fragment = assessment_html(assess(small_sms, registry=registry))
    assert "Every assessed clause conforms." in fragment
    assert "No findings." in fragment


# --- to_dataframe ----------------------------------------------------------------------------


def test_dataframe_has_the_record_columns_and_one_row_per_finding(
    assessment: Assessment, pandas: object
) -> None:
    frame = to_dataframe(assessment)
    expected_columns = list(assessment.findings[0].to_record())
    assert expected_columns == list(frame.columns)
    assert len(assessment.findings) == len(frame)


def test_dataframe_rows_are_the_finding_records_in_order(
    assessment: Assessment, pandas: object
) -> None:
    frame = to_dataframe(assessment)
    expected = [f.to_record() for f in assessment.findings]
    actual = [
        {column: (None if _missing(value) else value) for column, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]
    assert expected == actual


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def test_dataframe_accepts_any_findings(assessment: Assessment, pandas: object) -> None:
    failures = assessment.failures
    frame = to_dataframe(list(failures))
    assert [f.rule for f in failures] == list(frame["rule"])


def test_dataframe_of_no_findings_keeps_the_columns(assessment: Assessment, pandas: object) -> None:
    frame = to_dataframe([])
    assert list(assessment.findings[0].to_record()) == list(frame.columns)
    assert frame.empty


def test_dataframe_without_pandas_asks_for_the_extra(
    assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[pandas\]"):
        to_dataframe(assessment)


def test_dataframe_counts_match_the_assessment_of_the_acme_example(
    acme_assessment: Assessment, pandas: Any
) -> None:
    frame = to_dataframe(acme_assessment)
    expected = {k: v for k, v in acme_assessment.counts.items() if v}
    assert expected == frame["status"].value_counts().to_dict()
    assert isinstance(frame, pandas.DataFrame)
