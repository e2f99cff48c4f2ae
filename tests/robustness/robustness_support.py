"""Shared pieces of the robustness suite: a valid SMS document to break, and small helpers."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from sms_model.io._text import parse_yaml

__all__ = [
    "AS_OF",
    "BASE_TEXT",
    "MINIMAL",
    "base_data",
    "fuzz_settings",
    "remove_ids",
]

#: The rich, conforming SMS the rule fixtures start from (every collection is used).
BASE_TEXT = (Path(__file__).parent.parent / "rules" / "base.yaml").read_text(encoding="utf-8")
#: The date the base SMS conforms as of.
AS_OF = date(2026, 11, 27)
#: Four lines of a valid SMS in YAML; tests append a broken fifth line onwards.
MINIMAL = "name: Acme\nprovider: acme\nparties:\n- {id: acme, name: Acme, kind: provider}\n"

_BASE: dict[str, Any] = parse_yaml(BASE_TEXT).data

F = TypeVar("F", bound=Callable[..., Any])


def base_data() -> dict[str, Any]:
    """A fresh copy of the base SMS as plain data (dates stay text, as read from a file)."""
    return copy.deepcopy(_BASE)


def fuzz_settings(default_examples: int = 300) -> Callable[[F], F]:
    """A few hundred examples by default; the profile's count when ``HYPOTHESIS_PROFILE`` is
    set (``fuzz`` runs 100,000)."""
    if os.environ.get("HYPOTHESIS_PROFILE"):
        return lambda test: test
    chosen: Callable[[F], F] = settings(
        max_examples=default_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    return chosen


def remove_ids(data: dict[str, Any], doomed: set[str]) -> dict[str, Any]:
    """Remove the entities with these ids from plain SMS data, with everything that hangs on
    them: an entity whose single reference names a removed id goes too, and removed ids drop
    out of every list of references. Returns ``data``, changed in place."""
    doomed = set(doomed)
    while True:
        more: set[str] = set()
        for key, value in data.items():
            if not isinstance(value, list):
                continue
            kept = []
            for item in value:
                if not isinstance(item, dict):
                    kept.append(item)
                    continue
                if item.get("id") in doomed or _names_any(item, doomed):
                    if "id" in item:
                        more.add(item["id"])
                    continue
                _scrub(item, doomed)
                kept.append(item)
            data[key] = kept
        for single in ("top_management", "plan", "scope"):
            if isinstance(data.get(single), dict):
                _scrub(data[single], doomed)
        if more <= doomed:
            return data
        doomed |= more


def _names_any(entity: dict[str, Any], doomed: set[str]) -> bool:
    return any(k != "id" and isinstance(v, str) and v in doomed for k, v in entity.items())


def _scrub(entity: dict[str, Any], doomed: set[str]) -> None:
    for key, value in list(entity.items()):
        if isinstance(value, list):
            entity[key] = [v for v in value if not (isinstance(v, str) and v in doomed)]
        elif key != "id" and isinstance(value, str) and value in doomed:
            del entity[key]
