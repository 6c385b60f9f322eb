"""HTTP side of the Bedrock runtime mock: parse ``MockRequest``, call the responder, build ``MockResponse``.

Fault injection for tests and users (request headers, never sent by real clients):

* ``x-mock-fault: <ExceptionName>`` answers with that Bedrock exception before anything else is
  checked but auth, e.g. ``ThrottlingException`` (429), ``ModelTimeoutException`` (408),
  ``ServiceUnavailableException`` (503); botocore raises it as ``ClientError`` with that code.
* ``x-mock-stream-fault: <exceptionType>[@<index>]`` on the two streaming operations replaces
  event ``index`` (0-based, default 1) by an in-stream exception frame and ends the stream, e.g.
  ``throttlingException@2`` or ``modelStreamErrorException``; botocore raises ``EventStreamError``
  while iterating. Types: the exception members of BR-MODEL ResponseStream / ConverseStreamOutput.
"""

import base64
import json
import uuid
from typing import TYPE_CHECKING, Any

from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.errors import MockError
from mockserver.http import MockResponse, json_response
from mockserver.behaviour.limits import admit
from mockserver.providers.bedrock import responder
from mockserver.providers.bedrock.auth import authenticate
from mockserver.providers.bedrock.catalogue import Catalogue, ResolvedModel
from mockserver.providers.bedrock.errors import EXCEPTIONS, STREAM_EXCEPTIONS, BedrockError, exception_frame, validation
from mockserver.providers.bedrock.validation import converse_violations, invoke_violations
from mockserver.behaviour.quirks import quirk
from mockserver.behaviour.replies import resolve_reply
from mockserver.wire.eventstream import encode_event

if TYPE_CHECKING:
    from mockserver.core import Call

__all__ = [
    "HANDLERS",
    "converse",
    "converse_stream",
    "count_tokens",
    "invoke_model",
    "invoke_model_with_response_stream",
]

EVENTSTREAM = "application/vnd.amazon.eventstream"


def _request_id() -> str:
    return str(uuid.uuid4())


def _fault(call: "Call") -> None:
    name = call.request.header("x-mock-fault")
    if name:
        if name.strip() not in EXCEPTIONS:
            raise MockError(
                "Unknown fault",
                f"x-mock-fault: {name!r} is not a Bedrock exception",
                fix=f"Use one of: {', '.join(EXCEPTIONS)}.",
            )
        raise BedrockError(name.strip())


def _stream_fault(call: "Call") -> tuple[str, int] | None:
    value = call.request.header("x-mock-stream-fault")
    if not value:
        return None
    name, _, index = value.strip().partition("@")
    if name not in STREAM_EXCEPTIONS or (index and not index.isdigit()):
        raise MockError(
            "Unknown stream fault",
            f"x-mock-stream-fault: {value!r}",
            fix=f"Use <type>[@<event index>] with a type among: {', '.join(STREAM_EXCEPTIONS)}.",
        )
    return name, int(index or 1)


def _prepare(call: "Call", *, allow_foundation: bool = False) -> tuple[ResolvedModel, Any]:
    """Auth, faults, content type, model id and JSON body, in the order the service checks them."""
    authenticate(call)
    _fault(call)
    content_type = (call.request.header("content-type") or "application/json").split(";")[0].strip().lower()
    if content_type != "application/json":  # InvokeModel: "You must specify application/json" (BR-MODEL)
        raise validation(f"The provided content type {content_type} is not supported.")  # wording assumed
    catalogue: Catalogue = call.state
    resolved = catalogue.resolve(call.params["modelId"], allow_foundation=allow_foundation)
    call.model = resolved.profile_id
    try:
        body = json.loads(call.request.body) if call.request.body.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = ValueError
    return resolved, body


def _invoke_body(body: Any) -> dict[str, Any]:
    if body is ValueError or body is None:
        raise validation(
            "Malformed input request: #: expected type: JSONObject, found: String, please reformat your "
            "input and try again."
        )  # wording assumed (everit style, as for other body errors)
    problem = invoke_violations(body)
    if problem:
        raise validation(problem)
    result: dict[str, Any] = body
    return result


def _converse_body(body: Any) -> dict[str, Any]:
    if body is ValueError:
        raise BedrockError("ValidationException", "The request body is not valid JSON.")  # wording assumed
    problem = converse_violations(body if body is not None else {})
    if problem:
        raise validation(problem)
    result: dict[str, Any] = body
    return result


def _answer(call: "Call", query: ChatQuery) -> Reply | MockResponse:
    admit(call)  # a ThrottlingException comes before any stream starts
    return resolve_reply(call, query)


def _frames(call: "Call", events: list[tuple[str, bytes]]) -> list[bytes]:
    frames = [encode_event(name, payload) for name, payload in events]
    fault = _stream_fault(call)
    if fault is not None:
        name, index = fault
        frames = [*frames[:index], exception_frame(name)]
    return frames


