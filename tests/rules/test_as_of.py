"""What "as of a date" means, the same for every rule: documents and agreements in force on
that date, records on file by it, and nothing odd at the ends of the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from sms_model.model import DocumentStatus
from sms_model.rules import Status, assess
from tests.rules.rule_fixtures import AS_OF, build

BASE = build()
TOMORROW = AS_OF + timedelta(days=1)


def _failing(sms: object, as_of: date = AS_OF) -> set[str]:
    result = assess(sms, as_of=as_of)  # type: ignore[arg-type]
    return {f.rule for f in result.findings if f.status in (Status.FAIL, Status.ERROR)}


@pytest.mark.parametrize("doc_id", sorted(d.id for d in BASE.documents))
def test_a_document_issued_after_the_as_of_date_counts_as_not_in_force(doc_id: str) -> None:
    # Six rules used to count any issued document, whatever its issue date: a complaints
    # procedure issued next year passed today. Issued tomorrow must read as not issued yet,
    # by every rule alike: the same rules fail as when the document is still a draft.
    doc = BASE.get(doc_id)
    draft = BASE.replace(attrs.evolve(doc, status=DocumentStatus.DRAFT))
    future = BASE.replace(attrs.evolve(doc, issued=TOMORROW))
    today = BASE.replace(attrs.evolve(doc, issued=AS_OF))
    assert _failing(draft) - {"SMS-4.3.3-future-dated"} == _failing(future) - {
        "SMS-4.3.3-future-dated"
    }
    # Issued on the as-of date itself, it is in force: nothing fails for want of it (a rule
    # may still find it issued after the records it governs).
    assert _failing(today) <= _failing(future)


@pytest.mark.parametrize(
    "rule",
    [
        "SMS-4.5.4.2-programme",
        "SMS-9.1-ci-types",
        "SMS-8.1-major-incident-procedure",
        "SMS-9.2-emergency-procedure",
        "SMS-9.3-emergency-procedure",
        "SMS-7.1-complaints",
        "SMS-4.1.3-communication",
    ],
)
def test_the_rules_that_ignored_issue_dates(rule: str) -> None:
    kinds = {
        "SMS-4.5.4.2-programme": "audit_programme",
        "SMS-9.1-ci-types": "configuration_item_types",
        "SMS-9.2-emergency-procedure": "emergency_change_procedure",
        "SMS-9.3-emergency-procedure": "emergency_release_procedure",
        "SMS-8.1-major-incident-procedure": "major_incident_procedure",
        "SMS-7.1-complaints": "complaint_procedure",
        "SMS-4.1.3-communication": "communication_procedure",
    }
    (doc,) = (d for d in BASE.documents if d.kind.value == kinds[rule])
    future = BASE.replace(attrs.evolve(doc, issued=date(2027, 1, 4)))
    found = assess(future, as_of=AS_OF, select=[rule]).findings
    assert Status.FAIL in {f.status for f in found if f.rule == rule}


@pytest.mark.parametrize(
    "as_of", [date.min, date(1, 1, 2), date(1, 12, 31), date(9999, 1, 1), date.max]
)
def test_as_of_dates_at_the_ends_of_the_calendar_give_findings_not_errors(as_of: date) -> None:
    # Look-back windows ("the last year") used to reach year 0 and make eight rules raise.
    result = assess(BASE, as_of=as_of)
    assert [] == [(f.rule, f.message) for f in result.findings if f.status is Status.ERROR]


def test_records_in_year_9999_give_findings_not_errors() -> None:
    late = date(9999, 12, 31)
    meeting = attrs.evolve(BASE.get("mtg-2026-09"), date=late)
    evidence = tuple(attrs.evolve(e, effective=late) for e in BASE.evidence)
    sms = attrs.evolve(BASE.replace(meeting), evidence=evidence)
    for as_of in (AS_OF, date(9999, 12, 30), late):
        result = assess(sms, as_of=as_of)
        assert [] == [(f.rule, f.message) for f in result.findings if f.status is Status.ERROR]


def test_records_dated_after_the_as_of_date_are_each_reported() -> None:
    meeting = attrs.evolve(BASE.get("mtg-2026-09"), date=TOMORROW)
    record = attrs.evolve(BASE.evidence[0], effective=TOMORROW)
    sms = attrs.evolve(BASE.replace(meeting), evidence=(record, *BASE.evidence[1:]))
    found = assess(sms, as_of=AS_OF, select=["SMS-4.3.3-future-dated"]).failures
    assert {("mtg-2026-09",), (record.id,)} == {f.subjects for f in found}
    assert {"observation"} == {f.severity.value for f in found}


def test_the_evidence_index_checks_every_date_the_model_marks_as_happened() -> None:
    # The index's filter of future-dated evidence is written out for speed; it must check the
    # fields the model marks, no more and no fewer.
    from sms_model.model import Evidence, happened_fields

    assert ("effective", "collected") == happened_fields(Evidence)
    record = BASE.evidence[0]
    for field in happened_fields(Evidence):
        value = TOMORROW if field == "effective" else _at_noon(TOMORROW)
        late = attrs.evolve(record, **{field: value})
        sms = attrs.evolve(BASE, evidence=(late, *BASE.evidence[1:]))
        found = assess(sms, as_of=AS_OF, select=["SMS-4.3.3-future-dated"]).failures
        assert [(record.id,)] == [f.subjects for f in found], field


def _at_noon(day: date) -> object:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
