"""`pipeline.stages.analysis.analyse` on both engines: hits, languages, incremental runs,
rule changes, bad inputs and no names in clear."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from models import Advert, AdvertVersion, IndicatorHit
from nlp.rules import RULES_DIR, load_rules
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse, pending_versions


def _versions(database: Database) -> list[AdvertVersion]:
    with database.session() as session:
        rows = session.scalars(select(AdvertVersion).order_by(AdvertVersion.id)).all()
        session.expunge_all()
        return list(rows)


def test_analysis_stores_hits_and_languages(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    summary = analyse(database)
    adverts, bad = stored_sample["adverts"], stored_sample["bad"]
    assert summary.versions == sum(len(a.versions) for a in adverts) + len(bad)
    assert summary.ruleset_version == load_rules().version
    with database.session() as session:
        hits = session.scalars(select(IndicatorHit)).all()
        assert hits and {h.ruleset_version for h in hits} == {summary.ruleset_version}
        assert all(h.evidence["field"] in ("title", "text") for h in hits)
        rows = session.execute(select(Advert.external_id, Advert.language)).all()
    languages = {external_id: language for external_id, language in rows}
    truth = {a.external_id: a.languages[0] for a in stored_sample["adverts"]}
    right = sum(languages[ext] == lang for ext, lang in truth.items())
    assert right >= 0.95 * len(truth)
    versions = _versions(database)
    assert all(v.analysed_ruleset == summary.ruleset_version for v in versions)
    assert all(v.language and isinstance(v.analysis, dict) for v in versions)


def test_analysis_is_incremental_and_everything_reanalyses(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    first = analyse(database)
    assert first.versions > 0
    assert analyse(database).versions == 0
    assert analyse(database, everything=True).versions == first.versions
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(IndicatorHit))
    assert count == sum(first.hits_by_rule.values())  # re-analysis replaced, not added


def test_analysis_in_batches_equals_one_run_and_a_batch_run_twice_stores_nothing_twice(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    """What queue workers do: split the pending versions into batches, analyse each (in any
    order, one of them twice)."""
    pending = pending_versions(database)
    batches = [pending[i : i + 7] for i in range(0, len(pending), 7)]
    done = sum(analyse(database, version_ids=batch).versions for batch in reversed(batches))
    assert done == len(pending) and pending_versions(database) == []
    batched = _hits(database)
    assert batched
    assert analyse(database, version_ids=batches[0]).versions == 0  # delivered again
    assert _hits(database) == batched
    analyse(database, everything=True)  # one run over all of them: the same hits
    assert _hits(database) == batched


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_one_batch_stored_by_two_workers_at_once_stores_its_hits_once(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    """Two crawls ending together enqueue a version twice; two workers may store it at once.
    Worker A stops after inserting its hits (not committed) while worker B analyses and
    stores the same batch; A goes on once B waits for a lock or has finished. Both inserted
    the hits when each deleted only those it could see (the twenty-site worker test's
    doubled hits)."""
    pending = pending_versions(database)
    inserted, go_on = threading.Event(), threading.Event()

    def pause_worker_a(conn: Any, clause: Any, *_: Any) -> None:
        table = getattr(clause, "table", None)
        if threading.current_thread().name == "A" and getattr(table, "name", "") == (
            "indicator_hits"
        ) and clause.is_insert:  # fmt: skip
            inserted.set()
            go_on.wait(60)

    event.listen(database.engine, "after_execute", pause_worker_a)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            analyse(database, version_ids=pending)
        except BaseException as exc:  # reported below
            failures.append(exc)

    a, b = threading.Thread(target=work, name="A"), threading.Thread(target=work, name="B")
    try:
        a.start()
        assert inserted.wait(120)
        b.start()

        def b_waits() -> bool:
            with database.engine.connect() as connection:
                return bool(
                    connection.scalar(
                        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                    )
                )

        while b.is_alive() and not b_waits():
            b.join(0.1)
    finally:
        go_on.set()
        a.join(120)
        b.join(120)
        event.remove(database.engine, "after_execute", pause_worker_a)
    assert not failures, failures
    stored = _hits(database)
    analyse(database, everything=True)  # one run over all of them: each hit once
    once = _hits(database)
    assert once and stored == once


def _hits(database: Database) -> list[tuple[Any, ...]]:
    with database.session() as session:
        rows = session.execute(select(IndicatorHit.version_id, IndicatorHit.rule_id)).all()
    return sorted(tuple(row) for row in rows)


@pytest.mark.slow
def test_analysis_changed_rules_give_new_version(
    database: Database, stored_sample: dict[str, Any], tmp_path: Path
) -> None:
    first = analyse(database)
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "origin.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[0]["weight"] = round(float(data[0]["weight"]) + 0.1, 3)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = analyse(database, rules_dir=rules)
    assert second.ruleset_version != first.ruleset_version
    assert second.versions == first.versions
    assert {v.analysed_ruleset for v in _versions(database)} == {second.ruleset_version}
    with database.session() as session:
        stored = set(session.scalars(select(IndicatorHit.ruleset_version)))
    assert stored == {second.ruleset_version}


def test_analysis_bad_inputs_are_counted_not_fatal(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    summary = analyse(database)
    assert summary.empty >= 2  # "" and whitespace only
    assert summary.no_words >= 3  # and emoji only
    assert summary.markup >= 1
    assert summary.truncated == 1
    with database.session() as session:
        rows = session.execute(
            select(Advert.external_id, AdvertVersion.language, AdvertVersion.analysis)
            .join(AdvertVersion, AdvertVersion.advert_id == Advert.id)
            .where(Advert.external_id.in_(list(stored_sample["bad"])))
        ).all()
    by_id = {ext: (lang, analysis) for ext, lang, analysis in rows}
    assert set(by_id) == set(stored_sample["bad"])
    for external_id in ("bad-empty", "bad-blank", "bad-emoji", "bad-one-word"):
        assert by_id[external_id][0] == "und", external_id
    assert by_id["bad-huge"][1]["truncated"] is True
    assert by_id["bad-nfd"][1]["cities"] == ["Aarhus"]  # NFD "Århus" still found


def _dump(database: Database, db_url: str) -> str:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as connection:
            return "\n".join(connection.iterdump())
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump not installed: the PostgreSQL dump test needs it")
    schema = dict(url.query)["options"].split("=", 1)[1]
    plain = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    command = ["pg_dump", "--inserts", "-n", schema, plain]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.subprocess)], indirect=True
)  # pg_dump
def test_analysis_dump_has_no_names_in_clear(
    database: Database, stored_sample: dict[str, Any], db_url: str
) -> None:
    analyse(database)
    dump = _dump(database, db_url)
    assert "indicator_hits" in dump and "name_keys" in dump
    names = {a.name for a in stored_sample["adverts"]}
    leaked = sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", dump))
    assert leaked == []


def test_analysis_updates_adverts_in_id_order(
    database: Database, stored_sample: dict[str, Any]
) -> None:
    """A crawl's flush updates adverts in id order; analysis must too, or a crawl batch and an
    analysis touching the same adverts wait for each other (a deadlock on PostgreSQL). Here
    the newest versions belong to adverts in falling id order."""
    analyse(database)
    with database.session() as session:
        advert_ids = session.scalars(select(Advert.id).order_by(Advert.id.desc()).limit(5)).all()
        for advert_id in advert_ids:  # an edit of each, the highest advert id first
            session.add(AdvertVersion(
                advert_id=advert_id, seen_at=datetime(2026, 12, 3, tzinfo=UTC),
                title="Ny i byen", text=f"Ny i byen {advert_id}, ring til mig",
                content_hash=f"{advert_id:064x}",
            ))  # fmt: skip
    updated: list[int] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("UPDATE adverts SET language"):
            values = parameters.values() if isinstance(parameters, dict) else parameters
            updated.append(list(values)[-1])

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        assert analyse(database).versions == len(advert_ids)
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    assert updated == sorted(advert_ids)
