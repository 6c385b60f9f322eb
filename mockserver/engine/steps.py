"""The pipeline's steps that need only the call: the capability and context checks, and pacing."""

from mockserver.behaviour.capabilities import first_unsupported
from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.generate import prompt_tokens, tool_tokens
from mockserver.behaviour.pacing import delays
from mockserver.engine.call import Call
from mockserver.errors import ErrorKind, ProviderError
from mockserver.http import MockResponse

__all__ = ["check_capabilities", "check_context", "pace"]


def check_capabilities(call: Call, query: ChatQuery) -> None:
    """Refuse a feature the model's capability matrix marks unsupported (every operation, every provider)."""
    if call.model is None:
        return
    cell = first_unsupported(query.features, call.model.capabilities)
    if cell is not None:
        raise ProviderError(ErrorKind.UNSUPPORTED, facts={"capability": cell, "feature": cell.feature})


def check_context(call: Call, query: ChatQuery) -> None:
    """Refuse a prompt and output budget beyond the model's context window or output limit (every provider)."""
    model = call.model
    if model is None:
        return
    prompt, wanted = prompt_tokens(query), query.max_tokens or 0
    if wanted > model.max_output_tokens or prompt + wanted > model.context_window:
        facts = {"prompt": prompt, "tools": tool_tokens(query), "wanted": wanted,
                 "context": model.context_window, "max_output": model.max_output_tokens}  # fmt: skip
        raise ProviderError(ErrorKind.CONTEXT, facts=facts)


def pace(call: Call, response: MockResponse, configured: float) -> None:
    """Set ``response.delays`` for a successful generation when pacing is on; every transport honours them.

    ``configured`` is ``--pace``; the request's ``x-mock-pace`` overrides it.
    """
    scale = call.controls.pace if call.controls.pace is not None else configured
    speed = call.model.speed if call.model is not None else None
    if response.status >= 300 or scale <= 0 or speed is None or (call.reply is None and call.fixture is None):
        return
    parts = 1 if response.chunks is None else len(response.chunks)
    # A recorded response has no Reply: count one token per streamed piece after the first (assumed).
    tokens = call.reply.completion_tokens if call.reply is not None else max(parts - 1, 0)
    response.delays = delays(speed, tokens, parts, scale)
