"""Reading a file that is not a valid SMS reports every problem, where it is (``$``-path and
``file:line:column``) and what was found; hostile files are refused safely and with bounded
work (counted in function calls, never timed: see ``tests/robustness/test_hostile_input.py``)."""

from __future__ import annotations

import builtins
from pathlib import Path

import attrs
import pytest
import yaml

from sms_model import (
    FileFormatError,
    ModelValidationError,
    UnknownReferenceError,
    load,
    loads,
)
from sms_model.model import TopManagement
from tests.robustness.robustness_support import refused_within_budget

#: Four lines of a valid SMS in YAML; tests append a broken fifth line onwards.
BASE = "name: Acme\nprovider: acme\nparties:\n- {id: acme, name: Acme, kind: provider}\n"
HEAD = "1 problem in the service management system"


def _error(tmp_path: Path, text: str, name: str = "sms.yaml") -> tuple[str, ModelValidationError]:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ModelValidationError) as caught:
        load(file)
    return str(file), caught.value


def _message(source: str, *problems: str) -> str:
    noun = "problem" if len(problems) == 1 else "problems"
    lines = [f"{source}: {len(problems)} {noun} in the service management system"]
    lines.extend(f"  - {problem}" for problem in problems)
    return "\n".join(lines)


# --- syntax and duplicate keys ---------------------------------------------------------------


def test_yaml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    file, error = _error(tmp_path, "name: Acme\nprovider: [acme\n")
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}:3:1: $: not valid YAML: did not find expected ',' or ']'")
    assert expected == str(error)


def test_json_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    file, error = _error(tmp_path, '{"name": "Acme",\n "provider": }', "sms.json")
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}:2:14: $: not valid JSON: Expecting value")
    assert expected == str(error)


def test_duplicate_yaml_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE + "name: Other\n")
    expected = _message(file, f"{file}:5:1: $.name: duplicate key, first at line 1 (found 'name')")
    assert expected == str(error)


def test_duplicate_nested_yaml_key_is_refused_with_its_path(tmp_path: Path) -> None:
    text = "name: Acme\nprovider: acme\nparties:\n- id: acme\n  name: A\n  id: b\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file, f"{file}:6:3: $.parties[0].id: duplicate key, first at line 4 (found 'id')"
    )
    assert expected == str(error)


def test_duplicate_json_key_is_refused_with_its_position(tmp_path: Path) -> None:
    text = '{"name": "Acme",\n "provider": "acme",\n "name": "Other"}'
    file, error = _error(tmp_path, text, "sms.json")
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}:3:2: $.name: duplicate key, first at line 1 (found 'name')")
    assert expected == str(error)


# --- fields and types ------------------------------------------------------------------------


def test_unknown_field_suggests_the_closest_known_one(tmp_path: Path) -> None:
    text = BASE + "people:\n- id: ann\n  name: Ann\n  party: acme\n  report_to: acme\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file,
        f"{file}:9:14: $.people[0].report_to: unknown field; did you mean 'reports_to'? "
        "(found 'report_to')",
    )
    assert expected == str(error)


def test_unknown_top_level_field_without_a_close_match(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE + "colour: blue\n")
    expected = _message(file, f"{file}:5:9: $.colour: unknown field (found 'colour')")
    assert expected == str(error)


def test_string_where_a_list_is_expected(tmp_path: Path) -> None:
    text = BASE + "people:\n- id: ann\n  name: Ann\n  party: acme\n  competences: itil\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file, f"{file}:9:16: $.people[0].competences: expected a list (found 'itil')"
    )
    assert expected == str(error)


def test_number_where_a_string_is_expected(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE.replace("name: Acme\n", "name: 42\n", 1))
    expected = _message(file, f"{file}:1:7: $.name: expected a string (found int 42)")
    assert expected == str(error)


def test_boolean_where_a_whole_number_is_expected(tmp_path: Path) -> None:
    text = BASE + "risks:\n- id: r1\n  title: Outage\n  likelihood: true\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file, f"{file}:8:15: $.risks[0].likelihood: expected a whole number (found bool True)"
    )
    assert expected == str(error)


def test_list_where_a_mapping_is_expected(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE + "top_management: [ceo]\n")
    expected = _message(
        file, f"{file}:5:17: $.top_management: expected a mapping (found list ['ceo'])"
    )
    assert expected == str(error)


