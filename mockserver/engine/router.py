"""The engine's router: a request's method and raw path to its provider, operation and path parameters."""

from collections.abc import Sequence
from typing import Any

from mockserver.engine.call import Provider
from mockserver.engine.routing import match_route
from mockserver.http import MockRequest

__all__ = ["PATHS", "Router"]

PATHS = 1024
"""Distinct (method, path) pairs whose routing ``Router`` keeps."""


class Router:
    """Which provider, operation and path parameters a (method, raw path) names: the mount (or the root provider's
    upstream path) picks the provider, its route table the operation. Routing depends on nothing else, so the
    answer for a pair is kept (``PATHS`` of them; a path is split and percent-decoded once)."""

    def __init__(self, providers: Sequence[Provider], root: Provider | None) -> None:
        self._mounts = [(p, p.mount_segments, p.routes) for p in providers]
        self._root = (root, root.upstream_segments, root.routes) if root is not None else None
        self._seen: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._split: dict[str, list[str]] = {}

    def segments(self, request: MockRequest) -> list[str]:
        """``request.segments``, split and decoded once per distinct raw path (callers must not change the list)."""
        found = self._split.get(request.raw_path)
        if found is None:
            found = request.segments
            if len(self._split) >= PATHS:
                self._split.clear()
            self._split[request.raw_path] = found
        return found

    def route(self, method: str, raw_path: str, segments: list[str]) -> tuple[Any, ...]:
        """``(provider, operation, params, path_known)`` for a request whose path splits into ``segments``."""
        key = (method, raw_path)
        found = self._seen.get(key)
        if found is None:
            found = self._route(method, segments)
            if len(self._seen) >= PATHS:
                self._seen.clear()  # odd paths from a fuzzer: start again rather than grow
            self._seen[key] = found
        return found

    def _route(self, method: str, segments: list[str]) -> tuple[Any, ...]:
        candidates = [*self._mounts, *([self._root] if self._root is not None else [])]
        for provider, prefix, routes in candidates:
            if segments[: len(prefix)] == prefix:
                route, params, known = match_route(routes, method, segments[len(prefix) :])
                operation = provider.operations[route.operation] if route else None
                return provider, operation, params, known
        return None, None, {}, False
