"""How many examples each fuzz test runs: ``FUZZ_PROFILE=default`` (``make test``, ~1 minute in all) or ``long``.

The long profile (``make fuzz``) sends 100k+ requests and prints the counts by outcome at the end of the run.
Explicit ``settings`` per test rather than a loaded profile: ``tests/contracts`` loads its own profile globally.
"""

import os

from hypothesis import HealthCheck, settings

__all__ = ["LONG", "PROFILE", "fuzz_settings"]

PROFILE = os.environ.get("FUZZ_PROFILE", "default")
LONG = PROFILE == "long"
if PROFILE not in ("default", "long"):
    raise ValueError(f"FUZZ_PROFILE={PROFILE!r}: use default or long")


def fuzz_settings(default: int, long: int) -> settings:
    """Settings for one fuzz test: ``default`` examples normally, ``long`` under ``FUZZ_PROFILE=long``."""
    return settings(
        max_examples=long if LONG else default,
        deadline=None,  # no timing asserted in tests (style.md: speed is measured by benchmarks)
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