def test_json_wrong_type_is_located_in_the_json_text(tmp_path: Path) -> None:
    text = '{"name": "Acme", "provider": "acme",\n "parties": [{"id": "acme", "name": 5}]}'
    file, error = _error(tmp_path, text, "sms.json")
    expected = _message(
        file,
        f"{file}:2:37: $.parties[0].name: expected a string (found int 5)",
        f"{file}:2:14: $.parties[0].kind: missing required field",
    )
    assert expected == str(error)


def test_bad_enum_value_lists_the_allowed_values(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE.replace("kind: provider", "kind: vendor"))
    expected = _message(
        file,
        f"{file}:4:32: $.parties[0].kind: expected one of 'provider', 'internal_group', "
        "'customer', 'supplier', 'other' (found 'vendor')",
    )
    assert expected == str(error)


def test_impossible_date_is_refused(tmp_path: Path) -> None:
    text = BASE + "evidence:\n- id: e1\n  kind: minutes\n  effective: 2024-02-30\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file, f"{file}:8:14: $.evidence[0].effective: no such date (found '2024-02-30')"
    )
    assert expected == str(error)


def test_date_must_be_written_as_year_month_day(tmp_path: Path) -> None:
    text = BASE + "evidence:\n- id: e1\n  kind: minutes\n  effective: 31/01/2024\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file,
        f"{file}:8:14: $.evidence[0].effective: expected a date as YYYY-MM-DD (found '31/01/2024')",
    )
    assert expected == str(error)


def test_datetime_without_utc_offset_is_refused(tmp_path: Path) -> None:
    text = (
        BASE + "evidence:\n- id: e1\n  kind: minutes\n  effective: 2024-02-01\n"
        "  collected: 2024-02-01T10:00:00\n"
    )
    file, error = _error(tmp_path, text)
    expected = _message(
        file,
        f"{file}:9:14: $.evidence[0].collected: the date and time needs a UTC offset "
        "(e.g. +00:00 or Z) (found '2024-02-01T10:00:00')",
    )
    assert expected == str(error)


def test_datetime_with_utc_offset_is_read() -> None:
    text = (
        BASE + "evidence:\n- id: e1\n  kind: minutes\n  effective: 2024-02-01\n"
        "  collected: 2024-02-01T10:00:00+02:00\n"
    )
    collected = loads(text).evidence[0].collected
    assert collected is not None
    expected = "2024-02-01T08:00:00+00:00"
    assert expected == collected.astimezone(__import__("datetime").UTC).isoformat()


def test_entity_validator_problem_is_located(tmp_path: Path) -> None:
    file, error = _error(tmp_path, BASE + "risks:\n- {id: r1, title: Outage, impact: 9}\n")
    expected = _message(
        file, f"{file}:6:35: $.risks[0].impact: must be a whole number from 1 to 5 (found 9)"
    )
    assert expected == str(error)


def test_every_field_an_entity_validator_refuses_is_reported_not_only_the_first(
    tmp_path: Path,
) -> None:
    text = BASE + "risks:\n- {id: ' ', title: Outage, likelihood: 0, impact: 9}\n"
    file, error = _error(tmp_path, text)
    expected = _message(
        file,
        f"{file}:6:8: $.risks[0].id: must be a non-empty string (found ' ')",
        f"{file}:6:40: $.risks[0].likelihood: must be a whole number from 1 to 5 (found 0)",
        f"{file}:6:51: $.risks[0].impact: must be a whole number from 1 to 5 (found 9)",
    )
    assert expected == str(error)


def test_unknown_field_of_a_small_entity_without_a_close_match_lists_its_fields(
    tmp_path: Path,
) -> None:
    file, error = _error(tmp_path, BASE + "top_management: {members: [], colour: blue}\n")
    fields = ", ".join(a.name for a in attrs.fields(TopManagement) if a.init)
    expected = _message(
        file,
        f"{file}:5:39: $.top_management.colour: unknown field; expected one of {fields} "
        "(found 'colour')",
    )
    assert expected == str(error)


def test_dangling_reference_in_a_file_is_located(tmp_path: Path) -> None:
    text = BASE + "processes:\n- id: p1\n  kind: change\n  owner: bob\n"
    file, error = _error(tmp_path, text)
    assert UnknownReferenceError is type(error)
    expected = _message(
        file,
        f"{file}:8:10: $.processes[0].owner: unknown person or role: no person or role has "
        "this id (found 'bob')",
    )
    assert expected == str(error)


# --- numbers that are not numbers ------------------------------------------------------------


@pytest.mark.parametrize(("literal", "column"), [("NaN", 11), ("Infinity", 11), ("-Infinity", 11)])
def test_json_nan_and_infinity_are_refused(tmp_path: Path, literal: str, column: int) -> None:
    text = '{"name": "Acme",\n "x": ' + literal + "}"
    file, error = _error(tmp_path, text, "sms.json")
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}:2:7: $: not valid JSON: {literal} is not a finite number")
    assert expected == str(error)


