"""Waivers: who may grant them, what they may target, for how long, and how broadly."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from sms_model import FieldValueError
from sms_model.rules import Config, Registry, Severity, Status, Waiver, assess
from tests.rules.rule_fixtures import AS_OF, build

DAY = timedelta(days=1)


def _registry() -> Registry:
    registry = Registry()

    @registry.rule(id="T-changes", clause="9.2", severity="minor", aliases=("T-old-name",))
    def changes_approved(ctx):  # type: ignore[no-untyped-def]
        for change in ctx.sms.changes:
            if change.approved_by is None:
                yield ctx.fail("change not approved", subjects=change.id)

    return registry


def _assess(*waivers: Waiver, as_of: date = AS_OF, config: Config | None = None) -> dict[str, Any]:
    sms = build({"update": {"chg-1": {"approved_by": None}}})
    result = assess(sms, as_of=as_of, registry=_registry(), waivers=waivers, config=config)
    return {f.rule: f for f in result.findings}


def _waiver(**changes: Any) -> Waiver:
    fields: dict[str, Any] = {
        "id": "w1",
        "target": "T-changes",
        "justification": "tool migration",
        "approver": "ceo",
        "expires": AS_OF + 30 * DAY,
    }
    return Waiver(**{**fields, **changes})


def test_a_valid_waiver_on_a_rule_waives_its_failure_and_nothing_else_is_said() -> None:
    found = _assess(_waiver())
    assert (Status.WAIVED, "w1") == (found["T-changes"].status, found["T-changes"].waiver)
    assert ["T-changes"] == sorted(found)


def test_a_waiver_may_name_a_rule_by_an_alias() -> None:
    found = _assess(_waiver(target="T-old-name"))
    assert Status.WAIVED == found["T-changes"].status


@pytest.mark.parametrize("approver", ["rep", "po", "nobody"])
def test_only_a_member_of_top_management_may_approve(approver: str) -> None:
    found = _assess(_waiver(approver=approver))
    assert Status.FAIL == found["T-changes"].status
    refusal = found["SMS-waiver-approver"]
    assert (Severity.MINOR, ("w1",)) == (refusal.severity, refusal.subjects)
    assert "not a member of top management" in refusal.message


@pytest.mark.parametrize("target", ["9.9.9", "T-no-such-rule", "99"])
def test_a_waiver_aimed_at_nothing_that_exists_is_reported_and_not_applied(target: str) -> None:
    found = _assess(_waiver(target=target))
    refusal = found["SMS-waiver-target"]
    assert (Status.FAIL, Severity.MINOR, "4.5.5.1") == (
        refusal.status,
        refusal.severity,
        refusal.clause,
    )
    assert f"targets {target!r}, which is neither a clause" in refusal.message
    assert "SMS-waiver-unused" not in found


def test_a_clause_wide_waiver_applies_and_is_an_observation_of_its_own() -> None:
    found = _assess(_waiver(target="9"))
    assert Status.WAIVED == found["T-changes"].status
    scope = found["SMS-waiver-scope"]
    assert (Severity.OBSERVATION, "9", ("w1",)) == (scope.severity, scope.clause, scope.subjects)


def test_the_issue_example_a_clause_4_waiver_until_9999_is_refused() -> None:
    sms = build({"set": {"top_management": {}}})
    registry = Registry()
    registry.rule(id="T-tm", clause="4.1.1")(lambda ctx: [ctx.fail("no top management")])
    waiver = _waiver(target="4", expires=date(9999, 12, 31))
    result = assess(sms, as_of=AS_OF, registry=registry, waivers=[waiver])
    found = {f.rule: f for f in result.findings}
    # The top management is empty, so nobody could have approved it either.
    assert Status.FAIL == found["T-tm"].status
    assert "SMS-waiver-approver" in found


@pytest.mark.parametrize(
    ("expires", "applied"),
    [
        (AS_OF - DAY, False),  # expired the day before
        (AS_OF, True),  # expires on the as-of date: still in force that day
        (date(2027, 11, 27), True),  # exactly the limit of one year
        (date(2027, 11, 28), False),  # a day over the limit
        (date(9999, 12, 31), False),
    ],
)
def test_a_waiver_is_in_force_until_it_expires_and_no_longer_than_the_limit(
    expires: date, applied: bool
) -> None:
    found = _assess(_waiver(expires=expires))
    assert (Status.WAIVED if applied else Status.FAIL) == found["T-changes"].status
    if not applied:
        refusal = found.get("SMS-waiver-expired") or found["SMS-waiver-duration"]
        assert ("w1",) == refusal.subjects


def test_the_limit_counts_from_the_day_granted_and_is_configurable() -> None:
    waiver = _waiver(granted=AS_OF - 300 * DAY, expires=AS_OF + 70 * DAY)  # 370 days
    found = _assess(waiver)
    duration = found["SMS-waiver-duration"]
    assert Severity.MINOR == duration.severity
    assert "longer than the limit (every 1 year)" in duration.message
    found = _assess(waiver, config=Config(waiver_limit="P2Y"))
    assert Status.WAIVED == found["T-changes"].status


@pytest.mark.parametrize(("granted", "applied"), [(AS_OF, True), (AS_OF + DAY, False)])
def test_a_waiver_granted_after_the_as_of_date_is_not_yet_in_force(
    granted: date, applied: bool
) -> None:
    found = _assess(_waiver(granted=granted))
    assert (Status.WAIVED if applied else Status.FAIL) == found["T-changes"].status
    if not applied:
        assert "is granted only on" in found["SMS-waiver-expired"].message


@pytest.mark.parametrize(
    ("field", "value"),
    [("expires", "2027-01-31"), ("expires", None), ("target", ""), ("approver", 5)],
)
def test_a_waiver_with_a_wrong_field_is_refused_on_construction(field: str, value: Any) -> None:
    with pytest.raises(FieldValueError) as caught:
        _waiver(**{field: value})
    assert ("Waiver", field) == (caught.value.entity, caught.value.field)
