"""Advert sources on the market demo site: what a sitemap, JSON-API paging and a header-
checked reveal cost in pages/s, against the classic site's HTML listings in the same run;
and what the numbers the market draws as images (read with OCR) cost, against the same
crawl with `contact_images` left out of the site file.

The market site cross-posts the classic site's adverts, so every row crawls the same live
adverts; only how they are found (and how the hidden number is fetched) differs. World size:
BENCH_SOURCES_INDEPENDENT / BENCH_SOURCES_CONTROLLERS (small by default).
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import build_world
from spiders.sitefile import SITES_DIR

TITLE = (
    "Advert sources: sitemap, JSON-API paging, reveal by POST, contact images by OCR "
    "(market demo) vs HTML listings"
)
SIZE = {
    "n_independent": int(os.environ.get("BENCH_SOURCES_INDEPENDENT", "300")),
    "n_controllers": int(os.environ.get("BENCH_SOURCES_CONTROLLERS", "60")),
}


def _variants(folder: Path) -> None:
    """The bundled market and classic files, and the market read through its JSON API."""
    for name in ("demo_market", "demo_classic"):
        (folder / f"{name}.yaml").write_text((SITES_DIR / f"{name}.yaml").read_text())
    market = yaml.safe_load((SITES_DIR / "demo_market.yaml").read_text())
    no_ocr = {**market, "name": "demo_market_no_ocr"}
    no_ocr["detail"] = {k: v for k, v in market["detail"].items() if k != "contact_images"}
    (folder / "demo_market_no_ocr.yaml").write_text(yaml.safe_dump(no_ocr))
    api = {**market, "name": "demo_market_api"}
    api.pop("listing")
    api.pop("cookies")
    api["api"] = {
        "start_urls": ["/api/list"],
        "items": "items",
        "item_id": "id",
        "detail_url": "/api/ad/{id}",
        "page_url": "/ad/{id}",
        "paging": {"param": "page", "kind": "page", "has_more": "has_more", "max_pages": 10_000},
    }
    api["detail"] = {
        "external_id": {"json": "id"},
        "external_id_from_url": "/ad/(mk[0-9]+)$",
        "fields": {
            "title": {"json": "title", "required": True},
            "text": {"json": "text", "required": True},
            "city": {"json": "city", "required": True},
        },
        "reveal": {**market["detail"]["reveal"], "url": {"json": "reveal"}},
        "contact_images": {"json": "phone_image"},
    }
    (folder / "demo_market_api.yaml").write_text(yaml.safe_dump(api))


def _full(*args: Any) -> dict:
    """One full crawl, measured as the crawl benchmark measures it (its own `_full`)."""
    path = Path(__file__).with_name("bench_crawl.py")
    spec = importlib.util.spec_from_file_location("bench_crawl_for_sources", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._full(*args)


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sites"
        folder.mkdir()
        _variants(folder)
        os.environ["SCOUT_SITES_DIR"] = str(folder)
        world = build_world(seed=7, days=14, **SIZE)
        clock = SimClock(world.start)
        with DemoServer(world, clock) as server:
            as_of = clock.now().isoformat()
            reference = _full("demo_classic", server.classic_url, "sqlite", tmp, as_of)
            reference["case"] = "classic: HTML listings (reference)"
            rows.append(reference)
            for site, case in (
                ("demo_market", "market: sitemap index, reveal by POST + header, OCR"),
                ("demo_market_api", "market: JSON API, page + has_more, reveal by POST, OCR"),
                ("demo_market_no_ocr", "market: sitemap index, reveal, no contact_images"),
            ):
                row = _full(site, server.market_url, "sqlite", tmp, as_of)
                row["case"] = case
                rows.append(row)
        os.environ.pop("SCOUT_SITES_DIR")
    for row in rows[1:]:
        row["pages/s vs HTML listings"] = round(row["pages/s"] / rows[0]["pages/s"], 2)
        row["adverts/s vs HTML listings"] = round(row["adverts/s"] / rows[0]["adverts/s"], 2)
    with_ocr, without = rows[1], rows[3]  # the same sitemap crawl, with and without OCR
    with_ocr["adverts/s vs no contact_images"] = round(
        with_ocr["adverts/s"] / without["adverts/s"], 2
    )
    return rows
