"""JUnit XML for Jenkins and GitLab: valid against the Jenkins xUnit schema, read back by
junitparser with the assessment's counts, one test case name per finding within its suite, and
class names that Jenkins' tree groups by clause."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from lxml import etree

import sms_model
from sms_model.report import render_junit
from sms_model.report._ci import junit_classname
from sms_model.rules import Assessment, assess
from tests.report.conftest import AS_OF, HOSTILE

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "examples" / "minimal.yaml"
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "tests" / "schemas" / "jenkins-junit-10.xsd")))


def _validated(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    if not SCHEMA.validate(root):
        pytest.fail(f"not valid against junit-10.xsd: {SCHEMA.error_log}")
    return root


@pytest.fixture(scope="module")
def minimal_assessment() -> Assessment:
    return assess(sms_model.load(MINIMAL), as_of=AS_OF)


@pytest.fixture(params=["acme", "minimal", "controlled"])
def any_assessment(
    request: pytest.FixtureRequest,
    acme_assessment: Assessment,
    minimal_assessment: Assessment,
) -> Assessment:
    if request.param == "acme":
        return acme_assessment
    if request.param == "minimal":
        return minimal_assessment
    result: Assessment = request.getfixturevalue("assessment")  # waived, error, markup
    return result


def test_junit_is_valid_against_the_jenkins_xunit_schema(any_assessment: Assessment) -> None:
    _validated(render_junit(any_assessment))


def test_the_schema_check_is_real_it_rejects_skipped_on_testsuites(
    minimal_assessment: Assessment,
) -> None:
    # What Jenkins rejected the whole file for before: a "skipped" count on <testsuites>.
    root = etree.fromstring(render_junit(minimal_assessment).encode("utf-8"))
    root.set("skipped", "0")
    assert not SCHEMA.validate(root)


def test_junitparser_reads_the_assessment_s_counts(
    any_assessment: Assessment, tmp_path: Path
) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(render_junit(any_assessment), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    outcomes: Counter[str] = Counter()
    tests = 0
    for suite in xml:
        for case in suite:
            tests += 1
            for outcome in case.result:
                outcomes[type(outcome).__name__] += 1
        assert suite.tests == len(list(suite))
    counts = any_assessment.counts
    assert len(any_assessment.findings) == tests == xml.tests
    assert counts["fail"] == outcomes[Failure.__name__] == xml.failures
    assert counts["error"] == outcomes[Error.__name__] == xml.errors
    skipped = counts["waived"] + counts["not_applicable"]
    assert skipped == outcomes[Skipped.__name__] == sum(suite.skipped for suite in xml)


def test_a_test_case_name_is_unique_within_its_suite(any_assessment: Assessment) -> None:
    root = _validated(render_junit(any_assessment))
    for suite in root.iter("testsuite"):
        keys = Counter((c.get("classname"), c.get("name")) for c in suite.iter("testcase"))
        assert [] == [key for key, count in keys.items() if count > 1]


def test_repeated_findings_of_a_rule_are_told_apart_by_their_ids(
    minimal_assessment: Assessment,
) -> None:
    # The minimal example fails SMS-5.1-process twice, with no subject: GitLab kept only one.
    root = _validated(render_junit(minimal_assessment))
    names = [c.get("name") for c in root.iter("testcase")]
    repeated = [n for n in names if n and n.startswith("SMS-5.1-process")]
    ids = {f.id for f in minimal_assessment.findings if f.rule == "SMS-5.1-process"}
    assert len(repeated) == 2
    assert {n.removeprefix("SMS-5.1-process #") for n in repeated} == ids
    assert len(minimal_assessment.findings) == len(set(names))


def test_case_names_do_not_move_with_the_as_of_date() -> None:
    sms = sms_model.load(MINIMAL)

    def names(result: Assessment) -> list[str | None]:
        return [c.get("name") for c in _validated(render_junit(result)).iter("testcase")]

    today, next_week = assess(sms, as_of=AS_OF), assess(sms, as_of=AS_OF + timedelta(days=7))
    assert today.findings != next_week.findings  # the messages name the date
    assert names(today) == names(next_week)


def _jenkins_split(classname: str) -> tuple[str, str]:
    """What Jenkins makes of a class name: package and class, split at the last dot."""
    package, _, cls = classname.rpartition(".")
    return package, cls


def test_jenkins_groups_the_findings_by_clause_family_then_clause(
    acme_assessment: Assessment,
) -> None:
    root = _validated(render_junit(acme_assessment))
    packages: dict[str, set[str]] = {}
    for suite in root.iter("testsuite"):
        clause = suite.get("name", "").rsplit(" ", 1)[-1]
        for case in suite.iter("testcase"):
            package, cls = _jenkins_split(case.get("classname", ""))
            assert f"iso20000-1.clause-{clause.split('.')[0]}" == package
            assert clause.replace(".", "_") == cls
            packages.setdefault(package, set()).add(cls)
    assert [f"iso20000-1.clause-{n}" for n in range(4, 10)] == sorted(packages)
    assert {"4", "4_1_1", "4_5_4_1"} <= packages["iso20000-1.clause-4"]


@pytest.mark.parametrize(
    ("clause", "package", "cls"),
    [
        ("4", "iso20000-1.clause-4", "4"),
        ("4.1.1", "iso20000-1.clause-4", "4_1_1"),
        ("6.6.3", "iso20000-1.clause-6", "6_6_3"),
        ("4.5.4.1", "iso20000-1.clause-4", "4_5_4_1"),
    ],
)
def test_the_class_name_of_a_clause(clause: str, package: str, cls: str) -> None:
    assert (package, cls) == _jenkins_split(junit_classname(clause))


def test_a_failure_names_its_rule_and_links_to_the_rules_reference(
    minimal_assessment: Assessment,
) -> None:
    root = _validated(render_junit(minimal_assessment))
    case = next(c for c in root.iter("testcase") if c.get("name") == "SMS-4.1.4-representative")
    failure = case.find("failure")
    assert failure is not None
    assert "major" == failure.get("type")
    assert "reference/rules.html#sms-4-1-4-representative" in (failure.text or "")


def test_markup_and_control_characters_arrive_as_written(assessment: Assessment) -> None:
    root = _validated(render_junit(assessment))
    messages = [f.get("message") for f in root.iter("failure")]
    assert f"capacity plan {HOSTILE} is missing" in messages
    data = {
        "name": "Odd \u0001 name",
        "provider": "acme",
        "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}],
        "people": [{"id": "p\u0002", "name": "P", "party": "acme"}],
        "top_management": {"members": ["p\u0002"]},
    }
    odd = assess(sms_model.loads(json.dumps(data), "json"), as_of=AS_OF)
    # XML cannot hold U+0001 at all: it is shown as a visible escape, as on a terminal.
    assert "ISO/IEC 20000-1 conformity: Odd \\x01 name" == _validated(render_junit(odd)).get("name")
