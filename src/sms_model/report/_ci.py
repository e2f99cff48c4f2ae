"""Reports for CI systems: JUnit XML and SARIF 2.1.0, so findings show up natively."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any, Final

from sms_model.rules import Assessment, Finding, RuleSpec, Severity, Status, default_registry

__all__ = ["render_junit", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.MAJOR: "error", Severity.MINOR: "warning", Severity.OBSERVATION: "note"}
INFORMATION_URI = "https://pypi.org/project/sms-model/"

#: Finds the file position of an entity id: (line, column), or None.
Locator = Callable[[str], "tuple[int, int] | None"]


# Characters XML 1.0 cannot hold at all (escaping does not help); ids and names read from JSON
# may contain them (as \u0001 escapes), so they are replaced in the JUnit report.
_NOT_XML: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _case_name(finding: Finding) -> str:
    name = f"{finding.rule} [{', '.join(finding.subjects)}]" if finding.subjects else finding.rule
    return _xml(name)


def render_junit(assessment: Assessment) -> str:
    """JUnit XML: one test suite per clause, one test case per rule and subject; ``fail``
    findings are failures, ``error`` findings errors, waived and not-applicable ones skipped.

    Written with the standard library's ElementTree, which escapes everything it writes.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(render_junit(result).encode())
    >>> root.get("failures") != "0"
    True
    """
    root = ET.Element(
        "testsuites", name=_xml(f"ISO/IEC 20000-1 conformity: {assessment.system_name}")
    )
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for clause, findings in assessment.by_clause().items():
        suite = ET.SubElement(root, "testsuite", name=f"clause {clause}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for finding in findings:
            case = ET.SubElement(
                suite, "testcase", name=_case_name(finding), classname=f"iso20000.{clause}"
            )
            counts["tests"] += 1
            if finding.status is Status.FAIL:
                counts["failures"] += 1
                node = ET.SubElement(
                    case, "failure", message=_xml(finding.message), type=finding.severity.value
                )
                node.text = _xml(_detail(finding))
            elif finding.status is Status.ERROR:
                counts["errors"] += 1
                ET.SubElement(case, "error", message=_xml(finding.message), type="rule-error")
            elif finding.status in (Status.WAIVED, Status.NOT_APPLICABLE):
                counts["skipped"] += 1
                why = f"waived by {finding.waiver}: " if finding.waiver else "not applicable: "
                ET.SubElement(case, "skipped", message=_xml(why + finding.message))
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _detail(finding: Finding) -> str:
    parts = [f"rule {finding.rule}, clause {finding.clause}, severity {finding.severity.value}"]
    if finding.guidance:
        parts.append("guidance: " + ", ".join(finding.guidance))
    if finding.subjects:
        parts.append("subjects: " + ", ".join(finding.subjects))
    if finding.evidence:
        parts.append("evidence: " + ", ".join(finding.evidence))
    return "\n".join(parts)


def render_sarif(
    assessment: Assessment,
    *,
    source: str | None = None,
    locate: Locator | None = None,
    rules: Mapping[str, RuleSpec] | None = None,
) -> str:
    """SARIF 2.1.0: one run, the rules as reporting descriptors, failures (and waived
    failures, as suppressed results) as results located in the SMS file where possible.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> import json
    >>> json.loads(render_sarif(result))["version"]
    '2.1.0'
    """
    known = dict(rules) if rules is not None else {spec.id: spec for spec in default_registry()}
    ids = sorted({f.rule for f in assessment.findings} | set(assessment.rules))
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    descriptors = [_descriptor(rule_id, known.get(rule_id)) for rule_id in ids]
    results = []
    notifications = []
    for finding in assessment.findings:
        if finding.status is Status.ERROR:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": finding.message},
                    "associatedRule": {"id": finding.rule, "index": index[finding.rule]},
                }
            )
        elif finding.status in (Status.FAIL, Status.WAIVED):
            results.append(_result(finding, index[finding.rule], source, locate))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sms-model",
                "version": assessment.library_version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
        "properties": {
            "asOf": assessment.as_of.isoformat(),
            "rulesetVersion": assessment.ruleset_version,
            "inputDigest": assessment.input_digest,
        },
    }
    if source:
        run["artifacts"] = [{"location": {"uri": source}}]
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule_id: str, spec: RuleSpec | None) -> dict[str, Any]:
    if spec is None:
        return {"id": rule_id, "shortDescription": {"text": rule_id}}
    return {
        "id": spec.id,
        "name": spec.function.__name__,
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.description or spec.title},
        "defaultConfiguration": {"level": _LEVEL[spec.severity]},
        "properties": {
            "clause": spec.clause,
            "guidance": list(spec.guidance),
            "tags": ["ISO/IEC 20000-1", f"clause {spec.clause}", *spec.tags],
        },
    }


def _result(
    finding: Finding, rule_index: int, source: str | None, locate: Locator | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "partialFingerprints": {
            "smsFinding/v1": f"{finding.rule}|{'|'.join(finding.subjects)}|{finding.message}"
        },
        "properties": {
            "clause": finding.clause,
            "guidance": list(finding.guidance),
            "subjects": list(finding.subjects),
            "evidence": list(finding.evidence),
        },
    }
    if source:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": source}}}
        position = None
        for subject in finding.subjects:
            position = locate(subject) if locate else None
            if position:
                break
        if position:
            location["physicalLocation"]["region"] = {
                "startLine": position[0],
                "startColumn": position[1],
            }
        if finding.subjects:
            location["logicalLocations"] = [
                {"name": subject, "kind": "object"} for subject in finding.subjects
            ]
        result["locations"] = [location]
    if finding.status is Status.WAIVED:
        result["suppressions"] = [{"kind": "external", "justification": f"waiver {finding.waiver}"}]
    return result
