"""Pausing Python's cyclic garbage collector around bulk work.

Loading and assessing create hundreds of thousands of small objects and no reference cycles;
the cyclic collector would scan them over and over (at 100,000 evidence records it more than
doubles the time). Reference counting still frees everything as usual.

A block that builds something large and long-lived (loading a system, assessing it in full)
can ask for ``promote=True``. The collector's young generations are collected when the block
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

__all__ = ["paused_gc"]


@contextmanager
def paused_gc(*, promote: bool = False) -> Iterator[None]:
    """Disable the cyclic collector for the block, then restore it if it was enabled; with
    ``promote``, move what the block made to the oldest generation unscanned.

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    >>> with paused_gc(promote=True):
    ...     kept = [[i] for i in range(1000)]
    >>> gc.isenabled(), gc.get_freeze_count(), gc.get_count()[0] < 1000
    (True, 0, True)
    """
    enabled = gc.isenabled()
    promote = promote and enabled and gc.get_freeze_count() == 0
    if promote:
        gc.collect(1)  # the program's young objects: collected now, not promoted unscanned
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if promote and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
