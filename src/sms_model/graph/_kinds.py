"""The kinds of nodes and edges of the accountability graph.

Their values are the strings stored in the ``kind`` attribute of every node and edge, so a graph
written to GraphML or JSON reads the same as the one in memory. The values are public API.

>>> NodeKind.DUTY.value, EdgeKind.ACCOUNTABLE_FOR.value
('duty', 'accountable_for')
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["SMS_NODE", "TOP_MANAGEMENT_NODE", "EdgeKind", "NodeKind", "duty_node"]

#: Key of the node that stands for the service management system itself.
SMS_NODE: Final = "sms"
#: Key of the node that stands for top management as a body (guidance TM-0).
TOP_MANAGEMENT_NODE: Final = "top_management"


class NodeKind(enum.Enum):
    """What a node of the accountability graph stands for."""

    SMS = "sms"
    TOP_MANAGEMENT = "top_management"
    PARTY = "party"
    PERSON = "person"
    ROLE = "role"
    PROCESS = "process"
    DUTY = "duty"  # a Clause 4 duty (ISO/IEC 20000-1:2011, 4.1 to 4.5)
    SERVICE = "service"
    POLICY = "policy"
    OBJECTIVE = "objective"
    PLAN = "plan"
    AGREEMENT = "agreement"


class EdgeKind(enum.Enum):
    """What an edge of the accountability graph says; every edge reads ``source <kind> target``."""

    ACCOUNTABLE_FOR = "accountable_for"  # person, role or top management -> what they answer for
    RESPONSIBLE_FOR = "responsible_for"  # person or role -> process or duty they carry out
    PERFORMS = "performs"  # another party -> a Clause 4 activity it performs (APP-2)
    OPERATES = "operates"  # party -> process it runs (4.2)
    PROVIDES = "provides"  # another party -> service or component it provides (2018: 8.2.3)
    APPROVES = "approves"  # person -> policy, objective, plan or process (EV-c, EV-d)
    REPORTS_TO = "reports_to"  # person -> line manager (TM-f)
    MEMBER_OF = "member_of"  # person or role -> party; person -> top management
    HOLDS_ROLE = "holds_role"  # person -> role
    GOVERNS = "governs"  # provider -> party or process; lead supplier -> sub-contractor (4.2, 7.2)
    INTERFACES_WITH = "interfaces_with"  # process -> process
    SUPPLIES = "supplies"  # supplier or internal group -> service it supports
    SUBCONTRACTS_TO = "subcontracts_to"  # lead supplier -> sub-contracted supplier (7.2)
    APPOINTS = "appoints"  # top management -> management representative (4.1.4)
    DRAFTED = "drafted"  # party -> the plan it drafted (APP-3)
    MAINTAINS = "maintains"  # party -> the plan it maintains (APP-3)
    PARTY_TO = "party_to"  # party -> agreement it is a party of (APP-5)


def duty_node(duty: str) -> str:
    """The node key of a Clause 4 duty, from its value.

    >>> duty_node("internal_audit")
    'duty:internal_audit'
    """
    return f"duty:{duty}"
