"""Bedrock's conversation rules for Converse, ConverseStream and CountTokens' ``converse`` input.

Checked by the query hooks (``operations.py``) after schema validation, so the body has the schema's shape, and
before the engine's capability matrix: a malformed conversation is reported ahead of an unsupported feature (AWS
does not publish its order; this keeps request validation ahead of model support, as the schema check is). Every
refusal is 400 ``ValidationException``.

``RULES`` is the table of rules: the words (a ``str.format`` template), the source, and ``published=False`` where
AWS states the rule but no message for it has been seen, so the words are the mock's own. ``LIMITS`` holds the
documented counts and sizes. ``CHECKS`` is the ordered list of checks. All three are module-level data: tests read
them, and a user may change them (``rules.LIMITS = replace(rules.LIMITS, images=8)``). ``[obs]`` = public traffic
quoting the service, ``[doc]`` = AWS documentation, BR-MODEL = botocore's bedrock-runtime service-2.json.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NoReturn

from mockserver.behaviour.catalogue import Model
from mockserver.providers.bedrock.errors import validation
from mockserver.providers.bedrock.media import blob, pixels

__all__ = ["CHECKS", "LIMITS", "RULES", "Limits", "Rule", "check_conversation"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One conversation rule: its words (a format template), where they come from, whether AWS's own."""

    words: str
    source: str
    published: bool = True


@dataclass(frozen=True, slots=True)
class Limits:
    """Counts and sizes per request; BR-MODEL Message.content documentation and [doc] inference-api-restrictions."""

    documents: int = 5
    document_bytes: int = 4_718_592  # 4.5 MiB, the figure clients enforce (brave/brave-browser#54325)
    images: int = 20
    image_bytes: int = 3_932_160  # 3.75 MiB: 5 MiB once base64-encoded (see LIMITS)
    image_pixels: int = 8000


LIMITS = Limits()
"""BR-MODEL Message.content: "up to 20 images ... no more than 3.75 MB, 8000 px, and 8000 px ... up to five
documents ... no more than 4.5 MB". [doc] inference-api-restrictions (2026) now says Bedrock itself imposes no
image count or size and leaves both to the model; [obs] aws-samples/generative-ai-use-cases#1040 saw Llama 4
refuse more than 8 images (wording not quoted). 3.75 MB is 3.75 MiB, 5 MiB once base64-encoded ([obs]
aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#778). The documented figures
are kept; change them here."""

