"""Hostile and broken input: every case is refused with a subclass of ``SMSModelError`` that
names the ``$``-path and, for files, the line, with a bounded amount of work (and, for bombs,
memory).

Work is counted, never timed: a test that measures the clock fails on a slow or busy machine.
:func:`function_calls` counts the Python and built-in function calls an action makes, which is
the same on every machine, and stops the action once it exceeds a budget, so that a regression
to unbounded work fails at once instead of hanging. Speed itself is measured by the benchmarks
in ``benchmarks/``.

Complements ``tests/io/test_loading_errors.py`` (exact messages of the common mistakes) with a
systematic sweep of what people and other systems can put in a file.
"""

from __future__ import annotations

import builtins
import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import sms_model
from sms_model import (
    DuplicateIdError,
    FileFormatError,
    ModelValidationError,
    SMSModelError,
    UnknownReferenceError,
    load,
    loads,
)
from sms_model.graph import GapKind, find_gaps
from sms_model.io import _api
from sms_model.io._text import MAX_BYTES, MAX_DEPTH
from tests.robustness.robustness_support import (
    MINIMAL,
    assert_linear_work,
    base_data,
    refusal,
    refused_within_budget,
)

# --- helpers ---------------------------------------------------------------------------------


def _refused(
    tmp_path: Path, content: str | bytes, name: str = "sms.yaml"
) -> tuple[Path, ModelValidationError]:
    """Load ``content`` from a file, which must fail with a ModelValidationError within the
    :func:`refusal_budget` of work."""
    file = tmp_path / name
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8", newline="")
    return file, refused_within_budget(file, content)


def _line(file: Path, error: ModelValidationError, index: int = 0) -> int:
    """The line of the index-th issue, after checking the location names the file."""
    location = error.issues[index].location
    assert location is not None
    name, line, _column = location.rsplit(":", 2)
    assert str(file) == name
    return int(line)


def _near(text: str, line: int) -> str:
    """The given line of the text and the one before (a block value starts below its key)."""
    return "\n".join(text.splitlines()[max(0, line - 2) : line])


def _summary(error: ModelValidationError) -> list[tuple[str, str]]:
    return [(issue.code, issue.path) for issue in error.issues]


@contextmanager
def _peak_memory(limit_mib: float) -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit_mib * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def _yaml(data: Any) -> str:
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return text


# --- alias and merge bombs -------------------------------------------------------------------


def _sequence_bomb(levels: int = 9, width: int = 9) -> str:
    text = "a: &a [" + ", ".join(['"lol"'] * width) + "]\n"
    for level in range(1, levels):
        text += f"l{level}: &l{level} [" + ", ".join([f"*{_anchor(level - 1)}"] * width) + "]\n"
    return text


def _anchor(level: int) -> str:
    return "a" if level == 0 else f"l{level}"


def _mapping_bomb(levels: int = 9, width: int = 9) -> str:
    text = "a: &a {" + ", ".join(f"k{i}: lol" for i in range(width)) + "}\n"
    for level in range(1, levels):
        items = ", ".join(f"k{i}: *{_anchor(level - 1)}" for i in range(width))
        text += f"l{level}: &l{level} {{{items}}}\n"
    return text


def _merge_bomb(levels: int = 9, width: int = 9) -> str:
    # Each level merges the previous mapping ``width`` times: the merged result stays small,
    # but building it naively costs width ** levels walks.
    text = "a: &a {" + ", ".join(f"k{i}: lol" for i in range(width)) + "}\n"
    for level in range(1, levels):
        merged = ", ".join([f"*{_anchor(level - 1)}"] * width)
        text += f"l{level}: &l{level} {{<<: [{merged}], own{level}: x}}\n"
    return text


