"""The Hypothesis property driver: draw valid and invalid requests from the strategies with a fixed seed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from contracts import registry
from contracts.check.catalogue import Case
from contracts.strategies import Invalid, invalid_requests, valid_requests
from contracts.targets import Target

__all__ = ["PROPERTY_OPERATIONS", "plans", "property_cases"]

# The operations whose generated requests the property checks send, per provider.
PROPERTY_OPERATIONS = {"openrouter": ("chat_completions", "create_responses", "create_messages"),
                       "aimlapi": ("chat_completions",),
                       "bedrock": ("invoke_model", "converse")}  # fmt: skip
# The error each provider answers a body-validation failure with (wire-contracts §1.5, §2.5, §3.8).
_INVALID_STATUS = {"openrouter": (400, None), "aimlapi": (400, None), "bedrock": (400, "ValidationException")}

Plan = tuple[str, str, str]
"""(request kind, operation, streaming operation): the streaming twin takes the same request body."""


def plans(provider: str) -> tuple[Plan, ...]:
    """The property plans of a provider; an operation that streams by its body is its own streaming twin."""
    facts = registry.provider(provider)
    found: list[Plan] = []
    for name in PROPERTY_OPERATIONS[provider]:
        op = facts.operation(name)
        streams = [o for o in facts.operations if o.request == op.request and o.always_streams]
        twin = op if op.stream is not None or not streams else streams[0]
        if op.request is not None:
            found.append((op.request, op.name, twin.name))
    return tuple(found)


def property_cases(target: Target, valid: bool, count: int, seed: int) -> Iterator[Case]:
    """Draw ``count`` cases from the request strategies with a fixed seed (no shrinking: it costs requests)."""
    chosen_plans = plans(target.provider)
    status, error = _INVALID_STATUS[target.provider] if not valid else (None, None)

    def strategy(plan: Plan) -> st.SearchStrategy[tuple[Plan, Any, bool]]:
        drawn = valid_requests(target.provider, plan[0], model=target.model) if valid else invalid_requests(
            target.provider, plan[0], model=target.model)  # fmt: skip
        return st.tuples(st.just(plan), drawn, st.booleans())

    drawn: list[tuple[Plan, Any, bool]] = []

    # From the default profile, not the loaded one: the seed alone decides which requests are sent.
    @settings(settings.get_profile("default"), max_examples=count, database=None, deadline=None, derandomize=False,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)  # fmt: skip
    @hypothesis_seed(seed)
    @given(st.sampled_from(chosen_plans).flatmap(strategy))
    def collect(example: tuple[Plan, Any, bool]) -> None:
        if len(drawn) < count:
            drawn.append(example)

    if count > 0:
        collect()
    for n, ((kind, operation, streaming), example, stream) in enumerate(drawn, 1):
        label = str(example) if isinstance(example, Invalid) else None
        body = example.document if isinstance(example, Invalid) else example
        # OpenAI-compatible providers stream by the body's `stream` (set here when the strategy left
        # it out, so that half the valid cases stream); Bedrock streams by its operation.
        if valid and stream and streaming == operation and "stream" not in body:
            body = {**body, "stream": True}
        name = f"property:{'valid' if valid else 'invalid'}:{kind}#{n}"
        yield Case(name, streaming if stream else operation, body, status=status, error=error, label=label,
                   kind="property")  # fmt: skip
