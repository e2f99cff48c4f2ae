"""Pausing Python's cyclic garbage collector around bulk work.

Loading and assessing create hundreds of thousands of small objects and no reference cycles;
the cyclic collector would scan them over and over (at 100,000 evidence records it more than
doubles the time). Reference counting still frees everything as usual.

A block that builds something large and long-lived (loading a system, assessing it in full)
can ask for ``promote=True``; it takes effect when the block made many objects and ended
without an exception. The collector's young generations are collected when the block
starts, as the collector would soon have done, so that they hold only what the block makes;
when it ends, what it made is moved to the oldest generation without a scan (``gc.freeze()``
then ``gc.unfreeze()``), which is where the collector would put it after scanning it once more
(about 0.1 s at 100,000 evidence records). This is skipped when the program has frozen objects
itself, so as not to thaw them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["PROMOTE_AT", "paused_gc"]


#: How many objects a block must have made for ``promote`` to move them unscanned: below it,
#: a scan costs little, and what the block made is left to the collector as usual.
PROMOTE_AT: Final = 100_000


@contextmanager
def paused_gc(*, promote: bool = False) -> Iterator[None]:
    """Disable the cyclic collector for the block, then restore it if it was enabled; with
    ``promote``, move what a large block made to the oldest generation unscanned, when it ends
    without an exception (an exception leaves reference cycles to collect).

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    >>> with paused_gc(promote=True):
    ...     kept = [[i] for i in range(PROMOTE_AT + 1000)]
    >>> gc.isenabled(), gc.get_freeze_count(), gc.get_count()[0] < 1000
    (True, 0, True)
    """
    enabled = gc.isenabled()
    promote = promote and enabled and gc.get_freeze_count() == 0
    if promote:
        gc.collect(1)  # the program's young objects: collected now, not promoted unscanned
    gc.disable()
    ok = False
    try:
        yield
        ok = True
    finally:
        if enabled:
            large = gc.get_count()[0] >= PROMOTE_AT
            if promote and ok and large and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
