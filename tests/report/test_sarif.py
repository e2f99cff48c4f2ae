"""SARIF for GitHub code scanning: valid against the OASIS 2.1.0 schema, every result located in
a file with a line, fingerprints that stay put while the situation does, relative and
percent-encoded artifact URIs, and rules described in full with a link to their entry in the
rules reference (whose anchors the built documentation really has)."""

from __future__ import annotations

import importlib.util
import json
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import jsonschema
import pytest

import sms_model
from sms_model.io import locator
from sms_model.model import ServiceManagementSystem
from sms_model.report import render_sarif
from sms_model.report._ci import NO_SOURCE_URI, SRCROOT, artifact_uri
from sms_model.report._links import DOCS_URL, rule_anchor, rule_url
from sms_model.report._rulehelp import reference_rules, rule_help
from sms_model.rules import Assessment, assess, default_registry
from tests.report.conftest import ACME, AS_OF
from tests.robustness.robustness_support import shuffle_everywhere

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "examples" / "minimal.yaml"
SCHEMA = json.loads((ROOT / "tests/schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _sarif(result: Assessment, **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_sarif(result, **options))
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    return document


def _run(document: dict[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = document["runs"][0]
    return run


@pytest.fixture(scope="module")
def minimal() -> ServiceManagementSystem:
    return sms_model.load(MINIMAL)


@pytest.fixture(scope="module")
def lacking_evidence() -> ServiceManagementSystem:
    """The example without evidence records and reports: many failures, several of one rule
    about the same subjects (which need an ordinal to tell apart)."""
    return attrs.evolve(sms_model.load(ACME), evidence=(), reports=())


# --- what GitHub code scanning requires ------------------------------------------------------


def _assert_uploadable(document: dict[str, Any]) -> None:
    """The conditions under which GitHub code scanning accepts and displays a result."""
    run = _run(document)
    assert run["results"]
    for result in run["results"]:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/", artifact["uri"]), artifact
        assert SRCROOT == artifact["uriBaseId"]
        assert physical["region"]["startLine"] >= 1
    assert SRCROOT in run["originalUriBaseIds"]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"].strip()
        assert rule["fullDescription"]["text"].strip()
        assert rule["help"]["text"].strip()
        assert rule["help"]["markdown"].strip()


def test_results_rendered_from_python_without_a_file_still_have_a_located_file(
    acme_assessment: Assessment,
) -> None:
    document = _sarif(acme_assessment)
    _assert_uploadable(document)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in _run(document)["results"]
    }
    assert {NO_SOURCE_URI} == uris


def test_results_from_a_small_file_all_have_a_region(minimal: ServiceManagementSystem) -> None:
    # Most findings about a minimal system concern what is missing, which no line defines:
    # they point at the top of the file, and those about the provider at its entry.
    result = assess(minimal, as_of=AS_OF)
    document = _sarif(result, source=str(MINIMAL), locate=locator(MINIMAL, minimal))
    _assert_uploadable(document)
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in _run(document)["results"]
    }
    assert 1 in lines


def test_a_located_subject_gives_its_line_and_column(acme_assessment: Assessment) -> None:
    sms = acme_assessment.sms
    document = _sarif(acme_assessment, source=str(ACME), locate=locator(ACME, sms))
    _assert_uploadable(document)
    lines = ACME.read_text(encoding="utf-8").splitlines()
    for result in _run(document)["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        line = lines[region["startLine"] - 1]
        assert any(s in line for s in result["properties"]["subjects"]), (result, line)
        assert "startColumn" in region


# --- fingerprints ----------------------------------------------------------------------------


def _fingerprints(document: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (r["ruleId"], r["partialFingerprints"]["smsFinding/v3"]) for r in _run(document)["results"]
    )


@pytest.mark.parametrize("which", ["minimal", "lacking_evidence"])
def test_fingerprints_are_the_same_a_week_later(which: str, request: pytest.FixtureRequest) -> None:
    sms = request.getfixturevalue(which)
    today = _sarif(assess(sms, as_of=AS_OF))
    next_week = _sarif(assess(sms, as_of=AS_OF + timedelta(days=7)))
    messages = {r["message"]["text"] for r in _run(today)["results"]}
    assert messages != {r["message"]["text"] for r in _run(next_week)["results"]}, "no dates"
    assert _fingerprints(today) == _fingerprints(next_week)


@pytest.mark.parametrize("which", ["minimal", "lacking_evidence"])
def test_fingerprints_are_unique_and_leave_out_the_message(
    which: str, request: pytest.FixtureRequest
) -> None:
    document = _sarif(assess(request.getfixturevalue(which), as_of=AS_OF))
    prints = [p for _, p in _fingerprints(document)]
    assert len(prints) == len(set(prints))
    for result in _run(document)["results"]:
        fingerprint = result["partialFingerprints"]["smsFinding/v3"]
        assert re.fullmatch("[0-9a-f]{16}", fingerprint)
        assert result["message"]["text"] not in fingerprint


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fingerprints_do_not_depend_on_the_order_of_the_input(
    lacking_evidence: ServiceManagementSystem, seed: int
) -> None:
    shuffled = shuffle_everywhere(lacking_evidence, random.Random(seed))
    assert lacking_evidence.processes != shuffled.processes
    expected = _fingerprints(_sarif(assess(lacking_evidence, as_of=AS_OF)))
    assert expected == _fingerprints(_sarif(assess(shuffled, as_of=AS_OF)))


def test_a_waived_failure_keeps_the_fingerprint_of_the_failure(
    assessment: Assessment, small_sms: ServiceManagementSystem, registry: Any
) -> None:
    unwaived = assess(small_sms, as_of=AS_OF, registry=registry)
    waived = [r for r in _run(_sarif(assessment))["results"] if r.get("suppressions")]
    [result] = waived
    assert result["ruleId"] == "T-waived"
    assert result["partialFingerprints"] in [
        r["partialFingerprints"] for r in _run(_sarif(unwaived))["results"]
    ]


# --- artifact URIs ---------------------------------------------------------------------------


@pytest.fixture
def odd_file(tmp_path: Path) -> Path:
    folder = tmp_path / "sms files"
    folder.mkdir()
    path = folder / "acme #2 100%.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_the_uri_is_relative_and_percent_encoded(
    odd_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sms = sms_model.load(odd_file)
    text = render_sarif(
        assess(sms, as_of=AS_OF), source=str(odd_file), locate=locator(odd_file, sms)
    )
    assert str(tmp_path) not in text
    run = _run(json.loads(text))
    expected = {"uri": "sms%20files/acme%20%232%20100%25.yaml", "uriBaseId": SRCROOT}
    assert [{"location": expected}] == run["artifacts"]
    for result in run["results"]:
        assert {**expected, "index": 0} == result["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]


def test_a_file_outside_the_source_root_is_named_by_its_file_name(odd_file: Path) -> None:
    document = _sarif(
        assess(sms_model.load(odd_file), as_of=AS_OF), source=odd_file, source_root=ROOT
    )
    uri = _run(document)["artifacts"][0]["location"]["uri"]
    assert "acme%20%232%20100%25.yaml" == uri


def test_a_relative_source_is_relative_to_the_source_root() -> None:
    assert "examples/minimal.yaml" == artifact_uri(MINIMAL, ROOT)
    assert "minimal.yaml" == artifact_uri(MINIMAL, ROOT / "examples")


# --- rule descriptors ------------------------------------------------------------------------


def _descriptors(result: Assessment, **options: Any) -> dict[str, dict[str, Any]]:
    rules = _run(_sarif(result, **options))["tool"]["driver"]["rules"]
    return {rule["id"]: rule for rule in rules}


def _driver(result: Assessment, **options: Any) -> dict[str, Any]:
    driver: dict[str, Any] = _run(_sarif(result, **options))["tool"]["driver"]
    return driver


def test_every_rule_has_a_whole_sentence_and_plain_text(acme_assessment: Assessment) -> None:
    descriptors = _descriptors(acme_assessment)
    assert set(acme_assessment.rules) <= set(descriptors)
    for rule in descriptors.values():
        short = rule["shortDescription"]["text"]
        assert short.endswith("."), short
        assert short[0].isupper(), short
        for plain in (short, rule["fullDescription"]["text"], rule["help"]["text"]):
            assert "``" not in plain, plain
            assert not re.search(r":[a-z]+:`", plain), plain
            assert "*" not in plain, plain


def test_short_descriptions_are_not_cut_where_the_docstring_line_ends(
    acme_assessment: Assessment,
) -> None:
    rule = _descriptors(acme_assessment)["SMS-4.1.1-TM-a"]
    # The first line of that docstring ends in "every SMS stage"; the sentence goes on.
    assert rule["shortDescription"]["text"].endswith("counts as review and improvement.")


def test_the_help_gives_the_examples_in_text_and_markdown(acme_assessment: Assessment) -> None:
    rule = _descriptors(acme_assessment)["SMS-4.1.1-TM-h"]
    assert "Nonconforming: change chg-7 names no risk" in rule["help"]["text"]
    assert "**Nonconforming:** change `chg-7` names no risk" in rule["help"]["markdown"]
    assert "Conforming: chg-1 names risk-chg-1" in rule["help"]["text"]


def test_every_rule_links_to_its_entry_in_the_docs(
    acme_assessment: Assessment, rules_page: str
) -> None:
    descriptors = _descriptors(acme_assessment)
    anchors = set(re.findall(r"^\((.+)\)=$", rules_page, re.M))
    assert DOCS_URL == _driver(acme_assessment)["informationUri"]
    for rule_id, rule in descriptors.items():
        assert rule_url(rule_id) == rule["helpUri"]
        assert rule_anchor(rule_id) in anchors, rule_id
        assert rule["helpUri"] in rule["help"]["text"]


def test_the_docs_url_can_point_at_a_team_s_own_build(acme_assessment: Assessment) -> None:
    driver = _driver(acme_assessment, docs_url="https://docs.example.org/sms/")
    assert "https://docs.example.org/sms/" == driver["informationUri"]
    rule = next(r for r in driver["rules"] if r["id"] == "SMS-4.1.1-TM-h")
    assert "https://docs.example.org/sms/reference/rules.html#sms-4-1-1-tm-h" == rule["helpUri"]


def test_engine_findings_are_described_and_linked_too(small_sms: ServiceManagementSystem) -> None:
    from sms_model.rules import Waiver

    waiver = Waiver(
        id="w-stale",
        target="SMS-4.1.4-representative",
        justification="j",
        approver="ceo",
        expires=AS_OF - timedelta(days=1),
    )
    result = assess(small_sms, as_of=AS_OF, waivers=[waiver])
    rule = _descriptors(result)["SMS-waiver-expired"]
    assert rule["shortDescription"]["text"].startswith("A waiver is in force on the as-of date")
    assert rule_url("SMS-waiver-expired") == rule["helpUri"]


def test_a_third_party_rule_gets_help_but_no_link_into_our_docs(
    assessment: Assessment, registry: Any
) -> None:
    descriptors = _descriptors(assessment, rules={spec.id: spec for spec in registry})
    rule = descriptors["T-major"]
    assert "Fails with a major finding." == rule["shortDescription"]["text"]
    assert "helpUri" not in rule


# --- the rules reference page ----------------------------------------------------------------


def _extension() -> ModuleType:
    """The Sphinx extension that writes the rules reference (docs/_ext is not a package)."""
    path = ROOT / "docs" / "_ext" / "rules_reference.py"
    spec = importlib.util.spec_from_file_location("rules_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rules_page() -> str:
    """The rules reference page as the documentation build writes it (it is not committed)."""
    text: str = _extension().render_rules_reference(default_registry())
    return text


def test_the_extension_writes_the_page_once_until_it_changes(
    tmp_path: Path, rules_page: str
) -> None:
    (tmp_path / "reference").mkdir()
    write = _extension().write_rules_reference
    assert write(tmp_path)
    assert rules_page == (tmp_path / "reference" / "rules.md").read_text(encoding="utf-8")
    assert not write(tmp_path)


def test_the_built_rules_page_has_an_html_anchor_for_every_rule(
    tmp_path: Path, rules_page: str
) -> None:
    from sphinx.cmd.build import build_main

    source = tmp_path / "src"
    (source / "reference").mkdir(parents=True)
    (source / "conf.py").write_text('extensions = ["myst_parser"]\n', encoding="utf-8")
    (source / "index.md").write_text(
        "# Index\n\n```{toctree}\nreference/rules\n```\n", encoding="utf-8"
    )
    (source / "reference" / "rules.md").write_text(rules_page, encoding="utf-8")
    out = tmp_path / "html"
    assert 0 == build_main(["-q", "-W", "-b", "html", str(source), str(out)])
    html = (out / "reference" / "rules.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    wanted = {rule_anchor(spec.id) for spec in reference_rules(default_registry())}
    assert wanted - ids == set()
    assert "SMS-4.1.1-TM-h" in html
    assert "chg-7" in html


def test_a_path_object_names_the_source_as_its_text_does() -> None:
    result = assess(sms_model.load(MINIMAL), as_of=date(2027, 2, 28))
    assert render_sarif(result, source=str(MINIMAL)) == render_sarif(result, source=MINIMAL)


def test_every_documented_rule_has_a_summary_and_both_examples() -> None:
    for spec in reference_rules(default_registry()):
        help = rule_help(spec)
        assert help.summary.endswith("."), spec.id
        assert help.nonconforming, spec.id
        assert help.conforming, spec.id
        assert help.summary in help.description, spec.id


def test_the_help_markdown_renders_without_raw_html(small_sms: ServiceManagementSystem) -> None:
    from markdown_it import MarkdownIt

    from sms_model.rules import Context, Finding, Registry

    rules = Registry()

    @rules.rule(id="X-1", clause="6.5")
    def hostile(ctx: Context) -> Iterator[Finding]:
        """A plugin's rule whose docstring holds <img src=x onerror=alert(1)> and a
        [link](javascript:alert(1)).

        Nonconforming: <script>alert(1)</script>.
        Conforming: ``<b>`` only in a literal.
        """
        yield ctx.fail("fails")

    result = assess(small_sms, as_of=AS_OF, registry=rules)
    descriptors = _descriptors(result, rules={spec.id: spec for spec in rules})
    descriptors |= _descriptors(assess(sms_model.load(MINIMAL), as_of=AS_OF))
    parser = MarkdownIt("commonmark")
    for rule in descriptors.values():
        for text in (rule["help"]["markdown"], rule["shortDescription"]["markdown"]):
            tokens = parser.parse(text)
            kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
            assert not kinds & {"html_block", "html_inline"}, text
            links = [c for t in tokens for c in (t.children or []) if c.type == "link_open"]
            assert all(str(c.attrs["href"]).startswith("https://") for c in links), text
    assert "<script>" in descriptors["X-1"]["help"]["text"]  # plain text keeps what it says
