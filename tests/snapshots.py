"""Recorded outputs (messages, paths, subjects, ...) that tests compare whole.

A snapshot pins what a reader sees: a changed message fails the test until the snapshot is
recorded again on purpose, ``SMS_MODEL_UPDATE_SNAPSHOTS=1 pytest ...``, and the change is
reviewed in the diff like any other.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

UPDATE = os.environ.get("SMS_MODEL_UPDATE_SNAPSHOTS") == "1"


@functools.cache
def _recorded(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check(path: Path, key: str, value: Any) -> None:
    """``value`` (plain JSON data) equals the one recorded under ``key`` in ``path``; with
    ``SMS_MODEL_UPDATE_SNAPSHOTS=1`` it is recorded instead."""
    plain = json.loads(json.dumps(value))
    recorded = _recorded(path)
    if UPDATE:
        recorded[key] = plain
        text = json.dumps(dict(sorted(recorded.items())), indent=0, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        return
    if key not in recorded:
        pytest.fail(
            f"no snapshot {key!r} in {path.name}; record it with SMS_MODEL_UPDATE_SNAPSHOTS=1",
            pytrace=False,
        )
    assert recorded[key] == plain, f"{path.name}[{key!r}] differs from the recorded snapshot"


def matches(path: Path, key: str, value: Any) -> bool:
    """Whether ``value`` equals the snapshot recorded under ``key`` (False when none is)."""
    recorded = _recorded(path)
    return key in recorded and recorded[key] == json.loads(json.dumps(value))


def has(path: Path, key: str) -> bool:
    """Whether a snapshot is recorded under ``key``."""
    return key in _recorded(path)
