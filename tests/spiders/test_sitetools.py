"""`scout sites try` and `scout sites new` on the demo sites (loopback only)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from demo.market import market_id
from pipeline.cli.main import main
from spiders.sitefile import SiteFile, load_site, load_site_file
from spiders.sitetools import NotAllowed, draft_site_file, try_page

UA = "Scout-test/0.1"


def _button_advert(server) -> str:
    """A live market advert whose number is behind the button."""
    return next(
        market_id(a.external_id)
        for a in server.market.live()
        if server.market._hidden_phone(a) is not None
    )


def test_sites_try_reads_an_advert_with_its_reveal(demo_sites) -> None:
    server = demo_sites.server
    site = load_site("demo_market").with_base_url(server.market_url)
    advert_id = _button_advert(server)
    result = try_page(site, f"/ad/{advert_id}", UA)
    assert (result.page_type, result.status, result.external_id) == ("detail", 200, advert_id)
    hidden = server.market._hidden_phone(server.market.lookup(advert_id)[0])
    assert result.reveal == {
        "url": f"{server.market_url}/api/reveal",
        "method": "POST",
        "status": 200,
        "value": hidden,
    }
    assert hidden in result.contacts
    by_name = {f.name: f for f in result.fields}
    assert not by_name["title"].missed and by_name["title"].value
    posts = [r for r in server.requests if r["path"] == "/api/reveal"]
    assert [r["method"] for r in posts] == ["POST"]


def test_sites_try_shows_a_refused_reveal_and_misses(demo_sites) -> None:
    server = demo_sites.server
    site = load_site("demo_market").with_base_url(server.market_url)
    reveal = site.detail.reveal.model_copy(update={"headers": {}})  # type: ignore[union-attr]
    detail = site.detail.model_copy(update={"reveal": reveal})
    site = site.model_copy(update={"detail": detail, "cookies": {}})
    result = try_page(site, f"/ad/{_button_advert(server)}", UA)
    # without the cookie the page is the age gate: every field missed, no button
    assert set(result.misses) == set(site.detail.fields)
    assert result.reveal == {"error": "the page names no reveal endpoint (no button)"}
    site = site.model_copy(update={"cookies": {"age_ok": "1"}})
    result = try_page(site, f"/ad/{_button_advert(server)}", UA)
    assert result.reveal is not None and result.reveal["error"] == "refused: HTTP 403"


def test_sites_try_listing_links_and_robots(demo_sites) -> None:
    site = load_site("demo_classic").with_base_url(demo_sites.server.classic_url)
    result = try_page(site, "/city/aarhus", UA)
    assert result.page_type == "listing"
    assert result.links["detail_links"] and all("/ad/" in u for u in result.links["detail_links"])
    with pytest.raises(NotAllowed, match=r"robots\.txt"):
        try_page(site, "/private/vip-list", UA)
    with pytest.raises(NotAllowed, match="allowed domains"):
        try_page(site, "http://127.0.0.2/ad/1", UA)


def test_sites_try_cli_marks_misses(demo_sites, capsys) -> None:
    url = demo_sites.server.market_url
    code = main(["sites", "try", "demo_market", "/ad/mk1", "--base-url", url])
    out = capsys.readouterr().out
    assert code == 0
    assert "detail page" in out and "HTTP 404" in out and "MISS (required)" in out
    assert "missed: title, text, city" in out


def test_sites_new_drafts_a_working_site_file(demo_sites, tmp_path: Path) -> None:
    url = demo_sites.server.classic_url
    draft = draft_site_file(url + "/", "classic_draft", UA, {})
    data = yaml.safe_load(draft.yaml_text)
    assert data["listing"]["detail_links"] == "a.listing-link"
    assert data["listing"]["listing_links"] == "a.city-link"
    assert data["detail"]["external_id_from_url"] == "/ad/([A-Za-z0-9_-]+)"
    # the draft reads an advert page as it is: the title is found
    site = SiteFile.model_validate(data)
    advert = demo_sites.server.classic.world.live("classic", 0)[0]
    result = try_page(site, f"/ad/{advert.external_id}", UA)
    assert result.external_id == advert.external_id
    assert [f.value for f in result.fields if f.name == "title"] == [advert.version_on(0).title]


def test_sites_new_cli_finds_sitemap_and_feed_behind_an_age_gate(
    demo_sites, tmp_path: Path, capsys
) -> None:
    out_file = tmp_path / "market_draft.yaml"
    url = demo_sites.server.market_url + "/"
    args = ["sites", "new", url, "--name", "market_draft", "--cookie", "age_ok=1"]
    assert main([*args, "--out", str(out_file)]) == 0
    site = load_site_file(out_file)
    assert site.cookies == {"age_ok": "1"}
    assert site.listing is not None
    assert (site.listing.sitemaps, site.listing.feeds) == (["/sitemap.xml"], ["/feed.xml"])
    assert site.detail.external_id_from_url == "/ad/([A-Za-z0-9_-]+)"
    assert "sitemap.xml is an index of 2 sitemaps" in capsys.readouterr().err
    # the advert page's JSON-LD became field sources, and they read the advert as it is
    fields = site.detail.fields
    assert (fields["title"].jsonld, fields["price"].jsonld) == ("Product:name", "Product:offers")
    assert fields["text"].jsonld == "Product:description"
    advert = demo_sites.server.market.live()[0]
    result = try_page(site, f"{url}ad/{market_id(advert.external_id)}", UA)
    values = {f.name: f.value for f in result.fields}
    assert values["title"] == advert.version_on(0).title
    assert values["price"] == (Decimal(advert.price), advert.currency)
    assert main(["sites", "new", url, "--cookie", "novalue"]) == 2


def test_sites_try_sends_declared_side_requests(demo_sites) -> None:
    """`sites try` sends each declared side request and shows the fields it fills, or the
    refusal when the page's header is missing."""
    server = demo_sites.server
    site = load_site("demo_market").with_base_url(server.market_url)
    advert = server.market.live()[0]
    url = f"{server.market_url}/ad/{market_id(advert.external_id)}"
    spec = {
        "name": "details",
        "url": {"css": "section.more::attr(data-endpoint)"},
        "headers": {"X-Requested-With": "XMLHttpRequest"},
        "fields": {"stated_age": {"json": "profile.age", "type": "int"}},
    }
    detail = site.detail.model_validate(
        {**site.detail.model_dump(by_alias=True, exclude_unset=True), "side_requests": [spec]}
    )
    result = try_page(site.model_copy(update={"detail": detail}), url, UA)
    assert result.side == [
        {
            "name": "details",
            "url": f"{server.market_url}/api/details?ad={market_id(advert.external_id)}",
            "method": "GET",
            "status": 200,
            "fields": {"stated_age": advert.age},
        }
    ]
    spec["headers"] = {}
    detail = site.detail.model_validate(
        {**site.detail.model_dump(by_alias=True, exclude_unset=True), "side_requests": [spec]}
    )
    result = try_page(site.model_copy(update={"detail": detail}), url, UA)
    assert result.side[0]["error"] == "refused: HTTP 403" and "fields" not in result.side[0]


def test_sites_try_cli_prints_the_reveal(demo_sites, capsys) -> None:
    url = demo_sites.server.market_url
    advert_id = _button_advert(demo_sites.server)
    assert main(["sites", "try", "demo_market", f"/ad/{advert_id}", "--base-url", url]) == 0
    out = capsys.readouterr().out
    assert f"reveal: POST {url}/api/reveal: value '" in out
