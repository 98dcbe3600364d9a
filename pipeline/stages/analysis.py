"""The NLP stage over stored adverts: languages, structured fields and indicator hits.

Incremental: only advert versions not yet analysed under the current rule-set
version are read (all of them with `everything=True`, e.g. after a rule change).
Work goes in chunks, each one transaction, so a reader never waits long.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from models import Advert, AdvertVersion, IndicatorHit
from nlp.contacts.mask import mask_contacts
from nlp.kinds import rules_dir_of
from nlp.parallel import analyse_batches
from nlp.pipeline import AdvertAnalysis
from nlp.rules import load_rules
from pipeline.core import clock
from pipeline.core.batches import chunked
from pipeline.core.db import Database
from pipeline.core.keys import Keyring
from pipeline.core.kinds import DEFAULT_KIND, get_kind

CHUNK = 500  # versions per transaction: a reader never waits long
# Below this many pending versions one process is quicker: each worker first spends about
# 2.5 CPU-seconds loading spaCy, the rules and the language model, while this process reads
# and writes about 0.5 ms a version and the analysis itself takes about 0.45 ms.
POOL_MIN_VERSIONS = 5_000
TITLE_SEPARATOR = "\n\n"


@dataclass
class AnalysisSummary:
    """What one `analyse` run did: counts of versions, odd inputs, languages and hits."""

    ruleset_version: str
    versions: int = 0
    undetermined_language: int = 0
    empty: int = 0
    no_words: int = 0  # empty, whitespace-, emoji- or digit-only: "und", no indicators
    markup: int = 0  # tags blanked out before analysis (left by a site or planted)
    truncated: int = 0
    hits_by_rule: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)  # versions analysed per kind
    # another kind's rule-set version (the escort one is `ruleset_version`)
    kind_rulesets: dict[str, str] = field(default_factory=dict)


def combined_text(title: str | None, text: str | None) -> str:
    """What the NLP stage reads: the title, a blank line, the text."""
    return f"{title or ''}{TITLE_SEPARATOR}{text or ''}"


def _where(title: str | None, start: int, end: int) -> dict[str, Any]:
    """Offsets into the combined text, told as field + offsets into that field."""
    cut = len(title or "") + len(TITLE_SEPARATOR)
    if start < cut:
        return {"field": "title", "start": start, "end": min(end, len(title or ""))}
    return {"field": "text", "start": start - cut, "end": end - cut}


def _name_key(keyring: Keyring, name: str) -> str:
    return keyring.pseudonym("name", name.casefold())[:16]


def kept_names(result: AdvertAnalysis, keyring: Keyring) -> str | None:
    """For a kind that keeps names (clinic): the names read, as sealed-column JSON {name key:
    name as written}; None for the other kinds (collect little)."""
    if not get_kind(result.kind).keeps_names or not result.fields.names:
        return None
    names = {_name_key(keyring, m.name): m.name for m in result.fields.names}
    return json.dumps(dict(sorted(names.items())), ensure_ascii=False)


def analysis_record(result: AdvertAnalysis, keyring: Keyring) -> dict[str, Any]:
    """The JSON kept per version: no names in clear, only keyed hashes of them."""
    language = result.language
    fields = result.fields
    nationalities = sorted(
        {str(h.detail.get("nationality")) for h in result.hits if h.detail.get("nationality")}
    )
    record = {
        "languages": [
            {"lang": code, "share": round(language.probabilities.get(code, 0.0), 3)}
            for code in (language.languages if language else [])
        ],
        "name_keys": sorted({_name_key(keyring, m.name) for m in fields.names}),
        "ages": sorted({m.value for m in fields.ages}),
        "nationalities": nationalities,
        "prices": [
            {"amount": p.amount, "currency": p.currency, "euphemism": p.euphemism}
            for p in fields.prices[:5]
        ],
        "cities": sorted({m.city for m in fields.cities}),
        "truncated": result.truncated,
    }
    if result.kind_fields is not None:  # another kind's fields, under its name
        record[result.kind] = result.kind_fields.record(
            lambda purpose, value: keyring.pseudonym(purpose, value)[:16]
        )
    return record


def _pending(
    database: Database,
    ruleset: str,
    everything: bool,
    kind: str,
    only: Sequence[int] | None = None,
) -> list[int]:
    query = (
        select(AdvertVersion.id)
        .join(Advert, Advert.id == AdvertVersion.advert_id)
        .where(Advert.kind == kind)
        .order_by(AdvertVersion.id)
    )
    if only is not None:
        query = query.where(AdvertVersion.id.in_(list(only)))
    if not everything:
        query = query.where(
            or_(AdvertVersion.analysed_ruleset.is_(None), AdvertVersion.analysed_ruleset != ruleset)
        )
    with database.session() as session:
        return list(session.scalars(query))


def _store(
    database: Database,
    rows: list[tuple[int, int, str | None]],
    results: Iterable[AdvertAnalysis],
    summary: AnalysisSummary,
    ruleset: str,
) -> None:
    now = clock.now()
    hits: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    latest_language: dict[int, str] = {}
    for (version_id, advert_id, title), result in zip(rows, results, strict=True):
        primary = result.language.primary if result.language else "und"
        summary.versions += 1
        summary.by_kind[result.kind] += 1
        summary.languages[primary] += 1
        summary.undetermined_language += primary == "und"
        summary.truncated += result.truncated
        summary.no_words += not result.has_words
        summary.markup += result.markup
        for hit in result.hits:
            summary.hits_by_rule[hit.rule_id] += 1
            hits.append(
                {
                    "advert_id": advert_id,
                    "version_id": version_id,
                    "rule_id": hit.rule_id,
                    "category": hit.category,
                    "ruleset_version": hit.ruleset_version,
                    "weight": hit.weight,
                    "created_at": now,
                    "evidence": {
                        **_where(title, hit.start, hit.end),
                        # Masked: a rule's match can hold a number ("28445566 girls").
                        "text": mask_contacts(hit.evidence_text)[:80],
                        "detail": hit.detail,
                    },
                }
            )
        updates.append(
            {
                "vid": version_id,
                "language": primary,
                "analysis": analysis_record(result, database.keyring),
                "names": kept_names(result, database.keyring),
                "analysed_ruleset": ruleset,
                "analysed_at": now,
            }
        )
        latest_language[advert_id] = primary
    with database.session() as session:
        ids = [vid for vid, _, _ in rows]
        # The versions' rows locked first, in order: two workers storing one version at once
        # (two crawls ending together enqueue it twice) then store one after the other, the
        # second replacing the first's hits. Without the lock each deleted the hits it could
        # see (none) and both inserted: hits twice (PostgreSQL; SQLite has one writer).
        session.execute(
            select(AdvertVersion.id)
            .where(AdvertVersion.id.in_(ids))
            .order_by(AdvertVersion.id)
            .with_for_update()
        )
        session.execute(delete(IndicatorHit).where(IndicatorHit.version_id.in_(ids)))
        if hits:
            session.execute(insert(IndicatorHit), hits)
        for values in updates:
            version_id = values.pop("vid")
            session.execute(
                update(AdvertVersion).where(AdvertVersion.id == version_id).values(**values)
            )
        # in id order, as a crawl's flush updates adverts: a crawl batch and an analysis
        # touching the same adverts in opposite orders deadlocked now and then (PostgreSQL)
        for advert_id, language in sorted(latest_language.items()):
            session.execute(update(Advert).where(Advert.id == advert_id).values(language=language))


def _chunks(
    database: Database, pending: list[int], summary: AnalysisSummary
) -> Iterator[tuple[list[tuple[int, int, str | None]], list[str]]]:
    """Per chunk of pending versions: (version id, advert id, title) rows and their texts."""
    for chunk in chunked(pending, CHUNK):
        with database.session() as session:
            rows = session.execute(
                select(
                    AdvertVersion.id,
                    AdvertVersion.advert_id,
                    AdvertVersion.title,
                    AdvertVersion.text,
                )
                .where(AdvertVersion.id.in_(chunk))
                .order_by(AdvertVersion.id)
            ).all()
        texts = [combined_text(title, text) for _, _, title, text in rows]
        summary.empty += sum(not text.strip() for text in texts)  # title and text blank
        yield [(vid, aid, title) for vid, aid, title, _ in rows], texts


def analyse(
    database: Database,
    rules_dir: Path | None = None,
    everything: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    version_ids: Sequence[int] | None = None,
) -> AnalysisSummary:
    """Analyse pending advert versions (only those of `version_ids` when given: a worker's
    batch; one already analysed under these rules is skipped, so a batch run twice stores
    nothing twice); returns what was found.

    Each kind of advert is analysed with its own fields component and rules
    (`nlp.kinds`; `rules_dir` is the escort rules' folder, another kind's rules are in its
    sub-folder there or the bundled one). More than ``POOL_MIN_VERSIONS`` pending versions of
    a kind are analysed in ``workers`` processes (default: the ``analyse_workers``
    setting); reading and writing stay in this process.
    """
    kinds = _kinds_and_rules(database, rules_dir)
    summary = AnalysisSummary(kinds[0][2])
    summary.kind_rulesets.update({kind: version for kind, _, version in kinds[1:]})
    todo = [
        (kind, folder, version, _pending(database, version, everything, kind, version_ids))
        for kind, folder, version in kinds
    ]
    total = sum(len(pending) for *_, pending in todo)
    wanted = database.settings.analyse_workers if workers is None else workers
    done = 0
    for kind, folder, version, pending in todo:
        processes = wanted if len(pending) > POOL_MIN_VERSIONS else 1
        chunks = _chunks(database, pending, summary)
        for rows, results in analyse_batches(chunks, processes, folder, kind):
            _store(database, rows, results, summary, version)
            done += len(rows)
            if on_progress:
                on_progress(done, total)
    return summary


def _kinds_and_rules(
    database: Database, rules_dir: Path | None
) -> list[tuple[str, Path | None, str]]:
    """(kind, rules folder, rule-set version) of every kind stored, escort first (as before
    kinds existed), then the others by name, each with its own rules."""
    with database.session() as session:
        stored = set(session.scalars(select(Advert.kind).distinct()))
    escort = load_rules(rules_dir).version
    found = []
    for kind in [DEFAULT_KIND, *sorted(stored - {DEFAULT_KIND})]:
        folder = rules_dir_of(kind, rules_dir)
        found.append((kind, folder, escort if kind == DEFAULT_KIND else load_rules(folder).version))
    return found


def pending_versions(database: Database, rules_dir: Path | None = None) -> list[int]:
    """The ids of the advert versions of every kind not yet analysed under their current
    rules, in order."""
    return sorted(
        version_id
        for kind, _, version in _kinds_and_rules(database, rules_dir)
        for version_id in _pending(database, version, False, kind)
    )
