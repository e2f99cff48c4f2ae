"""The built-in rules: one module per clause group, registered in the default registry on
import. Import :func:`sms_model.rules.default_registry` rather than this package."""

from sms_model.rules.builtin import (
    _context_2018,  # noqa: F401
    _control,  # noqa: F401
    _delivery,  # noqa: F401
    _design_transition,  # noqa: F401
    _documentation,  # noqa: F401
    _governance,  # noqa: F401
    _management,  # noqa: F401
    _operation_2018,  # noqa: F401
    _relationship,  # noqa: F401
    _resolution,  # noqa: F401
    _shared_2018,  # noqa: F401
    _sms_cycle,  # noqa: F401
)

__all__: list[str] = []
