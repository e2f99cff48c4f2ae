"""SMS-4.3.3-future-dated finds every date of something that has happened which lies after
the as-of date, at any depth, and nothing else: checked against a walk of the model's values
written here on its own (field metadata and values, not the rule's plan of type hints)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_model import ServiceManagementSystem
from sms_model.model import HAPPENED
from sms_model.rules import Status, assess
from sms_model.testing import sms_models
from tests.rules.rule_fixtures import build

RULE = "SMS-4.3.3-future-dated"
_RECORD = re.compile(r"^[a-z ]+ '(?P<label>[^']*)': (?P<where>\S+) (?P<day>\d{4}-\d{2}-\d{2}) is")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _walk(entity: Any, prefix: str = "") -> Iterator[tuple[str, date]]:
    """Every happened-date an entity holds, at any depth, with its field path."""
    for field in attrs.fields(type(entity)):
        value = getattr(entity, field.name)
        if field.metadata.get(HAPPENED):
            if value is not None:
                yield prefix + field.name, _day(value)
        elif attrs.has(type(value)):
            yield from _walk(value, f"{prefix}{field.name}.")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if attrs.has(type(item)):
                    yield from _walk(item, f"{prefix}{field.name}[{i}].")


def _expected(sms: ServiceManagementSystem, as_of: date) -> set[tuple[str, str, date]]:
    found: set[tuple[str, str, date]] = set()
    for field in attrs.fields(ServiceManagementSystem):
        if not field.init or field.name == "evidence":
            continue
        value = getattr(sms, field.name)
        items = value if isinstance(value, tuple) else () if value is None else (value,)
        for entity in items:
            if not attrs.has(type(entity)):
                continue
            label = getattr(entity, "id", field.name)
            found |= {(label, where, day) for where, day in _walk(entity) if day > as_of}
    return found


def _expected_evidence(sms: ServiceManagementSystem, as_of: date) -> set[str]:
    return {record.id for record in sms.evidence if any(day > as_of for _, day in _walk(record))}


def _reported(sms: ServiceManagementSystem, as_of: date) -> tuple[set[Any], set[str]]:
    result = assess(sms, as_of=as_of, select=[RULE])
    records: set[tuple[str, str, date]] = set()
    evidence: set[str] = set()
    for finding in result.findings:
        if finding.status is Status.PASS:
            continue
        assert finding.status is Status.FAIL, finding
        if finding.message.startswith("evidence "):
            evidence |= set(finding.subjects)
            continue
        match = _RECORD.match(finding.message)
        assert match, finding.message
        assert finding.subjects == (match["label"],)
        records.add((match["label"], match["where"], date.fromisoformat(match["day"])))
    return records, evidence


def _days_around(sms: ServiceManagementSystem) -> list[date]:
    """Each date in the system, the day before it and the day after it."""
    days: set[date] = set()
    for field in attrs.fields(ServiceManagementSystem):
        value = getattr(sms, field.name) if field.init else None
        items = value if isinstance(value, tuple) else () if value is None else (value,)
        for entity in items:
            if attrs.has(type(entity)):
                days |= {day for _, day in _walk(entity)}
    one = timedelta(days=1)
    return sorted(
        {d + step for d in days for step in (-one, timedelta(0), one) if date.min < d < date.max}
    )


def test_every_record_of_the_rule_fixture_system_is_found_at_every_boundary() -> None:
    # The as-of date on each date of the system, and a day either side: each date is found
    # exactly when it lies after the as-of date, at every depth, with its field path.
    sms = build()
    days = _days_around(sms)
    assert len(days) > 10
    for as_of in days:
        assert _reported(sms, as_of) == (_expected(sms, as_of), _expected_evidence(sms, as_of))


@settings(max_examples=60, deadline=None)
@given(sms=sms_models(max_size=4), data=st.data())
def test_generated_systems_report_exactly_the_dates_after_the_as_of_date(
    sms: ServiceManagementSystem, data: st.DataObject
) -> None:
    days = _days_around(sms)
    as_of = data.draw(st.sampled_from(days)) if days else date(2026, 1, 1)
    assert _reported(sms, as_of) == (_expected(sms, as_of), _expected_evidence(sms, as_of))


# --- the rule's plan of each entity class, derived from type hints once per class ------------

_DATED_CLASSES = {
    # class: (its happened-date fields, its fields holding entities with such dates)
    "Acknowledgement": (("date",), ()),
    "Change": (("raised", "implemented", "reviewed"), ()),
    "Evidence": (("effective", "collected"), ()),
    "Measurement": (("date",), ()),
    "Objective": (("revised",), ("measurements",)),
    "ServiceManagementPlan": (("agreed_on",), ()),
}


def _entity_classes_of_model() -> list[type]:
    import sms_model.model as model

    found = [getattr(model, name) for name in model.__all__]
    return [c for c in found if isinstance(c, type) and attrs.has(c)]


def test_the_plan_of_each_class_names_its_dated_and_dating_fields() -> None:
    # Computed afresh here (the cached plan was made when the module was imported).
    from sms_model.rules.builtin import _documentation as rules

    plan = rules._plan.__wrapped__
    for cls in _entity_classes_of_model():
        if cls is ServiceManagementSystem:
            continue
        dates = tuple(f.name for f in attrs.fields(cls) if f.metadata.get(HAPPENED))
        got = plan(cls)
        assert dates == got[0], cls
        if cls.__name__ in _DATED_CLASSES:
            assert _DATED_CLASSES[cls.__name__] == got, cls
        assert rules._dated(cls) == bool(got[0] or got[1])


def test_one_required_date_screens_only_classes_with_a_single_required_date() -> None:
    from sms_model.rules.builtin import _documentation as rules

    one = rules._one_required_date.__wrapped__
    by_name = {cls.__name__: cls for cls in _entity_classes_of_model()}
    assert "date" == one(by_name["Measurement"])
    assert "date" == one(by_name["Acknowledgement"])
    assert one(by_name["Change"]) is None  # three dates
    assert one(by_name["Objective"]) is None  # holds dated measurements
    assert one(by_name["ServiceManagementPlan"]) is None  # its one date is optional
    assert one(by_name["Risk"]) is None  # likewise


def test_entity_classes_are_found_inside_optional_and_tuple_annotations() -> None:
    from sms_model.model import Measurement
    from sms_model.rules.builtin import _documentation as rules

    for hint in (Measurement, Measurement | None, tuple[Measurement, ...]):
        assert [Measurement] == list(rules._entity_classes(hint))
    assert [Measurement] == list(rules._entity_classes(tuple[Measurement, ...] | None))
    assert [] == list(rules._entity_classes(str | None))


def test_screening_keeps_exactly_the_entities_dated_after_the_as_of_date() -> None:
    from sms_model.model import Measurement
    from sms_model.rules.builtin import _documentation as rules

    day = date(2026, 11, 27)
    items = [
        Measurement(date=day - timedelta(days=1), value="1", met=True),
        Measurement(date=day, value="2", met=True),
        Measurement(date=day + timedelta(days=1), value="3", met=True),
    ]
    assert [items[2]] == list(rules._screened(items, day))
    assert [] == list(rules._screened([], day))
