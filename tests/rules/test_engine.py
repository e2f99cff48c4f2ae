"""The rules engine: registration, selection, crash isolation, waivers, verdicts, determinism,
plugins."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest

import sms_model
from sms_model.errors import RuleDefinitionError, SelectionError
from sms_model.rules import (
    Config,
    Context,
    Finding,
    PluginLoadWarning,
    Registry,
    Severity,
    Status,
    Verdict,
    Waiver,
    assess,
    default_registry,
    traceability,
    untraced,
)
from tests.rules.rule_fixtures import AS_OF, build


def _registry() -> Registry:
    registry = Registry()

    @registry.rule(id="T-rep", clause="4.1.4", severity="major", tags=("people",))
    def has_representative(ctx: Context) -> Iterator[Finding]:
        """There is a management representative."""
        if ctx.sms.top_management.representative is None:
            yield ctx.fail("no representative")

    @registry.rule(id="T-changes", clause="9.2", severity="minor", guidance=("TM-h",))
    def changes_approved(ctx: Context) -> Iterator[Finding]:
        """Changes are approved."""
        for change in ctx.sms.changes:
            if change.approved_by is None:
                yield ctx.fail("not approved", subjects=change.id)

    return registry


def test_a_rule_that_yields_nothing_passes() -> None:
    result = assess(build(), as_of=AS_OF, registry=_registry())
    assert {f.rule: f.status.value for f in result.findings} == {
        "T-rep": "pass",
        "T-changes": "pass",
    }


def test_failures_carry_rule_clause_guidance_severity_and_subjects() -> None:
    sms = build({"update": {"chg-1": {"approved_by": None}}})
    result = assess(sms, as_of=AS_OF, registry=_registry())
    failure = next(f for f in result.findings if f.failed)
    expected = Finding(
        rule="T-changes",
        clause="9.2",
        guidance=("TM-h",),
        status=Status.FAIL,
        severity=Severity.MINOR,
        message="not approved",
        subjects=("chg-1",),
    )
    assert expected == failure


def test_selection_by_id_clause_tag_and_guidance() -> None:
    registry = _registry()
    assert [s.id for s in registry.select(["T-rep"])] == ["T-rep"]
    assert [s.id for s in registry.select(["4.1"])] == ["T-rep"]
    assert [s.id for s in registry.select(["people"])] == ["T-rep"]
    assert [s.id for s in registry.select(["TM-h"])] == ["T-changes"]
    assert [s.id for s in registry.select(None, ["people"])] == ["T-changes"]


def test_a_selector_that_names_nothing_is_an_error() -> None:
    with pytest.raises(SelectionError, match=r"'4\.10' names no rule"):
        _registry().select(["4.10"])


def test_clause_prefixes_respect_dotted_boundaries() -> None:
    registry = Registry()
    registry.rule(id="X-1", clause="4.1.1")(lambda ctx: iter(()))
    with pytest.raises(SelectionError):
        registry.select(["4.1.1.1"])
    assert [s.id for s in registry.select(["4.1"])] == ["X-1"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": "bad id", "clause": "4.1.4"}, "rule id"),
        ({"id": "X-1", "clause": "4.10"}, "lacks"),
        ({"id": "X-1", "clause": "4.1.4", "guidance": ("TM-z",)}, "unknown guidance"),
        ({"id": "X-1", "clause": "4.1.4", "severity": "fatal"}, "unknown severity"),
    ],
)
def test_bad_rule_definitions_are_rejected(kwargs: dict[str, object], message: str) -> None:
    registry = Registry()
    with pytest.raises(RuleDefinitionError, match=message):
        registry.rule(**kwargs)(lambda ctx: iter(()))  # type: ignore[arg-type]


def test_a_rule_must_take_one_argument() -> None:
    with pytest.raises(RuleDefinitionError, match="exactly one argument"):
        Registry().rule(id="X-1", clause="4.1.4")(lambda: iter(()))  # type: ignore[arg-type]


def test_duplicate_rule_ids_are_rejected() -> None:
    registry = _registry()
    with pytest.raises(RuleDefinitionError, match="registered twice"):
        registry.rule(id="T-rep", clause="4.1.4")(lambda ctx: iter(()))


def test_a_crashing_rule_becomes_an_error_finding_and_others_still_run() -> None:
    registry = _registry()

    @registry.rule(id="T-crash", clause="4.3.1")
    def crashes(ctx: Context) -> Iterator[Finding]:
        raise ZeroDivisionError("division by zero")
        yield

    result = assess(build(), as_of=AS_OF, registry=registry)
    statuses = {f.rule: f.status for f in result.findings}
    assert statuses["T-crash"] == Status.ERROR
    assert statuses["T-rep"] == Status.PASS
    crash = next(f for f in result.findings if f.rule == "T-crash")
    assert crash.message == "the rule raised ZeroDivisionError: division by zero"
    assert result.verdict("4.3.1").verdict == Verdict.NOT_ASSESSED


@pytest.mark.parametrize(
    "produce", [lambda ctx: ["not a finding"], lambda ctx: 42, lambda ctx: [None]]
)
def test_malformed_rule_output_becomes_an_error_finding(produce: object) -> None:
    registry = Registry()
    registry.rule(id="T-bad", clause="4.1.4")(produce)  # type: ignore[arg-type]
    result = assess(build(), as_of=AS_OF, registry=registry)
    assert [f.status for f in result.findings] == [Status.ERROR]


def test_a_rule_cannot_forge_findings_of_another_rule() -> None:
    registry = Registry()

    @registry.rule(id="T-forger", clause="4.1.4")
    def forger(ctx: Context) -> Iterator[Finding]:
        yield attrs.evolve(ctx.fail("x"), rule="SMS-4.1.4-representative")

    result = assess(build(), as_of=AS_OF, registry=registry)
    assert [(f.rule, f.status) for f in result.findings] == [("T-forger", Status.ERROR)]


def test_rules_cannot_change_the_model() -> None:
    sms = build()
    registry = Registry()

    @registry.rule(id="T-vandal", clause="4.1.4")
    def vandal(ctx: Context) -> Iterator[Finding]:
        ctx.sms.top_management.members = ()  # type: ignore[misc]
        yield ctx.fail("unreachable")

    result = assess(sms, as_of=AS_OF, registry=registry)
    assert result.findings[0].status == Status.ERROR
    assert "FrozenInstanceError" in result.findings[0].message
    assert sms.top_management.members == ("ceo", "cfo")


def test_waivers_turn_failures_into_waived_never_pass() -> None:
    sms = build({"update": {"chg-1": {"approved_by": None}}})
    waiver = Waiver(
        id="w1",
        target="9.2",
        justification="tool migration",
        approver="ceo",
        expires=date(2027, 1, 31),
        subject="chg-1",
    )
    result = assess(sms, as_of=AS_OF, registry=_registry(), waivers=[waiver])
    finding = next(f for f in result.findings if f.rule == "T-changes")
    assert (finding.status, finding.waiver) == (Status.WAIVED, "w1")
    assert not result.failed_at(Severity.MINOR)
    assert ["SMS-waiver-scope"] == [f.rule for f in result.failures]  # a clause-wide waiver
    assert result.verdict("9.2").verdict == Verdict.CONFORMING


@pytest.mark.parametrize(
    ("approver", "expires", "rule"),
    [
        ("po", date(2027, 1, 31), "SMS-waiver-approver"),
        ("ceo", date(2026, 1, 31), "SMS-waiver-expired"),
    ],
)
def test_invalid_waivers_are_not_applied_and_are_findings(
    approver: str, expires: date, rule: str
) -> None:
    sms = build({"update": {"chg-1": {"approved_by": None}}})
    waiver = Waiver(
        id="w1", target="T-changes", justification="j", approver=approver, expires=expires
    )
    result = assess(sms, as_of=AS_OF, registry=_registry(), waivers=[waiver])
    statuses = {f.rule: f.status for f in result.findings}
    assert statuses["T-changes"] == Status.FAIL
    assert statuses[rule] == Status.FAIL


def test_an_unused_waiver_is_an_observation() -> None:
    waiver = Waiver(
        id="w9", target="T-changes", justification="j", approver="ceo", expires=date(2027, 1, 31)
    )
    result = assess(build(), as_of=AS_OF, registry=_registry(), waivers=[waiver])
    unused = [f for f in result.findings if f.rule == "SMS-waiver-unused"]
    assert [f.subjects for f in unused] == [("w9",)]
    assert unused[0].severity == Severity.OBSERVATION


def test_declaring_a_clause_not_applicable_is_an_observation_and_rules_still_run() -> None:
    result = assess(
        build({"update": {"chg-1": {"approved_by": None}}}),
        as_of=AS_OF,
        registry=_registry(),
        config=Config(not_applicable=("9.2",)),
    )
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["SMS-4-no-exclusions"].severity == Severity.OBSERVATION
    assert by_rule["T-changes"].status == Status.FAIL


def test_verdicts_take_the_worst_unwaived_failure_up_the_clause_tree() -> None:
    sms = build({"update": {"chg-1": {"approved_by": None}}, "set": {"top_management": {}}})
    result = assess(sms, as_of=AS_OF, registry=_registry())
    assert result.verdict("9.2").verdict == Verdict.MINOR
    assert result.verdict("9").verdict == Verdict.MINOR
    assert result.verdict("4.1.4").verdict == Verdict.MAJOR
    assert result.verdict("4").verdict == Verdict.MAJOR
    assert result.verdict("6.1").verdict == Verdict.NOT_ASSESSED
    assert dict(result.failure_counts) == {"major": 1, "minor": 1, "observation": 0}


def test_pdca_summary_counts_failures_by_phase() -> None:
    registry = Registry()
    registry.rule(id="T-audit", clause="4.5.4.2", severity="minor")(
        lambda ctx: [ctx.fail("no audit")]
    )
    result = assess(build(), as_of=AS_OF, registry=registry)
    assert result.pdca["check"] == {"major": 0, "minor": 1, "observation": 0}
    assert result.pdca["plan"] == {"major": 0, "minor": 0, "observation": 0}


def test_the_json_report_is_byte_identical_for_the_same_input() -> None:
    first = assess(build(), as_of=AS_OF).to_json()
    second = assess(build(), as_of=AS_OF).to_json()
    assert first == second
    data = json.loads(first)
    assert data["as_of"] == "2026-11-27"
    assert data["input_digest"].startswith("sha256:")


def test_the_input_digest_changes_with_the_input() -> None:
    a = assess(build(), as_of=AS_OF, registry=_registry())
    b = assess(
        build({"update": {"ceo": {"name": "Ada Lovelace"}}}), as_of=AS_OF, registry=_registry()
    )
    assert a.input_digest != b.input_digest


def test_records_after_the_as_of_date_are_ignored() -> None:
    early = assess(build(), as_of=date(2025, 1, 1), select=["SMS-4.1.1-TM-j"])
    assert any(f.failed for f in early.findings)


def test_traceability_matrix_has_no_clause_or_guidance_without_a_rule() -> None:
    assert untraced() == ()
    matrix = traceability()
    assert "SMS-4.1.4-representative" in matrix["4.1.4"]


def test_assess_is_reachable_from_the_top_level_package() -> None:
    assert sms_model.assess is assess


def _install_plugin(tmp_path: Path, name: str, module_text: str, entry: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(module_text), encoding="utf-8")
    dist = tmp_path / f"{name}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[sms_model.rules]\n{name} = {entry}\n")


def test_a_plugin_package_registers_rules_through_the_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(
        tmp_path,
        "acme_rules",
        """
        def register(registry):
            @registry.rule(id="ACME-names", clause="4.1.3", severity="observation")
            def people_have_titles(ctx):
                '''Every person has a job title.'''
                for person in ctx.sms.people:
                    if not person.title:
                        yield ctx.fail("no job title", subjects=person.id)
        """,
        "acme_rules:register",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry()
    registry.load_plugins()
    assert "ACME-names" in registry
    result = assess(build(), as_of=AS_OF, registry=registry)
    assert {"ops-lead", "cust-contact", "supp-contact", "ext-auditor"} >= {
        s for f in result.findings if f.failed for s in f.subjects
    }


def test_a_plugin_that_fails_to_import_is_reported_and_other_rules_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(
        tmp_path, "broken_rules", "raise ImportError('missing dependency')\n", "broken_rules"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = _registry()
    with pytest.warns(PluginLoadWarning, match="broken_rules"):
        registry.load_plugins()
    result = assess(build(), as_of=AS_OF, registry=registry)
    errors = [f for f in result.findings if f.status is Status.ERROR]
    assert [f.rule for f in errors] == ["plugin:broken_rules"]
    assert "missing dependency" in errors[0].message
    assert {f.rule: f.status for f in result.findings}["T-rep"] == Status.PASS
    sys.modules.pop("broken_rules", None)


def test_the_decorator_registers_into_the_default_registry() -> None:
    from sms_model.rules import rule

    @rule(id="USER-example", clause="4.1.2", severity="observation")
    def user_rule(ctx: Context) -> Iterator[Finding]:
        """A user's rule."""
        yield from ()

    try:
        assert "USER-example" in default_registry()
        result = assess(build(), as_of=AS_OF, select=["USER-example"])
        assert [(f.rule, f.status) for f in result.findings] == [("USER-example", Status.PASS)]
    finally:
        default_registry().remove("USER-example")


