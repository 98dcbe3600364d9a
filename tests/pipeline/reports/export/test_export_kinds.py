"""Issue 16: the export gains the job kind; the escort export stays byte for byte the same."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from demo.jobs import JobWorld, build_job_world
from models import Advert, AdvertVersion, ContactPoint
from nlp.jobs.fields import INDUSTRIES_FILE, find_cvr
from pipeline.cli.main import main
from pipeline.core.datafiles import read_yaml
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from pipeline.reports.export import cluster_person, run_export, schema
from pipeline.reports.export.anonymity import check

from helpers.export_snapshot import GOLDEN, snapshot
from helpers.jobs_world import load_jobs, seed_job_market

EXPIRES = date.today() + timedelta(days=365)


def test_escort_export_is_unchanged(
    demo_world_db: Database, demo_truth: dict[str, Any], tmp_path: Path, researcher: None
) -> None:
    out = tmp_path / "escort"
    run_export(demo_world_db, load_settings(), "Uni A", "Research", EXPIRES, out)
    found = snapshot(demo_world_db, out, "Uni A")
    golden = json.loads(GOLDEN.read_text())
    assert len(golden["adverts.csv"]) > 10  # the snapshot is not empty
    assert found == golden


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def _secrets(database: Database, world: JobWorld) -> set[str]:
    """Every sealed or pseudonymised value the job adverts left in the database, and what the
    world's pages show: company names, CVR numbers, phones, titles, URLs, keys."""
    found: set[str] = set()
    for advert in world.adverts:
        found |= {advert.external_id, advert.phone, advert.phone.lstrip("+"), advert.title}
        found |= {advert.employer} if advert.employer else set()
        cvr, _ = find_cvr(advert.text)
        found |= {cvr} if cvr else set()
    with database.session() as session:
        for advert in session.scalars(select(Advert)):
            found |= {advert.url, advert.content_hash, advert.contacts_hash or ""}
            found |= {advert.title or "", advert.text or "", advert.unknown_city or ""}
        for point in session.scalars(select(ContactPoint)):
            found |= {point.value, point.pseudonym}
        for analysis in session.scalars(select(AdvertVersion.analysis)):
            record = (analysis or {}).get("job") or {}
            found |= {record.get("company_key") or "", record.get("cvr_key") or ""}
            found |= set((analysis or {}).get("name_keys") or [])
    return {value for value in found if len(value) >= 6}


@pytest.fixture
def job_export(database: Database, tmp_path: Path, researcher: None) -> tuple[Path, JobWorld]:
    world = build_job_world(seed=16)
    load_jobs(database, world, up_to_day=13)
    with pytest.raises(ScoutError, match="refused"):  # 36 recruiters, too varied for k=5
        run_export(database, load_settings(), "U", "R", EXPIRES, tmp_path / "no", kind="job")
    seed_job_market(database)
    out = tmp_path / "jobs"
    result = run_export(database, load_settings(), "Uni A", "Research", EXPIRES, out, kind="job")
    assert result.counts["job_adverts"] > 0
    return out, world


def test_job_export_rows_are_k_anonymous(
    database: Database, job_export: tuple[Path, JobWorld]
) -> None:
    out, _ = job_export
    rows = _read(out / "job_adverts.csv")
    assert rows and not (out / "adverts.csv").exists()
    settings = load_settings()
    quasi, sensitive = schema.quasi("job_adverts", "job"), schema.sensitive("job_adverts", "job")
    for row in rows:  # as written: an empty cluster counts as its own person; booleans as text
        row["cluster"] = row["cluster"] or f"advert:{row['advert']}"
        row.update({column: row[column] == "true" for column in sensitive})
    assert quasi == ["week_first_seen", "region", "industry", "language", "wage_unit", "wage_band"]
    assert check(rows, quasi, sensitive, settings.export_k, settings.export_l, cluster_person)
    # the same rows with one class made too small would fail the check: it can fail
    assert not check(rows[:1], quasi, sensitive, 5, 2, cluster_person)
    assert {r["industry"] for r in rows} <= {*read_yaml(INDUSTRIES_FILE), "unknown"}
    assert {r["wage_band"] for r in rows} <= {
        "under 100", "100-149", "150-199", "200+", "not comparable", "none"
    }  # fmt: skip
    assert any(r[f"ind_{c}"] for r in rows for c in schema.JOB_CATEGORIES)
    hits = _read(out / "indicator_hits.csv")
    assert hits and {h["advert"] for h in hits} <= {r["advert"] for r in rows}
    assert {h["category"] for h in hits} <= set(schema.JOB_CATEGORIES)


def test_job_export_holds_no_identifying_value(
    database: Database, job_export: tuple[Path, JobWorld]
) -> None:
    out, world = job_export
    secrets = _secrets(database, world)
    assert len(secrets) > 3 * len(world.adverts)  # the search has something to look for
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert sorted(s for s in secrets if s in text) == [], path.name
        assert not re.search(r"https?://", text), path.name


def test_job_datapackage_documents_the_job_table(job_export: tuple[Path, JobWorld]) -> None:
    out, _ = job_export
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"job-adverts", "clusters", "indicator-hits", "suppression-report"}
    fields = [f["name"] for f in resources["job-adverts"]["schema"]["fields"]]
    assert fields == list(_read(out / "job_adverts.csv")[0])
    assert {"industry", "region", "language", "wage_unit", "wage_band", "ind_fees"} <= set(fields)
    assert all(f["description"] for f in resources["job-adverts"]["schema"]["fields"])


def test_export_refuses_an_unknown_kind(
    database: Database, tmp_path: Path, researcher: None
) -> None:
    with pytest.raises(ScoutError, match="unknown export kind"):
        run_export(database, load_settings(), "Uni A", "R", EXPIRES, tmp_path / "x", kind="car")
    assert not (tmp_path / "x").exists()


def test_docs_list_the_job_fields() -> None:
    doc = (Path(__file__).resolve().parents[4] / "docs" / "export.md").read_text("utf-8")
    current = doc[doc.index(schema.JOB_DOC_START) : doc.index(schema.JOB_DOC_END)]
    generated = schema.markdown_fields(
        schema.datapackage("csv", {}, {}, "job"), schema.JOB_DOC_START, schema.JOB_DOC_END
    )
    assert current + schema.JOB_DOC_END == generated


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_export_kind_job(
    database: Database, tmp_path: Path, researcher: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_job_market(database)
    args = ["export", "--recipient", "Uni A", "--basis", "Research", "--expires"]
    assert main([*args, EXPIRES.isoformat(), "--out", str(tmp_path / "j"), "--kind", "job"]) == 0
    assert "job_adverts" in capsys.readouterr().out
    assert len(_read(tmp_path / "j" / "job_adverts.csv")) == 180
    assert main(["export", "--help"]) == 0
    assert "--kind [escort|job|clinic]" in capsys.readouterr().out
