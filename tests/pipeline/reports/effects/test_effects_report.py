"""The effects report over the demo world and its scripted team: the funnel's arithmetic
against the team's own log, the files, the audit entry, and that it names no one."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from demo.cities import CITIES
from demo.team import WORKERS, Logged
from models import AuditEntry, Cluster, ContactPoint, Suppression
from pipeline.core.app import App
from pipeline.reports.effects import make_effects
from pipeline.reports.effects.figures import ENDED, REACHED
from pipeline.reports.outreach.contact_log import REFERRALS
from pipeline.reports.privacy import Hidden

from helpers.effects_world import TeamWorld

MIN = 5


def shown(n: int) -> object:
    """What the report must print for a true count n."""
    return Hidden(MIN) if 0 < n < MIN else n


def targets(logged: Iterable[Logged], outcomes: Iterable[str] | None = None) -> int:
    wanted = set(outcomes) if outcomes is not None else None
    return len({e.cluster_id for e in logged if wanted is None or e.outcome in wanted})


def test_funnel_and_workload_match_the_scripted_log(team_world: TeamWorld, tmp_path: Path) -> None:
    logged = team_world.logged
    assert targets(logged) >= MIN  # the scripted team did enough for the cells to show
    result = make_effects(App(), team_world.first, team_world.last, out=tmp_path)
    data = result.data
    key = ("period", "escort")
    expected = {
        "claimed": targets(logged),  # every contact of the team follows a claim
        "contacted": targets(logged),
        "reached": targets(logged, REACHED),
        "referred": targets(logged, {"referred"}),
        "declined_or_opted_out": targets(logged, ENDED),
    }
    for place in REFERRALS:
        expected[f"referred_{place}"] = len(
            {e.cluster_id for e in logged if e.referred_to == place}
        )
    assert sum(expected[f"referred_{p}"] for p in REFERRALS) >= expected["referred"] > 0
    for stage, n in expected.items():
        assert data.funnel.cell(key, stage) == shown(n), stage
    # one month (November) and the period: the same targets
    assert data.funnel.cell(("2026-11", "escort"), "contacted") == shown(expected["contacted"])
    worker_days = {(e.worker, e.at.date()) for e in logged}
    assert data.workload.cell(key, "contacts") == shown(len(logged))
    assert data.workload.cell(key, "worker_days") == shown(len(worker_days))
    assert data.workload.cell(key, "contacts_per_worker_day") == round(
        len(logged) / len(worker_days), 2
    )
    # the report's "listed" is the target threshold's count, as `scout targets` counts
    with team_world.database.session() as session:
        listed = session.scalars(select(Cluster.id).where(Cluster.score >= 1.5)).all()
    assert data.funnel.cell(key, "listed") == shown(len(listed))


def test_files_datapackage_and_audit(team_world: TeamWorld, tmp_path: Path) -> None:
    result = make_effects(App(), team_world.first, team_world.last, out=tmp_path, midway=False)
    assert result.folder == tmp_path / "2026-11-02_2026-11-15"
    package = json.loads((result.folder / "datapackage.json").read_text())
    names = {r["path"] for r in package["resources"]}
    assert names == {f"{t.name}.csv" for t in result.data.tables()}
    for resource in package["resources"]:
        rows = list(csv.reader(io.StringIO((result.folder / resource["path"]).read_text())))
        assert rows[0] == [f["name"] for f in resource["schema"]["fields"]]
        assert resource["schema"]["missingValues"] == ["", "<5"]
    with team_world.database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "effects-report")
        ).one()
    assert entry.params == {"from": "2026-11-02", "to": "2026-11-15", "kind": None, "midway": False}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_names_no_one(team_world: TeamWorld, tmp_path: Path) -> None:
    """No target id, pseudonym, worker, note or city below region in any file of the report."""
    result = make_effects(App(), team_world.first, team_world.last, out=tmp_path)
    text = "\n".join(
        re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", path.read_text())
        for path in sorted(result.folder.iterdir())
    )
    with team_world.database.session() as session:
        cluster_ids = session.scalars(select(Cluster.id)).all()
        pseudonyms = set(session.scalars(select(ContactPoint.pseudonym)))
        pseudonyms |= set(session.scalars(select(Suppression.pseudonym)))
    assert cluster_ids and pseudonyms
    for cluster_id in cluster_ids:
        assert not re.search(rf"\b[CA]{cluster_id}\b", text), f"C{cluster_id}"
    for pseudonym in pseudonyms:
        assert pseudonym not in text and pseudonym[:12] not in text
    for worker in WORKERS:
        assert worker not in text
    regions = {city.region for city in CITIES}
    for city in CITIES:
        if city.name not in regions:
            assert not re.search(rf"\b{re.escape(city.name)}\b", text), city.name
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}T", text)  # no timestamps
    page = result.page.read_text()
    assert re.search(r"(src|href)=\"(?!data:)", page) is None  # nothing loaded from elsewhere
    assert len(re.findall(r'<img class="chart" alt="[^"]+" src="data:image/png;base64,', page)) == 5
