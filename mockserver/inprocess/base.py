"""What every in-process mock shares: its core, activation as context manager or decorator, journal assertions."""

import functools
import inspect
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.call import Provider
from mockserver.engine.journal import JournalEntry
from mockserver.errors import MockError
from mockserver.http import MockRequest, MockResponse

__all__ = ["MockAssertionError", "ProviderMock", "make_config"]

F = TypeVar("F", bound=Callable[..., Any])


class MockAssertionError(AssertionError):
    """The mock's own failure (no fixture matched, bad set-up), raised in-process instead of answered over HTTP.

    An ``AssertionError`` like respx's ``AllMockedAssertionError``: it is test vocabulary, and neither the
    openai SDK (which retries only ``httpx2.RequestError`` and friends) nor botocore retries it.
    """

    def __init__(self, problem: dict[str, Any]) -> None:
        self.problem = problem
        message = f"{problem.get('title', 'Mock error')}: {problem.get('detail', '')}"
        if problem.get("fix"):
            message += f"\nFix: {problem['fix']}"
        super().__init__(message)


def make_config(
    config: MockConfig | None = None,
    *,
    fixtures: str | Path | None = None,
    strict: bool | None = None,
    seed: int | None = None,
) -> MockConfig:
    """Copy ``config`` (or the defaults) with the given fields overridden."""
    overrides: dict[str, Any] = {
        "fixtures_dir": Path(fixtures) if fixtures is not None else None,
        "strict": strict,
        "seed": seed,
    }
    return replace(config or MockConfig(), **{k: v for k, v in overrides.items() if v is not None})


class ProviderMock:
    """One provider answered in-process by a ``MockCore``; subclasses decide which client library to patch."""

    def __init__(self, provider: str, *, core: MockCore | None, config: MockConfig | None, raise_on_mock_error: bool):
        self.core = core or MockCore(config)
        if provider not in self.core.providers:
            raise MockError(
                "Bad configuration",
                f"the core does not serve {provider!r}",
                fix=f"This build serves: {', '.join(self.core.providers)}.",
            )
        self.provider = provider
        self.raise_on_mock_error = raise_on_mock_error
        self._depth = 0
        self._lock = threading.Lock()

    @property
    def spec(self) -> Provider:
        """The provider this mock answers for."""
        return self.core.providers[self.provider]

    # -- activation ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin intercepting; nested starts are counted."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._install()

    def stop(self) -> None:
        """Undo one ``start``; the last one stops intercepting."""
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                self._uninstall()

    def _install(self) -> None:
        raise NotImplementedError

    def _uninstall(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        """Use the mock as a decorator on a sync or async function."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return cast(F, wrapper)

    # -- answering ----------------------------------------------------------------------------------------------

    def answer(self, request: MockRequest) -> MockResponse:
        """Ask the core, raising ``MockAssertionError`` for the mock's own errors when configured to."""
        response = self.core.handle(request)
        if self.raise_on_mock_error and response.problem is not None:
            raise MockAssertionError(response.problem)
        return response

    # -- journal ------------------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[JournalEntry]:
        """The journal entries of this mock's provider, oldest first."""
        return [e for e in self.core.journal.entries() if e.provider == self.provider]

    def assert_called(
        self, model: str | None = None, times: int | None = None, operation: str | None = None
    ) -> list[JournalEntry]:
        """Assert the provider was called (``times`` exactly, else at least once); return the matching calls."""
        calls = self.calls
        matching = [c for c in calls if _matches(c, model, operation)]
        if (times is None and matching) or len(matching) == times:
            return matching
        what = " ".join(f"{k}={v!r}" for k, v in (("operation", operation), ("model", model)) if v is not None)
        expected = "at least once" if times is None else f"{times} time(s)"
        seen = (
            "\n".join(
                f"  {c.method} {c.path} operation={c.operation} model={c.model!r} status={c.status}" for c in calls
            )
            or "  (none)"
        )
        raise AssertionError(
            f"expected {self.provider} {what or 'calls'} {expected}, matched {len(matching)}; "
            f"{len(calls)} {self.provider} call(s) in the journal:\n{seen}"
        )

    def reset(self) -> None:
        """Reload fixtures, forget provider state and clear the journal (for every provider of the core)."""
        self.core.reset()

    def add_fixture(self, document: dict[str, Any]) -> None:
        """Add a fixture at run time, through the same code as ``POST /__admin/fixtures``."""
        body = json.dumps(document).encode()
        headers = {"content-type": "application/json"}
        response = self.core.handle(MockRequest.build("POST", "/__admin/fixtures", headers, body))
        if response.status != 201:
            raise MockAssertionError(json.loads(response.content()))

    def add_scenario(self, document: dict[str, Any]) -> None:
        """Add a scenario (``contracts/schemas/scenario.json``) through the same code as ``POST /__admin/scenarios``."""
        body = json.dumps(document).encode()
        headers = {"content-type": "application/json"}
        response = self.core.handle(MockRequest.build("POST", "/__admin/scenarios", headers, body))
        if response.status != 201:
            raise MockAssertionError(json.loads(response.content()))


def _matches(entry: JournalEntry, model: str | None, operation: str | None) -> bool:
    if operation is not None and entry.operation != operation:
        return False
    if model is None:
        return True
    requested = entry.body.get("model") if isinstance(entry.body, dict) else None
    return model in (entry.model, requested)
