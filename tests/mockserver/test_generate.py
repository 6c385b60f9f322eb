"""Deterministic generation: schema instances, token pieces, stop and max_tokens."""

import random

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.behaviour.chat import ChatQuery, Message
from mockserver.behaviour.generate import finish_reply, generate_reply, instance_from_schema, tokenize

SCHEMAS = [
    {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 3, "maximum": 5}}},
    {"type": "array", "items": {"type": "string", "minLength": 3, "maxLength": 5}, "minItems": 2},
    {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date"},
            "kind": {"enum": ["x", "y"]},
            "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "maybe": {"type": ["null", "boolean"]},
            "ref": {"$ref": "#/$defs/item"},
        },
        "$defs": {"item": {"type": "object", "properties": {"n": {"const": 3}}}},
    },
    {"anyOf": [{"type": "string", "minLength": 10}, {"type": "integer"}]},
]


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("seed", range(5))
def test_instances_validate(schema: dict, seed: int) -> None:
    jsonschema.validate(instance_from_schema(schema, random.Random(seed)), schema)


@given(st.text())
def test_tokenize_round_trips(text: str) -> None:
    assert "".join(tokenize(text)) == text


def query(text: str, **fields: object) -> ChatQuery:
    return ChatQuery("openrouter", "chat_completions", "m", "maverick", [Message("user", text)], **fields)  # type: ignore[arg-type]


def test_same_query_same_reply_and_seed_changes_it() -> None:
    assert generate_reply(query("hi", seed=1), 0).text == generate_reply(query("hi", seed=1), 0).text
    texts = {generate_reply(query("hi", seed=s), 0).text for s in range(10)}
    assert len(texts) > 1


def test_stop_and_length() -> None:
    stopped = finish_reply(query("x", stop=["three", "two"]), "one two three", [])
    assert stopped.text == "one " and stopped.stop_sequence == "two" and stopped.finish == "stop"
    cut = finish_reply(query("x", max_tokens=2), "one two three", [])
    assert cut.finish == "length" and cut.completion_tokens == 2 and "".join(cut.pieces) == cut.text == "one two"
