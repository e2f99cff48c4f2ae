"""Regressions found in review of finding identity, diffs and reports read back."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

import sms_model
from sms_model.cli import main
from sms_model.errors import ArgumentError, ModelValidationError
from sms_model.report import render_diff
from sms_model.rules import (
    Assessment,
    Finding,
    Registry,
    Severity,
    Status,
    Waiver,
    assess,
    diff,
)
from sms_model.rules._messages import Params

ROOT = Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 11, 27)


def _registry(rule: Any, rule_id: str = "T-1") -> Registry:
    registry = Registry()
    registry.rule(id=rule_id, clause="4.1.4")(rule)
    return registry


@pytest.mark.parametrize("template", ["{a} and {b}", "{a:>5}", "{a.b}"])
def test_a_wrong_template_is_an_error_of_its_rule_not_of_the_report(template: str) -> None:
    def rule(ctx: Any) -> Any:
        yield ctx.fail(template, a=1, subjects="s")

    result = assess(sms_model.load(ACME), as_of=AS_OF, registry=_registry(rule))
    (finding,) = result.findings
    assert finding.status is Status.ERROR
    assert Assessment.from_json(result.to_json()) == result


def test_a_partial_recheck_that_would_repeat_an_id_runs_the_rule_whole() -> None:
    def rule(ctx: Any) -> Any:
        for kind in ctx.each(["minutes", "report"]):
            if ctx.facts.evidence_by_kind.get(kind):
                yield ctx.fail("evidence of {kind}", kind=kind, subjects="acme")

    registry = _registry(rule)
    sms = sms_model.load(ACME)
    report = next(e for e in sms.evidence if e.kind == "report")
    before = sms.replace(attrs.evolve(report, kind="communication"))
    first = assess(before, as_of=AS_OF, registry=registry)
    after = before.replace(report)
    again = assess(after, as_of=AS_OF, registry=registry, previous=first)
    assert again.to_json() == assess(after, as_of=AS_OF, registry=registry).to_json()
    assert len({f.id for f in again.findings}) == len(again.findings) == 2


def test_a_message_that_moves_with_the_date_does_not_move_the_id() -> None:
    def rule(ctx: Any) -> Any:
        yield ctx.fail("one", subjects="s")
        yield ctx.fail("late by {n!d}", n=(ctx.as_of - date(2026, 1, 1)).days, subjects="s")

    registry = _registry(rule)
    sms = sms_model.load(ACME)
    ids = [
        {f.id for f in assess(sms, as_of=AS_OF + timedelta(days=n), registry=registry).findings}
        for n in range(3)
    ]
    assert ids[0] == ids[1] == ids[2]
    assert len(ids[0]) == 2


def test_repeated_subjects_are_the_same_subjects() -> None:
    def rule(ctx: Any) -> Any:
        yield ctx.fail("one", subjects=("s",))
        yield ctx.fail("two", subjects=("s", "s"))

    result = assess(sms_model.load(ACME), as_of=AS_OF, registry=_registry(rule))
    assert len({f.id for f in result.findings}) == 2


@pytest.mark.parametrize(
    ("field", "value"), [("key", 5), ("code", None), ("id", 7), ("template", b"x")]
)
def test_a_hand_made_finding_with_a_field_of_the_wrong_type_is_an_error(
    field: str, value: Any
) -> None:
    def rule(ctx: Any) -> Any:
        finding = ctx.fail("x", subjects="s")
        object.__setattr__(finding, "_id" if field == "id" else field, value)
        yield finding

    result = assess(sms_model.load(ACME), as_of=AS_OF, registry=_registry(rule))
    (finding,) = result.findings
    assert finding.status is Status.ERROR
    result.to_json()


def test_sarif_of_a_comparison_labels_status_changes() -> None:
    sms = sms_model.load(ACME)
    late, early = assess(sms, as_of=date(2027, 6, 1)), assess(sms, as_of=AS_OF)
    document = json.loads(render_diff(diff(early, late), "sarif", new=late))
    states = {
        r["properties"]["findingId"]: r["baselineState"] for r in document["runs"][0]["results"]
    }
    became_failures = {n.id for o, n in diff(early, late).changed if n.failed and not o.failed}
    assert became_failures
    assert all(states[i] == "new" for i in became_failures)
    back = json.loads(render_diff(diff(late, early), "sarif", new=early))
    absent = {
        r["properties"]["findingId"]
        for r in back["runs"][0]["results"]
        if r["baselineState"] == "absent"
    }
    assert became_failures <= absent


def test_diff_pairs_repeated_ids_of_an_older_report_in_order() -> None:
    base = {"rule": "R", "clause": "4.1", "severity": Severity.MINOR, "subjects": ("s",)}
    one = Finding(**base, status=Status.FAIL, message="a")
    two = Finding(**base, status=Status.FAIL, message="b")
    result = assess(sms_model.load(ACME), as_of=AS_OF)
    old = attrs.evolve(result, findings=sms_model.rules._results.Findings((one, two)))
    change = diff(old, old)
    assert (len(change.new), len(change.resolved), len(change.persisting)) == (0, 0, 2)


def test_waivers_with_the_same_id_are_refused() -> None:
    waiver = Waiver(id="w", target="4", justification="j", approver="ceo", expires=AS_OF)
    with pytest.raises(ArgumentError, match="repeats the waiver id 'w'"):
        assess(sms_model.load(ACME), as_of=AS_OF, waivers=[waiver, waiver])


def test_a_report_whose_params_hold_an_object_is_refused_with_its_place(tmp_path: Path) -> None:
    result = assess(sms_model.load(ACME), as_of=AS_OF)
    data = json.loads(result.to_json())
    data["findings"][3]["params"] = {"x": {"nested": 1}}
    with pytest.raises(ModelValidationError, match=r"\$\.findings\[3\]\.params"):
        Assessment.from_json(json.dumps(data))
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    good.write_text(result.to_json(), encoding="utf-8")
    assert main(["diff", str(good), str(bad)]) == 2


def test_findings_with_different_ids_given_are_not_equal() -> None:
    base = {"rule": "R", "clause": "4.1", "status": Status.FAIL, "severity": Severity.MINOR}
    assert Finding(**base, message="m", id="x") != Finding(**base, message="m", id="y")
    assert Finding(**base, message="m", id="x") == Finding(**base, message="m")


def test_the_json_comparison_counts_regressions_at_its_threshold() -> None:
    sms = sms_model.load(ACME)
    change = diff(assess(sms, as_of=AS_OF), assess(sms, as_of=date(2027, 6, 1)))
    data = json.loads(render_diff(change, "json", threshold=Severity.MAJOR))
    assert data["counts"]["regressions"] == len(change.regressions(Severity.MAJOR))
    assert data["threshold"] == "major"


def test_crosswalk_from_2018_goes_to_2011(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosswalk", "--from", "2018"]) == 0
    assert "ISO/IEC 20000-1:2018 -> ISO/IEC 20000-1:2011" in capsys.readouterr().out


def test_a_record_of_format_1_has_no_id_and_reads() -> None:
    record = {
        "rule": "R",
        "clause": "4.1",
        "status": "fail",
        "severity": "minor",
        "message": "m",
        "subjects": ["s"],
    }
    assert Finding.from_record(record).id == sms_model.finding_id("R", ["s"], "")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_params_and_findings_copy_and_pickle(protocol: int) -> None:
    finding = next(f for f in assess(sms_model.load(ACME), as_of=AS_OF).findings if f.params)
    params = finding.params
    assert isinstance(params, Params)
    assert pickle.loads(pickle.dumps(params, protocol)) == params
    assert copy.deepcopy(finding) == finding
    assert pickle.loads(pickle.dumps(finding, protocol)).message == finding.message


def test_evolve_works_its_message_and_id_out_afresh() -> None:
    def rule(ctx: Any) -> Any:
        yield ctx.fail("{n!d} late", n=3, subjects="s")

    (finding,) = assess(sms_model.load(ACME), as_of=AS_OF, registry=_registry(rule)).findings
    assert (finding.message, finding.id) == ("3 days late", finding.id)
    moved = attrs.evolve(finding, params={"n": 5}, subjects=("t",))
    assert moved.message == "5 days late"
    assert moved.id == sms_model.finding_id("T-1", ["t"], "")
