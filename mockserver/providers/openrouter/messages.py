"""OpenRouter's Anthropic Messages door (POST /messages, OR-SPEC createMessages): the chat pipeline again.

The Anthropic request (``system``, content blocks, ``tool_use``/``tool_result``, custom tools) is read into a chat
body, so routing, capabilities, fixtures and generation are the chat ones; ``messages_events.py`` renders the
reply as Anthropic documents and events. Errors keep OpenRouter's status and words in Anthropic's envelope
(OR-SPEC AnthropicMessagesErrorResponse). The Anthropic SDK sends its key as ``x-api-key``, which OpenRouter takes
([obs] bgrins/agent-sdk-behavior claude wire.md captures, 2026-08-24: x-api-key, no Authorization, HTTP 200).
"""

import json
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.behaviour.quirks import Quirk
from mockserver.engine.call import Call, Operation
from mockserver.errors import ProviderError
from mockserver.http import MockResponse, json_response
from mockserver.providers.openai_compat import query_from_body, read_body, sse_response
from mockserver.providers.openrouter import documents, errors, operations, reasoning
from mockserver.providers.openrouter.errors import error
from mockserver.providers.openrouter.messages_events import message_document, message_events

__all__ = ["OPERATIONS", "QUIRKS", "authenticate", "chat_body", "render_error"]

QUIRKS = (
    Quirk(
        "openrouter.messages_max_tokens",
        ("optional", "required"),
        "OR-SPEC MessagesRequest (required: model, messages; max_tokens optional); Anthropic's own API requires "
        "max_tokens ('max_tokens: Field required', invalid_request_error)",
        "max_tokens on /messages: optional as OpenRouter's spec says, or required as Anthropic requires it",
    ),
)

# Anthropic error types by status (OR-SPEC AnthropicMessagesErrorResponse.error.type and the /messages examples).
_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
          404: "not_found_error", 408: "timeout_error", 413: "invalid_request_error", 422: "invalid_request_error",
          429: "rate_limit_error", 503: "overloaded_error", 504: "timeout_error", 524: "timeout_error",
          529: "overloaded_error"}  # fmt: skip
_PASSED = ("model", "models", "temperature", "top_p", "top_k", "stream", "provider", "user", "session_id")


def authenticate(call: Call) -> str:
    """``x-api-key`` (the Anthropic SDK) or a bearer key; OpenRouter's 401s otherwise."""
    key = call.request.header("x-api-key") or call.request.bearer_token()
    if not key:
        raise error(401, "No cookie auth credentials found", user=False)
    allowed = call.config.api_keys.get("openrouter")
    if allowed and key not in allowed:
        raise error(401, "User not found.", user=False)
    return key


def render_error(call: Call, exc: ProviderError) -> MockResponse:
    """OpenRouter's error, worded as on chat, in the Anthropic envelope ``{type, error{type, message,
    error_type}, request_id}`` (OR-SPEC AnthropicMessagesErrorResponse)."""
    plain = errors.render_error(call, exc)
    document = json.loads(plain.body)
    body = document["error"]
    typed = (body.get("metadata") or {}).get("error_type")
    inner = {"type": _TYPES.get(plain.status, "api_error"), "message": body["message"]}
    if typed:
        inner["error_type"] = typed
    # OR-SPEC createMessages examples: request_id null on 400, 401 and 403, a generation id on 404, 429 and 5xx.
    request_id = documents.generation_id(call) if plain.status in (404, 429) or plain.status >= 500 else None
    envelope: dict[str, Any] = {"type": "error", "error": inner, "request_id": request_id}
    if "openrouter_metadata" in document:
        envelope["openrouter_metadata"] = document["openrouter_metadata"]
    headers = {k: v for k, v in plain.headers.items() if k.lower() != "content-type"}
    return json_response(plain.status, envelope, headers)


def _image(source: dict[str, Any]) -> dict[str, Any]:
    url = source.get("url") or f"data:{source.get('media_type')};base64,{source.get('data', '')}"
    return {"type": "image_url", "image_url": {"url": url}}


