"""The JSON Schema of the file format, generated from the model so it can never drift."""

from __future__ import annotations

import enum
import functools
import inspect
import types
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

import attrs

from sms_model.io._convert import FORMAT_VERSION
from sms_model.model import ServiceManagementSystem

__all__ = ["json_schema"]

_SCHEMA_ID = "https://sms-model.invalid/schema/sms-{version}.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every valid SMS file satisfies.

    The schema checks shapes and types; references between ids, and the rules of the standard,
    are checked by :func:`sms_model.load` and the assessment.

    >>> schema = json_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> sorted(schema["$defs"]["Party"]["required"])
    ['id', 'kind', 'name']
    """
    return _build()


@functools.cache
def _frozen_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _object_schema(ServiceManagementSystem, defs)
    root["properties"] = {
        "format_version": {"const": FORMAT_VERSION, "description": "Version of this format."},
        **root["properties"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _SCHEMA_ID.format(version=FORMAT_VERSION),
        "title": "Service management system (sms_model format)",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _build() -> dict[str, Any]:
    import copy

    return copy.deepcopy(_frozen_schema())


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        properties[field.name] = _type_schema(hints[field.name], defs)
        if field.default is attrs.NOTHING:
            required.append(field.name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": _summary(cls),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _summary(cls: type) -> str:
    doc = inspect.getdoc(cls) or cls.__name__
    return doc.split("\n\n")[0].replace("\n", " ")


def _type_schema(t: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(t)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(t) if a is not type(None)]
        inner = _type_schema(options[0], defs) if len(options) == 1 else {}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(get_args(t)[0], defs)}
    if t is str:
        return {"type": "string"}
    if t is bool:
        return {"type": "boolean"}
    if t is int:
        return {"type": "integer"}
    if t is date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if t is datetime:
        return {"type": "string", "format": "date-time"}
    if isinstance(t, type) and issubclass(t, enum.Enum):
        if t.__name__ not in defs:
            defs[t.__name__] = {
                "description": _summary(t),
                "enum": [member.value for member in t],
            }
        return {"$ref": f"#/$defs/{t.__name__}"}
    if attrs.has(t):
        if t.__name__ not in defs:
            defs[t.__name__] = {}  # placeholder against recursion
            defs[t.__name__] = _object_schema(t, defs)
        return {"$ref": f"#/$defs/{t.__name__}"}
    raise TypeError(f"no JSON Schema for {t!r}")
