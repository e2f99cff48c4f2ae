"""Writing a file so that its readers see the old content or the new, never half of either.

The new content goes to a temporary file in the target's folder, is flushed to the disk, and
is renamed over the target. What that must not do, and how it avoids it:

- replace something that is not a file: a device node, a FIFO or a socket is refused (run as
  root, renaming over ``/dev/null`` would replace it with a regular file), and so is a folder;
- replace a symbolic link with a file: the link is followed and its target is written, as
  ``open(path, "w")`` would (a link whose target does not exist yet creates it);
- carry set-user-id, set-group-id or sticky bits over: the new file keeps the other permission
  bits of the file it replaces, or gets the mode a new file gets (``0o666`` less the umask);
- leave the temporary file behind: it is removed on every failure, an interrupt included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_atomically"]

#: The permission bits a replaced file keeps (not set-user-id, set-group-id or sticky).
_KEPT_BITS = 0o777
#: Errors of a folder's fsync that mean "this file system does not do that", not a failure.
_UNSYNCABLE = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EACCES})
_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def write_atomically(file: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` (text is written as UTF-8, line ends as given) to ``file`` atomically,
    and return the path of the file written (``file`` itself, or the target of the symbolic
    link ``file`` is).

    Only a regular file, or a name nothing has yet, is replaced: a folder raises
    :class:`IsADirectoryError`, and a device, FIFO or socket an :class:`OSError` whose
    ``strerror`` says what it is; neither is touched. The content is fsynced before the rename
    and the folder after it (where the system supports it). The replaced file's permission
    bits are kept, without set-user-id, set-group-id and sticky bits, and its owner and group
    too where the user may set them; a new file gets the mode ``open()`` would give it.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder, "report.txt")
    ...     written = write_atomically(target, "hello")
    ...     target.read_text(), written == target.resolve(), len(list(target.parent.iterdir()))
    ('hello', True, 1)
    """
    path = Path(file)
    target, existing = _destination(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    folder = target.parent
    descriptor, temporary = _temporary(folder, target.name, private=existing is not None)
    try:
        try:
            if existing is not None:
                _take_over(descriptor, temporary, existing)
            _write_all(descriptor, payload)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)
    return target


def _destination(path: Path) -> tuple[Path, os.stat_result | None]:
    """The file to replace (symbolic links followed) and its status, ``None`` for a new file;
    anything but a regular file is refused."""
    target = Path(os.path.realpath(path))
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return target, None
    if stat.S_ISREG(status.st_mode):
        return target, status
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    kind = next((name for test, name in _KINDS if test(status.st_mode)), "something else")
    raise OSError(errno.EINVAL, f"{kind}, not a regular file", str(path))


def _temporary(folder: Path, name: str, *, private: bool) -> tuple[int, Path]:
    """Create a new, empty temporary file next to the target. It starts private (``0o600``)
    when it will take over an existing file's mode; otherwise it is created with ``0o666``
    and the system applies the umask (and any default ACL), as for any new file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    stem = name[:120]  # leave room in the file system's limit on the length of a name
    for _ in range(100):
        candidate = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(candidate, flags, 0o600 if private else 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(folder))


def _take_over(descriptor: int, temporary: Path, existing: os.stat_result) -> None:
    """Give the temporary file the owner, group and permission bits of the file it replaces,
    less the set-user-id, set-group-id and sticky bits."""
    if hasattr(os, "fchown"):
        # Only root may give a file away, and others only to one of their groups; the file
        # then belongs to whoever writes it, as any new file does.
        with contextlib.suppress(OSError):
            os.fchown(descriptor, existing.st_uid, existing.st_gid)
    mode = stat.S_IMODE(existing.st_mode) & _KEPT_BITS
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, mode)
    else:  # pragma: no cover - Windows before Python 3.13
        os.chmod(temporary, mode)


def _write_all(descriptor: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable: fsync the folder, where the system can."""
    if os.name != "posix":  # pragma: no cover - Windows cannot open a folder to sync it
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder one may write but not read: nothing more can be done
    try:
        os.fsync(descriptor)
    except OSError as exc:
        if exc.errno not in _UNSYNCABLE:
            raise
    finally:
        os.close(descriptor)