@pytest.mark.parametrize("bomb", [_sequence_bomb, _mapping_bomb, _merge_bomb])
def test_alias_and_merge_bombs_are_refused_with_bounded_work_and_memory(
    tmp_path: Path, bomb: Callable[[], str]
) -> None:
    # Expanded, each bomb is 9 ** 9 nodes; refused at the expansion allowance, it costs some
    # 50,000 calls, far below the budget, and a few MiB.
    text = MINIMAL + bomb()
    file = tmp_path / "bomb.yaml"
    file.write_text(text, encoding="utf-8")
    error = refused_within_budget(file, text, lambda: _peak_memory(20))
    assert FileFormatError is type(error)
    (issue,) = error.issues
    assert issue.code == "alias-bomb"
    assert _line(file, error) > 4


def test_a_bomb_in_a_json_file_is_refused_too(tmp_path: Path) -> None:
    # JSON has no aliases, but a .json file is parsed as JSON only: YAML syntax is an error.
    file, error = _refused(tmp_path, MINIMAL + _sequence_bomb(), "sms.json")
    assert FileFormatError is type(error)
    assert _summary(error) == [("syntax", "$")]
    assert _line(file, error) == 1


def test_many_aliases_to_a_small_anchor_are_fine() -> None:
    text = (
        MINIMAL
        + "people:\n"
        + "".join(f"- {{id: p{i}, name: *n, party: acme}}\n" for i in range(2000))
    )
    text = text.replace("{id: acme, name: Acme,", "{id: acme, name: &n Acme,")
    sms = loads(text)
    assert len(sms.people) == 2000
    assert {"Acme"} == {p.name for p in sms.people}


def test_a_self_referencing_alias_is_refused_not_followed_forever(tmp_path: Path) -> None:
    file, error = _refused(tmp_path, MINIMAL + "x: &loop [*loop]\n")
    assert _summary(error) == [("too-deep", "$.x" + "[0]" * MAX_DEPTH)]
    assert _line(file, error) == 5


# --- tags that construct objects -------------------------------------------------------------


def _payloads(marker: Path) -> list[str]:
    # Each creates the folder ``marker`` when constructed by an unsafe loader.
    return [
        f"!!python/object/apply:os.mkdir ['{marker}']",
        f"!!python/object/apply:builtins.exec [\"import os; os.mkdir('{marker}')\"]",
        f"!!python/object/apply:os.makedirs ['{marker}']",
        f"!<tag:yaml.org,2002:python/object/apply:os.mkdir> ['{marker}']",
    ]


@pytest.mark.parametrize("index", range(4))
def test_each_payload_is_live_with_an_unsafe_loader(tmp_path: Path, index: int) -> None:
    # Guards the next test: the payload really acts when an unsafe loader builds it.
    marker = tmp_path / "created"
    yaml.unsafe_load(f"x: {_payloads(marker)[index]}\n")
    assert marker.is_dir()


@pytest.mark.parametrize("index", range(4))
def test_object_constructing_tags_are_refused_and_nothing_runs(tmp_path: Path, index: int) -> None:
    marker = tmp_path / "created"
    payload = _payloads(marker)[index]
    file, error = _refused(tmp_path, MINIMAL + f"policies:\n- {payload}\n")
    assert not marker.exists()
    assert FileFormatError is type(error)
    assert _summary(error)[0] == ("tag", "$.policies[0]")
    assert _line(file, error) == 6


def test_a_tag_directive_cannot_smuggle_a_python_tag(tmp_path: Path) -> None:
    marker = tmp_path / "created"
    text = (
        "%TAG !py! tag:yaml.org,2002:python/\n---\n"
        + MINIMAL
        + f"x: !py!object/apply:os.mkdir ['{marker}']\n"
    )
    file, error = _refused(tmp_path, text)
    assert not marker.exists()
    assert _summary(error) == [("tag", "$.x")]
    assert _line(file, error) == 7


@pytest.mark.parametrize(
    "tagged",
    [
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
        "!local 1",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/tuple [1, 2]",
    ],
)
def test_every_non_core_tag_is_refused_wherever_it_is(tmp_path: Path, tagged: str) -> None:
    text = MINIMAL + f"people:\n- id: p\n  name: P\n  party: acme\n  title: {tagged}\n"
    file, error = _refused(tmp_path, text)
    assert _summary(error) == [("tag", "$.people[0].title")]
    assert _line(file, error) == 9


