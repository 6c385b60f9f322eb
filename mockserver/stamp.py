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
        # each piece: as it is (nothing per call), or its parts with (position, slot) of each slot among them
        self._pieces: list[bytes | tuple[list[bytes], list[tuple[int, int]]]] = []
        self.size = len(pieces)
        for piece in pieces:
            parts: list[bytes] = []
            slots: list[tuple[int, int]] = []
            at = 0
            for found in _FOUND.finditer(piece):
                parts.append(piece[at : found.start()])
                slots.append((len(parts), int(found.group(1) or found.group(2))))
                parts.append(b"")
                at = found.end()
            if not slots:
                self._pieces.append(piece)
                continue
            parts.append(piece[at:])
            self._pieces.append((parts, slots))

    def fill(self, values: Sequence[bytes]) -> list[bytes]:
        """Every piece with slot ``i`` replaced by ``values[i]``."""
        return [piece if isinstance(piece, bytes) else _filled(piece, values) for piece in self._pieces]

    def fill_one(self, values: Sequence[bytes]) -> bytes:
        """The single piece (a whole body) filled."""
        piece = self._pieces[0]
        return piece if isinstance(piece, bytes) else _filled(piece, values)


def _filled(piece: tuple[list[bytes], list[tuple[int, int]]], values: Sequence[bytes]) -> bytes:
    parts, slots = piece
    filled = parts.copy()
    for position, index in slots:
        filled[position] = values[index]
    return b"".join(filled)
