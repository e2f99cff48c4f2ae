"""The benchmark's pydantic peer (benchmarks/pydantic_peer.py) and its columns in the report."""

from __future__ import annotations

from typing import Any

import pytest

from tests.benchmark_support import load_benchmark

runner = load_benchmark("run")
peer = runner.pydantic_peer


def _row(tier: str, full: float, pydantic: float | None) -> dict[str, Any]:
    return {
        "tier": tier,
        "evidence": 10,
        "entities": 20,
        "megabytes": 0.1,
        "findings": 3,
        "failures": 1,
        "j": 0.001,
        "j_no_gc": 0.001,
        "pydantic": pydantic,
        "load": 0.002,
        "rules": 0.003,
        "full": full,
        "full_2018": full,
        "release": 0.0001,
        "report": 0.006,
        "peak": 5000,
        "incremental": None,
        "edit": None,
        "evolved": None,
        "incremental_same": None,
    }


def test_the_peer_columns_divide_load_and_full_by_the_peer_time() -> None:
    line = runner.table([_row("M", 0.010, 0.004)]).splitlines()[2]
    assert "| 4.00 | 0.50 | 2.50 |" in line


def test_without_the_peer_its_columns_read_n_a() -> None:
    line = runner.table([_row("M", 0.010, None)]).splitlines()[2]
    assert "| n/a | n/a | n/a |" in line


def test_the_peer_target_is_checked_at_tiers_m_and_l_only() -> None:
    report = runner.table([_row("S", 0.010, 0.004), _row("M", 0.004, 0.005), _row("L", 0.9, 0.5)])
    assert "tier S: full assessment" not in report
    assert "| tier M: full assessment (load included) <= pydantic validation " in report
    assert "= 0.80 | met |" in report
    assert "| 900 ms / 500 ms = 1.80 | **not met** |" in report
    assert "pydantic not installed | **not met** |" in runner.table([_row("M", 0.01, None)])


def test_a_text_the_peer_rejects_stops_the_benchmark() -> None:
    def refuse(text: str) -> None:
        raise ValueError("no")

    with pytest.raises(RuntimeError, match="the pydantic peer rejects tier M"):
        peer.check(refuse, "{}", "tier M")


def test_missing_packages_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real = peer.importlib.metadata.version

    def version(name: str) -> str:
        if name == "pydantic":
            raise peer.importlib.metadata.PackageNotFoundError(name)
        result: str = real(name)
        return result

    monkeypatch.setattr(peer.importlib.metadata, "version", version)
    assert "pydantic" in peer.missing()
