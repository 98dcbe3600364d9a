"""The target list: threshold, filters, formats without contact data, opt-outs kept out."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertVersion,
    Cluster,
    ClusterMember,
    ContactLogEntry,
    ContactPoint,
    Suppression,
)
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.reports.outreach.render import as_csv, as_json
from pipeline.reports.outreach.targets import Target, TargetFilter, list_targets, list_version

from helpers import outreach_world
from helpers.target_list_reference import reference_targets


def test_outreach_targets_are_scored_clusters_best_first(outreach_db: Database) -> None:
    with outreach_db.session() as session:
        found = list_targets(session, TargetFilter(min_score=1.0))
        active = session.scalars(select(Cluster).where(Cluster.score >= 1.0)).all()
    assert found, "the small world should give targets"
    assert len(found) == len(active)
    assert [t.score for t in found] == sorted((t.score for t in found), reverse=True)
    top = found[0]
    assert top.target_id == f"C{top.cluster_id}" and top.reasons
    assert top.languages and all(w.reasons for w in top.languages)


def test_outreach_targets_filters(outreach_db: Database) -> None:
    with outreach_db.session() as session:
        everything = list_targets(session, TargetFilter(min_score=0.0))
        city = everything[0].cities[0]
        by_city = list_targets(session, TargetFilter(min_score=0.0, city=city.upper()))
        lang = everything[0].languages[0].lang
        by_lang = list_targets(session, TargetFilter(min_score=0.0, language=lang))
        high = list_targets(session, TargetFilter(min_score=everything[0].score))
    assert by_city and all(city in t.cities for t in by_city)
    assert len(by_city) < len(everything)
    assert by_lang and all(lang in {w.lang for w in t.languages} for t in by_lang)
    assert all(t.score >= everything[0].score for t in high)


def test_outreach_targets_no_format_holds_contact_data(
    outreach_db: Database,
    outreach_truth: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pipeline.reports.outreach.render import print_targets

    with outreach_db.session() as session:
        found = list_targets(session, TargetFilter(min_score=0.0))
    print_targets(found, "table")
    outputs = [as_csv(found), as_json(found), capsys.readouterr().out]
    secrets = outreach_world.contact_strings(outreach_truth)
    assert len(secrets) > 20
    for output in outputs:
        leaked = [secret for secret in secrets if secret in output]
        assert not leaked, leaked[:3]
    assert json.loads(outputs[1])[0]["target"].startswith("C")


def test_evidence_limit_shows_the_most_recent_adverts_and_their_signs(
    outreach_db: Database,
) -> None:
    from pipeline.reports.outreach.evidence import target_evidence

    with outreach_db.session() as session:
        cluster = session.scalars(
            select(Cluster).where(Cluster.size > 1).order_by(Cluster.size.desc())
        ).first()
        everything = target_evidence(session, cluster.id)
        two = target_evidence(session, cluster.id, limit=2)
    assert len(everything.adverts) == everything.adverts_total == cluster.size
    assert len(two.adverts) == 2 and two.adverts_total == cluster.size
    newest = sorted(everything.adverts, key=lambda a: (a["last_seen"], int(a["advert"][1:])))
    assert {a["advert"] for a in two.adverts} == {a["advert"] for a in newest[-2:]}
    shown = {a["advert"] for a in two.adverts}
    assert {h["advert"] for h in two.hits} <= shown
    assert len(two.links) <= 2 and two.timeline == everything.timeline


def _same_as_reference(session: Session, wanted: TargetFilter) -> list[Target]:
    now = clock.now()
    found = list_targets(session, wanted, now)
    assert [asdict(t) for t in found] == [
        asdict(t) for t in reference_targets(session, wanted, now)
    ]
    return found


def test_outreach_targets_aggregated_in_the_database_equal_the_reference(
    outreach_db: Database,
) -> None:
    """The database's aggregates give the very list the advert-by-advert build gave, for
    every filter, after a newer analysis changes an advert's language, and after opt-outs."""
    with outreach_db.session() as session:
        everything = _same_as_reference(session, TargetFilter(min_score=0.0))
        assert len(everything) > 3
        top = everything[0]
        for wanted in (
            TargetFilter(),
            TargetFilter(min_score=0.0, kind=None),
            TargetFilter(min_score=0.0, kind="job"),
            TargetFilter(min_score=0.0, city=top.cities[0]),
            TargetFilter(min_score=0.0, region=top.regions[0]),
            TargetFilter(min_score=0.0, language=top.languages[0].lang),
            TargetFilter(min_score=0.0, live_now=True, not_contacted=True),
            TargetFilter(min_score=0.0, active_within=timedelta(days=1)),
        ):
            _same_as_reference(session, wanted)
        # a newer version of each of the top target's adverts, in a language nobody wrote
        members = session.scalars(
            select(ClusterMember.advert_id).where(ClusterMember.cluster_id == top.cluster_id)
        ).all()
        for advert_id in members:
            last = session.scalars(
                select(AdvertVersion)
                .where(AdvertVersion.advert_id == advert_id)
                .order_by(AdvertVersion.seen_at.desc())
            ).first()
            assert last is not None
            session.add(
                AdvertVersion(
                    advert_id=advert_id,
                    seen_at=last.seen_at + timedelta(hours=1),
                    content_hash=last.content_hash,
                    analysis={"languages": [{"lang": "ro", "share": 1.0}]},
                )
            )
        session.flush()
        changed = _same_as_reference(session, TargetFilter(min_score=0.0))
        (now_top,) = [t for t in changed if t.cluster_id == top.cluster_id]
        assert "ro" in {w.lang for w in now_top.languages}
        # an advert on the opt-out list, then a contact point of another target
        session.execute(update(Advert).where(Advert.id == members[0]).values(suppressed=True))
        second = everything[1]
        point = session.scalars(
            select(ContactPoint.pseudonym)
            .join(AdvertContact, AdvertContact.contact_point_id == ContactPoint.id)
            .join(ClusterMember, ClusterMember.advert_id == AdvertContact.advert_id)
            .where(ClusterMember.cluster_id == second.cluster_id)
        ).first()
        assert point is not None
        session.add(Suppression(pseudonym=point, kind="phone", actor="test"))
        session.flush()
        left = {t.cluster_id for t in _same_as_reference(session, TargetFilter(min_score=0.0))}
    assert top.cluster_id not in left and second.cluster_id not in left
    assert len(left) == len(everything) - 2


