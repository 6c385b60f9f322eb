"""Operation tables: method + path template -> operation name, matched on decoded path segments.

A ``{name}`` template segment captures one segment *after* percent-decoding each one: the AWS SDKs encode ':'
and '/' in a Bedrock model id (``%3A``, ``%2F``), so an inference-profile ARN stays one segment (wire-contracts
§3.1).
"""

from dataclasses import dataclass, field

from contracts.registry import Provider as ProviderFacts

__all__ = ["Route", "match_route", "routes_of"]


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of a provider, named after the provider's own operation."""

    method: str
    path: str
    operation: str
    parts: tuple[str, ...] = field(init=False, compare=False)
    """The template's segments; ``{name}`` segments capture one decoded segment."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(p for p in self.path.split("/") if p))


def match_route(routes: list[Route], method: str, segments: list[str]) -> tuple[Route | None, dict[str, str], bool]:
    """Find the route for ``segments``; the flag says a route exists for the path but not the method."""
    path_matched = False
    for route in routes:
        parts = route.parts
        if len(parts) != len(segments):
            continue
        params: dict[str, str] = {}
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}"):
                params[part[1:-1]] = segment
            elif part != segment:
                break
        else:
            if route.method == method:
                return route, params, True
            path_matched = True
    return None, {}, path_matched


def routes_of(facts: ProviderFacts) -> list[Route]:
    """Every path of every operation the registry lists for a provider (aliases included)."""
    return [Route(op.method, path, op.name) for op in facts.operations for path in op.paths]

