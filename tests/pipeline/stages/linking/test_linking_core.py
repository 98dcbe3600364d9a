"""Pure-algorithm tests (no database): links, masking and the false-positive guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.stages.linking.config import load_linking
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.indicators import rotation, shared_contact_personas
from pipeline.stages.linking.linker import Linker, LinkRecord, components

RULES = load_linking()
DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
TEMPLATE = (
    "Ny pige i {city}: {name}, {age} år. Hun er sød, rolig og meget diskret. "
    "Pigen er her kun denne uge. Ny i Danmark, venlig og smilende. 🌸 "
    "Pris: {price} kr for en time. Åben kl. 18-22 hver dag. Ring {phone}"
)
THAI = (
    "นวดผ่อนคลายที่ {city} กับ {name} สวัสดีค่ะ {name} เองค่ะ เป็นผู้หญิงใจเย็น อายุ {age} ปี "
    "ฉันพูดภาษาไทยและภาษาอังกฤษได้นิดหน่อย ห้องของฉันสะอาดและอบอุ่น ราคา {price} kr ต่อชั่วโมง"
)


def _indicator(rule_id: str):  # type: ignore[no-untyped-def]
    rule = RULES.indicator(rule_id)
    assert rule is not None
    return rule


def _fill(template: str, **slots: str) -> str:
    return template.format(
        **{
            "city": "Aarhus",
            "name": "Anna",
            "age": "21",
            "price": "1500",
            "phone": "+45 20 12 34 56",
            **slots,
        }
    )


@pytest.mark.parametrize("template", [TEMPLATE, THAI])
def test_linking_template_matches_across_slots_and_scripts(template: str) -> None:
    a = LinkRecord(1, _fill(template), ("p1",))
    b = LinkRecord(
        2,
        _fill(template, city="Odense", name="Maria", age="19", price="900", phone="31 22 33 44"),
        ("p2",),
    )
    links = Linker(RULES.config).add([a, b])
    assert [(x.a, x.b, x.kind) for x in links] == [(1, 2, "template")]


def test_linking_similar_phrases_from_different_templates_do_not_link() -> None:
    a = LinkRecord(
        1,
        "Hej, jeg hedder Anna og er 25 år. Alt foregår privat og diskret. "
        "Min lejlighed er ren og hyggelig. Kaffe eller te står altid klar. "
        "En time 1500 kr. Ring til mig på 20123456",
        ("p1",),
    )
    b = LinkRecord(
        2,
        "Hej skat, Maria her, 31 år ung. Jeg tager mig god tid og haster aldrig. "
        "Alt foregår privat og diskret. Parkering lige uden for døren. "
        "En time 1200 kr. Skriv til mig på 30123456",
        ("p2",),
    )
    assert Linker(RULES.config).add([a, b]) == []


def test_linking_contact_and_image_links_give_one_cluster_each() -> None:
    records = [
        LinkRecord(1, "a", ("p1",), (0xF0F0F0F0F0F0F0F0,)),
        LinkRecord(2, "b", ("p1",)),
        LinkRecord(3, "c", ("p9",), (0xF0F0F0F0F0F0F0F3,)),  # a 2-bit copy
        LinkRecord(4, "d", ("p8",), (0x0F0F0F0F0F0F0F0F,)),
    ]
    links = Linker(RULES.config).add(records)
    assert {(x.a, x.b, x.kind) for x in links} == {(1, 2, "contact"), (1, 3, "image")}
    assert components([1, 2, 3, 4], links) == {1: 1, 2: 1, 3: 1, 4: 4}


def test_linking_incremental_gives_the_same_links_as_full() -> None:
    records = [
        LinkRecord(i, _fill(TEMPLATE, name=n), (f"p{i % 3}",))
        for i, n in enumerate(["Anna", "Maria", "Kasia", "Ewa", "Lina", "Sofia"])
    ]
    full = Linker(RULES.config).add(records)
    linker = Linker(RULES.config)
    linker.add(records[:4], search=False)
    later = linker.add(records[4:])
    assert {(x.a, x.b, x.kind) for x in later} <= {(x.a, x.b, x.kind) for x in full}
    old = [x for x in full if x.b < 4]
    assert components(range(6), old + later) == components(range(6), full)


def _advert(
    i: int,
    day: int,
    city: str,
    name: str = "k1",
    age: int = 25,
    contacts: tuple[str, ...] = ("c1",),
) -> AdvertFacts:
    seen = DAY0 + timedelta(days=day)
    return AdvertFacts(
        i,
        "classic",
        seen,
        seen + timedelta(days=2),
        contacts=contacts,
        name_keys=frozenset({name}),
        age=age,
        timeline=[(seen, city), (seen + timedelta(days=2), city)],
    )


def test_linking_one_person_reposting_with_her_number_is_not_several_personas() -> None:
    adverts = [_advert(1, 0, "Aarhus"), _advert(2, 5, "Aarhus")]
    assert shared_contact_personas(_indicator("shared_contact_personas"), adverts) is None


def test_linking_several_personas_on_one_number_fire_without_the_number() -> None:
    adverts = [
        _advert(1, 0, "Aarhus", "k1", 19),
        _advert(2, 1, "Aarhus", "k2", 22),
        _advert(3, 2, "Odense", "k3", 24, ("+4520123456",)),
    ]
    found = shared_contact_personas(_indicator("shared_contact_personas"), adverts[:2])
    assert found is not None and "2 different names" in found["reason"]
    assert "c1" in found["reason"]  # a pseudonym label, shortened


def test_linking_one_move_is_not_rotation_but_three_cities_are() -> None:
    rule = _indicator("rotation")
    tour = [_advert(1, 0, "Aarhus"), _advert(2, 3, "Odense"), _advert(3, 6, "Aarhus")]
    assert rotation(rule, tour) is None
    rotating = [_advert(1, 0, "Aarhus"), _advert(2, 3, "Odense"), _advert(3, 6, "Aalborg")]
    found = rotation(rule, rotating)
    assert found is not None and found["reason"].startswith("Aarhus → Odense → Aalborg in")
