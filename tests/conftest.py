"""Shared test configuration: Hypothesis profiles.

Choose one with the ``HYPOTHESIS_PROFILE`` environment variable (``dev`` by default):
``ci`` is thorough and reproducible, ``dev`` is quick, ``fast`` is a smoke run, ``fuzz`` is the
100,000-example run of ``make fuzz``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Generating a whole SMS draws hundreds of values; that is expected, not a health problem.
_SLOW_IS_FINE = [HealthCheck.too_slow]

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "fast", max_examples=10, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
# ``make fuzz``: the long run of the robustness suite's fuzz tests.
settings.register_profile(
    "fuzz",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=[*_SLOW_IS_FINE, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
