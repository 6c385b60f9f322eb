"""The transport-neutral heart of the mock: route a ``MockRequest`` to a provider operation.

The HTTP server, the respx adapter and the botocore adapter all call ``MockCore.handle``, so every
path gives the same bytes. Exceptions become responses here and only here.
"""

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mockserver.behaviour import limits, pacing
from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.errors import MockError, ProviderError
from mockserver.behaviour.fixtures import FixtureStore
from mockserver.http import MockRequest, MockResponse
from mockserver.engine.journal import Journal
from mockserver.behaviour.quirks import check_quirks
from mockserver.engine.routing import Route, match_route

if TYPE_CHECKING:
    from mockserver.behaviour.chat import Reply

__all__ = ["Call", "Handler", "MockCore", "ProviderSpec"]

log = logging.getLogger("mockserver")


@dataclass(slots=True)
class Call:
    """One request on its way through a provider operation."""

    core: "MockCore"
    provider: str
    operation: str | None
    request: MockRequest
    params: dict[str, str]
    state: Any
    model: str | None = None
    fixture: str | None = None
    caller: str | None = None
    """Who is calling (API key, bearer token or AWS access key id), set by the provider's auth: rate-limit key."""
    reply: "Reply | None" = None
    """The reply ``replies.resolve_reply`` chose, read by pacing and token quotas after the handler."""

    @property
    def config(self) -> MockConfig:
        """The mock's configuration."""
        return self.core.config


Handler = Callable[[Call], MockResponse]


def no_model_data(call: Call) -> Mapping[str, Any]:
    """Default ``ProviderSpec.model_data``: no pacing, no quotas."""
    return {}


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """Everything the core needs to serve one provider."""

    name: str
    mount: str
    """Where the provider lives on the mock, e.g. ``/openrouter/api/v1``."""
    upstream_base_url: str
    """The real base URL the mount mirrors, e.g. ``https://openrouter.ai/api/v1``."""
    routes: list[Route]
    handlers: Mapping[str, Handler]
    not_found: Callable[[Call, bool], MockResponse]
    """The provider's answer to an unknown path (flag: the path exists with another method)."""
    internal_error: Callable[[Call], MockResponse]
    """The provider's own 500 body, used if a handler fails unexpectedly: never a traceback."""
    too_large: Callable[[Call], MockResponse]
    make_state: Callable[[MockConfig], Any]
    model_data: Callable[[Call], Mapping[str, Any]] = no_model_data
    """The catalogue's mock data of ``call.model``: ``pacing`` and ``rate_limits`` (mockserver/pacing.py, limits.py)."""
    throttled: Callable[[Call, limits.Breach], ProviderError] | None = None
    """The provider's own throttling error for a breached quota (429 / ThrottlingException)."""

    @property
    def mount_segments(self) -> list[str]:
        """The mount path as segments."""
        return [p for p in self.mount.split("/") if p]

    @property
    def upstream_segments(self) -> list[str]:
        """The upstream base URL's path as segments (``[]`` for Bedrock)."""
        return [p for p in urlsplit(self.upstream_base_url).path.split("/") if p]


class MockCore:
    """Holds configuration, fixtures, journal and provider state; answers requests."""

    def __init__(
        self, config: MockConfig | None = None, providers: list[ProviderSpec] | None = None, clock: Clock | None = None
    ) -> None:
        """Build a core.

        Args:
            config: how to behave; defaults to the bundled fixtures, lenient mode, seed 0.
            providers: which providers to serve; defaults to all of them.
            clock: time for rate-limit windows and sleeps for pacing; tests pass a ``FakeClock``.
        """
        from mockserver.providers import all_providers  # imported late: providers import this module

        self.config = config or MockConfig()
        self.clock = clock or Clock()
        check_quirks(self.config.quirks, "configuration")
        self.providers = {p.name: p for p in (providers or all_providers())}
        if self.config.root_provider and self.config.root_provider not in self.providers:
            raise MockError(
                "Bad configuration",
                f"unknown provider {self.config.root_provider!r}",
                fix=f"Choose one of: {', '.join(self.providers)}.",
            )
        self.journal = Journal(self.config.journal_size)
        self.reset()

    def reset(self) -> None:
        """Reload fixtures, clear the journal, every provider's state and the rate-limit windows."""
        self.fixtures = FixtureStore.load(self.config.fixtures_dir)
        self.states = {name: spec.make_state(self.config) for name, spec in self.providers.items()}
        self.limiter = limits.Limiter()
        self.journal.clear()

    def resolve(self, segments: list[str]) -> tuple[ProviderSpec | None, list[str]]:
        """Find the provider whose mount (or, for the root provider, upstream path) prefixes ``segments``."""
        for spec in self.providers.values():
            mount = spec.mount_segments
            if segments[: len(mount)] == mount:
                return spec, segments[len(mount) :]
        root = self.providers.get(self.config.root_provider or "")
        if root is not None:
            upstream = root.upstream_segments
            if segments[: len(upstream)] == upstream:
                return root, segments[len(upstream) :]
        return None, segments

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request; never raises."""
        from mockserver.engine import admin

        segments = request.segments
        if segments[:1] == [admin.PREFIX]:
            call = Call(self, "__admin", None, request, {}, None)
            return self._run(call, lambda: admin.handle(call, segments[1:]), None)
        spec, rest = self.resolve(segments)
        if spec is None:
            call = Call(self, "__mock", None, request, {}, None)
            mounts = ", ".join(f"{p.mount} (mirrors {p.upstream_base_url})" for p in self.providers.values())
            error = MockError(
                "No provider at this path",
                f"{request.method} {request.raw_path} is not under any mount",
                status=404,
                fix=f"Use a base URL under one of: {mounts}; or start with --provider NAME.",
            )
            return self._run(call, lambda: error.to_response(), None)
        route, params, path_known = match_route(spec.routes, request.method, rest)
        call = Call(self, spec.name, route.operation if route else None, request, params, self.states[spec.name])

        def answer() -> MockResponse:
            if len(request.body) > self.config.max_body_bytes:
                return spec.too_large(call)
            if route is None:
                return spec.not_found(call, path_known)
            response = spec.handlers[route.operation](call)
            limits.settle(call)  # token quotas are charged once the reply's usage is known
            pacing.pace(call, response)
            return response

        return self._run(call, answer, spec)

    def _run(self, call: Call, answer: Callable[[], MockResponse], spec: ProviderSpec | None) -> MockResponse:
        try:
            response = answer()
        except ProviderError as exc:
            response = exc.to_response()
        except MockError as exc:
            response = exc.to_response()
        except Exception:
            log.exception("unexpected error in %s %s", call.provider, call.operation)
            response = (
                spec.internal_error(call)
                if spec
                else MockError(
                    "Mock failure",
                    f"the mock failed on {call.request.method} {call.request.raw_path}",
                    status=400,
                    fix="This is a bug in the mock, not in your client: please report it with the request.",
                ).to_response()
            )
        if call.provider != "__admin":
            self.journal.record(
                provider=call.provider,
                operation=call.operation,
                model=call.model,
                method=call.request.method,
                path=call.request.raw_path,
                headers=call.request.headers,
                body=call.request.body,
                status=response.status,
                fixture=call.fixture,
            )
        return response


def parse_json_body(request: MockRequest) -> Any:
    """Parse the body as JSON, raising ``ValueError`` with a short reason when it is not."""
    if not request.body.strip():
        raise ValueError("empty body")
    try:
        return json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
