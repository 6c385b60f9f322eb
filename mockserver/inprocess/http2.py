"""HTTP/2 on the mock's listeners: one connection's streams served to the same ASGI app, on the ``h2`` state machine.

uvicorn speaks HTTP/1.1 only (encode/uvicorn#47). The AWS SDK for JavaScript v3 opens Bedrock connections with
HTTP/2 by default since 3.798.0 (aws/aws-sdk-js-v3#7041), with prior knowledge over ``http://`` and by ALPN
over TLS, so ``GuardedProtocol`` hands a connection to ``Http2Protocol`` when it starts with the HTTP/2 preface
or TLS chose ``h2``. Each stream becomes one ASGI ``http`` scope (``http_version: "2"``) with uvicorn's default
headers, so bodies, headers and streamed bytes equal HTTP/1.1's but for the hop-by-hop headers RFC 9113 §8.2.2
forbids. The listener's limits apply: the header deadline (connection start to first request), keep-alive idle
timeout, body deadline per stream, send deadline (unread socket or a flow-control window left shut).
"""

import asyncio
import contextlib
import logging
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
from h2.errors import ErrorCodes

from mockserver.config import ServerLimits
from mockserver.inprocess.exchange import PREFACE, Exchange, FrameLengths, response_head, scope_of, slow_body

__all__ = ["PREFACE", "Http2Protocol"]

_WINDOW = 16 * 1024 * 1024  # the receive window advertised: request bodies arrive without waiting on us
_MAX_STREAMS = 128
log = logging.getLogger("mockserver")


