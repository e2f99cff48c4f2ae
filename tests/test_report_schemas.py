"""Reports validate against their schemas: our JSON report schema (committed under docs/schema)
and the official OASIS SARIF 2.1.0 schema (vendored under tests/schemas, with its origin and
licence in the README there)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

import sms_model
from sms_model.io import locator
from sms_model.report import render_sarif
from sms_model.rules import Waiver, assess

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "acme-managed-services.yaml"
REPORT_SCHEMA = json.loads((ROOT / "docs/schema/assessment-report-2.schema.json").read_text())
SARIF_SCHEMA = json.loads(
    (ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
AS_OF = date(2026, 11, 27)


@pytest.fixture(scope="module")
def acme_result() -> sms_model.rules.Assessment:
    waiver = Waiver(
        id="w-risk",
        target="SMS-4.1.1-TM-h",
        justification="retrospective assessment booked",
        approver="ceo",
        expires=date(2027, 1, 31),
    )
    return assess(sms_model.load(ACME), as_of=AS_OF, waivers=[waiver])


def test_the_report_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)


@pytest.mark.parametrize("path", [ACME, ROOT / "examples" / "minimal.yaml"])
def test_json_reports_validate_against_the_report_schema(path: Path) -> None:
    result = assess(sms_model.load(path), as_of=AS_OF)
    jsonschema.validate(json.loads(result.to_json()), REPORT_SCHEMA)


def test_the_report_schema_rejects_a_report_with_an_unknown_status(
    acme_result: sms_model.rules.Assessment,
) -> None:
    data = json.loads(acme_result.to_json())
    data["findings"][0]["status"] = "sort-of"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, REPORT_SCHEMA)


def test_sarif_validates_against_the_official_schema(
    acme_result: sms_model.rules.Assessment,
) -> None:
    text = render_sarif(acme_result, source=str(ACME), locate=locator(ACME, acme_result.sms))
    sarif = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert ["SMS-4.1.1-TM-h"] == [r["ruleId"] for r in suppressed]


def test_sarif_without_a_source_file_still_validates(
    acme_result: sms_model.rules.Assessment,
) -> None:
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(render_sarif(acme_result)))


def test_junit_stays_well_formed_xml_with_control_characters_in_ids() -> None:
    import xml.etree.ElementTree as ET

    from sms_model.report import render_junit

    data = {
        "name": "Odd \u0001 name",
        "provider": "acme",
        "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}],
        "people": [{"id": "p\u0002", "name": "P", "party": "acme"}],
        "top_management": {"members": ["p\u0002"]},
    }
    result = assess(sms_model.loads(json.dumps(data), "json"), as_of=AS_OF)
    root = ET.fromstring(render_junit(result).encode())
    assert root.get("name") == "ISO/IEC 20000-1 conformity: Odd \\x01 name"  # shown, not held
