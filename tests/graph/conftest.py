"""Fixtures of the graph tests: the YAML cases under ``cases/<gap kind>/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sms_model.io import load
from sms_model.model import ServiceManagementSystem

CASES = Path(__file__).with_name("cases")


@pytest.fixture
def case() -> Callable[[str, str], ServiceManagementSystem]:
    """Load ``cases/<kind>/<name>.yaml`` (``name`` is ``failing`` or ``passing``)."""

    def load_case(kind: str, name: str) -> ServiceManagementSystem:
        return load(CASES / kind / f"{name}.yaml")

    return load_case
