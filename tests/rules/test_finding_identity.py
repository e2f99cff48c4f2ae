"""Findings that last: stable ids, messages as code and parameters, reports read back, diffs.

- a finding's id stays the same for the same situation across as-of dates and input order
  (a property over generated systems), and no two findings of one assessment share one;
- every built-in finding names its message by a code, one template per code, rendered from
  plain parameters; no built-in rule builds its message text itself (checked in the source);
- ``Assessment.from_json(a.to_json()) == a``, for the current and the first report format;
- ``diff`` matches findings by id.
"""

from __future__ import annotations

import ast
import json
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sms_model
from sms_model.errors import ModelValidationError
from sms_model.rules import (
    Assessment,
    Finding,
    Severity,
    Status,
    Waiver,
    assess,
    default_registry,
    diff,
    finding_id,
    render,
)
from sms_model.testing import sms_models
from tests.rules.rule_fixtures import AS_OF, CASES, build, load_case_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BUILTIN = ROOT / "src" / "sms_model" / "rules" / "builtin"
_FINDING_METHODS = {"fail", "passed", "not_applicable"}


def _shuffled(sms: sms_model.ServiceManagementSystem, seed: int) -> Any:
    """The same system with every collection in another order (through the file format)."""
    data = json.loads(sms_model.dumps(sms, "json"))
    rng = random.Random(seed)
    for value in data.values():
        if isinstance(value, list):
            rng.shuffle(value)
    return sms_model.loads(json.dumps(data), "json")


def _situations(result: Assessment) -> dict[tuple[Any, ...], str]:
    return {
        (f.rule, f.code, frozenset(f.subjects), f.evidence, f.key): f.id for f in result.findings
    }


# --- identity -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sms=sms_models(max_size=4), seed=st.integers(0, 2**16), days=st.integers(1, 7))
def test_finding_ids_are_stable_across_a_week_and_shuffled_input(
    sms: sms_model.ServiceManagementSystem, seed: int, days: int
) -> None:
    ids: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for system, as_of in (
        (sms, AS_OF),
        (_shuffled(sms, seed), AS_OF),
        (_shuffled(sms, seed + 1), AS_OF + timedelta(days=days)),
    ):
        result = assess(system, as_of=as_of)
        found = [f.id for f in result.findings]
        assert len(found) == len(set(found)), "two findings of one assessment share an id"
        for situation, finding in _situations(result).items():
            ids[situation].add(finding)
    assert all(len(seen) == 1 for seen in ids.values())
    # The same day and the same system in another order: the very same ids.
    first = {f.id for f in assess(sms, as_of=AS_OF).findings}
    assert first == {f.id for f in assess(_shuffled(sms, seed), as_of=AS_OF).findings}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_unchanged_failures_keep_their_id_and_code_over_a_week(path: Path) -> None:
    sms = sms_model.load(path)
    days = [assess(sms, as_of=AS_OF + timedelta(days=n)) for n in range(8)]
    first = {f.id: f for f in days[0].findings}
    for later in days[1:]:
        assert len({f.id for f in later.findings}) == len(later.findings)
        for finding in later.findings:
            earlier = first.get(finding.id)
            if earlier is not None:
                assert (earlier.rule, earlier.subjects, earlier.key) == (
                    finding.rule,
                    finding.subjects,
                    finding.key,
                )
                if earlier.status is finding.status:
                    assert earlier.code == finding.code
    # A week later, the same situation: most findings are the very same ones.
    change = diff(days[0], days[-1])
    assert len(change.persisting) + len(change.changed) >= 0.9 * len(days[0].findings)


def test_a_finding_id_derives_from_rule_subjects_and_key_only() -> None:
    base = {"rule": "R-1", "clause": "4.1", "status": Status.FAIL, "severity": Severity.MINOR}
    one = Finding(**base, message="late by 3 days", subjects=("a", "b"))
    two = Finding(
        **{**base, "status": Status.PASS}, message="on time", subjects=("b", "a"), evidence="e"
    )
    assert one.id == two.id == finding_id("R-1", ["a", "b"], "")
    assert Finding(**base, message="x", key="k").id != Finding(**base, message="x").id


