"""Site files: the bundled ones validate; broken ones fail naming file, field and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.core.datafiles import DataFileError
from spiders.sitefile import SITES_DIR, SiteFile, load_all_sites, load_site_file

VALID = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())


def _with(change: dict, drop: tuple[str, ...] = ()) -> dict:
    data = {**VALID, **change}
    for key in drop:
        data.pop(key)
    return data


def _reveal(change: dict) -> dict:
    reveal = {**VALID["detail"]["reveal"], **change}
    return _with({"detail": {**VALID["detail"], "reveal": reveal}})


def _side(change: dict, more: tuple[dict, ...] = ()) -> dict:
    spec = {
        "name": "details",
        "url": {"css": "a::attr(href)"},
        "fields": {"stated_age": {"json": "age"}},
    }
    return _with({"detail": {**VALID["detail"], "side_requests": [{**spec, **change}, *more]}})


def _api(paging: dict, **api: str) -> dict:
    spec = {"start_urls": ["/api"], "items": "items", "item_id": "id", "detail_url": "/a/{id}"}
    return _with({"api": {**spec, **api, "paging": paging}}, drop=("listing",))


def load_site_file_data(data: dict) -> SiteFile:
    return SiteFile.model_validate(data)


BROKEN = [
    ("unknown top-level field", _with({"colour": "red"}), "field colour: unknown field"),
    ("robots off without reason", _with({"robots": {"obey": False}}), "needs a reason"),
    ("no mode", _with({}, drop=("listing",)), "listing (HTML mode) or api"),
    (
        "unknown advert field",
        _with({"detail": {**VALID["detail"], "fields": {"name": {"css": ".n"}}}}),
        "collect little",
    ),
    ("unknown kind", _with({"kind": "weapons"}), "unknown kind 'weapons'"),
    (
        "catastrophic regex",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "regex": "(a+)+$"}}}}),
        "field detail.fields.text.regex: regex '(a+)+$': nested quantifiers",
    ),
    # Refused only by the rule files' checker before there was one checker for every data file.
    (
        "nested quantifier two groups deep",
        _with({"detail": {**VALID["detail"], "external_id_from_url": "/ad/(([a-z]+)-)+"}}),
        "field detail.external_id_from_url: regex '/ad/(([a-z]+)-)+': nested quantifiers",
    ),
    (
        "lookahead",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "regex": "(?=x)y"}}}}),
        "field detail.fields.text.regex: regex '(?=x)y': backreferences and lookarounds",
    ),
    (
        "two sources",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "xpath": "//p"}}}}),
        "exactly one of css",
    ),
    ("bad base url", _with({"base_url": "ftp://x"}), "base_url"),
    (
        "click without selector",
        _with({"browser": {"needed": True, "detail_steps": [{"action": "click"}]}}),
        "selector",
    ),
    (
        "concurrency too high",
        _with({"politeness": {"concurrency_per_domain": 50}}),
        "concurrency_per_domain",
    ),
    # issue 13: requests like the page makes them, but never a login or another identity
    *[
        (f"reveal header {name}", _reveal({"headers": {name: "x"}}), "may not be set")
        for name in ("Authorization", "cookie", "User-Agent", "X-Forwarded-For")
    ],
    ("reveal form on GET", _reveal({"form": {"ad": "1"}}), "needs method: POST"),
    (
        "reveal form and json",
        _reveal({"method": "POST", "form": {"a": "1"}, "json": {"a": "1"}}),
        "form or json, not both",
    ),
    ("reveal unknown placeholder", _reveal({"headers": {"Referer": "{url}"}}), "placeholder"),
    ("login cookie", _with({"cookies": {"PHPSESSID": "abc"}}), "login session"),
    # declared side requests: the reveal's rules, their own names, the kind's fields only
    ("side request cookie header", _side({"headers": {"Cookie": "a=1"}}), "may not be set"),
    ("side request json on GET", _side({"json": {"ad": "1"}}), "needs method: POST"),
    ("side request named reveal", _side({"name": "reveal"}), "crawl's own requests"),
    ("side request bad name", _side({"name": "Details!"}), "pattern"),
    (
        "side requests same name",
        _side({}, ({"name": "details", "url": {"css": "a"}, "fields": {}},)),
        "names must differ",
    ),
    (
        "side request unknown field",
        _side({"fields": {"phone_owner": {"json": "x"}}}),
        "unknown advert field",
    ),
    ("listing without a source", _with({"listing": {"detail_links": "a"}}), "sitemaps or feeds"),
    ("start urls without links", _with({"listing": {"start_urls": ["/"]}}), "detail_links"),
    ("sitemap as file URL", _with({"listing": {"sitemaps": ["file:///etc/x"]}}), "neither a path"),
    (
        "cursor paging without cursor",
        _api({"param": "c", "kind": "cursor"}),
        "kind cursor needs cursor",
    ),
    ("paging and next page", _api({"param": "page"}, next_page="next"), "not both"),
    (
        "scroll without selector",
        _with({"browser": {"needed": True, "listing_steps": [{"action": "scroll_until_stable"}]}}),
        "selector",
    ),
]


def test_sitefile_new_parts_validate() -> None:
    site = load_site_file_data(
        _with(
            {
                "cookies": {"age_ok": "1"},
                "listing": {"sitemaps": ["/sitemap.xml"], "feeds": ["/feed.xml"]},
                "browser": {
                    "needed": True,
                    "site_steps": [{"action": "click", "selector": "#age-ok", "optional": True}],
                    "listing_steps": [{"action": "scroll_until_stable", "selector": "a.ad"}],
                },
            }
        )
    )
    assert site.listing is not None and site.listing.sitemaps == ["/sitemap.xml"]
    assert site.browser.listing_steps[0].max_scrolls == 30
    api = load_site_file_data(_api({"param": "offset", "kind": "offset", "total": "total"}))
    assert api.api is not None and api.api.paging is not None
    assert api.api.paging.max_pages == 200


def test_sitefile_bundled_files_validate() -> None:
    names = {site.name for site in load_all_sites(SITES_DIR)}
    assert {"demo_classic", "demo_spa"} <= names


@pytest.mark.parametrize(("case", "data", "fragment"), BROKEN, ids=[b[0] for b in BROKEN])
def test_sitefile_broken_file_names_file_field_and_problem(
    tmp_path: Path, case: str, data: dict, fragment: str
) -> None:
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert fragment in message, message


def test_sitefile_name_must_match_file(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(VALID))
    with pytest.raises(DataFileError, match="field name: 'demo_classic' must equal the file name"):
        load_site_file(path)


def test_sitefile_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "demo_classic.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(DataFileError, match="line 2: not valid YAML"):
        load_site_file(path)


def test_sitefile_every_field_has_a_description() -> None:
    from pydantic import BaseModel

    from spiders import sitefile

    models = [
        obj
        for obj in vars(sitefile).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj is not BaseModel
        and not obj.__name__.startswith("_")
    ]
    for model in models:
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
