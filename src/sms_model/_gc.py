"""Pausing Python's cyclic garbage collector around bulk work.

Loading and assessing create hundreds of thousands of small objects and no reference cycles;
the cyclic collector would scan them over and over (at 100,000 evidence records it more than
doubles the time). Reference counting still frees everything as usual.

When the pause ends, the objects made during it are still in the youngest generation, and the
next collection would scan them all at once (about 0.1 s at 100,000 evidence records). They
are long-lived (a system, an assessment), so they are moved to the oldest generation without a
scan, which is where the collector would put them after scanning: ``gc.freeze()`` then
``gc.unfreeze()``. This is skipped when the program has frozen objects itself, so as not to
thaw them. Cyclic garbage of the program's own that was young at that moment is collected by
the next full collection instead of an earlier young one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector for the block, then restore it if it was enabled.

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    >>> gc.get_freeze_count()
    0
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
