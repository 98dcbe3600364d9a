"""The effects report's figures from the database, per month and kind, with small cells hidden.

The unit of the funnel is the target (a cluster: one person or one controller's adverts), not
the contact: a target contacted three times in a month counts once in that month. The period
row counts each target once over the whole period, so it is not the sum of the months.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Advert, AuditEntry, Cluster, ClusterMember, ContactLogEntry
from pipeline.reports.clinics.visits import clinic_figures
from pipeline.reports.digest.health import crawl_health
from pipeline.reports.digest.targets import scores_at
from pipeline.reports.digest.weeks import week_of
from pipeline.reports.effects.kinds import KINDS, kind_of, target_kinds
from pipeline.reports.effects.period import Period, Slice
from pipeline.reports.effects.tables import Column, Table
from pipeline.reports.outreach.claims import CLAIM_ACTION
from pipeline.reports.outreach.contact_log import REFERRALS
from pipeline.reports.privacy import Hidden, Value, count, protect, share, split
from pipeline.reports.rules_eval.evaluate import evaluate
from pipeline.reports.rules_eval.outcomes import labels_from_contact_log

DESTINATIONS = tuple(f"referred_{place}" for place in REFERRALS)
STAGES = (
    "listed",
    "claimed",
    "contacted",
    "reached",
    "referred",
    *DESTINATIONS,
    "declined_or_opted_out",
)
STAGE_TITLES = {
    "listed": "listed as targets",
    "claimed": "claimed",
    "contacted": "contacted",
    "reached": "reached",
    "referred": "referred on",
    **{f"referred_{place}": f"… to {place}" for place in REFERRALS},
    "declined_or_opted_out": "declined / opted out",
}
# A contact "reached" the person unless nobody answered.
REACHED = frozenset({"reached", "referred", "declined", "opted-out"})
ENDED = frozenset({"declined", "opted-out"})
SLICE = Column("period", "string", "A calendar month (YYYY-MM) cut to the period, or 'period'.")
KIND = Column("kind", "string", "Kind of advert: escort, clinic or job.")


@dataclass(frozen=True)
class Contact:
    target: str
    cluster_id: int | None
    at: datetime
    actor: str
    outcome: str
    language: str | None
    referred_to: str | None


@dataclass
class EffectsData:
    period: Period
    kinds: list[str]
    minimum: int
    threshold: float
    funnel: Table
    first_contact: Table
    language: Table
    workload: Table
    indicators: Table
    coverage: Table
    adverts_weekly: Table
    languages: Table
    clinics: list[Table] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [
            self.funnel,
            self.first_contact,
            self.language,
            self.workload,
            self.indicators,
            self.coverage,
            self.adverts_weekly,
            self.languages,
            *self.clinics,
        ]


def _contacts(session: Session, start: datetime, end: datetime) -> list[Contact]:
    rows = session.execute(
        select(
            ContactLogEntry.target,
            ContactLogEntry.cluster_id,
            ContactLogEntry.at,
            ContactLogEntry.actor,
            ContactLogEntry.outcome,
            ContactLogEntry.language,
            ContactLogEntry.referred_to,
        )
        .where(ContactLogEntry.at >= start, ContactLogEntry.at < end)
        .order_by(ContactLogEntry.at, ContactLogEntry.id)
    )
    return [Contact(*row) for row in rows]


def _cluster_of(target: str) -> int | None:
    return int(target[1:]) if target.startswith("C") and target[1:].isdigit() else None


def _claims(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """(when, target) of every claim taken in the span, from the audit log (claims themselves
    are deleted when they end). When is the claim's own "at" (Scout's clock, simulated in the
    demo), never later than the entry's wall-clock time; older entries have only the latter."""
    rows = session.execute(
        select(AuditEntry.at, AuditEntry.params).where(
            AuditEntry.action == CLAIM_ACTION, AuditEntry.at >= start
        )
    )
    found = []
    for at, params in rows:
        when = datetime.fromisoformat(params["at"]) if "at" in params else at
        if start <= when < end:
            found.append((when, str(params.get("target", ""))))
    return found


def _within(moment: datetime, span: Slice) -> bool:
    return span.start <= moment < span.end


class _Counter:
    """Builds the per-slice, per-kind rows of one table, hiding small counts."""

    def __init__(self, slices: list[Slice], kinds: list[str], minimum: int) -> None:
        self.slices, self.kinds, self.minimum = slices, kinds, minimum

    def rows(
        self, make: Callable[[Slice, str], list[Value]], counted: Iterable[int]
    ) -> list[list[Value]]:
        """One row per kind and slice (months first, the period last) from `make`; the count
        columns named by index in `counted` get complementary suppression over the months."""
        rows: list[list[Value]] = []
        for kind in self.kinds:
            group = [[s.label, kind, *make(s, kind)] for s in self.slices]
            months = group[:-1]
            if len(months) > 1:
                for column in counted:
                    protect(months, column, self.minimum)
            rows += group
        return rows


