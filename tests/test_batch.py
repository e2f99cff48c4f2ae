"""Assessing a portfolio (sms_model.batch, ``sms-model assess-many``): each system's report is
what assessing it alone gives, byte for byte, whatever runs the batch (here, a process pool, a
caller's executor, a Dask LocalCluster); a bad file is an error result and never stops the
others; the output folder; bad arguments; the command line."""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sms_model
from sms_model import batch
from sms_model._cli_batch import add_assess_many_command, assess_many_command, expand_inputs
from sms_model.batch import BatchResult, assess_many, output_names, summarise
from sms_model.errors import ArgumentError, SelectionError
from sms_model.rules import Config, Waiver
from tests.benchmark_support import load_benchmark

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = date(2026, 11, 27)
HOSTILE_NAME = 'name: "Evil \\e[2J\\u202e SMS"'


def _renamed(example: str, name: str) -> str:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("name: "))
    return text.replace(line, name, 1)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Five systems in one folder, sorted by name: copies of the 2011 and the 2018 example
    under other names (one as JSON), and a file that is not YAML in the middle."""
    folder = tmp_path_factory.mktemp("portfolio")
    files = {
        "a-acme.yaml": _renamed("acme-managed-services.yaml", "name: Acme North SMS"),
        "b-kestrel.yaml": _renamed("kestrel-cloud-2018.yaml", "name: Kestrel East SMS"),
        "c-broken.yaml": "name: [unclosed\nprovider: x\n",
        "e-kestrel.yaml": _renamed("kestrel-cloud-2018.yaml", "name: Kestrel West SMS"),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    south = sms_model.loads(_renamed("acme-managed-services.yaml", "name: Acme South SMS"))
    sms_model.dump(south, folder / "d-acme.json")
    return sorted(str(p) for p in folder.iterdir())


@pytest.fixture(scope="module")
def alone(portfolio: list[str]) -> list[str | None]:
    """Each system's report, assessed alone; ``None`` for the broken file."""
    reports: list[str | None] = []
    for path in portfolio:
        if "broken" in path:
            reports.append(None)
        else:
            reports.append(sms_model.assess(sms_model.load(path), as_of=AS_OF).to_json())
    return reports


@pytest.fixture(scope="module")
def serial(portfolio: list[str]) -> tuple[BatchResult, ...]:
    return assess_many(portfolio, as_of=AS_OF, workers=0)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},
            silence_logs=logging.CRITICAL,
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


# --- the results -------------------------------------------------------------------------------


def test_serial_reports_are_those_of_each_system_assessed_alone(
    portfolio: list[str], alone: list[str | None], serial: tuple[BatchResult, ...]
) -> None:
    assert portfolio == [r.source for r in serial]
    assert alone == [r.report for r in serial]
    assert [True, True, False, True, True] == [r.ok for r in serial]
    names = ["Acme North SMS", "Kestrel East SMS", None, "Acme South SMS", "Kestrel West SMS"]
    assert names == [r.system for r in serial]
    for result in serial:
        if result.assessment is not None:
            assert result.report == result.assessment.to_json()
            assert dict(result.assessment.failure_counts) == result.failures
            assert result.assessment is result.assessment  # read once


def test_a_process_pool_gives_the_same_results_in_the_same_order(
    portfolio: list[str], serial: tuple[BatchResult, ...]
) -> None:
    assert serial == assess_many(portfolio, as_of=AS_OF, workers=2)


def test_the_options_reach_the_workers(portfolio: list[str]) -> None:
    # A configuration (its mappings are read-only, which pickle refuses), waivers, an
    # edition and a selection, as assess takes them.
    config = Config(cadences={"management-review": "P6M"}, options={"x": [1]})
    waiver = Waiver(
        id="w1",
        target="SMS-4.2-subcontractors",
        justification="contracts being renewed",
        approver="ceo",
        granted=date(2026, 10, 1),
        expires=date(2027, 3, 31),
    )
    options: dict[str, Any] = {
        "as_of": AS_OF,
        "config": config,
        "waivers": [waiver],
        "edition": "2011",
        "ignore": ["4.5"],
    }
    good = [p for p in portfolio if "broken" not in p][:2]
    expected = [sms_model.assess(sms_model.load(p), **options) for p in good]
    assert 1 == expected[0].counts["waived"]
    results = assess_many(good, workers=2, **options)
    assert [a.to_json() for a in expected] == [r.report for r in results]