def test_a_renamed_rule_keeps_the_ids_of_its_findings() -> None:
    from sms_model.rules import Registry

    def make(rule_id: str, aliases: tuple[str, ...]) -> Registry:
        registry = Registry()

        @registry.rule(id=rule_id, clause="4.1.4", aliases=aliases)
        def check(ctx: Any) -> Any:
            yield ctx.fail("{who!r} is missing", code="acme.missing", who="x", subjects="x")

        return registry

    sms = sms_model.load(ROOT / "examples" / "minimal.yaml")
    before = assess(sms, as_of=AS_OF, registry=make("ACME-old", ()))
    after = assess(sms, as_of=AS_OF, registry=make("ACME-new", ("ACME-old",)))
    assert [f.id for f in before.findings] == [f.id for f in after.findings]


def test_findings_about_the_same_subjects_without_a_key_still_get_distinct_ids() -> None:
    from sms_model.rules import Registry

    registry = Registry()

    @registry.rule(id="ACME-many", clause="4.1.4")
    def many(ctx: Any) -> Any:
        for record in ("r1", "r2"):
            yield ctx.fail("record {record} is bad", record=record, evidence=record)
        yield ctx.fail("same")
        yield ctx.fail("same")

    result = assess(
        sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF, registry=registry
    )
    ids = [f.id for f in result.findings]
    assert len(ids) == len(set(ids)) == 4
    again = assess(
        sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF, registry=registry
    )
    assert ids == [f.id for f in again.findings]


# --- messages as code and parameters ----------------------------------------------------------


def _calls_in_builtin_rules() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(BUILTIN.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _FINDING_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "ctx"
            ):
                found.append((path.name, node.lineno, node))
    return found


def test_no_builtin_rule_builds_its_own_message_text() -> None:
    calls = _calls_in_builtin_rules()
    assert len(calls) > 150
    wrong = []
    for name, line, call in calls:
        template = call.args[0] if call.args else None
        literal = isinstance(template, ast.Constant) and isinstance(template.value, str)
        code = {k.arg: k.value for k in call.keywords}.get("code")
        coded = isinstance(code, ast.Constant) and isinstance(code.value, str) and code.value
        if not (literal and coded):
            wrong.append(f"{name}:{line}")
    assert wrong == [], "message templates must be literals with a literal code"


def _case_params() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = load_case_file(path)
        out.extend((spec["rule"], case) for case in spec["cases"])
    return out


def _case_params_by_edition() -> list[tuple[str, dict[str, Any], str]]:
    """Each rule case in each edition it runs in (see tests/rules/test_rule_cases.py)."""
    registry = default_registry()
    return [
        (rule_id, case, edition)
        for rule_id, case in _case_params()
        for edition in ((case["edition"],) if "edition" in case else registry.get(rule_id).editions)
    ]


def test_each_message_code_has_one_template_and_every_finding_a_code() -> None:
    templates: dict[str, set[str]] = defaultdict(set)
    codes: set[str] = set()
    for rule_id, case, edition in _case_params_by_edition():
        as_of = case.get("as_of", AS_OF)
        as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        sms = build(case.get("edits"), edition)
        result = assess(sms, as_of=as_of, select=[rule_id], edition=edition)
        for finding in result.findings:
            assert finding.code, f"{finding.rule}: a finding without a message code"
            codes.add(finding.code)
            if finding.params:
                assert finding.template, f"{finding.rule}: parameters but no template"
                assert render(finding.template, finding.params) == finding.message
                templates[finding.code].add(finding.template)
    clashes = {code: sorted(t) for code, t in templates.items() if len(t) > 1}
    assert clashes == {}
    assert len(codes) > 100
    assert all(spec.id for spec in default_registry())


def test_values_that_move_with_the_as_of_date_are_parameters() -> None:
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    before = {f.id: f for f in assess(sms, as_of=AS_OF).findings}
    moved = 0
    for finding in assess(sms, as_of=AS_OF + timedelta(days=7)).findings:
        earlier = before.get(finding.id)
        if earlier is None or earlier.status is not finding.status:
            continue
        assert earlier.code == finding.code
        if earlier.message != finding.message:
            moved += 1
            assert earlier.params != finding.params
    assert moved > 0  # some messages do move (days overdue), only through their parameters


