"""The obligations calendar (:func:`sms_model.obligations`) as text, Markdown, JSON or
iCalendar.

The iCalendar file (RFC 5545, written with the ``icalendar`` package: the ``calendar`` extra)
holds one all-day event per obligation, on its due date, or on the as-of date when it is
overdue, so that it shows where a team looks today. Each event's ``UID`` is the obligation's
identity, which does not move with dates: importing the calendar again after the work is done
moves the event instead of adding one, and its ``SEQUENCE`` grows with the as-of date, so
clients that compare sequences take the newer file. The accountable people with a known e-mail
address are attendees; the description names the clause, the guidance ids, the cadence, the
last occurrence and the rule that checks it. No event repeats by rule: the next due date
follows from when the work is actually done, which a fixed recurrence would not know.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.rules._obligations import Obligation, Obligations, ObligationStatus

if TYPE_CHECKING:
    import icalendar

__all__ = ["OBLIGATION_FORMATS", "render_obligations"]

#: The formats :func:`render_obligations` writes.
OBLIGATION_FORMATS: Final = ("text", "markdown", "json", "ics")

#: The product identifier of the iCalendar files written (RFC 5545, 3.7.3).
PRODID: Final = "-//sms_model//Obligations calendar//EN"
#: The first day ``SEQUENCE`` counts from: the as-of date's distance from it orders versions.
_SEQUENCE_EPOCH: Final = date(2000, 1, 1)


def render_obligations(calendar: Obligations, format: str = "text") -> str:
    """The obligations in ``format``: ``text`` and ``markdown`` (overdue first, then due soon,
    then planned), ``json`` (:meth:`~sms_model.rules.Obligations.to_json`) or ``ics`` (an
    iCalendar file; needs the ``icalendar`` package).

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> due = sms_model.obligations(sms, as_of=date(2026, 6, 30), until=date(2026, 9, 30))
    >>> print(render_obligations(due).splitlines()[1])
    15 overdue, 8 due soon, 34 planned
    >>> render_obligations(due, "ics").splitlines()[:2]
    ['BEGIN:VCALENDAR', 'VERSION:2.0']
    """
    if format == "json":
        return calendar.to_json()
    if format == "markdown":
        return _markdown(calendar)
    if format == "ics":
        return _ics(calendar)
    if format != "text":
        known = ", ".join(OBLIGATION_FORMATS)
        raise ValueError(f"obligations cannot be written as {format!r}; use one of {known}")
    return _text(calendar)


def _heading(calendar: Obligations) -> str:
    return (
        f"obligations as of {calendar.as_of.isoformat()}, due soon until "
        f"{calendar.until.isoformat()} (ISO/IEC 20000-1:{calendar.edition})"
    )


def _tally(calendar: Obligations) -> str:
    return ", ".join(f"{len(calendar.with_status(s))} {s.label}" for s in ObligationStatus)


def _last(item: Obligation) -> str:
    if item.last is None:
        return "none on record"
    return item.last.isoformat()


def _owners(item: Obligation) -> str:
    return ", ".join(owner.name for owner in item.owners) or "nobody accountable"


def _text(calendar: Obligations) -> str:
    esc = terminal_text
    lines = [f"{esc(calendar.system_name)}: {_heading(calendar)}", _tally(calendar)]
    for status in ObligationStatus:
        items = calendar.with_status(status)
        if not items:
            continue
        lines += ["", f"{status.label} ({len(items)}):"]
        for item in items:
            lines.append(f"  {item.due.isoformat()}  {item.clause:<8} {esc(item.what)}")
            lines.append(
                f"      {esc(item.cadence)}; last: {esc(_last(item))}; "
                f"owner: {esc(_owners(item))}; {item.rule}"
            )
    return "\n".join(lines) + "\n"


def _markdown(calendar: Obligations) -> str:
    md = markdown_text
    lines = [f"# {md(calendar.system_name)}: {md(_heading(calendar))}", "", f"{_tally(calendar)}."]
    for status in ObligationStatus:
        items = calendar.with_status(status)
        if not items:
            continue
        lines += [
            "",
            f"## {status.label.capitalize()} ({len(items)})",
            "",
            "| Due | Clause | Obligation | Cadence | Last | Owner | Rule |",
            "|---|---|---|---|---|---|---|",
        ]
        lines.extend(
            f"| {item.due.isoformat()} | {item.clause} | {md(item.what)} | {md(item.cadence)} "
            f"| {md(_last(item))} | {md(_owners(item))} | {markdown_code(item.rule)} |"
            for item in items
        )
    return "\n".join(lines) + "\n"


def _ics(calendar: Obligations) -> str:
    try:
        import icalendar
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "the ics format needs the icalendar package: pip install 'sms-model[calendar]'",
            name=exc.name,
        ) from None
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _plain(f"{calendar.system_name}: ISO/IEC 20000-1 obligations"))
    stamp = datetime(calendar.as_of.year, calendar.as_of.month, calendar.as_of.day, tzinfo=UTC)
    sequence = (calendar.as_of - _SEQUENCE_EPOCH).days
    for item in calendar.items:
        cal.add_component(_event(calendar, item, stamp, sequence))
    text: str = cal.to_ical().decode("utf-8")
    return text


def _event(
    calendar: Obligations, item: Obligation, stamp: datetime, sequence: int
) -> icalendar.Event:
    import icalendar as ical

    event = ical.Event()
    overdue = item.status is ObligationStatus.OVERDUE
    day = calendar.as_of if overdue else item.due
    event.add("uid", f"{item.uid}@sms-model")
    event.add("dtstamp", stamp)
    event.add("sequence", max(sequence, 0))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    prefix = f"Overdue since {item.due.isoformat()}: " if overdue and item.last else ""
    if overdue and item.last is None:
        prefix = "Overdue, none on record: "
    event.add("summary", _plain(f"{prefix}{item.what} ({item.clause})"))
    event.add("description", _plain(_description(calendar, item), multiline=True))
    event.add("categories", ["ISO/IEC 20000-1", f"clause {item.clause}", item.status.label])
    for owner in item.owners:
        if owner.email:
            attendee = ical.vCalAddress(f"mailto:{owner.email}")
            attendee.params["cn"] = ical.vText(_plain(owner.name))
            attendee.params["role"] = ical.vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=False)
    return event


def _description(calendar: Obligations, item: Obligation) -> str:
    guidance = ", ".join(item.guidance) or "none"
    subjects = ", ".join(item.subjects) or "the SMS as a whole"
    last = _last(item) + (f" ({item.last_record})" if item.last_record else "")
    return "\n".join(
        [
            item.description,
            f"Clause {item.clause} of ISO/IEC 20000-1:{calendar.edition}; guidance: {guidance}.",
            f"Cadence: {item.cadence}. Last: {last}. Due by {item.due.isoformat()}.",
            f"Subjects: {subjects}. Accountable: {_owners(item)}.",
            f"Checked by rule {item.rule}.",
        ]
    )


def _plain(text: str, *, multiline: bool = False) -> str:
    # iCalendar text may not hold control characters (RFC 5545, 3.3.11), and a calendar shows
    # what it reads: control and bidi characters from the SMS file are shown as visible escapes.
    return terminal_text(text, multiline=multiline)
