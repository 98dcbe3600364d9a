"""Masked text kept in memory for a while, so a page masks each excerpt once, not per view.

Finding contact points was a third of a target page's time, and the same texts come back:
the page is opened again after a claim, a reveal or a logged contact, by the next worker,
and a cluster repeats its template's signs. What is kept, and why it is safe:

- only masked output, what any page shows anyway, never the text it came from. The key is
  a BLAKE2b digest of the text under a random key made with the cache (in no file, gone
  with the process): a plain hash of a short text with a number in it could be matched
  against every number (PRIVACY.md rule 4), a keyed one cannot.
- keyed also by `mask_version()` (the number words in use, the phone metadata) and by the
  kind of output (excerpt or evidence and its length): after a rules change, text is
  masked anew.
- at most `max_entries` (the least recently used go first) and each at most `max_age`
  seconds after it was masked (never served later; dropped from memory by the first use
  after that, at most a minute late), so an advert the retention purge deleted does not
  linger here.

Masking does not depend on who looks or on the advert's language: every role that may
open a page sees the same masked text. The cache is only ever asked with a text the
caller already read from the database under its own access rules, so it cannot give
anyone more than the database gave them.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from nlp.contacts.mask import mask_version

MAX_ENTRIES = 4096  # lines of at most a few hundred characters: about a megabyte at most
MAX_AGE_S = 15 * 60.0  # a worker's round of claim, reveal and contact log on one target
SWEEP_EVERY_S = 60.0

Key = tuple[str, str, bytes]


class MaskedTexts:
    """A bounded, time-limited LRU of masked text by a keyed digest of the unmasked text."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_age: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, tuple[float, str]] = OrderedDict()
        self._swept = clock()

    def masked(self, kind: str, text: str, mask: Callable[[str], str]) -> str:
        """`mask(text)`, made once while the masking rules, `kind` and `text` stay the same.

        `kind` names what `mask` makes (e.g. "excerpt 100"): two kinds never share an entry.
        """
        key = (mask_version(), kind, self._digest(text))
        now = self._clock()
        with self._lock:
            if now - self._swept >= SWEEP_EVERY_S:
                self._sweep(now)
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.max_age:
                self._entries.move_to_end(key)
                return found[1]
        shown = mask(text)  # outside the lock: requests wait for no one else's masking
        with self._lock:
            self._entries[key] = (now, shown)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return shown

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _digest(self, text: str) -> bytes:
        data = text.encode("utf-8", "surrogatepass")  # lone surrogates are dropped later
        return hashlib.blake2b(data, key=self._secret, digest_size=16).digest()

    def _sweep(self, now: float) -> None:
        """Drop every expired entry (a few thousand at most: well under a millisecond)."""
        for key in [k for k, (made, _) in self._entries.items() if now - made >= self.max_age]:
            del self._entries[key]
        self._swept = now


MASKED = MaskedTexts()  # one per process: the web app's, a CLI command's
