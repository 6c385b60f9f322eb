"""A scenario step's matchers: tiny functions that return why a call fails them (as ``matchers.py``), for the
things an agent loop tells its calls apart by: the turn, the last tool results, the system prompt, the tool set.

The same last user message appears in every call of one agent loop, so text alone cannot pick the step
(CopilotKit/aimock#185, #276, #166).
"""

import hashlib
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Message
from mockserver.behaviour.matchers import MATCHERS, Matcher

__all__ = ["STEP_MATCHERS", "last_results", "step_misses", "system_text", "tool_name", "turn_of"]

_QUOTE = 60


def _quote(text: str) -> str:
    return repr(text[:_QUOTE]) + ("…" if len(text) > _QUOTE else "")


def _fold(text: str) -> str:
    return text.strip().casefold()


def turn_of(query: ChatQuery) -> int:
    """Which model call of the conversation this is: 1 + the assistant turns already in it."""
    return 1 + sum(1 for m in query.messages if m.role == "assistant")


def system_text(query: ChatQuery) -> str:
    """The system prompt: every system (or OpenAI ``developer``) turn's text, joined by a newline."""
    return "\n".join(m.text for m in query.messages if m.role in ("system", "developer"))


def last_results(query: ChatQuery) -> list[Message]:
    """The tool results that end the conversation (the last round; several after a parallel call)."""
    results: list[Message] = []
    for message in reversed(query.messages):
        if message.role != "tool":
            break
        results.insert(0, message)
    return results


def tool_name(query: ChatQuery, result: Message) -> str | None:
    """The name of the tool a result answers, from the call with its id in an assistant turn."""
    for message in query.messages:
        for call in message.tool_calls:
            if isinstance(call, dict) and call.get("id") == result.tool_call_id:
                # chat completions: {"function": {"name"}}; Converse (behaviour of documents.py): {"name"}
                function = call.get("function")
                name = function.get("name") if isinstance(function, dict) else call.get("name")
                return str(name) if name is not None else None
    return None


def _tool_result(want: Any, query: ChatQuery) -> str | None:
    results = last_results(query)
    if not results:
        return "conversation does not end with a tool result"
    for result in results:
        name = tool_name(query, result)
        if "name" in want and want["name"] != name:
            continue
        if "content" in want and _fold(want["content"]) != _fold(result.text):
            continue
        if "content_contains" in want and _fold(want["content_contains"]) not in _fold(result.text):
            continue
        return None
    seen = ", ".join(f"{tool_name(query, r) or '?'}: {_quote(r.text)}" for r in results)
    return f"the last tool results are [{seen}], step wants {want}"


def _system(want: Any, query: ChatQuery) -> str | None:
    text = system_text(query)
    return None if want.strip() == text.strip() else f"system prompt is {_quote(text)}, step wants {_quote(want)}"


def _system_contains(want: Any, query: ChatQuery) -> str | None:
    text = system_text(query)
    return None if _fold(want) in _fold(text) else f"system prompt {_quote(text)} does not contain {_quote(want)}"


def _system_sha256(want: Any, query: ChatQuery) -> str | None:
    digest = hashlib.sha256(system_text(query).encode("utf-8", "surrogatepass")).hexdigest()
    return None if want == digest else f"system prompt's sha256 is {digest[:12]}…, step wants {str(want)[:12]}…"


def _tools(want: Any, query: ChatQuery) -> str | None:
    names = sorted(t.name for t in query.tools)
    return None if sorted(want) == names else f"tool set is {names}, step wants {sorted(want)}"


def _provider(want: Any, query: ChatQuery) -> str | None:
    wanted = [want] if isinstance(want, str) else list(want)
    return None if query.provider in wanted else f"provider is {query.provider}, step wants {', '.join(wanted)}"


def _turn(want: Any, query: ChatQuery) -> str | None:
    turn = turn_of(query)
    return None if want == turn else f"this is call {turn} of the conversation, step wants call {want}"


STEP_MATCHERS: dict[str, Matcher] = {
    "provider": _provider,
    "model": MATCHERS["model"],
    "stream": MATCHERS["stream"],
    "turn": _turn,
    "tools": _tools,
    "tool_result": _tool_result,
    "system_sha256": _system_sha256,
    "system": _system,
    "system_contains": _system_contains,
    "user_message": MATCHERS["user_message"],
    "user_message_contains": MATCHERS["user_message_contains"],
}
"""Cheapest first: a step for another provider or turn fails before any text is compared."""


def step_misses(match: dict[str, Any], query: ChatQuery) -> list[str]:
    """The reasons a step's (or a scenario's) ``match`` fails ``query``, each ``name: why``; empty: it matches."""
    reasons = []
    for key, matcher in STEP_MATCHERS.items():
        if key in match:
            reason = matcher(match[key], query)
            if reason:  # the fixture matchers' words, said of a step
                reasons.append(f"{key}: {reason.replace('fixture wants', 'step wants')}")
    return reasons
