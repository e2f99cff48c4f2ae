"""Writing a model and reading it back gives the same model, in YAML and in JSON."""

from __future__ import annotations

import pytest
from hypothesis import given

from sms_model import ServiceManagementSystem, dumps, loads
from sms_model.io import Format
from sms_model.testing import sms_models


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@given(sms=sms_models())
def test_loads_of_dumps_gives_back_the_same_model(
    fmt: Format, sms: ServiceManagementSystem
) -> None:
    assert sms == loads(dumps(sms, fmt), fmt)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@given(sms=sms_models(max_size=4))
def test_dumps_is_deterministic(fmt: Format, sms: ServiceManagementSystem) -> None:
    text = dumps(sms, fmt)
    assert text == dumps(sms, fmt)
    assert text == dumps(loads(text, fmt), fmt)
