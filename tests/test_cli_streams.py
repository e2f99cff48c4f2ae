"""The command and its standard streams: a console that cannot show every character (ASCII,
the C locale, cp1252) gets visible escapes, file formats get UTF-8 whatever the console, and
a standard output that cannot be written (a full disk, closed, a reader gone) ends the command
with exit code 2 and one line on stderr: never a traceback, never the 1 CI reads as findings.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sms_model import cli
from sms_model.cli import main

ROOT = Path(__file__).resolve().parents[1]
AS_OF = ("--as-of", "2026-11-27")
#: Names with a Latin-1 letter, an emoji (outside cp1252 and the BMP) and a bidi override.
NAME = "Café \U0001f600 \u202eevil"
SMS_TEXT = (
    "format_version: 1\n"
    'name: "Caf\\xe9 \\U0001F600 \\u202Eevil"\n'
    "provider: acm\u00e9\n"
    'parties:\n  - {id: acm\u00e9, name: "Acm\\xe9 \\U0001F600 \\u202Eltd", kind: provider}\n'
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX streams")


@pytest.fixture
def sms_file(tmp_path: Path) -> Path:
    path = tmp_path / "sms.yaml"
    path.write_text(SMS_TEXT, encoding="utf-8")
    return path


def _env(**changes: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for key in ("PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "LANG", "PYTHONCOERCECLOCALE"):
        env.pop(key, None)
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _cli(
    *args: str,
    env: dict[str, str] | None = None,
    stdout: Any = subprocess.PIPE,
    preexec_fn: Callable[[], Any] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sms_model", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env or _env(),
        preexec_fn=preexec_fn,
        timeout=120,
        check=False,
    )


def _one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = text.splitlines()
    assert 1 == len(lines), text
    return lines[0]


# --- narrow consoles -------------------------------------------------------------------------

_CONSOLES = {
    "ascii": ({"PYTHONIOENCODING": "ascii"}, "ascii"),
    "cp1252": ({"PYTHONIOENCODING": "cp1252"}, "cp1252"),
    # Python switches to UTF-8 in the C locale unless told not to; both are consoles in use.
    "c-locale": ({"LC_ALL": "C"}, "utf-8"),
    "c-locale-no-utf8-mode": (
        {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
        "ascii",
    ),
}


@posix_only
@pytest.mark.parametrize("console", sorted(_CONSOLES))
@pytest.mark.parametrize(
    ("command", "code"),
    [(("validate",), 0), (("assess", *AS_OF), 1), (("assess", *AS_OF, "--passed"), 1)],
    ids=["validate", "assess", "assess-passed"],
)
def test_a_narrow_console_gets_escapes_and_the_usual_exit_code(
    sms_file: Path, console: str, command: tuple[str, ...], code: int
) -> None:
    changes, encoding = _CONSOLES[console]
    done = _cli(command[0], str(sms_file), *command[1:], env=_env(**changes))
    assert code == done.returncode, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode(encoding)  # all of it is in the console's encoding
    if command[0] == "validate":
        shown = "\\U0001f600" if encoding != "utf-8" else "\U0001f600"
        assert shown in out.splitlines()[0]
        assert ("\\xe9" if encoding == "ascii" else "é") in out.splitlines()[0]


@posix_only
@pytest.mark.parametrize("console", sorted(_CONSOLES))
@pytest.mark.parametrize("fmt", ["json", "junit", "markdown", "html"])
def test_file_formats_reach_stdout_as_utf8_whatever_the_console(
    sms_file: Path, console: str, fmt: str
) -> None:
    done = _cli("assess", str(sms_file), *AS_OF, "--format", fmt, env=_env(**_CONSOLES[console][0]))
    assert 1 == done.returncode, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8")
    if fmt == "json":
        assert NAME == json.loads(out)["system"]
    else:
        assert "Caf\u00e9" in out  # not an escape meant for a console


@posix_only
def test_the_graph_exports_reach_stdout_as_utf8(sms_file: Path) -> None:
    done = _cli("graph", str(sms_file), "--format", "graphml", env=_env(PYTHONIOENCODING="ascii"))
    assert 0 == done.returncode, done.stderr
    assert "acmé" in done.stdout.decode("utf-8")


# --- outputs that cannot be written ----------------------------------------------------------

_COMMANDS = {
    "validate": ("validate", "{sms}"),
    "assess-text": ("assess", "{sms}", *AS_OF),
    "assess-json": ("assess", "{sms}", *AS_OF, "--format", "json"),
    "graph": ("graph", "{sms}"),
    "due-text": ("due", "{sms}", *AS_OF),
    "due-ics": ("due", "{sms}", *AS_OF, "--format", "ics"),
    "rules": ("rules",),
    "schema": ("schema",),
    "help": ("--help",),
}


def _args(name: str, sms: Path) -> list[str]:
    return [arg.format(sms=sms) for arg in _COMMANDS[name]]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_a_full_disk_on_stdout_exits_2_with_one_line(sms_file: Path, command: str) -> None:
    with open("/dev/full", "wb") as full:
        done = _cli(*_args(command, sms_file), stdout=full)
    assert 2 == done.returncode
    assert _one_line(done.stderr) == (
        "sms-model: error: cannot write to standard output (No space left on device); "
        "the output is incomplete"
    )


@posix_only
@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_a_closed_stdout_exits_2_with_one_line(sms_file: Path, command: str) -> None:
    done = _cli(*_args(command, sms_file), stdout=None, preexec_fn=lambda: os.close(1))
    assert 2 == done.returncode
    assert _one_line(done.stderr) == (
        "sms-model: error: cannot write to standard output (it is closed); the output is incomplete"
    )


@posix_only
def test_a_closed_stdout_does_not_matter_when_the_report_goes_to_a_file(
    sms_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    args = ("assess", str(sms_file), *AS_OF, "--format", "json", "-o", str(target))
    done = _cli(*args, stdout=None, preexec_fn=lambda: os.close(1))
    assert (1, b"") == (done.returncode, done.stderr)
    assert NAME == json.loads(target.read_text(encoding="utf-8"))["system"]


@posix_only
def test_a_reader_that_closes_the_pipe_gives_exit_2_with_one_line(sms_file: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_model", "assess", str(sms_file), *AS_OF],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert process.stdout is not None
    process.stdout.close()  # before the command writes anything: its first write fails
    _, err = process.communicate(timeout=120)
    assert 2 == process.returncode
    assert _one_line(err) == (
        "sms-model: error: cannot write to standard output (the program reading it closed "
        "the pipe); the output is incomplete"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_and_stderr_both_full_still_exit_2(sms_file: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "sms_model", "assess", str(sms_file), *AS_OF],
            stdout=full,
            stderr=full,
            env=_env(),
            timeout=120,
            check=False,
        )
    assert 2 == done.returncode


# --- in-process: main() gives the streams back as they were ----------------------------------


class _FullDisk(io.TextIOBase):
    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_main_returns_2_when_stdout_fails(
    sms_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _FullDisk())
    assert 2 == main(["assess", str(sms_file), *AS_OF])
    assert "cannot write to standard output (No space left on device)" in _one_line(
        capsys.readouterr().err.encode()
    )


def test_main_escapes_for_a_narrow_stream_and_restores_it(
    sms_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    assert 0 == main(["validate", str(sms_file)])
    assert "strict" == stream.errors
    stream.flush()
    first = stream.buffer.getvalue().decode("ascii").splitlines()[0]
    assert first.startswith("Caf\\xe9 \\U0001f600 ")


def test_ctrl_c_exits_130_with_one_line(
    sms_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_file: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_load", interrupted)
    assert 130 == main(["assess", str(sms_file), *AS_OF])
    assert ("", "sms-model: interrupted\n") == capsys.readouterr()


def test_sys_exit_from_inside_the_run_is_not_success(
    sms_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exits(_file: str) -> None:
        sys.exit(0)

    monkeypatch.setattr(cli, "_load", exits)
    assert 2 == main(["assess", str(sms_file), *AS_OF])
    assert "ended early by sys.exit(0)" in _one_line(capsys.readouterr().err.encode())
