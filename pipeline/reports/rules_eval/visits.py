"""The clinic rules against visit outcomes (`scout rules eval --visits`, issue 15).

A venue's label is its latest visit that says something: the team got in and talked with
the persons there (for), or was not let in or found it closed (against); "moved" and "not
found" say nothing either way, as reached and no-answer in the contact-log evaluation. Each
rule is measured on the venue as the screening saw it on the visit day (vanished venues
too), so the table says which rules went with the visits that reached people.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Venue, VenueVisit
from nlp.clinics.rules import clinic_ruleset_version, load_clinic_rules
from pipeline.reports.clinics.screening import CONCERN_SCORE, venue_reasons
from pipeline.reports.rules_eval.evaluate import Evaluation
from pipeline.reports.rules_eval.metrics import confusion

VISIT_LABEL = {"talked": True, "not_let_in": False, "closed": False}


def labels_from_visits(session: Session) -> dict[int, tuple[bool, date]]:
    """Venue id → (label, day) of its latest visit with a labelling outcome."""
    labels: dict[int, tuple[bool, date]] = {}
    visits = session.execute(
        select(VenueVisit.venue_id, VenueVisit.outcome, VenueVisit.visited_on)
        .where(VenueVisit.outcome.in_(list(VISIT_LABEL)))
        .order_by(VenueVisit.visited_on, VenueVisit.id)
    )
    for venue_id, outcome, day in visits:
        labels[venue_id] = (VISIT_LABEL[outcome], day)
    return labels


def evaluate_visits(session: Session, rules_dir: Path | None = None) -> Evaluation:
    """Per clinic rule and for the list of concern (score ≥ CONCERN_SCORE), per visited venue."""
    rules = load_clinic_rules(rules_dir)
    labelled = labels_from_visits(session)
    by_day: dict[date, list[Venue]] = defaultdict(list)
    venues = session.scalars(select(Venue).where(Venue.id.in_(list(labelled)))).all()
    for venue in venues:
        by_day[labelled[venue.id][1]].append(venue)
    fired: dict[int, dict[str, float]] = {}
    for day, group in sorted(by_day.items()):
        end_of_day = datetime.combine(day, time.max, UTC)
        for venue_id, reasons in venue_reasons(session, group, end_of_day, rules).items():
            fired[venue_id] = {reason.rule_id: reason.weight for reason in reasons}
    labels = {venue_id: label for venue_id, (label, _) in labelled.items()}
    indicators = {
        rule.id: confusion({v: rule.id in hits for v, hits in fired.items()}, labels)
        for rule in rules
    }
    listed = {v: sum(hits.values()) >= CONCERN_SCORE for v, hits in fired.items()}
    return Evaluation(
        clinic_ruleset_version(rules_dir),
        CONCERN_SCORE,
        len(labels),
        sum(labels.values()),
        indicators,
        confusion(listed, labels),
        unit="venues",
        listing="clinics of concern",
    )
