"""The public readers of waiver and configuration files: paths or text, every problem located."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest

from sms_model import loads
from sms_model.errors import ArgumentError, FileFormatError, ModelValidationError
from sms_model.rules import Config, Waiver, _files, load_config, load_waivers

WAIVER = (
    "- id: w1\n  target: '6.6'\n  justification: tool arrives in Q1\n  approver: ceo\n"
    "  granted: 2026-10-01\n  expires: 2027-03-31\n"
)
EXPECTED = Waiver(
    id="w1",
    target="6.6",
    justification="tool arrives in Q1",
    approver="ceo",
    granted=date(2026, 10, 1),
    expires=date(2027, 3, 31),
)


def test_waivers_are_read_from_a_path_a_pathlike_or_text(tmp_path: Path) -> None:
    file = tmp_path / "waivers.yaml"
    file.write_text(WAIVER)
    as_json = tmp_path / "waivers.json"
    as_json.write_text(json.dumps({"waivers": [{**_plain(), "expires": "2027-03-31"}]}))
    assert (EXPECTED,) == load_waivers(str(file)) == load_waivers(file) == load_waivers(WAIVER)
    assert (EXPECTED,) == load_waivers(as_json)


def _plain() -> dict[str, str]:
    return {
        "id": "w1",
        "target": "6.6",
        "justification": "tool arrives in Q1",
        "approver": "ceo",
        "granted": "2026-10-01",
    }


def test_config_is_read_from_a_path_or_text(tmp_path: Path) -> None:
    text = "waiver_limit: P6M\nrule_timeout: 5\ninterfaces:\n  - [change, configuration]\n"
    file = tmp_path / "config.yml"
    file.write_text(text)
    expected = Config(waiver_limit="P6M", rule_timeout=5, interfaces=(("change", "configuration"),))
    assert expected == load_config(file) == load_config(str(file)) == load_config(text)


@pytest.mark.parametrize("load", [load_waivers, load_config])
@pytest.mark.parametrize("source", ["", "   ", 42, None, b"- id: w1\n"])
def test_nothing_to_read_is_an_argument_error(load: object, source: object) -> None:
    with pytest.raises(ArgumentError):
        load(source)  # type: ignore[operator]


@pytest.mark.parametrize("load", [load_waivers, load_config])
def test_a_missing_file_is_a_file_format_error_naming_it(load: object, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(FileFormatError, match="cannot read the file") as caught:
        load(missing)  # type: ignore[operator]
    assert str(missing) in str(caught.value)


def test_every_wrong_waiver_field_is_reported_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "waivers.yaml"
    file.write_text(
        "- id: w1\n  target: ' '\n  justification: j\n  approver: ceo\n  expires: 2027-02-30\n"
        "  granted: [2026]\n  colour: red\n"
        "- id: w1\n  target: '4'\n  justification: j\n  approver: ceo\n  expires: 2027-01-01\n"
        "- id: w1\n  target: '4'\n  justification: j\n  approver: ceo\n  expires: 2027-01-01\n"
    )
    with pytest.raises(ModelValidationError) as caught:
        load_waivers(file)
    found = _paths_and_lines(caught.value)
    assert {
        ("$[0].colour", "7"),
        ("$[0].target", "2"),
        ("$[0].expires", "5"),
        ("$[0].granted", "6"),
        ("$[2].id", "13"),
    } == found
    assert "in the waivers" in str(caught.value)


def test_every_wrong_config_key_is_reported_with_its_line() -> None:
    text = (
        "cadences:\n  management-review: P0D\n  nothing: P1M\ninterfaces:\n  - [change, lunch]\n"
        "not_applicable: ['9.9.9']\noptions: []\nrule_timeout: 0\nwaiver_limit: forever\nx: 1\n"
    )
    with pytest.raises(ModelValidationError) as caught:
        load_config(text)
    found = _paths_and_lines(caught.value)
    assert {
        ("$.x", "10"),
        ("$.cadences.management-review", "2"),
        ("$.cadences.nothing", "3"),
        ("$.interfaces[0]", "5"),
        ("$.not_applicable[0]", "6"),
        ("$.options", "7"),
        ("$.rule_timeout", "8"),
        ("$.waiver_limit", "9"),
    } == found


def test_text_that_is_not_a_mapping_or_a_list_is_refused() -> None:
    with pytest.raises(ModelValidationError, match="expected a list of waivers"):
        load_waivers("{id: w1}")
    with pytest.raises(ModelValidationError, match="expected a mapping"):
        load_config("[1, 2]")


def _paths_and_lines(error: ModelValidationError) -> set[tuple[str, str]]:
    """Each issue's ``$``-path and the line of its location (``source:line:column``)."""
    return {(issue.path, issue.location.split(":")[1]) for issue in error.issues}


