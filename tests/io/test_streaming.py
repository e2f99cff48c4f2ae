"""Loading JSON streams its collections: it accepts exactly what the detailed path accepts,
builds an equal model, reports the very same errors, shares equal strings and tuples, and
never holds the whole document as plain data."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_model import ModelValidationError, load, loads
from sms_model._gc import paused_gc
from sms_model.io import dumps
from sms_model.io._api import _structure
from sms_model.io._stream import GiveUp, read_json
from sms_model.io._text import parse_json
from sms_model.model import ServiceManagementSystem
from sms_model.testing import sms_models
from tests.io.test_fast_path import _mutated

EXAMPLE = Path("examples/acme-managed-services.yaml")


def _detailed_loads(text: str) -> ServiceManagementSystem:
    """What loading JSON did before it streamed: the whole document, then structuring."""
    with paused_gc():
        return _structure(parse_json(text))


def _outcome(load_text: Any, text: str) -> tuple[str, Any]:
    try:
        return "model", load_text(text)
    except ModelValidationError as exc:
        return type(exc).__name__, str(exc)


def _json(sms: ServiceManagementSystem, indent: int | None) -> str:
    data = json.loads(dumps(sms, "json"))
    separators = (",", ":") if indent is None else None
    return json.dumps(data, indent=indent, separators=separators)


@given(sms_models(), st.sampled_from([None, 2]))
def test_streaming_builds_the_model_that_was_written(
    sms: ServiceManagementSystem, indent: int | None
) -> None:
    text = _json(sms, indent)
    assert sms == read_json(text)
    assert sms == loads(text, "json")


@given(_mutated())
def test_streaming_never_accepts_what_the_detailed_path_rejects(data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=1)
    expected = _outcome(_detailed_loads, text)
    try:
        streamed = read_json(text)
    except Exception:  # it gave up: loads() then takes the detailed path
        streamed = None
    if streamed is not None:
        assert expected == ("model", streamed)
    assert expected == _outcome(lambda t: loads(t, "json"), text)


_JSON_PIECES = st.sampled_from(
    ['"', ",", ":", "[", "]", "{", "}", " ", "\n", "\t", "\x0c", "1", "1e999", "NaN", "null",
     '"id"', '"x"', "true", "\\", "\\ud800", "-"]
)  # fmt: skip


@st.composite
def _edited_texts(draw: st.DrawFn) -> str:
    text = _json(draw(sms_models(max_size=3)), draw(st.sampled_from([None, 1])))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(_JSON_PIECES) + text[at + cut :]
    return text


@settings(max_examples=200)
@given(_edited_texts())
def test_an_edited_json_text_loads_or_fails_exactly_as_through_the_detailed_path(
    text: str,
) -> None:
    assert _outcome(_detailed_loads, text) == _outcome(lambda t: loads(t, "json"), text)


_VALID = '{"name": "Acme", "provider": "acme", "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}]}'  # noqa: E501


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_VALID.replace('"name": "Acme", ', '"name": "Acme", "name": "B", '), id="dup"),
        pytest.param(_VALID.replace('"kind"', '"name": "A", "kind"'), id="dup-in-element"),
        pytest.param(_VALID.replace("}]}", "},]}"), id="trailing-comma"),
        pytest.param(_VALID.replace("}]}", "}] ]}"), id="bracket"),
        pytest.param(_VALID + " x", id="extra-data"),
        pytest.param(_VALID + "\x0c", id="form-feed-is-not-json-space"),
        pytest.param(_VALID[:-1], id="truncated"),
        pytest.param(_VALID.replace("[{", "[ {").replace("}]", "}\r\n]"), id="spaces"),
        pytest.param(_VALID, id="valid"),
        pytest.param('{"format_version": 1, ' + _VALID[1:], id="version"),
        pytest.param('{"format_version": 2, ' + _VALID[1:], id="version-2"),
        pytest.param('{"format_version": true, ' + _VALID[1:], id="version-true"),
        pytest.param('{"format_version": 1.0, ' + _VALID[1:], id="version-float"),
        pytest.param(_VALID.replace('"provider"', '"evidence": null, "provider"'), id="null"),
        pytest.param(_VALID.replace('"provider"', '"evidence": [], "provider"'), id="empty"),
        pytest.param(_VALID.replace('"provider"', '"evidence": {}, "provider"'), id="mapping"),
        pytest.param(_VALID.replace('"provider"', '"extra": [], "provider"'), id="unknown"),
        pytest.param(_VALID.replace('"kind"', '"x": NaN, "kind"'), id="nan"),
        pytest.param(_VALID.replace('"kind"', '"x": 1' + "0" * 120 + ', "kind"'), id="long"),
        pytest.param(_VALID.replace('"acme",', '"nobody",', 1), id="dangling-reference"),
        pytest.param(_VALID.replace('"Acme"}', '"\\ud800"}'), id="lone-surrogate"),
        pytest.param("[" + _VALID + "]", id="list"),
        pytest.param("{}", id="empty-object"),
        pytest.param(" \n", id="blank"),
        pytest.param("[" * 100_000, id="deep"),
        pytest.param(_VALID.replace("[{", "[" + "[" * 100_000), id="deep-in-a-collection"),
        pytest.param(_VALID.replace('"Acme"}', "[" * 100_000 + "}"), id="deep-in-an-element"),
    ],
)
def test_each_kind_of_json_problem_is_reported_as_by_the_detailed_path(text: str) -> None:
    assert _outcome(_detailed_loads, text) == _outcome(lambda t: loads(t, "json"), text)


def test_the_streaming_reader_gives_up_rather_than_decide_on_a_problem() -> None:
    with pytest.raises(GiveUp, match="duplicate key 'name'"):
        read_json(_VALID.replace('"name": "Acme", ', '"name": "Acme", "name": "B", '))


def test_a_valid_json_file_is_not_parsed_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = dumps(load(EXAMPLE), "json")

    def whole(*_: Any) -> Any:
        raise AssertionError("the whole document was parsed")

    monkeypatch.setattr("sms_model.io._api.parse_json", whole)
    assert load(EXAMPLE) == loads(text, "json")


def test_loaded_references_share_the_string_of_the_id_they_name() -> None:
    sms = loads(dumps(load(EXAMPLE), "json"), "json")
    shared = [
        (ref, sms.get(ref).id) for record in sms.evidence for ref in record.subjects if ref in sms
    ]
    assert shared
    assert [] == [ref for ref, own in shared if ref is not own]


def test_evidence_ids_stay_out_of_the_memo_and_references_to_them_still_resolve() -> None:
    from sms_model.io._fast import fast_structurer
    from sms_model.model import Evidence

    base = load(EXAMPLE)
    first = base.evidence[0]
    naming = attrs.evolve(base.evidence[1], subjects=(first.id,))
    evidence = (first, naming, *base.evidence[2:])
    sms = loads(dumps(attrs.evolve(base, evidence=evidence), "json"), "json")
    reference = sms.get(naming.id).subjects[0]
    assert (first, first.id) == (sms.get(reference), reference)
    memo: dict[Any, Any] = {}
    record = {"id": "ev-x", "kind": "k", "effective": "2026-01-01", "subjects": ["svc-a"]}
    fast_structurer(Evidence)(record, memo)
    assert ("ev-x" in memo, "svc-a" in memo) == (False, True)


def test_equal_tuples_and_repeated_strings_are_one_object_after_loading() -> None:
    sms = loads(dumps(load(EXAMPLE), "json"), "json")
    by_value: dict[tuple[str, ...], int] = {}
    for record in sms.evidence:
        by_value.setdefault(record.clauses, id(record.clauses))
    assert [] == [r.id for r in sms.evidence if id(r.clauses) != by_value[r.clauses]]
    kinds = {r.kind: r.kind for r in sms.evidence}
    assert [] == [r.id for r in sms.evidence if r.kind is not kinds[r.kind]]


def _peak(function: Any, *args: Any) -> int:
    tracemalloc.start()
    try:
        result = function(*args)
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def test_loading_a_large_json_file_peaks_below_parsing_it_as_plain_data() -> None:
    sms = load(EXAMPLE)
    many = tuple(
        type(record)(**{**_fields(record), "id": f"{record.id}-{i}"})
        for i in range(200)
        for record in sms.evidence
    )
    big = ServiceManagementSystem(**{**_fields(sms), "evidence": many})
    text = dumps(big, "json")
    assert big == loads(text, "json")
    # Plain data alone is the floor of any loader that parses the whole document first.
    assert _peak(loads, text, "json") < _peak(json.loads, text)


def _fields(entity: Any) -> dict[str, Any]:
    return {f.name: getattr(entity, f.name) for f in attrs.fields(type(entity)) if f.init}
