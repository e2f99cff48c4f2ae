"""sms_model: an ISO/IEC 20000-1 service management system as typed data.

The top-level package stays light: the readers and writers (PyYAML), the accountability graph
(networkx) and the rules engine are imported on first use.

>>> import sms_model
>>> text = "name: Acme\\nprovider: acme\\nparties: [{id: acme, name: Acme, kind: provider}]"
>>> sms = sms_model.loads(text)
>>> sms.name
'Acme'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sms_model.errors import (
    ArgumentError,
    DuplicateIdError,
    FieldValueError,
    FileFormatError,
    Issue,
    ModelValidationError,
    RuleDefinitionError,
    SelectionError,
    SMSModelError,
    UnknownReferenceError,
)
from sms_model.model import ServiceManagementSystem

if TYPE_CHECKING:
    from sms_model.io import dump, dumps, json_schema, load, loads
    from sms_model.rules import assess

__version__ = "0.1.0.dev0"

# Public names served from submodules on first access, so `import sms_model` stays cheap.
_LAZY: dict[str, str] = {
    "assess": "sms_model.rules",
    "dump": "sms_model.io",
    "dumps": "sms_model.io",
    "json_schema": "sms_model.io",
    "load": "sms_model.io",
    "loads": "sms_model.io",
}

__all__ = [
    "ArgumentError",
    "DuplicateIdError",
    "FieldValueError",
    "FileFormatError",
    "Issue",
    "ModelValidationError",
    "RuleDefinitionError",
    "SMSModelError",
    "SelectionError",
    "ServiceManagementSystem",
    "UnknownReferenceError",
    "__version__",
    "assess",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sms_model' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
