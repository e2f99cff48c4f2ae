"""``examples/walkthrough.ipynb`` runs top to bottom in a fresh kernel and shows what it says.

The notebook is executed as its readers run it: Jupyter, VS Code and ``jupyter nbconvert
--execute`` start the kernel in the notebook's own folder, so the tests do the same (nbclient
with the folder as the kernel's path, and the ``jupyter nbconvert`` command itself, started from
another folder). The kernel is ``python3`` of this environment (ipykernel is a dev dependency).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"


def _execute(notebook: Any, folder: Path) -> Any:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


def _read() -> Any:
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def executed() -> Any:
    # The working directory Jupyter, nbconvert and VS Code give the kernel: the notebook's folder.
    return _execute(_read(), NOTEBOOK.parent)


def _outputs(notebook: Any, cell_id: str) -> list[Any]:
    (cell,) = [c for c in notebook.cells if c.get("id") == cell_id]
    return list(cell.outputs)


def _stdout(notebook: Any, cell_id: str) -> str:
    return "".join(o.text for o in _outputs(notebook, cell_id) if o.output_type == "stream")


def _errors(notebook: Any) -> list[str]:
    return [
        f"{cell.id}: {output.ename}: {output.evalue}"
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]


def test_walkthrough_is_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = _read()
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code
    with_outputs = [c.id for c in code if c.outputs or c.execution_count is not None]
    assert not with_outputs


def test_walkthrough_is_stored_as_nbformat_writes_it() -> None:
    # One canonical form (nbformat's own layout), so that a re-save in Jupyter makes no diff.
    nbformat = pytest.importorskip("nbformat")
    expected = nbformat.writes(_read()) + "\n"
    assert expected == NOTEBOOK.read_text(encoding="utf-8")


def test_walkthrough_runs_without_errors(executed: Any) -> None:
    errors = _errors(executed)
    assert not errors, errors


def test_walkthrough_runs_under_jupyter_nbconvert_execute(tmp_path: Path) -> None:
    pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    # The command a reader types, from a folder that is neither the repository nor examples/.
    command = [
        sys.executable,
        "-m",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=120",
        "--ExecutePreprocessor.kernel_name=python3",
        "--output-dir",
        str(tmp_path),
        str(NOTEBOOK),
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert 0 == done.returncode, done.stderr[-3000:]
    nbformat = pytest.importorskip("nbformat")
    executed = nbformat.read(tmp_path / NOTEBOOK.name, as_version=4)
    assert [] == _errors(executed)
    assert "new: []\n" in _stdout(executed, "diff")


def test_walkthrough_also_finds_its_example_from_the_repository_root() -> None:
    # Some editors can be set to start notebooks in the workspace root: the loading cells still
    # find the example.
    notebook = _read()
    ids = [c.get("id") for c in notebook.cells]
    notebook.cells = notebook.cells[: ids.index("load") + 1]
    executed = _execute(notebook, ROOT)
    assert [] == _errors(executed)
    kinds = [sorted(o.get("data", {})) for o in _outputs(executed, "load")]
    assert any("text/html" in k for k in kinds)


@pytest.mark.parametrize("cell_id", ["load", "assess", "frame", "change", "reassess"])
def test_walkthrough_shows_systems_assessments_and_tables_as_html(
    executed: Any, cell_id: str
) -> None:
    kinds = [sorted(o.get("data", {})) for o in _outputs(executed, cell_id)]
    assert any("text/html" in k for k in kinds)


@pytest.mark.parametrize("cell_id", ["chart", "draw"])
def test_walkthrough_draws_the_chart_and_the_graph(executed: Any, cell_id: str) -> None:
    kinds = [sorted(o.get("data", {})) for o in _outputs(executed, cell_id)]
    assert any("image/png" in k for k in kinds)


def test_walkthrough_lists_the_accountability_gaps(executed: Any) -> None:
    text = _stdout(executed, "gaps")
    assert "subcontractor_not_governed:" in text


def test_walkthrough_fix_removes_exactly_the_change_risk_failure(executed: Any) -> None:
    expected = "fixed: [('SMS-4.1.1-TM-h', ('chg-2026-014',))]\nnew: []\n"
    assert _stdout(executed, "diff").startswith(expected)


def test_a_notebook_that_only_imports_the_package_shows_a_system_as_html() -> None:
    # No import of sms_model.report, no %load_ext: `import sms_model` in the kernel registers
    # the display (the domain model itself has no display method), cheaply.
    nbformat = pytest.importorskip("nbformat")
    from sms_model.io import load
    from sms_model.report import sms_html

    example = ROOT / "examples" / "minimal.yaml"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            f"import sys\nimport sms_model\nsms = sms_model.load({str(example)!r})"
        ),
        nbformat.v4.new_code_cell(
            "print(sorted({'sms_model.rules', 'sms_model.report._notebook'} & sys.modules.keys()))"
        ),
        nbformat.v4.new_code_cell("sms"),
    ]
    executed = _execute(notebook, ROOT)
    assert [] == _errors(executed)
    _, imported, shown = executed.cells
    assert "[]\n" == "".join(o.text for o in imported.outputs if o.output_type == "stream")
    [result] = [o for o in shown.outputs if o.output_type == "execute_result"]
    assert sms_html(load(example)) == result.data["text/html"]


@pytest.mark.parametrize("cell_id", ["over-time", "history"])
def test_walkthrough_plots_the_timeline(executed: Any, cell_id: str) -> None:
    kinds = [sorted(o.get("data", {})) for o in _outputs(executed, cell_id)]
    assert any("image/png" in kind for kind in kinds), kinds
    assert "2026-12-01" in _stdout(executed, cell_id)


def test_walkthrough_assesses_both_editions_and_plans_the_move(executed: Any) -> None:
    lines = _stdout(executed, "edition-2018").splitlines()
    assert [line.split()[0] for line in lines] == ["2011", "2018"]
    assert "stays_met" in _stdout(executed, "transition")
    assert _stdout(executed, "kestrel").startswith("2018\n")
