"""Pausing the collector leaves the program's own garbage collectable."""

from __future__ import annotations

import gc
import weakref

from sms_model._gc import paused_gc


class _Node:
    def __init__(self) -> None:
        self.me = self


def _cycle() -> weakref.ref[_Node]:
    node = _Node()
    return weakref.ref(node)


def test_a_promoting_pause_collects_the_programs_young_cycles_first() -> None:
    ref = _cycle()
    with paused_gc(promote=True):
        kept = [[i] for i in range(5000)]
    assert ref() is None
    assert 5000 == len(kept)
    assert gc.isenabled()


def test_a_plain_pause_promotes_nothing_so_young_cycles_die_young() -> None:
    ref = _cycle()
    with paused_gc():
        pass
    gc.collect(0)
    assert ref() is None


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc(promote=True):
            pass
        assert frozen == gc.get_freeze_count()
    finally:
        gc.unfreeze()
