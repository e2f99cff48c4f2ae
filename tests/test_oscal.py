"""The OSCAL exports (``sms_model.oscal``) read back with compliance-trestle's own models: the
assessment results hold one finding and one observation per finding, with its subjects and
evidence; both documents are byte-identical for the same input (in any order) and keep their
UUIDs from one as-of date to the next; the catalogue holds only the text of our catalog; and
every value from an SMS file is escaped for the Markdown of OSCAL's text fields."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("trestle")  # the `oscal` extra; the dev extra brings it

from markdown_it import MarkdownIt
from trestle.core.duplicates_validator import DuplicatesValidator
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog, Control

import sms_model
from sms_model.catalog import clause, clauses, expectation_by_id, guidance_by_id
from sms_model.errors import ArgumentError
from sms_model.oscal import NAMESPACE, UUID_NAMESPACE, assessment_results, catalog
from sms_model.report import render, report_format
from sms_model.report._escape import terminal_text
from sms_model.rules import Assessment, Finding, Severity, Status
from sms_model.rules._results import Findings
from tests.payloads import PAYLOADS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AS_OF = date(2026, 11, 27)


def _assess(path: Path, as_of: date = AS_OF) -> Assessment:
    return sms_model.assess(sms_model.load(path), as_of=as_of)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request: pytest.FixtureRequest) -> tuple[Path, Assessment]:
    path: Path = request.param
    return path, _assess(path)


@pytest.fixture(scope="module")
def catalog_text() -> str:
    return catalog()


def _read_results(text: str, tmp_path: Path) -> AssessmentResults:
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8")
    read = AssessmentResults.oscal_read(path)
    assert isinstance(read, AssessmentResults)
    return read


def _props(item: Any, name: str) -> list[str]:
    return [p.value for p in item.props or () if p.name == name and str(p.ns) == NAMESPACE]


def _controls(controls: list[Control] | None) -> Iterator[Control]:
    for control in controls or ():
        yield control
        yield from _controls(control.controls)


# --- assessment results ----------------------------------------------------------------------


def test_the_results_read_back_with_one_finding_and_observation_per_finding(
    example: tuple[Path, Assessment], tmp_path: Path
) -> None:
    _, assessment = example
    document = _read_results(assessment_results(assessment), tmp_path)
    [result] = document.results
    findings, observations = result.findings or [], result.observations or []
    assert len(assessment.findings) == len(findings) == len(observations)
    assert DuplicatesValidator().model_is_valid(document, True, None)
    by_uuid = {o.uuid: o for o in observations}
    entities = {r.uuid: r for r in document.back_matter.resources}  # type: ignore[union-attr]
    for ours, theirs in zip(assessment.findings, findings, strict=True):
        assert [ours.id] == _props(theirs, "finding-id")
        assert [ours.rule] == _props(theirs, "rule")
        assert [ours.severity.value] == _props(theirs, "severity")
        assert list(ours.guidance) == _props(theirs, "guidance")
        assert f"c-{ours.clause}" == theirs.target.target_id
        [related] = theirs.related_observations or []
        observation = by_uuid[related.observation_uuid]
        subjects = observation.subjects or []
        evidence = observation.relevant_evidence or []
        assert len(ours.subjects) == len(subjects)
        assert len(ours.evidence) == len(evidence)
        named = [_props(entities[s.subject_uuid], "entity-id") for s in subjects]
        assert [[s] for s in ours.subjects] == named
        cited = [_props(entities[(e.href or "").removeprefix("#")], "entity-id") for e in evidence]
        assert [[e] for e in ours.evidence] == cited


def test_the_metadata_names_the_system_and_the_as_of_date_only(
    example: tuple[Path, Assessment],
) -> None:
    _, assessment = example
    data = json.loads(assessment_results(assessment))["assessment-results"]
    midnight = f"{AS_OF.isoformat()}T00:00:00+00:00"
    against = (
        "" if assessment.edition == "2011" else f" against ISO/IEC 20000-1:{assessment.edition}"
    )
    title = f"Assessment of {assessment.system_name}{against} as of 2026-11-27"
    assert title == data["metadata"]["title"]
    assert midnight == data["metadata"]["last-modified"]
    assert assessment.library_version == data["metadata"]["version"]
    # no wall-clock time anywhere: every date-time in the document is the as-of date
    times = set(re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', assessment_results(assessment)))
    assert {midnight} == times
    plan = data["import-ap"]["href"].removeprefix("#")
    assert plan in {r["uuid"] for r in data["back-matter"]["resources"]}


def test_the_results_are_byte_identical_for_the_same_system_in_any_order(
    example: tuple[Path, Assessment],
) -> None:
    path, assessment = example
    text = assessment_results(assessment)
    assert text == assessment_results(assessment)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    backwards = {key: _reversed(value) for key, value in reversed(data.items())}
    shuffled = sms_model.loads(yaml.safe_dump(backwards, sort_keys=False))
    assert text == assessment_results(sms_model.assess(shuffled, as_of=AS_OF))
    assert text == assessment_results(Assessment.from_json(assessment.to_json()))


def _reversed(value: Any) -> Any:
    return value[::-1] if isinstance(value, list) else value


def test_a_finding_keeps_its_uuids_from_one_as_of_date_to_the_next() -> None:
    acme = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    early = json.loads(assessment_results(sms_model.assess(acme, as_of=date(2026, 6, 30))))
    late = json.loads(assessment_results(sms_model.assess(acme, as_of=AS_OF)))
    uuids = [_uuids_by_finding_id(d["assessment-results"]) for d in (early, late)]
    common = uuids[0].keys() & uuids[1].keys()
    assert len(common) > 100
    assert {k: uuids[0][k] for k in common} == {k: uuids[1][k] for k in common}
    results = [d["assessment-results"]["results"][0]["uuid"] for d in (early, late)]
    assert results[0] != results[1]


def _uuids_by_finding_id(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Per finding id: the finding's UUID, its observation's and its subjects' (sorted)."""
    [result] = document["results"]
    observations = {o["uuid"]: o for o in result["observations"]}
    found = {}
    for finding in result["findings"]:
        [finding_id] = [p["value"] for p in finding["props"] if p["name"] == "finding-id"]
        observation = observations[finding["related-observations"][0]["observation-uuid"]]
        subjects = sorted(s["subject-uuid"] for s in observation.get("subjects", ()))
        found[finding_id] = (finding["uuid"], observation["uuid"], *subjects)
    return found


