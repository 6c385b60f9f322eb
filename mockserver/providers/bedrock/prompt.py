"""Parse a Llama chat-template prompt (Llama 3 or Llama 4 markers) into provider-neutral messages."""

import re

from mockserver.behaviour.chat import Message

__all__ = ["parse_prompt"]

# Llama 3: <|start_header_id|>role<|end_header_id|> ... <|eot_id|> (AWS example llama3_invoke_model.py).
# Llama 4: <|header_start|>role<|header_end|> ... <|eot|> (Meta Llama 4 prompt format).
_HEADER = re.compile(r"<\|(?:start_header_id|header_start)\|>(?P<role>[^<]*?)<\|(?:end_header_id|header_end)\|>")
_END = re.compile(r"<\|(?:eot_id|eot|eom_id|eom|end_of_text)\|>")
_IMAGE = re.compile(r"<\|image\|>")
_SPECIAL = re.compile(r"<\|[a-z_]+\|>")
# ipython is Llama 3's tool-result role; Llama 4 also accepts "tool" (Meta prompt-format docs).
_ROLES = {"system": "system", "user": "user", "assistant": "assistant", "ipython": "tool", "tool": "tool"}


def parse_prompt(prompt: str, images: int = 0) -> list[Message]:
    """Split a templated prompt into turns; a plain prompt is one user turn. ``images`` go to the last user turn."""
    headers = list(_HEADER.finditer(prompt))
    messages: list[Message] = []
    if not headers:
        messages.append(Message("user", _clean(prompt)))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(prompt)
        raw = prompt[header.end() : end]
        closed = _END.search(raw)
        body = raw[: closed.start()] if closed else raw
        role = _ROLES.get(header["role"].strip(), "user")
        text = _clean(body)
        if role == "assistant" and closed is None and not text and i == len(headers) - 1:
            continue  # the empty trailing assistant header only primes the reply
        messages.append(Message(role, text, images=len(_IMAGE.findall(body))))
    if images:
        for message in reversed(messages):
            if message.role == "user":
                message.images = max(message.images, images)
                break
    return messages


def _clean(text: str) -> str:
    return _SPECIAL.sub("", text).strip()
