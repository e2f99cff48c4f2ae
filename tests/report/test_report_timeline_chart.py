"""The chart of conformity over time, from assessments or from a DataFrame."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

import sms_model
from sms_model.report import plot_timeline
from sms_model.rules import timeline_rows

ROOT = Path(__file__).resolve().parents[2]
DAYS = [date(2026, 11, 27), date(2027, 1, 27), date(2027, 3, 27)]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    sms = attrs.evolve(sms, name="Acme $x^2$ <b>")
    return timeline_rows(sms_model.assess_over_time(sms, DAYS))


@pytest.fixture
def figure() -> Any:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    return Figure()


def _heights(ax: Any) -> list[list[float]]:
    """The top edge of each stacked area at each date."""
    out = []
    for area in ax.collections[:3]:
        vertices = area.get_paths()[0].vertices
        out.append(sorted({round(y, 6) for _, y in vertices}))
    return out


def test_the_areas_stack_the_failures_by_severity(rows: list[dict[str, Any]], figure: Any) -> None:
    ax = plot_timeline(rows, ax=figure.subplots())
    assert len(ax.collections) >= 3
    top = max(sum(row[s] for s in ("major", "minor", "observation")) for row in rows)
    assert max(max(h) for h in _heights(ax)) == top
    assert ax.get_title(loc="left") == "Acme $x^2$ <b>: outstanding failures over time"


def test_a_dataframe_draws_the_same(rows: list[dict[str, Any]], figure: Any) -> None:
    pandas = pytest.importorskip("pandas")
    from matplotlib.figure import Figure

    mine = _heights(plot_timeline(rows, ax=figure.subplots()))
    theirs = _heights(plot_timeline(pandas.DataFrame(rows[::-1]), ax=Figure().subplots()))
    assert mine == theirs


def test_something_else_is_refused() -> None:
    with pytest.raises(TypeError, match="timeline_rows"):
        plot_timeline("not rows")


def test_the_timeline_of_a_history_draws_too(tmp_path: Path, figure: Any) -> None:
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("pandas")
    from sms_model import history

    url = f"sqlite:///{tmp_path / 'history.db'}"
    sms = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
    for result in sms_model.assess_over_time(sms, DAYS):
        history.record(result, url)
    frame = history.timeline(url)
    assert frame["new"].isna().tolist() == [True, False, False]  # the first run has no "new"
    ax = plot_timeline(frame, ax=figure.subplots())
    expected = timeline_rows(sms_model.assess_over_time(sms, DAYS))
    top = max(row["failures"] for row in expected)
    assert max(max(h) for h in _heights(ax)) == top
    assert frame["failures"].tolist() == [row["failures"] for row in expected]
    assert frame["new"].tolist()[1:] == [row["new"] for row in expected][1:]
