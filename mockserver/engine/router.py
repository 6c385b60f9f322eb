"""The engine's router: a request's method and raw path to its provider, operation and path parameters."""

import functools
from collections.abc import Sequence
from typing import Any

from mockserver.engine.call import Provider
from mockserver.engine.routing import match_route
from mockserver.http import split_path

__all__ = ["PATHS", "Router"]

PATHS = 1024
"""Distinct paths (and method, path pairs) whose split and routing ``Router`` keeps, least recently used out."""


class Router:
    """Which provider, operation and path parameters a (method, raw path) names: the mount (or the root provider's
    upstream path) picks the provider, its route table the operation. Routing depends on nothing else, so the
    answers are kept (``functools.lru_cache``: a path is split, percent-decoded and matched once)."""

    def __init__(self, providers: Sequence[Provider], root: Provider | None) -> None:
        self._mounts = [(p, p.mount_segments, p.routes) for p in providers]
        if root is not None:
            self._mounts.append((root, root.upstream_segments, root.routes))
        self.segments = functools.lru_cache(maxsize=PATHS)(split_path)
        """A raw path's decoded segments (a shared list: callers must not change it)."""
        self.route = functools.lru_cache(maxsize=PATHS)(self._route)
        """``(provider, operation, params, path_known)`` for a method and raw path (params shared, read-only)."""

    def _route(self, method: str, raw_path: str) -> tuple[Any, ...]:
        segments = self.segments(raw_path)
        for provider, prefix, routes in self._mounts:
            if segments[: len(prefix)] == prefix:
                route, params, known = match_route(routes, method, segments[len(prefix) :])
                operation = provider.operations[route.operation] if route else None
                return provider, operation, params, known
        return None, None, {}, False
