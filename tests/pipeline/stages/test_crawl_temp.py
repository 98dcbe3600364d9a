"""A crawl's temporary folder is removed however the crawl ended, even while something the
crawl started still runs and writes in it (a killed crawl's Chromium, for a while)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.stages import crawling

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(
        not Path("/proc/self/environ").exists(), reason="finding leftovers needs Linux's /proc"
    ),
]

WRITER = """
import os, sys, time
folder = os.environ["TMPDIR"]
while True:  # like a closing browser: writes in the folder again as soon as it is removed
    os.makedirs(os.path.join(folder, "profile"), exist_ok=True)
    open(os.path.join(folder, "profile", "cache"), "w").close()
    time.sleep(0.01)
"""


def _start(code: str, temp: Path) -> subprocess.Popen[bytes]:
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(temp)}
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def test_a_process_left_writing_in_the_crawl_folder_is_stopped_and_the_folder_removed(
    tmp_path: Path,
) -> None:
    temp = tmp_path / "scout-crawl-x-1"
    temp.mkdir()
    writer = _start(WRITER, temp)
    try:
        for _ in range(1200):  # up to a minute: a loaded machine starts Python slowly
            if (temp / "profile" / "cache").exists():
                break
            time.sleep(0.05)
        assert (temp / "profile" / "cache").exists(), "the writer never wrote"
        crawling._remove_temp(str(temp))
        assert writer.wait(timeout=10) < 0  # killed, not ended on its own
        assert not temp.exists()
    finally:
        writer.kill()
        writer.wait()


def test_only_the_processes_of_that_crawl_folder_are_stopped(tmp_path: Path) -> None:
    mine, other = tmp_path / "scout-crawl-x-1", tmp_path / "scout-crawl-x-10"
    mine.mkdir()
    other.mkdir()
    sleeper = "import time; time.sleep(60)"
    inside, outside = _start(sleeper, mine), _start(sleeper, other)  # Popen returns after exec
    try:
        assert crawling._kill_leftovers(str(mine)) == [inside.pid]
        assert inside.wait(timeout=10) < 0
        assert outside.poll() is None  # a folder whose name starts the same is another crawl's
    finally:
        for process in (inside, outside):
            process.kill()
            process.wait()
