"""The engine: one ordered pipeline for every request of every provider, and the one place errors become responses.

route -> size -> controls -> authenticate -> parse/validate -> model -> fault -> query (provider rules) ->
capabilities -> context -> quota -> reply -> render -> settle -> pace -> journal. A model named by the path (Bedrock) is
resolved, and faults injected, before the body is read. Providers supply the hooks of each step
(``engine/call.py``); the order, the quotas, the limits and the error handling are the engine's alone.
"""

import itertools
import logging
from collections.abc import Sequence
from time import perf_counter

from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.controls import read_controls
from mockserver.behaviour.fixtures import FixtureStore
from mockserver.behaviour.limits import Limiter
from mockserver.behaviour.quirks import Quirk, check_quirks
from mockserver.behaviour.replies import resolve_reply
from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.engine import admin
from mockserver.engine.call import Call, Provider
from mockserver.engine.journal import Journal
from mockserver.engine.memo import Memo, Prepared, keepable, memo_key
from mockserver.engine.metrics import Metrics
from mockserver.engine.outcome import Outcome
from mockserver.engine.router import Router
from mockserver.engine.steps import check_capabilities, check_context, pace
from mockserver.errors import ErrorKind, MockError, ProviderError
from mockserver.http import MockRequest, MockResponse

__all__ = ["Engine"]

log = logging.getLogger("mockserver")

_FAILURE = MockError(
    "Mock failure",
    "the mock failed on this request",
    fix="This is a bug in the mock, not in your client: please report it with the request.",
)


