"""Test helper: store demo ground-truth adverts (every version) in a database, then analyse."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import imagehash
from PIL import Image

from demo.images import image_bytes
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts


@cache
def phash(image_id: str) -> str:
    return str(imagehash.phash(Image.open(io.BytesIO(image_bytes(image_id)))))


def _item(advert: dict[str, Any], version: dict[str, Any], day: int, start: Any) -> AdvertItem:
    when = datetime.combine(start + timedelta(days=day), time(12), UTC)
    return AdvertItem(
        site=advert["site"],
        external_id=advert["external_id"],
        url=f"http://127.0.0.1{advert['path']}",
        fetched_at=when,
        title=version["title"],
        text=version["text"],
        city=version["city"],
        stated_age=advert["age"],
        price=Decimal(advert["price"]),
        currency=advert["currency"],
        contacts=[c["shown"] for c in version["contacts"] if c["reveal"] == "button"],
        image_hashes=[phash(i) for i in advert["image_ids"]],
    )


def load_world(database: Database, truth: dict[str, Any], up_to_day: int) -> None:
    """Store adverts live on days 0..up_to_day, one batch per day (versions as they change)."""
    from datetime import date

    start = date.fromisoformat(truth["start"])
    with database.session() as session:
        site_ids = {
            name: ensure_site(session, f"demo_{name}", "http://127.0.0.1").id
            for name in ("classic", "spa")
        }
    for day in range(up_to_day + 1):
        by_site: dict[str, list[AdvertItem]] = {"classic": [], "spa": []}
        for advert in truth["adverts"]:
            if advert.get("special") or day not in advert["live_days"]:
                continue
            version = [v for v in advert["versions"] if v["from_day"] <= day][-1]
            by_site[advert["site"]].append(_item(advert, version, day, start))
        with database.session() as session:
            for site, items in by_site.items():
                if items:
                    store_adverts(session, database.keyring, site_ids[site], None, items)
    analyse(database)


def store_hand_made(
    database: Database, when: datetime, adverts: list[tuple[str, str, list[str], str, list[str]]]
) -> None:
    """Store hand-made adverts on the classic demo site, all seen at `when`: (external id,
    city, phone numbers, text, pHashes)."""
    with database.session() as session:
        site = ensure_site(session, "demo_classic", "http://127.0.0.1").id
        store_adverts(
            session,
            database.keyring,
            site,
            None,
            [
                AdvertItem(
                    site="classic",
                    external_id=ext,
                    url=f"http://127.0.0.1/ad/{ext}",
                    fetched_at=when,
                    title=f"Annonce {ext}",
                    text=text,
                    city=city,
                    contacts=phones,
                    image_hashes=phashes,
                )
                for ext, city, phones, text, phashes in adverts
            ],
        )
