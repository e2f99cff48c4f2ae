"""``examples/walkthrough.ipynb`` runs top to bottom in a fresh kernel and shows what it says.

The notebook is executed with nbclient in the ``python3`` kernel of this environment (ipykernel
is a dev dependency), from the repository root, as a reader would run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"


@pytest.fixture(scope="module")
def executed() -> Any:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    return notebook


def _outputs(notebook: Any, cell_id: str) -> list[Any]:
    (cell,) = [c for c in notebook.cells if c.get("id") == cell_id]
    return list(cell.outputs)


def _stdout(notebook: Any, cell_id: str) -> str:
    return "".join(o.text for o in _outputs(notebook, cell_id) if o.output_type == "stream")


def test_walkthrough_is_committed_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code
    with_outputs = [c.id for c in code if c.outputs or c.execution_count is not None]
    assert not with_outputs


def test_walkthrough_runs_without_errors(executed: Any) -> None:
    errors = [
        f"{cell.id}: {output.ename}: {output.evalue}"
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, errors


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
