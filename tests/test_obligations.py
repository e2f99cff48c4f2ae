"""The obligations calendar: what is due when (``sms_model.obligations``, ``sms-model due``), and
its iCalendar file read back with the icalendar parser."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

import sms_model
from sms_model.cli import main
from sms_model.errors import ArgumentError
from sms_model.model import (
    Clause4Duty,
    Person,
    Review,
    ReviewKind,
    Role,
    ServiceManagementSystem,
)
from sms_model.report import render_obligations
from sms_model.rules import Config, Obligation, Obligations, ObligationStatus, obligations

icalendar = pytest.importorskip("icalendar")

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 6, 30)
UNTIL = date(2026, 9, 30)
# Acme's last management review was on 2025-11-20; reviews are due every year by default.
REVIEW_DUE = date(2026, 11, 20)


@pytest.fixture(scope="module")
def acme() -> ServiceManagementSystem:
    return sms_model.load(ACME)


@pytest.fixture(scope="module")
def calendar(acme: ServiceManagementSystem) -> Obligations:
    return obligations(acme, as_of=AS_OF, until=UNTIL)


@pytest.fixture(scope="module")
def reviewed_once(acme: ServiceManagementSystem) -> ServiceManagementSystem:
    """Acme whose management reviews after the as-of date are reviews of another kind."""
    later = [
        attrs.evolve(r, kind=ReviewKind.OTHER)
        for r in acme.reviews
        if r.kind is ReviewKind.MANAGEMENT_REVIEW and r.date > AS_OF
    ]
    assert later
    return acme.replace(*later)


def _review(calendar: Obligations) -> Obligation:
    (item,) = (i for i in calendar if i.expectation == "management-review")
    return item


def test_every_cadence_check_is_one_obligation_overdue_first(calendar: Obligations) -> None:
    assert [15, 8, 34] == [len(calendar.with_status(s)) for s in ObligationStatus]
    keys = [(item.status.value, item.due) for item in calendar]
    ranks = [list(ObligationStatus).index(item.status) for item in calendar]
    assert ranks == sorted(ranks)
    for status in ObligationStatus:
        dues = [item.due for item in calendar.with_status(status)]
        assert dues == sorted(dues), keys
    assert len({item.uid for item in calendar}) == len(calendar)


def test_an_obligation_names_its_last_record_due_date_clause_and_owner(
    calendar: Obligations,
) -> None:
    review = _review(calendar)
    assert (date(2025, 11, 20), REVIEW_DUE) == (review.last, review.due)
    assert ObligationStatus.PLANNED is review.status
    assert ("4.1.1", "SMS-4.1.1-TM-j") == (review.clause, review.rule)
    assert "every 1 year" == review.cadence
    assert review.last_record is not None
    assert ["ceo"] == [owner.id for owner in review.owners]
    assert "Dana Whitfield" == review.owners[0].name


def test_nothing_on_record_is_overdue_from_the_as_of_date(calendar: Obligations) -> None:
    never = [item for item in calendar if item.last is None]
    assert never
    for item in never:
        assert (ObligationStatus.OVERDUE, AS_OF, None) == (item.status, item.due, item.last_record)


@pytest.mark.parametrize(
    ("as_of", "until", "status"),
    [
        (REVIEW_DUE + timedelta(days=1), None, ObligationStatus.OVERDUE),
        (REVIEW_DUE, None, ObligationStatus.DUE_SOON),
        (date(2026, 10, 1), REVIEW_DUE, ObligationStatus.DUE_SOON),
        (date(2026, 10, 1), REVIEW_DUE - timedelta(days=1), ObligationStatus.PLANNED),
        (date(2026, 10, 21), None, ObligationStatus.DUE_SOON),  # 30 days ahead by default
        (date(2026, 10, 20), None, ObligationStatus.PLANNED),
    ],
)
def test_status_at_the_boundaries(
    reviewed_once: ServiceManagementSystem,
    as_of: date,
    until: date | None,
    status: ObligationStatus,
) -> None:
    review = _review(obligations(reviewed_once, as_of=as_of, until=until))
    assert (status, REVIEW_DUE) == (review.status, review.due)


def test_overdue_keeps_its_due_date(reviewed_once: ServiceManagementSystem) -> None:
    later = obligations(reviewed_once, as_of=date(2027, 1, 5))
    review = _review(later)
    assert (ObligationStatus.OVERDUE, REVIEW_DUE) == (review.status, review.due)
    assert date(2027, 2, 4) == later.until


def test_the_uid_stays_when_dates_move_and_work_is_done(acme: ServiceManagementSystem) -> None:
    before = obligations(acme, as_of=AS_OF)
    done = Review(
        id="rev-mgmt-2026-late", kind=ReviewKind.MANAGEMENT_REVIEW, date=date(2026, 6, 29)
    )
    after = obligations(attrs.evolve(acme, reviews=(*acme.reviews, done)), as_of=date(2026, 7, 1))
    assert _review(before).uid == _review(after).uid
    assert date(2027, 6, 29) == _review(after).due
    assert {i.uid for i in before} == {i.uid for i in after}
    renamed = obligations(attrs.evolve(acme, name="Another system"), as_of=AS_OF)
    assert not {i.uid for i in before} & {i.uid for i in renamed}


def test_owners_come_from_the_duty_and_the_process_with_their_email(
    acme: ServiceManagementSystem,
) -> None:
    ceo = acme.get("ceo")
    with_mail = acme.replace(attrs.evolve(ceo, email="dana@acme.example"))
    review = _review(obligations(with_mail, as_of=AS_OF))
    assert [("ceo", "dana@acme.example")] == [(o.id, o.email) for o in review.owners]
    audit = next(i for i in obligations(acme, as_of=AS_OF) if i.clause == "4.5.4.2")
    # the internal audit duty (head-sm) and process (quality-mgr) are both accountable
    assert {"head-sm", "quality-mgr"} <= {o.id for o in audit.owners}


def test_a_role_stands_for_its_holders(acme: ServiceManagementSystem) -> None:
    board = Role(id="role-board", name="Board", party="acme", holders=("coo", "ceo"))
    # the management review is checked under 4.1.1: the duty of management commitment
    commitment = Clause4Duty.MANAGEMENT_COMMITMENT
    duties = tuple(
        attrs.evolve(d, accountable="role-board") if d.duty is commitment else d
        for d in acme.duties
    )
    sms = attrs.evolve(acme, roles=(*acme.roles, board), duties=duties)
    assert ["ceo", "coo"] == [o.id for o in _review(obligations(sms, as_of=AS_OF)).owners]


def test_cadences_come_from_the_configuration(acme: ServiceManagementSystem) -> None:
    config = Config(cadences={"management-review": "P6M"})
    review = _review(obligations(acme, as_of=AS_OF, config=config))
    assert (date(2026, 5, 20), ObligationStatus.OVERDUE) == (review.due, review.status)
    assert "every 6 months" == review.cadence


def test_the_clauses_are_those_of_the_edition(acme: ServiceManagementSystem) -> None:
    in_2018 = obligations(acme, as_of=AS_OF, edition="2018")
    assert "2018" == in_2018.edition
    # checked in 2018 by the top-management rule, whose 2018 clause is 5.1
    review = _review(in_2018)
    assert "5.1" == review.clause
    assert "5.1" == sms_model.rules.default_registry().get(review.rule).clause_in("2018")
    # the same obligation keeps its identity across editions
    in_2011 = obligations(acme, as_of=AS_OF)
    assert review.uid == _review(in_2011).uid
    # 2018 names no process or duty for objectives (6.2): the rule's 2011 clause finds the owner
    measured = next(i for i in in_2018 if i.expectation == "objective-measurement")
    assert measured.clause.startswith("6.2")
    assert ["ceo"] == [o.id for o in measured.owners]
    # the same check names an obligation in either edition, and finds the same owners
    audit = {
        e: next(i for i in c if i.expectation == "internal-audit")
        for e, c in (("2011", in_2011), ("2018", in_2018))
    }
    assert ("4.5.4.2", "9.2") == (audit["2011"].clause, audit["2018"].clause)
    assert audit["2011"].owners == audit["2018"].owners


def test_an_assessment_can_be_reused(acme: ServiceManagementSystem, calendar: Obligations) -> None:
    result = sms_model.assess(acme, as_of=AS_OF)
    assert calendar == obligations(acme, until=UNTIL, assessment=result)
    with pytest.raises(ArgumentError, match="differs from the assessment"):
        obligations(acme, as_of=date(2026, 7, 1), assessment=result)


@pytest.mark.parametrize("until", [date(2026, 6, 29), "2026-09-30"])
def test_a_wrong_until_is_refused(acme: ServiceManagementSystem, until: object) -> None:
    with pytest.raises(ArgumentError, match="until"):
        obligations(acme, as_of=AS_OF, until=until)  # type: ignore[arg-type]


def test_json_is_deterministic_and_complete(
    acme: ServiceManagementSystem, calendar: Obligations
) -> None:
    text = calendar.to_json()
    assert text == obligations(acme, as_of=AS_OF, until=UNTIL).to_json()
    data = json.loads(text)
    assert {"overdue": 15, "due_soon": 8, "planned": 34} == data["counts"]
    assert len(calendar) == len(data["obligations"])
    first = data["obligations"][0]
    assert {"uid", "due", "status", "clause", "guidance", "owners", "last", "rule"} <= set(first)


# --- iCalendar --------------------------------------------------------------------------------


def _events(text: str) -> list[object]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_ics_reads_back_one_event_per_obligation(calendar: Obligations) -> None:
    text = render_obligations(calendar, "ics")
    events = _events(text)
    assert len(calendar) == len(events)
    by_uid = {str(e["UID"]): e for e in events}  # type: ignore[index]
    assert {f"{i.uid}@sms-model" for i in calendar} == set(by_uid)
    for item in calendar:
        event = by_uid[f"{item.uid}@sms-model"]
        start = event["DTSTART"].dt  # type: ignore[index]
        assert (AS_OF if item.status is ObligationStatus.OVERDUE else item.due) == start
        assert f"Clause {item.clause} of ISO/IEC 20000-1:2011" in str(event["DESCRIPTION"])  # type: ignore[index]
        assert item.what in str(event["SUMMARY"])  # type: ignore[index]
    # RFC 5545: CRLF line ends, lines folded at 75 octets
    lines = text.split("\r\n")
    assert "" == lines[-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in text.replace("\r\n", "")


def test_ics_is_byte_identical_and_newer_dates_have_a_higher_sequence(
    acme: ServiceManagementSystem, calendar: Obligations
) -> None:
    text = render_obligations(calendar, "ics")
    assert text == render_obligations(obligations(acme, as_of=AS_OF, until=UNTIL), "ics")
    later = render_obligations(obligations(acme, as_of=date(2026, 7, 1)), "ics")
    sequences = [
        {int(e["SEQUENCE"]) for e in _events(t)}  # type: ignore[index]
        for t in (text, later)
    ]
    assert max(sequences[0]) < min(sequences[1])


def test_ics_invites_owners_with_an_email(acme: ServiceManagementSystem) -> None:
    ceo = acme.get("ceo")
    sms = acme.replace(attrs.evolve(ceo, email="dana@acme.example"))
    calendar = obligations(sms, as_of=AS_OF)
    review = _review(calendar)
    event = next(e for e in _events(render_obligations(calendar, "ics")) if review.uid in e["UID"])  # type: ignore[index]
    attendee = event["ATTENDEE"]  # type: ignore[index]
    assert "mailto:dana@acme.example" == str(attendee)
    assert "Dana Whitfield" == attendee.params["CN"]
    others = [e for e in _events(render_obligations(calendar, "ics")) if "ATTENDEE" in e]  # type: ignore[operator]
    assert all("dana@acme.example" in str(e["ATTENDEE"]) for e in others)  # type: ignore[index]


def test_ics_holds_no_property_from_the_data(acme: ServiceManagementSystem) -> None:
    hostile = "Evil\r\nATTENDEE:mailto:x@evil.example\r\nEND:VEVENT;,\\\x1b[31m\u202e"
    ceo = acme.get("ceo")
    sms = attrs.evolve(acme, name=hostile).replace(
        attrs.evolve(ceo, name=hostile, email="dana@acme.example")
    )
    text = render_obligations(obligations(sms, as_of=AS_OF), "ics")
    parsed = icalendar.Calendar.from_ical(text)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == text.count("BEGIN:VEVENT")
    attendees = [str(a) for e in events for a in _as_list(e.get("ATTENDEE"))]
    assert set(attendees) == {"mailto:dana@acme.example"}
    name = str(parsed["X-WR-CALNAME"])
    assert "\r" not in name
    assert "\n" not in name
    assert "\x1b" not in name
    assert "\u202e" not in name
    assert "Evil\\r\\nATTENDEE:mailto:x@evil.example" in name


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_ics_without_the_package_says_what_to_install(
    calendar: Obligations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[calendar\]"):
        render_obligations(calendar, "ics")


def test_markdown_escapes_every_value(acme: ServiceManagementSystem) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    hostile = "<img src=x onerror=alert(1)> *x* [a](javascript:alert(1))"
    ceo = acme.get("ceo")
    sms = attrs.evolve(acme, name=hostile).replace(attrs.evolve(ceo, name=hostile))
    calendar = obligations(sms, as_of=AS_OF)
    text = render_obligations(calendar, "markdown")
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(text)
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    assert not [t for t in flat if t.type in ("html_inline", "html_block", "link_open", "em_open")]
    rows = [t for t in flat if t.type == "tr_open"]
    headers = sum(1 for s in ObligationStatus if calendar.with_status(s))
    assert len(calendar) + headers == len(rows)


def test_an_unknown_format_is_refused(calendar: Obligations) -> None:
    with pytest.raises(ValueError, match="use one of text, markdown, json, ics"):
        render_obligations(calendar, "csv")


# --- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


DATES = ["--as-of", AS_OF.isoformat(), "--until", UNTIL.isoformat()]


def test_due_prints_overdue_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", str(ACME), *DATES)
    assert 0 == code
    lines = out.splitlines()
    assert "15 overdue, 8 due soon, 34 planned" == lines[1]
    assert ["overdue (15):", "due soon (8):", "planned (34):"] == [
        line for line in lines if line.endswith("):")
    ]


def test_due_writes_json_and_ics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "due", str(ACME), *DATES, "--format", "json")
    assert 0 == code
    assert obligations(sms_model.load(ACME), as_of=AS_OF, until=UNTIL).to_json() == out
    target = tmp_path / "due.ics"
    assert 0 == run(capsys, "due", str(ACME), *DATES, "--format", "ics", "-o", str(target))[0]
    assert 57 == len(_events(target.read_bytes().decode()))


def test_due_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert 1 == run(capsys, "due", str(ACME), *DATES, "--fail-on-overdue")[0]
    code, _, err = run(capsys, "due", str(ACME), "--as-of", "2026-06-30", "--until", "June")
    assert (2, "sms-model: error: --until 'June' is not a date as YYYY-MM-DD\n") == (code, err)
    code, _, err = run(capsys, "due", str(ACME), "--as-of", "2026-06-30", "--until", "2026-01-01")
    assert 2 == code
    assert "lies before the as-of date" in err
    code, _, err = run(capsys, "due", str(tmp_path / "missing.yaml"))
    assert 2 == code
    assert "no such file" in err
    code, _, err = run(capsys, "due", str(ACME), "--config", "")
    assert 2 == code
    assert "--config needs the path of a file" in err


def test_due_ics_without_the_package_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    code, out, err = run(capsys, "due", str(ACME), *DATES, "--format", "ics")
    assert (2, "") == (code, out)
    assert "pip install 'sms-model[calendar]'" in err


def test_person_email_is_checked_from_code_and_files() -> None:
    with pytest.raises(sms_model.FieldValueError, match="e-mail address"):
        Person(id="p", name="P", party="acme", email="not an address")
    text = (
        "name: A\nprovider: a\nparties: [{id: a, name: A, kind: provider}]\n"
        "people: [{id: p, name: P, party: a, email: 'x@y'}, {id: q, name: Q, party: a, "
        "email: 'two@at@signs'}]\n"
    )
    with pytest.raises(sms_model.ModelValidationError, match=r"\$\.people\[1\]\.email"):
        sms_model.loads(text)