RULES: dict[str, Rule] = {
    "first_user": Rule(
        "A conversation must start with a user message. Try again with a conversation that starts with a user "
        "message.",
        "[obs] langgenius/dify#12340, elastic/kibana#246393; messages=[] gets it too: pydantic/pydantic-ai#4495 "
        "(instructions only, no user turn)"),
    "alternate": Rule(
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates "
        "between user and assistant roles and try again.",
        "[obs] langchain-ai/langchain-aws#130, Portkey-AI/gateway#748, langchain-ai/langchainjs#6724"),
    "empty_content": Rule(
        "The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the "
        "content field and try again.",
        "[obs] quoted verbatim in archestra-ai/archestra#4220 and several agent codebases and changelogs (2026)"),
    "blank_text": Rule(
        "The text field in the ContentBlock object at messages.{i}.content.{j} is blank. Add text to the text "
        "field, and try again.",
        "[obs] continuedev/continue#9767; whitespace-only is blank too: epam/ai-dial-adapter-bedrock's integration "
        "tests expect it for '' and ' ' on Llama 3 (test_empty_user_message)"),
    "media_role": Rule(
        "The model that you are using only supports images and documents in user messages. Remove the image or "
        "document from messages.{i} and try again.",
        "[doc] inference-api-restrictions and BR-MODEL Message.content: 'You can only include images and "
        "documents if the role is user'; no refusal has been quoted, the words are assumed", published=False),
    "document_text": Rule(
        "A text block must be included when using documents. Add a text block and retry your request.",
        "[obs] archestra-ai/archestra#4220 and a public Bedrock error table; BR-MODEL Message.content: a document "
        "needs a text block beside it"),
    "document_name": Rule(
        "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, "
        "parentheses, and square brackets. The name can't contain more than one consecutive whitespace character. "
        "Check that the file name conforms to these restrictions and retry your request.",
        "[obs] vercel/ai#20365, aws-samples/generative-ai-use-cases#1671; measured there: '_' is accepted though "
        "unlisted, a single full-width space or a tab is refused, one leading or trailing space is accepted"),
    "document_size": Rule(
        "The maximum document size is 4.5 MB. Reduce the size of your document and retry your request.",
        "[obs] quoted in a public test of observed Bedrock messages (validationErrorMessage.test.ts, 2026)"),
    "documents": Rule(
        "You can't include more than {limit} documents in a request. Reduce the number of documents and retry "
        "your request.",
        "[obs] aws-samples/generative-ai-use-cases#1685 (250 occurrences in 60 days) and the same public test"),
    "duplicate_document": Rule(
        "Messages can't contain duplicate document names. Rename the document and retry your request.",
        "[obs] ag-ui-protocol/ag-ui#2425, aws-samples/generative-ai-use-cases#1685 (names repeat across turns too)"),
    "images": Rule(
        "You can't include more than {limit} images in a request. Reduce the number of images and retry your "
        "request.",
        "BR-MODEL Message.content (20 images); words assumed after the documents rule", published=False),
    "image_size": Rule(
        "The maximum image size is 3.75 MB. Reduce the size of your image and retry your request.",
        "BR-MODEL Message.content (3.75 MB); words assumed after the document-size rule", published=False),
    "image_pixels": Rule(
        "The maximum image height and width is {limit} pixels. Reduce the size of your image and retry your "
        "request.",
        "BR-MODEL Message.content (8000 px each way); words assumed after the document-size rule", published=False),
    "duplicate_tool_use": Rule(
        "The toolUse blocks at messages.{i}.content contain duplicate Ids: {ids}",
        "[obs] a ConverseStream exception frame and a Kiro session log quoted in public notes (2026)"),
    "extra_results": Rule(
        "The number of toolResult blocks at messages.{i}.content exceeds the number of toolUse blocks of "
        "previous turn.",
        "[obs] strands-agents/harness-sdk#1435, sergeevgit1/suna BEDROCK_TOOL_CALLING_ISSUE.md (a toolResult in a "
        "turn that follows no toolUse gets it too)"),
    "missing_results": Rule(
        "Expected toolResult blocks at messages.{i}.content for the following Ids: {ids}",
        "[obs] camel-ai/camel#3954 and a parallel-tool-call report (only the unanswered id listed). A "
        "toolResult naming an unknown id (counts equal) leaves a toolUse unanswered, so it gets this message: no "
        "separate wording has been seen"),
    "mixed_tool_result": Rule(
        "messages.{i}.content: Conversation blocks and tool result blocks cannot be provided in the same turn.",
        "[obs] strands-agents/harness-sdk#1223 (llama4-maverick-17b-instruct-v1:0), browser-use/browser-use#710 "
        "(Llama 3.3); Meta Llama only (Anthropic models take a text block beside a toolResult)"),
    "mixed_tool_use": Rule(
        "messages.{i}.content: Conversation blocks and tool use blocks cannot be provided in the same turn.",
        "[obs] quarkiverse/quarkus-langchain4j#1983 (us.meta.llama3-2-11b-instruct); assumed for Llama 4; "
        "Meta Llama only"),
    "last_user": Rule(
        "The model that you are using requires the last turn in the conversation to be a user message. Add a user "
        "message to the conversation and try again.",
        "[obs] i-am-bee/beeai-framework#753 (meta.llama3-8b-instruct), dipkumar.dev 'AWS Bedrock Converse API' "
        "(assistant prefill); assumed for Llama 4; Meta Llama only (Anthropic models accept a prefill)"),
}  # fmt: skip

META_ONLY = frozenset({"mixed_tool_result", "mixed_tool_use", "last_user"})
"""Rules seen for Meta Llama models only: applied when the foundation model id starts with ``meta.``."""

# Blocks that are conversation content, as against tool use and results (names from BR-MODEL ContentBlock).
_CONVERSATION = frozenset({"text", "image", "document", "video", "audio"})
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-()[]_ ")


def _refuse(rule: str, **facts: Any) -> NoReturn:
    raise validation(RULES[rule].words.format(**facts))


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body.get("messages") or [] if isinstance(m, dict)]