def test_a_tagged_mapping_key_is_refused(tmp_path: Path) -> None:
    file, error = _refused(tmp_path, MINIMAL + "!!python/name:os.system x: 1\n")
    assert _summary(error) == [("key", "$")]
    assert _line(file, error) == 5


# --- duplicate mapping keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "path", "first"),
    [
        ('"name": Other\n', "$.name", 1),  # quoting does not make it another key
        ("x: {a: 1, b: 2, a: 3}\n", "$.x.a", 5),
        ("x: {1: a, 0x1: b}\n", "$.x.1", 5),  # the same number written twice
        ("x: {yes: a, true: b}\n", "$.x.True", 5),  # the same boolean in YAML 1.1
        ("x: {~: a, null: b}\n", "$.x.None", 5),
        ("x:\n  y: 1\n  z: 2\n  y: 3\n", "$.x.y", 6),
    ],
)
def test_duplicate_keys_are_refused_at_the_later_line(
    tmp_path: Path, extra: str, path: str, first: int
) -> None:
    file, error = _refused(tmp_path, MINIMAL + extra)
    assert FileFormatError is type(error)
    (issue,) = error.issues
    assert ("duplicate-key", path) == (issue.code, issue.path)
    assert f"duplicate key, first at line {first}" == issue.what
    assert MINIMAL.count("\n") + extra.count("\n") == _line(file, error)


def test_duplicate_keys_in_json_are_refused_at_the_later_line(tmp_path: Path) -> None:
    text = '{\n "name": "Acme",\n "provider": "acme",\n "parties": [\n  {"id": "acme",\n'
    text += '   "name": "A",\n   "kind": "provider",\n   "name": "B"}]\n}\n'
    file, error = _refused(tmp_path, text, "sms.json")
    assert _summary(error) == [("duplicate-key", "$.parties[0].name")]
    assert _line(file, error) == 8


def test_merge_keys_are_not_duplicate_keys() -> None:
    # Merge keys are YAML's way to share fields, not duplicates: the explicit key wins.
    text = MINIMAL + "people:\n- &p {id: p1, name: P, party: acme}\n- {<<: *p, id: p2}\n"
    assert tuple(p.id for p in loads(text).people) == ("p1", "p2")


