"""The contact-target list: active clusters over the threshold, explained, without contact data.

A target is a cluster ("C<id>"). Clusters whose contact points or adverts are on the
opt-out list are never listed (PRIVACY rule 9).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Cluster, ContactLogEntry, Score, Suppression
from nlp.reasons import Reason, load_reasons, say
from pipeline.core import clock
from pipeline.core.errors import ScoutError
from pipeline.core.kinds import DEFAULT_KIND
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.languages import MIN_SHARE, WriteIn, languages_to_write_in
from pipeline.reports.outreach.sanitize import clean

MOBILE_TYPES = frozenset({"mobile", "fixed_line_or_mobile"})
MESSENGER_SOURCES = frozenset({"whatsapp", "signal"})
TOP_REASONS = 3


@dataclass(frozen=True)
class TargetFilter:
    """What narrows the list; None means no narrowing on that field."""

    min_score: float = 1.0
    region: str | None = None
    city: str | None = None
    language: str | None = None
    active_within: timedelta | None = None
    live_now: bool = False
    not_contacted: bool = False
    # The kind of advert whose clusters are listed (a cluster holds one kind); None: all.
    kind: str | None = DEFAULT_KIND


@dataclass
class Target:
    """One row of the target list: reasons, languages and reachability, no contact value."""

    target_id: str
    cluster_id: int
    score: float
    ruleset_version: str | None
    reasons: list[str]
    languages: list[WriteIn]
    cities: list[str]
    regions: list[str]
    first_seen: datetime
    last_seen: datetime
    adverts: int
    sites: int
    valid_numbers: int
    mobile_numbers: int
    messenger: bool
    live_now: bool
    last_outcome: str | None = None
    last_contact_at: datetime | None = None
    explanation: list[dict[str, Any]] = field(default_factory=list)

    @property
    def contacted(self) -> bool:
        return self.last_outcome is not None


MAX_ID = 2**63 - 1
MAX_DURATION = timedelta(days=3650)


def parse_target_id(target: str) -> int:
    """The cluster id in "C12" (or "12"); ScoutError for anything else."""
    text = target.strip().upper().removeprefix("C")
    if not text.isdigit():
        raise ScoutError(f"not a target id: {clean(target, 40)!r} (expected e.g. C12)")
    number = int(text)
    if number > MAX_ID:  # C3: larger than any database id (SQLite and PostgreSQL: 64 bits)
        raise ScoutError(f"no target {clean(target, 40)} (ids end at C{MAX_ID})")
    return number


def parse_duration(text: str) -> timedelta:
    """ "48h", "2d", "90m" → timedelta; ScoutError otherwise."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdigit():
        raise ScoutError(f"not a duration: {text!r} (use e.g. 48h, 2d, 1w)")
    if len(number) > 6 or timedelta(**{units[unit]: int(number)}) > MAX_DURATION:  # C17
        raise ScoutError(f"duration {clean(text, 40)!r} is longer than {MAX_DURATION.days} days")
    return timedelta(**{units[unit]: int(number)})


