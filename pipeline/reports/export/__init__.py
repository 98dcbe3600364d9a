"""Anonymised exports for research partners (PRIVACY rules 11–13): checked, described, logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from models import ExportRecord
from nlp.clinics.rules import clinic_ruleset_version
from nlp.rules import RULES_DIR, load_rules
from pipeline.core import audit, clock, roles
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.kinds import get_kind
from pipeline.core.settings import Settings
from pipeline.reports.export import rows as export_rows
from pipeline.reports.export import schema
from pipeline.reports.export.anonymity import Enforced, Row, enforce, require_floors
from pipeline.reports.export.generalise import iso_week
from pipeline.reports.export.manifest import write_manifest
from pipeline.reports.export.readme import readme_text
from pipeline.reports.export.venues import venue_rows
from pipeline.reports.export.writer import export_format, write_json, write_tables

MAX_SUPPRESSED = 0.5


def advert_person(row: Row) -> str:
    """The closest thing Scout has to a person: the advert's cluster, else the advert."""
    return row["cluster"] or f"advert:{row['advert']}"


def cluster_person(row: Row) -> str:
    return row["cluster"]


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int]
    suppressed: dict[str, dict[str, int]]


def _check_request(
    settings: Settings, recipient: str, basis: str, expires: date, out: Path, fmt: str, kind: str
) -> None:
    roles.require(settings, "export")  # also when called from Python, not only the CLI
    if kind not in schema.EXPORT_KINDS:
        raise ScoutError(
            f"unknown export kind {kind!r}; use one of {', '.join(schema.EXPORT_KINDS)}",
            code="export-kind",
            kinds=", ".join(schema.EXPORT_KINDS),
        )
    if not recipient.strip() or not basis.strip():
        raise ScoutError(
            "an export needs a named recipient and a legal basis", code="export-recipient"
        )
    today = clock.now().astimezone(settings.tz).date()
    if expires <= today:
        raise ScoutError(
            f"expiry {expires.isoformat()} is not in the future",
            code="export-expiry-past",
            expires=expires,
        )
    if (expires - today).days > settings.export_max_expiry_days:
        raise ScoutError(
            f"expiry {expires.isoformat()} is more than {settings.export_max_expiry_days} days "
            "ahead (export_max_expiry_days); exports must expire",
            code="export-expiry-far",
            expires=expires,
            days=settings.export_max_expiry_days,
        )
    if out.exists() and any(out.iterdir()):
        raise ScoutError(
            f"{out} is not empty; exports go into a new folder", code="export-folder-used"
        )
    export_format(fmt)


def _report(
    adverts: Enforced, clusters: Enforced, hits_dropped: int, table: str = "adverts"
) -> list[dict[str, Any]]:
    rows = [{"table": table, "reason": r, "rows": n} for r, n in adverts.suppressed.items()]
    rows += [{"table": "clusters", "reason": r, "rows": n} for r, n in clusters.suppressed.items()]
    rows.append({"table": "indicator_hits", "reason": "advert suppressed", "rows": hits_dropped})
    return rows


def build_tables(
    database: Database,
    settings: Settings,
    recipient: str,
    kind: str = "escort",
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, int]]]:
    """The checked tables of one export of `kind`, or a ScoutError when k and l cannot be met."""
    k, l_div = settings.export_k, settings.export_l
    require_floors(k, l_div)  # also when the settings were built without validation
    table = schema.advert_table(kind)
    with database.session() as session:
        pseudonym = export_rows.Pseudonymiser(database.keyring, recipient)
        every = export_rows.ADVERT_ROWS[kind](session, settings.tz, pseudonym)
        adverts = enforce(
            every,
            schema.quasi(table, kind),
            schema.sensitive(table, kind),
            k,
            l_div,
            advert_person,
        )
        _refuse_too_few(adverts, len(every), k, l_div, "adverts", code="export-too-few")
        clusters = enforce(
            export_rows.cluster_rows(session, settings.tz, pseudonym, adverts.kept),
            schema.quasi("clusters"),
            [],
            k,
            l_div,
            cluster_person,
        )
        every_hit = export_rows.hit_rows(session, pseudonym, every)
        hits = export_rows.hit_rows(session, pseudonym, adverts.kept)
    kept_clusters = {row["cluster"] for row in clusters.kept}
    for row in adverts.kept:  # membership of a suppressed cluster would undo its suppression
        row["cluster"] = row["cluster"] if row["cluster"] in kept_clusters else ""
    report = _report(adverts, clusters, len(every_hit) - len(hits), table)
    tables = {
        table: adverts.kept,
        "clusters": clusters.kept,
        "indicator_hits": hits,
        "suppression_report": report,
    }
    suppressed = {
        table: adverts.suppressed,
        "clusters": clusters.suppressed,
        "indicator_hits": {"advert suppressed": len(every_hit) - len(hits)},
    }
    return tables, suppressed


