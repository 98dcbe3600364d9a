"""The market demo site: a site file written by hand captures every live advert with its
contact points (issue 13's bar) — through a sitemap, a declared age-gate cookie and a reveal
sent as the page's own button sends it; and the same site through its JSON API's paging."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from demo.cities import CITY_BY_SLUG
from demo.market import draws_number, market_id
from demo.pagestyle import posted_at
from demo.world import World
from pipeline.core.db import Database
from spiders.sitefile import SITES_DIR

from helpers.crawled import all_contacts, field_contacts, last_run, live_adverts

SITE = "demo_market"


def _market_file() -> dict[str, Any]:
    return yaml.safe_load((SITES_DIR / f"{SITE}.yaml").read_text())


def _variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: dict[str, Any]) -> None:
    """Serve a variant of the site file from a folder of its own."""
    folder = tmp_path / "sites"
    folder.mkdir(exist_ok=True)
    (folder / f"{site['name']}.yaml").write_text(yaml.safe_dump(site))
    monkeypatch.setenv("SCOUT_SITES_DIR", str(folder))


def _check_against_truth(database: Database, world: World, day: int, site: str) -> None:
    stored = live_adverts(database, site)
    truth = {market_id(a.external_id): a for a in world.live("classic", day)}
    assert set(stored) == set(truth)
    hidden_by = {"button": 0, "image": 0}
    for external_id, advert in stored.items():
        version = truth[external_id].version_on(day)
        assert advert.title == version.title
        assert advert.city == CITY_BY_SLUG[version.city].name
        assert advert.stated_age == truth[external_id].age
        if site == SITE:  # the page's local date ("i går kl. 09:15") stored as UTC
            assert advert.posted_at == posted_at(truth[external_id], world.start), external_id
        # the number behind the button, revealed as the button's own request does, or
        # drawn as an image in its place and read with OCR
        hidden = {c.value for c in version.contacts if c.reveal == "button"}
        hidden_by["image" if draws_number(truth[external_id]) else "button"] += len(hidden)
        assert hidden <= field_contacts(database, advert.id), external_id
        if site == SITE:  # issue 13's bar: every live advert with all its contact points
            assert {c.value for c in version.contacts} <= all_contacts(database, advert.id)
    assert all(hidden_by.values()), f"market adverts hide numbers both ways: {hidden_by}"


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_crawl_market_site_file_captures_every_live_advert(
    database, demo_world, demo_sites, crawl
) -> None:
    for day in (0, 2):
        demo_sites.clock.day = day
        outcome = crawl(SITE)
        assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
        _check_against_truth(database, demo_world, day, SITE)
    paths = [r["path"] for r in demo_sites.server.requests if r["site"] == "market"]
    assert "/sitemap.xml" in paths and "/sitemaps/ads-2.xml" in paths
    assert not any(p.startswith("/api/list") for p in paths), "the sitemap was enough"
    reveals = [
        r
        for r in demo_sites.server.requests
        if r["path"] == "/api/reveal" and r["site"] == "market"
    ]
    assert reveals and {r["method"] for r in reveals} == {"POST"}
    assert {r["status"] for r in reveals} == {200}
    drawn = [r for r in demo_sites.server.requests if r["path"].startswith("/phone/")]
    assert drawn and {r["status"] for r in drawn} == {200}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_market_numbers_drawn_as_images_read_and_never_stored(
    database, demo_world, demo_sites, crawl, tmp_path: Path
) -> None:
    """Every number the market draws as an image is found by OCR; no image byte is kept."""
    outcome = crawl(SITE)
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    stored = live_adverts(database, SITE)
    drawn = {
        market_id(a.external_id): number
        for a in demo_world.live("classic", 0)
        if (number := demo_sites.server.market.drawn_number(a)) is not None
    }
    assert len(drawn) >= 3
    for external_id, number in drawn.items():
        assert number in field_contacts(database, stored[external_id].id), external_id
    assert last_run(database).health["side_requests"]["image"] >= len(drawn)
    # the PNGs went through memory only: not in the database, the logs or anywhere else
    png = b"\x89PNG\r\n\x1a\n"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "scout.db" for p in written)
    assert not [p for p in written if png in p.read_bytes()]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_market_refused_reveal_is_recorded_not_a_block(
    database, demo_world, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _market_file()
    site["detail"]["reveal"].pop("headers")  # the author missed the button's header
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl(SITE)
    # every refused reveal is recorded, the crawl goes on to every advert, and the health
    # names the reason instead of calling the site blocked
    assert (outcome.status, outcome.returncode) == ("degraded", 4), outcome
    assert any("reveal requests were refused" in w for w in outcome.warnings), outcome.warnings
    assert set(live_adverts(database, SITE)) == {
        market_id(a.external_id) for a in demo_world.live("classic", 0)
    }
    run = last_run(database)
    refused = [e for e in run.errors if e["page_type"] == "reveal"]
    assert refused and all(e["error"] == "HTTP 403" and e["advert"] for e in refused)
    assert run.health["side_refused"]["reveal"] == len(refused)
    # … and on the advert itself: exactly the adverts whose reveal was refused say so
    stored = live_adverts(database, SITE)
    marked = {i for i, a in stored.items() if a.side_refused == ["reveal: HTTP 403"]}
    assert marked == {e["advert"] for e in refused}
    assert all(a.side_refused is None for i, a in stored.items() if i not in marked)


DETAILS = {
    "name": "details",
    "url": {"css": "section.more::attr(data-endpoint)"},
    "headers": {"X-Requested-With": "XMLHttpRequest", "Referer": "{page_url}"},
    "fields": {"stated_age": {"json": "profile.age", "type": "int"}},
}


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("header", [True, False], ids=["with_header", "without_header"])
def test_crawl_market_declared_side_request_fills_its_fields(
    header, database, demo_world, demo_sites, crawl, tmp_path, monkeypatch
) -> None:
    """A declared XHR (not the reveal) fills the field the page lacks; refused without the
    page's header: recorded on each advert, degraded with the reason, never a block."""
    site = _market_file()
    site["detail"]["fields"].pop("stated_age")  # the age only from the page's XHR
    site["detail"].pop("contact_images")  # OCR is not what this test is about
    site["detail"]["side_requests"] = [copy.deepcopy(DETAILS)]
    if not header:
        site["detail"]["side_requests"][0]["headers"].pop("X-Requested-With")
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl(SITE)
    truth = {market_id(a.external_id): a for a in demo_world.live("classic", 0)}
    stored = live_adverts(database, SITE)
    assert set(stored) == set(truth)
    calls = [r for r in demo_sites.server.requests if r["path"].startswith("/api/details")]
    assert len(calls) == len(truth) and {r["method"] for r in calls} == {"GET"}
    if header:
        assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
        assert {i: a.stated_age for i, a in stored.items()} == {i: a.age for i, a in truth.items()}
        assert all(a.side_refused is None for a in stored.values())
    else:
        assert (outcome.status, outcome.returncode) == ("degraded", 4), outcome
        assert any("details requests were refused" in w for w in outcome.warnings)
        assert all(a.stated_age is None for a in stored.values())
        assert all(a.side_refused == ["details: HTTP 403"] for a in stored.values())
        assert last_run(database).health["side_refused"]["details"] == len(truth)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_market_without_the_age_cookie_finds_only_the_gate(
    database, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _market_file()
    site.pop("cookies")
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl(SITE)
    assert outcome.status == "degraded"  # every advert page shows the gate, none is read
    assert live_adverts(database, SITE) == {}


def _api_site(paging: dict[str, Any], start: str, items: str = "items") -> dict[str, Any]:
    site = _market_file()
    site["name"] = "demo_market_api"
    site.pop("listing")
    site.pop("cookies")  # the JSON endpoints have no age gate
    site["api"] = {
        "start_urls": [start],
        "items": items,
        "item_id": "id",
        "detail_url": "/api/ad/{id}",
        "page_url": "/ad/{id}",
        "paging": paging,
    }
    detail = site["detail"]
    detail["external_id"] = {"json": "id"}
    detail["fields"] = {
        "title": {"json": "title", "required": True},
        "text": {"json": "text", "required": True},
        "city": {"json": "city", "required": True},
        "stated_age": {"json": "age", "type": "int"},
        "price": {"json": "price", "type": "price"},
    }
    detail.pop("images")
    detail["contact_images"] = {"json": "phone_image"}
    detail["external_id_from_url"] = "/ad/(mk[0-9]+)$"
    detail["reveal"]["url"] = {"json": "reveal"}
    return site


PAGINGS = {
    "page_has_more": ({"param": "page", "kind": "page", "has_more": "has_more"}, "/api/list"),
    "offset_total": ({"param": "offset", "kind": "offset", "total": "total"}, "/api/list"),
    "page_until_empty": ({"param": "page", "kind": "page"}, "/api/list"),
    "cursor": ({"param": "cursor", "kind": "cursor", "cursor": "next_cursor"}, "/api/scroll"),
}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("style", sorted(PAGINGS))
def test_crawl_market_json_api_paging(
    style, database, demo_world, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paging, start = PAGINGS[style]
    site = _api_site(copy.deepcopy(paging), start, "data" if style == "cursor" else "items")
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl("demo_market_api")
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    _check_against_truth(database, demo_world, 0, "demo_market_api")
    stored = live_adverts(database, "demo_market_api")
    some = next(iter(stored.values()))
    assert some.price == Decimal(demo_world.advert("classic", some.external_id[2:]).price)
    assert some.url.endswith(f"/ad/{some.external_id}")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_market_json_api_max_pages_makes_the_crawl_incomplete(
    database, demo_world, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paging = {"param": "page", "kind": "page", "has_more": "has_more", "max_pages": 2}
    _variant(tmp_path, monkeypatch, _api_site(paging, "/api/list"))
    outcome = crawl("demo_market_api")
    assert (outcome.status, outcome.returncode) == ("incomplete", 3), outcome
    assert any("max_pages (2)" in w for w in outcome.warnings), outcome.warnings
    assert len(live_adverts(database, "demo_market_api")) == 20  # two pages of ten
    pages = [r["path"] for r in demo_sites.server.requests if r["path"].startswith("/api/list")]
    assert sorted(pages) == ["/api/list?page=1", "/api/list?page=2"]


SOURCES = {  # listing source → (its first request, how many of the newest adverts it lists)
    "gzipped_sitemap_index": ({"sitemaps": ["/sitemap.xml.gz"]}, "/sitemap.xml.gz", None),
    "rss_feed": ({"feeds": ["/feed.xml"]}, "/feed.xml", 20),
}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_crawl_market_other_sources(
    source, database, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing, path, newest = SOURCES[source]
    site = _market_file()
    site["listing"] = listing
    site["detail"].pop("contact_images")  # OCR is not what this test is about
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl(SITE)
    assert outcome.status == "complete", outcome
    paths = [r["path"] for r in demo_sites.server.requests if r["site"] == "market"]
    assert path in paths and "/sitemap.xml" not in paths
    live = demo_sites.server.market.live()[:newest]
    assert set(live_adverts(database, SITE)) == {market_id(a.external_id) for a in live}


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_market_through_the_browser_age_gate_and_infinite_scroll(
    database, demo_world, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _market_file()
    site["name"] = "demo_market_browser"
    site.pop("cookies")  # the browser clicks through the age gate as a visitor does
    site["listing"] = {"start_urls": ["/"], "detail_links": "a.ad-link"}
    site["browser"] = {
        "needed": True,
        "site_steps": [
            {"action": "click", "selector": "#age-ok", "optional": True, "wait_for": "ul.feed"}
        ],
        "listing_steps": [
            {"action": "wait_for_selector", "selector": "a.ad-link"},
            {"action": "scroll_until_stable", "selector": "a.ad-link", "timeout_ms": 3000},
        ],
        "detail_steps": [{"action": "wait_for_selector", "selector": "article.listing"}],
    }
    _variant(tmp_path, monkeypatch, site)
    outcome = crawl("demo_market_browser")
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    _check_against_truth(database, demo_world, 0, "demo_market_browser")
    pages = {r["path"] for r in demo_sites.server.requests if r["path"].startswith("/api/list")}
    assert len(pages) > 2, "the listing was scrolled page after page"
