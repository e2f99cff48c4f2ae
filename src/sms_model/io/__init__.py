"""Reading and writing a service management system as YAML or JSON, and its JSON Schema."""

from sms_model.io._api import Format, dump, dumps, load, loads, write_atomically
from sms_model.io._convert import FORMAT_VERSION
from sms_model.io._schema import json_schema

__all__ = [
    "FORMAT_VERSION",
    "Format",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "write_atomically",
]
