"""Positions of ``$``-paths and entities in a source file are those of the composed YAML view.

The locator and the error messages find positions in one light pass over the text (a JSON scan,
or YAML parser events); the slow path they replace, composing the whole text with PyYAML and
walking its nodes, is kept here as the oracle they are held to.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from sms_model import FileFormatError, ServiceManagementSystem, dumps, load
from sms_model.io import entity_paths, locator
from sms_model.io._locate import json_positions, split_path, yaml_positions
from sms_model.io._text import parse_json, parse_yaml
from sms_model.testing import sms_models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def composed_positions(text: str, paths: list[str]) -> dict[str, tuple[int, int] | None]:
    """The oracle: compose the whole text and walk the nodes to the deepest one on each path
    (the first of duplicate keys; a same-length stand-in for the surrogate escapes YAML
    refuses)."""
    root = yaml.compose(_SURROGATE_ESCAPE.sub(r"\\ufffd", text), Loader=yaml.SafeLoader)
    found: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        node = root
        for part in split_path(path):
            child = _child(node, part)
            if child is None:
                break
            node = child
        found[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return found


def _child(node: Any, part: str | int) -> Any:
    if isinstance(part, int):
        if isinstance(node, yaml.SequenceNode) and part < len(node.value):
            return node.value[part]
        return None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return value
    return None


def _paths_of(data: Any, path: str = "$") -> list[str]:
    """Every path in plain data, and a missing one below each mapping and sequence."""
    if isinstance(data, dict):
        inner = [p for key, value in data.items() for p in _paths_of(value, f"{path}.{key}")]
        return [path, f"{path}.missing", *inner]
    if isinstance(data, list):
        inner = [p for i, value in enumerate(data) for p in _paths_of(value, f"{path}[{i}]")]
        return [path, f"{path}[{len(data)}]", *inner]
    return [path, f"{path}.below"]


@given(sms=sms_models(max_size=3), indent=st.sampled_from([None, 0, 1, 2]))
def test_json_positions_are_those_of_the_composed_yaml_view(
    sms: ServiceManagementSystem, indent: int | str | None
) -> None:
    # ensure_ascii keeps out the characters YAML reads as line breaks (U+2028, NEL) and JSON
    # does not; the escapes of characters beyond the BMP are in.
    text = json.dumps(json.loads(dumps(sms, "json")), indent=indent)
    paths = _paths_of(json.loads(text))
    assert composed_positions(text, paths) == json_positions(text, paths)


@given(sms=sms_models(max_size=3))
def test_yaml_positions_are_those_of_the_composed_text(sms: ServiceManagementSystem) -> None:
    text = dumps(sms, "yaml")
    paths = _paths_of(yaml.safe_load(text))
    assert composed_positions(text, paths) == yaml_positions(text, paths)


def test_json_columns_count_characters_not_bytes() -> None:
    text = '{"name": "Café 😀 €",\n "parties": [{"id": "ü", "kind": "x😀"}, {"id": "b"}]}\n'
    paths = ["$.parties[0].kind", "$.parties[1].id", "$.parties[1].kind", "$.name"]
    expected = {
        "$.parties[0].kind": (2, 34),
        "$.parties[1].id": (2, 48),
        "$.parties[1].kind": (2, 41),
        "$.name": (1, 10),
    }
    assert expected == json_positions(text, paths)
    assert expected == composed_positions(text, paths)


def test_json_positions_of_a_file_the_yaml_view_refuses() -> None:
    # Tabs after a key's colon: JSON whitespace, which PyYAML refuses in this place.
    text = '{\n\t"name":\t"Acme",\n\t"parties":\t[{"id":\t"a"}]\n}'
    with pytest.raises(yaml.YAMLError):
        yaml.compose(text, Loader=yaml.SafeLoader)
    expected = {"$.name": (2, 10), "$.parties[0].id": (3, 21)}
    assert expected == json_positions(text, ["$.name", "$.parties[0].id"])


def test_json_positions_found_before_a_syntax_error_stay() -> None:
    text = '{"name": "Acme", "parties": [1, 2,, 3], "provider": "a"}'
    expected = {"$.name": (1, 10), "$.parties[3]": (1, 29), "$.provider": (1, 1)}
    assert expected == json_positions(text, ["$.name", "$.parties[3]", "$.provider"])


def test_json_positions_take_the_first_of_duplicate_keys() -> None:
    text = '{"a": {"b": 1},\n "a": {"b": 2}}'
    assert {"$.a.b": (1, 13)} == json_positions(text, ["$.a.b"])


def test_json_positions_of_nothing_in_an_empty_text() -> None:
    assert {"$.name": None} == json_positions("  ", ["$.name"])


YAML_WITH_ALIASES = """\
name: Acme
provider: acme
parties: &all
- &acme {id: acme, name: Acme, kind: provider}
- {id: cust, name: Customer, kind: customer}
customers: *all
people:
- *acme
- {id: ada, name: Ada, party: acme}
"""


@pytest.mark.parametrize(
    "path",
    ["$.customers[1].kind", "$.customers[5]", "$.people[0]", "$.people[1].party", "$.x"],
)
def test_yaml_positions_follow_aliases_as_the_composed_nodes_do(path: str) -> None:
    assert composed_positions(YAML_WITH_ALIASES, [path]) == yaml_positions(
        YAML_WITH_ALIASES, [path]
    )


def test_yaml_positions_ignore_merge_keys_as_the_composed_nodes_do() -> None:
    text = "base: &b {kind: provider}\nparties:\n- <<: *b\n  id: a\n"
    paths = ["$.parties[0].kind", "$.parties[0].id", "$.base.kind"]
    assert composed_positions(text, paths) == yaml_positions(text, paths)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@given(sms=sms_models(max_size=4))
def test_locator_gives_each_entity_where_the_composed_view_has_it(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, sms: ServiceManagementSystem
) -> None:
    file = tmp_path_factory.mktemp("sms") / f"sms.{fmt}"
    file.write_text(dumps(sms, fmt), encoding="utf-8")  # type: ignore[arg-type]
    paths = entity_paths(sms)
    expected = composed_positions(file.read_text(encoding="utf-8"), list(paths.values()))
    locate = locator(file, sms)
    assert {i: expected[p] for i, p in paths.items()} == {i: locate(i) for i in paths}


@pytest.mark.parametrize("name", ["acme-managed-services.yaml", "minimal.yaml"])
def test_locator_finds_every_entity_of_the_examples(name: str) -> None:
    file = EXAMPLES / name
    sms = load(file)
    paths = entity_paths(sms)
    expected = composed_positions(file.read_text(encoding="utf-8"), list(paths.values()))
    locate = locator(file, sms)
    assert {i: expected[p] for i, p in paths.items()} == {i: locate(i) for i in paths}


def test_locator_reads_a_yaml_flow_mapping_that_is_not_json(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    file.write_text(
        "{name: Acme, provider: acme,\n parties: [{id: acme, name: Acme, kind: provider}]}\n",
        encoding="utf-8",
    )
    locate = locator(file, load(file))
    assert (2, 12) == locate("acme")


def test_locator_follows_an_aliased_collection(tmp_path: Path) -> None:
    parties = "- {id: acme, name: Acme, kind: provider}\n- {id: cust, name: C, kind: customer}\n"
    file = tmp_path / "sms.yaml"
    file.write_text(f"name: Acme\nprovider: acme\nparties:\n{parties}", encoding="utf-8")
    sms = load(file)
    # The same system with its parties written under an anchor elsewhere.
    file.write_text(f"name: Acme\nprovider: acme\nx: &all\n{parties}parties: *all\n")
    locate = locator(file, sms)
    assert [(4, 3), (5, 3)] == [locate("acme"), locate("cust")]


def test_locator_of_a_file_gone_gives_no_positions(tmp_path: Path) -> None:
    file = tmp_path / "sms.json"
    file.write_text(dumps(load(EXAMPLES / "minimal.yaml"), "json"), encoding="utf-8")
    sms = load(file)
    locate = locator(file, sms)
    file.unlink()
    assert locate("acme") is None


def test_locator_of_a_file_changed_since_gives_what_it_still_holds(tmp_path: Path) -> None:
    file = tmp_path / "sms.json"
    sms = load(EXAMPLES / "minimal.yaml")
    file.write_text('{"name": "Acme",\n "parties": []}', encoding="utf-8")
    # The entity's collection is still there, the entity not: the position of the collection.
    assert (2, 13) == locator(file, sms)("acme")


# --- duplicate keys in JSON ------------------------------------------------------------------


def _render(value: Any, gap: str) -> str:
    if isinstance(value, tuple):  # an object, as its pairs: keys may repeat
        pairs = [f"{json.dumps(k)}:{gap}{_render(v, gap)}" for k, v in value]
        return "{" + f",{gap}".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + f",{gap}".join(_render(v, gap) for v in value) + "]"
    return json.dumps(value)


_json_values = st.recursive(
    st.integers(0, 9) | st.sampled_from(["x", "é", "😀"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "ü"]), inner), max_size=4).map(tuple)
    ),
    max_leaves=12,
)


@given(
    pairs=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), _json_values), min_size=1),
    gap=st.sampled_from(["", " ", "\n", "\n  "]),
)
def test_duplicate_json_keys_are_reported_as_the_yaml_view_of_the_text_reports_them(
    pairs: list[tuple[str, Any]], gap: str
) -> None:
    # The first key comes again at the end, so that every example has a duplicate to report
    # (filtering for one would discard most examples).
    text = _render((*pairs, pairs[0]), gap)
    try:
        parse_yaml(text, "sms.json")
    except FileFormatError as yaml_view:
        expected = [i for i in yaml_view.issues if i.code == "duplicate-key"]
    else:
        expected = []
    assume(expected)
    with pytest.raises(FileFormatError) as caught:
        parse_json(text, "sms.json")
    assert expected == list(caught.value.issues)


def test_every_duplicate_json_key_is_reported_in_the_order_of_the_text() -> None:
    # The escapes of a character beyond the BMP, which YAML refuses, are no obstacle.
    text = '{"x": {"a": 1, "a": 2, "b": {"c": 1, "c": 2}},\n "x": 3, "name": "\\uD83D\\uDE00",'
    text += ' "name": 1}'
    with pytest.raises(FileFormatError) as caught:
        parse_json(text, "s.json")
    expected = [
        "s.json:1:16: $.x.a: duplicate key, first at line 1 (found 'a')",
        "s.json:1:38: $.x.b.c: duplicate key, first at line 1 (found 'c')",
        "s.json:2:2: $.x: duplicate key, first at line 1 (found 'x')",
        "s.json:2:34: $.name: duplicate key, first at line 2 (found 'name')",
    ]
    assert expected == [str(issue) for issue in caught.value.issues]
