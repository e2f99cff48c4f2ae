"""Every built-in rule passes on its passing cases and fails on its failing cases.

Each file ``cases/<rule id>.yaml`` names its ``rule`` and lists ``cases``. A case has:

- ``name``: what it shows, unique in its file (the test id is ``<rule id>::<name>``);
- ``expect``: ``pass`` (the rule finds nothing) or ``fail``;
- ``as_of``: the date the system is assessed as of (``AS_OF`` when not given);
- ``edition``: the one edition the case is about; without it, the case runs in every edition
  the rule checks a clause of (its outcome must hold in each), on the base with that
  edition's overlays (``base-2018/``); findings are recorded under the case name for the
  rule's first edition, and under ``<name> [<edition>]`` for another edition only where they
  differ from the first edition's;
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
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sms_model.catalog import guidance_by_id, leaf_clauses
from sms_model.rules import Severity, Status, assess, default_registry
from tests import snapshots
from tests.rules.rule_fixtures import AS_OF, CASES, build, load_case_file

#: The form of a message code (``cadence.kept``, ``gap.no_accountable_owner.unset``).
_CODE = re.compile(r"[a-z0-9_]+(?:[.-][a-z0-9_]+)+")

_CASE_KEYS = {
    "name",
    "expect",
    "as_of",
    "edition",
    "edits",
    "severity",
    "guidance",
    "subjects",
    "messages",
}
_ONLY_WHEN_FAILING = {"severity", "guidance", "subjects", "messages"}
_SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]


def _case_files() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, load_case_file(path)) for path in sorted(CASES.glob("*.yaml"))]


def _editions(rule_id: str, case: dict[str, Any]) -> tuple[str, ...]:
    return (case["edition"],) if "edition" in case else default_registry().get(rule_id).editions


def _label(rule_id: str, case: dict[str, Any], edition: str) -> str:
    """The name a case's findings are recorded under in ``edition``."""
    first = default_registry().get(rule_id).editions[0]
    return case["name"] if edition == first else f"{case['name']} [{edition}]"


def _cases() -> list[Any]:
    return [
        pytest.param(spec["rule"], case, edition, id=f"{path.stem}::{label}")
        for path, spec in _case_files()
        for case in spec["cases"]
        for edition in _editions(spec["rule"], case)
        for label in [_label(spec["rule"], case, edition)]
    ]


def _expected_severities(case: dict[str, Any]) -> set[str]:
    stated = case["severity"]
    return {stated} if isinstance(stated, str) else set(stated)


@pytest.mark.parametrize(("rule_id", "case", "edition"), _cases())
def test_rule_case(rule_id: str, case: dict[str, Any], edition: str) -> None:
    sms = build(case.get("edits"), edition)
    as_of = case.get("as_of", AS_OF)
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    result = assess(sms, as_of=as_of, select=[rule_id], edition=edition)
    mine = [f for f in result.findings if f.rule == rule_id]
    failures = [f for f in mine if f.status is Status.FAIL]
    errors = [f for f in mine if f.status is Status.ERROR]
    assert errors == []
    # Message codes are identifiers programs key on: lower-case words joined by dots.
    assert [f.code for f in mine if not _CODE.fullmatch(f.code)] == []
    # Every finding as a reader sees it, pinned whole (rule, clause and guidance are the
    # rule's own, checked above and below).
    recorded = [
        [f.status.value, f.severity.value, f.message, list(f.subjects), list(f.evidence)]
        for f in mine
    ]
    _check_snapshot(
        CASES / f"{rule_id}.findings.json", _label(rule_id, case, edition), case, recorded
    )
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


def _check_snapshot(path: Path, label: str, case: dict[str, Any], recorded: Any) -> None:
    """The findings equal those recorded under ``label``; in another edition than the rule's
    first, those recorded for the first edition do when nothing is recorded for this one."""
    same_as_first = label != case["name"] and not snapshots.has(path, label)
    if same_as_first and snapshots.matches(path, case["name"], recorded):
        return
    snapshots.check(path, label, recorded)


def _case_problems(case: dict[str, Any]) -> list[str]:
    """What is wrong with the form of one case (not with its outcome)."""
    problems = [f"unknown key {key!r}" for key in sorted(set(case) - _CASE_KEYS)]
    if case.get("edition", "2011") not in ("2011", "2018"):
        problems.append(f"edition {case['edition']!r} is not 2011 or 2018")
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


@pytest.mark.parametrize("edition", ["2011", "2018"])
def test_base_conforms_to_every_builtin_rule(edition: str) -> None:
    result = assess(build(edition=edition), as_of=AS_OF, edition=edition)
    assert [
        (f.rule, f.message) for f in result.findings if f.status in (Status.FAIL, Status.ERROR)
    ] == []


def test_every_2018_leaf_clause_has_a_rule_with_passing_and_failing_cases() -> None:
    outcomes: dict[str, set[str]] = {}
    for _, spec in _case_files():
        number = default_registry().get(spec["rule"]).clause_in("2018")
        for case in spec["cases"]:
            if number is not None and "2018" in _editions(spec["rule"], case):
                outcomes.setdefault(number, set()).add(case["expect"])
    missing = {
        c.number: sorted({"pass", "fail"} - outcomes.get(c.number, set()))
        for c in leaf_clauses("2018")
    }
    assert {number: gap for number, gap in missing.items() if gap} == {}


def test_the_recorded_findings_are_those_of_the_cases_there_are() -> None:
    # A renamed or removed case leaves no stale snapshot behind.
    stale = {}
    for path, spec in _case_files():
        snapshot = path.with_name(f"{spec['rule']}.findings.json")
        recorded = set(json.loads(snapshot.read_text(encoding="utf-8")))
        firsts = {
            _label(spec["rule"], case, _editions(spec["rule"], case)[0]) for case in spec["cases"]
        }
        names = {
            _label(spec["rule"], case, edition)
            for case in spec["cases"]
            for edition in _editions(spec["rule"], case)
        }
        if not firsts <= recorded <= names:
            stale[snapshot.name] = sorted((recorded - names) | (firsts - recorded))
    assert stale == {}
