"""Planned intervals: how often a recurring piece of evidence is due.

ISO/IEC 20000-1:2011 asks for several activities "at planned intervals" (policy review 4.1.2,
internal audit 4.5.4.2, management review 4.5.4.3, SLA reviews 6.1, continuity tests 6.3.3,
supplier reviews 7.2, configuration audits 9.1, ...). The organisation chooses the interval;
a :class:`Cadence` holds that choice, written either as an ISO 8601 period (``P1Y``, ``P3M``)
or as an RFC 5545 recurrence rule (``FREQ=YEARLY;INTERVAL=1``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from sms_model.errors import Issue, ModelValidationError

__all__ = ["Cadence"]

_PERIOD: Final = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")
_UNITS: Final[tuple[str, ...]] = ("year", "month", "week", "day")
_FREQS: Final[dict[str, str]] = {
    "YEARLY": "year",
    "MONTHLY": "month",
    "WEEKLY": "week",
    "DAILY": "day",
}
_TOO_FINE: Final[frozenset[str]] = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
# Rules using only these parts are plain "every N units" and are computed with relativedelta.
_SIMPLE_PARTS: Final[frozenset[str]] = frozenset({"FREQ", "INTERVAL", "WKST"})
_ENDING_PARTS: Final[frozenset[str]] = frozenset({"COUNT", "UNTIL"})
# Any fixed anchor serves to validate a rule; a leap day would hide rules that need one.
_PROBE: Final = datetime(2000, 1, 1)


def _invalid(what: str, found: str) -> ModelValidationError:
    return ModelValidationError(
        [Issue(what=what, path="cadence", code="invalid-cadence", found=repr(found))]
    )


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@attrs.frozen(kw_only=True)
class Cadence:
    """A planned interval, parsed once from an ISO 8601 period or an RFC 5545 rule.

    ``next_due(last)`` is the date by which the next occurrence is due after evidence dated
    ``last``. For a period it is ``last`` plus the period; plain ``FREQ``/``INTERVAL`` rules
    behave exactly like the matching period, so ``P1M`` and ``FREQ=MONTHLY`` agree and a
    date that does not exist in the target month falls back to that month's last day. Rules
    with ``BY...`` parts follow RFC 5545 through :mod:`dateutil.rrule`: the first occurrence
    strictly after ``last``, with the rule anchored at ``last``.

    >>> c = Cadence.parse("P1Y")
    >>> str(c), c.next_due(date(2025, 3, 14))
    ('every 1 year', datetime.date(2026, 3, 14))
    >>> Cadence.parse("RRULE:FREQ=MONTHLY;INTERVAL=3").next_due(date(2025, 1, 31))
    datetime.date(2025, 4, 30)
    >>> Cadence.parse("FREQ=MONTHLY;BYDAY=1MO").next_due(date(2025, 1, 15))
    datetime.date(2025, 2, 3)
    """

    text: str
    _delta: relativedelta | None = attrs.field(init=False, eq=False, repr=False, default=None)
    _rule: rrule | None = attrs.field(init=False, eq=False, repr=False, default=None)
    _label: str = attrs.field(init=False, eq=False, repr=False, default="")
    # Results by date: records share few distinct dates, and date arithmetic is not cheap.
    _memo: dict[date, date] = attrs.field(init=False, eq=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        text = self.text
        if not isinstance(text, str):
            raise _invalid("a cadence must be text", repr(text))
        body = text.strip()
        if not body:
            raise _invalid("a cadence must not be empty", text)
        if body.upper().startswith("P"):
            delta, label = self._parse_period(body, text)
            object.__setattr__(self, "_delta", delta)
        else:
            delta_or_rule, label = self._parse_rule(body, text)
            name = "_delta" if isinstance(delta_or_rule, relativedelta) else "_rule"
            object.__setattr__(self, name, delta_or_rule)
        object.__setattr__(self, "_label", label)

    @classmethod
    def parse(cls, text: str) -> Cadence:
        """Parse an ISO 8601 period or an RFC 5545 recurrence rule.

        Bad text raises :class:`~sms_model.errors.ModelValidationError` saying what is wrong.

        >>> str(Cadence.parse("P1Y6M")), str(Cadence.parse("FREQ=WEEKLY;INTERVAL=2"))
        ('every 1 year and 6 months', 'every 2 weeks')
        >>> Cadence.parse("P0D")
        Traceback (most recent call last):
        ...
        sms_model.errors.ModelValidationError: 1 problem in the service management system
          - cadence: a period must be longer than zero (found 'P0D')
        """
        return cls(text=text)

    @staticmethod
    def _parse_period(body: str, text: str) -> tuple[relativedelta, str]:
        if "T" in body.upper():
            raise _invalid("a period must count whole days; hours and smaller are not used", text)
        match = _PERIOD.fullmatch(body.upper())
        if match is None or not any(match.groups()):
            raise _invalid("not an ISO 8601 period such as P1Y, P3M, P2W or P10D", text)
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        if years == months == weeks == days == 0:
            raise _invalid("a period must be longer than zero", text)
        parts = [
            _plural(n, unit)
            for n, unit in zip((years, months, weeks, days), _UNITS, strict=True)
            if n
        ]
        label = "every " + " and ".join(parts)
        return relativedelta(years=years, months=months, weeks=weeks, days=days), label

    @staticmethod
    def _parse_rule(body: str, text: str) -> tuple[relativedelta | rrule, str]:
        if body.upper().startswith("RRULE:"):
            body = body[len("RRULE:") :]
        if not body or "\n" in body or ":" in body:
            raise _invalid("not a single RFC 5545 recurrence rule such as FREQ=YEARLY", text)
        parts: dict[str, str] = {}
        for piece in body.upper().split(";"):
            name, eq, value = piece.partition("=")
            if not eq or not name or not value:
                raise _invalid(f"recurrence rule part {piece!r} is not NAME=VALUE", text)
            if name in parts:
                raise _invalid(f"recurrence rule repeats {name}", text)
            parts[name] = value
        freq = parts.get("FREQ")
        if freq is None:
            raise _invalid("recurrence rule has no FREQ", text)
        if freq in _TOO_FINE:
            raise _invalid("a cadence must not be finer than daily", text)
        if freq not in _FREQS:
            raise _invalid("FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY", text)
        ending = sorted(_ENDING_PARTS & parts.keys())
        if ending:
            raise _invalid(f"a cadence recurs without end; {', '.join(ending)} not allowed", text)
        interval_text = parts.get("INTERVAL", "1")
        if not interval_text.isdigit() or int(interval_text) < 1:
            raise _invalid("INTERVAL must be a whole number of at least 1", text)
        interval = int(interval_text)
        try:
            rule = rrulestr(body, dtstart=_PROBE)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise _invalid(f"not a valid recurrence rule: {exc}", text) from None
        if not isinstance(rule, rrule):  # pragma: no cover - single lines never give a set
            raise _invalid("not a single recurrence rule", text)
        unit = _FREQS[freq]
        label = f"every {_plural(interval, unit)}"
        if parts.keys() <= _SIMPLE_PARTS:
            return _unit_delta(unit, interval), label
        if rule.after(_PROBE) is None:
            raise _invalid("recurrence rule never occurs", text)
        return rule, f"{label} ({body.upper()})"

    def next_due(self, last: date) -> date:
        """The date by which the next occurrence is due, after evidence dated ``last``.

        The result is later than ``last``, except at the end of the calendar: a due date
        beyond year 9999 is given as ``date.max`` (nothing can be due before it).

        >>> Cadence.parse("P1M").next_due(date(2025, 1, 31))
        datetime.date(2025, 2, 28)
        >>> Cadence.parse("P2W").next_due(date(2025, 12, 25))
        datetime.date(2026, 1, 8)
        >>> Cadence.parse("P1Y").next_due(date(9999, 6, 1))
        datetime.date(9999, 12, 31)
        """
        known = self._memo.get(last)  # by the value given: a datetime never equals a date
        if known is None:
            day = last.date() if isinstance(last, datetime) else last
            known = self._memo[last] = self._next_due(day)
        return known

    @property
    def fixed(self) -> bool:
        """Whether the interval has a fixed length (a period, or a plain ``FREQ``/``INTERVAL``
        rule), so that :meth:`back_from` can count back.

        >>> Cadence.parse("P3M").fixed, Cadence.parse("FREQ=MONTHLY;BYDAY=1MO").fixed
        (True, False)
        """
        return self._delta is not None

    def back_from(self, day: date) -> date:
        """The day one interval before ``day`` (``date.min`` at the start of the calendar), for
        look-back windows; only a period or a plain ``FREQ``/``INTERVAL`` rule has one.

        >>> Cadence.parse("P1Y").back_from(date(2026, 11, 27))
        datetime.date(2025, 11, 27)
        >>> Cadence.parse("FREQ=MONTHLY;BYDAY=1MO").back_from(date(2026, 11, 27))
        Traceback (most recent call last):
        ...
        ValueError: 'FREQ=MONTHLY;BYDAY=1MO' has no fixed length; use a period such as P1Y
        """
        if self._delta is None:
            raise ValueError(f"{self.text!r} has no fixed length; use a period such as P1Y")
        return back(day, self._delta)

    def _next_due(self, day: date) -> date:
        if self._delta is not None:
            try:
                due: date = day + self._delta
            except (OverflowError, ValueError):
                return date.max
            return due
        assert self._rule is not None
        anchor = datetime(day.year, day.month, day.day)
        try:
            found = self._rule.replace(dtstart=anchor).after(anchor + timedelta(days=1), inc=True)
        except (OverflowError, ValueError):
            return date.max
        if found is None:
            raise ModelValidationError(
                [
                    Issue(
                        what=f"recurrence rule has no occurrence after {day.isoformat()}",
                        path="cadence",
                        code="invalid-cadence",
                        found=repr(self.text),
                    )
                ]
            )
        return found.date()

    def __str__(self) -> str:
        return self._label


def back(day: date, span: relativedelta | timedelta) -> date:
    """``day`` less ``span``, or ``date.min`` when that would fall before year 1 (the start of
    a look-back window at the start of the calendar).

    >>> back(date(1, 6, 1), relativedelta(years=1))
    datetime.date(1, 1, 1)
    """
    try:
        earlier: date = day - span
    except (OverflowError, ValueError):
        return date.min
    return earlier


def _unit_delta(unit: str, count: int) -> relativedelta:
    if unit == "year":
        return relativedelta(years=count)
    if unit == "month":
        return relativedelta(months=count)
    if unit == "week":
        return relativedelta(weeks=count)
    return relativedelta(days=count)
