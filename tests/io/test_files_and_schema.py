"""Files: the format follows the suffix, writing is atomic, and the JSON Schema describes every
file the library writes (and is committed, up to date, under docs/schema/)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from jsonschema import Draft202012Validator

from sms_model import (
    FileFormatError,
    ServiceManagementSystem,
    dump,
    dumps,
    json_schema,
    load,
    loads,
)
from sms_model.model import Party, PartyKind, Person, TopManagement
from sms_model.testing import sms_models

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_SCHEMA = ROOT / "docs" / "schema" / "sms.schema.json"
YAML_TEXT = "name: Acme\nprovider: acme\nparties:\n- {id: acme, name: Acme, kind: provider}\n"


def _sms() -> ServiceManagementSystem:
    return ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
        people=(Person(id="ceo", name="Zoé", party="acme"),),
        top_management=TopManagement(members=("ceo",)),
    )


# --- the format follows the suffix -----------------------------------------------------------


@pytest.mark.parametrize("name", ["sms.yaml", "sms.yml", "sms.YAML", "sms.txt", "sms"])
def test_load_reads_yaml_unless_the_suffix_is_json(tmp_path: Path, name: str) -> None:
    file = tmp_path / name
    file.write_text(YAML_TEXT, encoding="utf-8")
    expected = "Acme"
    assert expected == load(file).name


@pytest.mark.parametrize("name", ["sms.json", "sms.JSON"])
def test_load_reads_json_when_the_suffix_is_json(tmp_path: Path, name: str) -> None:
    file = tmp_path / name
    file.write_text(YAML_TEXT, encoding="utf-8")  # YAML, which is not JSON
    with pytest.raises(FileFormatError) as caught:
        load(file)
    expected = [f"{file}:1:1: $: not valid JSON: Expecting value"]
    assert expected == [str(issue) for issue in caught.value.issues]


def test_explicit_format_overrides_the_suffix(tmp_path: Path) -> None:
    file = tmp_path / "sms.json"
    file.write_text(YAML_TEXT, encoding="utf-8")
    expected = "Acme"
    assert expected == load(file, format="yaml").name


@pytest.mark.parametrize("call", [lambda: loads(YAML_TEXT, "xml"), lambda: dumps(_sms(), "xml")])
def test_loads_and_dumps_refuse_an_unknown_format(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="format must be 'yaml' or 'json', not 'xml'"):
        call()


# --- dump ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sms.yaml", "sms.json"])
def test_dump_then_load_gives_back_the_same_model(tmp_path: Path, name: str) -> None:
    file = tmp_path / name
    dump(_sms(), file)
    assert _sms() == load(file)


def test_dump_writes_json_for_a_json_suffix_and_yaml_otherwise(tmp_path: Path) -> None:
    dump(_sms(), tmp_path / "sms.json")
    dump(_sms(), tmp_path / "sms.yaml")
    expected = (dumps(_sms(), "json"), dumps(_sms(), "yaml"))
    actual = (
        (tmp_path / "sms.json").read_text(encoding="utf-8"),
        (tmp_path / "sms.yaml").read_text(encoding="utf-8"),
    )
    assert expected == actual


def test_dump_writes_utf8_without_escaping(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    dump(_sms(), file)
    assert "name: Zoé" in file.read_bytes().decode("utf-8")


def test_dump_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    file.write_text("old content\n", encoding="utf-8")
    dump(_sms(), file)
    expected = (["sms.yaml"], dumps(_sms()))
    assert expected == (sorted(os.listdir(tmp_path)), file.read_text(encoding="utf-8"))


def test_failed_dump_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "sms.yaml"
    file.write_text("old content\n", encoding="utf-8")

    def refuse(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        dump(_sms(), file)
    expected = (["sms.yaml"], "old content\n")
    assert expected == (sorted(os.listdir(tmp_path)), file.read_text(encoding="utf-8"))


def test_dump_to_an_unknown_format_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "sms.yaml"
    with pytest.raises(ValueError, match="format must be 'yaml' or 'json'"):
        dump(_sms(), file, format="xml")  # type: ignore[arg-type]
    expected: list[str] = []
    assert expected == os.listdir(tmp_path)


def test_dumps_leaves_out_defaults_and_starts_with_the_format_version() -> None:
    expected = (
        "format_version: 1\nname: Acme\nprovider: acme\ntop_management:\n  members:\n  - ceo\n"
        "parties:\n- id: acme\n  name: Acme\n  kind: provider\n"
        "people:\n- id: ceo\n  name: Zoé\n  party: acme\n"
    )
    assert expected == dumps(_sms())


# --- JSON Schema -----------------------------------------------------------------------------


def test_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json_schema())


def test_json_schema_is_a_fresh_copy_each_time() -> None:
    schema = json_schema()
    schema["title"] = "changed"
    expected = "Service management system (sms_model format)"
    assert expected == json_schema()["title"]


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json_schema())


@given(sms=sms_models(max_size=4))
def test_every_dump_satisfies_the_schema(sms: ServiceManagementSystem) -> None:
    # YAML is read back as plain data: dates stay strings, as in JSON.
    documents = [json.loads(dumps(sms, "json")), yaml.safe_load(dumps(sms, "yaml"))]
    expected: list[list[str]] = [[], []]
    assert expected == [[e.message for e in _validator().iter_errors(d)] for d in documents]


def test_schema_rejects_an_unknown_field() -> None:
    data = json.loads(dumps(_sms(), "json"))
    data["parties"][0]["knd"] = "provider"
    errors = list(Draft202012Validator(json_schema()).iter_errors(data))
    expected = [(["parties", 0], "additionalProperties")]
    assert expected == [(list(e.absolute_path), e.validator) for e in errors]


def test_schema_rejects_a_value_outside_an_enumeration() -> None:
    data = json.loads(dumps(_sms(), "json"))
    data["parties"][0]["kind"] = "vendor"
    errors = list(Draft202012Validator(json_schema()).iter_errors(data))
    expected = [(["parties", 0, "kind"], "enum")]
    assert expected == [(list(e.absolute_path), e.validator) for e in errors]


def test_schema_rejects_a_missing_required_field() -> None:
    data = json.loads(dumps(_sms(), "json"))
    del data["provider"]
    errors = list(Draft202012Validator(json_schema()).iter_errors(data))
    expected = [([], "required")]
    assert expected == [(list(e.absolute_path), e.validator) for e in errors]


def test_committed_schema_is_up_to_date() -> None:
    expected = json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"
    actual = COMMITTED_SCHEMA.read_text(encoding="utf-8") if COMMITTED_SCHEMA.exists() else ""
    assert expected == actual, (
        "docs/schema/sms.schema.json is stale; regenerate it with:\n"
        "  python -c 'import json,sms_model; print(json.dumps(sms_model.json_schema(), "
        "indent=2))' > docs/schema/sms.schema.json"
    )
