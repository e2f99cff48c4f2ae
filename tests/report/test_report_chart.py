"""The conformity chart: a stacked bar per top-level and second-level clause."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from sms_model.report import plot_conformity
from sms_model.rules import Assessment

SEGMENTS = ("fail", "error", "waived", "pass")


@pytest.fixture
def figure() -> Any:
    """A figure of its own (no pyplot state); matplotlib is a dev dependency."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    return Figure()


def _shown(assessment: Assessment) -> list[str]:
    return [v.clause for v in assessment.verdicts if v.clause.count(".") <= 1]


def test_chart_draws_on_the_given_axes_and_returns_them(
    assessment: Assessment, figure: Any
) -> None:
    ax = figure.subplots()
    assert ax is plot_conformity(assessment, ax=ax)


def test_chart_has_a_row_per_top_level_and_second_level_clause(
    acme_assessment: Assessment, figure: Any
) -> None:
    ax = plot_conformity(acme_assessment, ax=figure.subplots())
    labels = [label.get_text().split(" ", 1)[0] for label in ax.get_yticklabels()]
    assert _shown(acme_assessment) == labels
    assert {"4", "4.1", "4.5", "9.3"} <= set(labels)
    assert not [label for label in labels if label.count(".") > 1]


def test_chart_stacks_failed_errors_waived_and_passed_counts(
    assessment: Assessment, figure: Any
) -> None:
    ax = plot_conformity(assessment, ax=figure.subplots())
    verdicts = [v for v in assessment.verdicts if v.clause.count(".") <= 1]
    assert len(SEGMENTS) == len(ax.containers)
    assert len(SEGMENTS) * len(verdicts) == len(ax.patches)
    for status, bars in zip(SEGMENTS, ax.containers, strict=True):
        expected = [v.counts[status] for v in verdicts]
        assert expected == [int(bar.get_width()) for bar in bars.patches]
    total = [sum(v.counts[s] for s in SEGMENTS) for v in verdicts]
    last = ax.containers[-1].patches
    assert total == [int(bar.get_x() + bar.get_width()) for bar in last]


def test_chart_labels_each_bar_with_its_verdict(assessment: Assessment, figure: Any) -> None:
    ax = plot_conformity(assessment, ax=figure.subplots())
    expected = [
        v.verdict.value.replace("_", " ") for v in assessment.verdicts if v.clause.count(".") <= 1
    ]
    assert expected == [text.get_text().strip() for text in ax.texts]


def test_chart_shows_top_level_clauses_in_bold(assessment: Assessment, figure: Any) -> None:
    ax = plot_conformity(assessment, ax=figure.subplots())
    bold = [
        label.get_text().split(" ", 1)[0]
        for label in ax.get_yticklabels()
        if label.get_fontweight() == "bold"
    ]
    expected = ["4", "5", "6", "7", "8", "9"]
    assert expected == bold


def test_chart_without_axes_opens_a_pyplot_figure(assessment: Assessment) -> None:
    pyplot = pytest.importorskip("matplotlib.pyplot")
    before = len(pyplot.get_fignums())
    ax = plot_conformity(assessment)
    assert before + 1 == len(pyplot.get_fignums())
    assert ax.figure is pyplot.gcf()


def test_chart_without_matplotlib_asks_for_the_extra(
    assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[plot\]"):
        plot_conformity(assessment)