# --- nesting, size, encodings, empty and misplaced documents ---------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("sms.yaml", MINIMAL + "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
        ("sms.yaml", MINIMAL + "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("sms.yaml", MINIMAL + "x:\n" + "".join(" " * i + "- \n" for i in range(0, 400, 2))),
        ("sms.json", '{"x": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"),
        ("sms.json", '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ],
)
def test_deep_nesting_is_refused_without_crashing(tmp_path: Path, name: str, text: str) -> None:
    _file, error = _refused(tmp_path, text, name)
    assert FileFormatError is type(error)
    assert error.issues[0].code in {"too-deep", "syntax"}
    assert error.issues[0].location is not None


def _with_title(length: int) -> str:
    return MINIMAL + f"people:\n- {{id: p, name: P, party: acme, title: {'x' * length}}}\n"


def test_a_huge_scalar_is_read_correctly(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    file.write_text(_with_title(5_000_000))
    sms = load(file)
    assert "x" * 5_000_000 == sms.people[0].title


def test_the_work_of_reading_a_scalar_grows_at_most_linearly_with_its_length() -> None:
    # With libyaml the calls do not grow at all; PyYAML's own reader makes some a character.
    def make(length: int) -> Callable[[], object]:
        text = _with_title(length)
        return lambda: loads(text)

    assert_linear_work(make, 250_000)


def test_a_huge_unknown_key_gives_a_short_message(tmp_path: Path) -> None:
    key = "k" * 1_000_000
    file, error = _refused(tmp_path, MINIMAL + f"? {key}\n: 1\n")
    assert [("unknown-field", f"$.{key}")] == _summary(error)
    assert len(str(error.issues[0].found)) <= 60
    assert _line(file, error) == 6  # the line of its value


def test_a_huge_invalid_value_gives_a_short_message(tmp_path: Path) -> None:
    _file, error = _refused(tmp_path, MINIMAL + f"evidence: {'x' * 1_000_000}\n")
    assert _summary(error) == [("type", "$.evidence")]
    assert len(str(error.issues[0].found)) <= 60


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    file = tmp_path / "huge.yaml"
    with file.open("wb") as handle:  # sparse: no disk space or time is spent
        handle.truncate(MAX_BYTES + 1)
    opened = _opened_during(lambda: refusal(file))
    assert file not in opened
    error = refusal(file)
    assert FileFormatError is type(error)
    assert [("too-large", f"{MAX_BYTES + 1} bytes")] == [(i.code, i.found) for i in error.issues]


def _opened_during(action: Callable[[], object]) -> list[Path]:
    """The files ``action`` opens (through ``open``, ``io.open`` or ``Path.open``)."""
    opened: list[Path] = []
    real_open = io.open

    def recording_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)):
            opened.append(Path(file))
        return real_open(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(io, "open", recording_open)
        patch.setattr(builtins, "open", recording_open)
        action()
    return opened


def test_opening_files_is_seen_by_the_recorder(tmp_path: Path) -> None:
    # Guards the test above: a load that does read the file is seen reading it.
    file = tmp_path / "sms.yaml"
    file.write_text(MINIMAL, encoding="utf-8")
    assert [file] == _opened_during(lambda: load(file))


_ENDLESS = """
import resource, sms_model
from sms_model.io import _api
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a regression fails, not the host
_api.MAX_BYTES = 1 << 20
try:
    sms_model.load("/dev/zero")
except sms_model.FileFormatError as error:
    print(",".join(issue.code for issue in error.issues))
"""


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs a device of endless bytes")
def test_an_endless_stream_is_read_only_up_to_the_limit() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _ENDLESS], capture_output=True, text=True, timeout=60, check=False
    )
    assert ("too-large\n", 0) == (done.stdout, done.returncode), done.stderr[-500:]


def test_bytes_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_api, "MAX_BYTES", 100)
    with pytest.raises(FileFormatError) as caught:
        loads(MINIMAL.encode() * 2, source="big.yaml")
    assert [(i.code, i.location) for i in caught.value.issues] == [("too-large", "big.yaml")]


def _with_evidence(count: int) -> str:
    data = base_data()
    data["evidence"] = [
        {
            "id": f"ev-{i}",
            "kind": "incident-record",
            "effective": "2026-01-01",
            "subjects": ["prov"],
        }
        for i in range(count)
    ]
    return json.dumps(data)


def test_a_large_valid_file_loads_correctly(tmp_path: Path) -> None:
    # How fast is for the benchmarks (benchmarks/run.py loads 1,000 to 100,000 records).
    file = tmp_path / "large.json"
    file.write_text(_with_evidence(20_000), encoding="utf-8")
    sms = load(file)
    assert [f"ev-{i}" for i in range(20_000)] == [e.id for e in sms.evidence]
    assert {("incident-record", date(2026, 1, 1), ("prov",))} == {
        (e.kind, e.effective, e.subjects) for e in sms.evidence
    }


