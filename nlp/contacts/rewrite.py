"""Offset-keeping text rewrites: a cleaned copy of a text that can map spans back to the source."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start:end]`` by ``text``; ``tag`` names why (e.g. ``"words"``)."""

    start: int
    end: int
    text: str
    tag: str


class Layer:
    """A rewritten text plus the way back: spans in ``text`` map to spans in ``source``."""

    __slots__ = ("_edits", "_new_starts", "source", "text")

    def __init__(self, source: str, edits: Iterable[Edit] = ()) -> None:
        self.source = source
        kept: list[Edit] = []
        new_starts: list[int] = []
        parts: list[str] = []
        pos = out_len = 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            if edit.start < pos:  # overlapping edits: the earlier one wins
                continue
            parts.append(source[pos : edit.start])
            out_len += edit.start - pos
            new_starts.append(out_len)
            kept.append(edit)
            parts.append(edit.text)
            out_len += len(edit.text)
            pos = edit.end
        self._edits = kept
        self._new_starts = new_starts
        self.text = "".join(parts) + source[pos:] if kept else source

    @property
    def changed(self) -> bool:
        """True when at least one edit was applied."""
        return bool(self._edits)

    def _locate(self, offset: int) -> tuple[int, bool]:
        """Index of the last edit starting at or before ``offset`` and whether it covers it."""
        k = bisect_right(self._new_starts, offset) - 1
        if k < 0:
            return -1, False
        return k, offset < self._new_starts[k] + len(self._edits[k].text)

    def _source_at(self, offset: int, k: int) -> int:
        if k < 0:
            return offset
        edit = self._edits[k]
        return edit.end + offset - (self._new_starts[k] + len(edit.text))

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of ``text`` to a span of ``source``."""
        if not self._edits:
            return start, end
        k, inside = self._locate(start)
        src_start = self._edits[k].start if inside else self._source_at(start, k)
        if end <= start:
            return src_start, src_start
        k, inside = self._locate(end - 1)
        src_end = self._edits[k].end if inside else self._source_at(end - 1, k) + 1
        return src_start, src_end

    def tags_in(self, start: int, end: int) -> set[str]:
        """Tags of the edits whose replacement text overlaps ``text[start:end]``."""
        tags: set[str] = set()
        if not self._edits:
            return tags
        k = max(bisect_right(self._new_starts, start) - 1, 0)
        while k < len(self._edits) and self._new_starts[k] < end:
            edit_end = self._new_starts[k] + len(self._edits[k].text)
            # a deletion (empty text) strictly inside the span counts too
            if edit_end > start or (not self._edits[k].text and self._new_starts[k] > start):
                tags.add(self._edits[k].tag)
            k += 1
        return tags