class Engine:
    """Holds configuration, fixtures, journal, quotas and provider state; answers requests."""

    def __init__(
        self, providers: Sequence[Provider], config: MockConfig | None = None, clock: Clock | None = None
    ) -> None:
        """Build an engine.

        Args:
            providers: which providers to serve (``mockserver.core.all_providers()`` for all).
            config: how to behave; defaults to the bundled fixtures, lenient mode, seed 0.
            clock: time for ids, timestamps, rate-limit windows and pacing sleeps; tests pass a ``FakeClock``.
        """
        self.config = config or MockConfig()
        self.clock = clock or Clock()
        self.providers = {p.name: p for p in providers}
        self.quirks: dict[str, Quirk] = {q.name: q for p in providers for q in p.quirks}
        self.router = Router(providers, self.providers.get(self.config.root_provider or ""))
        check_quirks(self.config.quirks, self.quirks, "configuration")
        if self.config.root_provider and self.config.root_provider not in self.providers:
            raise MockError(
                "Bad configuration",
                f"unknown provider {self.config.root_provider!r}",
                fix=f"Choose one of: {', '.join(self.providers)}.",
            )
        self.journal = Journal.for_config(self.config)
        self.metrics = Metrics(lambda: len(self.journal.entries()), lambda: len(self.fixtures))
        self.memo = Memo()
        """What identical requests share (``engine/memo.py``); ``MockConfig.memo`` False answers each in full."""
        self.reset()

    def reset(self) -> None:
        """Reload fixtures and provider state; clear the journal and quotas; restart the id sequence."""
        self.fixtures = FixtureStore.load(self.config.fixtures_dir)
        self.states = {name: p.load(self.config) for name, p in self.providers.items()}
        self.limiter = Limiter()
        self.memo.clear()
        self.journal.clear()
        self._numbers = itertools.count()

    # -- routing ------------------------------------------------------------------------------------------------

    def begin(self, request: MockRequest) -> Call:
        """Route ``request`` and open its ``Call``: provider, operation, path parameters, time and seeded ids."""
        provider, operation, params, known = self.router.route(request.method, request.raw_path)
        state = self.states[provider.name] if provider is not None else None
        number = next(self._numbers)
        now = self.clock.now()
        seed = f"{self.config.seed}:{number}"
        return Call(request, self.config, provider, operation, params, state, now, seed, known, number=number)

    # -- the pipeline -------------------------------------------------------------------------------------------

    def handle(self, request: MockRequest) -> MockResponse:
        """Answer one request; never raises."""
        segments = self.router.segments(request.raw_path)
        if segments[:1] == [admin.PREFIX]:
            try:
                return admin.handle(self, request, segments[1:])
            except MockError as exc:
                return exc.to_response()
            except Exception:  # a bug: logged, and the mock's own failure document, never a bare 500
                log.exception("unexpected error in %s", request.raw_path)
                return _FAILURE.to_response()
        started = perf_counter()
        call = self.begin(request)
        try:
            response = self._run(call)
        except ProviderError as exc:
            response = self._render_error(call, exc)
        except MockError as exc:
            response = exc.to_response()
        except Exception:
            log.exception("unexpected error in %s", request.raw_path)
            response = self._render_error(call, ProviderError(ErrorKind.INTERNAL))
        self._journal(call, response, started)
        return response

    def _run(self, call: Call) -> MockResponse:
        provider, operation = call.provider, call.operation
        if provider is None:
            mounts = ", ".join(f"{p.mount} (mirrors {p.upstream_base_url})" for p in self.providers.values())
            raise MockError(
                "No provider at this path",
                f"{call.request.method} {call.request.raw_path} is not under any mount",
                status=404,
                fix=f"Use a base URL under one of: {mounts}; or start with --provider NAME.",
            )
        if len(call.request.body) > self.config.max_body_bytes:
            raise ProviderError(ErrorKind.TOO_LARGE, facts={"limit": self.config.max_body_bytes})
        if operation is None:
            raise ProviderError(ErrorKind.METHOD_NOT_ALLOWED if call.path_known else ErrorKind.NOT_FOUND)
        key = memo_key(call, self.fixtures) if self.config.memo else None
        prepared = self.memo.get(key, self._memo_version()) if key is not None else None
        if prepared is None:
            call.controls = read_controls(
                call.request,
                quirks=self.quirks,
                faults=provider.faults,
                stream_faults=operation.stream_faults,
                where=f"{provider.name} {operation.name}",
            )
        else:
            call.controls = prepared.controls
        if not operation.public:
            call.caller = provider.authenticate(call)
        if operation.respond is not None:
            self._fault(call)
            return operation.respond(call)
        assert operation.render
        if prepared is not None:
            return self._replay(call, prepared)
        query = self._query(call)
        check_capabilities(call, query)
        if operation.generates:
            check_context(call, query)
        self._admit(call)
        if not operation.generates:
            return operation.render(call, query, None)
        answer = resolve_reply(self.fixtures, query, strict=self.config.strict, seed=self.config.seed)
        call.fixture, call.reply, call.scenario = answer.fixture, answer.reply, answer.scenario
        if answer.error is not None:
            raise answer.error  # a scenario step's error: the provider renders it, the journal names the step
        response = answer.recorded or operation.render(call, query, answer.reply)
        if key is not None and keepable(call.controls, answer):
            prepared = Prepared(call.controls, call.model, query, answer, answer.source, call.kept)
            self.memo.put(key, self._memo_version(), prepared)
        self._settle(call)
        pace(call, response, self.config.pace)
        return response

    # -- identical requests (engine/memo.py) --------------------------------------------------------------------

    def _memo_version(self) -> tuple[object, int]:
        return self.fixtures, self.fixtures.version

    def _replay(self, call: Call, prepared: Prepared) -> MockResponse:
        """Answer an identical request from what the first one established; the per-call steps run again."""
        assert call.operation is not None and call.operation.render is not None
        call.model, call.kept = prepared.model, prepared.kept
        self._admit(call)
        answer = prepared.answer
        if prepared.fixture is not None:
            self.fixtures.count_use(prepared.fixture)
        call.fixture, call.reply = answer.fixture, answer.reply
        response = call.operation.render(call, prepared.query, answer.reply)
        self._settle(call)
        pace(call, response, self.config.pace)
        return response

    def query_of(self, call: Call) -> ChatQuery | None:
        """The query a fixture lookup would see for a begun call, or None when it would not reach one (recorder)."""
        operation = call.operation
        if call.provider is None or operation is None or operation.parse is None or not operation.generates:
            return None
        try:
            return self._query(call)  # no controls were read, so no fault is injected
        except (ProviderError, MockError):
            return None

    def _query(self, call: Call) -> ChatQuery:
        """Parse, resolve the model, inject the asked-for fault and build the provider-neutral query.

        The model is resolved as soon as the request names it: from the path before the body is read (Bedrock
        answers a bad model id before a bad body), else from the validated body.
        """
        operation = call.operation
        assert operation and operation.parse and operation.model and operation.query
        if operation.model_in_path:
            call.model = operation.model(call, None)
            self._fault(call)
        body = operation.parse(call)
        if not operation.model_in_path:
            call.model = operation.model(call, body)
            self._fault(call)
        return operation.query(call, body)

    # -- steps --------------------------------------------------------------------------------------------------

    def _fault(self, call: Call) -> None:
        name = call.controls.fault
        if name is not None and call.provider is not None:
            raise call.provider.faults[name](call)

    def _subject(self, call: Call) -> tuple[str, str, str]:
        return (call.provider.name if call.provider else "", call.caller or "", call.model.id if call.model else "")

    def _admit(self, call: Call) -> None:
        """Count the request against its model's quotas (every operation with a model), or throttle it."""
        if not self.config.rate_limits or call.model is None or not call.model.rate_limits:
            return
        breach = self.limiter.admit(self._subject(call), call.model.rate_limits, self.clock.now())
        if breach is not None:
            raise ProviderError(ErrorKind.THROTTLED, facts={"breach": breach})

    def _settle(self, call: Call) -> None:
        """Charge the reply's tokens to the token windows, once its usage is known."""
        if not self.config.rate_limits or call.reply is None or call.model is None:
            return
        rules = [rule for rule in call.model.rate_limits if rule.unit == "tokens"]
        if rules:
            tokens = call.reply.prompt_tokens + call.reply.completion_tokens
            self.limiter.charge(self._subject(call), rules, tokens, self.clock.now())

    # -- errors and the journal ---------------------------------------------------------------------------------

    def _render_error(self, call: Call, error: ProviderError) -> MockResponse:
        if call.provider is None:
            return _FAILURE.to_response()
        try:
            return call.provider.render_error(call, error)
        except Exception:
            log.exception("rendering a %s error failed", call.provider.name)
            return _FAILURE.to_response()

    def _journal(self, call: Call, response: MockResponse, started: float) -> None:
        outcome = Outcome(call, response, self.clock.now)
        self.metrics.observe(call, response, outcome, perf_counter() - started)
        self.journal.record_call(call, response.status, outcome)
