"""Fixture matchers (tiny functions returning why a request fails them) and the strict-mode near-miss ranking.

Every step is bounded whatever the prompt and the number of fixtures: the last user message is folded once per
request (not once per fixture), reasons quote at most ``QUOTE_CHARS`` of either side, and the likeness that
orders near misses compares at most ``LIKENESS_CHARS`` of each text, exactly for at most ``SCORED_EXACTLY``
fixtures, picked by difflib's cheap upper bound (``quick_ratio``).
"""

import difflib
import functools
import heapq
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from mockserver.behaviour.chat import ChatQuery

__all__ = ["LIKENESS_CHARS", "MATCHERS", "SCORED_EXACTLY", "TEXT_MATCHERS", "Text", "rank"]

LIKENESS_CHARS = 256
"""How much of each text (folded) the likeness compares: difflib is quadratic, so a 1 MB prompt is not fed to it."""
SCORED_EXACTLY = 32
"""At most this many fixtures get difflib's exact ratio per error; the others are ranked by its upper bound."""
QUOTE_CHARS = 60
"""How much of a message or of a fixture's text a reason quotes."""
TEXT_MATCHERS = ("user_message", "user_message_contains")
T = TypeVar("T")


class Text(str):
    """A text matcher's value, folded once when its fixture is built (a recorded prompt may be 100 KB)."""

    folded: str

    @classmethod
    def of(cls, value: str) -> "Text":
        """``value`` carrying its stripped, case-folded form."""
        text = cls(value)
        text.folded = value.strip().casefold()
        return text


def _text(value: Any) -> str:
    return value.folded if isinstance(value, Text) else str(value).strip().casefold()


def folded_prefix(value: Any, size: int) -> str:
    """``_text(value)[:size]`` without folding the rest of a long text."""
    if isinstance(value, Text):
        return value.folded[:size]
    return str(value).strip()[:size].casefold()[:size]  # casefold maps each character on its own


class _Heard:
    """A last user message, folded once, and the ``contains`` answers found in it so far."""

    __slots__ = ("found", "text")

    def __init__(self, text: str) -> None:
        self.text = _text(text)
        self.found: dict[str, bool] = {}


@functools.lru_cache(maxsize=4)
def _heard(text: str) -> _Heard:
    # The same (possibly 1 MB) message is read by every fixture of a request, and again by the near-miss
    # ranking after the lookup failed: fold it once, and search it once per needle.
    return _Heard(text)


def said(query: ChatQuery) -> str:
    """The last user message, stripped and case-folded (cached: one fold per request, not per fixture)."""
    return _heard(query.last_user_text).text


def _contains(want: Any, query: ChatQuery) -> bool:
    heard, needle = _heard(query.last_user_text), _text(want)
    found = heard.found.get(needle)
    if found is None:
        found = needle in heard.text
        if len(needle) <= LIKENESS_CHARS and len(heard.found) < 4096:  # bounded: at most ~1 MB per message
            heard.found[needle] = found
    return found


def _quote(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)  # str() of a long str subclass would copy it
    return repr(text[:QUOTE_CHARS]) + ("…" if len(text) > QUOTE_CHARS else "")


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in expected.items())
    return bool(expected == actual)


# Each matcher returns None when the request passes, or the reason it does not (vcrpy-style).
Matcher = Callable[[Any, ChatQuery], str | None]
MATCHERS: dict[str, Matcher] = {
    "model": lambda want, q: None if want in (q.model, q.family) else f"model is {q.model!r}, fixture wants {want!r}",
    "user_message": lambda want, q: (
        None
        if _text(want) == said(q)
        else f"last user message is {_quote(q.last_user_text)}, fixture wants exactly {_quote(want)}"
    ),
    "user_message_contains": lambda want, q: (
        None
        if _contains(want, q)
        else f"last user message {_quote(q.last_user_text)} does not contain {_quote(want)}"
    ),
    "stream": lambda want, q: None if bool(want) == q.stream else f"stream is {q.stream}, fixture wants {bool(want)}",
    "has_tools": lambda want, q: (
        None if bool(want) == bool(q.tools) else f"request {'has' if q.tools else 'has no'} tools"
    ),
    "tool_result": lambda want, q: (
        None
        if bool(want) == q.answers_tool
        else f"conversation {'ends' if q.answers_tool else 'does not end'} with a tool result"
    ),
    "seed": lambda want, q: None if want == q.seed else f"seed is {q.seed!r}, fixture wants {want!r}",
    # Turns in the conversation (system included): keeps apart agent-loop steps that end on the same user text.
    "turns": lambda want, q: (
        None if want == len(q.messages) else f"conversation has {len(q.messages)} turns, fixture wants {want}"
    ),
    "body": lambda want, q: (
        None if _subset(want, q.body) else "request body does not contain the fixture's `body` fields"
    ),
    "providers": lambda want, q: None if q.provider in want else f"fixture is only for {', '.join(want)}",
}


def rank(misses: Sequence[tuple[T, dict[str, Any], list[str]]], query: ChatQuery, limit: int) -> list[T]:
    """The ``limit`` closest near misses: fewest failed matchers first, then the most alike text, then order.

    ``misses`` holds (item, its ``match`` object, the reasons it failed), in precedence order. Only the groups
    of equal failure counts that reach into the first ``limit`` are ordered by likeness at all.
    """
    groups: dict[int, list[int]] = {}
    for index, (_, _, reasons) in enumerate(misses):
        groups.setdefault(len(reasons), []).append(index)
    chosen: list[int] = []
    heard = said(query)[:LIKENESS_CHARS]  # folded once per request (``_heard``)
    for count in sorted(groups):
        if len(chosen) >= limit:
            break
        group = groups[count]
        wanted = limit - len(chosen)
        if len(group) == 1:
            chosen += group
            continue
        best = _most_alike([misses[i][1] for i in group], heard, wanted)
        chosen += [group[j] for j in best]
    return [misses[i][0] for i in chosen]


def _most_alike(matches: list[dict[str, Any]], heard: str, count: int) -> list[int]:
    """Indexes of the ``count`` matches whose text matchers are most like ``heard``, best first (ties: order).

    Each text is compared in its first ``LIKENESS_CHARS`` only. difflib's ``quick_ratio`` bounds ``ratio``
    from above, so exact ratios are computed in decreasing bound order, stopping when no bound can beat the
    ``count``-th best found, and after ``SCORED_EXACTLY`` at most; the rest keep their bound as their score.
    """
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(heard)  # difflib indexes the second sequence once; each fixture only sets the first
    bounds: list[tuple[float, int, list[str]]] = []
    for index, match in enumerate(matches):
        texts = [folded_prefix(match[k], LIKENESS_CHARS) for k in TEXT_MATCHERS if k in match]
        bound = 0.0
        for text in texts:
            matcher.set_seq1(text)
            bound = max(bound, matcher.quick_ratio())
        bounds.append((bound, index, texts))
    bounds.sort(key=lambda item: (-item[0], item[1]))
    scores: list[tuple[float, int]] = []  # (-score, index): the smallest are the best, earlier first on ties
    exact: list[float] = []
    for position, (bound, index, texts) in enumerate(bounds):
        if position >= SCORED_EXACTLY or (len(exact) >= count and bound < sorted(exact, reverse=True)[count - 1]):
            scores += [(-b, i) for b, i, _ in bounds[position:]]
            break
        ratio = 0.0
        for text in texts:
            matcher.set_seq1(text)
            ratio = max(ratio, matcher.ratio())
        exact.append(ratio)
        scores.append((-ratio, index))
    return [index for _, index in heapq.nsmallest(count, scores)]
