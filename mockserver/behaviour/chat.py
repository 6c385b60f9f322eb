"""Provider-neutral view of a chat request and of the reply to it.

Each provider's responder turns its own request vocabulary into a ``ChatQuery`` and renders a
``Reply`` back in its own vocabulary, so one fixture can answer the same conversation on all
three providers.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ChatQuery", "Message", "Reply", "Thinking", "Tool", "ToolCall"]

Finish = Literal["stop", "length", "tool_calls"]


@dataclass(slots=True)
class Message:
    """One turn, reduced to what matching and token counting need."""

    role: str
    text: str = ""
    images: int = 0
    tool_call_id: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Tool:
    """A function the model may call, with its JSON Schema parameters."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Thinking:
    """Reasoning the provider decided this request gets (the model reasons, and how much), in neutral terms."""

    effort: str = "medium"
    """``minimal`` ... ``max`` (OpenRouter's ReasoningEffort scale), how long the reasoning runs."""
    budget: int | None = None
    """At most this many reasoning tokens (OpenRouter ``reasoning.max_tokens``)."""
    shown: bool = True
    """False: the model reasons (and bills it) but the reasoning is left out of the answer (``exclude``)."""


@dataclass(slots=True)
class ChatQuery:
    """A chat request in provider-neutral terms."""

    provider: str
    operation: str
    model: str
    family: str
    messages: list[Message]
    tools: list[Tool] = field(default_factory=list)
    tool_choice: str | None = None
    """``auto``, ``none``, ``required`` or the name of the one function to call."""
    response_schema: dict[str, Any] | None = None
    json_mode: bool = False
    max_tokens: int | None = None
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    stream: bool = False
    body: Any = None
    """The request body as parsed, for fixtures that match on raw fields."""
    features: frozenset[str] = frozenset()
    """What the request uses, in the capability matrix's terms (``behaviour/capabilities.py`` FEATURES)."""
    thinking: Thinking | None = None
    """Set when the model reasons on this request (the provider's query step decides; None: no reasoning)."""

    @property
    def last_user_text(self) -> str:
        """Text of the last user turn ('' if none)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.text
        return ""

    @property
    def answers_tool(self) -> bool:
        """Whether the conversation ends with a tool result (the model should now answer in text)."""
        return bool(self.messages) and self.messages[-1].role == "tool"


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model makes."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(slots=True)
class Reply:
    """What the model says, before any provider's wire format is applied."""

    text: str
    tool_calls: list[ToolCall]
    finish: Finish
    prompt_tokens: int
    completion_tokens: int
    stop_sequence: str | None = None
    """The stop string that ended the text, when one did."""
    pieces: list[str] = field(default_factory=list)
    """The text cut into stream deltas; joined they give ``text``."""
    fixture: str | None = None
    """Name of the fixture that answered, or None for a generated reply."""
    reasoning: str = ""
    """The model's reasoning before its answer ('' when it did not reason); in ``completion_tokens`` too."""
    reasoning_pieces: list[str] = field(default_factory=list)
    """The reasoning cut into stream deltas, sent before the first content delta."""
    reasoning_tokens: int = 0
    reasoning_shown: bool = True
    """False: reasoned and billed, but not returned (OpenRouter ``reasoning.exclude``)."""

    @property
    def visible_reasoning(self) -> str:
        """The reasoning a renderer shows ('' when there is none or it is excluded)."""
        return self.reasoning if self.reasoning_shown else ""
