"""The OSCAL exports of the 2018 edition, read back with compliance-trestle's own models: an
assessment against 2018 points at the controls of ``catalog("2018")``, titled as 2018 titles
its clauses; both documents are byte-identical for the same input and share no UUID with the
documents of 2011 but those of the entities; the 2018 catalogue holds only the text of our
catalog, with the guidance statements where they bear in 2018 and the evidence expectations
(written for 2011 clauses) under the 2018 clauses the crosswalk takes them to."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

pytest.importorskip("trestle")  # the `oscal` extra; the dev extra brings it

from trestle.core.duplicates_validator import DuplicatesValidator
from trestle.oscal.catalog import Catalog
from trestle.oscal.common import ControlSelections

import sms_model
from sms_model.catalog import (
    clause,
    clauses,
    crosswalk,
    expectation_by_id,
    expectations,
    guidance,
    guidance_by_id,
)
from sms_model.errors import ArgumentError
from sms_model.model import Edition
from sms_model.oscal import NAMESPACE, assessment_results, catalog
from sms_model.report import render
from sms_model.rules import Assessment, Status
from tests.test_oscal import (
    AS_OF,
    EXAMPLES,
    ROOT,
    _controls,
    _finding,
    _made,
    _props,
    _read_results,
    _rendered,
    _reversed,
    _values,
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _assess(path: Path, edition: str = "2018") -> Assessment:
    return sms_model.assess(sms_model.load(path), as_of=AS_OF, edition=edition)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request: pytest.FixtureRequest) -> tuple[Path, Assessment]:
    path: Path = request.param
    return path, _assess(path)


@pytest.fixture(scope="module")
def catalog_text() -> str:
    return catalog("2018")


# --- assessment results ----------------------------------------------------------------------


def test_the_results_point_at_the_2018_controls_and_read_back(
    example: tuple[Path, Assessment], tmp_path: Path
) -> None:
    _, assessment = example
    assert "2018" == assessment.edition
    document = _read_results(assessment_results(assessment), tmp_path)
    assert DuplicatesValidator().model_is_valid(document, True, None)
    [result] = document.results
    findings, observations = result.findings or [], result.observations or []
    assert len(assessment.findings) == len(findings) == len(observations)
    numbers = {c.number for c in clauses("2018")}
    for ours, theirs in zip(assessment.findings, findings, strict=True):
        assert [ours.id] == _props(theirs, "finding-id")
        assert [ours.clause] == _props(theirs, "clause")
        assert ours.clause in numbers
        assert f"c-{ours.clause}" == theirs.target.target_id
        assert f"{ours.clause} {clause(ours.clause, '2018').title}" == theirs.target.title
    [selection] = result.reviewed_controls.control_selections
    assert isinstance(selection, ControlSelections)
    reviewed = [c.control_id for c in selection.include_controls or []]
    assert reviewed == list(dict.fromkeys(f"c-{f.clause}" for f in assessment.findings))


def test_the_titles_the_plan_and_the_result_name_the_edition(
    example: tuple[Path, Assessment],
) -> None:
    _, assessment = example
    data = json.loads(assessment_results(assessment))["assessment-results"]
    standard = "ISO/IEC 20000-1:2018"
    system = assessment.system_name
    assert (
        f"Assessment of {system} against {standard} as of 2026-11-27" == (data["metadata"]["title"])
    )
    [result] = data["results"]
    assert f"Conformity to {standard} as of 2026-11-27" == result["title"]
    assert {"name": "edition", "ns": NAMESPACE, "value": "2018"} == result["props"][0]
    plan = data["import-ap"]["href"].removeprefix("#")
    [resource] = [r for r in data["back-matter"]["resources"] if r["uuid"] == plan]
    assert f"for {standard}," in resource["title"]
    assert f"its built-in rules of {standard} and" in resource["description"]
    assert "ISO/IEC 20000-1:2011" not in json.dumps(data)


def test_the_2011_results_name_no_edition_property() -> None:
    data = json.loads(assessment_results(_assess(EXAMPLES[0], "2011")))["assessment-results"]
    [result] = data["results"]
    assert [] == [p for p in result["props"] if p["name"] == "edition"]
    assert "Conformity to ISO/IEC 20000-1:2011 as of 2026-11-27" == result["title"]
    assert "against" not in data["metadata"]["title"]


def test_the_2018_results_are_byte_identical_for_the_same_system_in_any_order(
    example: tuple[Path, Assessment],
) -> None:
    path, assessment = example
    text = assessment_results(assessment)
    assert text == assessment_results(assessment)
    assert text == assessment_results(_assess(path))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    backwards = {key: _reversed(value) for key, value in reversed(data.items())}
    shuffled = sms_model.loads(yaml.safe_dump(backwards, sort_keys=False))
    assert text == assessment_results(sms_model.assess(shuffled, as_of=AS_OF, edition="2018"))
    assert text == assessment_results(Assessment.from_json(assessment.to_json()))


def test_the_editions_share_no_uuid_but_the_entities(example: tuple[Path, Assessment]) -> None:
    path, in_2018 = example
    texts = {"2011": assessment_results(_assess(path, "2011")), "2018": assessment_results(in_2018)}
    uuids = {edition: set(_UUID.findall(text)) for edition, text in texts.items()}
    entities = {
        edition: {
            r["uuid"]
            for r in json.loads(text)["assessment-results"]["back-matter"]["resources"]
            if _entity(r)
        }
        for edition, text in texts.items()
    }
    assert uuids["2011"] & uuids["2018"] == entities["2011"] & entities["2018"]
    assert entities["2011"] & entities["2018"]  # the same entity is the same resource


def _entity(resource: dict[str, Any]) -> bool:
    return any(p["name"] == "entity-id" for p in resource.get("props", ()))


def test_the_same_finding_in_both_editions_gets_a_uuid_in_each(tmp_path: Path) -> None:
    made = _made([_finding(Status.FAIL)])
    in_2018 = attrs.evolve(made, edition="2018")
    [ours] = made.findings
    found = {}
    for assessment in (made, in_2018):
        [result] = _read_results(assessment_results(assessment), tmp_path).results
        [finding] = result.findings or []
        [observation] = result.observations or []
        assert [ours.id] == _props(finding, "finding-id")
        found[assessment.edition] = (str(result.uuid), str(finding.uuid), str(observation.uuid))
    assert not set(found["2011"]) & set(found["2018"])


def test_a_clause_the_edition_does_not_have_is_titled_with_its_number() -> None:
    # 4.1.4 is a clause of 2011; a plugin rule may still name it in a 2018 assessment
    made = _made([_finding(Status.FAIL, clause="4.1.4")])
    in_2018 = attrs.evolve(made, edition="2018")
    data = json.loads(assessment_results(in_2018))["assessment-results"]
    [finding] = data["results"][0]["findings"]
    assert {"target-id": "c-4.1.4", "title": "`4.1.4`"}.items() <= finding["target"].items()


def test_an_assessment_of_an_unknown_edition_is_refused() -> None:
    made = _made([])
    odd = attrs.evolve(made, edition="2005")
    with pytest.raises(ArgumentError, match="edition must be one of 2011, 2018, not str '2005'"):
        assessment_results(odd)


# --- catalog ---------------------------------------------------------------------------------


def test_the_2018_catalog_reads_back_with_a_control_for_every_clause(
    catalog_text: str, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(catalog_text, encoding="utf-8")
    document = Catalog.oscal_read(path)
    assert isinstance(document, Catalog)
    assert DuplicatesValidator().model_is_valid(document, True, None)
    assert [f"c-{c.number}" for c in clauses("2018")] == [
        c.id for c in _controls(document.controls)
    ]
    assert "ISO/IEC 20000-1:2018: clauses, with the paraphrases of sms-model" == (
        document.metadata.title
    )
    assert catalog_text == catalog("2018") == catalog(Edition.ISO_20000_1_2018)
    assert catalog() == catalog("2011") == catalog(Edition.ISO_20000_1_2011)
    uuids = {json.loads(text)["catalog"]["uuid"] for text in (catalog_text, catalog())}
    assert 2 == len(uuids)


def test_the_2018_catalog_holds_only_the_text_of_our_catalog(catalog_text: str) -> None:
    document = Catalog.model_validate(json.loads(catalog_text)["catalog"])
    ours: set[str] = set()
    placed: Counter[tuple[str, str, str]] = Counter()
    for control in _controls(document.controls):
        number = control.id.removeprefix("c-")
        held = clause(number, "2018")
        assert held.title == control.title
        assert [number] == [p.value for p in control.props or () if p.name == "label"]
        ours.add(control.title)
        for part in control.parts or ():
            assert part.prose is not None
            ours.add(part.prose)
            if part.name == "statement":
                assert held.summary == part.prose
                continue
            kind, identity = _placed(number, part, ours)
            placed[(kind, identity, number)] += 1
    # each statement and expectation sits exactly where the catalogue and crosswalk say
    assert placed == Counter(_expected_places())
    # every text of the document (besides its own title and remarks) is one of those
    data = json.loads(catalog_text)["catalog"]
    texts = {s for key in ("title", "prose") for s in _values(data["controls"], key)}
    assert texts <= ours
    assert [] == [t for t in sorted(texts) if _rendered(t) != t]


def _placed(number: str, part: Any, ours: set[str]) -> tuple[str, str]:
    """Checks a guidance or assessment-method part against the catalogue; its kind and id."""
    if part.name == "guidance":
        [guidance_id] = _props(part, "guidance-id")
        item = guidance_by_id(guidance_id)
        assert (item.title, item.summary) == (part.title, part.prose)
        ours.add(item.title)
        notes = [(p.name, str(p.ns), p.prose) for p in part.parts or ()]
        note = item.note_in("2018")
        assert ([("edition-note", NAMESPACE, note)] if note else []) == notes
        if note:
            ours.add(note)
        return "guidance", guidance_id
    assert "assessment-method" == part.name
    [expectation_id] = _props(part, "expectation-id")
    expected = expectation_by_id(expectation_id)
    assert expected.description == part.prose
    assert [expected.clause] == _props(part, "clause-2011")
    return "expectation", expectation_id


def _expected_places() -> list[tuple[str, str, str]]:
    """Where the guidance statements and expectations belong in 2018, by their own data."""
    walk = crosswalk("2011", "2018")
    places = [("guidance", g.id, n) for g in guidance() for n in g.clauses_in("2018")]
    places += [("expectation", e.id, n) for e in expectations() for n in walk[e.clause]]
    return places


def test_every_expectation_serves_some_2018_clause() -> None:
    walk = crosswalk("2011", "2018")
    assert [] == [e.id for e in expectations() if not walk.get(e.clause)]


def test_the_2018_catalog_says_where_its_guidance_and_methods_come_from(
    catalog_text: str,
) -> None:
    remarks = json.loads(catalog_text)["catalog"]["metadata"]["remarks"]
    assert remarks.startswith("Clause numbers and titles of ISO/IEC 20000-1:2018.")
    assert "never the text of the standard" in remarks
    assert "clause-2011" in remarks


@pytest.mark.parametrize("edition", ["2005", "", 2018, None])
def test_an_unknown_edition_of_the_catalog_is_refused(edition: Any) -> None:
    with pytest.raises(ArgumentError, match="edition must be one of 2011, 2018"):
        catalog(edition)


# --- the report format and the command line --------------------------------------------------


def test_the_oscal_format_writes_the_2018_results(example: tuple[Path, Assessment]) -> None:
    _, assessment = example
    assert assessment_results(assessment) == render(assessment, "oscal")


def test_the_command_line_writes_the_2018_results(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    minimal = ROOT / "examples" / "minimal.yaml"
    argv = ["assess", str(minimal), "--as-of", "2026-11-27", "--edition", "2018"]
    from sms_model.cli import main

    assert main([*argv, "--format", "oscal", "-o", str(out)]) in {0, 1}
    assert assessment_results(_assess(minimal)) == out.read_text(encoding="utf-8")


def test_a_system_that_declares_2018_exports_2018() -> None:
    minimal = ROOT / "examples" / "minimal.yaml"
    declared = 'edition: "2018"\n' + minimal.read_text(encoding="utf-8")
    assessment = sms_model.assess(sms_model.loads(declared), as_of=AS_OF)
    data = json.loads(assessment_results(assessment))["assessment-results"]
    [result] = data["results"]
    assert "Conformity to ISO/IEC 20000-1:2018 as of 2026-11-27" == result["title"]
    assert ["2018"] == [p["value"] for p in result["props"] if p["name"] == "edition"]
