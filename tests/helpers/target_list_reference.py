"""The target list as it was built before the database aggregated it: every listed
cluster's adverts, contacts and analyses read into Python, one by one. A test oracle:
`list_targets` must give exactly this list (tests/pipeline/reports/outreach)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Cluster
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.languages import MIN_SHARE, languages_to_write_in
from pipeline.reports.outreach.sanitize import clean
from pipeline.reports.outreach.targets import (
    Target,
    TargetFilter,
    _reasons,
    matches,
    reachability,
)


def _target(
    cluster: Cluster,
    members: list[facts.Member],
    contacts: list[facts.Contact],
    analyses: dict[int, dict[str, Any]],
    score: Any,
) -> Target:
    counts: Counter[str] = Counter()
    nationalities: set[str] = set()
    for member in members:
        analysis = analyses.get(member.advert_id, {})
        counts.update(
            {
                str(e.get("lang"))
                for e in analysis.get("languages", [])
                if float(e.get("share") or 0) >= MIN_SHARE
            }
        )
        nationalities.update(str(n) for n in analysis.get("nationalities", []))
    countries = {c.country for c in contacts if c.kind == "phone" and c.country}
    # (the old build took ties in last_seen in the database's row order: by advert id)
    ordered = sorted(members, key=lambda m: (m.last_seen, m.advert_id))
    explanation = list(score.explanation) if score is not None else []
    return Target(
        target_id=f"C{cluster.id}",
        cluster_id=cluster.id,
        score=round(cluster.score, 3),
        ruleset_version=cluster.ruleset_version,
        reasons=_reasons(explanation),
        languages=languages_to_write_in(
            dict(counts), sorted(nationalities), sorted(countries), len(members)
        ),
        cities=list(dict.fromkeys(clean(m.city) for m in reversed(ordered) if m.city)),
        regions=sorted({clean(m.region) for m in members if m.region}),
        first_seen=min(m.first_seen for m in members),
        last_seen=ordered[-1].last_seen,
        adverts=len(members),
        sites=len({m.site_id for m in members}),
        live_now=any(m.gone_at is None for m in members),
        explanation=explanation,
        **reachability(contacts),  # unchanged: from each contact point, however often read
    )


def reference_targets(session: Session, wanted: TargetFilter, now: datetime) -> list[Target]:
    clusters = list(
        session.scalars(
            select(Cluster).where(
                Cluster.active.is_(True),
                Cluster.merged_into_id.is_(None),
                Cluster.score >= wanted.min_score,
            )
        )
    )
    ids = [c.id for c in clusters]
    members = facts.members(session, ids)
    contacts = facts.contacts(session, ids)
    suppressed = facts.suppressed_pseudonyms(session)
    analyses = facts.latest_analysis(session, ids, ("languages", "nationalities"))
    scores = facts.latest_scores(session, ids)
    targets = []
    for cluster in clusters:
        group = members.get(cluster.id, [])
        points = [c for m in group for c in contacts.get(m.advert_id, [])]
        if (
            not group
            or (wanted.kind is not None and group[0].kind != wanted.kind)
            or any(m.suppressed for m in group)
            or any(c.pseudonym in suppressed for c in points)
        ):
            continue
        targets.append(_target(cluster, group, points, analyses, scores.get(cluster.id)))
    logged = facts.last_contacts(session, [t.target_id for t in targets])
    for target in targets:
        entry = logged.get(target.target_id)
        if entry is not None:
            target.last_outcome, target.last_contact_at = entry.outcome, entry.at
    kept = [t for t in targets if matches(t, wanted, now)]
    return sorted(kept, key=lambda t: (-t.score, -t.last_seen.timestamp(), t.cluster_id))
