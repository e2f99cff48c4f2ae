"""Whether another party's engagement runs on a day: begun by then (or undated), and not ended
before it (it still runs on its last day). Every rule that asks what another party does on the
as-of date reads ``OtherPartyProcess.running``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sms_model.model import Engagement, OtherPartyProcess

AS_OF = date(2026, 11, 27)
DAY = timedelta(days=1)


def _work(
    start: date | None = None,
    end: date | None = None,
    engagement: Engagement = Engagement.ONGOING,
) -> OtherPartyProcess:
    return OtherPartyProcess(
        id="opp-cap", party="supp-1", process="p-cap", start=start, end=end, engagement=engagement
    )


def test_an_engagement_starting_on_the_as_of_date_runs_that_day() -> None:
    assert _work(start=AS_OF).running(AS_OF)


def test_an_engagement_starting_the_day_after_the_as_of_date_does_not_run_yet() -> None:
    assert not _work(start=AS_OF + DAY).running(AS_OF)


def test_an_engagement_that_started_the_day_before_the_as_of_date_runs() -> None:
    assert _work(start=AS_OF - DAY).running(AS_OF)


def test_an_engagement_ending_on_the_as_of_date_still_runs_on_its_last_day() -> None:
    assert _work(start=date(2026, 1, 1), end=AS_OF).running(AS_OF)


def test_an_engagement_that_ended_the_day_before_the_as_of_date_no_longer_runs() -> None:
    assert not _work(start=date(2026, 1, 1), end=AS_OF - DAY).running(AS_OF)


def test_an_engagement_ending_the_day_after_the_as_of_date_runs() -> None:
    assert _work(start=date(2026, 1, 1), end=AS_OF + DAY).running(AS_OF)


@pytest.mark.parametrize("day", [date.min, AS_OF - DAY, AS_OF, AS_OF + DAY])
def test_an_engagement_with_no_start_runs_every_day_up_to_its_end(day: date) -> None:
    assert _work(end=AS_OF + DAY).running(day)
    assert not _work(end=AS_OF + DAY).running(AS_OF + 2 * DAY)


@pytest.mark.parametrize("day", [AS_OF, AS_OF + DAY, date.max])
def test_an_engagement_with_no_end_runs_every_day_from_its_start(day: date) -> None:
    assert _work(start=AS_OF).running(day)
    assert not _work(start=AS_OF).running(AS_OF - DAY)


@pytest.mark.parametrize("day", [date.min, AS_OF, date.max])
def test_an_undated_engagement_runs_every_day(day: date) -> None:
    assert _work().running(day)


def test_a_one_day_engagement_runs_on_that_day_only() -> None:
    work = _work(start=AS_OF, end=AS_OF)
    assert [False, True, False] == [work.running(d) for d in (AS_OF - DAY, AS_OF, AS_OF + DAY)]


def test_an_engagement_runs_exactly_on_the_days_from_its_start_to_its_end() -> None:
    start, end = date(2026, 11, 2), date(2026, 12, 18)
    work = _work(start=start, end=end)
    days = [start + timedelta(days=n) for n in range(-40, (end - start).days + 41)]
    assert [d for d in days if work.running(d)] == [d for d in days if start <= d <= end]
    assert (start, end) == (
        min(d for d in days if work.running(d)),
        max(d for d in days if work.running(d)),
    )


def test_short_term_work_runs_on_the_same_days_as_ongoing_work() -> None:
    days = [AS_OF - DAY, AS_OF, AS_OF + DAY]
    ongoing = _work(start=AS_OF, end=AS_OF)
    short = _work(start=AS_OF, end=AS_OF, engagement=Engagement.SHORT_TERM)
    assert [ongoing.running(d) for d in days] == [short.running(d) for d in days]