@pytest.mark.parametrize("literal", [".nan", ".inf", "-.inf", ".NaN"])
def test_yaml_nan_and_infinity_are_refused(tmp_path: Path, literal: str) -> None:
    text = BASE + f"risks:\n- id: r1\n  title: Outage\n  likelihood: {literal}\n"
    file, error = _error(tmp_path, text)
    assert FileFormatError is type(error)
    expected = _message(
        file, f"{file}:8:15: $.risks[0].likelihood: not a finite number (found '{literal}')"
    )
    assert expected == str(error)


# --- the shape of the document ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("sms.yaml", "- name: Acme\n", "list [{'name': 'Acme'}]"),
        ("sms.json", "[1, 2]", "list [1, 2]"),
    ],
)
def test_top_level_list_is_refused(tmp_path: Path, name: str, text: str, found: str) -> None:
    file, error = _error(tmp_path, text, name)
    expected = _message(
        file, f"{file}:1:1: $: expected a mapping of the SMS at the top level (found {found})"
    )
    assert expected == str(error)


@pytest.mark.parametrize(
    ("name", "text"),
    [("sms.yaml", ""), ("sms.yaml", "  \n# nothing but a comment\n"), ("sms.json", "\n")],
)
def test_empty_file_is_refused(tmp_path: Path, name: str, text: str) -> None:
    file, error = _error(tmp_path, text, name)
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}: $: empty document: expected a mapping of the SMS")
    assert expected == str(error)


@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_byte_order_mark_is_accepted(tmp_path: Path, name: str) -> None:
    text = (
        BASE
        if name.endswith("yaml")
        else '{"name": "Acme", "provider": "acme",'
        + (' "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}]}')
    )
    file = tmp_path / name
    file.write_bytes(b"\xef\xbb\xbf" + text.encode())
    expected = "Acme"
    assert expected == load(file).name


def test_byte_order_mark_is_accepted_by_loads() -> None:
    expected = "Acme"
    assert expected == loads("\ufeff" + BASE).name


