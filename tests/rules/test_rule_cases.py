"""Every built-in rule passes on its passing cases and fails on its failing cases.

Each file ``cases/<rule id>.yaml`` names its ``rule`` and lists ``cases``. A case has:

- ``name``: what it shows, unique in its file (the test id is ``<rule id>::<name>``);
- ``expect``: ``pass`` (the rule finds nothing) or ``fail``;
- ``as_of``: the date the system is assessed as of (``AS_OF`` when not given);
- ``edits``: how the case differs from the conforming base system (see ``rule_fixtures``);

and a failing case also states, checked against every failure the rule reports:

- ``severity`` (required): ``major``, ``minor`` or ``observation`` when every failure has that
  severity; a list in that order (``[major, minor]``) when they differ: the severities of the
  failures are then exactly those listed, each at least once;
- ``guidance`` (required): the guidance ids every failure carries, in order (the rule's
  declared guidance), ``[]`` for none;
- ``subjects``: ids each named by some failure;
- ``messages``: text each found in the message of some failure.

Cases named ``boundary: ...`` put a date a rule compares on the as-of date (or on the date it
is compared with) and one day either side.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sms_model.catalog import guidance_by_id
from sms_model.rules import Severity, Status, assess, default_registry
from tests import snapshots
from tests.rules.rule_fixtures import AS_OF, CASES, build, load_case_file

_CASE_KEYS = {"name", "expect", "as_of", "edits", "severity", "guidance", "subjects", "messages"}
_ONLY_WHEN_FAILING = {"severity", "guidance", "subjects", "messages"}
_SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]


def _case_files() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, load_case_file(path)) for path in sorted(CASES.glob("*.yaml"))]


def _cases() -> list[Any]:
    return [
        pytest.param(spec["rule"], case, id=f"{path.stem}::{case['name']}")
        for path, spec in _case_files()
        for case in spec["cases"]
    ]


def _expected_severities(case: dict[str, Any]) -> set[str]:
    stated = case["severity"]
    return {stated} if isinstance(stated, str) else set(stated)


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(rule_id: str, case: dict[str, Any]) -> None:
    sms = build(case.get("edits"))
    as_of = case.get("as_of", AS_OF)
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    result = assess(sms, as_of=as_of, select=[rule_id])
    mine = [f for f in result.findings if f.rule == rule_id]
    failures = [f for f in mine if f.status is Status.FAIL]
    errors = [f for f in mine if f.status is Status.ERROR]
    assert errors == []
    # Every finding as a reader sees it, pinned whole (rule, clause and guidance are the
    # rule's own, checked above and below).
    recorded = [
        [f.status.value, f.severity.value, f.message, list(f.subjects), list(f.evidence)]
        for f in mine
    ]
    snapshots.check(CASES / f"{rule_id}.findings.json", case["name"], recorded)
    if case["expect"] == "pass":
        assert [f.message for f in failures] == []
        return
    assert failures, f"{rule_id} found nothing in case {case['name']!r}"
    unstated = [key for key in ("severity", "guidance") if key not in case]
    assert unstated == [], f"a failing case must state {' and '.join(unstated)}"
    for subject in case.get("subjects", ()):
        assert any(subject in f.subjects for f in failures), (subject, failures)
    for fragment in case.get("messages", ()):
        assert any(fragment in f.message for f in failures), (fragment, failures)
    found = sorted((f.severity.value, f.message) for f in failures)
    assert {severity for severity, _ in found} == _expected_severities(case), found
    guidance = tuple(case["guidance"])
    assert [(f.guidance, f.message) for f in failures] == [(guidance, f.message) for f in failures]


def _case_problems(case: dict[str, Any]) -> list[str]:
    """What is wrong with the form of one case (not with its outcome)."""
    problems = [f"unknown key {key!r}" for key in sorted(set(case) - _CASE_KEYS)]
    if case.get("expect") not in ("pass", "fail"):
        return [*problems, f"expect is {case.get('expect')!r}, not pass or fail"]
    if case["expect"] == "pass":
        stray = sorted(_ONLY_WHEN_FAILING & set(case))
        return problems + [f"a passing case states {key}" for key in stray]
    for key in ("severity", "guidance"):
        if key not in case:
            problems.append(f"a failing case must state {key}")
    severity = case.get("severity", "major")
    if isinstance(severity, list):
        if len(severity) < 2 or severity != [s for s in _SEVERITIES if s in severity]:
            problems.append(
                f"severity {severity} must list two or more distinct severities, most severe "
                "first (one severity is given as text)"
            )
    elif severity not in _SEVERITIES:
        problems.append(f"severity {severity!r} is not one of {_SEVERITIES}")
    guidance = case.get("guidance", [])
    if not isinstance(guidance, list):
        problems.append(f"guidance {guidance!r} must be a list of guidance ids")
    else:
        for gid in guidance:
            try:
                guidance_by_id(gid)
            except LookupError:
                problems.append(f"unknown guidance id {gid!r}")
    return problems


def test_every_case_is_well_formed() -> None:
    # A failing case must say how severe its failures are and what guidance they carry, so a
    # new case cannot leave the severity and guidance of a rule unchecked.
    problems = []
    for path, spec in _case_files():
        names: set[str] = set()
        for case in spec["cases"]:
            name = case.get("name")
            if not name or name in names:
                problems.append(f"{path.name}: case name {name!r} missing or repeated")
            names.add(name)
            problems.extend(f"{path.name}::{name}: {p}" for p in _case_problems(case))
    assert problems == []


def test_every_builtin_rule_has_passing_and_failing_cases() -> None:
    covered: dict[str, set[str]] = {}
    for path, spec in _case_files():
        covered.setdefault(spec["rule"], set()).update(c["expect"] for c in spec["cases"])
        assert Path(path).stem == spec["rule"], f"{path.name} must be named after its rule"
    builtin = {s.id for s in default_registry() if s.origin.startswith("sms_model.")}
    missing = {rule: {"pass", "fail"} - covered.get(rule, set()) for rule in builtin}
    assert {rule: sorted(gap) for rule, gap in missing.items() if gap} == {}


def test_base_conforms_to_every_builtin_rule() -> None:
    result = assess(build(), as_of=AS_OF)
    assert [
        (f.rule, f.message) for f in result.findings if f.status in (Status.FAIL, Status.ERROR)
    ] == []


def test_the_recorded_findings_are_those_of_the_cases_there_are() -> None:
    # A renamed or removed case leaves no stale snapshot behind.
    stale = {}
    for path, spec in _case_files():
        snapshot = path.with_name(f"{spec['rule']}.findings.json")
        recorded = set(json.loads(snapshot.read_text(encoding="utf-8")))
        names = {case["name"] for case in spec["cases"]}
        if recorded != names:
            stale[snapshot.name] = sorted(recorded ^ names)
    assert stale == {}
