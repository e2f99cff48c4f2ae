"""Reading and writing a service management system as YAML or JSON, and its JSON Schema."""

from sms_model.io._api import Format, dump, dumps, load, loads
from sms_model.io._convert import FORMAT_VERSION
from sms_model.io._locate import entity_paths, locator
from sms_model.io._schema import json_schema
from sms_model.io._starter import STARTER, STARTER_2018
from sms_model.io._write import write_atomically

__all__ = [
    "FORMAT_VERSION",
    "STARTER",
    "STARTER_2018",
    "Format",
    "dump",
    "dumps",
    "entity_paths",
    "json_schema",
    "load",
    "loads",
    "locator",
    "write_atomically",
]
