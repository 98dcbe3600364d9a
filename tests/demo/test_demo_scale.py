"""Scale: the advert stream and a crawl-sized world, plus the `serve` command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from demo import DemoServer, SimClock, build_world, iter_adverts

REPO = Path(__file__).resolve().parents[2]


def test_scale_iter_adverts_count_shape_unique(truth: dict[str, Any]) -> None:
    keys = set()
    count = 0
    for advert in iter_adverts(20_000, seed=3):
        keys.add((advert["site"], advert["external_id"]))
        count += 1
    assert count == 20_000 and len(keys) == count
    sample = next(iter_adverts(1))
    assert set(sample) == set(truth["adverts"][0])
    assert sum(1 for _ in iter_adverts(0)) == 0


def test_scale_iter_adverts_deterministic() -> None:
    first = list(islice(iter_adverts(10**9, seed=11), 300))
    assert first == list(iter_adverts(300, seed=11))
    assert first != list(iter_adverts(300, seed=12))
    assert any(a["controller_id"] for a in first) and any(not a["controller_id"] for a in first)


@pytest.mark.slow
def test_scale_big_world_serves_5000_live_adverts() -> None:
    world = build_world(n_independent=2500, n_controllers=500)
    assert len(world.live("classic", 5)) >= 5000
    with DemoServer(world, SimClock(world.start, 5)) as server:
        url = f"{server.classic_url}/city/koebenhavn?page=3"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read().count(b'class="listing-link"') == 20


def test_scale_serve_cli_runs_on_loopback() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "demo", "serve", "--classic-port", "0", "--spa-port", "0",
           "--day", "3", "--independent", "5", "--controllers", "2"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        classic = re.search(r"classic: (http://127\.0\.0\.1:\d+)", first).group(1)  # type: ignore[union-attr]
        with urllib.request.urlopen(classic + "/__demo/day", timeout=10) as response:
            assert json.loads(response.read())["day"] == 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)
