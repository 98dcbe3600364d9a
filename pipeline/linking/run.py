"""One linking run over the database: links, clusters with stable ids and events, scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from models import AdvertLink, AuditEntry
from nlp.rules import load_rules
from pipeline import audit, clock
from pipeline.db import Database
from pipeline.linking import signatures, store
from pipeline.linking.clusters import write_clusters
from pipeline.linking.config import LinkingRules, load_linking
from pipeline.linking.facts import AdvertFacts
from pipeline.linking.linker import Link, Linker, LinkRecord, components
from pipeline.settings import Settings

Progress = Callable[[str, int, int], None]


@dataclass
class LinkSummary:
    ruleset_version: str
    full: bool
    adverts: int = 0
    searched: int = 0
    signed: int = 0  # texts read and signed (new, changed or without a stored signature)
    links_by_kind: dict[str, int] = field(default_factory=dict)
    clusters: int = 0
    active_clusters: int = 0
    targets: int = 0
    boilerplate: int = 0  # (advert, band) entries not linked: text shared by many contacts
    events: dict[str, int] = field(default_factory=dict)


def _last_run(session: Session) -> dict[str, Any] | None:
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "link")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return None if entry is None else dict(entry.params)


def _records(
    advert_ids: list[int],
    facts: dict[int, AdvertFacts],
    hashes: dict[int, tuple[int, ...]],
    blobs: dict[int, bytes],
    num_perm: int,
) -> tuple[list[LinkRecord], signatures.Signed | None]:
    records = [LinkRecord(a, "", facts[a].contacts, hashes.get(a, ())) for a in advert_ids]
    signed = signatures.matrix([blobs[a] for a in advert_ids], num_perm) if blobs else None
    return records, signed


def _sign(
    session: Session,
    linker: Linker,
    rules: LinkingRules,
    full: bool,
    changed: set[int],
    ids: list[int],
) -> tuple[dict[int, bytes], int]:
    """Every advert's signature bytes: stored ones, and fresh ones for new and changed texts
    (and any advert without one under the current template settings), which are saved."""
    if "template" not in rules.config.links.enabled:
        return {}, 0
    key = signatures.config_key(rules.config.links.template)
    blobs = {} if full else signatures.load(session, key)
    fresh = [a for a in ids if a in changed or a not in blobs]
    for start in range(0, len(fresh), 5000):
        part = fresh[start : start + 5000]
        texts = signatures.texts(session, part)
        made = signatures.to_bytes(linker.sign([texts[a] for a in part]))
        blobs.update(zip(part, made, strict=True))
    signatures.save(session, key, {a: blobs[a] for a in fresh})
    return blobs, len(fresh)


def _links(
    session: Session,
    facts: dict[int, AdvertFacts],
    rules: LinkingRules,
    full: bool,
    last: int | None,
    summary: LinkSummary,
) -> list[Link]:
    """Kept links among unchanged adverts plus new links of new and changed ones."""
    old_members = store.memberships(session)
    ids = sorted(facts)
    stored = store.stored_links(session)
    if full or last is None:
        changed = set(ids)
    else:
        changed = store.changed_since(session, last) | {a for a in ids if a not in old_members}
    kept = [link for link in stored if link.a not in changed and link.b not in changed]
    # Stored links are a spanning forest: dropping a changed advert's links can cut a path
    # between its neighbours, so they are searched again (their own links stay).
    search = changed | {
        x.b if x.a in changed else x.a for x in stored if x.a in changed or x.b in changed
    }
    linker = Linker(rules.config)
    linker.connect(kept)
    blobs, summary.signed = _sign(session, linker, rules, full or last is None, changed, ids)
    hashes = signatures.phashes(session)
    num_perm = rules.config.links.template.num_perm
    rest = _records([a for a in ids if a not in search], facts, hashes, blobs, num_perm)
    linker.add(rest[0], search=False, signed=rest[1])
    sought = _records([a for a in ids if a in search], facts, hashes, blobs, num_perm)
    fresh = linker.add(sought[0], signed=sought[1])
    summary.searched = len(search)
    summary.boilerplate = linker.boilerplate
    if changed:
        touched = list(changed)
        for start in range(0, len(touched), 5000):
            part = touched[start : start + 5000]
            session.execute(
                delete(AdvertLink).where(
                    or_(AdvertLink.advert_a_id.in_(part), AdvertLink.advert_b_id.in_(part))
                )
            )
    if fresh:
        now = clock.now()
        session.execute(
            insert(AdvertLink),
            [
                {
                    "advert_a_id": x.a,
                    "advert_b_id": x.b,
                    "kind": x.kind,
                    "strength": x.strength,
                    "evidence": x.evidence,
                    "created_at": now,
                }
                for x in fresh
            ],
        )
    enabled = set(rules.config.links.enabled)
    return [x for x in kept + fresh if x.kind in enabled]


def link_database(
    database: Database,
    settings: Settings,
    full: bool = False,
    rules_dir: Path | None = None,
    linking_file: Path | None = None,
    on_progress: Progress | None = None,
) -> LinkSummary:
    """Link, cluster and score; `full` re-searches every advert (same clusters as incremental)."""
    ruleset, rules = load_rules(rules_dir), load_linking(linking_file)
    version = f"{ruleset.version[:6]}{rules.version[:6]}"
    summary = LinkSummary(version, full)
    progress = on_progress or (lambda stage, done, total: None)
    with database.session() as session:
        last = _last_run(session)
        # Other thresholds or rules make other links and scores: recompute everything.
        changed_rules = last is not None and last.get("ruleset_version") != version
        summary.full = full = full or changed_rules
        facts = store.load_facts(session)
        summary.adverts = len(facts)
        progress("linking", 0, 3)
        previous = None if last is None else int(last.get("last_version_id", 0))
        links = _links(session, facts, rules, full, previous, summary)
        for link in links:
            summary.links_by_kind[link.kind] = summary.links_by_kind.get(link.kind, 0) + 1
        progress("clustering", 1, 3)
        label_of = components(facts, links)
        groups: dict[int, list[int]] = defaultdict(list)
        for advert_id, label in label_of.items():
            groups[label].append(advert_id)
        write_clusters(session, facts, groups, links, rules, ruleset, version, summary)
        progress("scoring", 3, 3)
        audit.record(
            session,
            settings,
            "link",
            params={
                "full": full,
                "last_version_id": store.max_version_id(session),
                "ruleset_version": version,
            },
            counts={"adverts": summary.adverts, "clusters": summary.clusters},
        )
    return summary
