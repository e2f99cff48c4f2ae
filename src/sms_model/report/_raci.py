"""The RACI matrix of the accountability graph as CSV for spreadsheets (the ``raci`` graph
format)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from sms_model.report._escape import csv_cell

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.graph import RaciEntry

__all__ = ["raci_csv", "render_raci"]

#: The columns of the table: the fields of a RACI entry.
COLUMNS: Final = ("subject", "subject_kind", "who", "who_kind", "letter")


def render_raci(graph: nx.MultiDiGraph[str]) -> str:
    """The RACI matrix of ``graph`` (see :func:`sms_model.graph.raci_matrix`) as CSV."""
    from sms_model.graph import raci_matrix

    return raci_csv(raci_matrix(graph))


def raci_csv(entries: Iterable[RaciEntry]) -> str:
    """RACI entries as CSV: every field quoted, so a separator or a bare carriage return in a
    value stays in its cell, and every value that a spreadsheet would run as a formula
    neutralised with a leading ``'`` (see ``csv_cell``). A cell of nobody (the ``A`` of a
    subject nobody is accountable for) is empty.

    >>> from sms_model.graph import Raci, RaciEntry
    >>> entry = RaciEntry(subject="chg", subject_kind="process", who=None, who_kind=None,
    ...                   letter=Raci.ACCOUNTABLE)
    >>> print(raci_csv([entry]), end="")
    "subject","subject_kind","who","who_kind","letter"
    "chg","process","","","A"
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(_cell(getattr(entry, k))) for k in COLUMNS] for entry in entries)
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))
