"""Finding positions (error locations, SARIF regions) costs a light pass over the text, never a
second tree of it.

Composing a large file again with PyYAML to locate its entities took some 35 bytes of memory
per byte of JSON (1.4 GB for the 43 MB benchmark system, a MemoryError near the size limit);
the scans that replaced it keep only the positions asked for. Measured in function calls,
YAML nodes built and memory relative to the file's size, never in seconds.
"""

from __future__ import annotations

import itertools
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sms_model import ModelValidationError, ServiceManagementSystem, dumps, load, loads
from sms_model.io import locator
from sms_model.io._locate import json_positions
from tests.benchmark_support import load_benchmark
from tests.robustness.robustness_support import assert_linear_work, function_calls

_TEMPLATE: dict[str, Any] = load_benchmark("generate").generate("XS")


def _data(extra_evidence: int) -> dict[str, Any]:
    """The tiny benchmark system with ``extra_evidence`` more evidence records (the bulk of a
    large SMS, written last)."""
    data = dict(_TEMPLATE)
    base = _TEMPLATE["evidence"]
    copies = zip(range(extra_evidence), itertools.cycle(base), strict=False)
    data["evidence"] = base + [dict(e, id=f"{e['id']}-copy-{k}") for k, e in copies]
    return data


def _json(extra_evidence: int) -> str:
    return json.dumps(_data(extra_evidence), indent=1)


@pytest.fixture(scope="module")
def large() -> tuple[str, ServiceManagementSystem]:
    text = _json(5_000)  # about 1.5 MB
    return text, loads(text, "json")


@pytest.fixture
def no_yaml_tree(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fails any composing of YAML nodes (a second tree of the file); yields the nodes built."""
    built: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the text was composed again")

    original = yaml.nodes.Node.__init__

    def count(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(yaml, "compose", refuse)
    monkeypatch.setattr(yaml.nodes.Node, "__init__", count)
    return built


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_locator_builds_no_yaml_node(tmp_path: Path, no_yaml_tree: list[str], fmt: str) -> None:
    sms = loads(_json(50), "json")
    file = tmp_path / f"sms.{fmt}"
    file.write_text(dumps(sms, fmt), encoding="utf-8")  # type: ignore[arg-type]
    locate = locator(file, sms)
    assert all(locate(e.id) for e in sms.evidence)
    assert [] == no_yaml_tree


def test_errors_in_a_json_file_are_located_without_a_yaml_node(
    tmp_path: Path, no_yaml_tree: list[str]
) -> None:
    data = _data(50)
    data["evidence"][-1]["colour"] = "red"
    file = tmp_path / "sms.json"
    file.write_text(json.dumps(data, indent=1), encoding="utf-8")
    with pytest.raises(ModelValidationError) as caught:
        load(file)
    (issue,) = caught.value.issues
    lines = file.read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, text in enumerate(lines, 1) if '"colour"' in text]
    column = 1 + lines[line - 1].index('"red"')
    assert f"{file}:{line}:{column}" == issue.location
    assert [] == no_yaml_tree


def test_duplicate_keys_in_a_json_file_are_located_without_a_yaml_node(
    tmp_path: Path, no_yaml_tree: list[str]
) -> None:
    text = _json(50)
    cut = text.rindex("}")
    file = tmp_path / "sms.json"
    file.write_text(text[:cut] + ', "name": "Again"' + text[cut:], encoding="utf-8")
    with pytest.raises(ModelValidationError) as caught:
        load(file)
    (issue,) = caught.value.issues
    last_line = text.count("\n") + 1
    assert ("duplicate-key", "$.name") == (issue.code, issue.path)
    assert issue.location is not None
    assert issue.location.startswith(f"{file}:{last_line}:")
    assert [] == no_yaml_tree


def test_locator_memory_is_a_small_multiple_of_the_file(
    tmp_path: Path, large: tuple[str, ServiceManagementSystem]
) -> None:
    text, sms = large
    file = tmp_path / "sms.json"
    file.write_text(text, encoding="utf-8")
    locate = locator(file, sms)
    # The file's bytes and its text while read, and a few compact arrays of positions; the
    # composed nodes took some 35 times the file.
    peak = _peak(lambda: locate(sms.evidence[-1].id))
    assert peak < 2.5 * len(text)


def test_yaml_locator_memory_is_a_small_multiple_of_the_file(
    tmp_path: Path, large: tuple[str, ServiceManagementSystem]
) -> None:
    _, sms = large
    file = tmp_path / "sms.yaml"
    text = dumps(sms, "yaml")
    file.write_text(text, encoding="utf-8")
    locate = locator(file, sms)
    # The text, its UTF-8 bytes for the parser and one event at a time.
    peak = _peak(lambda: locate(sms.evidence[-1].id))
    assert peak < 3.5 * len(text)


def test_json_error_locations_take_memory_for_the_paths_only(
    large: tuple[str, ServiceManagementSystem],
) -> None:
    text, _ = large
    paths = ["$.risks[0].likelihood", "$.evidence[5099].colour"]
    peak = _peak(lambda: json_positions(text, paths))
    assert peak < 0.05 * len(text)


def test_json_error_locations_read_no_further_than_the_last_path() -> None:
    # Risks are written before the evidence: locating a risk does not read the evidence.
    def make(extra: int) -> Callable[[], object]:
        text = _json(extra)
        return lambda: json_positions(text, ["$.risks[0].likelihood"])

    make(10)()
    assert function_calls(make(10)) == function_calls(make(4_000))


def test_json_error_locations_take_linear_work() -> None:
    def make(extra: int) -> Callable[[], object]:
        text = _json(extra)
        last = len(_TEMPLATE["evidence"]) + extra - 1
        return lambda: json_positions(text, [f"$.evidence[{last}].kind", "$.risks[0]"])

    assert_linear_work(make, 500)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_locator_takes_linear_work(tmp_path: Path, fmt: str) -> None:
    def make(extra: int) -> Callable[[], object]:
        sms = loads(_json(extra), "json")
        file = tmp_path / f"sms-{extra}.{fmt}"
        file.write_text(dumps(sms, fmt), encoding="utf-8")  # type: ignore[arg-type]
        ids = [e.id for e in sms.evidence]

        def locate_all() -> None:
            locate = locator(file, sms)
            for entity_id in ids:
                locate(entity_id)

        return locate_all

    assert_linear_work(make, 300)
