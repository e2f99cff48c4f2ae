"""The built-in rules: one module per clause group, registered in the default registry on
import. Import :func:`sms_model.rules.default_registry` rather than this package."""

from sms_model.rules.builtin import _management  # noqa: F401

__all__: list[str] = []
