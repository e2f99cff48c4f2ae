"""The two structuring paths are twins: from valid data the generated fast path builds the objects
the converter's detailed path builds, and for invalid data the loaders report exactly the issues
the detailed path alone reports (path, message, what was found, code and location). This holds
for the service management system and, through the same converter, for waivers and
configuration."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sms_model import loads
from sms_model.catalog import expectations
from sms_model.errors import ModelValidationError
from sms_model.io._convert import _converter, structure_as, structure_detailed
from sms_model.io._fast import Mismatch, fast_structurer
from sms_model.io._stream import GiveUp, read_json
from sms_model.model import ProcessKind, ServiceManagementSystem
from sms_model.rules import Config, Waiver, load_config, load_waivers
from sms_model.testing import dates, identifiers, sms_models, texts
from tests.io.test_fast_path import _JUNK, _mutated, _plain

MINIMAL = "name: Acme\nprovider: acme\nparties: [{id: acme, name: Acme, kind: provider}]\n"


def _outcome(build: Callable[[Any], Any], data: Any) -> tuple[Any, ...]:
    """What building from ``data`` gives: the object, or the kind of error and its issues."""
    try:
        return ("built", build(data))
    except ModelValidationError as exc:
        return ("refused", type(exc), exc.issues, str(exc))


def _give_up(*_: Any) -> Any:
    raise Mismatch


def _refuse_stream(text: str) -> Any:
    raise GiveUp("switched off")


@contextmanager
def _detailed_only() -> Iterator[None]:
    """Switch off the fast paths: the streaming JSON reader and the generated structurers."""
    with (
        mock.patch("sms_model.io._api.read_json", _refuse_stream),
        mock.patch("sms_model.io._convert.fast_structurer", return_value=_give_up),
    ):
        yield


def _both_ways(build: Callable[[Any], Any], data: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    fast = _outcome(build, data)
    with _detailed_only():
        detailed = _outcome(build, data)
    return fast, detailed


# --- the service management system ----------------------------------------------------------


@given(sms_models())
def test_valid_data_gives_the_same_system_through_every_path(sms: ServiceManagementSystem) -> None:
    data = _plain(sms)
    text = json.dumps(data)
    assert sms == fast_structurer(ServiceManagementSystem)(data)  # the fast path itself
    assert sms == read_json(text)  # the streaming reader
    assert sms == structure_detailed(ServiceManagementSystem, data)
    fast, detailed = _both_ways(lambda t: loads(t, "json"), text)
    assert ("built", sms) == fast == detailed


@given(_mutated())
def test_invalid_data_gives_the_issues_of_the_detailed_path(data: dict[str, Any]) -> None:
    fast, detailed = _both_ways(lambda d: structure_as(ServiceManagementSystem, d), data)
    assert fast == detailed


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@given(data=_mutated())
def test_invalid_text_gives_the_located_issues_of_the_detailed_path(
    fmt: str, data: dict[str, Any]
) -> None:
    text = json.dumps(data) if fmt == "json" else yaml.safe_dump(data, allow_unicode=True)
    fast, detailed = _both_ways(lambda t: loads(t, fmt), text)  # type: ignore[arg-type]
    assert fast == detailed
    if fast[0] == "refused":
        assert all(issue.location for issue in fast[2])


def test_the_comparison_switches_the_fast_paths_off_and_nothing_else() -> None:
    # Guards the tests above: without the switch the detailed path is not even called on valid
    # text, and with it, each load goes through the detailed path and builds the same system.
    text = json.dumps(_plain(loads(MINIMAL)))
    with mock.patch(
        "sms_model.io._convert.structure_detailed", wraps=structure_detailed
    ) as detailed:
        fast = loads(text, "json")
        assert 0 == detailed.call_count
        with _detailed_only():
            assert fast == loads(text, "json") == loads(MINIMAL)
        assert 2 == detailed.call_count


# --- waivers ------------------------------------------------------------------------------------

_NON_BLANK = texts(min_size=1, max_size=8).filter(str.strip)

_WAIVERS = st.builds(
    Waiver,
    id=identifiers(),
    target=_NON_BLANK,
    justification=_NON_BLANK,
    approver=identifiers(),
    expires=dates(),
    subject=st.none() | identifiers(),
    granted=st.none() | dates(),
)


def _waiver_data(waiver: Waiver) -> dict[str, Any]:
    data: dict[str, Any] = _converter().unstructure(waiver)
    return data


#: Values of the right type that a field may still refuse, or of a type easily mistaken.
_AWKWARD = st.sampled_from(["", " ", "\t", "2027-02-30", "2027-1-1", "2027-01-01T00:00", 1.5, True])


@st.composite
def _mutated_waivers(draw: st.DrawFn) -> list[Any]:
    items: list[Any] = [_waiver_data(w) for w in draw(st.lists(_WAIVERS, min_size=1, max_size=3))]
    i = draw(st.integers(0, len(items) - 1))
    if draw(st.booleans()):
        items[i] = draw(_JUNK)
    else:
        key = draw(st.sampled_from([*sorted(items[i]), "subject", "granted", "unexpected"]))
        items[i][key] = draw(st.one_of(_AWKWARD, _JUNK))
    return items


@given(waiver=_WAIVERS)
def test_a_valid_waiver_is_built_alike_by_both_paths_and_by_code(
    tmp_path_factory: pytest.TempPathFactory, waiver: Waiver
) -> None:
    data = _waiver_data(waiver)
    assert waiver == fast_structurer(Waiver)(data) == structure_detailed(Waiver, data)
    file = tmp_path_factory.mktemp("waivers") / "waivers.json"
    file.write_text(json.dumps([data], ensure_ascii=False), encoding="utf-8")
    assert (waiver,) == load_waivers(file)


@given(_mutated_waivers())
def test_waiver_files_give_the_issues_of_the_detailed_path(items: list[Any]) -> None:
    text = json.dumps({"waivers": items}, ensure_ascii=False)
    fast, detailed = _both_ways(load_waivers, text)
    assert fast == detailed
    if fast[0] == "refused":
        assert "in the waivers" in fast[3]
        assert all(issue.location for issue in fast[2])


# --- configuration ------------------------------------------------------------------------------

_PERIODS = st.sampled_from(["P6M", "P1Y", "P2W", "P0D", "forever", "FREQ=MONTHLY", ""])
_KINDS = st.sampled_from([kind.value for kind in ProcessKind] + ["lunch"])
_CONFIG_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "cadences": st.dictionaries(
        st.sampled_from([e.id for e in expectations()[:5]] + ["nothing"]), _PERIODS, max_size=3
    ),
    "interfaces": st.none() | st.lists(st.lists(_KINDS, min_size=1, max_size=3), max_size=2),
    "not_applicable": st.lists(st.sampled_from(["4.1", "6.6", "9.9.9", "8"]), max_size=2),
    "options": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    "rule_timeout": st.none() | st.integers(-1, 10) | st.floats(0.5, 60),
    "waiver_limit": _PERIODS,
    "look_back": _PERIODS,
}


@st.composite
def _configs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(_CONFIG_VALUES)), unique=True, max_size=4))
    data = {name: draw(st.one_of(_CONFIG_VALUES[name], _JUNK)) for name in names}
    if draw(st.booleans()):
        data[draw(st.sampled_from(["x", "waiver_limt", "cadence"]))] = 1
    return data


@given(_configs())
def test_configuration_files_give_what_code_gives_or_the_issues_of_the_detailed_path(
    data: dict[str, Any],
) -> None:
    fast, detailed = _both_ways(load_config, json.dumps(data, ensure_ascii=False))
    assert fast == detailed
    if fast[0] == "built":
        assert Config(**data) == fast[1]
    else:
        assert "in the config" in fast[3]
        assert all(issue.location for issue in fast[2])


def test_every_wrong_configuration_field_is_reported_with_its_place_within_the_field() -> None:
    data = {
        "cadences": {"management-review": "P0D", "nothing": "P1M"},
        "interfaces": [["change", "configuration"], ["change", "lunch"]],
        "rule_timeout": "soon",
    }
    with pytest.raises(ModelValidationError) as caught:
        structure_as(Config, data)
    assert [
        ("$.cadences.management-review", "invalid-cadence", "'P0D'"),
        ("$.cadences.nothing", "invalid", "'nothing'"),
        ("$.interfaces[1]", "value", "['change', 'lunch']"),
        ("$.rule_timeout", "type", "'soon'"),
    ] == [(i.path, i.code, i.found) for i in caught.value.issues]
