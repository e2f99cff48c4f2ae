"""A result never looks better than what was checked: assess() refuses arguments it cannot use,
an empty selection is an error, rules that could not run count against conformity, and a
clause with nothing to check says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from sms_model.errors import ArgumentError, SelectionError, SMSModelError
from sms_model.rules import Context, Finding, Registry, Severity, Status, Verdict, assess
from tests.rules.rule_fixtures import AS_OF, build

BASE = build()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"as_of": datetime(2026, 11, 27, 9, 0)}, r"as_of must be a datetime\.date.*\.date\(\)"),
        ({"as_of": "2026-11-27"}, r"as_of must be a datetime\.date.*fromisoformat"),
        ({"as_of": 20261127}, "as_of must be a datetime.date, not int"),
        ({"waivers": "w1"}, "waivers must be a sequence of Waiver"),
        ({"waivers": [{"id": "w1"}]}, r"waivers\[0\] must be a Waiver"),
        ({"config": {"look_back": "P1Y"}}, "config must be a Config or None"),
        ({"registry": []}, "registry must be a Registry or None"),
        ({"select": 4}, "select must be a list of selectors"),
        ({"ignore": [4.1]}, "ignore must hold selectors as text"),
        ({"progress": "yes"}, "progress must be callable"),
    ],
)
def test_arguments_of_the_wrong_type_are_refused_before_any_rule_runs(
    arguments: dict[str, Any], message: str
) -> None:
    # A datetime used to give 89 rule errors, and a string a crash deep in a rule.
    with pytest.raises(ArgumentError, match=message) as caught:
        assess(BASE, **{"as_of": AS_OF, **arguments})
    assert isinstance(caught.value, TypeError | SMSModelError)


def test_the_system_itself_must_be_a_system() -> None:
    with pytest.raises(ArgumentError, match="sms must be a ServiceManagementSystem, not dict"):
        assess({"name": "x"}, as_of=AS_OF)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("select", "ignore"),
    [([], None), (["4"], ["4"]), (["4.1.4"], ["4"]), (None, ["4", "5", "6", "7", "8", "9"])],
)
def test_a_selection_that_leaves_no_rule_is_an_error_not_a_clean_pass(
    select: list[str] | None, ignore: list[str] | None
) -> None:
    with pytest.raises(SelectionError):
        assess(BASE, as_of=AS_OF, select=select, ignore=ignore)


def test_a_single_selector_may_be_given_as_text() -> None:
    one = assess(BASE, as_of=AS_OF, select="SMS-4.1.4-representative")
    assert ("SMS-4.1.4-representative",) == one.rules


def test_an_empty_registry_assesses_nothing_and_says_so() -> None:
    with pytest.raises(SelectionError, match="the registry holds no rule"):
        assess(BASE, as_of=AS_OF, registry=Registry())


def _registry() -> Registry:
    registry = Registry()

    @registry.rule(id="T-minor", clause="6.1", severity="minor")
    def minor(ctx: Context) -> Iterator[Finding]:
        yield ctx.fail("a minor failure")

    @registry.rule(id="T-broken", clause="6.2", severity="major")
    def broken(ctx: Context) -> Iterator[Finding]:
        raise RuntimeError("the rule could not run")
        yield  # pragma: no cover - makes this a generator

    @registry.rule(id="T-broken-do", clause="4.5.3", severity="minor")
    def broken_do(ctx: Context) -> Iterator[Finding]:
        raise ValueError("neither could this one")
        yield  # pragma: no cover - makes this a generator

    @registry.rule(id="T-nothing", clause="6.3.1", severity="major")
    def nothing(ctx: Context) -> Iterator[Finding]:
        yield ctx.not_applicable("no service is in scope of this check")

    @registry.rule(id="T-fine", clause="6.3.2", severity="major")
    def fine(ctx: Context) -> Iterator[Finding]:
        yield ctx.passed("all well")

    @registry.rule(id="T-also-nothing", clause="6.3.2", severity="minor")
    def also_nothing(ctx: Context) -> Iterator[Finding]:
        yield ctx.not_applicable("nothing to check")

    return registry


def test_a_rule_that_could_not_run_counts_among_the_failures_at_its_severity() -> None:
    # One rule that could not run used to make the failure count drop (114 to 110 in review).
    result = assess(BASE, as_of=AS_OF, registry=_registry())
    assert [
        ("T-broken", Status.ERROR),
        ("T-broken-do", Status.ERROR),
        ("T-minor", Status.FAIL),
    ] == [(f.rule, f.status) for f in result.failures]
    assert {"major": 1, "minor": 2, "observation": 0} == dict(result.failure_counts)
    assert result.failed_at(Severity.MAJOR)
    assert 1 == result.pdca["do"]["minor"]  # 4.5.3 is in the "do" phase


def test_verdicts_never_claim_more_than_was_checked() -> None:
    result = assess(BASE, as_of=AS_OF, registry=_registry())
    verdicts = {number: result.verdict(number).verdict for number in ("6.1", "6.2", "6.3.1")}
    assert {
        "6.1": Verdict.MINOR,
        "6.2": Verdict.NOT_ASSESSED,  # the rule could not run
        "6.3.1": Verdict.NOT_APPLICABLE,  # was "conforming" with zero passes
    } == verdicts
    assert Verdict.CONFORMING == result.verdict("6.3.2").verdict  # a pass and a not-applicable
    assert Verdict.NOT_ASSESSED == result.verdict("6").verdict  # an error below, no major


def test_the_as_of_date_defaults_to_today_only_when_left_out() -> None:
    assert date.today() == assess(BASE, select=["4.1.4"]).as_of