def _content(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message.get("content") or [] if isinstance(b, dict)]


def _ids(message: dict[str, Any], kind: str) -> list[str]:
    return [str((b.get(kind) or {}).get("toolUseId")) for b in _content(message) if kind in b]


def _media(body: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
    """Every ``kind`` block (image or document) of the conversation, tool results' content included."""
    for message in _messages(body):
        for block in _content(message):
            nested = (block.get("toolResult") or {}).get("content") or []
            for item in [block, *nested]:
                if isinstance(item, dict) and isinstance(item.get(kind), dict):
                    yield item[kind]


def _order(body: dict[str, Any], model: Model) -> None:
    messages = _messages(body)
    if not messages or messages[0].get("role") != "user":
        _refuse("first_user")
    for before, message in pairwise(messages):
        if message.get("role") == before.get("role"):
            _refuse("alternate")


def _turns(body: dict[str, Any], model: Model) -> None:
    """Each turn in order: content present, text not blank, media in user turns, tool use answered."""
    messages = _messages(body)
    meta = str(model.entry.get("id", model.id)).startswith("meta.")  # the META_ONLY rules (foundation id)
    for i, message in enumerate(messages):
        blocks = _content(message)
        if not blocks:
            _refuse("empty_content", i=i)
        for j, block in enumerate(blocks):
            if isinstance(block.get("text"), str) and not block["text"].strip():
                _refuse("blank_text", i=i, j=j)
        kinds = {key for block in blocks for key in block}
        if message.get("role") == "assistant" and {"image", "document"} & kinds:
            _refuse("media_role", i=i)
        if "document" in kinds and "text" not in kinds:
            _refuse("document_text")
        uses = _ids(message, "toolUse")
        repeated = sorted({u for u in uses if uses.count(u) > 1})
        if repeated:
            _refuse("duplicate_tool_use", i=i, ids=", ".join(repeated))
        if meta and _CONVERSATION & kinds and {"toolResult", "toolUse"} & kinds:
            _refuse("mixed_tool_result" if "toolResult" in kinds else "mixed_tool_use", i=i)
        _answers(messages, i)
    if meta and messages[-1].get("role") == "assistant":
        _refuse("last_user")


def _answers(messages: list[dict[str, Any]], i: int) -> None:
    """A user turn answers every toolUse of the assistant turn before it, with no more results than uses."""
    if messages[i].get("role") != "user":
        return
    uses = _ids(messages[i - 1], "toolUse") if i else []
    results = _ids(messages[i], "toolResult")
    if len(results) > len(uses):
        _refuse("extra_results", i=i)
    missing = [u for u in dict.fromkeys(uses) if u not in results]
    if missing:
        _refuse("missing_results", i=i, ids=", ".join(missing))


def _documents(body: dict[str, Any], model: Model) -> None:
    documents = list(_media(body, "document"))
    for document in documents:
        name = str(document.get("name", ""))
        if not set(name) <= _NAME_CHARS or "  " in name:
            _refuse("document_name")
        data = blob(document.get("source"))
        if data is not None and len(data) > LIMITS.document_bytes:
            _refuse("document_size")
    if len(documents) > LIMITS.documents:
        _refuse("documents", limit=LIMITS.documents)
    names = [str(d.get("name", "")) for d in documents]
    if len(set(names)) < len(names):
        _refuse("duplicate_document")


def _images(body: dict[str, Any], model: Model) -> None:
    images = list(_media(body, "image"))
    if len(images) > LIMITS.images:
        _refuse("images", limit=LIMITS.images)
    for image in images:
        data = blob(image.get("source"))
        if data is None:
            continue
        if len(data) > LIMITS.image_bytes:
            _refuse("image_size")
        size = pixels(data)
        if size is not None and max(size) > LIMITS.image_pixels:
            _refuse("image_pixels", limit=LIMITS.image_pixels)


CHECKS: list[Callable[[dict[str, Any], Model], None]] = [_order, _turns, _documents, _images]
"""The checks in the order they run; the first refusal wins."""


def check_conversation(model: Model, body: dict[str, Any]) -> None:
    """Refuse a schema-valid Converse body that breaks one of Bedrock's conversation rules (400 ValidationException)."""
    for check in CHECKS:
        check(body, model)
