"""Every built-in rule passes on its passing cases and fails on its failing cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sms_model.rules import Status, assess, default_registry
from tests.rules.rule_fixtures import AS_OF, CASES, build, load_case_file


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = load_case_file(path)
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{path.stem}::{case['name']}"))
    return params


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
    if case["expect"] == "pass":
        assert [f.message for f in failures] == []
    else:
        assert failures, f"{rule_id} found nothing in case {case['name']!r}"
        for subject in case.get("subjects", ()):
            assert any(subject in f.subjects for f in failures), (subject, failures)
        for fragment in case.get("messages", ()):
            assert any(fragment in f.message for f in failures), (fragment, failures)


def test_every_builtin_rule_has_passing_and_failing_cases() -> None:
    covered: dict[str, set[str]] = {}
    for path in CASES.glob("*.yaml"):
        spec = load_case_file(path)
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
