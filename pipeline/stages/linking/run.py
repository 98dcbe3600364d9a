"""One linking run over the database: links, clusters with stable ids and events, scores."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, insert, select
from sqlalchemy.orm import Session

from models import AdvertLink, Cluster, ClusterEvent
from nlp.kinds import rules_dir_of
from nlp.rules import load_rules
from pipeline.core import audit, clock
from pipeline.core.batches import in_batches
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking import incremental, store, watermark
from pipeline.stages.linking.clusters import write_clusters
from pipeline.stages.linking.config import LinkingRules, load_linking
from pipeline.stages.linking.linker import components
from pipeline.stages.linking.search import Searched, search_links
from pipeline.stages.linking.summary import LinkSummary
from pipeline.stages.linking.watermark import Mark

Progress = Callable[[str, int, int], None]


def _cluster(
    session: Session,
    searched: Searched,
    full: bool,
    rules: LinkingRules,
    ruleset: Any,
    version: str,
    summary: LinkSummary,
) -> None:
    """Rewrite the dirty clusters (all of them in a full run), refresh the others' dates."""
    old = searched.old
    # Clusters hold one kind of advert: a link between two kinds (a phone in an escort and a
    # job advert) is kept as a link but joins no cluster.
    kinds = store.other_kinds(session)
    links = [x for x in searched.links if kinds.get(x.a) == kinds.get(x.b)]
    groups: dict[int, list[int]] = defaultdict(list)
    for advert_id, label in components(searched.ids, links).items():
        groups[label].append(advert_id)
    if not full:
        held = sorted(set(old.values()))
        sizes = {
            row[0]: row[1]
            for query in in_batches(select(Cluster.id, Cluster.size), Cluster.id, held)
            for row in session.execute(query)
        }
        dirty = incremental.dirty_labels(groups, old, sizes, searched.changed)
        groups = {label: groups[label] for label in dirty}
    rewritten = sorted(a for advert_ids in groups.values() for a in advert_ids)
    events: list[dict[str, Any]] = []
    written: set[int] = set()
    if groups:
        facts = store.load_facts(session, searched.contacts, None if full else rewritten)
        medians = store.regional_medians(session)
        old_part = old if full else {a: old[a] for a in rewritten if a in old}
        events, written = write_clusters(
            session,
            facts,
            groups,
            old_part,
            links,
            rules,
            ruleset,
            version,
            medians,
            None if full else searched.changed,
        )
    summary.rewritten = len(groups)
    if not full:
        now = clock.now()
        horizon = now - timedelta(days=rules.config.clusters.active_days)
        events += incremental.refresh_clean(session, written, horizon, now)
        if searched.purged:
            incremental.empty_purged(session)
    if events:
        session.execute(insert(ClusterEvent), events)
    for event in events:
        summary.events[event["kind"]] = summary.events.get(event["kind"], 0) + 1
    target = and_(Cluster.active, Cluster.score >= rules.config.target_threshold)
    counts = select(
        func.count(),
        func.coalesce(func.sum(case((Cluster.active, 1), else_=0)), 0),
        func.coalesce(func.sum(case((target, 1), else_=0)), 0),
    ).where(Cluster.size > 0)
    summary.clusters, summary.active_clusters, summary.targets = (
        int(x) for x in session.execute(counts).one()
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a run: it makes no reference cycles worth
    collecting, and collections scanning the run's ~10⁵ live rows took a third of an
    incremental run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    progress = on_progress or (lambda stage, done, total: None)
    with _gc_paused(), database.session() as session:
        # Another kind's rules score its clusters too: their versions join the stamp (an
        # escort-only database keeps the stamp it had), so an edit to them relinks.
        for kind in sorted(set(store.other_kinds(session).values())):
            version += load_rules(rules_dir_of(kind, rules_dir)).version[:6]
        summary = LinkSummary(version, full)
        last = watermark.last_run(session)
        # Other thresholds or rules make other links and scores: recompute everything.
        changed_rules = last is not None and last.ruleset_version != version
        summary.full = full = full or changed_rules
        summary.adverts = store.count_adverts(session)
        progress("linking", 0, 3)
        before = watermark.mark_of(last)
        previous = None if full else before
        # The next run starts from what this one could see when it started: versions a crawl
        # stores while this run searches lie above the mark, and those numbered below it but
        # not yet committed (PostgreSQL numbers rows as they are inserted) in its gaps, so
        # the next run searches them. A full run carries the gaps on too.
        keep = timedelta(minutes=settings.link_gap_minutes)
        seen = watermark.take(session, before, clock.now(), keep)
        searched = search_links(session, rules, previous, summary)
        stored = select(AdvertLink.kind, func.count()).group_by(AdvertLink.kind)
        summary.links_by_kind = {
            kind: count
            for kind, count in session.execute(stored)
            if kind in rules.config.links.enabled
        }
        progress("clustering", 1, 3)
        _cluster(session, searched, previous is None, rules, ruleset, version, summary)
        progress("scoring", 3, 3)
        _remember(session, settings, summary, seen)
    return summary


def _remember(session: Session, settings: Settings, summary: LinkSummary, mark: Mark) -> None:
    """Save the watermark the next run starts from; audit-log who ran what (never read back)."""
    watermark.save_run(session, clock.now(), summary.full, summary.ruleset_version, mark)
    audit.record(
        session,
        settings,
        "link",
        params={
            "full": summary.full,
            "last_version_id": mark.version_id,
            "last_image_id": mark.image_id,
            "ruleset_version": summary.ruleset_version,
        },
        counts={"adverts": summary.adverts, "clusters": summary.clusters},
    )
