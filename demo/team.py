"""A scripted outreach team for the demo: two workers who claim targets, contact them and log
outcomes day by day with set probabilities (seeded), so the effects report has a contact log
to count. Nothing is sent to anyone: the team only writes the contact log, as a worker does
after a conversation."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Advert, Cluster, ClusterMember
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.outreach.claims import claim_target
from pipeline.reports.outreach.contact_log import REFERRALS, log_contact

WORKERS = ("demo-outreach-1", "demo-outreach-2")
# What happens when a worker tries a target: the weights of each outcome.
OUTCOME_WEIGHTS = {"no-answer": 30, "reached": 25, "referred": 25, "declined": 15, "opted-out": 5}
# Only an unanswered target is tried again on a later day, and at most this often in all.
RETRY = frozenset({"no-answer"})
MAX_TRIES = 2
SPEAKS_THEIR_LANGUAGE = 0.8  # how often the worker writes in the target's own language


@dataclass(frozen=True)
class Logged:
    """One entry the scripted team made (for tests to count against the report)."""

    cluster_id: int
    worker: str
    at: datetime
    outcome: str
    language: str
    referred_to: str | None = None


def _worker(settings: Settings, name: str) -> Settings:
    return settings.model_copy(
        update={"actor": name, "roles": {**settings.roles, name: "outreach"}}
    )


def _main_language(session: Session, cluster_id: int) -> str:
    language = session.scalar(
        select(Advert.language)
        .join(ClusterMember, ClusterMember.advert_id == Advert.id)
        .where(ClusterMember.cluster_id == cluster_id, Advert.language.is_not(None))
        .group_by(Advert.language)
        .order_by(func.count().desc(), Advert.language)
        .limit(1)
    )
    return language or "en"


def _candidates(session: Session, now: datetime, done: set[int]) -> list[int]:
    """Every cluster with a sign, highest score first: the demo world is small (a few dozen
    clusters, a handful over the threshold), so the team works down the whole ranked list,
    as a team with time to spare does; the report's "listed" still counts the threshold."""
    rows = session.execute(
        select(Cluster.id)
        .where(
            Cluster.score > 0,
            Cluster.merged_into_id.is_(None),
            Cluster.first_seen <= now,
        )
        .order_by(Cluster.score.desc(), Cluster.id)
    )
    return [cid for (cid,) in rows if cid not in done]


def run_team(
    database: Database,
    settings: Settings,
    first_day: date,
    days: int,
    seed: int = 7,
    per_worker_day: int = 3,
) -> list[Logged]:
    """Play the team's working days first_day .. first_day + days − 1 (10:00 to 16:00 local)
    on the simulated clock; returns every entry logged. The clock is left at the last entry:
    the caller sets it where it wants it next."""
    rng = random.Random(seed)
    tz = ZoneInfo(settings.timezone)
    outcomes, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    logged: list[Logged] = []
    done: set[int] = set()
    tries: Counter[int] = Counter()
    for day in range(days):
        moment = datetime.combine(first_day + timedelta(days=day), time(10), tz)
        with database.session() as session:
            queue = _candidates(session, moment, done)
        for turn in range(per_worker_day):
            for n, name in enumerate(WORKERS):
                index = turn * len(WORKERS) + n
                if index >= len(queue):
                    break
                cluster_id = queue[index]
                at = moment + timedelta(minutes=40 * index)
                clock.set_now(at)
                worker = _worker(settings, name)
                outcome = rng.choices(outcomes, weights)[0]
                with database.session() as session:
                    own = _main_language(session, cluster_id)
                    language = own if rng.random() < SPEAKS_THEIR_LANGUAGE else "en"
                    place = rng.choice(REFERRALS) if outcome == "referred" else None
                    claim_target(session, worker, cluster_id)
                    log_contact(
                        session, worker, cluster_id, outcome, language=language, referred_to=place
                    )
                logged.append(Logged(cluster_id, name, at, outcome, language, place))
                tries[cluster_id] += 1
                if outcome not in RETRY or tries[cluster_id] >= MAX_TRIES:
                    done.add(cluster_id)
    return logged
