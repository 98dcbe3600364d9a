"""Template text: mask the slots that differ between copies of one template, then shingle.

Names, numbers (ages, prices, phone digits, dates), cities and contact handles are what
a controller changes between adverts made from one template; masking them makes the
copies equal. Character shingles (not words) keep Thai, emoji and æ/ø/å meaningful —
nothing is stripped to ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_CONTACTS = re.compile(r"[\w.+-]+@[\w.-]+|https?://\S+|\b(?:t\.me|wa\.me)/\S+|@\w+")
# After NFKC, full-width digits and keycaps are ASCII digits; runs with separators are one slot.
_NUMBERS = re.compile(r"\d(?:[\d\s.,:/\-–]*\d)?")
# A capitalised word: a name or a city (Latin script also inside Thai text), or a sentence
# start that every copy of a template shares, so masking it costs no template match.
_CAPITALISED = re.compile(r"(?<!\w)[^\W\d_a-zß-ÿ]\w*")
_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _capital(match: re.Match[str]) -> str:
    word = match.group(0)
    return "\x02" if word[:1].isupper() else word


def mask_text(text: str) -> str:
    """The template skeleton of an advert: slots replaced by markers, case and spaces folded."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTACTS.sub("\x03", text)
    text = _NUMBERS.sub("#", text)
    text = _CAPITALISED.sub(_capital, text)
    return _SPACE.sub(" ", text).strip().casefold()


@lru_cache(maxsize=16)
def _powers(k: int) -> np.ndarray:
    return np.array([pow(1_000_003, j, 1 << 64) for j in range(k)], dtype=np.uint64)


def batch_shingles(texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle hashes of many texts at once: (hashes, owning text per hash, distinct count per
    text). Rows are grouped by text; duplicates within a text are kept (MinHash ignores them)."""
    masked = [mask_text(t) for t in texts]
    lengths = np.array([len(m) for m in masked], dtype=np.int64)
    codes = np.frombuffer("".join(masked).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        empty = np.empty(0, dtype=np.uint64)
        return empty, np.empty(0, dtype=np.int64), np.zeros(len(masked), dtype=np.int64)
    # The window sums one shifted slice at a time (wrapping uint64, so the order of the terms
    # does not matter): no (windows x k) temporary, which was most of a chunk's peak memory.
    count = len(codes) - k + 1
    mixed = codes[:count] * _powers(k)[0]
    with np.errstate(over="ignore"):
        for j, power in enumerate(_powers(k)[1:], start=1):
            mixed += codes[j : j + count] * power
        mixed *= _MIX
    mixed >>= np.uint64(32)
    owner = np.repeat(np.arange(len(masked)), lengths)[: len(mixed)]
    ends = np.cumsum(lengths)
    # A window belongs to a text only when it ends inside that text.
    inside = np.arange(len(mixed)) + k <= ends[owner]
    mixed, owner = mixed[inside], owner[inside]
    order = np.lexsort((mixed, owner))
    ranked_hash, ranked_owner = mixed[order], owner[order]
    first = np.r_[
        True, (ranked_hash[1:] != ranked_hash[:-1]) | (ranked_owner[1:] != ranked_owner[:-1])
    ]
    distinct = np.bincount(ranked_owner[first], minlength=len(masked))
    return mixed, owner, distinct
