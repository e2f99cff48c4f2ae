"""Fuzzing: valid documents, mutated at random (keys and values deleted, duplicated, retyped,
renamed, pointed elsewhere; lines of the text deleted, doubled, swapped, cut), are either a
valid model or refused with an ``SMSModelError``; nothing else ever comes out.

A few hundred examples per test by default; ``HYPOTHESIS_PROFILE=fuzz`` runs 100,000.
When a mutation happens to give a valid model, that model must also survive a round trip
through YAML and JSON, and every built-in rule must run on it without error.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import hypothesis.strategies as st
from hypothesis import given

from sms_model import ModelValidationError, SMSModelError, dumps, loads
from sms_model.io._convert import structure, unstructure
from sms_model.model import ServiceManagementSystem
from sms_model.model import _entities as entities
from sms_model.rules import Status, assess
from sms_model.testing import sms_models
from tests.robustness.robustness_support import AS_OF, base_data, fuzz_settings

#: Every field name of every entity: renaming a key to another real field is a likely mistake.
_FIELDS = sorted(
    {
        a.name
        for cls in vars(entities).values()
        if isinstance(cls, type) and attrs.has(cls)
        for a in attrs.fields(cls)
    }
    | {a.name for a in attrs.fields(ServiceManagementSystem) if a.init}
)

_AWKWARD_STRINGS = st.sampled_from(
    [
        "",
        " ",
        "2026-02-30",
        "2026-01-01",
        "2026-01-01T10:00:00",
        "2026-01-01T10:00:00Z",
        "9999-12-31T23:59:59-14:00",
        "ceo",
        "prov",
        "plan-1",
        "scope",
        "provider",
        "major",
        "yes",
        "NaN",
        "1e400",
        "\ud800",
        "\x00",
        "a\nb",
        "\u202e",
        "x" * 200,
    ]
)

_HOSTILE_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=7),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    _AWKWARD_STRINGS,
    st.lists(st.one_of(st.integers(), _AWKWARD_STRINGS), max_size=3),
    st.dictionaries(st.sampled_from(_FIELDS), st.one_of(st.none(), _AWKWARD_STRINGS), max_size=3),
)


def _slots(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) pair in a JSON-like tree, parents before children."""
    out: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def _ids(data: Any) -> list[str]:
    found = []
    for parent, key in _slots(data):
        if key == "id" and isinstance(parent[key], str):
            found.append(parent[key])
    return sorted(set(found))


def _near_miss(key: str, draw: Any) -> str:
    if not key:
        return "x"
    i = draw(st.integers(min_value=0, max_value=len(key) - 1))
    return draw(st.sampled_from([key[:i] + key[i + 1 :], key + "s", key.upper(), f" {key}"]))


def _mutate(data: Any, draw: Any, *, plain: bool) -> None:
    """Apply one random mutation to the tree, in place. ``plain`` allows keys that are not
    strings (plain data from Python); text formats only have string keys."""
    slots = _slots(data)
    if not slots:
        return
    parent, key = draw(st.sampled_from(slots))
    operation = draw(
        st.sampled_from(["delete", "duplicate", "retype", "rename", "reference", "swap"])
    )
    if operation == "delete":
        del parent[key]
    elif operation == "duplicate":
        if isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[draw(st.sampled_from(_FIELDS))] = copy.deepcopy(parent[key])
    elif operation == "retype":
        parent[key] = draw(_HOSTILE_VALUES)
    elif operation == "rename" and isinstance(parent, dict):
        keys: list[st.SearchStrategy[Any]] = [
            st.sampled_from(_FIELDS),
            st.just(_near_miss(str(key), draw)),
            st.text(max_size=8),
        ]
        if plain:
            keys.append(st.one_of(st.none(), st.integers(), st.booleans()))
        new = draw(st.one_of(*keys))
        parent[new] = parent.pop(key)
    elif operation == "reference":
        ids = _ids(data)
        if ids:
            parent[key] = draw(st.sampled_from(ids))
    elif operation == "swap" and isinstance(parent, list) and len(parent) > 1:
        other = draw(st.integers(min_value=0, max_value=len(parent) - 1))
        parent[key], parent[other] = parent[other], parent[key]


