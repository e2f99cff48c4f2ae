"""The RACI export (``sms-model graph --format raci``) is CSV a spreadsheet opens safely and
Python's own ``csv`` module reads back exactly: formula prefixes are neutralised as OWASP
advises, every field is quoted (a bare carriage return in a value included), and the work is
linear in the size of the system, even when one person owns every process."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_model.cli import main
from sms_model.graph import accountability_graph, raci_matrix
from sms_model.model import (
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    ServiceManagementSystem,
)
from sms_model.report._escape import csv_cell
from sms_model.report._raci import raci_csv
from tests.payloads import PAYLOADS
from tests.robustness.robustness_support import assert_linear_work

#: What starts a formula in a spreadsheet (OWASP), with the full-width forms.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
COLUMNS = ["subject", "subject_kind", "who", "who_kind", "letter"]
_KINDS = list(ProcessKind)


def _hostile_sms() -> ServiceManagementSystem:
    """Ids that are formulas, carry a bare carriage return, a separator or a quote."""
    boss, owner = '=HYPERLINK("http://boss","y")', "+cmd|' /C calc'!A0"
    return ServiceManagementSystem(
        name="Acme",
        provider="@acme",
        parties=(
            Party(id="@acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="-2+3", name="Globex", kind=PartyKind.SUPPLIER),
        ),
        people=(
            Person(id=boss, name="Ada", party="@acme"),
            Person(id=owner, name="Bo", party="@acme", reports_to=boss),
            Person(id='\tfmt;a,b"c', name="Cy", party="@acme", reports_to=boss),
        ),
        processes=tuple(
            Process(
                id=f"{payload}",
                kind=_KINDS[i % len(_KINDS)],
                owner=(owner, '\tfmt;a,b"c', None)[i % 3],
                operated_by="-2+3" if i % 2 else None,
                interfaces=(PAYLOADS[(i + 1) % len(PAYLOADS)],),
            )
            for i, payload in enumerate((*PAYLOADS, "'quoted", " =1+1", "\r\n=2"))
        ),
    )


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _unneutralised(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _expected_rows(sms: ServiceManagementSystem) -> list[list[str]]:
    return [
        [e.subject, e.subject_kind, e.who or "", e.who_kind or "", e.letter.value]
        for e in raci_matrix(sms)
    ]


def test_the_raci_csv_reads_back_exactly_with_the_csv_module() -> None:
    sms = _hostile_sms()
    rows = _read(raci_csv(raci_matrix(sms)))

    assert COLUMNS == rows[0]
    assert _expected_rows(sms) == [[_unneutralised(c) for c in row] for row in rows[1:]]
    assert any("\r" in cell for row in rows for cell in row)


def test_no_cell_of_the_raci_csv_starts_a_formula() -> None:
    rows = _read(raci_csv(raci_matrix(_hostile_sms())))
    cells = [cell for row in rows for cell in row]

    assert [] == [c for c in cells if c.startswith(FORMULA_START)]
    assert [] == [c for c in cells if c.lstrip().startswith(FORMULA_START)]
    assert '\'=HYPERLINK("http://x","y")' in cells


def test_every_field_of_the_raci_csv_is_quoted() -> None:
    text = raci_csv(raci_matrix(_hostile_sms()))
    field = r'"(?:[^"]|"")*"'
    row = rf"{field}(?:,{field}){{4}}\n"

    assert text.startswith('"subject","subject_kind","who","who_kind","letter"\n')
    assert re.fullmatch(f"(?:{row})+", text)


def test_the_cli_writes_a_raci_file_a_reader_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "sms.yaml"
    source.write_text(
        "name: Acme\nprovider: acme\nparties:\n- {id: acme, name: Acme, kind: provider}\n"
        'people:\n- {id: "=1+1", name: Ada, party: acme}\n'
        'processes:\n- {id: "inc\\r=2", kind: incident_and_request, owner: "=1+1"}\n',
        encoding="utf-8",
    )
    target = tmp_path / "raci.csv"

    code = main(["graph", str(source), "--format", "raci", "-o", str(target)])
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    capsys.readouterr()

    assert 0 == code
    assert ["inc\r=2", "process", "'=1+1", "person", "A"] in rows


# --- csv_cell --------------------------------------------------------------------------------


@pytest.mark.parametrize("start", FORMULA_START)
def test_a_value_starting_with_a_formula_prefix_gets_a_quote(start: str) -> None:
    after_space = f" {start}1" if start.isspace() else f"' {start}1"  # " \t1" reads as 1

    assert (f"'{start}1", after_space) == (csv_cell(f"{start}1"), csv_cell(f" {start}1"))


@pytest.mark.parametrize("value", ["", "ok", "a=b", "1", "duty:scope", "R", "x-1", "é@"])
def test_a_value_that_starts_no_formula_is_kept(value: str) -> None:
    assert value == csv_cell(value)


@given(st.text())
def test_csv_cell_starts_no_formula_and_one_leading_quote_gives_the_value_back(
    value: str,
) -> None:
    cell = csv_cell(value)

    assert not cell.lstrip().startswith(FORMULA_START)
    assert not cell.startswith(FORMULA_START)
    assert value == _unneutralised(cell)


# --- linear work -------------------------------------------------------------------------


def _one_owner(count: int) -> ServiceManagementSystem:
    """Bo owns ``count`` processes, each of which interfaces with a hub process Cy owns."""
    return ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
        people=(
            Person(id="ceo", name="Ada", party="acme"),
            Person(id="bo", name="Bo", party="acme", reports_to="ceo"),
            Person(id="cy", name="Cy", party="acme"),
        ),
        processes=(
            Process(id="hub", kind=ProcessKind.CHANGE, owner="cy"),
            *(
                Process(
                    id=f"p{i:05}", kind=_KINDS[i % len(_KINDS)], owner="bo", interfaces=("hub",)
                )
                for i in range(count)
            ),
        ),
    )


def test_the_raci_export_is_linear_when_one_person_owns_every_process() -> None:
    def make(count: int) -> Callable[[], object]:
        graph = accountability_graph(_one_owner(count))
        return lambda: raci_csv(raci_matrix(graph))

    assert_linear_work(make, 300)


def test_the_owner_of_many_processes_is_accountable_for_each_and_their_manager_informed() -> None:
    rows = _read(raci_csv(raci_matrix(_one_owner(50))))[1:]
    processes = [row for row in rows if row[1] == "process"]
    owned = [row for row in processes if row[0] != "hub"]

    assert [["bo", "A"], ["cy", "C"], ["ceo", "I"]] * 50 == [[r[2], r[4]] for r in owned]
    assert [["hub", "cy", "A"], ["hub", "bo", "C"]] == [
        [r[0], r[2], r[4]] for r in processes if r[0] == "hub"
    ]
