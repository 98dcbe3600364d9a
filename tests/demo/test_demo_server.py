"""The two demo sites over real loopback HTTP: listings, days, bad pages, switches, request log."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from demo import DemoServer, SimClock, World
from demo.cities import CITY_SLUGS

_LINK = re.compile(r'class="listing-link" href="/ad/([\w-]+)"')
_NEXT = re.compile(r'<a class="next" rel="next" href="([^"]+)"')


def crawl_classic(server: DemoServer, fetch: Any) -> set[str]:
    """Follow every city listing and its next links; return the advert ids seen."""
    seen: set[str] = set()
    for slug in CITY_SLUGS:
        url: str | None = f"{server.classic_url}/city/{slug}"
        while url:
            status, _, body = fetch(url)
            assert status == 200
            page = body.decode("utf-8")
            seen.update(_LINK.findall(page))
            nxt = _NEXT.search(page)
            url = server.classic_url + unescape(nxt.group(1)) if nxt else None
    return seen


def test_server_robots_txt(server: DemoServer, fetch: Any) -> None:
    for base in (server.classic_url, server.spa_url):
        status, headers, body = fetch(base + "/robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert body.decode() == "User-agent: *\nDisallow: /private/\n"


def test_server_listing_pagination_covers_live_adverts(
    server: DemoServer, fetch: Any, demo_world: World
) -> None:
    for day in (0, 5):
        server.clock.day = day
        expected = {a.external_id for a in demo_world.live("classic", day)}
        assert len(expected) > 20
        assert crawl_classic(server, fetch) == expected
    status, _, _ = fetch(server.classic_url + "/city/koebenhavn?page=99")
    assert status == 404


def test_server_day_advance_changes_live_set(server: DemoServer, fetch: Any) -> None:
    before = crawl_classic(server, fetch)
    server.clock.advance()
    after = crawl_classic(server, fetch)
    assert before != after and before & after


def test_server_control_endpoint_sets_day(server: DemoServer, fetch: Any) -> None:
    status, _, body = fetch(server.spa_url + "/__demo/day?value=4", "POST")
    assert status == 200 and json.loads(body)["day"] == 4 and server.clock.day == 4
    status, _, body = fetch(server.classic_url + "/__demo/day")
    assert json.loads(body) == {"day": 4, "date": "2026-11-06"}
    assert fetch(server.classic_url + "/__demo/day?value=x", "POST")[0] == 400


def test_server_edit_changes_content_same_id(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    advert = next(
        a for a in demo_truth["adverts"]
        if a["site"] == "classic" and a["edited"] and a["versions"][1]["from_day"] >= 1
        and a["versions"][0]["city"] != a["versions"][1]["city"]
    )  # fmt: skip
    old, new = advert["versions"]
    server.clock.day = new["from_day"] - 1
    page = fetch(server.classic_url + advert["path"])[2].decode()
    server.clock.day = new["from_day"]
    edited = fetch(server.classic_url + advert["path"])[2].decode()
    names = {c["slug"]: c["name"] for c in demo_truth["cities"]}
    city = re.compile(r'<span class="ad-city">([^<]+)</span>')
    assert city.search(page).group(1) == names[old["city"]]  # type: ignore[union-attr]
    assert city.search(edited).group(1) == names[new["city"]]  # type: ignore[union-attr]


def test_server_gone_adverts_410_or_404(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    classic = [a for a in demo_truth["adverts"] if a["site"] == "classic" and a["last_day"] < 10]
    server.clock.day = 12
    statuses = {a["gone_status"] for a in classic}
    assert statuses == {404, 410}
    for advert in classic[:40]:
        assert fetch(server.classic_url + advert["path"])[0] == advert["gone_status"]
    assert fetch(server.classic_url + "/ad/999999999")[0] == 404


def _special(truth: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in truth["special_pages"] if s["kind"] == kind)


def test_server_latin1_page_decodes_danish(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    special = _special(demo_truth, "latin1")
    advert = next(a for a in demo_truth["adverts"] if a["special"] == "latin1")
    status, headers, body = fetch(server.classic_url + special["path"])
    assert status == 200 and headers["Content-Type"] == "text/html; charset=iso-8859-1"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = body.decode("iso-8859-1")
    assert 'charset="iso-8859-1"' in page and advert["title"] in page
    first_sentence = advert["text"].split(". ")[0]
    assert any(ch in first_sentence for ch in "æøå") and first_sentence in page


def test_server_flaky_page_500_500_200(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    url = server.classic_url + _special(demo_truth, "flaky")["path"]
    assert [fetch(url)[0] for _ in range(4)] == [500, 500, 200, 200]


def test_server_oversized_page(server: DemoServer, fetch: Any, demo_truth: dict[str, Any]) -> None:
    status, headers, body = fetch(server.classic_url + _special(demo_truth, "oversized")["path"])
    assert status == 200 and len(body) > 12 * 1024 * 1024
    assert int(headers["Content-Length"]) == len(body)


def test_server_malformed_page(server: DemoServer, fetch: Any, demo_truth: dict[str, Any]) -> None:
    special = _special(demo_truth, "malformed")
    body = fetch(server.classic_url + special["path"])[2].decode()
    advert = next(a for a in demo_truth["adverts"] if a["special"] == "malformed")
    assert "<title>" not in body and "</article>" not in body and "</h1>" not in body
    assert advert["title"] in body


def test_server_hidden_number_button(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    def hidden(a: dict[str, Any]) -> bool:
        return any(c["reveal"] == "button" for c in a["contacts"])

    usable = [
        a for a in demo_truth["adverts"]
        if a["site"] == "classic" and 0 in a["live_days"] and not a["special"] and not a["edited"]
    ]  # fmt: skip
    advert = next(a for a in usable if hidden(a))
    phone = next(c for c in advert["contacts"] if c["reveal"] == "button")
    page = fetch(server.classic_url + advert["path"])[2].decode()
    assert 'class="phone-partial"' in page and phone["shown"] not in page
    href = re.search(r'class="show-number" data-href="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert json.loads(fetch(server.classic_url + href)[2]) == {"phone": phone["shown"]}
    plain = next(a for a in usable if not hidden(a))
    assert fetch(f"{server.classic_url}/api/ad/{plain['external_id']}/phone")[0] == 404


def test_server_html_entity_digits_only_in_source(
    server: DemoServer, fetch: Any, demo_truth: dict[str, Any]
) -> None:
    advert, contact = next(
        (a, c) for a in demo_truth["adverts"] for c in a["contacts"]
        if a["site"] == "classic" and c["style"] == "html_entity" and len(a["versions"]) == 1
        and a["live_days"]
    )  # fmt: skip
    server.clock.day = advert["live_days"][0]
    page = fetch(server.classic_url + advert["path"])[2].decode()
    assert contact["shown"] not in page and contact["shown"] in unescape(page)


def test_server_robots_trap_and_request_log(server: DemoServer, fetch: Any) -> None:
    page = fetch(server.classic_url + "/city/aarhus")[2].decode()
    assert 'href="/private/vip-list"' in page
    log = server.requests
    assert [r["path"] for r in log] == ["/city/aarhus"]
    assert log[0]["site"] == "classic" and log[0]["status"] == 200
    assert log[0]["user_agent"].startswith("Scout-test/") and log[0]["method"] == "GET"
    assert not any(r["path"].startswith("/private/") for r in log)
    fetch(server.classic_url + "/private/vip-list")
    assert server.requests[-1]["path"] == "/private/vip-list"


def test_server_layout_v2_renames_classes(server: DemoServer, fetch: Any) -> None:
    v1 = fetch(server.classic_url + "/city/koebenhavn")[2].decode()
    server.classic.layout_version = 2
    v2 = fetch(server.classic_url + "/city/koebenhavn")[2].decode()
    assert _LINK.search(v1) and not _LINK.search(v2)
    assert _LINK.findall(v1) == re.findall(r'class="c-tile-link" href="/ad/([\w-]+)"', v2)
    ad = _LINK.search(v1).group(1)  # type: ignore[union-attr]
    detail = fetch(f"{server.classic_url}/ad/{ad}")[2].decode()
    assert 'class="c-headline"' in detail and 'class="ad-title"' not in detail


def test_server_blocked_and_rate_limited(server: DemoServer, fetch: Any) -> None:
    server.classic.blocked = True
    status, _, body = fetch(server.classic_url + "/")
    assert status == 403 and b"captcha" in body
    assert fetch(server.classic_url + "/robots.txt")[0] == 403
    assert fetch(server.spa_url + "/robots.txt")[0] == 200
    server.classic.blocked = False
    server.classic.rate_limited = 2
    first, second, third = (fetch(server.classic_url + "/") for _ in range(3))
    assert first[0] == second[0] == 429 and first[1]["Retry-After"] == "1"
    assert third[0] == 200


def test_server_spa_shell_and_api(server: DemoServer, fetch: Any, demo_world: World) -> None:
    shell = fetch(server.spa_url + "/")[2].decode()
    assert "/api/listings" in shell and "listing-link" in shell
    live = [a for a in demo_world.live("spa", 0)]
    assert not any(f"/ad/{a.external_id}" in shell for a in live)
    assert not re.search(r"https?://", shell)
    seen: list[str] = []
    for slug in CITY_SLUGS:
        url: str | None = f"/api/listings?city={slug}&page=1"
        while url:
            data = json.loads(fetch(server.spa_url + url)[2])
            seen += [item["id"] for item in data["items"]]
            url = data["next"]
    assert sorted(seen) == sorted(a.external_id for a in live)
    advert = demo_world.advert("spa", seen[0])
    assert advert is not None
    data = json.loads(fetch(f"{server.spa_url}/api/ads/{seen[0]}")[2])
    assert data["title"] == advert.version_on(0).title and data["age"] == advert.age
    assert fetch(f"{server.spa_url}/ad/{seen[0]}")[2].decode() == shell


def test_server_images_served(server: DemoServer, fetch: Any, demo_world: World) -> None:
    image = demo_world.adverts[0].image_ids[0]
    status, headers, body = fetch(f"{server.classic_url}/img/{image}.jpg")
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert fetch(f"{server.spa_url}/img/{image}.jpg")[2] == body
    assert fetch(f"{server.classic_url}/img/nope.jpg")[0] == 404


def test_server_refuses_non_loopback(demo_world: World) -> None:
    with pytest.raises(ValueError, match="loopback"):
        DemoServer(demo_world, SimClock(demo_world.start), host="0.0.0.0")
