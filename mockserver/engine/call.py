"""The engine's types: one request on its way (``Call``), and what a provider declares (``Operation``, ``Provider``)."""

import functools
import hashlib
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from contracts.registry import Provider as ProviderFacts
from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.behaviour.controls import NO_CONTROLS, Controls
from mockserver.behaviour.quirks import Quirk, quirk
from mockserver.config import MockConfig
from mockserver.engine.routing import Route, routes_of
from mockserver.errors import ProviderError
from mockserver.http import MockRequest, MockResponse

__all__ = ["Call", "Operation", "Parse", "Provider", "Query", "Render", "Resolve", "Respond"]

ALNUM = string.ascii_letters + string.digits


@dataclass(slots=True)
class Call:
    """One request on its way through the pipeline; each step sets its own field once."""

    request: MockRequest
    config: MockConfig
    provider: "Provider | None"
    operation: "Operation | None"
    params: dict[str, str]
    """The path's parameters: read-only, shared by every request to the same path (``engine/router.py``)."""
    state: Any
    """The provider's loaded state (catalogue, remembered generations)."""
    now: float
    """Epoch seconds when the request arrived, from the engine's clock (frozen with ``--freeze-time``)."""
    seed: str
    """``--seed`` and the request's number: every id and random choice is drawn from it (``draw``)."""
    path_known: bool = False
    """The path exists with another method (405 rather than 404)."""
    controls: Controls = NO_CONTROLS
    caller: str | None = None
    """Who is calling (API key, bearer token or AWS access key id), set by authentication: the quota key."""
    model: Model | None = None
    fixture: str | None = None
    scenario: str | None = None
    """``NAME#STEP`` of the scenario step that answered, if one did."""
    reply: Reply | None = None
    number: int = 0
    """The request's number since the last reset: its journal id (and part of its generator's seed)."""
    kept: dict[str, Any] = field(default_factory=dict)
    """A renderer's request-only work, shared by identical requests (``engine/memo.py``); fresh when not kept."""
    _pool: bytes = b""
    _blocks: int = 0

    def quirk(self, name: str) -> str:
        """The behaviour this request gets for one of its provider's quirks."""
        known = {q.name: q for q in self.provider.quirks} if self.provider else {}
        return quirk(known[name], self.config.quirks, self.controls.quirks)

    def keep(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, made once for identical requests (``engine/memo.py``): only for work that depends on nothing
        but the request (no id, no time, no state)."""
        found = self.kept.get(name)
        if found is None:
            found = self.kept[name] = make()
        return found

    def draw(self, size: int) -> bytes:
        """The next ``size`` bytes of the request's own random stream: BLAKE2b of its ``seed`` and a block number.

        Deterministic for a seed and a request number, whatever other requests do; no generator is built per call.
        """
        while len(self._pool) < size:
            self._pool += hashlib.blake2b(f"{self.seed}:{self._blocks}".encode()).digest()
            self._blocks += 1
        taken, self._pool = self._pool[:size], self._pool[size:]
        return taken

    def token(self, length: int, alphabet: str = ALNUM) -> str:
        """``length`` characters drawn from ``alphabet`` (at most 256 characters)."""
        return self.draw(length).translate(_table(alphabet)).decode("latin-1")

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included."""
        return low + int.from_bytes(self.draw(8)) % (high - low + 1)

    def uuid(self) -> str:
        """A version-4 UUID drawn from the request's stream."""
        raw = bytearray(self.draw(16))
        raw[6] = raw[6] & 0x0F | 0x40  # version 4
        raw[8] = raw[8] & 0x3F | 0x80  # the RFC 9562 variant
        text = raw.hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.cache
def _table(alphabet: str) -> bytes:
    """Byte -> character of ``alphabet`` (its index modulo the alphabet's size), for ``bytes.translate``."""
    return bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))


Respond = Callable[[Call], MockResponse]
Parse = Callable[[Call], Any]
Resolve = Callable[[Call, Any], Model]
Query = Callable[[Call, Any], ChatQuery]
Render = Callable[[Call, ChatQuery, Reply | None], MockResponse]


@dataclass(frozen=True, slots=True)
class Operation:
    """One provider operation: either ``respond`` (reads, no generation) or the generating hooks."""

    name: str
    respond: Respond | None = None
    """For operations that generate nothing (model lists, account endpoints): the whole answer after auth."""
    parse: Parse | None = None
    """Content type, JSON and schema validation: the body in the provider's vocabulary."""
    model: Resolve | None = None
    """The model the request names; given the parsed body, or None when ``model_in_path``."""
    model_in_path: bool = False
    """The model is named by the path (Bedrock): it is resolved before the body is read, as the service does."""
    query: Query | None = None
    """The provider-neutral query, with the provider's own request rules applied."""
    render: Render | None = None
    """The reply in the provider's vocabulary (JSON, SSE or event-stream frames)."""
    generates: bool = True
    """False: the engine neither checks the context window nor resolves a reply (render gets None)."""
    public: bool = False
    """No credentials needed (OpenRouter and AI/ML API model lists)."""
    stream_faults: tuple[str, ...] = ()
    """In-stream error types ``x-mock-stream-fault`` may ask for; the first is the default."""


@dataclass(frozen=True, slots=True)
class Provider:
    """Everything the engine needs to serve one provider, declared in ``providers/<name>/provider.py``.

    Name, mount, upstream URL and routes come from the provider's entry in ``contracts.registry``, which the
    contract kit reads too; the rest is the provider's own behaviour.
    """

    facts: ProviderFacts
    operations: Mapping[str, Operation]
    """Every operation the registry lists for this provider, by name."""
    load: Callable[[MockConfig], Any]
    """Read the provider's state (its catalogue) once per reset."""
    authenticate: Callable[[Call], str]
    """Return the caller, or raise the provider's own 401/403."""
    render_error: Callable[[Call, ProviderError], MockResponse]
    """The provider's error envelope: the only place its errors become responses."""
    faults: Mapping[str, Callable[[Call], ProviderError]] = field(default_factory=dict)
    """``x-mock-fault`` values and the error each one raises."""
    quirks: tuple[Quirk, ...] = ()

    def __post_init__(self) -> None:
        missing = {op.name for op in self.facts.operations} ^ set(self.operations)
        if missing:
            raise ValueError(f"{self.facts.name}: operations and contracts.registry disagree on {sorted(missing)}")

    @property
    def name(self) -> str:
        """The provider's name, e.g. ``openrouter``."""
        return self.facts.name

    @property
    def mount(self) -> str:
        """Where the provider lives on the mock, e.g. ``/openrouter/api/v1``."""
        return self.facts.mount

    @property
    def upstream_base_url(self) -> str:
        """The real base URL the mount mirrors, e.g. ``https://openrouter.ai/api/v1``."""
        return self.facts.upstream_url()

    @property
    def routes(self) -> list[Route]:
        """Every path of every operation (aliases included)."""
        return routes_of(self.facts)

    @property
    def mount_segments(self) -> list[str]:
        """The mount path as segments."""
        return [p for p in self.mount.split("/") if p]

    @property
    def upstream_segments(self) -> list[str]:
        """The upstream base URL's path as segments (``[]`` for Bedrock)."""
        return [p for p in urlsplit(self.upstream_base_url).path.split("/") if p]
