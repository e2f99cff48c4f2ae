"""The benchmark runner (benchmarks/run.py): what its timings include, and its report."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sms_benchmarks_run", _PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


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
def row_xs() -> dict[str, Any]:
    text = json.dumps(runner.generate.generate("XS"))
    original = runner._text
    runner._text = lambda tier, regenerate: text
    try:
        row: dict[str, Any] = runner.measure("XS", repeats=1)
    finally:
        runner._text = original
    return row


def test_a_measured_tier_reports_every_column_and_the_release(row_xs: dict[str, Any]) -> None:
    report = runner.table([row_xs])
    lines = report.splitlines()
    assert lines[2].startswith("| XS | 100 | ")
    assert "Releasing a full assessment and its system took XS " in report
    assert row_xs["incremental_same"] is True
    assert 0 < row_xs["release"]


def test_targets_are_checked_at_tier_l_only(row_xs: dict[str, Any]) -> None:
    assert "Tier L was not run" in runner.table([row_xs])
    as_l = {**row_xs, "tier": "L"}
    assert "| load <= 2 x J |" in runner.table([as_l])