def test_a_callers_executor_gives_the_same_results(
    portfolio: list[str], serial: tuple[BatchResult, ...]
) -> None:
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        assert serial == assess_many(portfolio, as_of=AS_OF, executor=pool)
        assert 1 == pool.submit(int, "1").result()  # left running


def test_a_dask_cluster_gives_the_same_results_in_the_same_order(
    client: Any, portfolio: list[str], serial: tuple[BatchResult, ...]
) -> None:
    assert serial == assess_many(portfolio, as_of=AS_OF, client=client)


def test_a_file_that_cannot_be_loaded_is_an_error_result(
    tmp_path: Path, serial: tuple[BatchResult, ...]
) -> None:
    broken = serial[2]
    assert broken.report is None
    assert broken.assessment is None
    assert {} == broken.failures
    assert broken.error is not None
    assert broken.error.startswith(os.path.abspath(broken.source) + ":2:9: $: not valid YAML")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("name: X\nprovider: x\nparties: [{id: x, nme: X, kind: provider}]\n")
    missing = tmp_path / "missing.yaml"
    first, second = assess_many([invalid, missing], as_of=AS_OF, workers=0)
    assert first.error is not None
    assert "\n" not in first.error
    assert first.error.endswith("(and 1 more problem)")
    assert f"{invalid}:3:" in first.error
    assert f"{missing}: $: cannot read the file: No such file or directory" == second.error


def test_a_selection_an_edition_lacks_is_an_error_of_that_system_only(
    portfolio: list[str],
) -> None:
    # SMS18-8.2.5-assets checks a clause of 2018 only: the 2011 systems have no such rule.
    results = assess_many(portfolio, as_of=AS_OF, workers=0, select=["SMS18-8.2.5-assets"])
    assert [False, True, False, False, True] == [r.ok for r in results]
    assert "SMS18-8.2.5-assets" in (results[0].error or "")


def _dies_on_kestrel_east(path: str, options: Any) -> Any:
    if "b-kestrel" in path:
        os._exit(3)  # the worker process ends abruptly
    return _REAL_ASSESS_FILE(path, options)


_REAL_ASSESS_FILE = batch._assess_file


def test_a_worker_process_that_dies_gives_error_results_not_an_exception(
    portfolio: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "_assess_file", _dies_on_kestrel_east)
    results = assess_many(portfolio, as_of=AS_OF, workers=2)
    assert portfolio == [r.source for r in results]
    assert (results[1].error or "").startswith("it could not be assessed: BrokenProcessPool")