def test_a_rule_that_runs_too_long_is_abandoned_as_an_error_and_others_run() -> None:
    import threading

    release = threading.Event()
    registry = _registry()

    @registry.rule(id="T-slow", clause="4.3.1")
    def slow(ctx: Context) -> Iterator[Finding]:
        release.wait(10)
        yield ctx.fail("too late")

    try:
        result = assess(build(), as_of=AS_OF, registry=registry, config=Config(rule_timeout=0.2))
    finally:
        release.set()
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["T-slow"].status == Status.ERROR
    assert "did not finish within 0.2 s" in by_rule["T-slow"].message
    assert by_rule["T-rep"].status == Status.PASS


def test_a_rule_timeout_still_reports_crashes_and_results() -> None:
    registry = _registry()
    registry.rule(id="T-crash", clause="4.3.1")(lambda ctx: 1 / 0)
    result = assess(
        build({"update": {"chg-1": {"approved_by": None}}}),
        as_of=AS_OF,
        registry=registry,
        config=Config(rule_timeout=5),
    )
    statuses = {f.rule: f.status for f in result.findings}
    assert statuses == {"T-crash": Status.ERROR, "T-changes": Status.FAIL, "T-rep": Status.PASS}


@pytest.mark.parametrize(
    ("produce", "message"),
    [
        (lambda ctx: sys.exit(3), "the rule raised SystemExit: 3"),
        (lambda ctx: None, "forget to yield"),
        (lambda ctx: ctx.fail("x"), "instead of an iterable of findings"),
        (lambda ctx: [attrs.evolve(ctx.fail("x"), status=Status.WAIVED)], "only the engine"),
        (lambda ctx: [attrs.evolve(ctx.fail("x"), clause="4.1.3")], "not of its own clause"),
        (lambda ctx: [attrs.evolve(ctx.fail("x"), message=None)], "message is a NoneType"),
    ],
    ids=["sys-exit", "returns-none", "one-finding", "self-waived", "other-clause", "no-message"],
)
def test_rules_that_misbehave_become_errors(produce: object, message: str) -> None:
    registry = _registry()
    registry.rule(id="T-odd", clause="4.3.1")(produce)  # type: ignore[arg-type]
    result = assess(build(), as_of=AS_OF, registry=registry)
    odd = [f for f in result.findings if f.rule == "T-odd"]
    assert [Status.ERROR] == [f.status for f in odd]
    assert message in odd[0].message
    assert Status.PASS == {f.rule: f.status for f in result.findings}["T-rep"]


