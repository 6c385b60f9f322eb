"""Rendered bytes with per-call values left as slots: render a document once, fill it for each call (issue #12).

A renderer builds its document with ``slot(i)`` where a per-call value goes (an id, a timestamp), serialises it
as usual, and keeps ``Stamp(pieces)``; each identical request then fills the slots with that call's values
(``Stamp.fill``), which costs a join instead of a serialisation. A slot that is a whole JSON string (``"<slot>"``,
quotes included) is replaced by the value's JSON text as given (``b'"gen-1-abc"'``, ``b'1700000000'``); a slot
inside a longer string is replaced by the bare text. The markers are private-use characters that the
serialisers write as they are (``ensure_ascii=False``), so they are found in the bytes.
"""

import re
from collections.abc import Sequence

__all__ = ["Stamp", "slot"]

_MARK = "\ue000"
_FOUND = re.compile(rb'"\xee\x80\x80s(\d)\xee\x80\x80"|\xee\x80\x80s(\d)\xee\x80\x80')


def slot(index: int) -> str:
    """The marker of slot ``index`` (0-9), to put in a document where a per-call value goes."""
    return f"{_MARK}s{index}{_MARK}"


class Stamp:
    """Pieces (a body, or a stream's chunks) split at their slots."""

    __slots__ = ("_pieces", "size")

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces: list[tuple[bytes, ...] | bytes] = []
        self.size = len(pieces)
        for piece in pieces:
            parts: list[bytes | int] = []
            at = 0
            for found in _FOUND.finditer(piece):
                parts.append(piece[at : found.start()])
                parts.append(int(found.group(1) or found.group(2)))
                at = found.end()
            if not parts:
                self._pieces.append(piece)  # nothing per call: sent as it is
                continue
            parts.append(piece[at:])
            self._pieces.append(tuple(parts))  # type: ignore[arg-type]

    def fill(self, values: Sequence[bytes]) -> list[bytes]:
        """Every piece with slot ``i`` replaced by ``values[i]``."""
        out = []
        for piece in self._pieces:
            if isinstance(piece, bytes):
                out.append(piece)
            else:
                out.append(b"".join(values[p] if isinstance(p, int) else p for p in piece))
        return out

    def fill_one(self, values: Sequence[bytes]) -> bytes:
        """The single piece (a whole body) filled."""
        return self.fill(values)[0]
