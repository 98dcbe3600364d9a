"""Generated scale adverts (`demo.scale`) as one crawl's items, stored as a crawl stores
them: what the linking benchmark's database rows and the 1 %-day linking test store."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def phash(image_id: str) -> int:
    """A pHash per image id (drawing the images would measure Pillow); the generator's
    variants (resized, recompressed) flip 3 bits."""
    base = image_id[1:].split("s")[0].split("q")[0]
    value = int.from_bytes(hashlib.blake2b(base.encode(), digest_size=8).digest(), "big")
    return value if image_id[1:].isdigit() else value ^ 0b1011


def store_scale_adverts(database: Database, adverts: list[dict[str, Any]], start: int) -> None:
    """Store `adverts` (external ids b<start>, b<start+1>, …) as one crawl batch."""
    with database.session() as session:
        site_id = ensure_site(session, "bench", "http://127.0.0.1").id
        items = [
            AdvertItem(
                site="bench",
                external_id=f"b{i}",
                url=f"http://127.0.0.1/ad/b{i}",
                fetched_at=DAY0 + timedelta(days=a["first_day"]),
                title=a["title"],
                text=a["text"],
                city=a["city"],
                stated_age=a["age"],
                price=Decimal(a["price"]),
                currency=a["currency"],
                contacts=[c["shown"] for c in a["contacts"]],
                image_hashes=[f"{phash(x):016x}" for x in a["image_ids"]],
            )
            for i, a in enumerate(adverts, start)
        ]
        store_adverts(session, database.keyring, site_id, None, items)
