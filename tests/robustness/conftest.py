"""Hypothesis profile for the long fuzz run of the robustness suite (``make fuzz``).

``HYPOTHESIS_PROFILE=fuzz`` runs 100,000 examples per fuzz test with no deadline. Without a
profile in the environment the fuzz tests run a few hundred examples (see
``robustness_support.fuzz_settings``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
    settings.register_profile(
        "fuzz",
        max_examples=100_000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    # Also works when the suite runs alone (pytest --confcutdir=tests/robustness).
    settings.load_profile("fuzz")