@st.composite
def _mutated(draw: Any, *, plain: bool) -> Any:
    source = draw(st.sampled_from(["base", "drawn"]))
    if source == "base":
        data: Any = base_data()
    else:
        data = unstructure(draw(sms_models(max_size=3)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        _mutate(data, draw, plain=plain)
    return data


def _check_error(error: SMSModelError, *, located: bool) -> None:
    assert isinstance(error, ModelValidationError)
    assert error.issues
    for issue in error.issues:
        assert issue.path.startswith("$")
        assert issue.what
        if located:
            assert issue.location is not None, str(issue)
    assert str(error)


def _check_model(sms: ServiceManagementSystem, *, rules: bool = True) -> None:
    assert sms == loads(dumps(sms, "yaml"), "yaml")
    assert sms == loads(dumps(sms, "json"), "json")
    if not rules:
        return
    result = assess(sms, as_of=AS_OF)
    errors = [(f.rule, f.message) for f in result.findings if f.status is Status.ERROR]
    assert errors == []
    json.loads(result.to_json())


@fuzz_settings()
@given(_mutated(plain=True))
def test_fuzz_plain_data_gives_a_model_or_an_sms_model_error(data: Any) -> None:
    try:
        sms = structure(copy.deepcopy(data))
    except SMSModelError as error:
        _check_error(error, located=False)
    else:
        _check_model(sms)


@fuzz_settings(150)
@given(_mutated(plain=False))
def test_fuzz_json_text_gives_a_model_or_a_located_sms_model_error(data: Any) -> None:
    text = json.dumps(data, indent=1)  # NaN and Infinity are written as such
    try:
        sms = loads(text, "json", source="fuzz.json")
    except SMSModelError as error:
        _check_error(error, located=True)
    else:
        _check_model(sms, rules=False)  # the plain-data test runs the rules


_LINE_EDITS = ["delete", "duplicate", "swap", "retype", "indent", "cut", "garble"]
_TOKENS = ["", "~", "[]", "{}", "*x", "&x", "!!str", "!!python/none", "- a", "a: b", ":", "'", '"']


@st.composite
def _mutated_yaml(draw: Any) -> str:
    source = draw(st.sampled_from(["base", "drawn"]))
    sms = structure(base_data()) if source == "base" else draw(sms_models(max_size=3))
    lines = dumps(sms, "yaml").splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        edit = draw(st.sampled_from(_LINE_EDITS))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "retype":
            head, colon, _tail = lines[i].partition(": ")
            token = draw(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=6)))
            lines[i] = f"{head}{colon}{token}" if colon else f"{head} {token}"
        elif edit == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + lines[i].lstrip()
        elif edit == "cut":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(min_value=0, max_value=len(lines[-1])))]
        else:
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=3)) + lines[i][at:]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@fuzz_settings(150)
@given(_mutated_yaml())
def test_fuzz_yaml_text_gives_a_model_or_a_located_sms_model_error(text: str) -> None:
    try:
        sms = loads(text, "yaml", source="fuzz.yaml")
    except SMSModelError as error:
        _check_error(error, located=True)
    else:
        _check_model(sms, rules=False)


def test_fuzz_mutations_reach_both_outcomes() -> None:
    # Guards the fuzz tests: their mutations give valid models as well as errors.
    outcomes = set()
    for source in range(40):
        data = base_data()
        parent, key = _slots(data)[source * 37 % len(_slots(data))]
        if isinstance(parent, dict):
            parent.pop(key)
        try:
            structure(data)
            outcomes.add("model")
        except SMSModelError:
            outcomes.add("error")
    assert {"model", "error"} == outcomes
