"""The recording proxy: the mock's mounts in front of the real providers, streaming answers as they arrive."""

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.call import Provider
from mockserver.errors import MockError
from mockserver.http import MockRequest
from mockserver.record.bridge import Everything, to_mock_request, to_starlette_response
from mockserver.record.framing import Framer, framing_of
from mockserver.record.redact import Redactor
from mockserver.record.upstream import Destinations, check_region, forwarded_path, resign, strip_secrets
from mockserver.record.writer import Exchange, write_fixture

__all__ = ["Recorder", "RecorderConfig", "create_recorder_app", "parse_upstreams"]

log = logging.getLogger("mockserver.record")

# Hop-by-hop (RFC 9110 7.6.1) plus what httpx sets itself for the new connection.
_DROP_REQUEST = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "trailer",
    "host",
    "content-length",
    "accept-encoding",
}
_DROP_RESPONSE = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "trailer",
    "content-length",
    "content-encoding",
}
_AWS_SECRETS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK")
TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=60.0, pool=10.0)  # a slow model may pause long mid-stream


@dataclass(slots=True)
class RecorderConfig:
    """How the recorder forwards and where it writes."""

    out: Path | None
    """Fixtures folder to write; None forwards without recording (proxy only)."""
    upstreams: dict[str, str] = field(default_factory=dict)
    """Provider name -> base URL replacing the provider's real one (e.g. another mock, for tests)."""
    region: str | None = None
    """AWS region to re-sign Bedrock requests for; default: the upstream host's, else the one the client signed."""
    transport: httpx.AsyncBaseTransport | None = None
    """Upstream transport override (tests); None uses httpx's network transport."""
    name_from_prompt: bool = False
    """Name fixture files after the last user message (redacted); default: model family, stream and hash only."""


