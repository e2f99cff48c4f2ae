"""Cadence checks look at every interval in the look-back window, not only the latest record."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from sms_model.errors import FieldValueError
from sms_model.rules import Config, Status, assess
from tests.rules.rule_fixtures import AS_OF, build

BASE = build()
RULE = "SMS-4.1.1-EV-a"  # SMS meetings chaired by top management, quarterly by default


def _ev_a(sms: object, config: Config | None = None) -> list[tuple[str, str]]:
    found = assess(sms, as_of=AS_OF, select=[RULE], config=config).findings  # type: ignore[arg-type]
    return [(f.status.value, f.message) for f in found if f.rule == RULE]


def test_a_quarter_skipped_in_the_middle_of_the_window_fails_though_the_last_is_recent() -> None:
    # Meetings on 2025-12-09, (none in March), 2026-06-09 and 2026-09-08: the latest is recent,
    # which is all the check used to look at.
    skipped = BASE.remove("mtg-2026-03")
    assert [
        (
            "fail",
            "SMS meeting chaired by top management missed a period: after the one on 2025-12-09 "
            "the next was due by 2026-03-09 (every 3 months) but came only on 2026-06-09, "
            "92 days late",
        )
    ] == _ev_a(skipped)


def test_each_missed_period_is_reported_with_the_lapse_since_the_last() -> None:
    sparse = BASE.remove("mtg-2026-03", "mtg-2026-09")
    found = sorted(message for _, message in _ev_a(sparse))
    assert 2 == len(found)
    assert "is overdue: the last was on 2026-06-09 and the next was due by 2026-09-09" in found[0]
    assert "missed a period: after the one on 2025-12-09" in found[1]


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        (date(2026, 3, 9), "pass"),  # the due date: three months after 2025-12-09
        (date(2026, 3, 18), "pass"),  # 9 days late: within a tenth of the 90-day interval
        (date(2026, 3, 19), "fail"),  # 10 days late: the period was missed
    ],
)
def test_a_meeting_a_little_late_still_counts_for_its_period(held: date, expected: str) -> None:
    meeting = BASE.get("mtg-2026-03")
    moved = BASE.replace(attrs.evolve(meeting, date=held))
    assert [expected] == [status for status, _ in _ev_a(moved)]


def test_gaps_before_the_look_back_window_are_not_reported() -> None:
    skipped = BASE.remove("mtg-2026-03")
    assert ["fail"] == [s for s, _ in _ev_a(skipped, Config(look_back="P1Y"))]
    # With a window of four months only the last two intervals are looked at: in time.
    assert ["pass"] == [s for s, _ in _ev_a(skipped, Config(look_back="P4M"))]


def test_the_look_back_must_be_a_period() -> None:
    with pytest.raises(FieldValueError, match=r"Config\.look_back: expected an ISO 8601 period"):
        Config(look_back="FREQ=MONTHLY;BYDAY=1MO")
    assert Status.PASS.value == _ev_a(BASE)[0][0]