def test_bytes_that_are_not_utf8_are_refused_with_their_position(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    file.write_bytes(b"name: Acme\nprovider: ac\xffme\n")
    with pytest.raises(FileFormatError) as caught:
        load(file)
    expected = _message(str(file), f"{file}:2:13: $: not UTF-8 text (found byte b'\\xff')")
    assert expected == str(caught.value)


def test_latin1_file_is_refused_at_its_first_non_utf8_byte(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    file.write_bytes((BASE + "people:\n- {id: zoe, name: Zoé, party: acme}\n").encode("latin-1"))
    with pytest.raises(FileFormatError) as caught:
        load(file)
    expected = _message(str(file), f"{file}:6:21: $: not UTF-8 text (found byte b'\\xe9')")
    assert expected == str(caught.value)


def test_missing_file_is_reported_as_unreadable(tmp_path: Path) -> None:
    file = tmp_path / "missing.yaml"
    with pytest.raises(FileFormatError) as caught:
        load(file)
    expected = _message(str(file), f"{file}: $: cannot read the file: No such file or directory")
    assert expected == str(caught.value)


# --- hostile content -------------------------------------------------------------------------


def _mkdir_payload(target: Path) -> str:
    # Creates the folder ``target`` when constructed by an unsafe YAML loader.
    return f"!!python/object/apply:os.mkdir ['{target}']"


def test_python_object_tag_payload_is_live_with_an_unsafe_loader(tmp_path: Path) -> None:
    # Guards the next test: the payload really does act when an unsafe loader builds it.
    target = tmp_path / "created-by-unsafe-loader"
    yaml.unsafe_load(f"name: {_mkdir_payload(target)}\n")
    assert target.exists()


def test_python_object_tag_is_refused_and_not_executed(tmp_path: Path) -> None:
    target = tmp_path / "must-not-exist"
    file, error = _error(tmp_path, f"name: {_mkdir_payload(target)}\nprovider: acme\n")
    assert not target.exists()
    expected = _message(
        file,
        f"{file}:1:7: $.name: tag not allowed "
        "(found 'tag:yaml.org,2002:python/object/apply:os.mkdir')",
    )
    assert expected == str(error)


_SET_GLOBAL = (
    "!!python/object/apply:builtins.exec ['import builtins; builtins.sms_model_was_here = 1']"
)


def test_global_setting_payload_is_live_with_an_unsafe_loader() -> None:
    # Guards the next test: the payload really does set the global when built unsafely.
    try:
        yaml.unsafe_load(f"x: {_SET_GLOBAL}\n")
        assert hasattr(builtins, "sms_model_was_here")
    finally:
        if hasattr(builtins, "sms_model_was_here"):
            delattr(builtins, "sms_model_was_here")


def test_python_tag_setting_a_global_is_refused_and_not_executed() -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(f"name: Acme\nprovider: acme\nmeetings: [{_SET_GLOBAL}]\n")
    assert not hasattr(builtins, "sms_model_was_here")
    expected = [("$.meetings[0]", "tag", "<string>:3:12")]
    assert expected == [(i.path, i.code, i.location) for i in caught.value.issues]


@pytest.mark.parametrize(
    "tag", ["!!python/object:collections.OrderedDict {a: 1}", "!!python/name:os.system", "!x 1"]
)
def test_any_non_core_tag_is_refused(tag: str) -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(f"name: {tag}\nprovider: acme\n")
    expected = [("$.name", "tag", "tag not allowed")]
    assert expected == [(i.path, i.code, i.what) for i in caught.value.issues]


def _alias_bomb() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def test_alias_bomb_is_refused_with_bounded_work(tmp_path: Path) -> None:
    # Expanded, the bomb is 9 ** 9 strings. Refused at the expansion allowance, it costs tens
    # of thousands of function calls, within the refusal budget (what the allowance may cost
    # plus four calls a character), however fast or slow the machine is.
    text = _alias_bomb()
    file = tmp_path / "sms.yaml"
    file.write_text(text, encoding="utf-8")
    error = refused_within_budget(file, text)
    assert FileFormatError is type(error)
    (issue,) = error.issues
    expected = ("alias-bomb", "aliases expand beyond any reasonable size (an alias bomb?)")
    assert expected == (issue.code, issue.what)
    assert issue.location is not None
    assert issue.location.startswith(f"{file}:")


def test_nesting_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    file, error = _error(tmp_path, "name: Acme\nx: " + "[" * 70 + "]" * 70 + "\n")
    assert FileFormatError is type(error)
    expected = _message(file, f"{file}:2:68: $.x{'[0]' * 64}: nested more than 64 levels deep")
    assert expected == str(error)


@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_extreme_nesting_is_refused_without_crashing(tmp_path: Path, name: str) -> None:
    text = '{"name": "Acme", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    _, error = _error(tmp_path, text, name)
    assert FileFormatError is type(error)
    assert error.issues[0].code in {"syntax", "too-deep"}


def test_merge_keys_are_applied_and_explicit_keys_win() -> None:
    text = BASE + (
        "- &supplier {id: globex, name: Globex, kind: supplier, interested: false}\n"
        "- <<: *supplier\n  id: initech\n  name: Initech\n"
    )
    sms = loads(text)
    expected = [("initech", "Initech", "supplier", False)]
    assert expected == [
        (p.id, p.name, p.kind.value, p.interested) for p in sms.parties if p.id == "initech"
    ]


def test_merge_of_a_list_of_mappings_takes_earlier_ones_first() -> None:
    text = BASE + (
        "- &one {id: one, name: One, kind: supplier}\n"
        "- &two {id: two, name: Two, kind: customer}\n"
        "- {<<: [*one, *two], id: three}\n"
    )
    three = loads(text).get("three")
    expected = ("One", "supplier")
    assert expected == (three.name, three.kind.value)


def test_merge_of_a_scalar_is_refused() -> None:
    with pytest.raises(FileFormatError) as caught:
        loads(BASE + "- {<<: 3, id: x, name: X, kind: other}\n")
    expected = [("merge", "a merge key takes mappings", "3")]
    assert expected == [(i.code, i.what, i.found) for i in caught.value.issues]


def test_mapping_key_that_is_not_a_scalar_is_refused() -> None:
    with pytest.raises(FileFormatError) as caught:
        loads("{? [a, b] : 1, name: Acme}\n")
    expected = ["<string>:1:4: $: mapping keys must be plain scalars"]
    assert expected == [str(issue) for issue in caught.value.issues]


# --- many problems at once -------------------------------------------------------------------


def test_several_problems_are_reported_together_in_file_order(tmp_path: Path) -> None:
    text = (
        "name: Acme\nprovider: acme\nparties:\n- id: acme\n  name: Acme\n  kind: vendor\n"
        "people:\n- id: ann\n  name: 7\n  party: acme\n  reprts_to: x\n"
    )
    file, error = _error(tmp_path, text)
    assert ModelValidationError is type(error)
    expected = _message(
        file,
        f"{file}:6:9: $.parties[0].kind: expected one of 'provider', 'internal_group', "
        "'customer', 'supplier', 'other' (found 'vendor')",
        f"{file}:9:9: $.people[0].name: expected a string (found int 7)",
        f"{file}:11:14: $.people[0].reprts_to: unknown field; did you mean 'reports_to'? "
        "(found 'reprts_to')",
    )
    assert expected == str(error)


def test_several_file_format_problems_are_reported_together() -> None:
    text = "name: !!python/name:os.system\nprovider: acme\nprovider: acme\n"
    with pytest.raises(FileFormatError) as caught:
        loads(text, source="sms.yaml")
    expected = [
        "sms.yaml:1:7: $.name: tag not allowed (found 'tag:yaml.org,2002:python/name:os.system')",
        "sms.yaml:3:1: $.provider: duplicate key, first at line 2 (found 'provider')",
    ]
    assert expected == [str(issue) for issue in caught.value.issues]


def test_loads_without_source_says_string() -> None:
    with pytest.raises(ModelValidationError) as caught:
        loads(BASE + "colour: blue\n")
    expected = f"{HEAD}\n  - <string>:5:9: $.colour: unknown field (found 'colour')"
    assert expected == str(caught.value)


@pytest.mark.parametrize("value", ["2", "true", "1.0", "'1'"])
def test_format_version_other_than_the_whole_number_one_is_refused(value: str) -> None:
    # true == 1 and 1.0 == 1 in Python, yet neither is the version this library writes.
    with pytest.raises(ModelValidationError) as caught:
        loads(f"format_version: {value}\n" + BASE)
    expected = [
        (
            "$.format_version",
            "version",
            "unsupported format_version (this library reads 1)",
            "<string>:1:17",
        )
    ]
    assert expected == [(i.path, i.code, i.what, i.location) for i in caught.value.issues]


# --- values too large or impossible to hold ---------------------------------------------------


def test_yaml_number_longer_than_100_characters_is_refused(tmp_path: Path) -> None:
    file, error = _error(
        tmp_path, BASE + "risks:\n- {id: r, title: t, likelihood: " + "1" * 101 + "}\n"
    )
    assert FileFormatError is type(error)
    expected = _message(
        file,
        f"{file}:6:33: $.risks[0].likelihood: a number longer than 100 characters "
        "(found 101 characters)",
    )
    assert expected == str(error)


@pytest.mark.parametrize(
    ("number", "what"),
    [("9" * 101, "a number longer than 100 characters"), ("1e400", "1e400 is not a finite number")],
)
def test_json_number_too_long_or_overflowing_is_refused(
    tmp_path: Path, number: str, what: str
) -> None:
    file, error = _error(tmp_path, '{"name": "Acme",\n "x": ' + number + "}", "sms.json")
    expected = _message(file, f"{file}:2:7: $: not valid JSON: {what}")
    assert expected == str(error)


def test_json_lone_surrogate_escape_is_refused() -> None:
    text = '{"name": "\\ud800", "provider": "acme"}'
    with pytest.raises(ModelValidationError) as caught:
        loads(text, "json")
    expected = [
        "<string>:1:10: $.name: text with a lone surrogate, which UTF-8 cannot hold "
        "(found '\\ud800')"
    ]
    assert expected == [str(issue) for issue in caught.value.issues]


def test_json_escaped_astral_character_keeps_later_positions() -> None:
    text = (
        '{"name": "\\ud83d\\ude00", "provider": "acme",'
        ' "parties": [{"id": "acme", "name": 1, "kind": "provider"}]}'
    )
    with pytest.raises(ModelValidationError) as caught:
        loads(text, "json")
    expected = ["<string>:1:81: $.parties[0].name: expected a string (found int 1)"]
    assert expected == [str(issue) for issue in caught.value.issues]


def test_datetime_whose_utc_instant_is_before_year_one_is_refused() -> None:
    text = BASE + (
        "evidence:\n- id: e\n  kind: k\n  effective: 2024-01-01\n"
        "  collected: '0001-01-01T00:00:00+05:00'\n"
    )
    with pytest.raises(ModelValidationError) as caught:
        loads(text)
    expected = [
        "<string>:9:14: $.evidence[0].collected: the date and time lies outside years 1 to 9999 "
        "in UTC (found '0001-01-01T00:00:00+05:00')"
    ]
    assert expected == [str(issue) for issue in caught.value.issues]