def _refuse_too_few(rows: Enforced, total: int, k: int, l_div: int, what: str, code: str) -> None:
    if not rows.kept or rows.suppressed_total > MAX_SUPPRESSED * total:
        raise ScoutError(
            f"refused: only {len(rows.kept)} of {total} {what} meet k={k} and "
            f"l={l_div}; the data are too few or too varied to anonymise (nothing written)",
            code=code,
            kept=len(rows.kept),
            total=total,
            k=k,
            l=l_div,
        )


def build_venue_tables(
    database: Database, settings: Settings, recipient: str, kind: str = "clinic"
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, int]]]:
    """The clinic export: venues at municipality level, k venues a class and l-diverse in the
    concern flag, or a ScoutError when too few pass."""
    k, l_div = settings.export_k, settings.export_l
    require_floors(k, l_div)
    with database.session() as session:
        pseudonym = export_rows.Pseudonymiser(database.keyring, recipient)
        every = venue_rows(session, pseudonym, clock.now())
    venues = enforce(
        every, schema.quasi("venues", kind), schema.sensitive("venues", kind), k, l_div
    )
    _refuse_too_few(venues, len(every), k, l_div, "venues", code="export-too-few-venues")
    report = [{"table": "venues", "reason": r, "rows": n} for r, n in venues.suppressed.items()]
    return (
        {"venues": venues.kept, "suppression_report": report},
        {"venues": venues.suppressed},
    )


# What builds an export of each kind (schema.KIND_TABLES names their tables).
BUILDERS = {"escort": build_tables, "job": build_tables, "clinic": build_venue_tables}


def anonymity_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """What the datapackage says about the anonymity the export was checked for."""
    return {"k": meta["k"], "l": meta["l"], "k_counts": "distinct clusters (persons)"}


def run_export(
    database: Database,
    settings: Settings,
    recipient: str,
    basis: str,
    expires: date,
    out: Path,
    fmt: str = "csv",
    kind: str = "escort",
) -> ExportResult:
    """Check, write and log one export of `kind` (escort or job adverts); nothing is written
    when a check fails."""
    _check_request(settings, recipient, basis, expires, out, fmt, kind)
    folder = get_kind(kind).rules_folder  # a broken rule file is reported before the tables
    ruleset = (
        clinic_ruleset_version()
        if kind == "clinic"
        else load_rules(RULES_DIR / folder if folder else None).version
    )
    tables, suppressed = BUILDERS[kind](database, settings, recipient, kind)
    counts = {name: len(rows) for name, rows in tables.items() if name != "suppression_report"}
    now = clock.now()
    meta: dict[str, Any] = {
        "recipient": recipient.strip(),
        "basis": basis.strip(),
        "expires": expires.isoformat(),
        "made": now.astimezone(settings.tz).date().isoformat(),
        "made_week": iso_week(now, settings.tz),
        "ruleset": ruleset,
        "k": settings.export_k,
        "l": settings.export_l,
        "counts": counts,
    }
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_tables(out, fmt, tables, kind)
    write_json(
        out / "datapackage.json",
        schema.datapackage(
            fmt,
            export_format(fmt).resource,
            {
                "title": f"Scout anonymised export for {meta['recipient']}",
                "description": f"Legal basis: {meta['basis']}. Expires {meta['expires']}.",
                "created": f"{meta['made']}T00:00:00Z",
                "licenses": [{"name": "restricted", "title": f"For {meta['recipient']} only"}],
                "scout:anonymity": anonymity_meta(meta),
            },
            kind,
        ),
    )
    (out / "README.md").write_text(readme_text(meta, kind), encoding="utf-8")
    write_manifest(out)  # last: it lists what was written, for the purge after expiry
    expires_at = datetime.combine(expires, time(0), settings.tz)
    with database.session() as session:
        session.add(
            ExportRecord(
                actor=settings.effective_actor,
                recipient=meta["recipient"],
                legal_basis=meta["basis"],
                expires_at=expires_at,
                path=str(out.resolve()),
                counts={**counts, "suppressed": suppressed},
            )
        )
        audit.record(
            session,
            settings,
            "export",
            reason=meta["basis"],
            params={
                "recipient": meta["recipient"],
                "expires": meta["expires"],
                "format": fmt,
                "kind": kind,
                "path": str(out.resolve()),
                "k": meta["k"],
                "l": meta["l"],
            },
            counts={**counts, "suppressed": suppressed},
        )
    return ExportResult(out, counts, suppressed)