def _finding(status: Status, **fields: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": "T-1",
        "clause": "4.1.4",
        "severity": Severity.MINOR,
        "message": f"{status.value} here",
        "code": "test.status",
        "key": status.value,
    }
    return Finding(status=status, **(values | fields))


def _made(findings: list[Finding], name: str = "Test SMS") -> Assessment:
    return Assessment(
        as_of=AS_OF,
        findings=Findings(findings),
        verdicts=(),
        rules=("T-1",),
        library_version="1.0",
        ruleset_version="r1",
        system_name=name,
    )


def test_each_status_sets_the_target_status_or_says_why_there_is_none(tmp_path: Path) -> None:
    statuses = list(Status)
    made = _made([_finding(s, waiver="w1" if s is Status.WAIVED else None) for s in statuses])
    [result] = _read_results(assessment_results(made), tmp_path).results
    targets = {_props(f, "status")[0]: f.target for f in result.findings or []}
    states = {
        status: (t.status.state.value, t.status.reason) if t.status else None
        for status, t in targets.items()
    }
    assert {
        "pass": ("satisfied", "pass"),
        "fail": ("not-satisfied", "fail"),
        "waived": ("not-satisfied", "fail"),
        "error": ("not-satisfied", "other"),
        "not_applicable": None,
    } == states
    assert "not-applicable" == targets["not_applicable"].implementation_status.state  # type: ignore[union-attr]
    [waived] = [f for f in result.findings or [] if _props(f, "status") == ["waived"]]
    assert ["w1"] == _props(waived, "waiver")


def test_findings_with_the_same_id_get_distinct_uuids(tmp_path: Path) -> None:
    twice = _finding(Status.FAIL)
    document = _read_results(assessment_results(_made([twice, twice])), tmp_path)
    assert DuplicatesValidator().model_is_valid(document, True, None)
    assert 2 == len({f.uuid for f in document.results[0].findings or []})


def test_no_findings_make_a_result_that_reviewed_every_clause(tmp_path: Path) -> None:
    [result] = _read_results(assessment_results(_made([])), tmp_path).results
    assert result.findings is None
    assert result.observations is None
    [selection] = result.reviewed_controls.control_selections
    assert hasattr(selection, "include_all")