def test_progress_is_reported_after_each_system(portfolio: list[str]) -> None:
    calls: list[tuple[int, int]] = []
    assess_many(portfolio[:3], as_of=AS_OF, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert [(1, 3), (2, 3), (3, 3)] == calls


def test_today_is_the_default_date_for_every_system() -> None:
    (result,) = assess_many([EXAMPLES / "minimal.yaml"], workers=0)
    assert result.assessment is not None
    assert date.today() == result.assessment.as_of


def test_the_summary_counts_conforming_failing_and_failed(
    serial: tuple[BatchResult, ...],
) -> None:
    summary = summarise(serial)
    assert (5, 0, 4, 1, "major") == (
        summary.systems,
        summary.conforming,
        summary.with_failures,
        summary.failed_to_load,
        summary.fail_on,
    )
    assert not summary.ok
    never = summarise(serial, fail_on="never")
    assert (4, 0, 1) == (never.conforming, never.with_failures, never.failed_to_load)
    assert summarise(serial[:2], fail_on="never").ok
    assert all(
        r.failed_at("observation") == r.assessment.failed_at(sms_model.rules.Severity.OBSERVATION)
        for r in serial
        if r.assessment is not None
    )


# --- the output folder -------------------------------------------------------------------------


def test_out_holds_one_json_file_per_system_the_same_each_run(
    tmp_path: Path, portfolio: list[str], alone: list[str | None]
) -> None:
    out = tmp_path / "out" / "nightly"  # created
    results = assess_many(portfolio, as_of=AS_OF, workers=2, out=out)
    names = ["a-acme.json", "b-kestrel.json", "c-broken.json", "d-acme.json", "e-kestrel.json"]
    assert names == sorted(p.name for p in out.iterdir())
    assert [str(out / n) for n in names] == [r.output for r in results]
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    for name, report in zip(names, alone, strict=True):
        if report is not None:
            assert report.encode() == written[name]
            assert sms_model.load_assessment(out / name).to_json() == report
    record = json.loads(written["c-broken.json"])
    assert {"source": portfolio[2], "error": results[2].error} == record
    assess_many(list(reversed(portfolio)), as_of=AS_OF, workers=0, out=out)
    assert written == {p.name: p.read_bytes() for p in out.iterdir()}


def test_sources_of_the_same_stem_get_names_of_their_own(tmp_path: Path) -> None:
    for folder in ("east", "west"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "minimal.yaml", tmp_path / folder / "sms.yaml")
    shutil.copy(EXAMPLES / "minimal.yaml", tmp_path / "west" / "SMS.yml")
    shutil.copy(EXAMPLES / "minimal.yaml", tmp_path / "other.yaml")
    sources = [
        tmp_path / "east" / "sms.yaml",
        tmp_path / "west" / "sms.yaml",
        tmp_path / "west" / "SMS.yml",
        tmp_path / "other.yaml",
    ]
    names = output_names(sources)
    assert names == output_names(sources)
    assert 4 == len({n.casefold() for n in names})
    assert [True, True, True, False] == [len(n) == len("sms-12345678.json") for n in names]
    assert "other.json" == names[3]
    again = output_names([tmp_path / "east" / "sms.yaml", tmp_path / "east" / "sms.yaml"])
    assert ("sms.json", "sms.json") == again
    results = assess_many(sources, as_of=AS_OF, workers=0, out=tmp_path / "out")
    assert sorted(names) == sorted(p.name for p in (tmp_path / "out").iterdir())
    assert [str(tmp_path / "out" / n) for n in names] == [r.output for r in results]


def test_out_never_overwrites_a_source(tmp_path: Path) -> None:
    source = tmp_path / "acme.json"
    sms_model.dump(sms_model.load(EXAMPLES / "minimal.yaml"), source)
    before = source.read_bytes()
    with pytest.raises(ArgumentError, match="would overwrite the source"):
        assess_many([source], as_of=AS_OF, workers=0, out=tmp_path)
    assert before == source.read_bytes()


# --- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sources": "examples/minimal.yaml"}, "not one str"),
        ({"sources": 3}, "iterable of paths"),
        ({"sources": [3]}, r"sources\[0\] must be a path"),
        ({"sources": [""]}, r"sources\[0\] must name a file"),
        ({"workers": -1}, "workers must be 0 or more"),
        ({"workers": 2.0}, "workers must be a whole number"),
        ({"workers": True}, "workers must be a whole number"),
        ({"as_of": "2026-11-27"}, "as_of must be a datetime.date"),
        ({"edition": "2005"}, "edition must be one of 2011, 2018"),
        ({"config": {"cadences": {}}}, "config must be a Config"),
        ({"waivers": "w1"}, "waivers must be a sequence of Waiver"),
        ({"waivers": [1]}, r"waivers\[0\] must be a Waiver"),
        ({"select": []}, "selects no rule"),
        ({"select": [1]}, "selectors as text"),
        ({"ignore": 3}, "ignore must be a list of selectors"),
        ({"progress": 3}, "progress must be callable"),
        ({"client": object()}, "client must be a distributed.Client"),
        ({"executor": object()}, "executor must be a concurrent.futures.Executor"),
        ({"out": 3}, "out must be the path of a folder"),
    ],
)
def test_bad_arguments_are_refused_before_any_file_is_read(
    arguments: dict[str, Any], message: str
) -> None:
    call: dict[str, Any] = {"sources": [EXAMPLES / "minimal.yaml"], "workers": 0} | arguments
    sources = call.pop("sources")
    expected = SelectionError if arguments == {"select": []} else ArgumentError
    with pytest.raises(expected, match=message):
        assess_many(sources, **call)


def test_workers_go_with_the_local_pool_only(client: Any) -> None:
    sources = [EXAMPLES / "minimal.yaml"]
    with pytest.raises(ArgumentError, match="workers applies to the local process pool"):
        assess_many(sources, client=client, workers=2)
    with (
        concurrent.futures.ThreadPoolExecutor(1) as pool,
        pytest.raises(ArgumentError, match="not both"),
    ):
        assess_many(sources, client=client, executor=pool)


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ArgumentError, match="is not a folder"):
        assess_many([EXAMPLES / "minimal.yaml"], workers=0, out=tmp_path / "file")


def test_summarise_refuses_an_unknown_threshold(serial: tuple[BatchResult, ...]) -> None:
    with pytest.raises(ArgumentError, match="fail_on must be one of"):
        summarise(serial, fail_on="fatal")
    with pytest.raises(ArgumentError, match="results must hold BatchResult"):
        summarise([3])  # type: ignore[list-item]


