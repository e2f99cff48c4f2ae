"""Two threads load and assess the example system at the same time while a third allocates
heavily: the collector is off whenever a load or an assessment is in progress in any thread, on
again once all have ended, the results are those of a single thread, and the third thread's
reference cycles stay collectable."""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

import sms_model
from sms_model import _gc
from sms_model._gc import paused_gc

ACME = Path(__file__).resolve().parents[1] / "examples" / "acme-managed-services.yaml"
AS_OF = date(2026, 11, 27)
ROUNDS = 4
WAIT = 120.0  # seconds: reached only when a thread is stuck


class _Cycle:
    """An object in a reference cycle with a list of its own (so allocation is heavy)."""

    def __init__(self, size: int) -> None:
        self.me = self
        self.payload = [[i] for i in range(size)]


def _report(sms: sms_model.ServiceManagementSystem, progress: Callable[[int, int], object]) -> str:
    return sms_model.assess(sms, as_of=AS_OF, progress=progress).to_json()


@pytest.fixture(scope="module")
def expected() -> str:
    """The report of one thread alone."""
    return _report(sms_model.load(ACME), lambda done, total: None)


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads every few microseconds, so that they interleave finely."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(interval)


class _Run:
    """What the threads saw: reports, whether the collector was ever seen enabled while an
    assessment was in progress, and the errors they raised."""

    def __init__(self) -> None:
        self.start = threading.Barrier(3, timeout=WAIT)
        self.round = threading.Barrier(2, timeout=WAIT)
        self.stop = threading.Event()
        self.reports: list[str] = []
        self.enabled_inside = 0
        self.errors: list[BaseException] = []
        self.cycles: list[weakref.ref[_Cycle]] = []

    def progress(self, done: int, total: int) -> None:
        # Called by the engine after each rule, inside its pause of the collector.
        if gc.isenabled():
            self.enabled_inside += 1

    def assess(self) -> None:
        try:
            self.start.wait()
            for _ in range(ROUNDS):
                self.round.wait()  # both threads start each round together
                self.reports.append(_report(sms_model.load(ACME), self.progress))
        except BaseException as exc:  # pragma: no cover - reached only when the test fails
            self.errors.append(exc)
            self.round.abort()

    def allocate(self) -> None:
        try:
            self.start.wait()
            while not self.stop.is_set():
                cycle = _Cycle(50)
                self.cycles.append(weakref.ref(cycle))
                del cycle
        except BaseException as exc:  # pragma: no cover - reached only when the test fails
            self.errors.append(exc)


def _run_threads() -> _Run:
    run = _Run()
    assessors = [threading.Thread(target=run.assess, daemon=True) for _ in range(2)]
    allocator = threading.Thread(target=run.allocate, daemon=True)
    for thread in (*assessors, allocator):
        thread.start()
    for thread in assessors:
        thread.join(WAIT)
    run.stop.set()
    allocator.join(WAIT)
    assert not any(t.is_alive() for t in (*assessors, allocator))
    return run


def _check(run: _Run, expected: str) -> None:
    assert not run.errors
    assert gc.isenabled()
    assert 0 == run.enabled_inside
    assert [expected] * (2 * ROUNDS) == run.reports
    assert len(run.cycles) > 10
    gc.collect()
    assert [] == [ref for ref in run.cycles if ref() is not None]
    # Nothing is left counted in: a pause of this thread now restores the collector.
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("fast_switching")
def test_threads_assessing_at_once_keep_the_collector_off_only_while_they_work(
    expected: str,
) -> None:
    assert gc.isenabled()
    _check(_run_threads(), expected)
    assert 0 == gc.get_freeze_count()


@pytest.mark.usefixtures("fast_switching")
def test_threads_promoting_and_catching_up_at_once(
    expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thresholds the example reaches, so that every load and assessment promotes what was made
    # and overlapping pauses collect the young generations.
    monkeypatch.setattr(_gc, "PROMOTE_AT", 2_000)
    monkeypatch.setattr(_gc, "CATCH_UP_AT", 20_000)
    _check(_run_threads(), expected)
    assert 0 == gc.get_freeze_count()


@pytest.mark.usefixtures("fast_switching")
def test_threads_promoting_at_once_do_not_thaw_what_the_program_froze(
    expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_gc, "PROMOTE_AT", 2_000)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        run = _run_threads()
        assert frozen == gc.get_freeze_count()
    finally:
        gc.unfreeze()
    _check(run, expected)
