"""``--output``: only a regular file is replaced (a symbolic link is followed to its file),
set-user-id, set-group-id and sticky bits never survive, the content is fsynced before the
rename and the folder after, and no temporary file is left behind on any failure."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sms_model.cli import main
from sms_model.io import _write
from sms_model.io._write import write_atomically

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = str(ROOT / "examples" / "minimal.yaml")
AS_OF = ("--as-of", "2026-11-27")
OLD = "the previous report\n"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and modes")


def _assess_to(target: Path | str, *more: str) -> int:
    return main(["assess", MINIMAL, *AS_OF, "--format", "json", "-o", str(target), *more])


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert 1 == len(lines), err
    assert lines[0].startswith("sms-model: error: "), err
    return lines[0]


# --- what may be replaced --------------------------------------------------------------------


@posix_only
def test_a_fifo_is_refused_and_left_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    assert 2 == _assess_to(fifo)
    assert "a FIFO (named pipe), not a regular file" in _one_error_line(capsys.readouterr().err)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert ["report.json"] == sorted(p.name for p in tmp_path.iterdir())


@posix_only
def test_a_device_node_is_refused_and_left_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:  # a null device of our own: a regression cannot harm /dev/null
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:  # /dev is not writable: /dev/null cannot be replaced whatever the code does
        device = Path("/dev/null")
    before = os.lstat(device)
    assert 2 == _assess_to(device)
    line = _one_error_line(capsys.readouterr().err)
    assert "a character device, not a regular file" in line
    after = os.lstat(device)
    assert (before.st_ino, before.st_mode, before.st_rdev) == (
        after.st_ino,
        after.st_mode,
        after.st_rdev,
    )


def test_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert 2 == _assess_to(tmp_path)
    assert "is a folder" in _one_error_line(capsys.readouterr().err)


@posix_only
def test_the_library_writer_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO") as refused:
        write_atomically(fifo, "x")
    assert str(fifo) == refused.value.filename
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path, "x")
    assert ["pipe"] == sorted(p.name for p in tmp_path.iterdir())


@posix_only
def test_a_symbolic_link_is_followed_and_its_file_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    real = reports / "latest.json"
    real.write_text(OLD)
    real.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(Path("reports", "latest.json"))
    assert 1 == _assess_to(link)
    assert os.path.islink(link)
    assert Path("reports", "latest.json") == Path(os.readlink(link))
    assert real.read_text().startswith("{")
    assert 0o640 == stat.S_IMODE(real.stat().st_mode)
    assert [["latest.json"], ["report.json", "reports"]] == [
        sorted(p.name for p in reports.iterdir()),
        sorted(p.name for p in tmp_path.iterdir()),
    ]


@posix_only
def test_a_link_to_a_file_not_yet_written_creates_it(tmp_path: Path) -> None:
    link = tmp_path / "report.json"
    link.symlink_to("latest.json")
    assert 1 == _assess_to(link)
    assert os.path.islink(link)
    assert (tmp_path / "latest.json").read_text().startswith("{")


@posix_only
def test_a_link_to_the_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "sms.yaml"
    source.write_text(Path(MINIMAL).read_text())
    link = tmp_path / "report.json"
    link.symlink_to(source)
    assert 2 == main(["assess", str(source), *AS_OF, "-o", str(link)])
    assert "overwrite the input" in _one_error_line(capsys.readouterr().err)
    assert Path(MINIMAL).read_text() == source.read_text()


# --- modes and owners ------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize(
    ("before", "after"),
    [(0o4755, 0o755), (0o2750, 0o750), (0o1644, 0o644), (0o7777, 0o777), (0o604, 0o604)],
)
def test_special_bits_are_dropped_and_other_permission_bits_kept(
    tmp_path: Path, before: int, after: int
) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)
    target.chmod(before)
    if stat.S_IMODE(target.stat().st_mode) != before:
        pytest.skip(f"this system does not let a file have mode {before:o}")
    assert 1 == _assess_to(target)
    assert after == stat.S_IMODE(target.stat().st_mode)
    assert target.read_text().startswith("{")


@posix_only
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        assert 1 == _assess_to(tmp_path / "report.json")
    finally:
        os.umask(mask)
    assert 0o640 == stat.S_IMODE((tmp_path / "report.json").stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_run_as_root_the_replaced_file_keeps_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)
    os.chown(target, 4321, 4322)
    target.chmod(0o6644)
    assert 1 == _assess_to(target)
    status = target.stat()
    assert (4321, 4322, 0o644) == (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode))


# --- durability ------------------------------------------------------------------------------


@posix_only
def test_the_content_is_fsynced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        mode = os.fstat(descriptor).st_mode
        events.append("fsync folder" if stat.S_ISDIR(mode) else "fsync file")
        real_fsync(descriptor)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        events.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    assert 1 == _assess_to(tmp_path / "report.json")
    assert ["fsync file", "rename", "fsync folder"] == events


# --- failures leave the old file and no temporary file ---------------------------------------


def _fail_with(exc: BaseException) -> Callable[..., None]:
    def fail(*_args: object) -> None:
        raise exc

    return fail


_FAILURES = {
    "fsync-full-disk": ("fsync", OSError(errno.ENOSPC, "No space left on device"), 2),
    "write-io-error": ("write", OSError(errno.EIO, "Input/output error"), 2),
    "rename-refused": ("replace", PermissionError(errno.EACCES, "Permission denied"), 2),
    "ctrl-c-in-fsync": ("fsync", KeyboardInterrupt(), 130),
    "ctrl-c-in-rename": ("replace", KeyboardInterrupt(), 130),
    "ctrl-c-in-write": ("write", KeyboardInterrupt(), 130),
}


@pytest.mark.parametrize("case", sorted(_FAILURES))
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
) -> None:
    where, exc, code = _FAILURES[case]
    target = tmp_path / "report.json"
    target.write_text(OLD)
    if where == "write":
        monkeypatch.setattr(_write, "_write_all", _fail_with(exc))
    else:
        monkeypatch.setattr(os, where, _fail_with(exc))
    assert code == _assess_to(target)
    monkeypatch.undo()
    assert OLD == target.read_text()
    assert ["report.json"] == sorted(p.name for p in tmp_path.iterdir())
    err = capsys.readouterr().err
    if isinstance(exc, OSError):
        assert f"cannot write it ({exc.strerror})" in _one_error_line(err)
    else:
        assert ["sms-model: interrupted"] == err.splitlines()


def test_a_base_exception_while_writing_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unwind(BaseException):
        pass

    monkeypatch.setattr(os, "fsync", _fail_with(Unwind()))
    with pytest.raises(Unwind):
        write_atomically(tmp_path / "report.txt", "new")
    monkeypatch.undo()
    assert [] == list(tmp_path.iterdir())


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_while_writing_removes_the_temporary_file_and_exits_143(tmp_path: Path) -> None:
    # The signal arrives in the middle of the write (from fsync); without the command's
    # handler it would end the process at once and leave the temporary file behind.
    target = tmp_path / "report.json"
    target.write_text(OLD)
    script = (
        "import os, signal, sys\n"
        "real = os.fsync\n"
        "def fsync(descriptor):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(descriptor)\n"
        "os.fsync = fsync\n"
        "from sms_model.cli import main\n"
        f"sys.exit(main(['assess', {MINIMAL!r}, '--as-of', '2026-11-27', '-o', {str(target)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert 128 + signal.SIGTERM == done.returncode, done.stderr
    assert ["sms-model: stopped by SIGTERM; the output was left as it was"] == (
        done.stderr.splitlines()
    )
    assert OLD == target.read_text()
    assert ["report.json"] == sorted(p.name for p in tmp_path.iterdir())
