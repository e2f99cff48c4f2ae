"""A service management system shows as HTML in IPython and Jupyter, registered from the report
package: the domain model holds no display code, and ``import sms_model`` imports no IPython.

Each shell is a real ``InteractiveShell`` in a fresh interpreter (with an IPython folder of its
own), so that what was imported, and in which order, is what a reader's session has.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sms_model.model import ServiceManagementSystem

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "examples" / "minimal.yaml"
MODEL = ROOT / "src" / "sms_model" / "model"

#: Modules a registration must not import: the card's renderer and the rules engine.
HEAVY = {"sms_model.report._notebook", "sms_model.rules"}

# Defines probe(shell, sms): what the shell shows for a system (the MIME types and the HTML),
# whether its HTML formatter has a printer for the class, and which report and rules modules
# are imported. It prints one JSON object: the last line of the output.
_PROBE = """
import json
import sys

def report_modules():
    return sorted(m for m in sys.modules if m.startswith(("sms_model.report", "sms_model.rules")))

def probe(shell, sms, **more):
    from sms_model.model import ServiceManagementSystem

    formatter = shell.display_formatter.formatters["text/html"]
    registered = ServiceManagementSystem in formatter
    data, _ = shell.display_formatter.format(sms)
    from sms_model.report import sms_html  # only now: importing it may register the display
    print(json.dumps({
        "types": sorted(data),
        "html": data.get("text/html"),
        "card": sms_html(sms),
        "registered": registered,
        **more,
    }))
"""


def _run(code: str, tmp_path: Path) -> dict[str, Any]:
    """Run the probe's definitions and ``code`` in a fresh interpreter; return what it printed."""
    pytest.importorskip("IPython")
    script = _PROBE + f"MINIMAL = {str(MINIMAL)!r}\n" + textwrap.dedent(code)
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert 0 == done.returncode, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_the_domain_model_holds_no_display_code() -> None:
    assert not hasattr(ServiceManagementSystem, "_repr_html_")
    for path in sorted(MODEL.glob("*.py")):
        assert [] == [n for n in _imports(path) if n.startswith("sms_model.report")], path.name


def test_importing_the_package_imports_neither_ipython_nor_the_report_package() -> None:
    code = (
        "import sys, sms_model; print(sorted({'IPython', 'sms_model.report'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "[]\n" == done.stdout


def test_a_shell_that_only_imported_the_package_shows_a_system_as_html(tmp_path: Path) -> None:
    # What a notebook reader does: import the package in the running kernel, load, show.
    result = _run(
        """
        from IPython.core.interactiveshell import InteractiveShell

        shell = InteractiveShell.instance()
        assert shell.run_cell(f"import sms_model\\nsms = sms_model.load({MINIMAL!r})").success
        imported = report_modules()
        probe(shell, shell.user_ns["sms"], imported=imported)
        """,
        tmp_path,
    )
    assert result["registered"]
    assert "text/html" in result["types"]
    assert result["card"] == result["html"]
    # The import registered the display without importing the renderer or the rules engine.
    assert set() == HEAVY & set(result["imported"])


def test_importing_the_report_package_in_a_shell_registers_the_display(tmp_path: Path) -> None:
    result = _run(
        """
        import sms_model  # before the shell: this import finds no shell to register with

        from IPython.core.interactiveshell import InteractiveShell

        shell = InteractiveShell.instance()
        from sms_model.model import ServiceManagementSystem

        html = shell.display_formatter.formatters["text/html"]
        unregistered = ServiceManagementSystem not in html
        import sms_model.report  # the first import of the report package, in a running shell

        probe(shell, sms_model.load(MINIMAL), unregistered=unregistered)
        """,
        tmp_path,
    )
    assert result["unregistered"]
    assert result["registered"]
    assert result["card"] == result["html"]


def test_load_ext_registers_the_display_in_a_shell_started_after_the_import(
    tmp_path: Path,
) -> None:
    result = _run(
        """
        import sms_model.report  # imported before any shell ran: nothing was registered

        from IPython.core.interactiveshell import InteractiveShell
        from sms_model.model import ServiceManagementSystem

        shell = InteractiveShell.instance()
        html = shell.display_formatter.formatters["text/html"]
        unregistered = ServiceManagementSystem not in html
        shell.run_line_magic("load_ext", "sms_model")
        probe(shell, sms_model.load(MINIMAL), unregistered=unregistered)
        """,
        tmp_path,
    )
    assert result["unregistered"]
    assert result["registered"]
    assert result["card"] == result["html"]


def test_outside_ipython_registering_does_nothing() -> None:
    code = (
        "import sys\n"
        "from sms_model.report import register_display\n"
        "print(register_display(), 'IPython' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "False False\n" == done.stdout
