"""A chart of conformity per clause, for notebooks and slides.

matplotlib is an optional extra (``pip install sms-model[plot]``), imported only when a chart is
drawn.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Final

from sms_model.rules import Assessment, ClauseVerdict

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_conformity"]

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
