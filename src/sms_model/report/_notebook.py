"""Rich display in notebooks: HTML fragments for a service management system, an assessment
and a collection of findings, and the findings as a pandas DataFrame.

The fragments are plain strings with inline styles only (no scripts, no stylesheets), so
Jupyter, VS Code and static notebook viewers show them alike; every value taken from the model
is escaped. pandas is an optional extra, imported only by :func:`to_dataframe`.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from sms_model.model import RECORD_COLLECTIONS
from sms_model.report._text import _label, _summary_line
from sms_model.rules import Assessment, Finding, Severity, Status, Verdict

if TYPE_CHECKING:
    from sms_model.model import ServiceManagementSystem

__all__ = ["assessment_html", "findings_html", "sms_html", "to_dataframe"]

#: Columns of :func:`to_dataframe`: the keys of :meth:`Finding.to_record`, in its order.
COLUMNS: Final = tuple(
    Finding(rule="-", clause="-", status=Status.PASS, severity=Severity.MINOR, message="")
    .to_record()
    .keys()
)

#: Collections of the SMS counted as records: what was documented, decided or done.
RECORDS: Final = RECORD_COLLECTIONS

_BOX: Final = (
    "font-family:system-ui,sans-serif;font-size:13px;line-height:1.4;color:#1d2430;"
    "border:1px solid #e3e6ea;border-radius:6px;padding:.6rem .8rem;max-width:1100px"
)
_TABLE: Final = "border-collapse:collapse;margin:.3rem 0 .6rem;font-size:12px"
_CELL: Final = "padding:.15rem .5rem;border-bottom:1px solid #e3e6ea;text-align:left"
_HEAD: Final = _CELL + ";background:#f5f6f8"
_MUTED: Final = "color:#6b7280"

#: Badge colours (text, background) by label.
_BADGES: Final = {
    "MAJOR": ("#b3261e", "#fde0dd"),
    "MINOR": ("#a15c00", "#fff0d6"),
    "OBSERVATION": ("#0b5d8c", "#e1f1fb"),
    "WAIVED": ("#555555", "#eeeeee"),
    "N/A": ("#555555", "#eeeeee"),
    "ERROR": ("#ffffff", "#b3261e"),
    "PASS": ("#17703a", "#e3f4e8"),
}
#: Statuses that put a clause in the verdict table of :func:`assessment_html`.
_NOTABLE: Final = ("fail", "waived", "error")
_VERDICT_COLOURS: Final = {
    Verdict.CONFORMING: "#17703a",
    Verdict.MINOR: "#a15c00",
    Verdict.MAJOR: "#b3261e",
    Verdict.NOT_ASSESSED: "#777777",
    Verdict.NOT_APPLICABLE: "#777777",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _badge(label: str) -> str:
    colour, background = _BADGES[label]
    return (
        f"<span style='display:inline-block;padding:0 .35rem;border-radius:.3rem;"
        f"font-size:11px;font-weight:600;color:{colour};background:{background}'>"
        f"{_e(label)}</span>"
    )


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of already escaped cells."""
    head = "".join(f"<th style='{_HEAD}'>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table style='{_TABLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"<code>{_e(i)}</code>" for i in ids)


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def sms_html(sms: ServiceManagementSystem) -> str:
    """A summary card of a service management system: its name, provider, scope and top
    management (ISO/IEC 20000-1:2011, 4.1 and 4.5.1), how many services, processes and records
    it holds, and a table of its processes with kind, owner and operating party (4.2).

    A process with no ``operated_by`` is operated by the provider.

    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem, TopManagement)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme <SMS>",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ...     processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="ceo"),),
    ... )
    >>> card = sms_html(sms)
    >>> "<h3" in card and "Acme &lt;SMS&gt;" in card and "<code>chg</code>" in card
    True
    """
    provider = sms.provider_party
    members = [sms.find(m) for m in sms.top_management.members]
    top = (
        ", ".join(f"{_e(m.name)} (<code>{_e(m.id)}</code>)" for m in members if m is not None)
        or "<em>none named</em>"
    )
    representative = sms.top_management.representative
    if representative is not None:
        top += f"; management representative <code>{_e(representative)}</code>"
    scope = _e(sms.scope.statement) if sms.scope is not None else "<em>no scope defined</em>"
    records = sum(len(getattr(sms, name)) for name in RECORDS)
    detail = ", ".join(
        f"{len(getattr(sms, name))} {name}" for name in RECORDS if getattr(sms, name)
    )
    counts = " &middot; ".join(
        (
            _count(len(sms.services), "service", "services"),
            _count(len(sms.processes), "process", "processes"),
            f"<span title='{_e(detail)}'>{_count(records, 'record', 'records')}</span>",
            _count(len(sms.parties), "party", "parties"),
            _count(len(sms.people), "person", "people"),
        )
    )
    rows = []
    edition = sms.edition.value if sms.edition is not None else "2011"
    for process in sorted(sms.processes, key=lambda p: (p.kind.clause_in(edition), p.id)):
        operator = process.operated_by or sms.provider
        rows.append(
            (
                f"<code>{_e(process.id)}</code>" + (f" {_e(process.name)}" if process.name else ""),
                f"{_e(process.kind.value.replace('_', ' '))} "
                f"<span style='{_MUTED}'>({_e(process.kind.clause_in(edition))})</span>",
                f"<code>{_e(process.owner)}</code>" if process.owner else "<em>none</em>",
                f"<code>{_e(operator)}</code>"
                + ("" if operator == sms.provider else " <em>(other party)</em>"),
            )
        )
    table = (
        _table(("Process", "Kind (clause)", "Owner", "Operated by"), rows)
        if rows
        else "<p><em>No processes.</em></p>"
    )
    return (
        f"<div class='sms-model sms' style='{_BOX}'>"
        f"<h3 style='margin:.2rem 0'>{_e(sms.name)}</h3>"
        f"<p style='margin:.2rem 0'>Service provider <strong>{_e(provider.name)}</strong> "
        f"(<code>{_e(provider.id)}</code>)<br>Scope: {scope}<br>Top management: {top}</p>"
        f"<p style='margin:.2rem 0;{_MUTED}'>{counts}</p>{table}</div>"
    )


def findings_html(findings: Sequence[Finding]) -> str:
    """A table of findings, in the order given: status or severity, clause, rule, message,
    subjects, evidence, guidance and waiver.

    >>> from sms_model.rules import Finding, Severity, Status
    >>> f = Finding(rule="SMS-4.1.4-1", clause="4.1.4", status=Status.FAIL,
    ...             severity=Severity.MAJOR, message="no <b>representative</b>")
    >>> table = findings_html([f])
    >>> "MAJOR" in table and "no &lt;b&gt;representative&lt;/b&gt;" in table
    True
    >>> "No findings" in findings_html([])
    True
    """
    if not findings:
        return f"<div class='sms-model findings' style='{_BOX}'><em>No findings.</em></div>"
    rows = [
        (
            _badge(_label(f)),
            _e(f.clause),
            f"<code>{_e(f.rule)}</code>",
            _e(f.message),
            _ids(f.subjects),
            _ids(f.evidence),
            _e(", ".join(f.guidance)),
            f"<code>{_e(f.waiver)}</code>" if f.waiver else "",
        )
        for f in findings
    ]
    headers = ("", "Clause", "Rule", "Finding", "Subjects", "Evidence", "Guidance", "Waiver")
    return (
        f"<div class='sms-model findings' style='{_BOX}'>"
        f"<p style='margin:.2rem 0;{_MUTED}'>{_count(len(findings), 'finding', 'findings')}</p>"
        f"{_table(headers, rows)}</div>"
    )


def assessment_html(assessment: Assessment) -> str:
    """An assessment at a glance: a summary line, the verdict of every clause whose rules
    failed, were waived or errored (with their counts), and a table of the failures (unwaived
    failures and rules that could not run), worst first (ISO/IEC 20000-1:2011, Clauses 4 to 9).

    >>> from datetime import date
    >>> import sms_model
    >>> from sms_model.rules import assess
    >>> result = assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> fragment = assessment_html(result)
    >>> "Minimal SMS" in fragment and "2026-11-27" in fragment and "major" in fragment
    True
    """
    summary = _summary_line(assessment)
    notable = [
        v
        for v in assessment.verdicts
        if v.counts["fail"] or v.counts["waived"] or v.counts["error"]
    ]
    verdict_rows = [
        (
            _e(v.clause),
            f"<span style='padding-left:{v.clause.count('.')}rem'>{_e(v.title)}</span>",
            f"<strong style='color:{_VERDICT_COLOURS[v.verdict]}'>"
            f"{_e(v.verdict.value.replace('_', ' '))}</strong>",
            str(v.counts["fail"]),
            str(v.counts["waived"]),
            str(v.counts["error"]),
            str(v.counts["pass"]),
        )
        for v in notable
    ]
    verdicts = (
        _table(("Clause", "Title", "Verdict", "Failed", "Waived", "Errors", "Passed"), verdict_rows)
        if verdict_rows
        else "<p><em>Every assessed clause conforms.</em></p>"
    )
    shown = assessment.failures  # unwaived failures and rules that could not run
    return (
        f"<div class='sms-model assessment' style='{_BOX}'>"
        f"<h3 style='margin:.2rem 0'>{_e(assessment.system_name)}</h3>"
        f"<p style='margin:.2rem 0'>Conformity to ISO/IEC 20000-1:{assessment.edition} as of "
        f"<strong>{_e(assessment.as_of.isoformat())}</strong>: {_e(summary)}.</p>"
        f"<h4 style='margin:.5rem 0 .2rem'>Clauses with failures, waivers or errors</h4>"
        f"{verdicts}"
        f"<h4 style='margin:.5rem 0 .2rem'>Failures and errors</h4>"
        f"{findings_html(shown)}</div>"
    )


def to_dataframe(assessment_or_findings: Assessment | Iterable[Finding]) -> Any:
    """The findings of an assessment (or any findings) as a :class:`pandas.DataFrame`, one row
    per finding in the order given, with the columns of :meth:`~sms_model.rules.Finding.to_record`:
    rule, clause, guidance, status, severity, message, subjects, evidence and waiver. Guidance,
    subjects and evidence cells hold lists. Needs the optional ``pandas`` package
    (``sms-model[pandas]``).

    >>> import pytest; _ = pytest.importorskip("pandas")
    >>> from datetime import date
    >>> import sms_model
    >>> from sms_model.rules import assess
    >>> result = assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> frame = to_dataframe(result)
    >>> list(frame.columns) == list(COLUMNS), len(frame) == len(result.findings)
    (True, True)
    >>> int((frame["status"] == "fail").sum()) == result.counts["fail"]
    True
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as error:
        raise ModuleNotFoundError(
            "to_dataframe needs the optional package 'pandas': install sms-model[pandas]",
            name="pandas",
        ) from error
    findings = (
        assessment_or_findings.findings
        if isinstance(assessment_or_findings, Assessment)
        else tuple(assessment_or_findings)
    )
    return pandas.DataFrame([f.to_record() for f in findings], columns=list(COLUMNS))
