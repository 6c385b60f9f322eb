"""Cut secrets out of a whole recorded body, not event by event: a key the model streams back in ten deltas is
found in the text the deltas make together, and every fragment of it is removed.

Two passes over the frames, whose number and order are kept (``chunks_ms`` still lines up):

1. **Decoded text**: every JSON string of every frame (SSE ``data:`` lines, event-stream payloads and the JSON
   inside their base64 ``bytes``, a raw JSON body), grouped by JSON path and joined across frames in order, is
   searched by ``Redactor.spans``; each fragment of a secret is cut from the string it lies in. A frame whose
   secrets cannot be cut from its bytes as they are (split, escaped, base64) is re-encoded from its documents.
2. **Bytes as written**: the frames' text, joined, is searched again with the secrets pass 1 found added as
   literals, which also covers what is not JSON (comments, plain text, a broken frame).
"""

import base64
import binascii
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from contracts.wire.eventstream import DecodeError, Message, decode_messages, encode_message
from mockserver.record.redact import Redactor, cut

__all__ = ["scrub", "scrub_document"]

Path = tuple[Any, ...]
Docs = list[tuple[Path, Any]]
"""The JSON documents of one frame, each with the path prefix its strings are grouped under."""
_INNER = "<bytes>"  # the prefix of the document inside an event-stream payload's base64 ``bytes``


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> Any:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict | list) else None


def _leaves(document: Any, prefix: Path) -> Iterator[tuple[Path, Any, Any]]:
    """(path, container, key) of every string in ``document``, in document order; no recursion (deep JSON)."""
    stack: list[tuple[Path, Any]] = [(prefix, document)]
    while stack:
        path, node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        nested = []
        for key, value in items:
            if isinstance(value, str):
                yield (*path, key), node, key
            elif isinstance(value, dict | list):
                nested.append(((*path, key), value))
        stack.extend(reversed(nested))


@dataclass(frozen=True, slots=True)
class _Codec:
    """How one framing's frames are read as documents and as text, and written back."""

    docs: Callable[[bytes], Docs]
    rebuild: Callable[[bytes, Docs], bytes]
    text: Callable[[bytes], str]
    encode: Callable[[bytes, str], bytes]


def _text(frame: bytes) -> str:
    return frame.decode("utf-8", "surrogateescape")  # any bytes round-trip