def _parts(blocks: Any) -> Any:
    if isinstance(blocks, str):
        return blocks
    parts: list[dict[str, Any]] = []
    for block in blocks or []:
        if block.get("type") == "text":
            parts.append({"type": "text", "text": block["text"]})
        elif block.get("type") == "image":
            parts.append(_image(block["source"]))
    return parts


def _turn(role: str, content: Any, messages: list[dict[str, Any]]) -> None:
    """One Anthropic turn as chat messages: tool results become tool messages, tool_use blocks tool calls."""
    if isinstance(content, str):
        messages.append({"role": role, "content": content})
        return
    parts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for block in content:
        kind = block.get("type")
        if kind == "tool_result":
            if parts:
                messages.append({"role": role, "content": parts})
                parts = []
            result = _parts(block.get("content"))
            messages.append({"role": "tool", "tool_call_id": block["tool_use_id"], "content": result})
        elif kind == "tool_use":
            calls.append({"id": block["id"], "type": "function",
                          "function": {"name": block["name"], "arguments": json.dumps(block.get("input") or {})}})
        else:
            parts.extend(_parts([block]))  # text and images; thinking and documents carry nothing read here
    if parts or calls:
        messages.append({"role": role, "content": parts or ""} | ({"tool_calls": calls} if calls else {}))


def chat_body(body: dict[str, Any]) -> dict[str, Any]:
    """The /chat/completions body an Anthropic Messages request amounts to."""
    chat: dict[str, Any] = {key: body[key] for key in _PASSED if body.get(key) is not None}
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system:
        text = system if isinstance(system, str) else "\n".join(block["text"] for block in system)
        messages.append({"role": "system", "content": text})
    for message in body["messages"]:
        _turn(message["role"], message["content"], messages)
    chat["messages"] = messages or [{"role": "user", "content": ""}]
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and "reasoning" not in chat:  # OR-SPEC MessagesRequest.thinking: enabled (with
        kind = thinking.get("type")  # budget_tokens), disabled or adaptive, read as the chat `reasoning` object
        if kind == "enabled":
            chat["reasoning"] = {"max_tokens": thinking.get("budget_tokens")}
        elif kind in ("disabled", "adaptive"):
            chat["reasoning"] = {"enabled": kind == "adaptive"}
    tools = [{"type": "function", "function": {"name": t["name"], "description": t.get("description") or "",
                                               "parameters": t.get("input_schema") or {}}}
             for t in body.get("tools") or [] if t.get("type") in (None, "custom")]  # fmt: skip
    if tools:
        chat["tools"] = tools
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool":
        chat["tool_choice"] = {"type": "function", "function": {"name": choice.get("name", "")}}
    elif choice.get("type"):
        chat["tool_choice"] = {"any": "required"}.get(choice["type"], choice["type"])
    if body.get("max_tokens") is not None:
        chat["max_tokens"] = body["max_tokens"]
    if body.get("stop_sequences"):
        chat["stop"] = body["stop_sequences"]
    return chat


def _query(call: Call, body: dict[str, Any]) -> ChatQuery:
    assert call.model is not None
    if "max_tokens" not in body and call.quirk("openrouter.messages_max_tokens") == "required":
        raise error(400, "max_tokens: Field required",
                    metadata={"error_type": "invalid_request", "param": "max_tokens"})  # fmt: skip
    chat = chat_body(body)
    documents.route(call.model, chat)
    documents.check_parameters(call.model, chat)
    query = query_from_body(chat, "openrouter", "create_messages", call.model.id, call.model.family)
    query.thinking = reasoning.thinking_of(call.model, chat, query.messages)
    return query


def _render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert call.model is not None and reply is not None
    gen_id, served = documents.generation_id(call), operations.served(call, query.body)
    operations.remember(call, gen_id, served, reply, query.stream)
    headers = operations.generation_headers(gen_id)
    if query.stream:
        fault = call.controls.stream_fault
        return sse_response(message_events(gen_id, served, reply, fault.index if fault else None), headers)
    return json_response(200, message_document(gen_id, served, reply), headers)


OPERATIONS = {
    "create_messages": Operation("create_messages", parse=lambda call: read_body(call, "messages-request",
                                 operations.RULES), model=operations.model_of, query=_query, render=_render,
                                 stream_faults=("error",)),
}  # fmt: skip
