"""Named switches for behaviour where a provider's docs and its observed traffic disagree.

The default of each quirk is what the traffic shows; the other values reproduce the documented (or
older) behaviour. Choose per server (``--quirk NAME=VALUE``, ``MockConfig.quirks``) or per request
(header ``x-mock-quirk: NAME=VALUE[, NAME=VALUE]``).
"""

from dataclasses import dataclass

from mockserver.errors import MockError
from mockserver.http import MockRequest

__all__ = ["QUIRKS", "Quirk", "check_quirks", "quirk"]


@dataclass(frozen=True, slots=True)
class Quirk:
    """One disagreement between docs and traffic, and the behaviours the mock can show."""

    name: str
    choices: tuple[str, ...]
    """The first choice is the default: what observed traffic does."""
    source: str
    summary: str

    @property
    def default(self) -> str:
        """The behaviour observed in real traffic."""
        return self.choices[0]


QUIRKS: dict[str, Quirk] = {
    q.name: q
    for q in [
        Quirk(
            "openrouter.usage_chunk",
            ("2026", "2025", "docs"),
            "wire-contracts 1.4: [obs] stream-003 (2026), stream-002/004/005 (2025); OR-DOCS overview",
            "final usage chunk: 2026 repeats finish_reason with one choice; 2025 has one choice with "
            "finish_reason null; the docs say choices: []",
        ),
        Quirk(
            "openrouter.credits",
            ("observed", "docs"),
            "OR-SPEC /credits description (management key required, 403); [3p] openchamber PR #3411 (200 zeros)",
            "GET /credits with an ordinary key: observed 200 with zeros; docs 403",
        ),
        Quirk(
            "aimlapi.envelope",
            ("2025", "2026"),
            "wire-contracts 2.3: docs-published 2025-04 responses vs 2026 docs pages",
            "chat response: 2025 Together-style id, upstream model name, three usage counters; 2026 an "
            "OpenRouter-like gen- id with native_finish_reason and top-level meta.usage credits",
        ),
        Quirk(
            "aimlapi.errors",
            ("documented", "problem-2026"),
            "AIML-DOCS errors-and-messages/general-info.md vs [obs] api-evangelist/aimlapi "
            "errors/aimlapi-problem-types.yml (third-party live probe, 2026-08-30)",
            "error body: documented {requestId, statusCode, timestamp, path, message}; a 2026 probe saw "
            "problem+json {title, status, message, instance, requestId, timestamp, error{name}}. The documented "
            "shape stays the default: the only later observation is one third-party probe file",
        ),
        Quirk(
            "aimlapi.done",
            ("on", "off"),
            "wire-contracts 2.4: the published transcript shows no data: [DONE] (possibly trimmed)",
            "whether AI/ML API streams end with data: [DONE]",
        ),
        Quirk(
            "bedrock.stream_mode",
            ("catalogue", "no-tools", "on", "off"),
            "BR-DOCS (Llama 4 does not stream) vs earendil-works/pi#3739 (plain streaming works, tools refused)",
            "Llama 4 streaming: catalogue = each model's own switch in fixtures/bedrock/models.json",
        ),
    ]
}


def _header_choices(request: MockRequest | None) -> dict[str, str]:
    raw = request.header("x-mock-quirk") if request is not None else None
    chosen = {}
    for item in (raw or "").split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            chosen[name.strip()] = value.strip()
    return chosen


def check_quirks(choices: dict[str, str], where: str) -> None:
    """Raise the mock's own error for an unknown quirk or value."""
    for name, value in choices.items():
        known = QUIRKS.get(name)
        if known is None:
            raise MockError("Unknown quirk", f"{where}: {name!r}", fix=f"Known quirks: {', '.join(sorted(QUIRKS))}.")
        if value not in known.choices:
            raise MockError(
                "Bad quirk value", f"{where}: {name}={value!r}", fix=f"Choose one of: {', '.join(known.choices)}."
            )


def quirk(name: str, configured: dict[str, str], request: MockRequest | None = None) -> str:
    """The behaviour to show for ``name``: the request header, else the configuration, else the traffic default."""
    from_header = _header_choices(request)
    check_quirks(from_header, "x-mock-quirk header")
    return from_header.get(name) or configured.get(name) or QUIRKS[name].default
