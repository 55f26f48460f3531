"""Hypothesis profiles for the property tests.

``ci`` (the default) keeps the suite short; ``fuzz`` is the long run documented in
docs/hardening.md::

    HYPOTHESIS_PROFILE=fuzz python -m pytest -m fuzz -p no:cacheprovider \\
        --hypothesis-show-statistics tests/test_fuzz_*.py
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile(
    "fuzz",
    # HYPOTHESIS_MAX_EXAMPLES splits the long run into chunks (each with fresh random
    # inputs); the counts of the chunks add up.
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
