"""Fixtures for the analysis-stage tests: a database filled from demo ground truth, no crawl."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from demo import World
from demo.cities import CITY_BY_SLUG
from nlp.evaluation import seen_versions
from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

ADVERTS = 40  # enough for every language and several edited adverts, quick on both engines
# Inputs that must not break the batch: external id -> (title, text).
BAD_INPUTS: dict[str, tuple[str, str]] = {
    "bad-empty": ("", ""),
    "bad-blank": ("   ", " \n\t "),
    "bad-emoji": ("😀😀", "💋💋💋 🌹🌹"),
    "bad-one-word": ("Hej", "hej"),
    "bad-huge": ("Stor", "Ny i byen. " * 200_000),  # 2.2 MB
    "bad-nfd": ("Søde Åse", unicodedata.normalize("NFD", "Søde Åse fra Århus, ny i byen, ring")),
    "bad-markup": ("<script>alert(1)</script>", '<img src=x onerror="x()"><b>ny i byen</b>'),
}


def _day(start: Any, day: int) -> datetime:
    return datetime.combine(start + timedelta(days=day), time(12), tzinfo=UTC)


@pytest.fixture
def stored_sample(database: Database, demo_world: World) -> dict[str, Any]:
    """Store the first ADVERTS demo adverts (every version, as the crawler sees it) and the bad
    inputs; returns the adverts used."""
    adverts = [a for a in demo_world.adverts if a.site == "classic"][:ADVERTS]
    by_day: dict[int, list[AdvertItem]] = defaultdict(list)
    for advert in adverts:
        seen = seen_versions(_OneAdvert(advert))
        for version, view in zip(advert.versions, seen, strict=True):
            by_day[version.from_day].append(
                AdvertItem(
                    site="classic", external_id=advert.external_id,
                    url=f"http://127.0.0.1/ad/{advert.external_id}",
                    fetched_at=_day(demo_world.start, version.from_day),
                    title=view.title, text=view.text, city=CITY_BY_SLUG[version.city].name,
                    stated_age=advert.age, contacts=list(view.fields),
                )
            )  # fmt: skip
    for external_id, (title, text) in BAD_INPUTS.items():
        by_day[0].append(
            AdvertItem(site="classic", external_id=external_id, title=title, text=text,
                       url=f"http://127.0.0.1/ad/{external_id}",
                       fetched_at=_day(demo_world.start, 0))
        )  # fmt: skip
    for day in sorted(by_day):
        with database.session() as session:
            site = ensure_site(session, "classic", "http://127.0.0.1:8801")
            store_adverts(session, database.keyring, site.id, None, by_day[day])
    return {"adverts": adverts, "bad": BAD_INPUTS}


class _OneAdvert:
    """A world of one advert, for nlp.evaluation.seen_versions."""

    def __init__(self, advert: Any) -> None:
        self.adverts = [advert]
