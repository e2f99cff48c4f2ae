"""A system assessed at a series of dates, and the timeline of those assessments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sms_model.errors import ArgumentError
from sms_model.model import Edition, ServiceManagementSystem
from sms_model.rules._engine import assess
from sms_model.rules._findings import Config, Severity, Waiver
from sms_model.rules._registry import Registry
from sms_model.rules._results import Assessment, Verdict

__all__ = ["assess_over_time", "timeline_rows"]


def _dates(dates: Iterable[date]) -> list[date]:
    if isinstance(dates, str | bytes) or not isinstance(dates, Iterable):
        raise ArgumentError(f"dates must be a list of datetime.date, not {type(dates).__name__}")
    found = list(dates)
    for i, day in enumerate(found):
        if type(day) is not date:
            raise ArgumentError(f"dates[{i}] must be a datetime.date, not {type(day).__name__}")
    if not found:
        raise ArgumentError("dates is empty: give at least one date to assess as of")
    return sorted(set(found))


def assess_over_time(
    sms: ServiceManagementSystem,
    dates: Iterable[date],
    *,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    registry: Registry | None = None,
    edition: str | Edition | None = None,
) -> tuple[Assessment, ...]:
    """The system assessed as of each date (in date order, each date once), for a system whose
    records span a period but which has no stored history (:mod:`sms_model.history`).

    Each assessment equals :func:`assess` at that date; work is reused from one date to the
    next: the system is put in order once, and the rules that read neither the date nor the
    evidence (whose records in effect move with it) are not run again. The other arguments
    are those of :func:`assess`. :func:`~sms_model.rules.timeline_rows` turns the result into
    a timeline.

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> days = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    >>> [a.failure_counts["major"] for a in sms_model.assess_over_time(sms, days)]
    [6, 7, 6]
    >>> {a.edition for a in sms_model.assess_over_time(sms, days, edition="2018")}
    {'2018'}
    """
    options: dict[str, Any] = {
        "config": config,
        "waivers": waivers,
        "select": select,
        "ignore": ignore,
        "registry": registry,
        "edition": edition,
    }
    out: list[Assessment] = []
    for day in _dates(dates):
        previous = out[-1] if out else None
        out.append(assess(sms, as_of=day, previous=previous, **options))
    return tuple(out)


def timeline_rows(assessments: Sequence[Assessment]) -> list[dict[str, Any]]:
    """One row of plain data per assessment, in the order given: the as-of date, the
    outstanding failures by severity (rules that could not run included) and in all, the
    failures new and resolved since the row before (matched by finding id; ``None`` in the
    first row), and the clauses conforming and in all:
    the columns :func:`sms_model.history.timeline` gives for stored runs, so that both draw
    with :func:`sms_model.report.plot_timeline`.

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> days = [date(2026, 11, 27), date(2027, 3, 27)]
    >>> [(row["as_of"].isoformat(), row["new"]) for row in
    ...  timeline_rows(sms_model.assess_over_time(sms, days))]
    [('2026-11-27', None), ('2027-03-27', 38)]
    """
    rows = []
    before: set[str] | None = None
    for assessment in assessments:
        outstanding = {f.id for f in assessment.findings if f.outstanding}
        failures = assessment.failure_counts
        verdicts = [v.verdict for v in assessment.verdicts]
        rows.append(
            {
                "system": assessment.system_name,
                "as_of": assessment.as_of,
                **{s.value: failures[s.value] for s in Severity},
                "failures": sum(failures.values()),
                "new": None if before is None else len(outstanding - before),
                "resolved": None if before is None else len(before - outstanding),
                "conforming": verdicts.count(Verdict.CONFORMING),
                "clauses": len(verdicts),
            }
        )
        before = outstanding
    return rows
