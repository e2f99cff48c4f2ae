"""The command-line pieces of the history: ``assess --record [URL]`` and ``history``. They are
tested on a parser built as the command builds its own, and through ``sms-model`` itself once
the command offers them."""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from sms_model import cli, history
from sms_model._cli_history import (
    URL_VARIABLE,
    add_history_command,
    add_record_option,
    history_command,
    record_from_args,
)
from sms_model.errors import ArgumentError
from sms_model.rules import Assessment
from tests.history.conftest import DAYS, EXAMPLES, need

WIRED = "history" in getattr(cli, "_HANDLERS", {})


@pytest.fixture(autouse=True)
def _no_url_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    need("sqlalchemy", "the history needs it")
    monkeypatch.delenv(URL_VARIABLE, raising=False)


@pytest.fixture
def sms_file(tmp_path: Path) -> Path:
    """A copy of the minimal example in a folder of its own (the SQLite ``url`` is not there)."""
    (tmp_path / "work").mkdir()
    target = tmp_path / "work" / "sms.yaml"
    shutil.copyfile(EXAMPLES / "minimal.yaml", target)
    return target


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sms-model")
    sub = parser.add_subparsers(dest="command", required=True)
    assess = sub.add_parser("assess")
    assess.add_argument("file")
    add_record_option(assess)
    add_history_command(sub)
    return parser


def _record(argv: list[str], assessment: Assessment, sms_file: Path) -> None:
    record_from_args(_parser().parse_args(argv), assessment, sms_file)


def test_record_to_a_url(
    url: str, sms_file: Path, minimal: dict[date, Assessment], capsys: pytest.CaptureFixture[str]
) -> None:
    _record(["assess", str(sms_file), "--record", url], minimal[DAYS[0]], sms_file)
    found = history.runs(url)
    assert [str(sms_file.resolve())] == [r.source for r in found]
    assert f"recorded run {found[0].id} in " in capsys.readouterr().err


def test_record_without_a_url_uses_the_file_beside_the_sms(
    sms_file: Path, minimal: dict[date, Assessment]
) -> None:
    _record(["assess", str(sms_file), "--record"], minimal[DAYS[0]], sms_file)
    assert (sms_file.parent / "sms-history.db").is_file()
    assert 1 == len(history.runs(history.default_url(sms_file)))


def test_record_without_a_url_honours_the_environment(
    url: str, sms_file: Path, minimal: dict[date, Assessment], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_VARIABLE, url)
    _record(["assess", str(sms_file), "--record"], minimal[DAYS[0]], sms_file)
    assert 1 == len(history.runs(url))
    assert not (sms_file.parent / "sms-history.db").exists()


def test_no_record_option_records_nothing(sms_file: Path, minimal: dict[date, Assessment]) -> None:
    _record(["assess", str(sms_file)], minimal[DAYS[0]], sms_file)
    assert [sms_file] == list(sms_file.parent.iterdir())


def test_record_refuses_a_value_that_is_no_url(
    sms_file: Path, minimal: dict[date, Assessment]
) -> None:
    with pytest.raises(ArgumentError, match="give --record after the file"):
        _record(["assess", str(sms_file), "--record", "other.yaml"], minimal[DAYS[0]], sms_file)


def _history(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    args = _parser().parse_args(["history", *argv])
    assert 0 == history_command(args)
    return capsys.readouterr().out


def test_history_prints_the_timeline_in_each_format(
    url: str, acme: dict[date, Assessment], capsys: pytest.CaptureFixture[str]
) -> None:
    for day in DAYS:
        history.record(acme[day], url)
    found = history.runs(url)
    assert history.render_timeline(found) == _history([url], capsys)
    for format in history.TIMELINE_FORMATS:
        assert history.render_timeline(found, format) == _history([url, "--format", format], capsys)
    argv = [url, "--since", "2026-06-01", "--until", "2026-11-27", "--format", "json"]
    window = json.loads(_history(argv, capsys))
    assert [DAYS[1].isoformat(), DAYS[2].isoformat()] == [r["as_of"] for r in window["runs"]]
    assert "No runs recorded." in _history([url, "--system", "Other"], capsys)


def test_history_writes_to_a_file(
    url: str, minimal: dict[date, Assessment], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history.record(minimal[DAYS[0]], url)
    target = tmp_path / "timeline.html"
    assert "" == _history([url, "--format", "html", "--output", str(target)], capsys)
    assert history.render_timeline(history.runs(url), "html") == target.read_text("utf-8")


def test_history_without_a_url_reads_the_environment_then_the_current_folder(
    url: str,
    minimal: dict[date, Assessment],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history.record(minimal[DAYS[0]], url)
    monkeypatch.setenv(URL_VARIABLE, url)
    assert "Minimal SMS" in _history([], capsys)
    monkeypatch.delenv(URL_VARIABLE)
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    with pytest.raises(history.HistoryConnectionError, match=r"sms-history\.db does not exist"):
        _history([], capsys)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date"),
        (["--until", "yesterday"], "--until 'yesterday' is not a date"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "is after --until"),
        (["history.db"], "'history.db' is not a database URL"),
    ],
)
def test_history_usage_errors(argv: list[str], words: str) -> None:
    with pytest.raises(ArgumentError, match=words):
        history_command(_parser().parse_args(["history", *argv]))


def test_history_rejects_an_unknown_format() -> None:
    with pytest.raises(SystemExit) as caught:
        _parser().parse_args(["history", "--format", "csv"])
    assert 2 == caught.value.code


@pytest.mark.skipif(not WIRED, reason="sms-model does not offer the history command yet")
def test_the_command_records_and_shows_the_history(
    url: str, sms_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["assess", str(sms_file), "--fail-on", "never", "--as-of"]
    assert 0 == cli.main([*argv, "2026-11-27", "--record", url])
    assert 0 == cli.main([*argv, "2026-11-28", f"--record={url}"])
    capsys.readouterr()
    assert 0 == cli.main(["history", url, "--format", "json"])
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [("2026-11-27", None), ("2026-11-28", 0)] == [(r["as_of"], r["new"]) for r in runs]
    assert 2 == cli.main(["history", url, "--since", "someday"])
    assert "sms-model: error: --since 'someday' is not a date" in capsys.readouterr().err
    assert 2 == cli.main(["history", "sqlite:///no/such/dir/history.db"])
    assert "no history at" in capsys.readouterr().err