def test_the_2011_documents_keep_the_names_and_words_of_the_first_export() -> None:
    # A GRC tool follows a finding by its UUID: the editions came later, and 2011 kept its names.
    made = _made([_finding(Status.FAIL, subjects=("p1",))])
    [ours] = made.findings
    data = json.loads(assessment_results(made))["assessment-results"]
    [result] = data["results"]
    [finding], [observation] = result["findings"], result["observations"]
    plan, entity = data["back-matter"]["resources"]
    assert [
        _v5("assessment-results", "Test SMS", "2026-11-27"),
        _v5("result", "Test SMS", "2026-11-27"),
        _v5("finding", ours.id),
        _v5("observation", ours.id),
        _v5("rules", "1.0", "r1"),
        _v5("entity", "p1"),
    ] == [d["uuid"] for d in (data, result, finding, observation, plan, entity)]
    assert "Assessment of Test SMS as of 2026-11-27" == data["metadata"]["title"]
    assert "Conformity to ISO/IEC 20000-1:2011 as of 2026-11-27" == result["title"]
    assert ["as-of", "ruleset-version"] == [p["name"] for p in result["props"]]
    assert "The rules of sms-model 1.0, ruleset r1" == plan["title"]
    assert (
        "The assessment ran 1 rules of sms-model: its built-in rules of ISO/IEC 20000-1:2011 "
        "and any plugin rules." == plan["description"]
    )
    assert "4.1.4 Management representative" == finding["target"]["title"]
    document = json.loads(catalog())["catalog"]
    assert _v5("catalog", "ISO/IEC 20000-1:2011") == document["uuid"]
    assert (
        "ISO/IEC 20000-1:2011: clauses, with the paraphrases of sms-model"
        == (document["metadata"]["title"])
    )
    assert (
        "Clause numbers and titles of ISO/IEC 20000-1:2011. Every statement, guidance and "
        "assessment method is a paraphrase written for sms-model, never the text of the "
        "standard." == document["metadata"]["remarks"]
    )
    assert "clause-2011" not in json.dumps(document)


def _v5(*name: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, json.dumps(name)))


# --- escaping --------------------------------------------------------------------------------

_READER = MarkdownIt("gfm-like")  # tables, linkify and raw HTML on, as a GRC tool may have


def _shown(value: str) -> str:
    """How a value reads once rendered: one line, control and bidi characters escaped."""
    return terminal_text(re.sub("\r\n|[\r\n\t]", " ", value))


def _rendered(markdown: str) -> str:
    """The text a Markdown value renders as; fails on any markup other than text and code."""
    tokens = _READER.parseInline(markdown)
    assert 1 == len(tokens)
    parts = []
    for child in tokens[0].children or []:
        assert child.type in {"text", "text_special", "code_inline", "softbreak"}, markdown
        parts.append(child.content)
    return "".join(parts)


def _hostile() -> Assessment:
    everything = " ".join(PAYLOADS)
    findings = [
        _finding(
            Status.FAIL,
            message=f"found {everything} here",
            subjects=PAYLOADS,
            evidence=PAYLOADS,
            key="all",
        )
    ]
    findings += [
        _finding(Status.WAIVED, message=f"{p} alone", subjects=(p,), waiver=p, key=f"{i}")
        for i, p in enumerate(PAYLOADS)
    ]
    return _made(findings, name=f"Acme {everything}")


def test_every_value_from_the_sms_renders_as_itself_and_as_nothing_else(
    tmp_path: Path,
) -> None:
    hostile = _hostile()
    text = assessment_results(hostile)
    # nothing a reader would act on or hide reaches the file, not even JSON-escaped
    data = json.loads(text)
    strings = list(_strings(data))
    unsafe = [s for s in strings if any(unicodedata.category(c) in {"Cc", "Cf"} for c in s)]
    assert [] == unsafe
    document = _read_results(text, tmp_path)
    [result] = document.results
    assert f"Assessment of {_shown(hostile.system_name)} as of 2026-11-27" == _rendered(
        document.metadata.title
    )
    for ours, finding in zip(hostile.findings, result.findings or [], strict=True):
        assert _shown(ours.message) == _rendered(finding.description)
        assert f"{ours.rule} {_STATUS[ours.status]}" == _rendered(finding.title)
        assert ([_plain(ours.waiver)] if ours.waiver else []) == _props(finding, "waiver")
    for observation in result.observations or []:
        for subject in observation.subjects or []:
            assert _rendered(subject.title or "") in {_shown(p) for p in PAYLOADS}
        for record in observation.relevant_evidence or []:
            assert _rendered(record.description).removeprefix("Record ") in {
                _shown(p) for p in PAYLOADS
            }
    resources = document.back_matter.resources[1:]  # type: ignore[union-attr,index]
    assert sorted(_plain(p) for p in PAYLOADS) == sorted(
        _props(r, "entity-id")[0] for r in resources
    )
    assert sorted(_shown(p) for p in PAYLOADS) == sorted(
        _rendered(r.title or "") for r in resources
    )


