"""Planned intervals: parsing periods and recurrence rules, and when the next one is due."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_model.catalog import Cadence
from sms_model.errors import ModelValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1Y", "every 1 year"),
        ("P3M", "every 3 months"),
        ("P2W", "every 2 weeks"),
        ("P10D", "every 10 days"),
        ("P1Y6M", "every 1 year and 6 months"),
        ("p1m", "every 1 month"),
        ("FREQ=YEARLY;INTERVAL=1", "every 1 year"),
        ("RRULE:FREQ=MONTHLY;INTERVAL=3", "every 3 months"),
        ("FREQ=WEEKLY", "every 1 week"),
        ("freq=daily;interval=10", "every 10 days"),
        ("FREQ=MONTHLY;BYDAY=1MO", "every 1 month (FREQ=MONTHLY;BYDAY=1MO)"),
    ],
)
def test_cadence_reads_periods_and_rules_and_says_how_often(text: str, expected: str) -> None:
    cadence = Cadence.parse(text)
    assert expected == str(cadence)
    assert text == cadence.text


def test_cadences_with_the_same_text_are_equal_values() -> None:
    assert Cadence.parse("P1Y") == Cadence(text="P1Y")
    assert Cadence.parse("P1Y") != Cadence.parse("P12M")
    assert hash(Cadence.parse("P3M")) == hash(Cadence.parse("P3M"))


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("", "a cadence must not be empty"),
        ("P", "not an ISO 8601 period such as P1Y, P3M, P2W or P10D"),
        ("P1H", "not an ISO 8601 period such as P1Y, P3M, P2W or P10D"),
        ("P1M1Y", "not an ISO 8601 period such as P1Y, P3M, P2W or P10D"),
        ("PT12H", "a period must count whole days; hours and smaller are not used"),
        ("P0Y0M", "a period must be longer than zero"),
        ("yearly", "recurrence rule part 'YEARLY' is not NAME=VALUE"),
        ("INTERVAL=2", "recurrence rule has no FREQ"),
        ("FREQ=YEARLY;FREQ=MONTHLY", "recurrence rule repeats FREQ"),
        ("FREQ=FORTNIGHTLY", "FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY"),
        ("FREQ=HOURLY", "a cadence must not be finer than daily"),
        ("FREQ=YEARLY;COUNT=3", "a cadence recurs without end; COUNT not allowed"),
        ("FREQ=YEARLY;INTERVAL=0", "INTERVAL must be a whole number of at least 1"),
        ("FREQ=YEARLY;INTERVAL=-1", "INTERVAL must be a whole number of at least 1"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "recurrence rule never occurs"),
        ("FREQ=YEARLY;BYDAY=XX", "not a valid recurrence rule: invalid 'BYDAY': XX"),
        ("DTSTART:20250101", "not a single RFC 5545 recurrence rule such as FREQ=YEARLY"),
    ],
)
def test_bad_cadence_text_is_a_validation_error_saying_what_and_found(text: str, what: str) -> None:
    with pytest.raises(ModelValidationError) as info:
        Cadence.parse(text)
    expected = (what, "cadence", repr(text))
    issue = info.value.issues[0]
    assert expected == (issue.what, issue.path, issue.found)


def test_a_non_text_cadence_is_a_validation_error() -> None:
    with pytest.raises(ModelValidationError):
        Cadence(text=12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "last", "expected"),
    [
        ("P1Y", date(2025, 3, 14), date(2026, 3, 14)),
        ("P1Y", date(2024, 2, 29), date(2025, 2, 28)),
        ("P1M", date(2025, 1, 31), date(2025, 2, 28)),
        ("P1M", date(2024, 1, 31), date(2024, 2, 29)),
        ("P3M", date(2025, 11, 30), date(2026, 2, 28)),
        ("P2W", date(2025, 12, 25), date(2026, 1, 8)),
        ("P10D", date(2025, 2, 25), date(2025, 3, 7)),
        ("P1Y6M", date(2025, 8, 31), date(2027, 2, 28)),
        ("FREQ=YEARLY;INTERVAL=1", date(2024, 2, 29), date(2025, 2, 28)),
        ("RRULE:FREQ=MONTHLY", date(2025, 1, 31), date(2025, 2, 28)),
        ("FREQ=MONTHLY;INTERVAL=3", date(2025, 1, 31), date(2025, 4, 30)),
        ("FREQ=WEEKLY;INTERVAL=2", date(2025, 12, 25), date(2026, 1, 8)),
        ("FREQ=DAILY", date(2025, 12, 31), date(2026, 1, 1)),
        # Rules with BY parts follow RFC 5545, anchored at the last evidence date.
        ("FREQ=MONTHLY;BYDAY=1MO", date(2025, 1, 15), date(2025, 2, 3)),
        ("FREQ=MONTHLY;BYDAY=1MO", date(2025, 2, 3), date(2025, 3, 3)),
        ("FREQ=MONTHLY;BYDAY=-1FR", date(2025, 1, 31), date(2025, 2, 28)),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", date(2025, 3, 31), date(2026, 3, 31)),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", date(2025, 1, 10), date(2025, 3, 31)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2024, 2, 29), date(2028, 2, 29)),
        ("FREQ=WEEKLY;BYDAY=MO,TH", date(2025, 1, 6), date(2025, 1, 9)),
    ],
)
def test_next_due_is_the_next_occurrence_after_the_last_evidence(
    text: str, last: date, expected: date
) -> None:
    assert expected == Cadence.parse(text).next_due(last)


@pytest.mark.parametrize("text", ["P1Y", "P1D", "FREQ=MONTHLY;BYDAY=1MO", "FREQ=DAILY"])
def test_next_due_past_the_end_of_the_calendar_is_the_last_day(text: str) -> None:
    assert date.max == Cadence.parse(text).next_due(date(9999, 12, 31))
    assert date.max == Cadence.parse("P1Y").next_due(date(9999, 6, 1))


def test_a_rule_with_no_further_occurrence_is_a_validation_error() -> None:
    # Every other year on 29 February: from an odd year it never lands on a leap year.
    cadence = Cadence.parse("FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29")
    expected = date(2028, 2, 29)
    assert expected == cadence.next_due(date(2026, 2, 28))
    with pytest.raises(ModelValidationError) as info:
        cadence.next_due(date(2025, 3, 1))
    expected_what = "recurrence rule has no occurrence after 2025-03-01"
    assert expected_what == info.value.issues[0].what


_UNITS = ("Y", "M", "W", "D")
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_RULES_WITH_BY_PARTS = (
    "FREQ=MONTHLY;BYDAY=1MO",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
)

periods = st.lists(
    st.tuples(st.sampled_from(_UNITS), st.integers(min_value=1, max_value=30)),
    min_size=1,
    max_size=4,
    unique_by=lambda pair: pair[0],
).map(
    lambda parts: (
        "P" + "".join(f"{n}{u}" for u, n in sorted(parts, key=lambda p: _UNITS.index(p[0])))
    )
)
simple_rules = st.builds(
    "FREQ={};INTERVAL={}".format, st.sampled_from(_FREQS), st.integers(min_value=1, max_value=30)
)
cadence_texts = st.one_of(periods, simple_rules, st.sampled_from(_RULES_WITH_BY_PARTS))


@given(text=cadence_texts, last=st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31)))
def test_next_due_is_always_later_than_the_last_evidence(text: str, last: date) -> None:
    assert Cadence.parse(text).next_due(last) > last


@given(
    freq=st.sampled_from(_FREQS),
    interval=st.integers(min_value=1, max_value=30),
    last=st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31)),
)
def test_a_plain_rule_is_due_when_the_matching_period_is(
    freq: str, interval: int, last: date
) -> None:
    period = f"P{interval}{freq[0]}"
    expected = Cadence.parse(period).next_due(last)
    assert expected == Cadence.parse(f"FREQ={freq};INTERVAL={interval}").next_due(last)
