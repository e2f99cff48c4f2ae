"""Plain-text and Markdown reports of an assessment."""

from __future__ import annotations

from collections.abc import Callable

from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.rules import Assessment, Finding, Severity, Status, Verdict

__all__ = ["render_markdown", "render_text"]

_VERDICT_COLOUR = {
    Verdict.CONFORMING: "32",  # green
    Verdict.MINOR: "33",  # yellow
    Verdict.MAJOR: "31",  # red
    Verdict.NOT_ASSESSED: "2",  # dim
    Verdict.NOT_APPLICABLE: "2",
}
_STATUS_LABEL = {
    Status.FAIL: None,  # the severity is shown instead
    Status.WAIVED: "WAIVED",
    Status.ERROR: "ERROR",
    Status.NOT_APPLICABLE: "N/A",
    Status.PASS: "PASS",
}
_SEVERITY_COLOUR = {Severity.MAJOR: "31", Severity.MINOR: "33", Severity.OBSERVATION: "36"}


def _paint(enabled: bool) -> Callable[[str, str], str]:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if enabled else text

    return paint


def _label(finding: Finding) -> str:
    label = _STATUS_LABEL[finding.status]
    return label if label is not None else finding.severity.value.upper()


def _summary_line(assessment: Assessment) -> str:
    # Rules that could not run count among the failures, at their rule's severity.
    failures = assessment.failure_counts
    counts = assessment.counts
    errors = counts["error"]
    could_not_run = f" (of which {_count(errors, 'rule error')})" if errors else ""
    return (
        f"{_count(len(assessment.rules), 'rule')} run: {failures['major']} major, "
        f"{failures['minor']} minor, {_count(failures['observation'], 'observation')} "
        f"outstanding{could_not_run}; {counts['waived']} waived, {counts['pass']} passed"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render_text(assessment: Assessment, *, colour: bool = False, passed: bool = False) -> str:
    """A report for a terminal: the per-clause verdicts, then the findings worst first.

    Passing findings are left out unless ``passed`` is true; ``colour`` adds ANSI colours.
    Control and bidi characters in names, ids and messages are shown escaped (``\\x1b``,
    ``\\u202e``), so only the report's own colour codes reach the terminal.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> print(render_text(result).splitlines()[0])
    Minimal SMS: conformity to ISO/IEC 20000-1:2011
    """
    paint = _paint(colour)
    esc = terminal_text
    lines = [
        paint(
            f"{esc(assessment.system_name)}: conformity to ISO/IEC 20000-1:{assessment.edition}",
            "1",
        ),
        f"as of {assessment.as_of.isoformat()}; {_summary_line(assessment)}",
        "",
        paint(f"{'Clause':<9} {'Title':<58} Verdict", "1"),
    ]
    for verdict in assessment.verdicts:
        depth = verdict.clause.count(".")
        title = esc(("  " * depth + verdict.title)[:58])
        shown = paint(verdict.verdict.value.replace("_", " "), _VERDICT_COLOUR[verdict.verdict])
        lines.append(f"{esc(verdict.clause):<9} {title:<58} {shown}")
    shown_findings = [f for f in _ordered(assessment) if passed or f.status is not Status.PASS]
    lines += ["", paint(f"Findings ({len(shown_findings)})", "1")]
    if not shown_findings:
        lines.append("  none")
    for finding in shown_findings:
        label = _label(finding)
        code = _SEVERITY_COLOUR[finding.severity] if finding.failed else "2"
        subjects = f" [{', '.join(finding.subjects)}]" if finding.subjects else ""
        lines.append(
            f"  {paint(f'{label:<11}', code)} {esc(finding.clause):<9} {esc(finding.rule)}: "
            f"{esc(finding.message + subjects)}"
        )
    return "\n".join(lines) + "\n"


def _ordered(assessment: Assessment) -> list[Finding]:
    rank = {Status.ERROR: 4, Status.FAIL: 3, Status.WAIVED: 2, Status.NOT_APPLICABLE: 1}

    def key(f: Finding) -> tuple[int, int, tuple[object, ...]]:
        severity = f.severity.rank if f.failed else 0
        return (-rank.get(f.status, 0), -severity, f.sort_key)

    return sorted(assessment.findings, key=key)


def render_markdown(assessment: Assessment) -> str:
    """A Markdown report: summary, per-clause table, findings grouped by clause.

    Written for CommonMark and GitHub Flavored Markdown: every name, id and message is escaped
    (punctuation that could start markup is backslash-escaped, ids are code spans), so none of
    them can add raw HTML, a link, emphasis, a heading or a table cell; line breaks in them
    become spaces.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> "| 4.1.4 | Management representative | major |" in render_markdown(result)
    True
    """
    md, code = markdown_text, markdown_code
    lines = [
        f"# {md(assessment.system_name)}: conformity to ISO/IEC 20000-1:{assessment.edition}",
        "",
        f"Assessed as of **{assessment.as_of.isoformat()}**. {_summary_line(assessment)}.",
        "",
        f"Library {md(assessment.library_version)}, rule set {md(assessment.ruleset_version)}, "
        f"input {code(assessment.input_digest)}.",
        "",
        "## Verdict per clause",
        "",
        "| Clause | Title | Verdict | Failed | Waived | Passed |",
        "|---|---|---|---:|---:|---:|",
    ]
    for v in assessment.verdicts:
        lines.append(
            f"| {md(v.clause)} | {md(v.title)} | {md(v.verdict.value.replace('_', ' '))} | "
            f"{v.counts['fail']} | {v.counts['waived']} | {v.counts['pass']} |"
        )
    lines += ["", "## Findings", ""]
    groups = assessment.by_clause()
    shown = False
    for clause, findings in groups.items():
        notable = [f for f in findings if f.status is not Status.PASS]
        if not notable:
            continue
        shown = True
        lines += [f"### Clause {md(clause)}", ""]
        lines += [_markdown_finding(f) for f in notable]
        lines.append("")
    if not shown:
        lines += ["No failures, waivers or errors.", ""]
    return "\n".join(lines)


def _markdown_finding(f: Finding) -> str:
    detail = []
    if f.subjects:
        detail.append("subjects: " + ", ".join(markdown_code(s) for s in f.subjects))
    if f.evidence:
        detail.append("evidence: " + ", ".join(markdown_code(e) for e in f.evidence))
    if f.guidance:
        detail.append("guidance: " + ", ".join(markdown_text(g) for g in f.guidance))
    if f.waiver:
        detail.append(f"waiver: {markdown_code(f.waiver)}")
    tail = f" ({'; '.join(detail)})" if detail else ""
    return f"- **{_label(f)}** {markdown_code(f.rule)}: {markdown_text(f.message)}{tail}"
