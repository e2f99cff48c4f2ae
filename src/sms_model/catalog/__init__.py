"""The standard as data: clauses, guidance statements, evidence expectations, interfaces.

Clause numbers, titles and summaries of ISO/IEC 20000-1 (the 2011 and 2018 editions) and the
crosswalk between them, the guidance statements of ISO/IEC 20000-2:2012 that rules trace to
(with their meaning in 2018), the evidence an assessor expects with its default cadence, and
the default process interfaces. Every summary is our own paraphrase.
"""

from sms_model.catalog._cadence import Cadence
from sms_model.catalog._clauses import (
    EDITIONS,
    Clause,
    Phase,
    clause,
    clauses,
    is_within,
    leaf_clauses,
)
from sms_model.catalog._crosswalk import crosswalk
from sms_model.catalog._expectations import (
    EvidenceExpectation,
    default_cadences,
    expectation_by_id,
    expectations,
)
from sms_model.catalog._guidance import Guidance, guidance, guidance_by_id
from sms_model.catalog._interfaces import DEFAULT_INTERFACES, default_interfaces

__all__ = [
    "DEFAULT_INTERFACES",
    "EDITIONS",
    "Cadence",
    "Clause",
    "EvidenceExpectation",
    "Guidance",
    "Phase",
    "clause",
    "clauses",
    "crosswalk",
    "default_cadences",
    "default_interfaces",
    "expectation_by_id",
    "expectations",
    "guidance",
    "guidance_by_id",
    "is_within",
    "leaf_clauses",
]
