"""OpenRouter's Responses API (POST /responses, OR-SPEC createResponses): the chat pipeline behind another door.

The request is read into a chat body (instructions and input items become messages, flat function tools become
chat tools, ``text.format`` becomes ``response_format``), so routing, capabilities, fixtures and generation are
the chat ones; only the vocabulary of the answer differs (``responses_events.py``). Stateless as OpenRouter is:
``store: true`` and a ``previous_response_id`` are refused (OR-DOCS api_reference/responses/overview.mdx).
"""

import dataclasses
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.engine.call import Call, Operation
from mockserver.http import MockResponse, json_response
from mockserver.providers.openai_compat import query_from_body, read_body, sse_response
from mockserver.providers.openrouter import documents, operations, reasoning
from mockserver.providers.openrouter.errors import error
from mockserver.providers.openrouter.responses_events import response_document, response_events

__all__ = ["OPERATIONS", "chat_body"]

# Wording not captured; the rule and the 400 are OR-SPEC ResponsesRequest.store (const false) and
# .previous_response_id ("Requests with a non-null value are rejected with a 400 error").
_STATELESS = {
    "store": "Invalid request: store: the Responses API is stateless, so store must be false",
    "previous_response_id": "Invalid request: previous_response_id is not supported: the Responses API is "
    "stateless; send the full conversation history in input instead",
}


def _stateless(call: Call, kind: str, body: Any) -> Any:
    if isinstance(body, dict):
        for field, message in _STATELESS.items():
            value = body.get(field)
            if (field == "store" and value is True) or (field == "previous_response_id" and value is not None):
                raise error(400, message, metadata={"error_type": "invalid_request", "param": field})
    return body


RULES = dataclasses.replace(operations.RULES, prepare=_stateless)

# Sampling and routing fields that mean the same on /chat/completions (OR-SPEC ResponsesRequest / ChatRequest).
_PASSED = ("model", "models", "temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "seed",
           "provider", "user", "session_id", "plugins", "stream", "parallel_tool_calls", "reasoning",
           "metadata")  # fmt: skip


def _parts(content: Any) -> Any:
    """Input content parts as chat content parts: text and images (OR-SPEC InputText, InputImage)."""
    if not isinstance(content, list):
        return content if isinstance(content, str) else ""
    parts: list[dict[str, Any]] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("input_text", "output_text"):
            parts.append({"type": "text", "text": part.get("text", "")})
        elif kind == "input_image":
            parts.append({"type": "image_url", "image_url": {"url": part.get("image_url") or ""}})
    return parts


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if body.get("instructions"):
        messages.append({"role": "system", "content": body["instructions"]})
    items = body.get("input")
    for item in [{"role": "user", "content": items}] if isinstance(items, str) else items or []:
        kind = item.get("type", "message")
        if kind == "message":
            messages.append({"role": item["role"], "content": _parts(item.get("content"))})
        elif kind == "function_call":
            call = {"id": item["call_id"], "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]}}  # fmt: skip
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and last.get("tool_calls"):
                last["tool_calls"].append(call)  # parallel calls of one turn stay one assistant message
            else:
                messages.append({"role": "assistant", "content": "", "tool_calls": [call]})
        elif kind == "function_call_output":
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": _parts(item.get("output"))})
        # reasoning items of earlier turns carry nothing a Llama model reads
    return messages or [{"role": "user", "content": ""}]


def chat_body(body: dict[str, Any]) -> dict[str, Any]:
    """The /chat/completions body a Responses request amounts to (OR-DOCS api_reference/responses/*.mdx)."""
    chat: dict[str, Any] = {key: body[key] for key in _PASSED if body.get(key) is not None}
    chat["messages"] = _messages(body)
    tools = [{"type": "function", "function": {"name": t["name"], "description": t.get("description") or "",
                                               "parameters": t.get("parameters") or {}}}
             for t in body.get("tools") or [] if t.get("type") == "function"]  # fmt: skip
    if tools:
        chat["tools"] = tools
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        chat["tool_choice"] = {"type": "function", "function": {"name": choice["name"]}}
    elif choice is not None:
        chat["tool_choice"] = choice
    fmt = (body.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        chat["response_format"] = {"type": "json_schema", "json_schema": {
            "name": fmt.get("name", "response"), "schema": fmt.get("schema") or {}, "strict": fmt.get("strict")}}
    elif fmt.get("type") == "json_object":
        chat["response_format"] = {"type": "json_object"}
    if body.get("max_output_tokens") is not None:
        chat["max_tokens"] = body["max_output_tokens"]
    return chat


def _query(call: Call, body: dict[str, Any]) -> ChatQuery:
    assert call.model is not None
    chat = chat_body(body)
    documents.route(call.model, chat)  # routing options that leave no endpoint: 404 before anything is generated
    documents.check_parameters(call.model, chat)
    query = query_from_body(chat, "openrouter", "create_responses", call.model.id, call.model.family)
    query.thinking = reasoning.thinking_of(call.model, chat, query.messages)  # the chat door's rule, the same body
    return query


def _render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert call.model is not None and reply is not None
    body = call.request.json_body()  # the Responses body as sent (validated), echoed in the response
    gen_id, served = documents.generation_id(call), operations.served(call, query.body)
    operations.remember(call, gen_id, served, reply, query.stream)
    headers = operations.generation_headers(gen_id)
    if query.stream:
        fault = call.controls.stream_fault
        events = response_events(call, gen_id, served, body, reply, fault.index if fault else None)
        return sse_response(events, headers)
    return json_response(200, response_document(call, gen_id, served, body, reply), headers)


OPERATIONS = {
    "create_responses": Operation("create_responses", parse=lambda call: read_body(call, "responses-request", RULES),
                                  model=operations.model_of, query=_query, render=_render, stream_faults=("error",)),
}  # fmt: skip
