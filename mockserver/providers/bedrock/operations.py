"""The Bedrock runtime's operations: the hooks the engine calls for each step (BR-MODEL ``operations``).

Fault injection for tests and users (request headers, never sent by real clients), read by the engine:

* ``x-mock-fault: <ExceptionName>`` answers with that Bedrock exception once the request is authenticated,
  parsed and its model known, e.g. ``ThrottlingException`` (429), ``ModelTimeoutException`` (408),
  ``ServiceUnavailableException`` (503); botocore raises it as ``ClientError`` with that code.
* ``x-mock-stream-fault: <exceptionType>[@<index>]`` on the two streaming operations replaces event ``index``
  (0-based, default 1) by an in-stream exception frame and ends the stream, e.g. ``throttlingException@2``;
  botocore raises ``EventStreamError`` while iterating. The types are each stream's exception members in
  BR-MODEL (``contracts.registry``): ConverseStream has no ``modelTimeoutException``.
"""

import base64
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from contracts.registry import stream_exceptions
from contracts.wire.eventstream import encode_event
from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.engine.call import Call, Operation, Parse, Query, Render
from mockserver.http import LazyChunks, MockResponse, json_bytes, json_response, parse_json
from mockserver.providers.bedrock import documents, members
from mockserver.providers.bedrock.catalogue import Catalogue
from mockserver.providers.bedrock.errors import exception_frame, validation
from mockserver.providers.bedrock.rules import check_conversation
from mockserver.providers.bedrock.validation import converse_violations, invoke_violations, tool_schema_problem

__all__ = ["OPERATIONS"]

EVENTSTREAM = "application/vnd.amazon.eventstream"
# Wording assumed (everit style, as for other body errors).
_NOT_AN_OBJECT = (
    "Malformed input request: #: expected type: JSONObject, found: String, please reformat your input and try again."
)


_NOT_JSON = "The request body is not valid JSON."  # wording assumed
_NO_INPUT = "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null"


def _json(call: Call, not_json: str) -> Any:
    """The JSON body (None when empty); the content type is checked first (InvokeModel: "You must specify
    application/json", BR-MODEL)."""
    media = call.request.media_type("application/json")
    if media != "application/json":
        raise validation(f"The provided content type {media} is not supported.")  # wording assumed
    if not call.request.body.strip():
        return None
    try:
        return call.request.json_body()
    except ValueError as exc:
        raise validation(not_json) from exc


def _invoke_body(body: Any) -> dict[str, Any]:
    if body is None:
        raise validation(_NOT_AN_OBJECT)
    problem = invoke_violations(body)
    if problem:
        raise validation(problem)
    result: dict[str, Any] = body
    return result


def _converse_body(body: Any) -> dict[str, Any]:
    problem = converse_violations(body if body is not None else {}) or tool_schema_problem(body)
    if problem:
        raise validation(problem)
    result: dict[str, Any] = body
    return result


def _model(call: Call, body: Any) -> Model:
    catalogue: Catalogue = call.state
    return catalogue.resolve(call.params["modelId"])


def _frames(call: Call, events: list[tuple[str, bytes]]) -> LazyChunks:
    """The event-stream frames, encoded as they are sent; an injected fault replaces event ``index`` and ends it."""
    fault = call.controls.stream_fault
    kept = events if fault is None else events[: fault.index]

    def frames() -> Iterator[bytes]:
        for name, payload in kept:
            yield encode_event(name, payload)
        if fault is not None:
            yield exception_frame(fault.name)

    return LazyChunks(len(kept) + (fault is not None), frames)


def _padded(payload: dict[str, Any], material: bytes, index: int) -> bytes:
    document = {**payload, "p": documents.padding(material, index)}
    return json_bytes(document, sort_keys=True)


def _stream_headers(call: Call, **extra: str) -> dict[str, str]:
    return {"content-type": EVENTSTREAM, **extra, "x-amzn-requestid": call.uuid()}


# InvokeModel and its stream: the Meta Llama native body ---------------------------------------------------------


def _invoke_query(call: Call, body: Any) -> ChatQuery:
    assert call.model is not None
    return documents.invoke_query(call.model, body, "invoke_model", stream=False)


def _invoke_stream_query(call: Call, body: Any) -> ChatQuery:
    assert call.model is not None
    documents.check_streaming(call.model, call.quirk("bedrock.stream_mode"), has_tools=False)
    return documents.invoke_query(call.model, body, "invoke_model", stream=True)


def _invoke_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert reply is not None

    def make() -> tuple[bytes, dict[str, str]]:
        time = documents.timing(query, reply, call.config.seed)
        headers = {
            "x-amzn-bedrock-invocation-latency": str(time.total),
            "x-amzn-bedrock-input-token-count": str(reply.prompt_tokens),
            "x-amzn-bedrock-output-token-count": str(reply.completion_tokens),
        }
        return json_bytes(documents.invoke_document(reply)), headers

    body, headers = call.keep("invoke", make)  # the request id is the only per-call value
    return MockResponse(200, {"content-type": "application/json", "x-amzn-requestid": call.uuid()} | headers, body)


