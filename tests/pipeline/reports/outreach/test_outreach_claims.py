"""Claims on targets: one winner in a race, leases, release by a contact, reassignment."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, Cluster, TargetClaim
from pipeline.core.db import Database
from pipeline.core.errors import PermissionDenied
from pipeline.core.settings import Settings
from pipeline.reports.outreach import claims, contact_log

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def as_person(settings: Settings, name: str, role: str = "outreach") -> Settings:
    return settings.model_copy(update={"actor": name, "roles": {name: role}})


def _top(database: Database) -> int:
    with database.session() as session:
        return session.scalars(select(Cluster.id).order_by(Cluster.score.desc())).first()


def test_claims_two_workers_at_once_exactly_one_wins(
    outreach_db: Database, settings: Settings
) -> None:
    cluster_id = _top(outreach_db)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def attempt(name: str) -> None:
        barrier.wait()
        try:
            with outreach_db.session() as session:
                claims.claim_target(session, as_person(settings, name), cluster_id, NOW)
            results[name] = "won"
        except claims.ClaimHeld:
            results[name] = "held"

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("kim", "lee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == ["held", "won"]
    winner = next(name for name, result in results.items() if result == "won")
    with outreach_db.session() as session:
        rows = session.scalars(select(TargetClaim)).all()
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "claim")).all()
    assert [(row.cluster_id, row.actor) for row in rows] == [(cluster_id, winner)]
    assert [entry.actor for entry in audited] == [winner]


def test_claims_lease_runs_out_and_a_colleague_may_take_it(
    outreach_db: Database, settings: Settings
) -> None:
    cluster_id = _top(outreach_db)
    kim, lee = as_person(settings, "kim"), as_person(settings, "lee")
    with outreach_db.session() as session:
        claim = claims.claim_target(session, kim, cluster_id, NOW)
    assert claim.expires_at == NOW + timedelta(hours=settings.claim_hours)
    with outreach_db.session() as session, pytest.raises(claims.ClaimHeld) as held:
        claims.claim_target(session, lee, cluster_id, NOW + timedelta(hours=47))
    assert held.value.holder is not None and held.value.holder.actor == "kim"
    later = NOW + timedelta(hours=48, minutes=1)
    with outreach_db.session() as session:
        assert claims.live_claim(session, cluster_id, later) is None
        assert claims.claim_target(session, lee, cluster_id, later).actor == "lee"


def test_claims_logging_a_contact_ends_the_claim(outreach_db: Database, settings: Settings) -> None:
    cluster_id = _top(outreach_db)
    kim = as_person(settings, "kim")
    with outreach_db.session() as session:
        claims.claim_target(session, kim, cluster_id)
    with outreach_db.session() as session:
        contact_log.log_contact(session, kim, cluster_id, "no-answer", follow_up=date(2026, 12, 3))
    with outreach_db.session() as session:
        assert claims.live_claim(session, cluster_id) is None


def test_claims_release_by_hand_only_ones_own(outreach_db: Database, settings: Settings) -> None:
    cluster_id = _top(outreach_db)
    kim, lee = as_person(settings, "kim"), as_person(settings, "lee")
    with outreach_db.session() as session:
        claims.claim_target(session, kim, cluster_id)
    with outreach_db.session() as session:
        assert claims.release_claim(session, lee, cluster_id) is False
        assert claims.live_claim(session, cluster_id) is not None
        assert claims.release_claim(session, kim, cluster_id) is True
        assert claims.live_claim(session, cluster_id) is None


def test_claims_reassign_is_for_leads_and_admins_and_audited(
    outreach_db: Database, settings: Settings
) -> None:
    cluster_id = _top(outreach_db)
    with outreach_db.session() as session:
        claims.claim_target(session, as_person(settings, "kim"), cluster_id)
    with outreach_db.session() as session, pytest.raises(PermissionDenied):
        claims.reassign_claim(session, as_person(settings, "lee"), cluster_id, "lee", "sick")
    admin = as_person(settings, "root", "admin")
    with outreach_db.session() as session:
        claims.reassign_claim(session, admin, cluster_id, "lee", "Kim is away this week")
    with outreach_db.session() as session:
        claim = claims.live_claim(session, cluster_id)
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "claim-reassign")
        ).one()
    assert claim is not None and claim.actor == "lee"
    assert entry.actor == "root" and entry.reason == "Kim is away this week"
    assert entry.params == {"target": f"C{cluster_id}", "from": "kim", "to": "lee"}
    with outreach_db.session() as session:  # the team's lead may hand it back
        claims.reassign_claim(
            session, as_person(settings, "tia", "lead"), cluster_id, "kim", "back"
        )
        assert claims.live_claim(session, cluster_id).actor == "kim"


def test_claims_reveal_needs_ones_own_claim(outreach_db: Database, settings: Settings) -> None:
    cluster_id = _top(outreach_db)
    kim, lee = as_person(settings, "kim"), as_person(settings, "lee")
    with outreach_db.session() as session, pytest.raises(claims.NotClaimant):
        claims.reveal_claimed(session, kim, cluster_id, "first contact")
    with outreach_db.session() as session:
        claims.claim_target(session, kim, cluster_id)
    with outreach_db.session() as session, pytest.raises(claims.NotClaimant):
        claims.reveal_claimed(session, lee, cluster_id, "first contact")
    with outreach_db.session() as session:
        found = claims.reveal_claimed(session, kim, cluster_id, "first contact")
    assert found and all(point.value for point in found)


def test_follow_ups_due_are_the_workers_own_latest_entries(
    outreach_db: Database, settings: Settings
) -> None:
    with outreach_db.session() as session:
        first, second, third = session.scalars(select(Cluster.id).order_by(Cluster.id)).all()[:3]
    kim, lee = as_person(settings, "kim"), as_person(settings, "lee")
    today = date(2026, 12, 2)
    with outreach_db.session() as session:
        contact_log.log_contact(session, kim, first, "no-answer", follow_up=today)
        contact_log.log_contact(session, kim, second, "reached", follow_up=today - timedelta(1))
        contact_log.log_contact(session, kim, third, "reached", follow_up=today + timedelta(1))
        session.flush()
    with outreach_db.session() as session:
        contact_log.log_contact(session, lee, second, "reached")  # Lee followed up since
    with outreach_db.session() as session:
        due = contact_log.follow_ups_due(session, "kim", today)
        assert [entry.target for entry in due] == [f"C{first}"]
        assert contact_log.follow_ups_due(session, "lee", today) == []
        team = contact_log.follow_ups_due(session, None, today)  # a lead's view: everyone's
        assert [(entry.target, entry.actor) for entry in team] == [(f"C{first}", "kim")]


def test_follow_up_refused_for_an_opt_out(outreach_db: Database, settings: Settings) -> None:
    from pipeline.core.errors import ScoutError

    with outreach_db.session() as session, pytest.raises(ScoutError):
        contact_log.log_contact(
            session,
            as_person(settings, "kim"),
            _top(outreach_db),
            "opted-out",
            follow_up=NOW.date(),
        )
