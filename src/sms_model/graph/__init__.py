"""The accountability graph of a service management system, and the gaps it shows.

The only package of :mod:`sms_model` that imports networkx; ``import sms_model`` does not import
it. Build the graph with :func:`accountability_graph`, look for gaps with :func:`find_gaps`
(ISO/IEC 20000-1:2011, 4.1 and 4.2; ISO/IEC 20000-2:2012, 1.2), and write it out as GraphML,
node-link JSON, DOT or a RACI matrix, or draw it with :func:`draw` (needs matplotlib).
"""

from sms_model.graph._build import accountability_graph
from sms_model.graph._draw import draw
from sms_model.graph._export import (
    Raci,
    RaciEntry,
    raci_dataframe,
    raci_matrix,
    to_dot,
    to_graphml,
    to_node_link_json,
)
from sms_model.graph._gaps import Gap, GapKind, find_gaps
from sms_model.graph._kinds import SMS_NODE, TOP_MANAGEMENT_NODE, EdgeKind, NodeKind, duty_node
from sms_model.graph._layout import column_layout

__all__ = [
    "SMS_NODE",
    "TOP_MANAGEMENT_NODE",
    "EdgeKind",
    "Gap",
    "GapKind",
    "NodeKind",
    "Raci",
    "RaciEntry",
    "accountability_graph",
    "column_layout",
    "draw",
    "duty_node",
    "find_gaps",
    "raci_dataframe",
    "raci_matrix",
    "to_dot",
    "to_graphml",
    "to_node_link_json",
]
