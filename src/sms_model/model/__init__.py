"""The pure domain model of a service management system (ISO/IEC 20000-1:2011).

Frozen, slotted, keyword-only attrs classes that refer to each other by id. This package imports
nothing but the standard library and attrs: no I/O, no graph library.

What the entity types are can be read at run time: :func:`entity_types` lists the kinds of
entity the system indexes by id, with their classes and the fields that hold them, and
:func:`references` the fields of a class that name other entities.

>>> from sms_model.model import entity_types, references, Risk
>>> [t.kind for t in entity_types()][:3]
['scope', 'plan', 'party']
>>> [(r.field, r.many) for r in references(Risk)]
[('subjects', True), ('owner', False), ('accepted_by', False), ('criteria', False)]
"""

# Every entity class and enumeration is exported: a new one needs no edit here, only its place in
# the ``__all__`` of its module.
from sms_model.model import _entities, _enums
from sms_model.model._checks import Checked
from sms_model.model._entities import *  # noqa: F403
from sms_model.model._entities import HAPPENED, happened_fields
from sms_model.model._enums import *  # noqa: F403
from sms_model.model._meta import EntityType, Reference, references
from sms_model.model._sms import (
    COLLECTIONS,
    RECORD_COLLECTIONS,
    ServiceManagementSystem,
    entity_types,
)

__all__ = [
    "COLLECTIONS",
    "HAPPENED",
    "RECORD_COLLECTIONS",
    "Checked",
    "EntityType",
    "Reference",
    "ServiceManagementSystem",
    "entity_types",
    "happened_fields",
    "references",
]
__all__ += _entities.__all__
__all__ += _enums.__all__


def _isort_key(name: str) -> tuple[int, str]:
    # The order of ruff's isort-style __all__: CONSTANTS, then Classes, then the rest.
    group = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return group, name


__all__.sort(key=_isort_key)
