"""The fast structuring path accepts only what the detailed path accepts, and builds the same
model."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_model.errors import SMSModelError
from sms_model.io._convert import _converter, unstructure
from sms_model.io._fast import Mismatch, fast_structurer, parse_date
from sms_model.io._text import parse_yaml
from sms_model.model import ServiceManagementSystem
from sms_model.model._checks import problems
from sms_model.testing import sms_models

FAST = fast_structurer(ServiceManagementSystem)


def _plain(sms: ServiceManagementSystem) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(unstructure(sms)))
    data.pop("format_version")
    return data


def _detailed(data: Any) -> ServiceManagementSystem:
    result: ServiceManagementSystem = _converter().structure(data, ServiceManagementSystem)
    return result


def _entities(value: Any) -> Any:
    """Every entity within a value, nested ones (measurements, service levels) included."""
    if isinstance(value, tuple):
        for item in value:
            yield from _entities(item)
    elif attrs.has(type(value)):
        yield value
        for field in attrs.fields(type(value)):
            if field.init:
                yield from _entities(getattr(value, field.name))


def _unchecked(sms: ServiceManagementSystem) -> list[Any]:
    """The entities the fast path built that their own check would refuse or convert (the
    fast path builds them without running that check a second time)."""
    wrong = []
    for entity in _entities(sms):
        before = attrs.astuple(entity, recurse=False)
        if problems(entity) or attrs.astuple(entity, recurse=False) != before:
            wrong.append(entity)
    return wrong


@given(sms_models())
def test_fast_and_detailed_paths_build_equal_models(sms: ServiceManagementSystem) -> None:
    data = _plain(sms)
    fast = FAST(data)
    assert sms == fast
    assert sms == _detailed(data)
    assert [] == _unchecked(fast)


@pytest.mark.parametrize("path", ["examples/acme-managed-services.yaml", "tests/rules/base.yaml"])
def test_fast_path_handles_the_examples(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        data = parse_yaml(handle.read()).data
    data.pop("format_version", None)
    assert _detailed(data) == FAST(data)


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def _mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = _plain(draw(sms_models(max_size=4)))
    # Walk to a random mapping and replace or add one of its values with junk.
    node: Any = data
    for _ in range(draw(st.integers(0, 3))):
        children = [
            v
            for v in (node.values() if isinstance(node, dict) else node)
            if isinstance(v, dict | list) and v
        ]
        if not children:
            break
        node = draw(st.sampled_from(children))
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from([*sorted(node), "unexpected"]))
        node[key] = draw(_JUNK)
    elif isinstance(node, list) and node:
        node[draw(st.integers(0, len(node) - 1))] = draw(_JUNK)
    return data


@given(_mutated())
def test_the_fast_path_never_accepts_what_the_detailed_path_rejects(data: dict[str, Any]) -> None:
    try:
        fast = FAST(data)
    except (Mismatch, SMSModelError, ValueError, TypeError, KeyError, OverflowError):
        return  # what structure() catches: it falls back to the detailed path
    assert fast == _detailed(data)
    assert [] == _unchecked(fast)


def test_a_mismatch_is_raised_for_a_wrong_type() -> None:
    with pytest.raises(Mismatch):
        FAST({"name": 1, "provider": "p"})


def test_parse_date_is_strict_and_cached() -> None:
    assert parse_date("2026-11-27") is parse_date("2026-11-27")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("2026-1-27")
