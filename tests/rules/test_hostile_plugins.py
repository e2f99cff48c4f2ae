"""Rules and plugins that try to end the run: ``sys.exit()``, ``GeneratorExit``, a
``BaseException`` of their own, an exception whose message cannot be read. Each becomes an
``error`` finding for that rule or plugin, the other rules still run, and the command's exit
status never turns into success. Only ``KeyboardInterrupt`` (Ctrl-C) still stops the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_model.rules import Config, Context, Finding, PluginLoadWarning, Registry, Status, assess
from tests.robustness.robustness_support import install_plugin
from tests.rules.rule_fixtures import AS_OF, build

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = str(ROOT / "examples" / "minimal.yaml")


class Escape(BaseException):
    """A BaseException of a rule's own, as a rule pack might define to unwind."""


class Unreadable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("the message itself fails")


class NotText(Exception):
    def __str__(self) -> str:
        return 42  # type: ignore[return-value]


def _raising(exc: BaseException) -> Callable[[Context], Iterator[Finding]]:
    def hostile(ctx: Context) -> Iterator[Finding]:
        yield ctx.fail("before the escape")
        raise exc

    return hostile


_HOSTILE: dict[str, tuple[BaseException, str]] = {
    "sys-exit-0": (SystemExit(0), "the rule raised SystemExit: 0"),
    "generator-exit": (GeneratorExit(), "the rule raised GeneratorExit"),
    "own-base-exception": (Escape("unwind"), "the rule raised Escape: unwind"),
    "unreadable-message": (
        Unreadable(),
        "the rule raised Unreadable: (its message could not be read: RuntimeError)",
    ),
    "message-not-text": (
        NotText(),
        "the rule raised NotText: (its message could not be read: TypeError)",
    ),
}


def _registry() -> Registry:
    registry = Registry()

    @registry.rule(id="T-rep", clause="4.1.4")
    def has_representative(ctx: Context) -> Iterator[Finding]:
        """There is a management representative."""
        if ctx.sms.top_management.representative is None:
            yield ctx.fail("no representative")

    return registry


@pytest.mark.parametrize("timeout", [None, 30.0], ids=["inline", "in-a-thread"])
@pytest.mark.parametrize("case", sorted(_HOSTILE))
def test_a_rule_that_escapes_becomes_an_error_finding_and_the_run_goes_on(
    case: str, timeout: float | None
) -> None:
    exc, message = _HOSTILE[case]
    registry = _registry()
    registry.rule(id="T-hostile", clause="4.3.1")(_raising(exc))
    result = assess(build(), as_of=AS_OF, registry=registry, config=Config(rule_timeout=timeout))
    by_rule = {f.rule: f for f in result.findings}
    assert (Status.ERROR, message) == (by_rule["T-hostile"].status, by_rule["T-hostile"].message)
    assert Status.PASS == by_rule["T-rep"].status
    assert result.failed_at(registry.get("T-hostile").severity)


