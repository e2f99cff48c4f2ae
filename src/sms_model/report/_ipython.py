"""The rich display of a service management system in IPython and Jupyter, registered from the
report package so that the domain model holds no display code.

Nothing here imports IPython: an IPython shell is only looked for when IPython was imported
already, as it is in a notebook's kernel. The HTML card itself is rendered by
:func:`~sms_model.report.sms_html`, imported at the first display.
"""

from __future__ import annotations

import sys
from typing import Any

from sms_model.model import ServiceManagementSystem

__all__ = ["register_display"]


def register_display(shell: Any = None) -> bool:
    """Show every :class:`~sms_model.model.ServiceManagementSystem` as its HTML summary card
    (:func:`~sms_model.report.sms_html`) in an IPython shell: ``shell``, or else the running
    one. Returns whether there was a shell to register with.

    It is done for you: importing :mod:`sms_model` (or :mod:`sms_model.report`) in a running
    IPython shell, such as a Jupyter kernel, registers the display, and so does
    ``%load_ext sms_model`` in a shell started after the import. Without a shell nothing
    happens, and IPython is never imported.

    >>> import pytest
    >>> formatters = pytest.importorskip("IPython.core.formatters")
    >>> import types, sms_model
    >>> shell = types.SimpleNamespace(display_formatter=formatters.DisplayFormatter())
    >>> register_display(shell)
    True
    >>> data, _ = shell.display_formatter.format(sms_model.load("examples/minimal.yaml"))
    >>> data["text/html"].startswith("<div class='sms-model sms'")
    True
    """
    if shell is None:
        shell = _running_shell()
        if shell is None:
            return False
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(ServiceManagementSystem, _sms_html)
    return True


def _running_shell() -> Any:
    """The running IPython shell, if IPython was imported and a shell runs."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    return get_ipython() if callable(get_ipython) else None


def _sms_html(sms: ServiceManagementSystem) -> str:
    from sms_model.report._notebook import sms_html

    return sms_html(sms)
