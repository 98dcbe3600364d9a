"""The JavaScript demo site: through headless Chromium, and through its JSON API."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from demo.cities import CITY_BY_SLUG
from spiders.sitefile import SITES_DIR

from helpers.crawled import field_contacts, live_adverts

SPA_API = {
    "name": "demo_spa_api",
    "description": "The demo SPA read through its JSON API instead of a browser.",
    "base_url": "http://127.0.0.1:8802",
    "api": {
        "start_urls": [f"/api/listings?city={slug}&page=1" for slug in sorted(CITY_BY_SLUG)],
        "items": "items",
        "item_id": "id",
        "detail_url": "/api/ads/{id}",
        "next_page": "next",
        "page_url": "/ad/{id}",
    },
    "detail": {
        "external_id": {"json": "id"},
        "external_id_from_url": "/ads?/([A-Za-z0-9_-]+)",
        "fields": {
            "title": {"json": "title", "required": True},
            "text": {"json": "text", "required": True},
            "city": {"json": "city_name", "required": True},
            "stated_age": {"json": "age", "type": "int"},
        },
        "images": {"json": "images", "type": "list"},
        "reveal": {"url": {"json": "phone_url"}, "json_field": "phone"},
    },
    "politeness": {"download_delay": 0, "concurrency_per_domain": 4, "autothrottle": False},
}


def _check_against_truth(database, world, site: str) -> None:
    stored = live_adverts(database, site)
    truth = {a.external_id: a for a in world.live("spa", 0)}
    assert set(stored) == set(truth)
    for external_id, advert in stored.items():
        version = truth[external_id].version_on(0)
        assert advert.title == version.title
        assert advert.city == CITY_BY_SLUG[version.city].name
        assert advert.stated_age == truth[external_id].age
        hidden = {c.value for c in version.contacts if c.reveal == "button"}
        assert hidden <= field_contacts(database, advert.id), external_id
    assert any(c.reveal == "button" for a in truth.values() for c in a.version_on(0).contacts)


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_spa_through_the_browser(database, demo_world, demo_sites, crawl) -> None:
    outcome = crawl("demo_spa")
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    _check_against_truth(database, demo_world, "demo_spa")
    paths = [r["path"] for r in demo_sites.server.requests if r["site"] == "spa"]
    assert any(p.startswith("/api/ads/") and p.endswith("/phone") for p in paths), (
        "the hidden numbers came from clicking the button"
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_spa_plain_http_sees_nothing(
    database, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = yaml.safe_load((SITES_DIR / "demo_spa.yaml").read_text())
    site["browser"] = {"needed": False}
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "demo_spa.yaml").write_text(yaml.safe_dump(site))
    monkeypatch.setenv("SCOUT_SITES_DIR", str(tmp_path / "sites"))
    outcome = crawl("demo_spa")
    assert outcome.status == "degraded"  # a JavaScript site without the browser finds nothing
    assert live_adverts(database, "demo_spa") == {}


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_crawl_spa_json_api_mode(
    database, demo_world, demo_sites, crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "demo_spa_api.yaml").write_text(yaml.safe_dump(SPA_API))
    monkeypatch.setenv("SCOUT_SITES_DIR", str(tmp_path / "sites"))
    demo_sites.url = lambda site: demo_sites.server.spa_url  # type: ignore[method-assign]
    outcome = crawl("demo_spa_api")
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    _check_against_truth(database, demo_world, "demo_spa_api")
