"""Shared set-up of the report tests: pictures are drawn with the non-interactive Agg backend,
every figure a test opens through pyplot is closed after it, and a small SMS with a gap and a
controlled assessment of it serve as fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import sms_model
from sms_model.model import (
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Scope,
    ServiceManagementSystem,
    TopManagement,
)
from sms_model.rules import Assessment, Context, Finding, Registry, Waiver, assess

os.environ.setdefault("MPLBACKEND", "Agg")

AS_OF = date(2026, 11, 27)
ACME = Path(__file__).resolve().parents[2] / "examples" / "acme-managed-services.yaml"
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture
def hostile() -> str:
    """A name that would run a script if it reached the page unescaped."""
    return HOSTILE


@pytest.fixture(scope="session")
def acme() -> ServiceManagementSystem:
    return sms_model.load(ACME)


@pytest.fixture(scope="session")
def acme_assessment(acme: ServiceManagementSystem) -> Assessment:
    return assess(acme, as_of=AS_OF)


@pytest.fixture
def small_sms() -> ServiceManagementSystem:
    """A provider with one owned process it runs and one unowned process a supplier runs."""
    return ServiceManagementSystem(
        name="Acme SMS",
        provider="acme",
        scope=Scope(statement="Managed hosting for business customers"),
        parties=(
            Party(id="acme", name="Acme Ltd", kind=PartyKind.PROVIDER),
            Party(id="globex", name="Globex", kind=PartyKind.SUPPLIER),
        ),
        people=(
            Person(id="ceo", name="Ada Lovelace", party="acme"),
            Person(id="cm", name="Charles Babbage", party="acme", reports_to="ceo"),
        ),
        top_management=TopManagement(members=("ceo",), representative="cm"),
        processes=(
            Process(id="chg", kind=ProcessKind.CHANGE, name="Change", owner="cm"),
            Process(id="cap", kind=ProcessKind.CAPACITY, operated_by="globex"),
        ),
    )


@pytest.fixture
def registry() -> Registry:
    """Rules with known outcomes: a major and a minor failure, a waived failure, a pass, a rule
    that crashes, and a failure whose message and subject carry markup."""
    rules = Registry()

    @rules.rule(id="T-major", clause="4.1.4", severity="major")
    def major(ctx: Context) -> Iterator[Finding]:
        """Fails with a major finding."""
        yield ctx.fail("no management review was held", subjects="ceo")

    @rules.rule(id="T-minor", clause="6.5", severity="minor")
    def minor(ctx: Context) -> Iterator[Finding]:
        """Fails with a minor finding that carries markup."""
        yield ctx.fail(f"capacity plan {HOSTILE} is missing", subjects=HOSTILE)

    @rules.rule(id="T-waived", clause="7.2", severity="minor")
    def waived(ctx: Context) -> Iterator[Finding]:
        """Fails, but a waiver covers it."""
        yield ctx.fail("supplier review overdue", subjects="globex")

    @rules.rule(id="T-pass", clause="9.2", severity="major")
    def passing(ctx: Context) -> Iterator[Finding]:
        """Passes explicitly."""
        yield ctx.passed("every change was assessed for risk", subjects="chg")

    @rules.rule(id="T-crash", clause="8.2", severity="major")
    def crash(ctx: Context) -> Iterator[Finding]:
        """Raises, so it is reported as an error."""
        raise RuntimeError("boom")
        yield  # pragma: no cover - makes this a generator

    return rules


@pytest.fixture
def assessment(small_sms: ServiceManagementSystem, registry: Registry) -> Assessment:
    waiver = Waiver(
        id="w-1",
        target="T-waived",
        justification="new supplier manager starts in January",
        approver="ceo",
        expires=date(2027, 3, 1),
    )
    return assess(small_sms, as_of=AS_OF, registry=registry, waivers=[waiver])
