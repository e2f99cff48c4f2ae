"""The history's schema versions: a new database gets every migration; an older one is
upgraded in place with its data kept; a failed migration leaves it as it was; a newer one, or a
database that is not a history, is refused and left untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from sms_model import history
from sms_model.rules import Assessment
from tests.history.conftest import DAYS

OURS = {"sms_model_schema", "sms_model_runs", "sms_model_findings"}


def _look(engine: Any) -> dict[str, Any]:
    """What the database holds, seen from outside: tables, the runs' columns, the versions
    applied, and how many rows each of our tables has."""
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    seen: dict[str, Any] = {"tables": tables}
    if "sms_model_runs" in tables:
        seen["run columns"] = {c["name"] for c in inspector.get_columns("sms_model_runs")}
        seen["indexes"] = {
            i["name"]
            for name in ("sms_model_runs", "sms_model_findings")
            for i in inspector.get_indexes(name)
        }
    with engine.connect() as connection:
        if "sms_model_schema" in tables:
            query = sa.text("SELECT version FROM sms_model_schema ORDER BY version")
            seen["versions"] = list(connection.execute(query).scalars())
        for name in tables & OURS - {"sms_model_schema"}:
            seen[name] = connection.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
    return seen


def _at_version_1(url: str, assessments: list[Assessment]) -> None:
    """A database as version 1 of the schema made it, holding ``assessments``."""
    engine = history._engine(url, create=True)
    try:
        with engine.begin() as connection:
            history._migrate(connection, url, upto=1)
            for i, assessment in enumerate(assessments):
                run_at = datetime(2026, 12, 1, 8, i, tzinfo=UTC)
                history._insert(connection, assessment, assessment.to_json(), run_at, None)
    finally:
        engine.dispose()


def test_a_new_database_gets_every_migration(
    url: str, engine: Any, minimal: dict[date, Assessment]
) -> None:
    history.record(minimal[DAYS[0]], url)
    seen = _look(engine)
    assert OURS == seen["tables"]
    assert list(range(1, history.SCHEMA_VERSION + 1)) == seen["versions"]
    assert "source" in seen["run columns"]
    expected = {
        "ix_sms_model_runs_system_as_of",
        "ix_sms_model_runs_system_run_at",
        "ix_sms_model_findings_run_id",
        "ix_sms_model_findings_finding_id",
    }
    assert expected <= seen["indexes"]
    assert (1, len(minimal[DAYS[0]].findings)) == (
        seen["sms_model_runs"],
        seen["sms_model_findings"],
    )


def test_a_version_1_database_is_upgraded_in_place_with_its_data(
    url: str, engine: Any, acme: dict[date, Assessment]
) -> None:
    old = [acme[DAYS[0]], acme[DAYS[1]]]
    _at_version_1(url, old)
    before = _look(engine)
    assert [1] == before["versions"]
    assert "source" not in before["run columns"]

    found = history.runs(url)  # opening it upgrades it

    after = _look(engine)
    assert [1, 2] == after["versions"]
    assert before["run columns"] | {"source"} == after["run columns"]
    assert before["sms_model_runs"] == after["sms_model_runs"]
    assert before["sms_model_findings"] == after["sms_model_findings"]
    assert [DAYS[0], DAYS[1]] == [r.as_of for r in found]
    assert [None, None] == [r.source for r in found]
    assert found[1].new is not None
    for run, assessment in zip(found, old, strict=True):
        assert assessment == history.load(url, run.id)
    new_id = history.record(acme[DAYS[2]], url, source="sms.yaml")
    assert [None, None, "sms.yaml"] == [r.source for r in history.runs(url)]
    assert new_id == history.runs(url)[-1].id


def test_a_failed_migration_leaves_the_database_as_it_was(
    url: str, engine: Any, acme: dict[date, Assessment], monkeypatch: pytest.MonkeyPatch
) -> None:
    _at_version_1(url, [acme[DAYS[0]]])
    before = _look(engine)

    def broken(connection: Any) -> None:
        history._add_source(connection)  # a change made, then a failure before the end
        raise RuntimeError("migration 2 failed half-way")

    migrations = (history._MIGRATIONS[0], history._Migration(2, "broken", broken))
    monkeypatch.setattr(history, "_MIGRATIONS", migrations)
    with pytest.raises(RuntimeError, match="half-way"):
        history.runs(url)
    assert before == _look(engine)
    monkeypatch.undo()
    assert [DAYS[0]] == [r.as_of for r in history.runs(url)]
    assert [1, 2] == _look(engine)["versions"]


def _newer(engine: Any) -> None:
    import sqlalchemy as sa

    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO sms_model_schema (version, description, applied_at, "
                "library_version) VALUES (:v, 'from the future', :t, '99.0')"
            ),
            {"v": history.SCHEMA_VERSION + 1, "t": datetime(2030, 1, 1)},
        )


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(lambda url, a: history.record(a, url), id="record"),
        pytest.param(lambda url, a: history.runs(url), id="runs"),
        pytest.param(lambda url, a: history.load(url, 1), id="load"),
        pytest.param(lambda url, a: history.first_seen(url, a.system_name), id="first_seen"),
    ],
)
def test_a_database_of_a_newer_version_is_refused_and_left_alone(
    url: str,
    engine: Any,
    minimal: dict[date, Assessment],
    use: Callable[[str, Assessment], object],
) -> None:
    history.record(minimal[DAYS[0]], url)
    _newer(engine)
    before = _look(engine)
    with pytest.raises(history.HistorySchemaError, match="newer") as caught:
        use(url, minimal[DAYS[0]])
    message = str(caught.value)
    assert f"schema version {history.SCHEMA_VERSION + 1}" in message
    assert "upgrade sms_model" in message
    assert before == _look(engine)


def test_a_database_that_is_not_a_history_is_refused_and_left_alone(
    url: str, engine: Any, minimal: dict[date, Assessment]
) -> None:
    import sqlalchemy as sa

    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"))
        connection.execute(sa.text("INSERT INTO customers VALUES (1, 'Acme')"))
    with pytest.raises(
        history.HistorySchemaError, match=r"not an assessment history \(customers\)"
    ):
        history.record(minimal[DAYS[0]], url)
    with pytest.raises(history.HistorySchemaError, match="left untouched"):
        history.runs(url)
    assert {"tables": {"customers"}} == _look(engine)
    with engine.connect() as connection:
        assert [(1, "Acme")] == connection.execute(sa.text("SELECT * FROM customers")).all()


def test_every_severity_and_verdict_has_its_columns() -> None:
    from sms_model.rules import Severity, Verdict

    # A severity or verdict added to the library needs a migration adding its column.
    assert [s.value for s in Severity] == list(history._SEVERITIES)
    assert {v.value for v in Verdict} == set(history._VERDICTS)