def test_no_sources_is_an_empty_batch(tmp_path: Path) -> None:
    assert () == assess_many([], out=tmp_path / "out")


def test_importing_the_module_imports_no_dask() -> None:
    code = "import sms_model.batch, sys; print(sorted({'dask', 'distributed'} & set(sys.modules)))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "[]\n" == found.stdout


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``sms_model.cli.main``, with ``assess-many`` added to it if it is not wired in yet."""
    from sms_model import cli as module

    if "assess-many" not in module._HANDLERS:
        parser = module._parser

        def wired() -> argparse.ArgumentParser:
            built = parser()
            sub = next(a for a in built._actions if isinstance(a, argparse._SubParsersAction))
            add_assess_many_command(sub)
            return built

        monkeypatch.setattr(module, "_parser", wired)
        monkeypatch.setitem(module._HANDLERS, "assess-many", assess_many_command)
    return module.main


def _folder(portfolio: list[str]) -> str:
    return str(Path(portfolio[0]).parent)


def test_cli_writes_the_reports_and_the_summary_and_exits_1(
    cli: Callable[..., int],
    portfolio: list[str],
    alone: list[str | None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    code = cli(["assess-many", _folder(portfolio), "--out", str(out), "--as-of", "2026-11-27"])
    captured = capsys.readouterr()
    assert 1 == code
    lines = captured.out.splitlines()
    assert f"5 systems assessed as of 2026-11-27; results in {out}" == lines[0]
    assert "  conforming                     0" == lines[1]
    assert "  with failures (major or worse) 4" == lines[2]
    assert "  failed to load                 1" == lines[3]
    assert "not conforming:" == lines[5]
    assert lines[6].startswith(f"  {portfolio[0]} (Acme North SMS): 2 major, ")
    assert lines[8].startswith(f"  {portfolio[2]}: failed to load: ")
    assert 11 == len(lines)
    assert "" == captured.err
    for path, report in zip(portfolio, alone, strict=True):
        if report is not None:
            assert report == (out / (Path(path).stem + ".json")).read_text(encoding="utf-8")


def test_cli_exits_0_when_every_system_conforms_at_fail_on(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = [p for p in portfolio if "broken" not in p]
    options = ["--out", str(tmp_path), "--as-of", "2026-11-27", "--fail-on", "never"]
    assert 0 == cli(["assess-many", *good, *options, "--workers", "0"])
    out = capsys.readouterr().out
    assert "with failures (not counted: --fail-on never) 0" in out
    assert "not conforming" not in out
    # The broken file still counts with --fail-on never: it was not assessed.
    assert 1 == cli(["assess-many", *good, portfolio[2], *options, "--workers", "0"])


def test_cli_takes_globs_and_folders_each_file_once(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _folder(portfolio)
    pattern = os.path.join(folder, "*-kestrel.yaml")
    code = cli(["assess-many", pattern, folder, "--out", str(tmp_path), "--workers", "1"])
    assert 1 == code
    assert "5 systems assessed" in capsys.readouterr().out
    assert [portfolio[1], portfolio[4], portfolio[0], portfolio[2], portfolio[3]] == (
        expand_inputs([pattern, folder])
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("{folder}/*.toml", "the pattern matches no file"),
        ("{folder}/nothing.yaml", "no such file or folder"),
        ("{empty}", "the folder holds no *.yaml, *.yml, *.json file"),
    ],
)
def test_cli_arguments_that_match_nothing_exit_2(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    given: str,
    message: str,
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("")
    argument = given.format(folder=_folder(portfolio), empty=tmp_path / "empty")
    assert 2 == cli(["assess-many", portfolio[0], argument, "--out", str(tmp_path / "out")])
    assert f"sms-model: error: {argument}: {message}\n" == capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--workers", "-1"], "--workers must be 0 or more, not -1"),
        (["--as-of", "27/11/2026"], "--as-of '27/11/2026' is not a date as YYYY-MM-DD"),
        (["--out", "{file}"], "--out {file} is not a folder"),
        (["--out", "{folder}"], "--out {folder} is a folder being assessed"),
        (["--config", ""], "--config needs the path of a file"),
        (["--scheduler", "local", "--workers", "0"], "--scheduler local needs at least one worker"),
    ],
)
def test_cli_usage_errors_exit_2(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    (tmp_path / "file").write_text("")
    values = {"file": str(tmp_path / "file"), "folder": _folder(portfolio)}
    options = [o.format(**values) for o in options]
    arguments = ["assess-many", _folder(portfolio), "--out", str(tmp_path / "out"), *options]
    assert 2 == cli(arguments)
    assert capsys.readouterr().err.startswith(f"sms-model: error: {message.format(**values)}")


def test_cli_without_dask_says_what_to_install(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    arguments = ["assess-many", portfolio[0], "--out", str(tmp_path), "--scheduler", "local"]
    assert 2 == cli(arguments)
    expected = (
        "sms-model: error: --scheduler needs Dask, which is not installed: "
        "pip install 'sms-model[dask]'\n"
    )
    assert expected == capsys.readouterr().err


def test_cli_on_a_running_scheduler(
    cli: Callable[..., int],
    client: Any,
    portfolio: list[str],
    alone: list[str | None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    address = client.scheduler.address
    arguments = ["assess-many", portfolio[0], portfolio[1], "--out", str(tmp_path)]
    assert 1 == cli([*arguments, "--scheduler", address, "--as-of", "2026-11-27"])
    assert "2 systems assessed" in capsys.readouterr().out
    assert alone[0] == (tmp_path / "a-acme.json").read_text(encoding="utf-8")
    assert 2 == cli([*arguments, "--scheduler", address, "--workers", "2"])
    assert "a running scheduler has its own workers" in capsys.readouterr().err


def test_cli_on_a_scheduler_it_cannot_reach_exits_2(
    cli: Callable[..., int],
    portfolio: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("distributed")
    from sms_model import _cli_batch

    monkeypatch.setattr(_cli_batch, "_CONNECT_TIMEOUT", "0.5s")
    arguments = ["assess-many", portfolio[0], "--out", str(tmp_path)]
    assert 2 == cli([*arguments, "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert err.startswith("sms-model: error: --scheduler tcp://127.0.0.1:9: cannot connect (")
    assert 1 == err.count("\n")


def test_cli_starts_and_stops_a_local_cluster(
    cli: Callable[..., int],
    portfolio: list[str],
    alone: list[str | None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("distributed")
    arguments = ["assess-many", portfolio[0], portfolio[2], "--out", str(tmp_path)]
    assert 1 == cli([*arguments, "--scheduler", "local", "--workers", "1", "--as-of", "2026-11-27"])
    captured = capsys.readouterr()
    assert "failed to load                 1" in captured.out
    assert "" == captured.err
    assert alone[0] == (tmp_path / "a-acme.json").read_text(encoding="utf-8")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_escapes_names_and_draws_a_bar_on_a_terminal(
    cli: Callable[..., int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evil = tmp_path / "evil\x1b]0;x\x07.yaml"
    evil.write_text(_renamed("minimal.yaml", HOSTILE_NAME), encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    arguments = ["assess-many", str(tmp_path), "--out", str(tmp_path / "out"), "--workers", "0"]
    assert 1 == cli([*arguments, "--as-of", "2026-11-27"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "evil\\x1b]0;x\\x07.yaml (Evil \\x1b[2J\\u202e SMS): " in out
    assert "assessing 1 system [" + "#" * 30 + "] 1/1" in terminal.getvalue()


# --- the benchmark -----------------------------------------------------------------------------


def test_the_benchmark_table_defines_speed_up_and_overhead() -> None:
    bench = load_benchmark("batch")
    rows = [
        bench.Row(mode="serial", slots=1, wall=10.0, identical=True),
        bench.Row(mode="pool-2", slots=2, wall=6.0, identical=False),
    ]
    lines = bench.table(rows, 100).splitlines()
    assert "| serial | 1 | 10.00 | 10.0 | 1.00 | 0.0 | yes |" == lines[2]
    # 2 processes for 6 s is 12 s of work for 10 s of serial work: 20 ms more per system.
    assert "| pool-2 | 2 | 6.00 | 16.7 | 1.67 | 20.0 | **no** |" == lines[3]


def test_the_benchmark_runs_and_checks_the_reports(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_benchmark("batch")
    assert 0 == bench.main(["--systems", "3", "--tier", "XS", "--modes", "pool-2"])
    out = capsys.readouterr().out
    assert "3 tier-XS systems" in out
    assert 2 == out.count(" | yes |")
    assert "| pool-2 | 2 | " in out


@pytest.mark.parametrize("workers", [0, -1, True, 1.5, "2"])
def test_a_local_cluster_needs_a_whole_number_of_workers(workers: object) -> None:
    pytest.importorskip("distributed")
    from sms_model.batch import local_cluster

    with (
        pytest.raises(ArgumentError, match="workers must be a whole number"),
        local_cluster(
            workers  # type: ignore[arg-type]
        ),
    ):
        pass