def test_the_work_of_loading_grows_at_most_linearly_with_the_records() -> None:
    def make(count: int) -> Callable[[], object]:
        text = _with_evidence(count)
        return lambda: loads(text, "json")

    assert_linear_work(make, 5_000)


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        (MINIMAL.encode() + b"x: caf\xe9\n", 5, 7),  # Latin-1
        (MINIMAL.encode() + b"x: \xed\xa0\x80\n", 5, 4),  # an encoded surrogate
        (MINIMAL.encode() + b"x: \xc0\xaf\n", 5, 4),  # an overlong encoding
        ("name: Acme\n".encode("utf-16"), 1, 1),  # UTF-16, with its BOM
    ],
)
def test_bytes_that_are_not_utf8_are_refused_where_they_are(
    tmp_path: Path, content: bytes, line: int, column: int
) -> None:
    file, error = _refused(tmp_path, content)
    assert _summary(error) == [("encoding", "$")]
    assert f"{file}:{line}:{column}" == error.issues[0].location


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_control_characters_in_yaml_are_refused_where_they_are(
    tmp_path: Path, character: str
) -> None:
    file, error = _refused(tmp_path, MINIMAL + f"x: caf\u00e9{character}\n")
    assert FileFormatError is type(error)
    assert _summary(error) == [("syntax", "$")]
    assert f"{file}:5:8" == error.issues[0].location


@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_a_byte_order_mark_is_skipped(tmp_path: Path, name: str) -> None:
    text = MINIMAL if name.endswith("yaml") else json.dumps(yaml.safe_load(MINIMAL))
    file = tmp_path / name
    file.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load(file).name == "Acme"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "\ufeff"])
@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str, name: str) -> None:
    if name.endswith("json") and text.startswith("#"):
        text = ""
    _file, error = _refused(tmp_path, text, name)
    assert FileFormatError is type(error)
    assert _summary(error) == [("empty", "$")]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("sms.yaml", "- name: Acme\n- provider: acme\n"),
        ("sms.yaml", "---\n"),
        ("sms.yaml", "null\n"),
        ("sms.yaml", "just words\n"),
        ("sms.yaml", "42\n"),
        ("sms.json", '[{"name": "Acme"}]'),
        ("sms.json", '"Acme"'),
        ("sms.json", "null"),
    ],
)
def test_a_document_that_is_not_a_mapping_is_refused(tmp_path: Path, name: str, text: str) -> None:
    file, error = _refused(tmp_path, text, name)
    assert _summary(error) == [("type", "$")]
    assert error.issues[0].what == "expected a mapping of the SMS at the top level"
    assert _line(file, error) in {1, 2}


def test_several_yaml_documents_in_one_file_are_refused(tmp_path: Path) -> None:
    file, error = _refused(tmp_path, MINIMAL + "---\n" + MINIMAL)
    assert _summary(error) == [("syntax", "$")]
    assert _line(file, error) == 5


# --- wrong types, unknown fields -------------------------------------------------------------

_WRONG_TYPES: list[tuple[tuple[str | int, ...], Any]] = [
    (("name",), ["Acme"]),
    (("name",), 42),
    (("provider",), {"id": "prov"}),
    (("parties",), "prov"),
    (("parties", 0), "prov"),
    (("parties", 0, "kind"), 3),
    (("parties", 4, "interested"), "false"),
    (("top_management",), ["ceo"]),
    (("top_management", "members"), "ceo"),
    (("plan", "topics"), {"objectives": True}),
    (("plan", "agreed_on"), 20250120),
    (("risks", 0, "likelihood"), "high"),
    (("risks", 0, "likelihood"), 2.5),
    (("risks", 0, "likelihood"), True),
    (("people", 3, "competences", 0), None),
    (("evidence", 0, "effective"), None),
    (("evidence", 0, "subjects"), "po"),
]


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> str:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


@pytest.mark.parametrize(("path", "value"), _WRONG_TYPES)
@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_a_value_of_the_wrong_type_is_refused_at_its_path_and_line(
    tmp_path: Path, name: str, path: tuple[str | int, ...], value: Any
) -> None:
    data = base_data()
    expected_path = _set(data, path, value)
    text = json.dumps(data, indent=1) if name.endswith("json") else _yaml(data)
    file, error = _refused(tmp_path, text, name)
    assert [expected_path] == [i.path for i in error.issues]
    assert error.issues[0].code in {"type", "value"}
    last = [p for p in path if isinstance(p, str)][-1]
    assert last in _near(text, _line(file, error))


