"""What goes wrong with a history database is said in one clear error, an
:class:`~sms_model.errors.SMSModelError`, naming the database with any password masked: never a
SQLAlchemy traceback. Bad arguments are :class:`~sms_model.errors.ArgumentError`."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sms_model import history
from sms_model.errors import ArgumentError, SMSModelError
from sms_model.rules import Assessment
from tests.history.conftest import DAYS, need

SECRET = "s3cret-Pa55"


@pytest.fixture(autouse=True)
def _sqlalchemy() -> None:
    need("sqlalchemy", "the history needs it")


def _fails(url: str, error: type[Exception], *words: str) -> str:
    with pytest.raises(error) as caught:
        history.runs(url)
    message = str(caught.value)
    assert isinstance(caught.value, SMSModelError)
    assert SECRET not in message
    # No SQLAlchemy exception shows in a traceback either.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__
    for word in words:
        assert word in message
    return message


def test_text_that_is_not_a_url() -> None:
    _fails("not a url", history.HistoryConnectionError, "not a url is not a database URL")


def test_a_url_with_a_bad_port_masks_its_password() -> None:
    _fails(
        f"postgresql://bob:{SECRET}@db.example:port/h",
        history.HistoryConnectionError,
        "bob:***@db.example",
        "is not a database URL",
    )


def test_an_unknown_kind_of_database() -> None:
    _fails(
        f"nosuchdb://bob:{SECRET}@db.example/h",
        history.HistoryConnectionError,
        "nosuchdb://bob:***@db.example/h",
        "no database kind 'nosuchdb'",
    )


def test_a_driver_that_is_not_installed() -> None:
    if importlib.util.find_spec("psycopg2") is not None:
        pytest.skip("psycopg2 is installed here")
    _fails(
        f"postgresql+psycopg2://bob:{SECRET}@127.0.0.1/h",
        history.HistoryConnectionError,
        "postgresql+psycopg2://bob:***@127.0.0.1/h",
        "driver 'psycopg2' is not installed",
        "sms-model[postgresql]",
    )


def test_a_server_that_cannot_be_reached() -> None:
    need("psycopg", "the PostgreSQL driver")
    _fails(
        f"postgresql+psycopg://bob:{SECRET}@127.0.0.1:1/h",
        history.HistoryConnectionError,
        "cannot connect to postgresql+psycopg://bob:***@127.0.0.1:1/h",
    )


def test_reading_a_sqlite_file_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    url = history.default_url(tmp_path / "sms.yaml")
    _fails(url, history.HistoryConnectionError, "no history at", "record an assessment first")
    with pytest.raises(history.HistoryConnectionError):
        history.load(url, 1)
    assert [] == list(tmp_path.iterdir())


def test_recording_into_a_folder_that_does_not_exist(
    tmp_path: Path, minimal: dict[date, Assessment]
) -> None:
    url = history.default_url(tmp_path / "missing" / "sms.yaml")
    with pytest.raises(history.HistoryConnectionError, match="cannot connect to sqlite:///"):
        history.record(minimal[DAYS[0]], url)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "sms-history.db").write_text("not a database\n" * 100, encoding="utf-8")
    url = history.default_url(tmp_path / "sms.yaml")
    _fails(url, history.HistoryError, "the database sqlite:///", "not a database")


def test_without_sqlalchemy_the_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(history.MissingExtraError, match=r"sms-model\[history\]") as caught:
        history.runs(history.default_url(tmp_path / "sms.yaml"))
    assert isinstance(caught.value, ModuleNotFoundError)
    assert "sqlalchemy" == caught.value.name


def test_without_pandas_timeline_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(history.MissingExtraError, match=r"sms-model\[pandas\]"):
        history.timeline(history.default_url(tmp_path / "sms.yaml"))


def test_bad_arguments(tmp_path: Path, minimal: dict[date, Assessment]) -> None:
    url = history.default_url(tmp_path / "sms.yaml")
    assessment = minimal[DAYS[0]]
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: history.record("report", url), "expected an Assessment"),  # type: ignore[arg-type]
        (lambda: history.record(assessment, url, run_at=datetime(2026, 1, 1)), "timezone-aware"),
        (lambda: history.record(assessment, url, run_at=date(2026, 1, 1)), "must be a datetime"),  # type: ignore[arg-type]
        (lambda: history.record(assessment, url, source=Path("x")), "source must be text"),  # type: ignore[arg-type]
        (lambda: history.record(assessment, 42), "URL must be text"),  # type: ignore[arg-type]
        (lambda: history.runs(url, since=datetime(2026, 1, 1, tzinfo=UTC)), "since must be a"),
        (lambda: history.runs(url, until="2026-01-01"), "until must be a"),  # type: ignore[arg-type]
        (lambda: history.load(url, "1"), "a run id is a number"),  # type: ignore[arg-type]
        (lambda: history.render_timeline([], "csv"), "unknown format 'csv'"),
        (lambda: history.render_timeline(["run"], "text"), "expected Run records"),  # type: ignore[list-item]
    ]
    for call, words in cases:
        with pytest.raises(ArgumentError, match=words):
            call()
    assert [] == list(tmp_path.iterdir())


def test_importing_the_module_imports_neither_sqlalchemy_nor_pandas() -> None:
    code = (
        "import sys, sms_model, sms_model.history, sms_model._cli_history\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'pandas')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]\n" == result.stdout
