"""Fixtures of the history tests: a database per backend, and real assessments of the examples.

``url`` is a fresh, empty database for each test: a SQLite file always; a schema of its own on
the PostgreSQL server that ``SMS_MODEL_TEST_POSTGRES_URL`` names (created for the test and
dropped after it), when that variable is set. Without it the PostgreSQL tests are skipped, or
fail when ``SMS_MODEL_REQUIRE_POSTGRES=1`` (as in CI, where ``.ci/run`` starts a server).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sms_model
from sms_model.history import default_url
from sms_model.rules import Assessment

POSTGRES_URL = "SMS_MODEL_TEST_POSTGRES_URL"
REQUIRE_POSTGRES = "SMS_MODEL_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgresql")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The days the examples are assessed at: the Acme example's failures change between them.
DAYS = (date(2026, 1, 1), date(2026, 6, 1), date(2026, 11, 27), date(2027, 6, 1))


def _required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES) == "1"


def need(module: str, why: str) -> Any:
    """Import ``module``, or skip the test (fail it when PostgreSQL is required)."""
    try:
        return pytest.importorskip(module)
    except pytest.skip.Exception:
        if _required():
            pytest.fail(f"{REQUIRE_POSTGRES}=1, but {module} is not installed ({why})")
        raise


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty history database (see the module's description)."""
    need("sqlalchemy", "the history needs it")
    if request.param == "sqlite":
        yield default_url(tmp_path / "sms.yaml")
        return
    base = os.environ.get(POSTGRES_URL)
    if not base:
        if _required():
            pytest.fail(f"{REQUIRE_POSTGRES}=1, but {POSTGRES_URL} is not set")
        pytest.skip(f"set {POSTGRES_URL} to run the history tests against PostgreSQL")
    need("psycopg", "the PostgreSQL driver")
    yield from _postgres_schema(base)


def _postgres_schema(base: str) -> Iterator[str]:
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    schema = f"history_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(url: str) -> Iterator[Any]:
    """A plain SQLAlchemy engine on the test's database, to look at it from outside."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    created = sa.create_engine(url, poolclass=NullPool)
    yield created
    created.dispose()


@pytest.fixture(scope="session")
def acme() -> dict[date, Assessment]:
    """The Acme example assessed at each of :data:`DAYS`."""
    sms = sms_model.load(EXAMPLES / "acme-managed-services.yaml")
    return {day: sms_model.assess(sms, as_of=day) for day in DAYS}


@pytest.fixture(scope="session")
def minimal() -> dict[date, Assessment]:
    """The minimal example assessed at each of :data:`DAYS`."""
    sms = sms_model.load(EXAMPLES / "minimal.yaml")
    return {day: sms_model.assess(sms, as_of=day) for day in DAYS}


def outstanding(assessment: Assessment) -> set[str]:
    """The ids of what stands against conformity in an assessment (failures and errors)."""
    return {f.id for f in assessment.findings if f.outstanding}
