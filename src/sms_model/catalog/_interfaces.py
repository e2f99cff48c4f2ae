"""The default set of process interfaces an SMS is expected to have (ISO/IEC 20000-2:2012,
Annex A, in our own words): pairs of process kinds that exchange information.

Users replace this set with their own through the rules configuration or the ``interfaces``
argument of :func:`sms_model.graph.find_gaps`.
"""

from __future__ import annotations

from typing import Final

from sms_model.model import ProcessKind as P

__all__ = ["DEFAULT_INTERFACES", "default_interfaces"]

#: Unordered pairs: an interface is present when either process lists the other.
DEFAULT_INTERFACES: Final[tuple[tuple[P, P], ...]] = (
    (P.INCIDENT_AND_REQUEST, P.PROBLEM),
    (P.PROBLEM, P.CHANGE),
    (P.CHANGE, P.CONFIGURATION),
    (P.CHANGE, P.RELEASE_AND_DEPLOYMENT),
    (P.RELEASE_AND_DEPLOYMENT, P.CONFIGURATION),
    (P.SERVICE_LEVEL, P.SERVICE_REPORTING),
    (P.SERVICE_LEVEL, P.CAPACITY),
    (P.SERVICE_LEVEL, P.CONTINUITY_AND_AVAILABILITY),
    (P.SUPPLIER, P.SERVICE_LEVEL),
    (P.BUSINESS_RELATIONSHIP, P.SERVICE_LEVEL),
    (P.CHANGE, P.INFORMATION_SECURITY),
    (P.INCIDENT_AND_REQUEST, P.INFORMATION_SECURITY),
    (P.DESIGN_AND_TRANSITION, P.CHANGE),
)


def default_interfaces() -> tuple[tuple[P, P], ...]:
    """The expected process interfaces, as pairs of process kinds.

    >>> from sms_model.model import ProcessKind
    >>> (ProcessKind.INCIDENT_AND_REQUEST, ProcessKind.PROBLEM) in default_interfaces()
    True
    """
    return DEFAULT_INTERFACES
