"""Work that depends only on the request's bytes, kept for the next identical request (issue #12).

A request is its method, raw path, query string, headers and body. Given the engine's fixtures and
configuration, those bytes alone decide the controls, the validated body, the model, the neutral query, the
capability and context checks and the reply (fixture or generated: ``generate_reply`` is seeded by the query,
not by the request's number). ``Prepared`` keeps them, so an identical request skips straight to what is per
call: authentication (a signature's clock skew), the fault and quota steps, rendering (ids and timestamps come
from the call's own generator and clock) and the journal. ``Prepared.kept`` is where a renderer keeps its own
request-only work (a rendered document with its per-call values left as slots: ``mockserver.stamp``).

Nothing stateful is kept: a scenario's step, a fixture that answers only ``times`` requests, a recorded response
(sent as its own object) and anything that failed are answered in full every time. Adding a fixture or a
scenario, or a reset, starts afresh (``FixtureStore.version``). At most ``ENTRIES`` requests of at most
``BODY_BYTES`` each are kept, the oldest dropped first.
"""

import contextlib
from dataclasses import dataclass, field
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.controls import Controls
from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.behaviour.replies import Answer
from mockserver.engine.call import Call
from mockserver.http import MockRequest

__all__ = ["BODY_BYTES", "ENTRIES", "Memo", "Prepared", "keepable", "memo_key"]

ENTRIES = 512
"""Distinct requests kept."""
BODY_BYTES = 64 * 1024
"""Larger bodies are answered in full every time (they are rare, and the key would hold them)."""

Key = tuple[str | bytes, ...]


@dataclass(slots=True)
class Prepared:
    """What an earlier identical request established before its reply was rendered."""

    controls: Controls
    model: Model | None
    query: ChatQuery
    answer: Answer
    fixture: Fixture | None
    """The fixture that answered (its use is counted on every hit), or None for a generated reply."""
    kept: dict[str, Any] = field(default_factory=dict)
    """The renderer's own request-only work, by name."""


class Memo:
    """Prepared requests by their bytes, valid for one version of the fixture store."""

    def __init__(self) -> None:
        self._entries: dict[Key, Prepared] = {}
        self._version: object = None

    @staticmethod
    def key(request: MockRequest) -> Key | None:
        """The request as a dictionary key, or None when its body is too large to keep."""
        if len(request.body) > BODY_BYTES:
            return None
        headers = request.headers  # names, then values: one flat tuple (its length says how many headers)
        return (request.method, request.raw_path, request.query_string, request.body, *headers, *headers.values())

    def _at(self, version: object) -> dict[Key, Prepared]:
        """The entries kept under ``version`` of the fixture store (none once it has changed)."""
        if version != self._version:
            self._entries.clear()
            self._version = version
        return self._entries

    def get(self, key: Key, version: object) -> Prepared | None:
        """The prepared request, if one was kept under the fixture store's current ``version``."""
        return self._at(version).get(key)

    def put(self, key: Key, version: object, prepared: Prepared) -> None:
        """Keep ``prepared`` (dropping the oldest entry when full)."""
        self._at(version)
        if len(self._entries) >= ENTRIES:
            with contextlib.suppress(StopIteration, KeyError, RuntimeError):  # another thread got there first
                del self._entries[next(iter(self._entries))]
        self._entries[key] = prepared

    def clear(self) -> None:
        """Forget everything (``Engine.reset``)."""
        self._entries.clear()
        self._version = None

    def __len__(self) -> int:
        return len(self._entries)


def memo_key(call: Call, fixtures: FixtureStore) -> Key | None:
    """The key of a generating request whose answer may be kept, or None (another operation, scenarios loaded)."""
    operation = call.operation
    if operation is None or not operation.generates or operation.render is None:
        return None
    if len(fixtures.scenarios):
        return None  # a step answers by the conversation's state, not by the request alone
    return Memo.key(call.request)


def keepable(controls: Controls, answer: Answer) -> bool:
    """Whether an answer is the same for every identical request: no fault, no step, no counted fixture."""
    if controls.fault is not None or answer.reply is None or answer.recorded is not None:
        return False
    if answer.scenario is not None or answer.error is not None:
        return False
    return answer.source is None or answer.source.times is None