@pytest.mark.parametrize("timeout", [None, 30.0], ids=["inline", "in-a-thread"])
def test_keyboard_interrupt_from_a_rule_still_stops_the_run(timeout: float | None) -> None:
    # Ctrl-C raises KeyboardInterrupt wherever the main thread is; a rule raising it itself
    # cannot be told apart, so it stops the run too (and the command exits 130, not 0).
    registry = _registry()
    registry.rule(id="T-interrupt", clause="4.3.1")(_raising(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        assess(build(), as_of=AS_OF, registry=registry, config=Config(rule_timeout=timeout))


# --- plugins that escape while loading -------------------------------------------------------


_ESCAPING_PLUGINS = {
    "exits_on_import": ("import sys\nsys.exit(0)\n", "", "SystemExit: 0"),
    "register_exits": (
        "import sys\ndef register(registry):\n    sys.exit(0)\n",
        ":register",
        "SystemExit: 0",
    ),
    "generator_exit": ("raise GeneratorExit\n", "", "GeneratorExit"),
    "own_base_exception": (
        "class Escape(BaseException):\n    pass\nraise Escape('unwind')\n",
        "",
        "Escape: unwind",
    ),
    "unreadable_message": (
        "class Odd(Exception):\n    def __str__(self):\n        raise ValueError\nraise Odd\n",
        "",
        "Odd: (its message could not be read: ValueError)",
    ),
}


@pytest.mark.parametrize("plugin", sorted(_ESCAPING_PLUGINS))
def test_a_plugin_that_escapes_while_loading_is_a_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugin: str
) -> None:
    module_text, target, summary = _ESCAPING_PLUGINS[plugin]
    name = f"escaping_{plugin}"
    install_plugin(tmp_path, name, module_text, name + target)
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = _registry()
    try:
        with pytest.warns(PluginLoadWarning, match=name):
            registry.load_plugins()
    finally:
        sys.modules.pop(name, None)
    assert [(name, summary)] == registry.load_errors
    result = assess(build(), as_of=AS_OF, registry=registry)
    statuses = {f.rule: f.status for f in result.findings}
    assert {f"plugin:{name}": Status.ERROR, "T-rep": Status.PASS} == statuses


def test_keyboard_interrupt_while_a_plugin_loads_still_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(tmp_path, "interrupting_pack", "raise KeyboardInterrupt\n", "interrupting_pack")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(KeyboardInterrupt):
            Registry().load_plugins()
    finally:
        sys.modules.pop("interrupting_pack", None)


# --- through the command, in a process of its own -------------------------------------------

_GOOD_PACK = """
def register(registry):
    @registry.rule(id="PACK-ok", clause="4.1.4", tags=("pack",))
    def named(ctx):
        '''The system has a name.'''
        if not ctx.sms.name:
            yield ctx.fail("no name")
"""

_HOSTILE_PACK = """
import sys

class Escape(BaseException):
    pass

class Unreadable(Exception):
    def __str__(self):
        raise RuntimeError("no")

def _rule(registry, rule_id, exc):
    @registry.rule(id=rule_id, clause="4.3.1", tags=("pack",))
    def hostile(ctx):
        '''Escapes.'''
        raise exc
        yield

def register(registry):
    _rule(registry, "PACK-exit", SystemExit(0))
    _rule(registry, "PACK-generator-exit", GeneratorExit())
    _rule(registry, "PACK-escape", Escape("unwind"))
    _rule(registry, "PACK-unreadable", Unreadable())
"""

_SLOW_PACK = """
import os, time

def register(registry):
    @registry.rule(id="PACK-slow", clause="4.1.4", tags=("pack",))
    def slow(ctx):
        '''Waits for Ctrl-C.'''
        open(os.environ["SMS_TEST_MARKER"], "w").close()
        time.sleep(60)
        yield from ()
"""


def _cli(folder: Path, *args: str, marker: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT / "src")])}
    if marker is not None:
        env["SMS_TEST_MARKER"] = str(marker)
    return subprocess.Popen(
        [sys.executable, "-m", "sms_model", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=folder,
    )


def _assess_packs(folder: Path) -> tuple[int, dict[str, Any], str]:
    process = _cli(
        folder, "assess", MINIMAL, "--as-of", "2026-11-27", "--select", "pack", "--format", "json"
    )
    out, err = process.communicate(timeout=120)
    findings = {f["rule"]: f for f in json.loads(out)["findings"]} if out else {}
    return process.returncode, findings, err


def test_the_command_runs_on_when_a_plugin_exits_while_loading(tmp_path: Path) -> None:
    install_plugin(tmp_path, "good_pack", _GOOD_PACK, "good_pack:register")
    assert 0 == _assess_packs(tmp_path)[0]  # the selection passes on its own
    install_plugin(tmp_path, "exiting_pack", "import sys\nsys.exit(0)\n", "exiting_pack")
    code, findings, err = _assess_packs(tmp_path)
    assert 1 == code, err
    assert "pass" == findings["PACK-ok"]["status"]
    assert "error" == findings["plugin:exiting_pack"]["status"]
    assert "SystemExit: 0" in findings["plugin:exiting_pack"]["message"]
    assert "Traceback" not in err


def test_the_command_reports_rules_that_escape_and_exits_1(tmp_path: Path) -> None:
    install_plugin(tmp_path, "good_pack", _GOOD_PACK, "good_pack:register")
    install_plugin(tmp_path, "hostile_pack", _HOSTILE_PACK, "hostile_pack:register")
    code, findings, err = _assess_packs(tmp_path)
    assert 1 == code, err
    messages = {rule: f["message"] for rule, f in findings.items() if f["status"] == "error"}
    assert {
        "PACK-exit": "the rule raised SystemExit: 0",
        "PACK-generator-exit": "the rule raised GeneratorExit",
        "PACK-escape": "the rule raised Escape: unwind",
        "PACK-unreadable": "the rule raised Unreadable: (its message could not be read: "
        "RuntimeError)",
    } == messages
    assert "pass" == findings["PACK-ok"]["status"]


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_during_a_rule_stops_the_command_with_130(tmp_path: Path) -> None:
    install_plugin(tmp_path, "slow_pack", _SLOW_PACK, "slow_pack:register")
    marker = tmp_path / "rule-started"
    process = _cli(
        tmp_path, "assess", MINIMAL, "--as-of", "2026-11-27", "--select", "pack", marker=marker
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), process.communicate(timeout=5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (130, "", ["sms-model: interrupted"]) == (process.returncode, out, err.splitlines())
