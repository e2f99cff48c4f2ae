"""The comparison of two assessments in every format, read by real readers, and the
``sms-model diff`` gate with its exit codes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from junitparser import JUnitXml
from lxml import etree
from markdown_it import MarkdownIt

import sms_model
from sms_model.cli import main
from sms_model.report import render_diff
from sms_model.rules import Assessment, Diff, Severity, assess, diff

ROOT = Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 11, 27)
LATER = AS_OF + timedelta(days=120)
JUNIT = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "schemas" / "jenkins-junit-10.xsd")))
SARIF = json.loads((ROOT / "tests/schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
HOSTILE = "<script>alert(1)</script> | `x` **y** [z](http://e.invalid)\n# h"


@pytest.fixture(scope="module")
def pair() -> tuple[Assessment, Assessment]:
    sms = sms_model.load(ACME)
    return assess(sms, as_of=AS_OF), assess(sms, as_of=LATER)


@pytest.fixture(scope="module")
def change(pair: tuple[Assessment, Assessment]) -> Diff:
    return diff(*pair)


def test_the_acme_example_gets_worse_over_four_months(change: Diff) -> None:
    assert change.regressions(Severity.MAJOR)
    assert {f.id for f in change.regressions()} <= {f.id for f in change.new} | {
        new.id for _, new in change.changed
    }


def test_junit_of_a_comparison_is_valid_and_fails_only_the_regressions(change: Diff) -> None:
    text = render_diff(change, "junit")
    root = etree.fromstring(text.encode())
    assert JUNIT.validate(root), JUNIT.error_log
    suites = JUnitXml.fromstring(text.encode())
    assert suites.failures == len(change.regressions())
    names = [(c.classname, c.name) for suite in suites for c in suite]
    assert len(names) == len(set(names))


def test_sarif_of_a_comparison_is_valid_and_states_the_baseline(
    pair: tuple[Assessment, Assessment], change: Diff
) -> None:
    document = json.loads(render_diff(change, "sarif", new=pair[1]))
    jsonschema.Draft4Validator(SARIF).validate(document)
    results = document["runs"][0]["results"]
    states = {r["properties"]["findingId"]: r["baselineState"] for r in results}
    assert {f.id for f in change.new if f.failed} <= {i for i, s in states.items() if s == "new"}
    gone = {f.id for f in change.resolved if f.failed}
    assert gone == {i for i, s in states.items() if s == "absent"}
    assert set(states.values()) <= {"new", "unchanged", "updated", "absent"}


def test_json_of_a_comparison_counts_each_kind(change: Diff) -> None:
    data = json.loads(render_diff(change, "json"))
    assert data["counts"]["new"] == len(data["new"]) == len(change.new)
    assert data["counts"]["regressions"] == len(change.regressions())
    assert render_diff(change, "json") == render_diff(change, "json")


def _hostile_pair() -> tuple[Assessment, Assessment]:
    sms = attrs.evolve(sms_model.load(ACME), name=HOSTILE)
    return assess(sms, as_of=AS_OF), assess(sms, as_of=LATER)


def test_markdown_and_html_of_a_comparison_escape_the_system_name() -> None:
    change = diff(*_hostile_pair())
    tokens = MarkdownIt("gfm-like").parse(render_diff(change, "markdown"))
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not kinds & {"html_block", "html_inline", "link_open", "em_open", "strong_open"}
    page = render_diff(change, "html")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    text = render_diff(change, "text")
    assert "\n# h" not in text


def test_an_unknown_format_or_a_sarif_without_the_assessment_is_refused(change: Diff) -> None:
    with pytest.raises(ValueError, match="cannot be written as 'graphml'"):
        render_diff(change, "graphml")
    with pytest.raises(ValueError, match="needs the new assessment"):
        render_diff(change, "sarif")


# --- the command line -------------------------------------------------------------------------


def _reports(tmp_path: Path, pair: tuple[Assessment, Assessment]) -> tuple[str, str]:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(pair[0].to_json(), encoding="utf-8")
    new.write_text(pair[1].to_json(), encoding="utf-8")
    return str(old), str(new)


def test_diff_exits_1_on_a_new_failure_and_0_without(
    tmp_path: Path, pair: tuple[Assessment, Assessment], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _reports(tmp_path, pair)
    assert main(["diff", old, new]) == 1
    assert "new or worse failures" in capsys.readouterr().out
    assert main(["diff", new, old]) == 0  # going back in time resolves them
    assert main(["diff", old, old, "--fail-on", "observation"]) == 0
    assert main(["diff", old, new, "--fail-on", "never"]) == 0


@pytest.mark.parametrize("format", ["text", "markdown", "json", "html", "junit", "sarif"])
def test_diff_writes_every_format(
    tmp_path: Path, pair: tuple[Assessment, Assessment], format: str
) -> None:
    old, new = _reports(tmp_path, pair)
    out = tmp_path / f"diff.{format}"
    assert main(["diff", old, new, "--format", format, "-o", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == render_diff(
        diff(*pair), format, threshold=Severity.MAJOR, new=pair[1]
    )


def test_diff_reads_a_report_of_format_1(
    tmp_path: Path, pair: tuple[Assessment, Assessment]
) -> None:
    old, new = _reports(tmp_path, pair)
    data: dict[str, Any] = json.loads(Path(old).read_text(encoding="utf-8"))
    data["report_format"] = 1
    for record in data["findings"]:
        for name in ("id", "code", "params", "key"):
            del record[name]
    Path(old).write_text(json.dumps(data), encoding="utf-8")
    assert main(["diff", old, new, "--format", "json", "-o", str(tmp_path / "d.json")]) in (0, 1)


def test_diff_of_a_broken_report_is_a_usage_error_naming_the_place(
    tmp_path: Path, pair: tuple[Assessment, Assessment], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _reports(tmp_path, pair)
    Path(new).write_text('{"report_format": 2, "system": 3}', encoding="utf-8")
    assert main(["diff", old, new]) == 2
    err = capsys.readouterr().err
    assert "new.json" in err
    assert "$.system" in err
    assert "Traceback" not in err
