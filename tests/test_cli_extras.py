"""A report format whose optional package is missing is a usage error, not a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sms_model.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_oscal_without_its_extra_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m == "trestle" or m.startswith("trestle.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "trestle", None)  # an import of it now fails
    minimal = str(ROOT / "examples" / "minimal.yaml")
    assert main(["assess", minimal, "--as-of", "2026-11-27", "--format", "oscal"]) == 2
    err = capsys.readouterr().err
    assert "sms-model[oscal]" in err
    assert "Traceback" not in err
