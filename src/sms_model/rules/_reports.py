"""Reading a JSON assessment report back into an :class:`~sms_model.rules.Assessment`.

Each report format version is read by the same structure (an attrs class per version,
checked by the converter that reads SMS files, so a wrong report gets the same kind of error:
what, where as a ``$``-path and ``file:line:column``, and what was found). Format 1 lacks the
findings' ids, codes and parameters: its findings get the id of their rule and subjects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

import attrs

from sms_model.errors import ArgumentError, Issue, ModelValidationError
from sms_model.rules._findings import Finding, Severity, Status
from sms_model.rules._results import REPORT_FORMAT, Assessment, ClauseVerdict, Findings

__all__ = ["load_assessment", "read_report"]

#: Report format versions this library reads.
READABLE: Final = frozenset({1, REPORT_FORMAT})


@attrs.frozen(kw_only=True)
class _FindingRecord:
    """A finding as a report holds it (:meth:`Finding.to_record`); format 1 has no ``id``,
    ``code``, ``params`` or ``key``."""

    rule: str
    clause: str
    guidance: tuple[str, ...]
    status: Status
    severity: Severity
    message: str
    subjects: tuple[str, ...]
    evidence: tuple[str, ...]
    waiver: str | None
    id: str = ""
    code: str = ""
    params: Mapping[str, Any] = attrs.Factory(dict)
    key: str = ""

    def finding(self) -> Finding:
        # The record's fields are the finding's own arguments, names included.
        return Finding(**attrs.asdict(self, recurse=False))


@attrs.frozen(kw_only=True)
class _Report:
    """A JSON report as written by :meth:`Assessment.to_json`; the counts, failures and PDCA
    summary are derived from the findings, so they are checked for shape only."""

    report_format: int
    system: str
    as_of: date
    library_version: str
    ruleset_version: str
    input_digest: str
    counts: Mapping[str, int]
    failures: Mapping[str, int]
    pdca: Mapping[str, Mapping[str, int]]
    clauses: tuple[ClauseVerdict, ...]
    rules: tuple[str, ...]
    findings: tuple[_FindingRecord, ...]
    edition: str = "2011"  # reports written before editions were assessed against 2011


def _version(data: Any) -> int:
    if not isinstance(data, dict):
        found = type(data).__name__
        issue = Issue(what="expected a JSON object (an assessment report)", found=found)
        raise ModelValidationError([issue], subject="the assessment report")
    version = data.get("report_format")
    if version not in READABLE or isinstance(version, bool):
        issue = Issue(
            what=f"unknown report format; this library reads formats {sorted(READABLE)}",
            path="$.report_format",
            found=repr(version),
        )
        raise ModelValidationError([issue], subject="the assessment report")
    return int(version)


def _build(data: Any) -> Assessment:
    from sms_model.io._convert import structure_as

    _version(data)
    report = structure_as(_Report, data)
    return Assessment(
        edition=report.edition,
        as_of=report.as_of,
        findings=Findings(_findings(report.findings)),
        verdicts=report.clauses,
        rules=report.rules,
        library_version=report.library_version,
        ruleset_version=report.ruleset_version,
        system_name=report.system,
        _digest=report.input_digest,
    )


def _findings(records: tuple[_FindingRecord, ...]) -> list[Finding]:
    found, issues = [], []
    for i, record in enumerate(records):
        try:
            found.append(record.finding())
        except TypeError as exc:  # a parameter that is not plain data (an object, say)
            issues.append(Issue(what=str(exc), path=f"$.findings[{i}].params"))
    if issues:
        raise ModelValidationError(issues, subject="the assessment report")
    return found


def read_report(text: str | bytes, source: str | None = None) -> Assessment:
    """The assessment a JSON report holds (see :meth:`Assessment.from_json`)."""
    from sms_model.io._text import parse_json

    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    if not isinstance(text, str):
        raise ArgumentError(f"expected the text of a JSON report, not {type(text).__name__}")
    document = parse_json(text.removeprefix("\ufeff"), source or "<report>")
    return document.structured(_build, "the assessment report")


def load_assessment(path: str | os.PathLike[str]) -> Assessment:
    """The assessment in a JSON report file written by ``sms-model assess --format json`` or
    :meth:`Assessment.to_json`; errors name the file, line and ``$``-path.

    >>> import sms_model, tempfile, pathlib
    >>> from datetime import date
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 1, 5))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = pathlib.Path(folder, "report.json")
    ...     _ = report.write_text(result.to_json(), encoding="utf-8")
    ...     sms_model.load_assessment(report) == result
    True
    """
    from sms_model.io._api import read_text

    if not isinstance(path, str | os.PathLike):
        raise ArgumentError(f"expected a file path, not {type(path).__name__}")
    return read_report(read_text(Path(path)), os.fspath(path))
