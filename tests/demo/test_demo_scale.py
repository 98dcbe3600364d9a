"""Scale: the advert stream and a crawl-sized world, plus the `serve` command line."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import urllib.request
from collections import defaultdict
from itertools import islice
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from demo import DemoServer, SimClock, build_world, iter_adverts
from demo.scale import owner_token, vocabulary
from pipeline.stages.linking.masking import mask_text

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # 20 000-advert streams and a 5 000-advert world
# The linker's template link: Jaccard of 5-character shingles of masked text, at least 0.8.
SHINGLE, LINKED = 5, 0.8


@pytest.fixture(scope="module")
def stream() -> list[dict[str, Any]]:
    return list(iter_adverts(20_000, seed=3))


def _owner(advert: dict[str, Any]) -> str:
    return advert["controller_id"] or advert["persona_id"]


def _shingles(text: str) -> set[str]:
    masked = mask_text(text)
    return {masked[i : i + SHINGLE] for i in range(len(masked) - SHINGLE + 1)}


def _linked(a: dict[str, Any], b: dict[str, Any]) -> bool:
    x, y = _shingles(a["text"]), _shingles(b["text"])
    return len(x & y) >= LINKED * len(x | y)


def test_scale_iter_adverts_count_shape_unique(demo_truth: dict[str, Any]) -> None:
    keys = set()
    count = 0
    for advert in iter_adverts(20_000, seed=3):
        keys.add((advert["site"], advert["external_id"]))
        count += 1
    assert count == 20_000 and len(keys) == count
    sample = next(iter_adverts(1))
    # `page` (how the classic site draws an advert) is the demo server's, not the advert's
    assert set(sample) == set(demo_truth["adverts"][0]) - {"page"}
    assert sum(1 for _ in iter_adverts(0)) == 0


def test_scale_iter_adverts_deterministic() -> None:
    first = list(islice(iter_adverts(10**9, seed=11), 300))
    assert first == list(iter_adverts(300, seed=11))
    assert first != list(iter_adverts(300, seed=12))
    assert any(a["controller_id"] for a in first) and any(not a["controller_id"] for a in first)


def test_scale_big_world_serves_5000_live_adverts() -> None:
    world = build_world(n_independent=2500, n_controllers=500)
    assert len(world.live("classic", 5)) >= 5000
    with DemoServer(world, SimClock(world.start, 5)) as server:
        url = f"{server.classic_url}/city/koebenhavn?page=3"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read().count(b'class="listing-link"') == 20


@pytest.mark.subprocess
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


def test_scale_contacts_belong_to_one_owner(stream: list[dict[str, Any]]) -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for advert in stream:
        for contact in advert["contacts"]:
            owners[(contact["kind"], contact["value"])].add(_owner(advert))
    shared = {value: who for value, who in owners.items() if len(who) > 1}
    assert not shared, list(shared.items())[:5]
    kinds = {kind for kind, _ in owners}
    assert kinds == {"phone", "email", "telegram"}
    for kind, value in owners:
        if kind == "phone":
            assert phonenumbers.is_valid_number(phonenumbers.parse(value)), value
        elif kind == "email":
            assert value.rpartition("@")[2] in ("example.com", "example.dk", "example.org")


def test_scale_owner_tokens_are_distinct() -> None:
    tokens = {owner_token(i, 3) for i in range(200_000)}
    assert len(tokens) == 200_000 and all(len(t) == 6 for t in tokens)
    assert owner_token(5, 3) != owner_token(5, 4)


def test_scale_style_words_keep_the_person() -> None:
    assert "she" not in vocabulary("en", "first") and "she" in vocabulary("en", "third")
    assert "hun" not in vocabulary("da", "first")


def test_scale_no_masked_template_shared_between_owners(stream: list[dict[str, Any]]) -> None:
    # The first paragraph is the template's own words; contacts and facts come after it.
    owners: dict[str, set[str]] = defaultdict(set)
    for advert in stream:
        owners[mask_text(advert["text"].split("\n\n")[0])].add(_owner(advert))
    assert len(owners) > 1_000
    assert max(len(who) for who in owners.values()) == 1


def test_scale_templates_link_within_controller_not_across(
    stream: list[dict[str, Any]],
) -> None:
    rng = random.Random(1)
    by_owner: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for advert in stream:
        by_owner[_owner(advert)].append(advert)
    # Pairs in one language and wording: the ones stock phrases could make look alike.
    alike: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for advert in stream:
        if advert["controller_id"]:
            alike[(advert["languages"][0], advert["wording"])].append(advert)
    groups = [ads for ads in alike.values() if len(ads) > 1]
    cross = 0
    for _ in range(4_000):
        a, b = rng.sample(rng.choice(groups), 2)
        cross += _owner(a) != _owner(b) and _linked(a, b)
    # Under 0.1 % (measured: none; the old stock-phrase generator linked 27 of these pairs).
    assert cross < 4
    # Shared-template controllers reuse one template (slots changed) for all their personas.
    shared = [
        ads for ads in by_owner.values()
        if ads[0]["controller_id"] and len({p for a in ads for p in a["persona_ids"]}) > 1
        and len({c["value"] for a in ads for c in a["contacts"] if c["kind"] == "phone"}) > 1
    ]  # fmt: skip
    pairs = [rng.sample(rng.choice(shared), 2) for _ in range(1_000)]
    same = sum(_linked(a, b) for a, b in pairs)
    assert same > 600  # most (measured: ~84 %)