def _invoke_stream_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert reply is not None

    def make() -> tuple[bytes, ...]:
        time = documents.timing(query, reply, call.config.seed)
        events = []
        for i, chunk in enumerate(documents.invoke_chunks(reply, time)):
            raw = json_bytes(chunk)
            events.append(("chunk", _padded({"bytes": base64.b64encode(raw).decode()}, call.request.body, i)))
        return tuple(_frames(call, events))

    headers = _stream_headers(call, **{"x-amzn-bedrock-content-type": "application/json"})
    return MockResponse(200, headers, chunks=call.keep("invoke_stream", make))


# Converse and ConverseStream ------------------------------------------------------------------------------------


def _converse_rules(call: Call, body: dict[str, Any]) -> Model:
    """Bedrock's conversation rules and member checks, after the schema and before the capability matrix."""
    assert call.model is not None
    check_conversation(call.model, body)
    members.check_members(body)
    return call.model


def _converse_query(call: Call, body: Any) -> ChatQuery:
    return documents.converse_query(_converse_rules(call, body), body, "converse", stream=False)


def _converse_stream_query(call: Call, body: Any) -> ChatQuery:
    _converse_rules(call, body)
    assert call.model is not None
    documents.check_streaming(call.model, call.quirk("bedrock.stream_mode"), has_tools=bool(body.get("toolConfig")))
    return documents.converse_query(call.model, body, "converse", stream=True)


def _converse_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert reply is not None

    def make() -> bytes:
        time = documents.timing(query, reply, call.config.seed)
        document = documents.converse_document(reply, time)
        document |= members.response_fields(query.body, reply, time.total, documents.invoke_document(reply))
        return json_bytes(dict(sorted(document.items())))

    body = call.keep("converse", make)  # the request id is the only per-call value
    return MockResponse(200, {"content-type": "application/json", "x-amzn-requestid": call.uuid()}, body)


def _converse_stream_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert reply is not None

    def make() -> tuple[bytes, ...]:
        time = documents.timing(query, reply, call.config.seed)
        events = [
            (name, _padded(payload, call.request.body, i))
            for i, (name, payload) in enumerate(members.stream_fields(
                documents.converse_events(reply, time), query.body, reply, time.total,
                documents.invoke_document(reply)))
        ]  # fmt: skip
        return tuple(_frames(call, events))

    return MockResponse(200, _stream_headers(call), chunks=call.keep("converse_stream", make))


# CountTokens ----------------------------------------------------------------------------------------------------


def _count_body(call: Call) -> Any:
    body = _json(call, _NO_INPUT)
    given = body.get("input") if isinstance(body, dict) else None
    if not isinstance(given, dict) or len(given) != 1 or not {"invokeModel", "converse"} & set(given):
        raise validation(_NO_INPUT)
    if "invokeModel" in given:
        invoke = given["invokeModel"]
        raw = documents.decode_blob(invoke.get("body", "") if isinstance(invoke, dict) else "")
        try:
            native = parse_json(raw)  # the same JSON rules as any body: no NaN, bounded depth and numbers
        except ValueError:
            native = None
        return ("invoke", _invoke_body(native))
    return ("converse", _converse_body(given["converse"]))


def _count_model(call: Call, body: Any) -> Model:
    catalogue: Catalogue = call.state
    return catalogue.resolve(call.params["modelId"], allow_foundation=True)


def _count_query(call: Call, body: Any) -> ChatQuery:
    assert call.model is not None
    form, request = body
    if form == "invoke":
        query = documents.invoke_query(call.model, request, "count_tokens", stream=False)
    else:
        check_conversation(call.model, request)  # CountTokens' converse input follows Converse's rules
        query = documents.converse_query(call.model, request, "count_tokens", stream=False)
    return replace(query, features=query.features | {"count_tokens"})


def _count_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    document = {"inputTokens": documents.count_input_tokens(query)}
    return json_response(200, document, {"x-amzn-requestid": call.uuid()})


def _bedrock(name: str, parse: Parse, query: Query, render: Render, **extra: Any) -> Operation:
    """A Bedrock operation: the model is the path's ``{modelId}``; a stream's faults are its exception members."""
    fields: dict[str, Any] = {"model": _model, "stream_faults": tuple(stream_exceptions("bedrock", name))} | extra
    return Operation(name, parse=parse, query=query, render=render, model_in_path=True, **fields)


def _invoke_parse(call: Call) -> dict[str, Any]:
    return _invoke_body(_json(call, _NOT_AN_OBJECT))


def _converse_parse(call: Call) -> dict[str, Any]:
    return _converse_body(_json(call, _NOT_JSON))


OPERATIONS = {
    op.name: op
    for op in [
        _bedrock("invoke_model", _invoke_parse, _invoke_query, _invoke_render),
        _bedrock("invoke_model_with_response_stream", _invoke_parse, _invoke_stream_query, _invoke_stream_render),
        _bedrock("converse", _converse_parse, _converse_query, _converse_render),
        _bedrock("converse_stream", _converse_parse, _converse_stream_query, _converse_stream_render),
        _bedrock("count_tokens", _count_body, _count_query, _count_render, model=_count_model, generates=False),
    ]
}
