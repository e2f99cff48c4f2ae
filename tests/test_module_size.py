"""Modules stay readable: none over 600 lines without a reason stated in its docstring (a
paragraph starting with ``Length:``), and no function over complexity 20 (ruff C901, in lint)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "sms_model"
LIMIT = 600
MODULES = sorted(SOURCE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_a_long_module_says_why_it_is_long(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= LIMIT:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    reasons = [p for p in doc.split("\n\n") if p.startswith("Length:")]
    assert reasons, f"{path.name} has {lines} lines and no 'Length:' paragraph in its docstring"


def test_the_limit_is_checked_on_the_package() -> None:
    assert len(MODULES) > 50
    assert any(p.read_text(encoding="utf-8").count("\n") > LIMIT for p in MODULES)