def _funnel(
    session: Session,
    counter: _Counter,
    contacts: list[Contact],
    claims: list[tuple[datetime, str]],
    kinds: dict[int, str],
    threshold: float,
) -> Table:
    def sets(span: Slice, kind: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {stage: set() for stage in STAGES}
        found["listed"] = {
            f"C{cid}"
            for cid, score in scores_at(session, span).items()
            if score >= threshold and kind_of(kinds, cid) == kind
        }
        found["claimed"] = {
            target
            for at, target in claims
            if _within(at, span) and kind_of(kinds, _cluster_of(target)) == kind
        }
        for c in contacts:
            if not _within(c.at, span) or kind_of(kinds, c.cluster_id) != kind:
                continue
            found["contacted"].add(c.target)
            if c.outcome in REACHED:
                found["reached"].add(c.target)
            if c.outcome == "referred":
                found["referred"].add(c.target)
                if c.referred_to in REFERRALS:
                    found[f"referred_{c.referred_to}"].add(c.target)
            if c.outcome in ENDED:
                found["declined_or_opted_out"].add(c.target)
        return found

    def make(span: Slice, kind: str) -> list[Value]:
        found = sets(span, kind)
        return [count(len(found[stage]), counter.minimum) for stage in STAGES]

    columns = [
        SLICE,
        KIND,
        Column("listed", "integer", "Targets at or over the score threshold seen in the span."),
        Column("claimed", "integer", "Targets a worker claimed (from the audit log)."),
        Column("contacted", "integer", "Targets with at least one contact-log entry."),
        Column("reached", "integer", "Targets with an outcome other than no-answer."),
        Column("referred", "integer", "Targets with the outcome referred (to help services)."),
        *(
            Column(f"referred_{place}", "integer", f"Targets referred to {place} services.")
            for place in REFERRALS
        ),
        Column("declined_or_opted_out", "integer", "Targets that declined or opted out."),
    ]
    return Table(
        "funnel",
        "The outreach funnel",
        "Targets per stage, per month and kind (each target once per row).",
        columns,
        counter.rows(make, range(2, 2 + len(STAGES))),
    )


def _first_contacts(session: Session) -> dict[str, tuple[datetime, int | None]]:
    rows = session.execute(
        select(
            ContactLogEntry.target,
            func.min(ContactLogEntry.at),
            func.min(ContactLogEntry.cluster_id),
        ).group_by(ContactLogEntry.target)
    )
    return {target: (at, cluster_id) for target, at, cluster_id in rows}


def _time_to_contact(session: Session, counter: _Counter, kinds: dict[int, str]) -> Table:
    firsts = _first_contacts(session)
    first_seen = dict(
        session.execute(
            select(Cluster.id, Cluster.first_seen).where(
                Cluster.id.in_([cid for _, cid in firsts.values() if cid is not None])
            )
        ).all()
    )

    def make(span: Slice, kind: str) -> list[Value]:
        days = [
            (at - first_seen[cid]).total_seconds() / 86400
            for at, cid in firsts.values()
            if cid in first_seen and _within(at, span) and kind_of(kinds, cid) == kind
        ]
        n = count(len(days), counter.minimum)
        median = round(statistics.median(days), 1) if days and isinstance(n, int) else None
        return [n, Hidden(counter.minimum) if isinstance(n, Hidden) else median]

    columns = [
        SLICE,
        KIND,
        Column("targets", "integer", "Targets first contacted in the span."),
        Column(
            "median_days", "number", "Median days from a target's first advert to first contact."
        ),
    ]
    return Table(
        "first_contact",
        "Time from first advert to first contact",
        "For targets first contacted in the span: days since their first advert was seen.",
        columns,
        counter.rows(make, [2]),
    )


def _main_languages(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(ClusterMember.cluster_id, Advert.language, func.count())
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .where(Advert.language.is_not(None))
        .group_by(ClusterMember.cluster_id, Advert.language)
    )
    best: dict[int, tuple[int, str]] = {}
    for cluster_id, language, n in rows:
        if (n, str(language)) > best.get(cluster_id, (0, "")):
            best[cluster_id] = (n, str(language))
    return {cid: language for cid, (_, language) in best.items()}


def _language(
    session: Session, counter: _Counter, contacts: list[Contact], kinds: dict[int, str]
) -> Table:
    main = _main_languages(session)

    def make(span: Slice, kind: str) -> list[Value]:
        known: dict[str, bool] = {}
        for c in contacts:
            if (
                _within(c.at, span)
                and c.outcome in REACHED
                and c.language
                and c.cluster_id in main
                and kind_of(kinds, c.cluster_id) == kind
            ):
                known[c.target] = known.get(c.target, False) or c.language == main[c.cluster_id]
        whole = count(len(known), counter.minimum)
        part, _ = split(len(known), sum(known.values()), counter.minimum)
        if isinstance(whole, Hidden):
            part = whole
        return [whole, part, share(part, whole)]

    columns = [
        SLICE,
        KIND,
        Column("reached", "integer", "Targets reached with the contact's language recorded."),
        Column(
            "in_their_language", "integer", "Of those, reached in their adverts' main language."
        ),
        Column("share", "number", "in_their_language / reached."),
    ]
    return Table(
        "language",
        "Reached in the language they read",
        "Targets reached in the language most of their adverts are written in.",
        columns,
        counter.rows(make, [2, 3]),
    )


def _workload(
    counter: _Counter, contacts: list[Contact], kinds: dict[int, str], period: Period
) -> Table:
    def make(span: Slice, kind: str) -> list[Value]:
        mine = [c for c in contacts if _within(c.at, span) and kind_of(kinds, c.cluster_id) == kind]
        # a worker-day: one worker's contacts on one local day (the actor is never shown)
        days = {(c.actor, c.at.astimezone(period.tz).date()) for c in mine}
        n, worker_days = count(len(mine), counter.minimum), count(len(days), counter.minimum)
        ratio = share(n, worker_days)
        return [n, worker_days, round(ratio, 2) if isinstance(ratio, float) else ratio]

    columns = [
        SLICE,
        KIND,
        Column("contacts", "integer", "Contact-log entries (every attempt, answered or not)."),
        Column("worker_days", "integer", "Distinct (worker, day) pairs with at least one entry."),
        Column("contacts_per_worker_day", "number", "contacts / worker_days."),
    ]
    return Table(
        "workload",
        "Contacts per worker-day",
        "How many contact attempts a worker made on a day they did outreach.",
        columns,
        counter.rows(make, [2, 3]),
    )


def _indicators(session: Session, period: Period, kind_filter: set[int], minimum: int) -> Table:
    """Rule evaluation against the period's contact-log outcomes (`scout rules eval
    --contact-log`, the same computation): per indicator, labelled adverts with the sign."""
    labels = labels_from_contact_log(session, period.start, period.end)
    labels = {advert: label for advert, label in labels.items() if advert in kind_filter}
    rows: list[list[Value]] = []
    if labels:
        for rule, metrics in sorted(evaluate(session, labels).indicators.items()):
            with_sign = metrics.tp + metrics.fp
            if not with_sign:
                continue
            total = count(with_sign, minimum)
            referred, ended = split(with_sign, metrics.tp, minimum)
            if isinstance(total, Hidden):
                referred = ended = total
            rows.append([rule, total, referred, ended, share(referred, total)])
    columns = [
        Column("indicator", "string", "Indicator rule id."),
        Column(
            "adverts",
            "integer",
            "Adverts with the sign whose target had a referral, refusal or opt-out in the period.",
        ),
        Column("referred", "integer", "Of those, adverts of a target referred on."),
        Column(
            "declined_or_opted_out",
            "integer",
            "Of those, adverts of a target that declined or opted out.",
        ),
        Column("share_referred", "number", "referred / adverts (rule evaluation's precision)."),
    ]
    return Table(
        "indicators",
        "Indicators against outcomes",
        "Which signs led to people who wanted help: rule evaluation over the period's outcomes.",
        columns,
        rows,
    )


def _coverage(session: Session, period: Period) -> Table:
    rows: list[list[Value]] = []
    for health in crawl_health(session, period.whole()):
        runs = sum(health.statuses.values())
        rows.append(
            [
                health.site,
                runs,
                *(
                    round(health.statuses[status] / runs, 3)
                    for status in ("complete", "degraded", "blocked")
                ),
                round(
                    sum(health.statuses[s] for s in ("incomplete", "failed", "running")) / runs, 3
                ),
            ]
        )
    columns = [
        Column("site", "string", "Site name (from its site file)."),
        Column("runs", "integer", "Crawl runs started in the period (not about people: shown)."),
        Column("complete", "number", "Share of runs complete."),
        Column(
            "degraded", "number", "Share of runs degraded (the site changed or answered badly)."
        ),
        Column("blocked", "number", "Share of runs blocked (robots.txt, a refusal or a CAPTCHA)."),
        Column("other", "number", "Share of runs incomplete, failed or still running."),
    ]
    return Table(
        "crawl_coverage",
        "Crawl coverage per site",
        "How well Scout saw each site: a change here is a change in Scout's view, not the field.",
        columns,
        rows,
    )


def _adverts_weekly(session: Session, period: Period, kinds: list[str], minimum: int) -> Table:
    week = week_of(period.start, period.tz)
    weeks = []
    while week.start < period.end:
        weeks.append(week)
        week = week.next()
    rows: list[list[Value]] = []
    for kind in kinds:
        for week in weeks:
            start, end = max(week.start, period.start), min(week.end, period.end)
            mine = Advert.kind == kind
            new = session.scalar(
                select(func.count(Advert.id)).where(
                    mine, Advert.first_seen >= start, Advert.first_seen < end
                )
            )
            live = session.scalar(
                select(func.count(Advert.id)).where(
                    mine, Advert.first_seen < end, Advert.last_seen >= start
                )
            )
            rows.append([week.label, kind, count(new or 0, minimum), count(live or 0, minimum)])
    columns = [
        Column("week", "string", "ISO week (YYYY-Www), cut to the period."),
        KIND,
        Column("new_adverts", "integer", "Adverts first seen in the week."),
        Column("live_adverts", "integer", "Adverts seen at some time in the week."),
    ]
    return Table("adverts_weekly", "Adverts per week", "Adverts Scout saw.", columns, rows)


def _languages_seen(session: Session, period: Period, kinds: list[str], minimum: int) -> Table:
    rows: list[list[Value]] = []
    for kind in kinds:
        found: Counter[str] = Counter()
        for language, n in session.execute(
            select(Advert.language, func.count(Advert.id))
            .where(
                Advert.kind == kind,
                Advert.first_seen < period.end,
                Advert.last_seen >= period.start,
            )
            .group_by(Advert.language)
        ):
            found[language or "unknown"] += n
        rows += [
            [language, kind, count(n, minimum)]
            for language, n in sorted(found.items(), key=lambda item: (-item[1], item[0]))
        ]
    columns = [
        Column("language", "string", "Language the advert is written in (ISO 639-1), or unknown."),
        KIND,
        Column("adverts", "integer", "Adverts seen in the period written in it."),
    ]
    return Table("languages", "Languages seen", "Languages of the adverts seen.", columns, rows)


def clinic_tables(session: Session, period: Period, minimum: int) -> list[Table]:
    """Clinic screening and visits per month (the clinic line's venues and visit log).

    Materials and languages of visits are not counted yet (see docs/effects.md)."""
    rows: list[list[Value]] = []
    for piece in [*period.months(), period.whole()]:
        figures = clinic_figures(session, piece.start, piece.end)
        if not (figures.venues_active or figures.visits):
            continue
        rows.append(
            [
                piece.label,
                count(figures.venues_active, minimum),
                count(figures.venues_new, minimum),
                count(figures.venues_vanished, minimum),
                count(figures.visits, minimum),
                count(figures.visits_by_outcome.get("talked", 0), minimum),
                count(figures.persons_met, minimum),
            ]
        )
    if not rows:
        return []
    months = [row for row in rows if row[0] != "period"]
    for column in range(1, len(rows[0])):
        protect(months, column, minimum)  # no month found by subtracting from the period
    columns = [
        SLICE,
        Column("venues_screened", "integer", "Venues Scout saw adverts of in the slice."),
        Column("venues_new", "integer", "Venues first seen (opened) in the slice."),
        Column("venues_vanished", "integer", "Venues whose adverts vanished in the slice."),
        Column("visits", "integer", "Visits the team logged."),
        Column("visits_talked", "integer", "Visits where the team talked with persons there."),
        Column("persons_met", "integer", "Persons met on visits, as the team logged them."),
    ]
    title = "Clinics screened and visited"
    return [Table("clinics", title, "Venues and the visit log.", columns, rows)]


def _kinds_shown(kinds: dict[int, str], kind: str | None) -> list[str]:
    if kind is not None:
        return [kind]
    return sorted(set(kinds.values()), key=KINDS.index) or [KINDS[0]]


def gather(
    session: Session, period: Period, threshold: float, minimum: int, kind: str | None = None
) -> EffectsData:
    """Every figure of the report for the period (and one kind, or all)."""
    kinds = target_kinds(session)
    shown = _kinds_shown(kinds, kind)
    slices = [*period.months(), period.whole()]
    counter = _Counter(slices, shown, minimum)
    contacts = _contacts(session, period.start, period.end)
    claims = _claims(session, period.start, period.end)
    of_kind = set(session.scalars(select(Advert.id).where(Advert.kind.in_(shown))))
    return EffectsData(
        period=period,
        kinds=shown,
        minimum=minimum,
        threshold=threshold,
        funnel=_funnel(session, counter, contacts, claims, kinds, threshold),
        first_contact=_time_to_contact(session, counter, kinds),
        language=_language(session, counter, contacts, kinds),
        workload=_workload(counter, contacts, kinds, period),
        indicators=_indicators(session, period, of_kind, minimum),
        coverage=_coverage(session, period),
        adverts_weekly=_adverts_weekly(session, period, shown, minimum),
        languages=_languages_seen(session, period, shown, minimum),
        clinics=clinic_tables(session, period, minimum),
    )
