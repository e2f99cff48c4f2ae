"""The payloads of the injection tests, in every id, name, message, subject, evidence and waiver
id, through the JSON report, JUnit and SARIF: each stays valid against its schema, reads back
with an independent reader as the text it was, and carries nothing its readers act on."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from lxml import etree

from sms_model.report import render_junit, render_sarif
from sms_model.rules import Assessment, Status
from tests.payloads import PAYLOADS
from tests.report.test_markdown_readers import hostile_assessment

ROOT = Path(__file__).resolve().parents[2]
JUNIT_SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "tests/schemas/jenkins-junit-10.xsd")))
SARIF_SCHEMA = json.loads((ROOT / "tests/schemas/sarif-schema-2.1.0.json").read_text("utf-8"))
REPORT_SCHEMA = json.loads(
    (ROOT / "docs/schema/assessment-report-2.schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def hostile() -> Assessment:
    return hostile_assessment()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _failed(case: Any) -> bool:
    return any(isinstance(result, Failure) for result in case.result)


def _unsafe(text: str) -> list[str]:
    """Control, format (bidi) and separator characters a reader would act on or hide."""
    return [c for c in text if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} and c != "\n"]


def test_the_json_report_holds_every_payload_as_written(hostile: Assessment) -> None:
    # JSON is data for programs: values keep exactly what the file held, JSON-escaped.
    data = json.loads(hostile.to_json())
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["system"] == hostile.system_name
    messages = {f["message"] for f in data["findings"]}
    assert {f.message for f in hostile.findings} == messages
    subjects = {s for f in data["findings"] for s in f["subjects"]}
    assert set(PAYLOADS) <= subjects
    waivers = {f.get("waiver") for f in data["findings"] if f["status"] == "waived"}
    assert set(PAYLOADS) <= waivers


def test_junit_with_every_payload_is_valid_and_reads_back(
    hostile: Assessment, tmp_path: Path
) -> None:
    text = render_junit(hostile)
    root = etree.fromstring(text.encode())
    assert JUNIT_SCHEMA.validate(root), JUNIT_SCHEMA.error_log
    (tmp_path / "junit.xml").write_text(text, encoding="utf-8")
    suites = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    failing = [f for f in hostile.findings if f.status is Status.FAIL]
    assert len(failing) == sum(suite.failures for suite in suites)
    failed = {(c.classname, c.name) for s in suites for c in s if _failed(c)}
    assert len(failing) == len(failed)
    # Control and bidi characters arrive as visible escapes, in names and messages alike.
    assert any("\\u202e" in name for _, name in failed)
    assert [] == [c for s in suites for c in s if _unsafe(c.name) or _unsafe(c.classname)]
    assert [] == _unsafe(text)


def test_sarif_with_every_payload_is_valid_and_links_nothing(hostile: Assessment) -> None:
    sarif = json.loads(render_sarif(hostile))
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    assert results
    for result in results:
        text = result["message"]["text"]
        # 3.11.6: [text](target) is an embedded link unless its brackets are escaped.
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text), text
        assert [] == _unsafe(text)
        fingerprint = next(iter(result["partialFingerprints"].values()))
        assert not any(payload in fingerprint for payload in PAYLOADS)
    notifications = sarif["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    assert all(not _unsafe(n["message"]["text"]) for n in notifications)


def test_sarif_messages_unescape_to_the_visible_text(hostile: Assessment) -> None:
    # What a SARIF viewer shows after removing the escapes is the message with control and
    # bidi characters made visible, and every bracket where it was.
    sarif = json.loads(render_sarif(hostile))
    shown = {re.sub(r"\\(.)", r"\1", r["message"]["text"]) for r in sarif["runs"][0]["results"]}
    assert any("[x](javascript:alert(1))" in text for text in shown)
    assert any("\\u202e" in text and "\\x1b[2J" in text for text in shown)
