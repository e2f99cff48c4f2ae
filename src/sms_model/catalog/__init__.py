"""The standard as data: clauses, guidance statements, evidence expectations, interfaces."""

from sms_model.catalog._interfaces import DEFAULT_INTERFACES, default_interfaces

__all__ = ["DEFAULT_INTERFACES", "default_interfaces"]
