"""The comparison of two assessments (:class:`sms_model.Diff`) in each built-in report format.

Every format says the same: the regressions first (new failures, and findings that became
failures), then the improvements, then what else changed; persisting findings are counted. Each
value that comes from an SMS file is escaped for its medium, as in the assessment reports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Final

from sms_model.report._ci import _case_names, _xml, junit_classname, render_sarif
from sms_model.report._escape import html_text, markdown_code, markdown_text, terminal_text
from sms_model.rules import Assessment, Diff, Finding, Severity

__all__ = ["DIFF_FORMATS", "render_diff"]


def _label(finding: Finding) -> str:
    return f"{finding.status.value} {finding.severity.value}"


def _line(finding: Finding) -> str:
    subjects = f" [{', '.join(finding.subjects)}]" if finding.subjects else ""
    return f"{finding.rule}{subjects} ({finding.clause}, {_label(finding)}): {finding.message}"


def _sections(change: Diff, threshold: Severity) -> list[tuple[str, list[Finding]]]:
    regressions = list(change.regressions(threshold))
    improvements = list(change.improvements)
    shown = {f.id for f in regressions} | {f.id for f in improvements}
    other_new = [f for f in change.new if f.id not in shown]
    other_changed = [new for _, new in change.changed if new.id not in shown]
    return [
        ("New or worse failures", regressions),
        ("Resolved failures", improvements),
        ("Other new findings", other_new),
        ("Other changed findings", other_changed),
    ]


def _headline(change: Diff, threshold: Severity) -> str:
    # The edition is named when it is not 2011, whose headlines stay as they were.
    against = "" if change.edition == "2011" else f" (ISO/IEC 20000-1:{change.edition})"
    return (
        f"{change.system}{against}: {change.old_as_of.isoformat()} -> "
        f"{change.new_as_of.isoformat()}: "
        f"{len(change.regressions(threshold))} new or worse failures, "
        f"{len(change.improvements)} resolved, {len(change.new)} new, {len(change.resolved)} "
        f"gone, {len(change.changed)} changed, {len(change.persisting)} persisting findings"
    )


def _text(change: Diff, threshold: Severity) -> str:
    lines = [terminal_text(_headline(change, threshold)), ""]
    for title, findings in _sections(change, threshold):
        if findings:
            lines.append(f"{title}:")
            lines.extend(f"  {terminal_text(_line(f))}" for f in findings)
            lines.append("")
    return "\n".join(lines)


def _markdown(change: Diff, threshold: Severity) -> str:
    md = markdown_text
    lines = [f"# {md(change.system)}: what changed", "", md(_headline(change, threshold)), ""]
    for title, findings in _sections(change, threshold):
        lines += [f"## {title}", ""]
        if not findings:
            lines += ["None.", ""]
            continue
        lines += ["| Rule | Clause | Status | Subjects | Message |", "|---|---|---|---|---|"]
        lines += [
            f"| {markdown_code(f.rule)} | {md(f.clause)} | {md(_label(f))} | "
            f"{', '.join(markdown_code(s) for s in f.subjects)} | {md(f.message)} |"
            for f in findings
        ]
        lines.append("")
    return "\n".join(lines)


def _html(change: Diff, threshold: Severity) -> str:
    e = html_text
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(change.system)}: what changed</title></head><body>",
        f"<h1>{e(change.system)}: what changed</h1>",
        f"<p>{e(_headline(change, threshold))}</p>",
    ]
    for title, findings in _sections(change, threshold):
        parts.append(f"<h2>{e(title)}</h2>")
        if not findings:
            parts.append("<p>None.</p>")
            continue
        parts.append(
            "<table><thead><tr><th>Rule</th><th>Clause</th><th>Status</th><th>Subjects</th>"
            "<th>Message</th></tr></thead><tbody>"
        )
        parts.extend(
            f"<tr><td><code>{e(f.rule)}</code></td><td>{e(f.clause)}</td><td>{e(_label(f))}</td>"
            f"<td>{e(', '.join(f.subjects))}</td><td>{e(f.message)}</td></tr>"
            for f in findings
        )
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _junit(change: Diff, threshold: Severity) -> str:
    """One suite per section: regressions fail, the rest pass (a resolved failure is a test
    that passes now), so a CI page shows the new failures as failed tests."""
    root = ET.Element("testsuites", name=_xml(f"ISO/IEC 20000-1 changes: {change.system}"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for number, (title, findings) in enumerate(_sections(change, threshold)):
        suite = ET.SubElement(root, "testsuite", name=title)
        failing = number == 0
        for finding, name in zip(findings, _case_names(findings), strict=True):
            case = ET.SubElement(
                suite,
                "testcase",
                name=name,
                classname=_xml(junit_classname(finding.clause, change.edition)),
            )
            if failing:
                node = ET.SubElement(
                    case, "failure", message=_xml(finding.message), type=finding.severity.value
                )
                node.text = _xml(_line(finding))
        counts = {"tests": len(findings), "failures": len(findings) if failing else 0, "errors": 0}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _json(change: Diff, threshold: Severity) -> str:
    return change.to_json(threshold)


#: The formats a comparison can be written in, and how.
DIFF_FORMATS: Final[dict[str, Callable[[Diff, Severity], str]]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
    "html": _html,
    "junit": _junit,
}


def render_diff(
    change: Diff,
    format: str = "text",
    *,
    threshold: Severity = Severity.OBSERVATION,
    new: Assessment | None = None,
) -> str:
    """The comparison ``change`` in a report format: ``text``, ``markdown``, ``json``, ``html``,
    ``junit`` or ``sarif``. ``threshold`` is the lowest severity counted as a regression (the
    ``--fail-on`` of ``sms-model diff``). SARIF needs ``new``, the later assessment: it is that
    assessment's SARIF report with each result's ``baselineState``, plus the failures that went
    away as ``absent`` results, which is how code scanning tools read a comparison.

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> old, new = (sms_model.assess(sms, as_of=date(2026, m, 1)) for m in (1, 12))
    >>> render_diff(sms_model.diff(old, new)).splitlines()[0].startswith("Minimal SMS: 2026-01-01")
    True
    """
    if format == "sarif":
        if new is None:
            raise ValueError("a comparison in SARIF needs the new assessment (new=...)")
        return render_sarif(new, baseline=change)
    renderer = DIFF_FORMATS.get(format)
    if renderer is None:
        known = ", ".join([*DIFF_FORMATS, "sarif"])
        raise ValueError(f"a comparison cannot be written as {format!r}; use one of {known}")
    return renderer(change, threshold)
