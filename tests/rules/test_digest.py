"""The input digest depends on the system, not on the order anything was given in."""

from __future__ import annotations

import random

import attrs
from hypothesis import given
from hypothesis import strategies as st

import sms_model
from sms_model.model import ServiceManagementSystem
from sms_model.rules import input_digest
from tests.robustness.robustness_support import shuffle_everywhere
from tests.rules.rule_fixtures import build

ACME = sms_model.load("examples/acme-managed-services.yaml")
BASE = build()


@given(seed=st.integers(0, 2**32 - 1))
def test_shuffling_every_collection_at_every_depth_keeps_the_digest(seed: int) -> None:
    for sms in (ACME, BASE):
        shuffled = shuffle_everywhere(sms, random.Random(seed))
        assert isinstance(shuffled, ServiceManagementSystem)
        assert input_digest(sms) == input_digest(shuffled)


def test_the_order_of_an_objectives_measurements_does_not_change_the_digest() -> None:
    # The case found in review: the digest promised independence from order, but changed.
    objective = next(o for o in ACME.objectives if len(o.measurements) > 1)
    reversed_ = attrs.evolve(objective, measurements=objective.measurements[::-1])
    assert input_digest(ACME) == input_digest(ACME.replace(reversed_))


def test_a_change_inside_a_nested_collection_changes_the_digest() -> None:
    objective = next(o for o in ACME.objectives if o.measurements)
    first = objective.measurements[0]
    moved = attrs.evolve(first, value=f"{first.value} (revised)")
    changed = attrs.evolve(objective, measurements=(moved, *objective.measurements[1:]))
    assert input_digest(ACME) != input_digest(ACME.replace(changed))