class Http2Protocol(asyncio.Protocol):
    """An HTTP/2 server connection serving ``app`` (built by ``GuardedProtocol`` when it switches protocols)."""

    def __init__(self, *, app: Any, state: Any, limits: ServerLimits, loop: asyncio.AbstractEventLoop,
                 app_state: dict[str, Any], root_path: str = "") -> None:  # fmt: skip
        self.app, self.state, self.limits, self.loop = app, state, limits, loop
        self.app_state, self.root_path = app_state, root_path
        config = h2.config.H2Configuration(client_side=False, header_encoding=None)
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.local_settings = h2.settings.Settings(client=False, initial_values={
            h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: _MAX_STREAMS,
            h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE: limits.max_header_bytes,
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: _WINDOW,
        })  # fmt: skip
        self.streams: dict[int, Exchange] = {}
        self.transport: asyncio.Transport | None = None
        self._writable = asyncio.Event()
        self._writable.set()
        self._idle: asyncio.TimerHandle | None = None
        self._send_timer: asyncio.TimerHandle | None = None
        self._closing = False
        self._server: Any = None
        self._client: Any = None
        self._scheme = "http"
        self._frames = FrameLengths(len(PREFACE))

    # -- asyncio.Protocol ----------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # uvloop's transports subclass none
        """Send our SETTINGS and open the connection's receive window; the header deadline starts."""
        self.transport = transport  # type: ignore[assignment]
        self.state.connections.add(self)
        self._server = _address(transport.get_extra_info("sockname"))
        self._client = _address(transport.get_extra_info("peername"))
        self._scheme = "https" if transport.get_extra_info("sslcontext") else "http"
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window(_WINDOW - 65_535)
        self._flush()
        self._arm_idle(self.limits.header_timeout)

    def data_received(self, data: bytes) -> None:
        """Feed the state machine; a protocol violation ends the connection with GOAWAY (h2 wrote it)."""
        if self._frames.oversized(data, self.conn.max_inbound_frame_size):  # RFC 9113 §4.2
            self.conn.close_connection(error_code=ErrorCodes.FRAME_SIZE_ERROR)
            self._flush()
            self._close()
            return
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self._flush()
            self._close()
            return
        for event in events:
            self._on_event(event)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        """Every stream the app still serves reads a disconnect."""
        self.state.connections.discard(self)
        self._closing = True
        for timer in (self._idle, self._send_timer):
            if timer is not None:
                timer.cancel()
        for stream in list(self.streams.values()):
            self._end(stream)
        self._writable.set()

    def pause_writing(self) -> None:
        """The client stopped reading: the send deadline starts."""
        self._writable.clear()
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self.limits.send_timeout, self._abort)

    def resume_writing(self) -> None:
        """The client reads again."""
        self._writable.set()
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: GOAWAY now, close once the open streams are answered."""
        if self._closing:
            return
        self.conn.close_connection()
        self._flush()
        self._closing = True
        if not self.streams:
            self._close()

    # -- events --------------------------------------------------------------------------------------------------

    def _on_event(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.RequestReceived):
            self._request(event.stream_id, event.headers or [], ended=event.stream_ended is not None)
        elif isinstance(event, h2.events.DataReceived):
            stream = self.streams.get(event.stream_id or 0)
            self.conn.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id or 0)
            if stream is not None and event.data:
                stream.body.append(event.data)
                stream.wake.set()
        elif isinstance(event, h2.events.StreamEnded):
            stream = self.streams.get(event.stream_id or 0)
            if stream is not None:
                self._stop_deadline(stream)
                stream.end_request()
        elif isinstance(event, h2.events.StreamReset):
            stream = self.streams.get(event.stream_id or 0)
            if stream is not None:
                self._end(stream)
        elif isinstance(event, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
            for stream in self.streams.values():
                stream.wake.set()
        elif isinstance(event, h2.events.ConnectionTerminated):
            self._close()

    def _request(self, stream_id: int, headers: list[Any], *, ended: bool) -> None:
        if self._closing:
            return
        scope = scope_of(headers, server=self._server, client=self._client, scheme=self._scheme,
                         root_path=self.root_path, app_state=self.app_state)  # fmt: skip
        stream = Exchange(stream_id, request_done=ended, scope=scope)
        self.streams[stream_id] = stream
        self._stop_idle()
        if not ended:
            stream.deadline = self.loop.call_later(self.limits.body_timeout, self._body_late, stream)
        task = self.loop.create_task(self._serve(stream, scope))
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    # -- one stream ----------------------------------------------------------------------------------------------

    async def _serve(self, stream: Exchange, scope: dict[str, Any]) -> None:
        async def send(message: dict[str, Any]) -> None:
            if stream.finished:
                return
            if message["type"] == "http.response.start":
                self._start(stream, int(message["status"]), message.get("headers", []))
            elif message["type"] == "http.response.body":
                await self._data(stream, bytes(message.get("body", b"")), end=not message.get("more_body", False))

        try:
            await self.app(scope, stream.receive, send)
        except Exception:  # the mock's app answers every request itself; as uvicorn: logged, then answered below
            log.exception("Exception in ASGI application (HTTP/2 stream %d)", stream.id)
        if not stream.finished:
            if stream.started:
                self._reset(stream, ErrorCodes.INTERNAL_ERROR)  # the app stopped mid-response
            else:
                self._start(stream, 500, [(b"content-type", b"text/plain; charset=utf-8")])
                await self._data(stream, b"Internal Server Error", end=True)

    def _start(self, stream: Exchange, status: int, headers: Any) -> None:
        head = response_head(status, self.state.default_headers, headers)
        stream.started = True
        try:
            self.conn.send_headers(stream.id, head)
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self._end(stream)
        self.loop.call_soon(self._flush)  # one write with the body the app sends next in the same loop turn

    async def _data(self, stream: Exchange, data: bytes, *, end: bool) -> None:
        view = memoryview(data)
        try:
            while view and not stream.finished:
                window = min(self.conn.local_flow_control_window(stream.id), self.conn.max_outbound_frame_size)
                if window <= 0:  # the client's window is shut: wait for WINDOW_UPDATE, within the send deadline
                    stream.wake.clear()
                    try:
                        await asyncio.wait_for(stream.wake.wait(), self.limits.send_timeout)
                    except TimeoutError:
                        self._reset(stream, ErrorCodes.FLOW_CONTROL_ERROR)
                        return
                    continue
                chunk, view = view[:window], view[window:]
                self.conn.send_data(stream.id, chunk.tobytes(), end_stream=end and not view)
                self._flush()
                await self._writable.wait()
            if end and not data and not stream.finished:
                self.conn.end_stream(stream.id)
                self._flush()
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self._end(stream)
            return
        if end:
            self._end(stream)

    def _body_late(self, stream: Exchange) -> None:
        """The body did not arrive within ``body_timeout`` of the headers: the mock's 408, as over HTTP/1.1."""
        stream.deadline = None
        if stream.finished or stream.request_done:
            return
        if stream.started:
            self._reset(stream, ErrorCodes.CANCEL)
            return
        headers, body = slow_body(self.limits.body_timeout)
        self._start(stream, 408, headers)
        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.conn.send_data(stream.id, body, end_stream=True)
        self._flush()
        self._end(stream)

    # -- housekeeping --------------------------------------------------------------------------------------------

    def _reset(self, stream: Exchange, code: ErrorCodes) -> None:
        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.conn.reset_stream(stream.id, error_code=code)
        self._flush()
        self._end(stream)

    def _end(self, stream: Exchange) -> None:
        stream.finished = True
        self._stop_deadline(stream)
        stream.wake.set()
        if self.streams.pop(stream.id, None) is not None and not self.streams:
            if self._closing:
                self._close()
            else:
                self._arm_idle(self.limits.keep_alive_timeout)

    def _stop_deadline(self, stream: Exchange) -> None:
        if stream.deadline is not None:
            stream.deadline.cancel()
            stream.deadline = None

    def _arm_idle(self, seconds: float) -> None:
        self._stop_idle()
        self._idle = self.loop.call_later(seconds, self._idle_out)

    def _stop_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _idle_out(self) -> None:
        """No stream for the keep-alive timeout (or no request within the header deadline): GOAWAY and close."""
        self._idle = None
        if not self.streams:
            with contextlib.suppress(h2.exceptions.ProtocolError):
                self.conn.close_connection()
            self._flush()
            self._close()

    def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _close(self) -> None:
        self._closing = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _abort(self) -> None:
        self._send_timer = None
        if self.transport is not None:
            self.transport.abort()  # the client reads nothing: nothing can be said to it either


def _address(value: Any) -> tuple[str, int] | None:
    return (str(value[0]), int(value[1])) if isinstance(value, tuple) and len(value) >= 2 else None
