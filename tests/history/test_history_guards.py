"""Guards around the history: its database is never overwritten by ``--output``, a database in
memory is refused, passwords stay hidden even in malformed URLs, and runs of different rule
selections are not compared with each other."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import sms_model
from sms_model.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
history = pytest.importorskip("sms_model.history")
pytest.importorskip("sqlalchemy")


@pytest.fixture
def sms_file(tmp_path: Path) -> Path:
    target = tmp_path / "acme.yaml"
    shutil.copy(EXAMPLES / "acme-managed-services.yaml", target)
    return target


def test_assess_output_never_overwrites_the_history(
    sms_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = sms_file.parent / "sms-history.db"
    argv = ["assess", str(sms_file), "--as-of", "2026-11-27", "--fail-on", "never", "--record"]
    assert main(argv) == 0
    before = database.read_bytes()
    assert main([*argv, "-o", str(database)]) == 2
    assert "overwrite the input" in capsys.readouterr().err
    assert database.read_bytes() == before
    assert len(history.runs(f"sqlite:///{database}")) == 1


def test_history_output_never_overwrites_the_history(
    sms_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = sms_file.parent / "h.db"
    url = f"sqlite:///{database}"
    history.record(sms_model.assess(sms_model.load(sms_file), as_of=date(2026, 11, 27)), url)
    before = database.read_bytes()
    assert main(["history", url, "-o", str(database)]) == 2
    assert database.read_bytes() == before
    assert "overwrite" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_database_in_memory_is_refused(sms_file: Path, url: str) -> None:
    result = sms_model.assess(sms_model.load(sms_file), as_of=date(2026, 11, 27))
    with pytest.raises(history.HistoryConnectionError, match="in memory"):
        history.record(result, url)


def test_a_malformed_url_does_not_show_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(history.HistoryError) as caught:
        history.runs("postgresql+psycopg:/alice:s3cretpw@db.invalid/hist")
    assert "s3cretpw" not in str(caught.value)
    assert main(["history", "postgres:/alice:s3cretpw@h/db"]) == 2
    assert "s3cretpw" not in capsys.readouterr().err


def test_runs_of_another_rule_selection_are_not_compared(tmp_path: Path, sms_file: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sel.db'}"
    sms = sms_model.load(sms_file)
    whole = [sms_model.assess(sms, as_of=date(2026, 11, day)) for day in (1, 3)]
    part = sms_model.assess(sms, as_of=date(2026, 11, 2), select=["4.1.1"])
    for result in (whole[0], part, whole[1]):
        history.record(result, url)
    _, partial, second = history.runs(url)
    assert partial.new is None  # the first run of its selection: nothing to compare with
    change = sms_model.diff(whole[0], whole[1])
    assert second.new == len({f.id for f in change.regressions()})
    assert second.resolved == len({f.id for f in change.improvements})
    failure = next(f for f in whole[1].failures if f.status.value == "fail")
    assert history.open_for(url, sms.name, failure.id, date(2026, 11, 3)) == 2
