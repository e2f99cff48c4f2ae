"""Shared pieces of the robustness suite: a valid SMS document to break, and small helpers."""

from __future__ import annotations

import copy
import os
import random
import sys
import textwrap
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, settings

from sms_model import ModelValidationError, load
from sms_model.io._text import _EXPANSION_ALLOWANCE, parse_yaml

__all__ = [
    "AS_OF",
    "BASE_TEXT",
    "FIRST_USE_CALLS",
    "MINIMAL",
    "assert_linear_work",
    "base_data",
    "function_calls",
    "fuzz_settings",
    "refusal",
    "refusal_budget",
    "refused_within_budget",
    "remove_ids",
]

#: The rich, conforming SMS the rule fixtures start from (every collection is used).
BASE_TEXT = (Path(__file__).parent.parent / "rules" / "base.yaml").read_text(encoding="utf-8")
#: The date the base SMS conforms as of.
AS_OF = date(2026, 11, 27)
#: Four lines of a valid SMS in YAML; tests append a broken fifth line onwards.
MINIMAL = "name: Acme\nprovider: acme\nparties:\n- {id: acme, name: Acme, kind: provider}\n"

_BASE: dict[str, Any] = parse_yaml(BASE_TEXT).data

F = TypeVar("F", bound=Callable[..., Any])


def base_data() -> dict[str, Any]:
    """A fresh copy of the base SMS as plain data (dates stay text, as read from a file)."""
    return copy.deepcopy(_BASE)


def fuzz_settings(default_examples: int = 300) -> Callable[[F], F]:
    """A few hundred examples by default; the profile's count when ``HYPOTHESIS_PROFILE`` is
    set (``fuzz`` runs 100,000)."""
    if os.environ.get("HYPOTHESIS_PROFILE"):
        return lambda test: test
    chosen: Callable[[F], F] = settings(
        max_examples=default_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    return chosen


def remove_ids(data: dict[str, Any], doomed: set[str]) -> dict[str, Any]:
    """Remove the entities with these ids from plain SMS data, with everything that hangs on
    them: an entity whose single reference names a removed id goes too, and removed ids drop
    out of every list of references. Returns ``data``, changed in place."""
    doomed = set(doomed)
    while True:
        more: set[str] = set()
        for key, value in data.items():
            if not isinstance(value, list):
                continue
            kept = []
            for item in value:
                if not isinstance(item, dict):
                    kept.append(item)
                    continue
                if item.get("id") in doomed or _names_any(item, doomed):
                    if "id" in item:
                        more.add(item["id"])
                    continue
                _scrub(item, doomed)
                kept.append(item)
            data[key] = kept
        for single in ("top_management", "plan", "scope"):
            if isinstance(data.get(single), dict):
                _scrub(data[single], doomed)
        if more <= doomed:
            return data
        doomed |= more


def _names_any(entity: dict[str, Any], doomed: set[str]) -> bool:
    return any(k != "id" and isinstance(v, str) and v in doomed for k, v in entity.items())


def _scrub(entity: dict[str, Any], doomed: set[str]) -> None:
    for key, value in list(entity.items()):
        if isinstance(value, list):
            entity[key] = [v for v in value if not (isinstance(v, str) and v in doomed)]
        elif key != "id" and isinstance(value, str) and value in doomed:
            del entity[key]


# --- work measured in function calls, not seconds ---------------------------------------


class _OverBudget(BaseException):
    """Stops the code under test when it exceeds its budget of calls (a BaseException, so that
    no ``except Exception`` in the library can swallow it)."""


def function_calls(action: Callable[[], object], *, budget: int | None = None) -> int:
    """How many Python and built-in function calls ``action()`` makes.

    A measure of work that does not depend on the speed or load of the machine: the same code
    on the same input makes the same calls. With a ``budget``, the action is stopped as soon as
    it makes more calls than that and the test fails, so exponential or quadratic work fails
    fast instead of hanging. (Work done inside one built-in call, such as a regular expression
    or a C parser, counts as one call.)

    """
    count = 0

    def tally(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1
            if budget is not None and count > budget:
                raise _OverBudget

    previous = sys.getprofile()
    sys.setprofile(tally)
    try:
        action()
    except _OverBudget:
        pytest.fail(f"more work than the budget of {budget:,} function calls", pytrace=False)
    finally:
        sys.setprofile(previous)
    if budget is not None and count > budget:  # the library caught the stop and carried on
        pytest.fail(f"more work than the budget of {budget:,} function calls", pytrace=False)
    return count


#: Calls the first load of a process may add for first-use imports and caches (about 60,000).
FIRST_USE_CALLS = 500_000


def refusal_budget(content: str | bytes) -> int:
    """The calls refusing ``content`` may take: linear in its size, plus what the expansion
    allowance of aliases may cost (about five calls an expansion). A refusal takes some 2
    calls a character, and a few thousand for a small file; an alias bomb expanded, or a mapping
    rescanned once per issue, takes millions."""
    return 10 * _EXPANSION_ALLOWANCE + 4 * len(content)


def refused_within_budget(
    file: Path,
    content: str | bytes,
    check_memory: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> ModelValidationError:
    """The error refusing ``file``, which holds ``content``: loaded twice, each time stopped and
    failed once over budget. The first load, inside ``check_memory()``, may spend
    :data:`FIRST_USE_CALLS` more than :func:`refusal_budget`; the second is held to it."""
    errors: list[ModelValidationError] = []
    with check_memory():
        function_calls(
            lambda: errors.append(refusal(file)), budget=refusal_budget(content) + FIRST_USE_CALLS
        )
    function_calls(lambda: refusal(file), budget=refusal_budget(content))
    return errors[0]


def assert_linear_work(make: Callable[[int], Callable[[], object]], size: int) -> None:
    """The action ``make(4 * size)`` makes at most five times the calls of ``make(size)``.

    Work linear in the size grows four times (a little less, with a fixed part), quadratic
    work sixteen times; the larger run is stopped once over that budget. ``make(size)`` runs
    once first, unmeasured, so that first-use imports and caches are not counted.
    """
    make(size)()
    small = function_calls(make(size))
    function_calls(make(4 * size), budget=5 * small)


def refusal(file: Path) -> ModelValidationError:
    with pytest.raises(ModelValidationError) as caught:
        load(file)
    return caught.value


def shuffle_everywhere(value: Any, rng: random.Random) -> Any:
    """``value`` with every collection, at every depth, in a random order."""
    if isinstance(value, tuple):
        items = [shuffle_everywhere(item, rng) for item in value]
        rng.shuffle(items)
        return tuple(items)
    if attrs.has(type(value)):
        changes = {
            f.name: shuffle_everywhere(getattr(value, f.name), rng)
            for f in attrs.fields(type(value))
            if f.init
        }
        return attrs.evolve(value, **changes)
    return value


def install_plugin(folder: Path, name: str, module_text: str, entry: str) -> None:
    """Make ``folder`` (put it on ``sys.path``) hold a distribution ``name`` whose module is
    ``module_text`` and whose rule-pack entry point is ``name`` + ``entry`` (``":register"``)."""
    (folder / f"{name}.py").write_text(textwrap.dedent(module_text), encoding="utf-8")
    dist = folder / f"{name}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[sms_model.rules]\n{name} = {entry}\n")