def top_reasons(explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The strongest explanation entries that raise the score: the list's "why"."""
    ranked = sorted(explanation, key=lambda item: -float(item.get("weight") or 0))
    return [item for item in ranked[:TOP_REASONS] if float(item.get("weight") or 0) > 0]


@functools.cache
def _plain_reasons() -> dict[str, Reason]:
    return load_reasons()


def plain_reason(item: dict[str, Any], language: str = "en") -> str:
    """An explanation entry in plain words: its rule's reason (`nlp/rules/reasons/`), else
    the reason stored with the score, else the rule id."""
    rule_id = str(item.get("rule_id") or "")
    said = say(_plain_reasons(), rule_id, language)
    return said or str(item.get("reason") or rule_id)


def _reasons(explanation: list[dict[str, Any]]) -> list[str]:
    """The stored reasons with their particulars (cities in order, counts), as the CLI and
    the digest print them; the pages say each rule's plain reason (`plain_reason`)."""
    return [
        clean(str(item.get("reason") or item.get("rule_id") or ""), 90)
        for item in top_reasons(explanation)
    ]


def reachability(contacts: list[facts.Contact]) -> dict[str, Any]:
    """How a target can be reached, from its contact points (counted once each)."""
    phones = {c.point_id: c for c in contacts if c.kind == "phone"}
    return {
        "valid_numbers": sum(1 for c in phones.values() if c.number_type),
        "mobile_numbers": sum(1 for c in phones.values() if c.number_type in MOBILE_TYPES),
        "messenger": any(c.source in MESSENGER_SOURCES or c.kind == "telegram" for c in contacts),
    }


def _build(
    cluster: Cluster,
    summary: facts.Summary,
    cities: list[str],
    regions: set[str],
    contacts: list[facts.Contact],
    languages: tuple[Counter[str], set[str]],
    score: Any,
) -> Target:
    explanation = list(score.explanation) if score is not None else []
    counts, nationalities = languages
    countries = {c.country for c in contacts if c.kind == "phone" and c.country}
    return Target(
        target_id=f"C{cluster.id}",
        cluster_id=cluster.id,
        score=round(cluster.score, 3),
        ruleset_version=cluster.ruleset_version,
        reasons=_reasons(explanation),
        languages=languages_to_write_in(
            dict(counts), sorted(nationalities), sorted(countries), summary.adverts
        ),
        # the most recently seen city first; each distinct name cleaned once
        cities=list(dict.fromkeys(clean(c) for c in cities)),
        regions=sorted({clean(r) for r in regions}),
        first_seen=summary.first_seen,
        last_seen=summary.last_seen,
        adverts=summary.adverts,
        sites=summary.sites,
        live_now=summary.live > 0,
        explanation=explanation,
        **reachability(contacts),
    )


def matches(target: Target, wanted: TargetFilter, now: datetime) -> bool:
    """Whether a listed target passes the filter's narrowing (the score is checked in SQL)."""
    if wanted.region and wanted.region.casefold() not in {r.casefold() for r in target.regions}:
        return False
    if wanted.city and wanted.city.casefold() not in {c.casefold() for c in target.cities}:
        return False
    if wanted.language and wanted.language not in {w.lang for w in target.languages}:
        return False
    if wanted.active_within and target.last_seen < now - wanted.active_within:
        return False
    if wanted.live_now and not target.live_now:
        return False
    return not (wanted.not_contacted and target.contacted)


def list_version(session: Session) -> tuple[Any, ...]:
    """What changes whenever linking, scoring, the contact log or the opt-out list change
    what `list_targets` returns: a cache of the list is good while this stays the same.

    Crawls change adverts (last seen, gone) without it; a cache also keeps a short lifetime.
    Each part is a small aggregate (primary keys, the small clusters and suppressions tables).
    The contact log and the opt-outs count their rows too: with several server processes,
    PostgreSQL can commit an entry numbered below one committed before it, which leaves
    the highest id as it was (scores are written by one link run at a time).
    """
    return (
        session.execute(select(func.max(Cluster.updated_at), func.count(Cluster.id))).one(),
        session.scalar(select(func.max(Score.id))),
        session.execute(select(func.max(ContactLogEntry.id), func.count(ContactLogEntry.id))).one(),
        session.execute(
            select(
                func.max(Suppression.id),
                func.count(Suppression.id),
                func.count(Suppression.lifted_at),
            )
        ).one(),
    )


def list_targets(
    session: Session, wanted: TargetFilter | None = None, now: datetime | None = None
) -> list[Target]:
    """Active, unsuppressed clusters scoring at least `wanted.min_score`, best first.

    The clusters' adverts are aggregated in the database (the `facts` reads over
    `listed_clusters`): a few queries with a row per cluster (and per distinct city,
    region, contact point, language), whatever the number of adverts behind them.
    """
    wanted = wanted or TargetFilter()
    now = now or clock.now()
    listed = facts.listed_clusters(wanted.min_score)
    summaries = {
        cluster_id: summary
        for cluster_id, summary in facts.summaries(session, listed).items()
        if not summary.suppressed and (wanted.kind is None or summary.kind == wanted.kind)
    }
    contacts = facts.cluster_contacts(session, listed)
    suppressed = facts.suppressed_pseudonyms(session)
    kept = {
        cluster_id
        for cluster_id in summaries
        if not any(c.pseudonym in suppressed for c in contacts.get(cluster_id, []))
    }
    clusters = session.scalars(select(Cluster).where(Cluster.id.in_(listed)))
    cities = facts.cities_by_recency(session, listed)
    regions = facts.regions(session, listed)
    counts, nationalities = facts.languages(session, listed, MIN_SHARE)
    scores = facts.latest_scores(session, sorted(kept))
    targets = [
        _build(
            cluster,
            summaries[cluster.id],
            cities.get(cluster.id, []),
            regions.get(cluster.id, set()),
            contacts.get(cluster.id, []),
            (counts.get(cluster.id, Counter()), nationalities.get(cluster.id, set())),
            scores.get(cluster.id),
        )
        for cluster in clusters
        if cluster.id in kept
    ]
    logged = facts.last_contacts(session, [t.target_id for t in targets])
    for target in targets:
        entry = logged.get(target.target_id)
        if entry is not None:
            target.last_outcome, target.last_contact_at = entry.outcome, entry.at
    shown = [t for t in targets if matches(t, wanted, now)]
    return sorted(shown, key=lambda t: (-t.score, -t.last_seen.timestamp(), t.cluster_id))
