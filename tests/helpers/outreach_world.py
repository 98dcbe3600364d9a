"""Test helper: a small demo world stored, analysed and clustered by shared contact point.

Clusters and scores are fixture data inserted directly (the real linking stage is
tested on its own): adverts sharing a contact point form one cluster; a cluster's
score is the sum of the distinct rules its adverts hit, plus 0.5 for a shared contact.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from demo.world import build_world
from models import (
    Advert,
    AdvertContact,
    Cluster,
    ClusterMember,
    ContactPoint,
    IndicatorHit,
    Score,
    Site,
)
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

SITES = {"classic": "demo_classic", "spa": "demo_spa"}
SHARED_CONTACT = 0.5


def small_truth(seed: int = 7) -> dict[str, Any]:
    return build_world(seed=seed, days=4, n_independent=6, n_controllers=2).ground_truth()


def _hrefs(contacts: list[dict[str, Any]]) -> list[str]:
    found = []
    for contact in contacts:
        if contact.get("reveal") == "button":
            found.append(contact["value"])
        elif contact.get("style") == "tel_link":
            found.append(f"tel:{contact['value']}")
        elif contact.get("style") == "wa_link":
            found.append(f"https://wa.me/{contact['value'].lstrip('+')}")
    return found


def items_of(truth: dict[str, Any], site: str) -> list[list[AdvertItem]]:
    """Per version index, the items of one site (so later versions are stored later)."""
    start = datetime.fromisoformat(truth["start"]).replace(tzinfo=UTC) + timedelta(hours=12)
    rounds: dict[int, list[AdvertItem]] = defaultdict(list)
    for advert in truth["adverts"]:
        if advert["site"] != site:
            continue
        for index, version in enumerate(advert["versions"]):
            day = max(version["from_day"], advert["first_day"])
            rounds[index].append(
                AdvertItem(
                    site=SITES[site],
                    external_id=advert["external_id"],
                    url=f"http://127.0.0.1{advert['path']}",
                    fetched_at=start + timedelta(days=day),
                    title=version["title"],
                    text=version["text"],
                    city=version["city"],
                    stated_age=advert["age"],
                    contacts=_hrefs(version["contacts"]),
                )
            )
    return [rounds[index] for index in sorted(rounds)]


def store_truth(database: Database, truth: dict[str, Any]) -> None:
    """Ingest every advert version of the truth, as crawls would have."""
    for site in SITES:
        for batch in items_of(truth, site):
            with database.session() as session:
                site_row = ensure_site(session, SITES[site], "http://127.0.0.1")
                store_adverts(session, database.keyring, site_row.id, None, batch)


def cluster_by_contact(database: Database, extra: dict[int, float] | None = None) -> None:
    """Replace clusters with one per connected group of adverts sharing a contact point."""
    with database.session() as session:
        session.execute(delete(Score))
        session.execute(delete(ClusterMember))
        session.execute(delete(Cluster))
        adverts = {a.id: a for a in session.scalars(select(Advert))}
        parent = {advert_id: advert_id for advert_id in adverts}

        def root(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        by_point: dict[int, list[int]] = defaultdict(list)
        for advert_id, point_id in session.execute(
            select(AdvertContact.advert_id, AdvertContact.contact_point_id)
        ):
            by_point[point_id].append(advert_id)
        for members in by_point.values():
            for other in members[1:]:
                parent[root(other)] = root(members[0])
        groups: dict[int, list[int]] = defaultdict(list)
        for advert_id in adverts:
            groups[root(advert_id)].append(advert_id)
        hits: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
        for hit in session.scalars(select(IndicatorHit)):
            hits[hit.advert_id][hit.rule_id] = (hit.weight, hit.category)
        for members in groups.values():
            rules: dict[str, float] = {}
            for advert_id in members:
                rules.update({rule: weight for rule, (weight, _) in hits[advert_id].items()})
            explanation = [
                {"rule_id": rule, "weight": weight, "reason": f"indicator {rule}", "evidence": {}}
                for rule, weight in sorted(rules.items())
            ]
            if len(members) > 1:
                explanation.append(
                    {
                        "rule_id": "shared_contact",
                        "weight": SHARED_CONTACT,
                        "reason": f"{len(members)} adverts share a contact point",
                        "evidence": {},
                    }
                )
            score = round(sum(item["weight"] for item in explanation), 6)
            cluster = Cluster(
                first_seen=min(adverts[a].first_seen for a in members),
                last_seen=max(adverts[a].last_seen for a in members),
                active=True,
                size=len(members),
                score=score,
                ruleset_version="fixture",
            )
            session.add(cluster)
            session.flush()
            session.add_all(ClusterMember(cluster_id=cluster.id, advert_id=a) for a in members)
            session.add(
                Score(
                    subject_kind="cluster",
                    subject_id=cluster.id,
                    ruleset_version="fixture",
                    score=score,
                    explanation=explanation,
                )
            )


def build(database: Database, truth: dict[str, Any]) -> None:
    store_truth(database, truth)
    analyse(database)
    cluster_by_contact(database)


def site_ids(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {name: id_ for id_, name in session.execute(select(Site.id, Site.name))}


def contact_strings(truth: dict[str, Any]) -> set[str]:
    """Every way a true contact can be written: E.164, national digits, as shown, handle."""
    found: set[str] = set()
    for advert in truth["adverts"]:
        for version in advert["versions"]:
            for contact in version["contacts"]:
                value = contact["value"]
                found.add(value)
                if contact.get("shown") and len(contact["shown"]) >= 6:
                    found.add(contact["shown"])
                if contact["kind"] in ("phone", "whatsapp", "signal") and value.startswith("+"):
                    found.add(value[1:])
                    if value.startswith("+45"):
                        found.add(value[3:])
    return found


def point_count(database: Database) -> int:
    with database.session() as session:
        return len(list(session.scalars(select(ContactPoint.id))))
