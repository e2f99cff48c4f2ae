"""Assessing at a series of dates: each the same as a fresh assessment at that date, with the
rules that read neither the date nor the evidence carried over from the date before."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sms_model
from sms_model.errors import ArgumentError
from sms_model.rules import Registry, assess, assess_over_time, timeline_rows
from sms_model.testing import sms_models

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
START = date(2026, 1, 1)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_date_equals_a_fresh_assessment(path: Path) -> None:
    sms = sms_model.load(path)
    days = [START + timedelta(days=n) for n in (400, 0, 30, 31, 200, 30)]
    results = assess_over_time(sms, days)
    assert [r.as_of for r in results] == sorted(set(days))
    for result in results:
        assert result.to_json() == assess(sms, as_of=result.as_of).to_json()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sms=sms_models(max_size=4), steps=st.lists(st.integers(-40, 400), min_size=2, max_size=4))
def test_any_series_of_dates_equals_fresh_assessments(
    sms: sms_model.ServiceManagementSystem, steps: list[int]
) -> None:
    days = [START + timedelta(days=n) for n in steps]
    for result in assess_over_time(sms, days):
        assert result.findings == assess(sms, as_of=result.as_of).findings


def _counting_registry(calls: dict[str, int]) -> Registry:
    registry = Registry()

    @registry.rule(id="T-structure", clause="4.1.4")
    def structure(ctx: Any) -> Any:
        calls["structure"] += 1
        if ctx.sms.top_management.representative is None:
            yield ctx.fail("no representative", code="t.none")

    @registry.rule(id="T-dated", clause="4.1.1")
    def dated(ctx: Any) -> Any:
        calls["dated"] += 1
        if ctx.as_of.month == 2:
            yield ctx.fail("a February", code="t.february")

    return registry


def test_rules_that_do_not_read_the_date_are_not_run_again() -> None:
    calls = {"structure": 0, "dated": 0}
    sms = sms_model.load(ROOT / "examples" / "minimal.yaml")
    days = [date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)]
    results = assess_over_time(sms, days, registry=_counting_registry(calls))
    assert calls == {"structure": 1, "dated": 3}
    assert [len(r.failures) for r in results] == [1, 2, 1]


def test_bad_dates_are_refused() -> None:
    sms = sms_model.load(ROOT / "examples" / "minimal.yaml")
    with pytest.raises(ArgumentError, match="dates is empty"):
        assess_over_time(sms, [])
    with pytest.raises(ArgumentError, match=r"dates\[1\] must be a datetime.date"):
        assess_over_time(sms, [START, "2026-02-01"])  # type: ignore[list-item]
    with pytest.raises(ArgumentError, match="dates must be a list"):
        assess_over_time(sms, "2026-01-01")  # type: ignore[arg-type]


def test_timeline_rows_count_new_and_resolved_failures_by_id() -> None:
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    results = assess_over_time(sms, [date(2026, 11, 27), date(2027, 3, 27), date(2026, 11, 27)])
    rows = timeline_rows([*results, results[0]])
    assert [row["as_of"] for row in rows] == [date(2026, 11, 27), date(2027, 3, 27)] * 1 + [
        date(2026, 11, 27)
    ]
    first, later, back = rows
    change = sms_model.diff(results[0], results[1])
    assert later["new"] == len(change.regressions())
    assert back["resolved"] == later["new"]
    assert first["major"] == results[0].failure_counts["major"]
    assert first["new"] is None
    assert first["resolved"] is None
    assert first["conforming"] <= first["clauses"]
    assert first["failures"] == len(results[0].failures)
