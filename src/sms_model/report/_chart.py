"""Charts of conformity, per clause and over time, for notebooks and slides.

matplotlib is an optional extra (``pip install sms-model[plot]``), imported only when a chart is
drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from sms_model.rules import Assessment, ClauseVerdict

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_conformity", "plot_timeline"]

#: The statuses stacked in each bar, left to right, with their colours and legend labels.
SEGMENTS: Final = (
    ("fail", "#b3261e", "failed"),
    ("error", "#5f2a84", "rule error"),
    ("waived", "#9aa0a6", "waived"),
    ("pass", "#7cc495", "passed"),
)
_TITLE_LENGTH: Final = 56


def _pyplot() -> ModuleType:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError as error:
        raise ModuleNotFoundError(
            "charts need the optional package 'matplotlib': install sms-model[plot]",
            name="matplotlib",
        ) from error


def _shown(assessment: Assessment) -> list[ClauseVerdict]:
    """The top-level clauses (4 to 9) and their sub-clauses (4.1, 4.2, ...), in clause order."""
    return [v for v in assessment.verdicts if v.clause.count(".") <= 1]


def plot_conformity(assessment: Assessment, *, ax: Axes | None = None) -> Axes:
    """A horizontal stacked bar per top-level clause and per second-level clause (4, 4.1, 4.2,
    ..., 9.3) counting the findings of its rules and its sub-clauses' rules: failed, rule
    errors, waived and passed, each clause labelled with its verdict (ISO/IEC 20000-1:2011,
    Clauses 4 to 9).

    ``ax`` is the matplotlib Axes to draw on; when it is not given a new pyplot figure is
    made. Top-level clauses have bold labels. The Axes holds one bar patch per segment and
    clause, segments in the order failed, rule error, waived, passed, even when a count is
    zero. Returns the Axes. Needs the optional ``matplotlib`` package (``sms-model[plot]``).

    >>> import pytest; _ = pytest.importorskip("matplotlib")
    >>> from datetime import date
    >>> from matplotlib.figure import Figure
    >>> import sms_model
    >>> from sms_model.rules import assess
    >>> result = assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> ax = plot_conformity(result, ax=Figure().subplots())
    >>> ax.get_yticklabels()[0].get_text()
    '4 Service management system general requirements'
    >>> failed = ax.containers[0]
    >>> int(failed.patches[0].get_width()) == result.verdict("4").counts["fail"]
    True
    """
    verdicts = _shown(assessment)
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(9, 1.2 + 0.28 * len(verdicts)))
    rows = list(range(len(verdicts)))
    left = [0] * len(verdicts)
    for status, colour, label in SEGMENTS:
        widths = [v.counts.get(status, 0) for v in verdicts]
        ax.barh(rows, widths, left=left, color=colour, label=label, height=0.7)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, (verdict, total) in enumerate(zip(verdicts, left, strict=True)):
        ax.text(
            total,
            row,
            f" {verdict.verdict.value.replace('_', ' ')}",
            va="center",
            fontsize=7,
            color=_verdict_colour(verdict),
        )
    ax.set_yticks(rows)
    ax.set_yticklabels([_row_label(v) for v in verdicts], fontsize=8)
    for tick, verdict in zip(ax.get_yticklabels(), verdicts, strict=True):
        if "." not in verdict.clause:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, max(left, default=0) * 1.15 + 1)
    ax.set_xlabel("findings")
    ax.set_title(
        f"{assessment.system_name}: conformity as of {assessment.as_of.isoformat()}",
        loc="left",
        parse_math=False,  # a name is text: "$" in it starts no formula
    )
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _row_label(verdict: ClauseVerdict) -> str:
    # The one label-shortening rule of the pictures (graph boxes too); networkx is imported
    # only when a chart is drawn, as matplotlib is.
    from sms_model.graph._layout import short_label

    return f"{verdict.clause} {short_label(verdict.title, _TITLE_LENGTH)}"


def _verdict_colour(verdict: ClauseVerdict) -> str:
    return {
        "conforming": "#17703a",
        "minor": "#a15c00",
        "major": "#b3261e",
    }.get(verdict.verdict.value, "#777777")


#: The severities stacked over time, worst at the bottom, with their colours.
_TIMELINE: Final = (
    ("major", "#b3261e"),
    ("minor", "#e37400"),
    ("observation", "#9aa0a6"),
)


def _timeline_rows(timeline: Any) -> list[Mapping[str, Any]]:
    """Rows as mappings, from a pandas DataFrame (``history.timeline``) or from rows."""
    if hasattr(timeline, "to_dict") and hasattr(timeline, "columns"):
        records: list[Mapping[str, Any]] = timeline.to_dict("records")
        return records
    if isinstance(timeline, Iterable) and not isinstance(timeline, str | bytes | Mapping):
        return list(timeline)
    raise TypeError(
        "plot_timeline expects timeline_rows(...) or a DataFrame from sms_model.history.timeline"
    )


def _count(value: Any) -> int:
    """A count of a timeline row, 0 where there is none (``None``, or pandas' missing value
    for the first run of a system)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def plot_timeline(timeline: Any, *, ax: Axes | None = None) -> Axes:
    """Conformity over time: the outstanding failures at each as-of date, stacked by severity
    (major at the bottom), with the failures new since the run before marked above.

    ``timeline`` is what :func:`sms_model.rules.timeline_rows` returns for assessments (for
    instance those of :func:`sms_model.assess_over_time`) or the DataFrame of
    :func:`sms_model.history.timeline` for stored runs. ``ax`` is the matplotlib Axes to draw
    on (a new pyplot figure when not given). The Axes holds one filled area per severity, in
    the order major, minor, observation. Needs the optional ``matplotlib`` package.

    >>> import pytest; _ = pytest.importorskip("matplotlib")
    >>> from datetime import date
    >>> from matplotlib.figure import Figure
    >>> import sms_model
    >>> from sms_model.rules import timeline_rows
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> days = [date(2026, 11, 27), date(2027, 1, 27), date(2027, 3, 27)]
    >>> rows = timeline_rows(sms_model.assess_over_time(sms, days))
    >>> ax = plot_timeline(rows, ax=Figure().subplots())
    >>> [text.get_text() for text in ax.get_legend().get_texts()][:3]
    ['major', 'minor', 'observation']
    """
    rows = sorted(_timeline_rows(timeline), key=lambda row: (row["as_of"], row.get("run_at") or 0))
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(9, 3.5))
    days = [row["as_of"] for row in rows]
    ax.stackplot(
        days,
        *[[int(row[name]) for row in rows] for name, _ in _TIMELINE],
        labels=[name for name, _ in _TIMELINE],
        colors=[colour for _, colour in _TIMELINE],
        alpha=0.85,
    )
    totals = [sum(int(row[name]) for name, _ in _TIMELINE) for row in rows]
    marked = zip(days, totals, rows, strict=True)
    new = [(day, total) for day, total, row in marked if _count(row.get("new")) > 0]
    if new:
        ax.scatter(*zip(*new, strict=True), marker="v", color="#202124", zorder=3, label="new")
    systems = sorted({str(row["system"]) for row in rows})
    ax.set_title(
        f"{', '.join(systems)}: outstanding failures over time",
        loc="left",
        parse_math=False,  # a name is text: "$" in it starts no formula
    )
    ax.set_ylabel("outstanding failures")
    ax.set_ylim(0, max(totals, default=0) * 1.15 + 1)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
