"""Scrapy's memory guard, measured on the crawl process's current size.

Scrapy's `MemoryUsage` reads `ru_maxrss`, and Linux carries that high-water mark over
`exec`: a crawl child started by a large process (the scheduler after weeks, a long test
run) begins with its parent's peak and stops at once as `memusage_exceeded`. This reads
the resident size now (/proc/self/statm) where there is one.
"""

from __future__ import annotations

import os

from scrapy.extensions.memusage import MemoryUsage

STATM = "/proc/self/statm"


def resident_bytes() -> int | None:
    """The process's resident set size now, or None where /proc is not there."""
    try:
        with open(STATM, encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


class CurrentMemoryUsage(MemoryUsage):
    def get_virtual_size(self) -> int:
        size = resident_bytes()
        return super().get_virtual_size() if size is None else size
