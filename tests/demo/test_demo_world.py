"""World model: determinism, personas and controllers, phones, styles, languages, ages."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

import phonenumbers
import pytest

from demo import SimClock, World, build_world
from demo.__main__ import main
from demo.phones import STYLES
from demo.phrases import LANGUAGES


def test_world_same_seed_same_truth(demo_truth: dict[str, Any]) -> None:
    again = build_world(seed=7).ground_truth()
    assert json.dumps(again, sort_keys=True) == json.dumps(demo_truth, sort_keys=True)


def test_world_other_seed_other_truth(demo_truth: dict[str, Any]) -> None:
    other = build_world(seed=8).ground_truth()
    assert [a["text"] for a in other["adverts"]] != [a["text"] for a in demo_truth["adverts"]]


def test_world_truth_cli_writes_json(tmp_path: Any, demo_truth: dict[str, Any]) -> None:
    out = tmp_path / "truth.json"
    assert main(["truth", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(demo_truth))


def test_world_controllers_have_3_to_6_personas_and_both_modes(demo_truth: dict[str, Any]) -> None:
    modes = Counter(c["mode"] for c in demo_truth["controllers"])
    assert set(modes) == {"shared_number", "shared_template"}
    assert all(3 <= len(c["persona_ids"]) <= 6 for c in demo_truth["controllers"])


def test_world_shared_number_controllers_reuse_one_number(demo_truth: dict[str, Any]) -> None:
    personas = {p["id"]: p for p in demo_truth["personas"]}
    for ctrl in (c for c in demo_truth["controllers"] if c["mode"] == "shared_number"):
        members = [personas[i] for i in ctrl["persona_ids"]]
        assert {m["phones"][0] for m in members} == {ctrl["phone"]}
        assert len({(m["name"], m["age"], m["nationality"]) for m in members}) > 1


def test_world_shared_template_controllers_reuse_text_and_photos(
    demo_truth: dict[str, Any],
) -> None:
    personas = {p["id"]: p for p in demo_truth["personas"]}
    for ctrl in (c for c in demo_truth["controllers"] if c["mode"] == "shared_template"):
        members = [personas[i] for i in ctrl["persona_ids"]]
        assert len({m["phones"][0] for m in members}) == len(members)
        bases = [{demo_truth["images"][i]["base"] for i in m["image_ids"]} for m in members]
        assert all(b == set(ctrl["image_ids"]) for b in bases)
        # Same template: titles differ only in the slots, so their word shapes match.
        ads = [a for a in demo_truth["adverts"] if a["controller_id"] == ctrl["id"]]
        firsts = {a["text"].split()[1] for a in ads if a["wording"] == "third"}
        assert len(firsts) <= 2


def test_world_independents_are_first_person_and_long_lived(demo_truth: dict[str, Any]) -> None:
    own = [a for a in demo_truth["adverts"] if a["controller_id"] is None and a["kind"] == "normal"]
    assert own and all(a["wording"] == "first" for a in own)
    assert all(7 <= a["last_day"] - a["first_day"] + 1 <= 14 for a in own)
    kinds = Counter(a["kind"] for a in demo_truth["adverts"] if a["controller_id"] is None)
    assert kinds["tour"] >= 1 and kinds["repost"] >= 1


def test_world_controlled_adverts_short_third_person_rotating(demo_truth: dict[str, Any]) -> None:
    ads = [a for a in demo_truth["adverts"] if a["controller_id"]]
    assert all(1 <= a["last_day"] - a["first_day"] + 1 <= 3 for a in ads)
    assert {a["wording"] for a in ads} == {"third", "multi"}
    for p in (p for p in demo_truth["personas"] if p["controller_id"]):
        days = sorted(p["city_by_day"].items(), key=lambda kv: int(kv[0]))
        stints = [1]
        for (_, before), (_, after) in pairwise(days):
            stints[-1:] = [stints[-1] + 1] if before == after else [stints[-1], 1]
        assert len(stints) >= 3, p["id"]
        assert all(n <= 4 for n in stints), (p["id"], stints)


def test_world_controllers_post_on_both_sites(demo_truth: dict[str, Any]) -> None:
    sites = defaultdict(set)
    for a in demo_truth["adverts"]:
        if a["controller_id"]:
            sites[a["controller_id"]].add(a["site"])
    assert sum(s == {"classic", "spa"} for s in sites.values()) >= len(sites) // 2


def test_world_every_true_phone_is_valid(demo_truth: dict[str, Any]) -> None:
    phones = {
        c["value"] for a in demo_truth["adverts"] for c in a["contacts"] if c["kind"] == "phone"
    }
    assert len(phones) > 30
    regions = set()
    for e164 in phones:
        parsed = phonenumbers.parse(e164)
        assert phonenumbers.is_valid_number(parsed), e164
        regions.add(phonenumbers.region_code_for_number(parsed))
    assert {"DK", "RO", "PL", "ES", "TH", "DE"} <= regions


def test_world_every_style_and_language_appears(demo_truth: dict[str, Any]) -> None:
    styles = {
        c["style"] for a in demo_truth["adverts"] for c in a["contacts"] if c["kind"] == "phone"
    }
    assert styles == set(STYLES)
    assert {lang for a in demo_truth["adverts"] for lang in a["languages"]} == set(LANGUAGES)
    assert any(len(a["languages"]) == 2 for a in demo_truth["adverts"])
    other = {(c["kind"], c["style"]) for a in demo_truth["adverts"] for c in a["contacts"]}
    assert {("email", "plain"), ("email", "obfuscated")} <= other
    assert any(kind == "telegram" for kind, _ in other)


def test_world_emails_use_example_domains(demo_truth: dict[str, Any]) -> None:
    emails = [
        c["value"] for a in demo_truth["adverts"] for c in a["contacts"] if c["kind"] == "email"
    ]
    assert emails and all(e.split("@")[1].startswith("example.") for e in emails)


def test_world_exactly_one_under_18_advert_and_some_18_19(demo_truth: dict[str, Any]) -> None:
    minors = [a for a in demo_truth["adverts"] if a["age"] < 18]
    assert len(minors) == 1 and minors[0]["age"] == 17 and minors[0]["live_days"]
    assert "17" in minors[0]["title"] + minors[0]["text"]
    assert any(a["age"] in (18, 19) for a in demo_truth["adverts"] if a["controller_id"])


def test_world_text_has_non_phone_numbers(demo_truth: dict[str, Any]) -> None:
    for a in demo_truth["adverts"][:50]:
        assert a["distractors"], a["external_id"]
        assert all(d in a["text"] for d in a["distractors"])
    prices = " ".join(a["text"] for a in demo_truth["adverts"])
    assert ",-" in prices and " kr" in prices and "roses" in prices


def test_world_edits_change_city_or_number(demo_truth: dict[str, Any]) -> None:
    edited = [a for a in demo_truth["adverts"] if a["edited"]]
    assert edited
    city = [a for a in edited if a["versions"][0]["city"] != a["versions"][1]["city"]]
    number = [a for a in edited if len([c for c in a["contacts"] if c["kind"] == "phone"]) == 2]
    assert city and number


@pytest.mark.parametrize("field", ["site", "external_id", "title", "text", "city", "region"])
def test_world_advert_fields_present(demo_truth: dict[str, Any], field: str) -> None:
    assert all(a[field] for a in demo_truth["adverts"])
    keys = {(a["site"], a["external_id"]) for a in demo_truth["adverts"]}
    assert len(keys) == len(demo_truth["adverts"])


def test_world_live_state_depends_on_day_only(demo_world: World) -> None:
    day3 = [a.external_id for a in demo_world.live("classic", 3)]
    assert day3 != [a.external_id for a in demo_world.live("classic", 4)]
    assert day3 == [a.external_id for a in build_world().live("classic", 3)]


def test_world_clock_days_and_noon_utc() -> None:
    clock = SimClock(date(2026, 11, 2))
    assert clock.day == 0 and clock.today() == date(2026, 11, 2)
    assert clock.advance() == 1 and clock.advance(2) == 3
    assert clock.now() == datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.day = -1
