"""sms_model: an ISO/IEC 20000-1 service management system as typed data."""

from sms_model.errors import (
    DuplicateIdError,
    FileFormatError,
    Issue,
    ModelValidationError,
    RuleDefinitionError,
    SMSModelError,
    UnknownReferenceError,
)
from sms_model.model import ServiceManagementSystem

__version__ = "0.1.0.dev0"

__all__ = [
    "DuplicateIdError",
    "FileFormatError",
    "Issue",
    "ModelValidationError",
    "RuleDefinitionError",
    "SMSModelError",
    "ServiceManagementSystem",
    "UnknownReferenceError",
    "__version__",
]