def _encode(frame: bytes, text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _data_lines(frame: bytes) -> Iterator[tuple[int, str, str, str]]:
    """(line index, ``data:`` prefix, value, line ending) of each SSE data line of ``frame``."""
    for index, line in enumerate(_text(frame).splitlines(keepends=True)):
        if line.startswith("data:"):
            body = line.rstrip("\r\n")
            prefix = "data: " if body.startswith("data: ") else "data:"
            yield index, prefix, body[len(prefix) :], line[len(body) :]


def _sse_docs(frame: bytes) -> Docs:
    return [((), doc) for _, _, value, _ in _data_lines(frame) if (doc := _loads(value)) is not None]


def _sse_rebuild(frame: bytes, docs: Docs) -> bytes:
    lines, remaining = _text(frame).splitlines(keepends=True), iter(docs)
    for index, prefix, value, ending in _data_lines(frame):
        if _loads(value) is not None:
            lines[index] = prefix + _dumps(next(remaining)[1]) + ending
    return _encode(frame, "".join(lines))


def _message(frame: bytes) -> Message | None:
    try:
        [message] = decode_messages(frame)
    except (DecodeError, ValueError):
        return None
    return message


def _inner(outer: Any) -> Any:
    # InvokeModelWithResponseStream wraps each chunk as {"bytes": base64(json)} (BR-MODEL PayloadPart).
    if not isinstance(outer, dict) or not isinstance(outer.get("bytes"), str):
        return None
    try:
        return _loads(base64.b64decode(outer["bytes"], validate=True).decode("utf-8", "surrogateescape"))
    except (binascii.Error, ValueError):
        return None


def _es_docs(frame: bytes) -> Docs:
    message = _message(frame)
    outer = _loads(_text(message.payload)) if message else None
    if outer is None:
        return []
    inner = _inner(outer)
    if inner is None:
        return [((), outer)]
    return [((), {k: v for k, v in outer.items() if k != "bytes"}), ((_INNER,), inner)]


def _es_rebuild(frame: bytes, docs: Docs) -> bytes:
    message = _message(frame)
    assert message is not None, "only frames that had documents are rebuilt"
    outer = docs[0][1]
    if len(docs) == 2:
        original = json.loads(message.payload)
        packed = base64.b64encode(_dumps(docs[1][1]).encode("utf-8", "surrogateescape")).decode("ascii")
        outer = {k: packed if k == "bytes" else outer[k] for k in original}
    return encode_message(message.headers, _dumps(outer).encode("utf-8", "surrogateescape"))


def _es_text(frame: bytes) -> str:
    message = _message(frame)
    return _text(message.payload) if message else frame.decode("latin-1")


def _es_encode(frame: bytes, text: str) -> bytes:
    message = _message(frame)
    if message is None:  # not a message at all: its bytes, scrubbed as text
        return text.encode("latin-1", "replace")
    return encode_message(message.headers, _encode(frame, text))


def _raw_docs(frame: bytes) -> Docs:
    document = _loads(_text(frame))
    return [] if document is None else [((), document)]


_CODECS = {
    "sse": _Codec(_sse_docs, _sse_rebuild, _text, _encode),
    "eventstream": _Codec(_es_docs, _es_rebuild, _es_text, _es_encode),
    "raw": _Codec(_raw_docs, lambda frame, docs: _encode(frame, _dumps(docs[0][1])), _text, _encode),
}


def _cut_strings(frames_docs: list[Docs], redactor: Redactor) -> tuple[set[int], set[str]]:
    """Pass 1 on the documents, in place: which frames changed, and the secrets found."""
    streams: dict[Path, list[tuple[int, Any, Any]]] = {}
    for index, docs in enumerate(frames_docs):
        for prefix, document in docs:
            for path, holder, key in _leaves(document, prefix):
                streams.setdefault(path, []).append((index, holder, key))
    changed: set[int] = set()
    found: set[str] = set()
    for refs in streams.values():
        pieces = [holder[key] for _, holder, key in refs]
        whole = "".join(pieces)
        spans = redactor.spans(whole)
        if not spans:
            continue
        found.update(whole[start:end] for start, end in spans)
        for (index, holder, key), old, new in zip(refs, pieces, cut(pieces, spans), strict=True):
            if new != old:
                holder[key] = new
                changed.add(index)
    return changed, found


def _cut_text(frames: list[bytes], codec: _Codec, redactor: Redactor) -> list[bytes]:
    """Pass 2: the frames' text searched as one (a newline between frames, which no secret shape spans)."""
    texts = [codec.text(frame) for frame in frames]
    pieces = [part for text in texts for part in (text, "\n")]
    cleaned = cut(pieces, redactor.spans("".join(pieces)))[::2]
    pairs = zip(frames, texts, cleaned, strict=True)
    return [frame if new == old else codec.encode(frame, new) for frame, old, new in pairs]


def scrub(frames: list[bytes], framing: str, redactor: Redactor) -> list[bytes]:
    """``frames`` (``sse``, ``eventstream`` or ``raw``) with every secret cut out; one frame out per frame in."""
    codec = _CODECS.get(framing, _CODECS["raw"])
    frames_docs = [codec.docs(frame) for frame in frames]
    changed, found = _cut_strings(frames_docs, redactor)
    literal = redactor.also(found)
    out = list(frames)
    for index in sorted(changed):
        # Cut from the bytes as they are when that gives the same documents (keeps the upstream's formatting).
        [as_text] = _cut_text([frames[index]], codec, literal)
        if codec.docs(as_text) != frames_docs[index]:
            out[index] = codec.rebuild(frames[index], frames_docs[index])
    return _cut_text(out, codec, literal)


def scrub_document(document: Any, redactor: Redactor) -> Any:
    """A JSON-able ``document`` with every secret cut out of its strings (a fixture before it is written)."""
    clean = copy.deepcopy(document)
    _cut_strings([[((), clean)]], redactor)
    return clean
