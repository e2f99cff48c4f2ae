"""The benchmark runner (benchmarks/run.py): what its timings include, and its report."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.benchmark_support import load_benchmark

runner = load_benchmark("run")


class _SlowToFree:
    """An object whose release takes a known time."""

    def __del__(self) -> None:
        time.sleep(0.05)


def test_releasing_the_result_is_timed_apart_from_making_it() -> None:
    made, released = runner._median_times(_SlowToFree, 3)
    assert made < 0.04 <= 0.05 <= released


def test_the_median_time_leaves_out_the_release() -> None:
    assert runner._median_time(_SlowToFree, 3) < 0.04


@pytest.fixture(scope="module")
def xs_text() -> str:
    return json.dumps(runner.generate.generate("XS"))


@pytest.fixture
def xs_only(monkeypatch: pytest.MonkeyPatch, xs_text: str) -> None:
    monkeypatch.setattr(runner, "_text", lambda tier, regenerate: xs_text)


@pytest.fixture
def row_xs(xs_only: None) -> dict[str, Any]:
    row: dict[str, Any] = runner.measure("XS", repeats=1)
    return row


def test_a_measured_tier_reports_every_column_and_the_release(row_xs: dict[str, Any]) -> None:
    report = runner.table([row_xs])
    lines = report.splitlines()
    assert lines[2].startswith("| XS | 100 | ")
    assert "Releasing a full assessment and its system took XS " in report
    assert "against the 2018 edition" in report
    assert 0 < row_xs["full_2018"]
    assert row_xs["incremental_same"] is True
    assert 0 < row_xs["release"]


def test_targets_are_checked_at_tier_l_only(row_xs: dict[str, Any]) -> None:
    assert "Tier L was not run" in runner.table([row_xs])
    as_l = {**row_xs, "tier": "L"}
    assert "| load <= 2 x J |" in runner.table([as_l])
    assert "| full assessment, 2018 edition <= 3 x J |" in runner.table([as_l])


def test_scaling_gives_one_ratio_per_round_of_alternated_runs(
    xs_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    timed = runner._median_time

    def counting(func: Any, repeats: int, **kw: Any) -> float:
        calls.append(repeats)
        result: float = timed(func, repeats, **kw)
        return result

    monkeypatch.setattr(runner, "_median_time", counting)
    ratios = runner.scaling("XS", "XS", rounds=3, block=2)
    assert [2, 1, 2, 1, 2, 1] == calls
    assert 3 == len(ratios)
    assert all(0.2 < ratio < 5 for ratio in ratios)  # the same tier both ways: about 1


def test_the_alternated_ratio_is_reported_and_checked_against_the_target(
    row_xs: dict[str, Any],
) -> None:
    m = {**row_xs, "tier": "M"}
    big = {**row_xs, "tier": "L", "scaling": [10.2, 11.5, 10.4], "scaling_block": 4}
    report = runner.table([m, big])
    assert (
        "(each round: 4 tier-M runs, then one tier-L run): median 10.4 over 3 rounds, from "
        "10.2 to 11.5." in report
    )
    assert "| full L / M <= 11 | 10.4 | met |" in report
    big["scaling"] = [11.2, 11.5, 10.4]
    assert "| full L / M <= 11 | 11.2 | **not met** |" in runner.table([m, big])
