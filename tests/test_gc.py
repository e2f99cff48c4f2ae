"""Pausing the collector leaves the program's own garbage collectable, and the pauses of all
threads are counted together: the collector is back on when the last one ends."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator

import pytest

from sms_model import _gc
from sms_model._gc import PROMOTE_AT, paused_gc


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
    with paused_gc(promote=True):
        kept = [[i] for i in range(PROMOTE_AT + 1000)]
    assert _in_generation(kept[0], 2)


def test_a_small_or_failing_block_promotes_nothing() -> None:
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


# --- counting the pauses of the whole process ----------------------------------------------

_WAIT = 30.0  # seconds: generous on a loaded machine, reached only when a test is broken


class _HeldBlockFailed(Exception):
    """What the block of a failing :class:`_PauseInThread` raises."""


class _PauseInThread:
    """A pause held open in a thread of its own until the ``with`` block ends; ``inside``
    records whether the collector was enabled just before the thread's block ended."""

    def __init__(self, *, promote: bool = False, fail: bool = False) -> None:
        self.promote = promote
        self.fail = fail
        self.started = threading.Event()
        self.release = threading.Event()
        self.inside: bool | None = None
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with paused_gc(promote=self.promote):
                self.started.set()
                assert self.release.wait(_WAIT)
                self.inside = gc.isenabled()
                if self.fail:
                    raise _HeldBlockFailed
        except _HeldBlockFailed:
            pass
        except BaseException as exc:  # pragma: no cover - reached only when the test is broken
            self.errors.append(exc)
            self.started.set()

    def start(self) -> _PauseInThread:
        """Start the thread and wait until its pause is in progress."""
        self.thread.start()
        assert self.started.wait(_WAIT)
        assert not self.errors
        return self

    def end(self) -> None:
        """End the thread's pause and wait until the thread has finished."""
        self.release.set()
        self.thread.join(_WAIT)
        assert not self.thread.is_alive()
        assert not self.errors

    def __enter__(self) -> _PauseInThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.end()


@pytest.fixture(autouse=True)
def _collector_enabled_before_and_after() -> Iterator[None]:
    assert gc.isenabled()
    yield
    if not gc.isenabled():  # pragma: no cover - a test failed and left it off: do not spread
        gc.enable()
        pytest.fail("the collector was left disabled")


def test_nested_pauses_enable_the_collector_when_the_outermost_ends() -> None:
    with paused_gc(promote=True):
        with paused_gc():
            with paused_gc(promote=True):
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_block_that_raises_is_counted_out() -> None:
    with pytest.raises(KeyError), paused_gc(promote=True):
        raise KeyError("x")
    assert gc.isenabled()
    with paused_gc():
        with pytest.raises(KeyError), paused_gc():
            raise KeyError("y")
        assert not gc.isenabled()  # the outer block is still in progress
    assert gc.isenabled()


def test_a_program_that_disabled_the_collector_finds_it_disabled() -> None:
    gc.disable()
    try:
        with paused_gc(promote=True), paused_gc():
            kept = [[i] for i in range(PROMOTE_AT + 1000)]
        assert not gc.isenabled()
        with _PauseInThread(promote=True) as held, paused_gc():
            pass
        assert held.inside is False
        assert not gc.isenabled()
        assert not _in_generation(kept[0], 2)  # nothing promoted on the program's behalf
    finally:
        gc.enable()


def test_the_collector_stays_off_until_the_last_pause_of_any_thread_ends() -> None:
    # Another thread starts first and ends last.
    with _PauseInThread() as held:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert held.inside is False
    assert gc.isenabled()
    # The other thread starts first and ends first: its end must not enable the collector.
    held = _PauseInThread().start()
    with paused_gc():
        held.end()
        assert not gc.isenabled()
    assert held.inside is False
    assert gc.isenabled()
    # This thread starts first; the other thread starts and ends within its block.
    with paused_gc():
        with _PauseInThread() as held:
            pass
        assert held.inside is False
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_the_program_froze_stay_frozen_after_a_large_block() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc(promote=True):
            kept = [[i] for i in range(PROMOTE_AT + 1000)]
        assert frozen == gc.get_freeze_count()
        assert not _in_generation(kept[0], 2)
    finally:
        gc.unfreeze()