def _padded(payload: dict[str, Any], material: bytes, index: int) -> bytes:
    document = {**payload, "p": responder.padding(material, index)}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _stream_mode(call: "Call") -> str:
    return quirk("bedrock.stream_mode", call.config.quirks, call.request)


def invoke_model(call: "Call") -> MockResponse:
    """POST /model/{modelId}/invoke with a Meta Llama native body."""
    resolved, body = _prepare(call)
    query = responder.invoke_query(resolved, _invoke_body(body), "invoke_model", stream=False)
    reply = _answer(call, query)
    if isinstance(reply, MockResponse):
        return reply
    time = responder.timing(query, reply, call.config.seed)
    return json_response(
        200,
        responder.invoke_document(reply),
        {
            "x-amzn-requestid": _request_id(),
            "x-amzn-bedrock-invocation-latency": str(time.total),
            "x-amzn-bedrock-input-token-count": str(reply.prompt_tokens),
            "x-amzn-bedrock-output-token-count": str(reply.completion_tokens),
        },
    )


def invoke_model_with_response_stream(call: "Call") -> MockResponse:
    """POST /model/{modelId}/invoke-with-response-stream: ``chunk`` events wrapping base64 native chunks."""
    resolved, body = _prepare(call)
    native = _invoke_body(body)
    responder.check_streaming(resolved.model, _stream_mode(call), has_tools=False)
    query = responder.invoke_query(resolved, native, "invoke_model", stream=True)
    reply = _answer(call, query)
    if isinstance(reply, MockResponse):
        return reply
    time = responder.timing(query, reply, call.config.seed)
    events = []
    for i, chunk in enumerate(responder.invoke_chunks(reply, time)):
        raw = json.dumps(chunk, separators=(",", ":"), ensure_ascii=False).encode()
        events.append(("chunk", _padded({"bytes": base64.b64encode(raw).decode()}, call.request.body, i)))
    headers = {
        "content-type": EVENTSTREAM,
        "x-amzn-bedrock-content-type": "application/json",
        "x-amzn-requestid": _request_id(),
    }
    return MockResponse(200, headers, chunks=_frames(call, events))


def converse(call: "Call") -> MockResponse:
    """POST /model/{modelId}/converse."""
    resolved, body = _prepare(call)
    query = responder.converse_query(resolved, _converse_body(body), "converse", stream=False)
    reply = _answer(call, query)
    if isinstance(reply, MockResponse):
        return reply
    document = responder.converse_document(reply, responder.timing(query, reply, call.config.seed))
    return json_response(200, document, {"x-amzn-requestid": _request_id()})


def converse_stream(call: "Call") -> MockResponse:
    """POST /model/{modelId}/converse-stream: messageStart … metadata as event-stream frames."""
    resolved, body = _prepare(call)
    request = _converse_body(body)
    has_tools = bool(request.get("toolConfig"))
    responder.check_streaming(resolved.model, _stream_mode(call), has_tools=has_tools)
    query = responder.converse_query(resolved, request, "converse", stream=True)
    reply = _answer(call, query)
    if isinstance(reply, MockResponse):
        return reply
    time = responder.timing(query, reply, call.config.seed)
    events = [
        (name, _padded(payload, call.request.body, i))
        for i, (name, payload) in enumerate(responder.converse_events(reply, time))
    ]
    headers = {"content-type": EVENTSTREAM, "x-amzn-requestid": _request_id()}
    return MockResponse(200, headers, chunks=_frames(call, events))


def count_tokens(call: "Call") -> MockResponse:
    """POST /model/{modelId}/count-tokens with ``input.invokeModel.body`` or ``input.converse``."""
    resolved, body = _prepare(call, allow_foundation=True)
    given = body.get("input") if isinstance(body, dict) else None
    if not isinstance(given, dict) or len(given) != 1 or not {"invokeModel", "converse"} & set(given):
        raise validation(
            "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null"
        )
    if "invokeModel" in given:
        raw = responder.decode_blob((given["invokeModel"] or {}).get("body", ""))
        try:
            native = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            native = None
        query = responder.invoke_query(resolved, _invoke_body(native), "count_tokens", stream=False)
    else:
        query = responder.converse_query(resolved, _converse_body(given["converse"]), "count_tokens", stream=False)
    return json_response(200, {"inputTokens": responder.count_input_tokens(query)}, {"x-amzn-requestid": _request_id()})


HANDLERS = {
    "invoke_model": invoke_model,
    "invoke_model_with_response_stream": invoke_model_with_response_stream,
    "converse": converse,
    "converse_stream": converse_stream,
    "count_tokens": count_tokens,
}
