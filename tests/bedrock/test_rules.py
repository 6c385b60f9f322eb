"""Bedrock's conversation rules (mockserver/providers/bedrock/rules.py) through boto3 and the in-process mock.

Each rule is broken once, on Converse and on ConverseStream (refused before the stream starts, so botocore raises
``ClientError`` from the call), and the answer is AWS's: 400, ``ValidationException``, the exact words.
"""

import struct
import zlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from mockserver.providers.bedrock import rules
from tests.bedrock.conftest import MAVERICK
from tests.bedrock.helpers import WEATHER_TOOL

OPERATIONS = ["converse", "converse_stream"]



def _refused(client: Any, operation: str, messages: list[dict[str, Any]], **fields: Any) -> str:
    with pytest.raises(ClientError) as caught:
        getattr(client, operation)(modelId=MAVERICK, messages=messages, **fields)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "ValidationException"
    return str(error["Error"]["Message"])


def _user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def _assistant(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


def _use(tool_id: str) -> dict[str, Any]:
    return {"toolUse": {"toolUseId": tool_id, "name": "get_weather", "input": {"city": "Paris"}}}


def _result(tool_id: str) -> dict[str, Any]:
    return {"toolResult": {"toolUseId": tool_id, "content": [{"text": "18 degrees"}]}}


def _document(name: str, data: bytes = b"hello") -> dict[str, Any]:
    return {"document": {"format": "txt", "name": name, "source": {"bytes": data}}}


def _png(width: int, height: int, size: int = 0) -> dict[str, Any]:
    header = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + header + struct.pack(">I", zlib.crc32(header))
    return {"image": {"format": "png", "source": {"bytes": data + b"\0" * max(0, size - len(data))}}}


HI, ASK = {"text": "hi"}, {"text": "What is the weather in Paris?"}
FIRST_USER = ("A conversation must start with a user message. Try again with a conversation that starts with a user "
              "message.")  # fmt: skip


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("messages", [[], [_assistant(HI), _user(HI)]], ids=["empty", "assistant-first"])
def test_a_conversation_starts_with_a_user_turn(bedrock: Any, operation: str, messages: list[dict[str, Any]]) -> None:
    assert _refused(bedrock, operation, messages) == FIRST_USER


def test_count_tokens_converse_input_follows_the_rules(bedrock: Any) -> None:
    # The rules run before the matrix's count_tokens refusal (Llama 4 cannot count tokens).
    with pytest.raises(ClientError) as caught:
        bedrock.count_tokens(modelId=MAVERICK, input={"converse": {"messages": [_assistant(HI), _user(HI)]}})
    assert caught.value.response["Error"] == {"Code": "ValidationException", "Message": FIRST_USER}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_roles_alternate(bedrock: Any, operation: str) -> None:
    assert _refused(bedrock, operation, [_user(HI), _user(HI)]) == (
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates "
        "between user and assistant roles and try again.")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_last_turn_is_a_user_turn_for_llama(bedrock: Any, operation: str) -> None:
    assert _refused(bedrock, operation, [_user(HI), _assistant({"text": "Sure, "})]) == (
        "The model that you are using requires the last turn in the conversation to be a user message. Add a user "
        "message to the conversation and try again.")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_message_has_content(bedrock: Any, operation: str) -> None:
    assert _refused(bedrock, operation, [_user(HI), _assistant(), _user(HI)]) == (
        "The content field in the Message object at messages.1 is empty. Add a ContentBlock object to the content "
        "field and try again.")


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("text", ["", " \n\t"], ids=["empty", "whitespace"])
def test_text_is_not_blank(bedrock: Any, operation: str, text: str) -> None:
    assert _refused(bedrock, operation, [_user(HI, {"text": text})]) == (
        "The text field in the ContentBlock object at messages.0.content.1 is blank. Add text to the text field, "
        "and try again.")


def test_images_and_documents_only_in_user_turns(bedrock: Any) -> None:
    messages = [_user(HI), _assistant(HI, _png(8, 8)), _user(HI)]
    assert _refused(bedrock, "converse", messages) == rules.RULES["media_role"].words.format(i=1)


def test_a_document_needs_a_text_block(bedrock: Any) -> None:
    assert _refused(bedrock, "converse", [_user(_document("notes"))]) == (
        "A text block must be included when using documents. Add a text block and retry your request.")


@pytest.mark.parametrize("name", ["report.pdf", "a  b", "tab\tname", "full\u3000width", "r\u00e9sum\u00e9", "a+b"])
def test_document_names_follow_the_published_rule(bedrock: Any, name: str) -> None:
    assert _refused(bedrock, "converse", [_user(ASK, _document(name))]) == (
        "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, "
        "parentheses, and square brackets. The name can't contain more than one consecutive whitespace character. "
        "Check that the file name conforms to these restrictions and retry your request.")


@pytest.mark.parametrize("name", ["a_b", "a b", "dir-name", "[x](y)", " lead", "trail "])
def test_document_names_that_aws_accepts(bedrock: Any, name: str) -> None:
    # Measured in vercel/ai#20365 and aws-samples/generative-ai-use-cases#1671: '_' and one space at an end pass.
    assert bedrock.converse(modelId=MAVERICK, messages=[_user(ASK, _document(name))])["stopReason"] == "end_turn"


def test_a_document_is_at_most_four_and_a_half_megabytes(bedrock: Any) -> None:
    big = _document("big", b"x" * (rules.LIMITS.document_bytes + 1))
    assert _refused(bedrock, "converse", [_user(ASK, big)]) == (
        "The maximum document size is 4.5 MB. Reduce the size of your document and retry your request.")


def test_at_most_five_documents(bedrock: Any) -> None:
    documents = [_document(f"doc {n}") for n in range(rules.LIMITS.documents + 1)]
    assert _refused(bedrock, "converse", [_user(ASK, *documents)]) == (
        "You can't include more than 5 documents in a request. Reduce the number of documents and retry your "
        "request.")


def test_document_names_are_unique_across_the_conversation(bedrock: Any) -> None:
    messages = [_user(ASK, _document("notes")), _assistant(HI), _user(ASK, _document("notes"))]
    assert _refused(bedrock, "converse_stream", messages) == (
        "Messages can't contain duplicate document names. Rename the document and retry your request.")


def test_image_limits(bedrock: Any) -> None:
    limits, words = rules.LIMITS, rules.RULES
    many = [_png(8, 8) for _ in range(limits.images + 1)]
    assert _refused(bedrock, "converse", [_user(ASK, *many)]) == words["images"].words.format(limit=limits.images)
    heavy = _png(8, 8, size=limits.image_bytes + 1)
    assert _refused(bedrock, "converse", [_user(ASK, heavy)]) == words["image_size"].words
    wide = _png(limits.image_pixels + 1, 8)
    expected = words["image_pixels"].words.format(limit=limits.image_pixels)
    assert _refused(bedrock, "converse", [_user(ASK, wide)]) == expected
    fine = [_png(limits.image_pixels, limits.image_pixels) for _ in range(limits.images)]
    assert bedrock.converse(modelId=MAVERICK, messages=[_user(ASK, *fine)])["stopReason"] == "end_turn"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_tool_use_ids_are_unique(bedrock: Any, operation: str) -> None:
    messages = [_user(ASK), _assistant(_use("t1"), _use("t1")), _user(_result("t1"), _result("t1"))]
    assert _refused(bedrock, operation, messages, toolConfig=WEATHER_TOOL) == (
        "The toolUse blocks at messages.1.content contain duplicate Ids: t1")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_tool_use_gets_its_result(bedrock: Any, operation: str) -> None:
    messages = [_user(ASK), _assistant(_use("t1"), _use("t2"), _use("t3")), _user(_result("t2"))]
    assert _refused(bedrock, operation, messages, toolConfig=WEATHER_TOOL) == (
        "Expected toolResult blocks at messages.2.content for the following Ids: t1, t3")


def test_a_result_for_an_unknown_id_leaves_the_use_unanswered(bedrock: Any) -> None:
    messages = [_user(ASK), _assistant(_use("t1")), _user(_result("t9"))]
    assert _refused(bedrock, "converse", messages, toolConfig=WEATHER_TOOL) == (
        "Expected toolResult blocks at messages.2.content for the following Ids: t1")


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("before", [_assistant(_use("t1")), _assistant(HI)], ids=["more-results", "no-tool-use"])
def test_no_more_results_than_uses(bedrock: Any, operation: str, before: dict[str, Any]) -> None:
    results = [_result("t1"), _result("t2")] if "toolUse" in before["content"][0] else [_result("t1")]
    messages = [_user(ASK), before, _user(*results)]
    assert _refused(bedrock, operation, messages, toolConfig=WEATHER_TOOL) == (
        "The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous "
        "turn.")


def test_a_tool_result_turn_has_no_conversation_blocks_for_llama(bedrock: Any) -> None:
    messages = [_user(ASK), _assistant(_use("t1")), _user(_result("t1"), {"text": "and tomorrow?"})]
    assert _refused(bedrock, "converse", messages, toolConfig=WEATHER_TOOL) == (
        "messages.2.content: Conversation blocks and tool result blocks cannot be provided in the same turn.")


def test_a_tool_use_turn_has_no_conversation_blocks_for_llama(bedrock: Any) -> None:
    messages = [_user(ASK), _assistant({"text": "Let me check."}, _use("t1")), _user(_result("t1"))]
    assert _refused(bedrock, "converse", messages, toolConfig=WEATHER_TOOL) == (
        "messages.1.content: Conversation blocks and tool use blocks cannot be provided in the same turn.")


def test_a_well_formed_tool_conversation_is_answered(bedrock: Any) -> None:
    messages = [_user(ASK), _assistant(_use("t1"), _use("t2")), _user(_result("t2"), _result("t1"))]
    answer = bedrock.converse(modelId=MAVERICK, messages=messages, toolConfig=WEATHER_TOOL)
    assert answer["stopReason"] == "end_turn"


def test_every_rule_has_a_source_and_the_unpublished_ones_say_so() -> None:
    assert all(rule.source for rule in rules.RULES.values())
    assert {name for name, rule in rules.RULES.items() if not rule.published} == {
        "media_role", "images", "image_size", "image_pixels"}