@pytest.mark.parametrize(
    ("path", "typo", "suggestion"),
    [
        ((), "nmae", "name"),
        (("parties", 0), "knd", "kind"),
        (("top_management",), "member", "members"),
        (("plan",), "agreed", "agreed_on"),
        (("policies", 0), "comitments", "commitments"),
        (("evidence", 0), "efective", "effective"),
        (("risks", 0), "likelyhood", "likelihood"),
    ],
)
def test_an_unknown_field_is_refused_with_the_closest_known_field(
    tmp_path: Path, path: tuple[str | int, ...], typo: str, suggestion: str
) -> None:
    data = base_data()
    entity: Any = data
    for part in path:
        entity = entity[part]
    entity[typo] = "x"
    file, error = _refused(tmp_path, _yaml(data))
    prefix = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    assert [("unknown-field", f"{prefix}.{typo}")] == _summary(error)
    assert f"unknown field; did you mean {suggestion!r}?" == error.issues[0].what
    assert f"{typo}:" in _yaml(data).splitlines()[_line(file, error) - 1]


def test_an_unknown_field_far_from_any_known_one_has_no_suggestion() -> None:
    with pytest.raises(ModelValidationError) as caught:
        loads(MINIMAL + "zzzzqqq: 1\n")
    assert [i.what for i in caught.value.issues] == ["unknown field"]


def _with_unknown_keys(count: int) -> str:
    return MINIMAL + "".join(f"unknown{i}: 1\n" for i in range(count))


def test_many_problems_are_all_reported_and_located() -> None:
    with pytest.raises(ModelValidationError) as caught:
        loads(_with_unknown_keys(20_000), source="many.yaml")
    assert len(caught.value.issues) == 20_000
    locations = {issue.path: issue.location for issue in caught.value.issues}
    assert locations["$.unknown19999"] == "many.yaml:20004:15"


def test_many_problems_are_located_in_linear_work() -> None:
    # One issue per key, each located in the file: rescanning the mapping once per issue would
    # make four times the issues cost sixteen times the work.
    def make(count: int) -> Callable[[], object]:
        text = _with_unknown_keys(count)

        def refuse() -> None:
            with pytest.raises(ModelValidationError):
                loads(text, source="many.yaml")

        return refuse

    assert_linear_work(make, 500)


# --- dates, datetimes and numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-01",
        "2026-02-30",
        "2023-02-29",  # not a leap year
        "0000-01-01",
        "26-01-01",
        "2026/01/01",
        "2026-1-1",
        "01-02-2026",
        "",
        "\uff12\uff10\uff12\uff16-01-01",  # full-width digits
        "2026-01-01T00:00:00+00:00",  # a date and time where a date is expected
        "yesterday",
    ],
)
def test_a_malformed_or_impossible_date_is_refused(tmp_path: Path, value: str) -> None:
    data = base_data()
    data["evidence"][2]["effective"] = value
    file, error = _refused(tmp_path, _yaml(data))
    assert _summary(error) == [("type", "$.evidence[2].effective")]
    assert "effective" in _yaml(data).splitlines()[_line(file, error) - 1]


def test_a_leap_day_is_a_date() -> None:
    data = base_data()
    data["evidence"][2]["effective"] = "2024-02-29"
    assert (
        sms_model.loads(json.dumps(data), "json").evidence[2].effective.isoformat() == "2024-02-29"
    )


@pytest.mark.parametrize(
    ("collected", "what"),
    [
        ("2026-01-01T10:00:00", "the date and time needs a UTC offset (e.g. +00:00 or Z)"),
        ("2026-01-01", "the date and time needs a UTC offset (e.g. +00:00 or Z)"),
        ("2026-01-01T25:00:00Z", "not an ISO 8601 date and time"),
        ("2026-01-01T10:00:00+24:00", "not an ISO 8601 date and time"),
        ("2026-01-01T10:00:00\u221205:00", "not an ISO 8601 date and time"),
        ("9999-12-31T23:00:00-14:00", "the date and time lies outside years 1 to 9999 in UTC"),
        ("0001-01-01T00:00:00+01:00", "the date and time lies outside years 1 to 9999 in UTC"),
    ],
)
def test_a_naive_or_impossible_datetime_is_refused(
    tmp_path: Path, collected: str, what: str
) -> None:
    data = base_data()
    data["evidence"][0]["collected"] = "2026-01-01T10:00:00+01:00"  # aware: fine
    data["evidence"][1]["collected"] = collected
    file, error = _refused(tmp_path, _yaml(data))
    assert _summary(error) == [("type", "$.evidence[1].collected")]
    assert what == error.issues[0].what
    assert "collected" in _yaml(data).splitlines()[_line(file, error) - 1]


