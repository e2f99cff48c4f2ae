"""sms_model: an ISO/IEC 20000-1 service management system as typed data.

The top-level package stays light: the readers and writers (PyYAML), the accountability graph
(networkx) and the rules engine are imported on first use.

>>> import sms_model
>>> text = "name: Acme\\nprovider: acme\\nparties: [{id: acme, name: Acme, kind: provider}]"
>>> sms = sms_model.loads(text)
>>> sms.name
'Acme'

In a Jupyter notebook (any running IPython shell) a system shows itself as an HTML summary
card: importing the package registers the display, and ``%load_ext sms_model`` does in a shell
started after the import (see :func:`sms_model.report.register_display`).
"""

from __future__ import annotations

import importlib
import sys
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
    from sms_model.rules import (
        Assessment,
        Diff,
        assess,
        assess_over_time,
        diff,
        finding_id,
        load_assessment,
        obligations,
        transition,
    )

__version__ = "0.1.0.dev0"

# Public names served from submodules on first access, so `import sms_model` stays cheap.
_LAZY: dict[str, str] = {
    "Assessment": "sms_model.rules",
    "Diff": "sms_model.rules",
    "assess": "sms_model.rules",
    "assess_over_time": "sms_model.rules",
    "diff": "sms_model.rules",
    "finding_id": "sms_model.rules",
    "load_assessment": "sms_model.rules",
    "obligations": "sms_model.rules",
    "transition": "sms_model.rules",
    "dump": "sms_model.io",
    "dumps": "sms_model.io",
    "json_schema": "sms_model.io",
    "load": "sms_model.io",
    "loads": "sms_model.io",
}

__all__ = [
    "ArgumentError",
    "Assessment",
    "Diff",
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
    "assess_over_time",
    "diff",
    "dump",
    "dumps",
    "finding_id",
    "json_schema",
    "load",
    "load_assessment",
    "load_ipython_extension",
    "loads",
    "obligations",
    "transition",
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


def load_ipython_extension(ipython: Any) -> None:
    """What ``%load_ext sms_model`` runs in an IPython shell: show every
    :class:`~sms_model.model.ServiceManagementSystem` there as an HTML summary card (see
    :func:`sms_model.report.register_display`). Importing the package in a running shell
    does the same; the extension is for a shell started after the import.

    >>> import pytest
    >>> formatters = pytest.importorskip("IPython.core.formatters")
    >>> import types, sms_model
    >>> shell = types.SimpleNamespace(display_formatter=formatters.DisplayFormatter())
    >>> sms_model.load_ipython_extension(shell)
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> "text/html" in shell.display_formatter.format(sms)[0]
    True
    """
    from sms_model.report import register_display

    register_display(ipython)


def _display_in_ipython() -> None:
    """In a running IPython shell (a notebook's kernel, which imported IPython before this),
    register the display; IPython is never imported here, and the import stays cheap."""
    if "IPython" in sys.modules:
        from sms_model.report import register_display

        register_display()


_display_in_ipython()