class Recorder:
    """Forwards requests to the upstreams, streams the answers back and writes fixtures."""

    def __init__(self, config: RecorderConfig) -> None:
        self.config = config
        # The engine's own routing and request reading tell which operation a request is and the query a
        # fixture lookup will see on replay; no pacing or quotas: it only reads requests.
        self.core = MockCore(MockConfig(journal_size=1, pace=0.0, rate_limits=False))
        self.providers = self.core.providers
        unknown = sorted(set(config.upstreams) - set(self.providers))
        if unknown:
            raise MockError(
                "Bad configuration",
                f"--upstream for unknown provider(s) {unknown}",
                fix=f"Use --upstream PROVIDER=URL with PROVIDER one of: {', '.join(self.providers)}.",
            )
        self.destinations = Destinations(config.upstreams, config.region)
        self.client: httpx.AsyncClient | None = None
        self._credentials: Any = None
        self._tasks: set[asyncio.Task[None]] = set()

    def _spec(self, request: MockRequest) -> tuple[Provider, str]:
        raw_parts = [p for p in request.raw_path.split("/") if p]
        for spec in self.providers.values():
            mount = spec.mount_segments
            if request.segments[: len(mount)] == mount:
                return spec, forwarded_path(raw_parts[len(mount) :])  # raw, so %3A in Bedrock model ids survives
        mounts = ", ".join(spec.mount for spec in self.providers.values())
        raise MockError(
            "No provider at this path",
            f"{request.method} {request.raw_path} is not under any mount",
            status=404,
            fix=f"Point your SDK at a base URL under one of: {mounts}.",
        )

    async def _signed(
        self, method: str, url: str, headers: dict[str, str], body: bytes, region: str | None
    ) -> dict[str, str]:
        """Re-sign a SigV4 request for ``url`` (already checked) with the recorder's own AWS credentials."""
        from botocore.session import Session

        if self._credentials is None:  # botocore's default chain may block on IMDS, so off the event loop
            self._credentials = await asyncio.to_thread(Session().get_credentials)
        if self._credentials is None:
            raise MockError(
                "Cannot re-sign for the upstream",
                f"the request is SigV4-signed for this proxy, and the signature breaks on {strip_secrets(url)}; "
                "the recorder found no AWS credentials to sign it again",
                fix="Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) where `mockserver record` "
                "runs, or send a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK), which is forwarded as it is.",
            )
        return resign(self._credentials, method, url, headers, body, (self.config.region, region))

    async def forward(self, request: MockRequest) -> Response:
        """Send one request upstream and answer with its response as it streams in."""
        from mockserver.providers.bedrock.sigv4 import parse_authorization

        spec, rest = self._spec(request)
        auth = request.header("authorization", "") or ""
        sigv4 = parse_authorization(auth) if auth.startswith("AWS4-HMAC-SHA256") else None
        region = check_region(sigv4.region, "the request's SigV4 signature") if sigv4 else None
        base = self.destinations.base(spec, region)
        url = f"{base}/{rest}" + (f"?{request.query_string}" if request.query_string else "")
        self.destinations.check(spec, url)  # before any credential is attached
        headers = {k: v for k, v in request.headers.items() if k not in _DROP_REQUEST}
        headers["accept-encoding"] = "identity"  # recorded bytes must be the plain body, not gzip
        if spec.name == "bedrock" and sigv4 is not None:
            headers = await self._signed(request.method, url, headers, request.body, region)
        exchange = self._exchange(spec, request, url)
        assert self.client is not None, "the app's lifespan opens the client"
        started = time.monotonic()
        try:
            upstream = await self.client.send(
                self.client.build_request(request.method, url, headers=headers, content=request.body), stream=True
            )
        except httpx.HTTPError as exc:
            raise MockError(
                "Upstream unreachable",
                f"{request.method} {strip_secrets(url)} failed: {exc!r}",
                status=424,
                fix=f"Check the network and the upstream URL; override it with --upstream {spec.name}=URL.",
            ) from exc
        framing = framing_of(upstream.headers.get("content-type"))
        if exchange is not None:
            exchange.status, exchange.framing = upstream.status_code, framing
            exchange.headers = dict(upstream.headers.items())
            exchange.headers_ms = round((time.monotonic() - started) * 1000, 1)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        # The pump is its own task so a client that hangs up right after the last event (the openai SDK
        # may, aimock#288) still leaves a complete recording behind.
        task = asyncio.create_task(self._pump(upstream, Framer(framing), queue, exchange, started))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        response_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _DROP_RESPONSE}
        return StreamingResponse(_drain(queue), upstream.status_code, headers=response_headers)

    def _exchange(self, spec: Provider, request: MockRequest, url: str) -> Exchange | None:
        if self.config.out is None:
            return None
        call = self.core.begin(request)  # routed once: the operation and the query come from the same call
        operation, query = call.operation, self.core.query_of(call)
        if operation is None or query is None:
            log.warning(
                "forwarding %s %s without recording: the mock answers it without fixtures",
                request.method,
                request.raw_path,
            )
            return None
        redactor = Redactor(request.headers, self._own_secrets())
        return Exchange(spec.name, operation.name, request, strip_secrets(url), query, redactor)

    def _own_secrets(self) -> list[str]:
        """The recorder's own keys (its environment, its AWS credentials): never written, even if echoed."""
        names = {p.facts.key_env for p in self.providers.values()} | set(_AWS_SECRETS)
        own = [os.environ.get(name, "") for name in sorted(names)]
        if self._credentials is not None:
            frozen = self._credentials.get_frozen_credentials()
            own += [frozen.access_key or "", frozen.secret_key or "", frozen.token or ""]
        return own

    async def _pump(
        self,
        upstream: httpx.Response,
        framer: Framer,
        queue: "asyncio.Queue[bytes | None]",
        exchange: Exchange | None,
        started: float,
    ) -> None:
        complete = False
        try:
            async for data in upstream.aiter_raw():
                for frame in framer.feed(data):
                    self._note(exchange, frame, started)
                    queue.put_nowait(frame)
            for frame in framer.flush():
                self._note(exchange, frame, started)
                queue.put_nowait(frame)
            complete = True
        except httpx.HTTPError as exc:
            log.warning("upstream stream broke off (%r); nothing recorded", exc)
        finally:
            await upstream.aclose()
            # Written before the body ends, so a client that has read the whole answer finds the fixture.
            if complete and exchange is not None:
                self._write(exchange)
            queue.put_nowait(None)

    @staticmethod
    def _note(exchange: Exchange | None, frame: bytes, started: float) -> None:
        if exchange is not None:
            exchange.frames.append(frame)
            exchange.offsets_ms.append(round((time.monotonic() - started) * 1000, 1))

    def _write(self, exchange: Exchange) -> None:
        if not 200 <= exchange.status < 300:
            log.warning(
                "not recorded: upstream answered %s for %s %s", exchange.status, exchange.provider, exchange.operation
            )
            return
        assert self.config.out is not None
        try:
            path = write_fixture(self.config.out, exchange, name_from_prompt=self.config.name_from_prompt)
        except OSError as exc:
            log.error("could not write the fixture: %s", exc)
            return
        except Exception:  # a bug here must not leave the client's stream open for ever (see _pump)
            log.exception("could not write the fixture")
            return
        log.info("recorded %s", path.relative_to(self.config.out))


async def _drain(queue: "asyncio.Queue[bytes | None]") -> AsyncIterator[bytes]:
    while (frame := await queue.get()) is not None:
        yield frame


def create_recorder_app(config: RecorderConfig) -> Starlette:
    """Build the recording proxy's ASGI app, serving the mock's mounts.

    Args:
        config: where to write fixtures (or None to only forward), upstream overrides, AWS region and an
            optional upstream transport.
    """
    recorder = Recorder(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=TIMEOUT, transport=config.transport, follow_redirects=False) as client:
            recorder.client = client
            yield
            if recorder._tasks:  # let recordings in flight finish writing
                await asyncio.wait(set(recorder._tasks), timeout=10)

    async def endpoint(request: Request) -> Response:
        try:
            return await recorder.forward(await to_mock_request(request))
        except MockError as exc:
            return to_starlette_response(exc.to_response())

    # Every method and path reaches the recorder (as on the mock): the mock's own error, never starlette's text.
    app = Starlette(routes=[Everything(endpoint)], lifespan=lifespan)
    app.state.recorder = recorder
    return app


def parse_upstreams(items: list[str]) -> dict[str, str]:
    """``PROVIDER=URL`` strings to a dict, with the mock's own error for a malformed one."""
    upstreams: dict[str, str] = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not urlsplit(url).scheme or not urlsplit(url).netloc:
            raise MockError(
                "Bad configuration",
                f"--upstream {item!r}",
                fix="Use --upstream PROVIDER=URL, e.g. openrouter=http://127.0.0.1:9000/openrouter/api/v1.",
            )
        upstreams[name] = url
    return upstreams