# --- read as the SMS is read: the same converter, the same error reporting -------------------


def test_a_waiver_file_that_is_not_yaml_says_it_is_the_waivers(tmp_path: Path) -> None:
    file = tmp_path / "waivers.yaml"
    file.write_text("- id: w1\n  target: [4\n")
    with pytest.raises(FileFormatError) as caught:
        load_waivers(file)
    assert str(caught.value).startswith(f"{file}: 1 problem in the waivers\n")
    assert [f"{file}:3:1"] == [issue.location for issue in caught.value.issues]


def test_an_unknown_config_key_is_told_the_closest_key_or_every_key() -> None:
    with pytest.raises(ModelValidationError) as caught:
        load_config("waiver_limt: P1M\nx: 1\n")
    assert [
        "<config>:1:14: $.waiver_limt: unknown field; did you mean 'waiver_limit'? "
        "(found 'waiver_limt')",
        "<config>:2:4: $.x: unknown field; expected one of cadences, interfaces, "
        "not_applicable, options, rule_timeout, waiver_limit, look_back (found 'x')",
    ] == [str(issue) for issue in caught.value.issues]


def test_a_wrong_date_says_whether_it_is_no_date_or_not_written_as_one() -> None:
    text = WAIVER.replace("2026-10-01", "2026-02-30").replace("2027-03-31", "31/03/2027")
    with pytest.raises(ModelValidationError) as caught:
        load_waivers(text)
    assert [
        ("$[0].expires", "expected a date as YYYY-MM-DD", "'31/03/2027'"),
        ("$[0].granted", "no such date", "'2026-02-30'"),
    ] == sorted((i.path, i.what, i.found) for i in caught.value.issues)


def test_a_wrong_value_is_told_as_in_the_sms(tmp_path: Path) -> None:
    # One converter: a number where text belongs reads the same in a waiver and in an SMS.
    waiver = WAIVER.replace("approver: ceo", "approver: 42")
    sms = "name: Acme\nprovider: acme\nparties: [{id: acme, name: 42, kind: provider}]\n"
    with pytest.raises(ModelValidationError) as in_waivers:
        load_waivers(waiver)
    with pytest.raises(ModelValidationError) as in_sms:
        loads(sms)
    (a,) = in_waivers.value.issues
    (b,) = in_sms.value.issues
    assert ("$[0].approver", "$.parties[0].name") == (a.path, b.path)
    assert (
        (a.what, a.found, a.code)
        == (b.what, b.found, b.code)
        == (
            "expected a string",
            "int 42",
            "type",
        )
    )


def test_every_wrong_field_of_a_config_is_reported_not_only_the_first() -> None:
    with pytest.raises(ModelValidationError) as caught:
        load_config("rule_timeout: -1\nwaiver_limit: P0D\nlook_back: forever\n")
    assert ["$.rule_timeout", "$.waiver_limit", "$.look_back"] == [
        issue.path for issue in caught.value.issues
    ]


def test_the_readers_use_io_only_through_its_internal_interface() -> None:
    source = Path(_files.__file__).read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {"sms_model.io._internal"} == {m for m in imported if m.startswith("sms_model.io")}
