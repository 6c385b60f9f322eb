"""The stream grammars of OpenRouter's Responses and Messages doors (contracts/events.py), as properties.

Every transcript the mock streams for a schema-valid request keeps its grammar, and breaking one (an event
dropped, two swapped, a number changed) is caught: drift in these doors cannot pass unseen.
"""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import validate
from contracts.strategies import valid_requests
from mockserver.core import MockCore
from mockserver.http import MockRequest

CORE = MockCore()
KINDS = {"create_responses": ("/responses", "responses-request", "responses-stream"),
         "create_messages": ("/messages", "messages-request", "messages-stream")}  # fmt: skip


def stream(operation: str, body: dict[str, Any]) -> str:
    path, _, _ = KINDS[operation]
    headers = {"content-type": "application/json", "authorization": "Bearer sk-or-v1-test"}
    answer = CORE.handle(MockRequest("POST", "/openrouter/api/v1" + path, headers, json.dumps(body).encode()))
    assert answer.status == 200 and answer.chunks is not None, answer.body[:300]
    return b"".join(answer.chunks).decode()


def errors(operation: str, transcript: str) -> list[str]:
    found = validate.validate("openrouter", KINDS[operation][2], transcript)
    return [f"{v.check} {v.path}: {v.message}" for v in found if v.severity == "error"]


def blocks(transcript: str) -> list[str]:
    return [b for b in transcript.split("\n\n") if b.strip()]


def requests(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    return valid_requests("openrouter", KINDS[operation][1]).map(lambda body: body | {"stream": True})


_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("operation", KINDS)
@_SETTINGS
@given(data=st.data())
def test_every_generated_stream_keeps_its_grammar(operation: str, data: st.DataObject) -> None:
    assert errors(operation, stream(operation, data.draw(requests(operation)))) == []


TOOL_TURNS = {
    "create_responses": {"model": "meta-llama/llama-4-maverick", "input": "What is the weather in Paris?",
                         "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}]},
    "create_messages": {"model": "meta-llama/llama-4-maverick", "max_tokens": 64,
                        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
                        "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}]},
}  # fmt: skip
TEXT_TURNS = {"create_responses": {"input": "Hello"},
              "create_messages": {"messages": [{"role": "user", "content": "Hello"}]}}  # fmt: skip


def _events(operation: str, tools: bool) -> list[str]:
    body = TOOL_TURNS[operation] if tools else {**TOOL_TURNS[operation], "tools": [], **TEXT_TURNS[operation]}
    body = {k: v for k, v in body.items() if v != []} | {"stream": True}
    transcript = stream(operation, body)
    assert errors(operation, transcript) == []
    return blocks(transcript)


def _data(block: str) -> str:
    return next(line for line in block.split("\n") if line.startswith("data: "))[6:]


def _droppable(operation: str, events: list[str]) -> list[int]:
    # Messages deltas carry no count or total to miss them by (a dropped piece of tool input may even leave valid
    # JSON); every other event is required.
    return [i for i, block in enumerate(events)
            if block.startswith(("data: {", "event: ")) and "[DONE]" not in block
            and not (operation == "create_messages" and "event: content_block_delta" in block)]  # fmt: skip


@pytest.mark.parametrize("operation", KINDS)
@pytest.mark.parametrize("tools", [False, True], ids=["text", "tool-call"])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_dropping_an_event_is_caught(operation: str, tools: bool, data: st.DataObject) -> None:
    events = _events(operation, tools)
    index = data.draw(st.sampled_from(_droppable(operation, events)))
    broken = "\n\n".join(events[:index] + events[index + 1 :]) + "\n\n"
    assert errors(operation, broken), f"dropping {events[index][:80]!r} went unseen"


@pytest.mark.parametrize("operation", KINDS)
@pytest.mark.parametrize("tools", [False, True], ids=["text", "tool-call"])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_swapping_events_of_different_types_is_caught(operation: str, tools: bool, data: st.DataObject) -> None:
    events = _events(operation, tools)
    positions = _droppable(operation, events)
    first = data.draw(st.sampled_from(positions))
    others = [i for i in positions if json.loads(_data(events[i]))["type"] != json.loads(_data(events[first]))["type"]]
    second = data.draw(st.sampled_from(others))
    swapped = list(events)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    assert errors(operation, "\n\n".join(swapped) + "\n\n"), f"swapping {first} and {second} went unseen"


def test_renumbered_sequence_and_misnamed_events_are_caught() -> None:
    events = _events("create_responses", False)
    assert any("events.sequence" in e for e in errors("create_responses", "\n\n".join(events).replace(
        '"sequence_number":3}', '"sequence_number":4}') + "\n\n"))  # fmt: skip
    named = "\n\n".join(_events("create_messages", False)).replace("event: message_stop", "event: ping", 1)
    assert any("events.name" in e for e in errors("create_messages", named + "\n\n"))


def test_tool_input_pieces_must_join_to_a_json_object() -> None:
    events = _events("create_messages", True)
    cut = next(i for i, block in enumerate(events) if '"input_json_delta"' in block)
    assert any("events.consistent" in e for e in errors("create_messages", "\n\n".join(
        events[:cut] + events[cut + 1 :]) + "\n\n"))  # the first piece holds the opening brace  # fmt: skip


def test_a_stream_without_its_terminator_or_end_is_caught() -> None:
    events = _events("create_responses", False)
    assert any("sse.done" in e for e in errors("create_responses", "\n\n".join(events[:-1]) + "\n\n"))
    messages = _events("create_messages", False)
    assert any("events.order" in e for e in errors("create_messages", "\n\n".join(messages[:-2]) + "\n\n"))
