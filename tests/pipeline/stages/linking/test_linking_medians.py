"""Regional price medians found in the database equal the median of every price (both
engines): odd and even counts, zero and missing prices left out, small groups skipped."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from statistics import median

from sqlalchemy import select

from models import Advert
from pipeline.core.db import Database
from pipeline.stages.linking.store import MIN_PRICES, regional_medians
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

SEEN = datetime(2026, 11, 2, 12, tzinfo=UTC)
# city -> prices: 6 (even), 5 (odd) with a zero, 7 with a missing one, 4 (too few)
PRICES = {
    "Odense": [1500, 800, 2000, 1200, 999.5, 3000],
    "Aarhus": [1000, 0, 1700, 1100, 900, 2500],
    "Aalborg": [700, 1300, None, 1000, 1000, 1800, 1250, 400],
    "Esbjerg": [1000, 2000, 3000, 4000],
}


def test_linking_regional_medians_equal_the_median_of_every_price(database: Database) -> None:
    items = [
        AdvertItem(
            site="demo_classic",
            external_id=f"{city}{i}",
            url=f"http://127.0.0.1/ad/{city}{i}",
            fetched_at=SEEN,
            title="Ny",
            text="Hej",
            city=city,
            price=None if price is None else Decimal(str(price)),
            currency="DKK",
        )
        for city, prices in PRICES.items()
        for i, price in enumerate(prices)
    ]
    with database.session() as session:
        site_id = ensure_site(session, "demo_classic", "http://127.0.0.1:8801").id
        store_adverts(session, database.keyring, site_id, None, items)
    with database.session() as session:
        prices: dict[tuple[str, str], list[float]] = defaultdict(list)
        for region, currency, price in session.execute(
            select(Advert.region, Advert.currency, Advert.price)
        ):
            if price:
                prices[(region, currency)].append(float(price))
        found = regional_medians(session)
    expected = {k: median(v) for k, v in prices.items() if len(v) >= MIN_PRICES}
    assert len(expected) >= 2 and any(len(v) % 2 == 0 for v in prices.values())
    assert found == expected