def test_list_version_changes_for_entries_committed_below_the_highest_id(
    outreach_db: Database,
) -> None:
    """PostgreSQL numbers a row when it is inserted, not when it commits: a contact or an
    opt-out logged in one server process can commit with an id below one another process
    committed first. The cached list must still notice it (it did not when the key was the
    highest id alone)."""
    with outreach_db.session() as session:
        cluster_id = session.scalars(select(Cluster.id).order_by(Cluster.id)).first()
        rows = []
        for n in (1, 2):  # two entries; the first is deleted again, leaving its id free
            rows.append(ContactLogEntry(
                target=f"C{cluster_id}", cluster_id=cluster_id, actor="kim", outcome="no-answer",
            ))  # fmt: skip
            rows.append(Suppression(pseudonym=f"{n:064x}", kind="phone", actor="kim"))
        session.add_all(rows)
        session.flush()
        free = {type(row): row.id for row in rows[:2]}
        for row in rows[:2]:
            session.delete(row)
    with outreach_db.session() as session:
        before = list_version(session)
    with outreach_db.session() as session:  # the late commits, below the highest ids
        session.add(ContactLogEntry(
            id=free[ContactLogEntry], target=f"C{cluster_id}", cluster_id=cluster_id,
            actor="ana", outcome="opted-out",
        ))  # fmt: skip
    with outreach_db.session() as session:
        after_log = list_version(session)
        session.add(
            Suppression(id=free[Suppression], pseudonym=f"{3:064x}", kind="phone", actor="ana")
        )
    with outreach_db.session() as session:
        after_opt_out = list_version(session)
    assert before != after_log != after_opt_out
    assert before[2][0] == after_log[2][0] and after_log[3][0] == after_opt_out[3][0]  # same max