def test_aware_datetimes_with_different_offsets_are_read_and_compare() -> None:
    data = base_data()
    data["evidence"][0]["collected"] = "2026-01-01T10:00:00+01:00"
    data["evidence"][1]["collected"] = "2026-01-01 09:00:00Z"  # YAML's own timestamp form
    sms = loads(_yaml(data))
    first, second = sms.evidence[0].collected, sms.evidence[1].collected
    assert first is not None
    assert second is not None
    assert first == second


@pytest.mark.parametrize(
    ("literal", "what"),
    [
        ("NaN", "NaN is not a finite number"),
        ("Infinity", "Infinity is not a finite number"),
        ("-Infinity", "-Infinity is not a finite number"),
        ("1e400", "1e400 is not a finite number"),
        ("-1.5e999", "-1.5e999 is not a finite number"),
        ("1" * 5000, "a number longer than 100 characters"),
        ("0." + "1" * 200, "a number longer than 100 characters"),
    ],
)
def test_json_numbers_that_are_not_finite_or_too_long_are_refused_where_they_are(
    tmp_path: Path, literal: str, what: str
) -> None:
    text = '{\n  "title": "1e400",\n  "name": "Acme",\n  "x": ' + literal + "\n}\n"
    file, error = _refused(tmp_path, text, "sms.json")
    assert FileFormatError is type(error)
    assert [("number", f"not valid JSON: {what}")] == [(i.code, i.what) for i in error.issues]
    assert f"{file}:4:8" == error.issues[0].location


@pytest.mark.parametrize(
    "literal",
    [".nan", ".inf", "-.Inf", "1.0e+400", "1" * 5000, "0x" + "f" * 5000, "1" + ":00" * 100_000],
)
def test_yaml_numbers_that_are_not_finite_or_too_long_are_refused_where_they_are(
    tmp_path: Path, literal: str
) -> None:
    file, error = _refused(tmp_path, MINIMAL + f"x: {literal}\n")
    assert FileFormatError is type(error)
    assert _summary(error) == [("number", "$.x")]
    assert f"{file}:5:4" == error.issues[0].location


def test_format_version_must_be_the_whole_number_1() -> None:
    for written in ("true", "1.0", '"1"', "2"):
        with pytest.raises(ModelValidationError) as caught:
            loads(f"format_version: {written}\n" + MINIMAL)
        assert _summary(caught.value) == [("version", "$.format_version")]


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83dx"])
def test_a_lone_surrogate_in_json_text_is_refused_where_it_is(tmp_path: Path, escape: str) -> None:
    text = json.dumps(yaml.safe_load(MINIMAL), indent=1).replace('"name": "Acme"', "X", 1)
    text = text.replace("X", f'"name": "Acme {escape}"')
    file, error = _refused(tmp_path, text, "sms.json")
    assert _summary(error) == [("type", "$.name")]
    assert _line(file, error) == 2


def test_characters_beyond_the_bmp_escaped_in_json_keep_positions(tmp_path: Path) -> None:
    data = yaml.safe_load(MINIMAL)
    data["name"] = "Acme \U0001f600"
    data["people"] = [{"id": "p", "name": "P", "party": "nobody"}]
    file, error = _refused(tmp_path, json.dumps(data, indent=1), "sms.json")  # ASCII escapes
    assert _summary(error) == [("unknown-reference", "$.people[0].party")]
    assert _line(file, error) == 15


