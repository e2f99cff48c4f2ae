"""Pausing the collector leaves the program's own garbage collectable."""

from __future__ import annotations

import contextlib
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


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_a_large_block_moves_what_it_made_to_the_oldest_generation() -> None:
    from sms_model._gc import PROMOTE_AT

    with paused_gc(promote=True):
        kept = [[i] for i in range(PROMOTE_AT + 1000)]
    assert _in_generation(kept[0], 2)


def test_a_small_or_failing_block_promotes_nothing() -> None:
    from sms_model._gc import PROMOTE_AT

    with paused_gc(promote=True):
        small = [[1]]
    assert not _in_generation(small[0], 2)
    made: list[list[int]] = []
    try:
        with paused_gc(promote=True):
            made.extend([i] for i in range(PROMOTE_AT + 1000))
            raise ValueError("bad input")
    except ValueError:
        pass
    assert not _in_generation(made[0], 2)


def test_failing_loads_leave_no_garbage_beyond_the_collectors_reach() -> None:
    import sms_model

    bad = (
        '{"name": "A", "provider": "a", "parties": [{"id": "a", "name": "A", "kind": "no"}],'
        ' "people": [{"id": "p", "name": 3, "party": "zz"}]}'
    )

    def load_badly(times: int) -> None:
        for _ in range(times):
            with contextlib.suppress(sms_model.ModelValidationError):
                sms_model.loads(bad, "json")

    load_badly(20)
    before = len(gc.get_objects())
    load_badly(200)
    assert len(gc.get_objects()) - before < 5_000
