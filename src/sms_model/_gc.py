"""Pausing Python's cyclic garbage collector around bulk work, safely across threads.

Loading and assessing create hundreds of thousands of small objects and no reference cycles;
the cyclic collector would scan them over and over (at 100,000 evidence records it more than
doubles the time). Reference counting still frees everything as usual.

The collector is switched for the whole process, so the pauses of all threads are counted
together, under a lock: the first pause to start disables the collector if it is enabled, and
the last one to end enables it again; nested pauses and pauses in other threads in between
change nothing. While any pause is in progress the collector is off for every thread of the
program, so reference cycles the program makes meanwhile wait until the last pause ends
(``gc.collect()`` still collects them at any time). Pauses that
overlap one another without end (a server assessing on several threads at once) would keep the
collector off indefinitely: when a pause ends while a pause of another thread is still in
progress and the collector's youngest generation has grown to :data:`CATCH_UP_AT` objects, it
collects the young generations (``gc.collect(1)``), as the collector would have done. A program
that disabled the collector itself finds it disabled after the pauses; one that disables it
while a pause is in progress in another thread finds it enabled again when the last pause ends,
so it should do so before or after the library's work. In a child process forked while other
threads pause, those pauses do not count: the collector is as the forking thread's own pauses
leave it.

A block that builds something large and long-lived (loading a system, assessing it in full)
can ask for ``promote=True``. When the first pause to start asks for it, it collects the young
generations, as the collector would soon have done, so that they then hold only what is made
while pauses are in progress. When the last pause ends, if the first one collected them, a
block that asked for promotion ended without an exception, none ended with one (an exception
leaves reference cycles to collect), and the young generations hold at least
:data:`PROMOTE_AT` objects, what they hold is moved to the oldest generation without a scan
(``gc.freeze()`` then ``gc.unfreeze()``), which is where the collector would put it after
scanning it once more (about 0.1 s at 100,000 evidence records). This moves what the program's
other threads made during the pauses too: their reference cycles are then collected by the next
full collection, not by a young one. Freezing and thawing are process-wide as well, so they
happen only under the lock, only when no other pause is in progress, and never when the program
has frozen objects itself, so as not to thaw them (a program that calls ``gc.freeze()`` while the
library works in another thread should not count on this).
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["CATCH_UP_AT", "PROMOTE_AT", "paused_gc"]


#: How many objects the young generations must hold for ``promote`` to move them unscanned:
#: below it, a scan costs little, and they are left to the collector as usual.
PROMOTE_AT: Final = 100_000

#: How many objects the youngest generation may gather, while pauses of several threads keep
#: the collector off, before a pause that ends collects the young generations.
CATCH_UP_AT: Final = 1_000_000


class _Pauses:
    """The pauses in progress in the whole process; read and changed only under ``lock``."""

    __slots__ = ("asked", "clean", "count", "lock", "restore")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: Pauses in progress, in every thread.
        self.count = 0
        #: Whether the last pause to end enables the collector (it was enabled at the first).
        self.restore = False
        #: Whether the young generations were collected when the first pause started, and no
        #: pause has ended with an exception since.
        self.clean = False
        #: Whether a block that asked for ``promote`` has ended without an exception.
        self.asked = False


_PAUSES: Final = _Pauses()
#: ``depth``: the pauses in progress in the current thread (nested blocks).
_THREAD: Final = threading.local()


@contextmanager
def paused_gc(*, promote: bool = False) -> Iterator[None]:
    """Keep the cyclic collector disabled for the block, and while any other thread's block is
    in progress; the last block to end enables it again if it was enabled when the first began.
    With ``promote``, what the blocks made is moved to the oldest generation unscanned when the
    last one ends, if it is large and no block ended with an exception.

    >>> with paused_gc():
    ...     with paused_gc():
    ...         gc.isenabled()
    ...     gc.isenabled()
    False
    False
    >>> gc.isenabled()
    True
    >>> with paused_gc(promote=True):
    ...     kept = [[i] for i in range(PROMOTE_AT + 1000)]
    >>> gc.isenabled(), gc.get_freeze_count(), gc.get_count()[0] < 1000
    (True, 0, True)
    """
    ok = False
    entered = False
    try:
        collect_first = _enter(promote)
        entered = True
        if collect_first:
            gc.collect(1)  # the program's young objects: collected now, not promoted unscanned
        yield
        ok = True
    finally:
        if entered and _leave(promote=promote, ok=ok):
            gc.collect(1)


def _enter(promote: bool) -> bool:
    """Count a pause in; whether the young generations are to be collected before it starts."""
    pauses = _PAUSES
    with pauses.lock:
        _THREAD.depth = getattr(_THREAD, "depth", 0) + 1
        pauses.count += 1
        if pauses.count > 1:
            return False
        pauses.restore = gc.isenabled()
        gc.disable()
        pauses.clean = promote and pauses.restore and gc.get_freeze_count() == 0
        pauses.asked = False
        return pauses.clean


def _leave(*, promote: bool, ok: bool) -> bool:
    """Count a pause out; whether the young generations are to be collected now, because other
    threads' pauses keep the collector off and the youngest generation has grown large."""
    pauses = _PAUSES
    with pauses.lock:
        _THREAD.depth -= 1
        pauses.count -= 1
        if not ok:
            pauses.clean = False
        elif promote:
            pauses.asked = True
        if pauses.count == 0:
            _resume(pauses)
            return False
        others = pauses.count > _THREAD.depth
        return others and pauses.restore and gc.get_count()[0] >= CATCH_UP_AT


def _resume(pauses: _Pauses) -> None:
    """After the last pause: promote what the pauses made if asked, then enable the collector
    if it was enabled. Called under the lock, so that no other pause sees the frozen objects."""
    if pauses.restore:
        if (
            pauses.clean
            and pauses.asked
            and gc.get_count()[0] >= PROMOTE_AT
            and gc.get_freeze_count() == 0
        ):
            gc.freeze()
            gc.unfreeze()
        gc.enable()
    pauses.restore = pauses.clean = pauses.asked = False


def _after_fork_in_child() -> None:
    """In a child process only the forking thread lives on: its own pauses are the ones in
    progress, and when it has none the collector is enabled again if the pauses disabled it."""
    pauses = _PAUSES
    pauses.count = getattr(_THREAD, "depth", 0)
    pauses.clean = pauses.asked = False
    if pauses.count == 0:
        if pauses.restore:
            gc.enable()
        pauses.restore = False
    pauses.lock.release()


if hasattr(os, "register_at_fork"):  # pragma: no branch - every POSIX system has it
    # The lock is held across the fork, so the child sees the counts of no half-made change.
    os.register_at_fork(
        before=_PAUSES.lock.acquire,
        after_in_parent=_PAUSES.lock.release,
        after_in_child=_after_fork_in_child,
    )
