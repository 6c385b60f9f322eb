"""Hypothesis profiles (dev, ci, live) and the ``target`` fixture: one suite, any target."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from contracts import registry
from contracts.targets import Target, open_target

# Registered once, here (Hypothesis house style). Select with HYPOTHESIS_PROFILE; CI=true picks "ci".
# database=None everywhere: no .hypothesis/ written into the checkout (it is gitignored anyway).
settings.register_profile("dev", max_examples=25, deadline=None, database=None)
settings.register_profile(
    "ci", max_examples=15, deadline=None, database=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
# Live calls cost money: few examples, no shrinking (each shrink step is another paid request).
settings.register_profile(
    "live", max_examples=3, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

PROVIDERS = registry.NAMES
# Which environment variables make a live run of each provider possible: its key, or AWS credentials.
_LIVE_KEYS = {p.name: (p.key_env, *(("AWS_ACCESS_KEY_ID",) if p.name == "bedrock" else ())) for p in registry.PROVIDERS}


def _where_params() -> list[Any]:
    return [
        pytest.param("inprocess", id="inprocess"),
        pytest.param("url", id="url"),  # MOCKKIT_TARGET_URL: root URL of a running mock server
        pytest.param("live", id="live", marks=pytest.mark.live),
    ]


@pytest.fixture(scope="session", params=_where_params())
def where(request: pytest.FixtureRequest) -> str:
    """Where the target lives: a mock started here, a server at MOCKKIT_TARGET_URL, or the live provider."""
    value: str = request.param
    if value == "url" and not os.environ.get("MOCKKIT_TARGET_URL"):
        pytest.skip("set MOCKKIT_TARGET_URL to the root URL of a running mock server")
    return value


@pytest.fixture(scope="session")
def make_target(where: str, start_server: Callable[..., Any]) -> Iterator[Callable[[str], Target]]:
    """Build (and cache) a ``Target`` for a provider at the chosen place."""
    made: dict[str, Target] = {}

    def make(provider: str) -> Target:
        if provider not in made:
            if where == "inprocess":
                base = start_server().url + registry.MOUNTS[provider]
            elif where == "url":
                base = os.environ["MOCKKIT_TARGET_URL"].rstrip("/") + registry.MOUNTS[provider]
            else:
                # Keys in the environment are not consent to spend money: live runs need MOCKKIT_LIVE=1 too.
                if os.environ.get("MOCKKIT_LIVE") != "1":
                    pytest.skip("live checks are opt-in: set MOCKKIT_LIVE=1 and the provider's key")
                if not any(os.environ.get(name) for name in _LIVE_KEYS[provider]):
                    pytest.skip(f"live {provider} needs one of {', '.join(_LIVE_KEYS[provider])}")
                region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or registry.DEFAULT_REGION
                base = registry.upstream_url(provider, region)
            made[provider] = open_target(provider, base)
        return made[provider]

    yield make
    for target in made.values():
        target.close()


@pytest.fixture(scope="session", params=PROVIDERS)
def target(request: pytest.FixtureRequest, make_target: Callable[[str], Target]) -> Target:
    """A target for each provider at the chosen place."""
    return make_target(request.param)