# --- ids, references and reporting lines -----------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["people"].append(dict(d["people"][0])), "$.people[9].id"),
        (lambda d: d["roles"].append({"id": "ceo", "name": "R", "party": "prov"}), "$.roles[2].id"),
        (lambda d: d["evidence"].append({**d["evidence"][0], "id": "plan-1"}), "$.plan.id"),
        (lambda d: d["evidence"].append({**d["evidence"][0], "id": "prov"}), "$.evidence[16].id"),
    ],
)
def test_a_duplicate_id_is_refused_at_its_second_use(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], path: str
) -> None:
    data = base_data()
    edit(data)
    file, error = _refused(tmp_path, _yaml(data))
    assert DuplicateIdError is type(error)
    assert [path] == [i.path for i in error.issues]
    assert "id:" in _yaml(data).splitlines()[_line(file, error) - 1]


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["people"][1].update(party="nobody"), "$.people[1].party"),
        (
            lambda d: d["people"][1].update(party="ceo"),
            "$.people[1].party",
        ),  # a person, not a party
        (
            lambda d: d["top_management"].update(members=["ceo", "ghost"]),
            "$.top_management.members[1]",
        ),
        (lambda d: d["approvals"][0].update(subject="missing"), "$.approvals[0].subject"),
    ],
)
def test_a_dangling_or_wrong_kind_reference_is_refused_where_it_is(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], path: str
) -> None:
    data = base_data()
    edit(data)
    file, error = _refused(tmp_path, _yaml(data))
    assert UnknownReferenceError is type(error)
    assert isinstance(error, LookupError)
    assert [path] == [i.path for i in error.issues]
    found = error.issues[0].found
    assert found is not None
    assert found.split(",")[0].strip("'") in _near(_yaml(data), _line(file, error))


@pytest.mark.parametrize(
    ("reports_to", "cycle"),
    [
        ({"ceo": "ceo"}, ("ceo", "ceo")),
        ({"ceo": "cfo"}, ("ceo", "cfo", "ceo")),
        ({"ceo": "po"}, ("ceo", "po", "rep", "ceo")),
    ],
)
def test_a_reporting_line_cycle_loads_and_is_a_gap_and_a_finding(
    reports_to: dict[str, str], cycle: tuple[str, ...]
) -> None:
    from sms_model.rules import assess

    data = base_data()
    for person in data["people"]:
        if person["id"] in reports_to:
            person["reports_to"] = reports_to[person["id"]]
    sms = loads(_yaml(data))
    gaps = [g.path for g in find_gaps(sms) if g.kind is GapKind.REPORTING_LINE_CYCLE]
    assert [cycle] == gaps
    result = assess(sms, as_of=date(2026, 11, 27), select=["SMS-4.1.1-TM-f-line"])
    assert any(" -> ".join(cycle) in f.message for f in result.failures)


def test_a_long_reporting_chain_and_a_long_cycle_are_handled() -> None:
    people = [{"id": "p0", "name": "P", "party": "acme"}]
    people += [
        {"id": f"p{i}", "name": "P", "party": "acme", "reports_to": f"p{i - 1}"}
        for i in range(1, 10_000)
    ]
    data = {**yaml.safe_load(MINIMAL), "people": people}
    assert len(loads(json.dumps(data), "json").people) == 10_000
    people[0]["reports_to"] = "p9999"
    sms = loads(json.dumps(data), "json")
    (gap,) = [g for g in find_gaps(sms) if g.kind is GapKind.REPORTING_LINE_CYCLE]
    assert 10_000 == len(gap.subjects)
    assert 10_001 == len(gap.path)


# --- every error is an SMSModelError and a builtin -------------------------------------------


def test_refusals_are_sms_model_errors_and_value_errors() -> None:
    for text in ("", "[]", MINIMAL + "x: !!set {}\n", MINIMAL + "provider: x\n"):
        with pytest.raises(SMSModelError) as caught:
            loads(text)
        assert isinstance(caught.value, ValueError)