# --- reading reports back ---------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_json_report_reads_back_equal(path: Path) -> None:
    waiver = Waiver(
        id="w1", target="4", justification="j", approver="ceo", expires=date(2027, 1, 1)
    )
    result = assess(sms_model.load(path), as_of=AS_OF, waivers=[waiver])
    text = result.to_json()
    again = Assessment.from_json(text)
    assert again == result
    assert again.to_json() == text
    assert Assessment.from_json(text.encode()) == result


def test_a_report_of_format_1_reads_back_with_ids_from_rule_and_subjects() -> None:
    result = assess(sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF)
    data = json.loads(result.to_json())
    data["report_format"] = 1
    for record in data["findings"]:
        for name in ("id", "code", "params", "key"):
            del record[name]
    old = Assessment.from_json(json.dumps(data))
    assert [f.message for f in old.findings] == [f.message for f in result.findings]
    assert [f.id for f in old.findings] == [
        finding_id(f.rule, f.subjects, "") for f in result.findings
    ]
    assert old.input_digest == result.input_digest


def test_a_report_read_back_has_no_system() -> None:
    result = assess(sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF)
    with pytest.raises(sms_model.ArgumentError, match="read from a report"):
        _ = Assessment.from_json(result.to_json()).sms


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (lambda d: d.update(report_format=9), "$.report_format", "unknown report format"),
        (lambda d: d.update(as_of="yesterday"), "$.as_of", "date"),
        (lambda d: d["findings"][0].update(status="sort-of"), "$.findings[0].status", "expected"),
        (lambda d: d["findings"][1].pop("rule"), "$.findings[1].rule", "required"),
    ],
)
def test_a_wrong_report_is_refused_with_its_place(change: Any, where: str, what: str) -> None:
    result = assess(sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF)
    data = json.loads(result.to_json())
    change(data)
    with pytest.raises(ModelValidationError) as caught:
        Assessment.from_json(json.dumps(data, indent=1))
    issue = caught.value.issues[0]
    assert issue.path == where
    assert what in str(caught.value)
    assert issue.location is not None
    assert issue.location.startswith("<report>:")


def test_load_assessment_names_the_file_of_a_broken_report(tmp_path: Path) -> None:
    report = tmp_path / "broken.json"
    report.write_text('{"report_format": 2,\n "system": ', encoding="utf-8")
    with pytest.raises(ModelValidationError, match=r"broken\.json:2"):
        sms_model.load_assessment(report)


# --- diff -----------------------------------------------------------------------------------


def test_diff_finds_new_resolved_changed_and_persisting_findings() -> None:
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    old = assess(sms, as_of=AS_OF)
    failure = old.failures[0]
    waiver = Waiver(
        id="w1",
        target=failure.rule,
        justification="j",
        approver="ceo",
        expires=AS_OF + timedelta(days=30),
    )
    new = assess(sms, as_of=AS_OF, waivers=[waiver])
    change = diff(old, new)
    assert failure.id in {o.id for o, _ in change.changed}
    assert all(n.status is Status.WAIVED for o, n in change.changed if o.rule == failure.rule)
    assert failure.id in {f.id for f in change.improvements}
    assert not change.regressions()
    back = diff(new, old)
    assert failure.id in {f.id for f in back.regressions(Severity.OBSERVATION)}
    # The waiver's own notes are new findings of the engine; nothing is lost or counted twice.
    total = len(change.new) + len(change.persisting) + len(change.changed)
    assert total == len(new.findings)
    assert len(change.resolved) + len(change.persisting) + len(change.changed) == len(old.findings)
    assert json.loads(change.to_json())["counts"]["changed"] == len(change.changed)


def test_diff_refuses_what_is_not_an_assessment() -> None:
    result = assess(sms_model.load(ROOT / "examples" / "minimal.yaml"), as_of=AS_OF)
    with pytest.raises(sms_model.ArgumentError, match="old must be an Assessment"):
        diff(result.to_json(), result)  # type: ignore[arg-type]


def test_an_assessment_read_from_a_report_as_previous_gives_a_whole_run() -> None:
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    first = assess(sms, as_of=AS_OF)
    again = assess(sms, as_of=AS_OF, previous=Assessment.from_json(first.to_json()))
    assert again == first
