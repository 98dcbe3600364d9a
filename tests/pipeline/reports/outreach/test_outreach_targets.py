"""The target list: threshold, filters, formats without contact data, opt-outs kept out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from models import Cluster
from pipeline.core.db import Database
from pipeline.reports.outreach.render import as_csv, as_json
from pipeline.reports.outreach.targets import TargetFilter, list_targets

from helpers import outreach_world


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
