"""Mutation testing of the rule modules and the gap detector: ``make mutation``.

Usage (module paths are relative to ``src/sms_model``)::

    python scripts/mutation.py                      # every module [tool.mutmut] only_mutate names
    python scripts/mutation.py graph/_gaps.py rules/builtin/_governance.py
    python scripts/mutation.py --jobs 1 graph/_gaps.py

The run happens in ``build/mutation/``, a copy of the package, the tests, the files the tests
read (``also_copy``) and pyproject.toml, made afresh each time. There mutmut copies the package
into ``mutants/``, runs the selected tests once to record which of them reach each function
(``pytest_add_cli_args_test_selection``), then runs each mutant only against the tests that
reach its function, fastest first, stopping at the first failure. At the end this script prints
the kill score of each module and the names of the mutants no test killed; to see one as a
diff: ``cd build/mutation && ../../.venv/bin/mutmut show NAME``.

Two adjustments for that run, both in the copy only:

- mutmut leaves decorated functions alone, and every rule is a function decorated with
  ``@rule(...)``; so in the copies of the modules to mutate, ``@deco def f`` at module level
  becomes ``def f`` followed by ``f = deco(f)``, which registers the same rule.
- Hypothesis runs the ``mutation`` profile: derandomized, no example database and no shrinking,
  so a verdict does not depend on the order mutants ran in and a failing property stops at its
  first counterexample (tests with their own ``@settings(max_examples=...)`` keep that number).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
PACKAGE = "src/sms_model"
PROFILE = "mutation"

#: mutmut's exit codes (mutmut.stats.status_by_exit_code) as counted here.
KILLED = frozenset({1, 3})
TIMEOUT = frozenset({-24, 24, 152, 255, 36})
SURVIVED = frozenset({0})
NO_TESTS = frozenset({5, 33})


def _settings() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        section: dict[str, Any] = tomllib.load(f)["tool"]["mutmut"]
    return section


def _modules(requested: list[str], patterns: list[str]) -> list[str]:
    """The files to mutate, as paths from the repository root."""
    configured = sorted(
        {
            path.relative_to(ROOT).as_posix()
            for pattern in patterns
            for path in ROOT.glob(pattern)
            if path.name != "__init__.py"
        }
    )
    if not requested:
        return configured
    chosen = []
    for name in requested:
        path = name if name.startswith(PACKAGE + "/") else f"{PACKAGE}/{name}"
        if path not in configured:
            known = "\n  ".join(_short(p) for p in configured)
            sys.exit(f"mutation: {name!r} is not a module to mutate; these are:\n  {known}")
        if path not in chosen:
            chosen.append(path)
    return chosen


def _short(module: str) -> str:
    return module.removeprefix(PACKAGE + "/")


def _copy_project(settings: dict[str, Any]) -> None:
    """Lay out WORK afresh: what mutmut copies into mutants/ must be there first."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for name in ["src", "tests", *settings.get("also_copy", [])]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, WORK / name, ignore=skip)
        elif source.is_file():
            (WORK / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, WORK / name)
    shutil.copy2(ROOT / "pyproject.toml", WORK / "pyproject.toml")


def _undecorate(path: Path) -> int:
    """Rewrite each decorated module-level function of ``path`` as a plain function followed by
    the decorators applied to it, so that mutmut mutates it; return how many were rewritten."""
    import libcst as cst

    module = cst.parse_module(path.read_text(encoding="utf-8"))
    body: list[Any] = []
    count = 0
    for statement in module.body:
        if not (isinstance(statement, cst.FunctionDef) and statement.decorators):
            body.append(statement)
            continue
        name = statement.name.value
        value: cst.BaseExpression = cst.Name(name)
        for decorator in reversed(statement.decorators):
            value = cst.Call(func=decorator.decorator, args=[cst.Arg(value)])
        body.append(statement.with_changes(decorators=[], lines_after_decorators=[]))
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)
        body.append(cst.SimpleStatementLine(body=[assign]))
        count += 1
    path.write_text(module.with_changes(body=body).code, encoding="utf-8")
    return count


def pytest_load_initial_conftests() -> None:
    """Pytest hook: this file is also the plugin ``-p mutation`` of mutmut's pytest runs.

    It registers the profile before tests/conftest.py loads the one HYPOTHESIS_PROFILE names.
    Hypothesis is imported here rather than by the script, so that pytest can rewrite it.
    """
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        PROFILE,
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )


def _run_mutmut(modules: list[str], jobs: int) -> int:
    """``mutmut run`` in WORK, in this process (so that it can be told the modules)."""
    os.chdir(WORK)
    from mutmut.__main__ import cli
    from mutmut.configuration import config

    cfg = config()
    cfg.only_mutate = modules
    cfg.pytest_add_cli_args = [*cfg.pytest_add_cli_args, "-p", Path(__file__).stem]
    os.environ["HYPOTHESIS_PROFILE"] = PROFILE
    try:
        cli(["run", "--max-children", str(jobs)], standalone_mode=False)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def _kind(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "not checked" if code is None else f"exit {code}"


def _order(key: str) -> tuple[str, int]:
    function, _, number = key.rpartition("__mutmut_")
    return function, int(number) if number.isdigit() else 0


def _report(modules: list[str], minutes: float, jobs: int) -> str:
    columns = ("killed", "timeout", "survived", "no tests", "other", "total")
    header = f"{'module':34}" + "".join(f"{c:>9}" for c in columns) + f"{'score':>9}"
    lines = ["", "Kill score: (killed + timeout) / total", header, "-" * len(header)]
    alive: list[str] = []
    for module in modules:
        meta = WORK / "mutants" / f"{module}.meta"
        codes: dict[str, int | None] = (
            json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        )
        kinds = Counter(_kind(code) for code in codes.values())
        known = sum(kinds[c] for c in columns[:4])
        counts = [kinds["killed"], kinds["timeout"], kinds["survived"], kinds["no tests"]]
        counts += [len(codes) - known, len(codes)]
        detected = kinds["killed"] + kinds["timeout"]
        score = f"{100 * detected / len(codes):.1f}%" if codes else "-"
        lines.append(f"{_short(module):34}" + "".join(f"{n:9}" for n in counts) + f"{score:>9}")
        names = sorted((k for k, c in codes.items() if c not in KILLED | TIMEOUT), key=_order)
        if names:
            alive += ["", f"Not killed in {_short(module)} ({len(names)}):"]
            alive += [f"  {name}  [{_kind(codes[name])}]" for name in names]
    lines += alive
    lines += [
        "",
        f"Wall time: {minutes:.1f} min, {jobs} mutant(s) at a time.",
        "A mutant as a diff: cd build/mutation && ../../.venv/bin/mutmut show NAME",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="paths under src/sms_model (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args()
    settings = _settings()
    modules = _modules(args.modules, settings["only_mutate"])
    print("mutation: " + ", ".join(_short(m) for m in modules), flush=True)
    start = time.monotonic()
    _copy_project(settings)
    for module in modules:
        _undecorate(WORK / module)
    code = _run_mutmut(modules, args.jobs)
    report = _report(modules, (time.monotonic() - start) / 60, args.jobs)
    print(report)
    (WORK / "mutation-report.txt").write_text(report + "\n", encoding="utf-8")
    if code:
        print(f"mutation: mutmut stopped with exit code {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