_STATUS = {Status.FAIL: "failed", Status.WAIVED: "failed, waived"}


def _plain(value: str) -> str:
    """A property value: the value itself, or its visible escapes where it holds anything a
    reader would act on (no payload has spaces at its ends)."""
    return terminal_text(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_a_property_value_with_spaces_at_its_ends_is_shown_with_escapes(tmp_path: Path) -> None:
    made = _made([_finding(Status.FAIL, subjects=(" padded\u3000",), waiver="w 1 ")])
    document = _read_results(assessment_results(made), tmp_path)
    [finding] = document.results[0].findings or []
    assert ["w 1\\u0020"] == _props(finding, "waiver")
    [entity] = document.back_matter.resources[1:]  # type: ignore[union-attr,index]
    assert ["\\u0020padded\\u3000"] == _props(entity, "entity-id")


# --- catalog ---------------------------------------------------------------------------------


def test_the_catalog_reads_back_with_a_control_for_every_clause(
    catalog_text: str, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(catalog_text, encoding="utf-8")
    document = Catalog.oscal_read(path)
    assert isinstance(document, Catalog)
    assert DuplicatesValidator().model_is_valid(document, True, None)
    controls = list(_controls(document.controls))
    assert [f"c-{c.number}" for c in clauses()] == [c.id for c in controls]
    assert catalog_text == catalog()


def test_the_catalog_holds_only_the_text_of_our_catalog(catalog_text: str) -> None:
    document = Catalog.model_validate(json.loads(catalog_text)["catalog"])
    ours: set[str] = set()
    for control in _controls(document.controls):
        number = control.id.removeprefix("c-")
        held = clause(number)
        assert held.title == control.title
        assert [number] == [p.value for p in control.props or () if p.name == "label"]
        ours.add(control.title)
        for part in control.parts or ():
            assert part.prose is not None
            ours.add(part.prose)
            if part.name == "statement":
                assert held.summary == part.prose
            elif part.name == "guidance":
                [guidance_id] = _props(part, "guidance-id")
                item = guidance_by_id(guidance_id)
                assert (number, item.title, item.summary) == (item.clause, part.title, part.prose)
                ours.add(item.title)
            else:
                assert "assessment-method" == part.name
                [expectation_id] = _props(part, "expectation-id")
                expected = expectation_by_id(expectation_id)
                assert (number, expected.description) == (expected.clause, part.prose)
    # every text of the document (besides its own title and remarks) is one of those
    data = json.loads(catalog_text)["catalog"]
    texts = {s for key in ("title", "prose") for s in _values(data["controls"], key)}
    assert texts <= ours
    # and each is plain text in OSCAL's Markdown: it renders as itself
    assert [] == [t for t in sorted(texts) if _rendered(t) != t]


def _values(value: Any, key: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name == key and isinstance(item, str):
                yield item
            yield from _values(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item, key)


# --- the report format and the extra ---------------------------------------------------------


def test_oscal_is_a_report_format(example: tuple[Path, Assessment]) -> None:
    _, assessment = example
    spec = report_format("oscal")
    assert ("application/oscal.assessment-results+json", ".json") == (
        spec.media_type,
        spec.suffix,
    )
    assert assessment_results(assessment) == render(assessment, "oscal")


def test_the_command_line_writes_the_results(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    minimal = ROOT / "examples" / "minimal.yaml"
    argv = ["assess", str(minimal), "--as-of", "2026-11-27", "--format", "oscal", "-o", str(out)]
    from sms_model.cli import main

    assert main(argv) in {0, 1}  # 1: the minimal system has failures
    assert assessment_results(_assess(minimal)) == out.read_text(encoding="utf-8")


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trestle.oscal", None)
    with pytest.raises(ModuleNotFoundError, match=r"install sms-model\[oscal\]"):
        catalog()


def test_anything_but_an_assessment_is_refused() -> None:
    with pytest.raises(ArgumentError, match="expected an Assessment"):
        assessment_results("report.json")  # type: ignore[arg-type]


def test_importing_the_package_and_the_module_does_not_import_trestle() -> None:
    code = (
        "import sys, sms_model, sms_model.oscal, sms_model.report; print('trestle' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "False" == out.stdout.strip()
