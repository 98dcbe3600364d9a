"""The crawl's memory guard reads the current size, not a high-water mark inherited over exec."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spiders.memusage import resident_bytes


def test_memusage_resident_size_is_now_not_the_peak() -> None:
    before = resident_bytes()
    assert before is not None and before > 0
    block = bytearray(200 * 1024 * 1024)  # 200 MB touched, then freed
    for i in range(0, len(block), 4096):
        block[i] = 1
    grown = resident_bytes()
    del block
    after = resident_bytes()
    assert grown is not None and after is not None
    assert grown - before > 150 * 1024 * 1024
    assert grown - after > 150 * 1024 * 1024  # a peak would not come down


@pytest.mark.subprocess
def test_memusage_child_of_a_large_parent_starts_small() -> None:
    """A child exec'd from a process that once held 300 MB: ru_maxrss says ≥ 300 MB (so
    Scrapy's own guard would count it), the current size says what the child holds."""
    block = bytearray(300 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    code = (
        "import resource; from spiders.memusage import resident_bytes; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, resident_bytes())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    del block
    peak, now = (int(x) for x in out.stdout.split())
    assert now < 150 * 1024 * 1024
    assert peak >= 300 * 1024 * 1024