def test_promotion_waits_for_the_last_pause_and_then_moves_what_all_made() -> None:
    with _PauseInThread(promote=True):
        with paused_gc(promote=True):
            kept = [[i] for i in range(PROMOTE_AT + 1000)]
        assert not gc.isenabled()
        assert 0 == gc.get_freeze_count()
        assert not _in_generation(kept[0], 2)  # another pause is in progress: not yet
    assert _in_generation(kept[0], 2)
    assert 0 == gc.get_freeze_count()


def test_a_block_that_raised_while_others_paused_cancels_the_promotion() -> None:
    with _PauseInThread(promote=True, fail=True), paused_gc(promote=True):
        kept = [[i] for i in range(PROMOTE_AT + 1000)]
    assert not _in_generation(kept[0], 2)
    made: list[list[int]] = []
    with _PauseInThread(promote=True), contextlib.suppress(LookupError):
        _fail_after_making(made)
    assert not _in_generation(made[0], 2)


def _fail_after_making(made: list[list[int]]) -> None:
    with paused_gc(promote=True):
        made.extend([i] for i in range(PROMOTE_AT + 1000))
        raise LookupError("bad input")


def test_pauses_that_keep_overlapping_still_collect_young_cycles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_gc, "CATCH_UP_AT", 1000)
    with _PauseInThread():
        ref = _cycle()
        with paused_gc():
            kept = [[i] for i in range(2000)]
        assert not gc.isenabled()  # the other thread's pause is still in progress
        assert ref() is None  # but the young generations were collected
        assert 2000 == len(kept)
        with paused_gc():
            pass
        ref = _cycle()
        with paused_gc():  # the youngest generation is small again: no collection
            pass
        assert ref() is not None


def test_nested_pauses_of_one_thread_do_not_collect_while_it_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_gc, "CATCH_UP_AT", 1000)
    with paused_gc():
        ref = _cycle()
        with paused_gc():
            kept = [[i] for i in range(2000)]
        assert ref() is not None  # the outer block is bounded: the collector waits for it
    gc.collect()
    assert ref() is None
    assert 2000 == len(kept)


def _forked(check: Callable[[], bool]) -> bool:
    """Whether ``check`` holds in a child process forked now."""
    with warnings.catch_warnings():
        # Python 3.12 and later warn when a process with threads forks: this one means to.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process, which coverage does not follow
        code = 1
        try:
            code = 0 if check() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _in_child_after_a_pause() -> bool:
    with paused_gc():
        off = not gc.isenabled()
    return off and gc.isenabled()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_forked_while_another_thread_pauses_has_the_collector_back() -> None:
    with _PauseInThread():
        assert not gc.isenabled()
        # In the child the pausing thread does not exist: nothing is left to wait for.
        assert _forked(lambda: gc.isenabled() and _in_child_after_a_pause())
        assert not gc.isenabled()  # the parent is unchanged
    assert gc.isenabled()


def _fork_inside_a_pause() -> int:
    """Fork inside a pause; the child ends the block, then exits: 0 when the collector was
    disabled in the block and is enabled after it."""
    pid = -1
    code = 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # as in _forked
            with paused_gc():
                pid = os.fork()
                off = not gc.isenabled()
        if off and gc.isenabled():
            code = 0
    finally:
        if pid == 0:  # pragma: no cover - the child process, which coverage does not follow
            os._exit(code)
    assert off  # in the parent too
    return pid


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_forked_inside_a_pause_enables_the_collector_when_the_block_ends() -> None:
    with _PauseInThread():
        pid = _fork_inside_a_pause()
        _, status = os.waitpid(pid, 0)
        assert 0 == os.waitstatus_to_exitcode(status)
        assert not gc.isenabled()  # the other thread's pause is still in progress here
    assert gc.isenabled()