def test_an_endless_generator_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools

    from sms_model.rules import _running

    monkeypatch.setattr(_running, "MAX_FINDINGS_PER_RULE", 1000)
    registry = Registry()
    registry.rule(id="T-endless", clause="4.3.1")(
        lambda ctx: (ctx.fail("again") for _ in itertools.count())
    )
    result = assess(build(), as_of=AS_OF, registry=registry)
    assert [Status.ERROR] == [f.status for f in result.findings]
    assert "more than 1,000 findings" in result.findings[0].message


def test_an_entry_point_naming_neither_module_nor_function_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(tmp_path, "odd_rules", "register = 1\n", "odd_rules:register")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry()
    with pytest.warns(PluginLoadWarning, match="not a module or a function"):
        registry.load_plugins()
    assert [("odd_rules", "TypeError")] == [
        (name, summary.split(":")[0]) for name, summary in registry.load_errors
    ]
    sys.modules.pop("odd_rules", None)


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 1e10, 0, -1, True])
def test_unusable_rule_timeouts_are_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match=r"Config\.rule_timeout: must"):
        Config(rule_timeout=timeout)


def test_a_rule_that_cannot_run_fails_the_gate_at_its_severity() -> None:
    registry = Registry()
    registry.rule(id="T-crash", clause="4.3.1", severity="minor")(lambda ctx: 1 / 0)
    result = assess(build(), as_of=AS_OF, registry=registry)
    assert (True, False) == (
        result.failed_at(Severity.MINOR),
        result.failed_at(Severity.MAJOR),
    )


def test_a_clause_declared_not_applicable_twice_is_one_observation() -> None:
    result = assess(
        build(),
        as_of=AS_OF,
        registry=_registry(),
        config=Config(not_applicable=("9.2", "9.2")),
    )
    assert 1 == sum(f.rule == "SMS-4-no-exclusions" for f in result.findings)


def test_progress_is_reported_after_each_rule() -> None:
    steps: list[tuple[int, int]] = []
    assess(build(), as_of=AS_OF, registry=_registry(), progress=lambda d, t: steps.append((d, t)))
    assert [(1, 2), (2, 2)] == steps
