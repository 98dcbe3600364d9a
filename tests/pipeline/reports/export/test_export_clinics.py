"""Issue 15: `scout export --kind clinic` writes a venue table at municipality level, with
k-anonymity over venues and l-diversity of the concern flag; the demo world alone is refused;
opted-out venues never leave; nothing finer than a municipality is written."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Advert, AuditEntry, Site, Venue, VenueAdvert
from nlp.clinics.hours import parse_hours
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from pipeline.reports.export import run_export, schema
from pipeline.reports.export.anonymity import check
from pipeline.web.errors import SCOUT_ERRORS, said

from helpers.clinics_world import store_and_link

EXPIRES = date.today() + timedelta(days=365)
WHEN = datetime(2026, 11, 20, 12, tzinfo=UTC)
# (municipality, region, venues, of which of concern)
PLACES = [
    ("København", "Hovedstaden", 8, 4),
    ("Aarhus", "Midtjylland", 6, 2),
    ("Odense", "Syddanmark", 5, 5),  # all of concern: fails l-diversity
    ("Aalborg", "Nordjylland", 2, 1),  # two places: fails k-anonymity
]


def seed_venues(database: Database) -> list[str]:
    """Synthetic venues: of concern by their text signs and day-and-night hours; one more in
    København named by an opted-out advert. Returns what must never be exported."""
    night, day = parse_hours("døgnåbent"), parse_hours("man-fre 10-18")
    assert night and day
    secrets = []
    with database.session() as session:
        n = 0
        for municipality, region, count, concern in PLACES:
            for i in range(count):
                n += 1
                bad = i < concern
                venue = Venue(
                    stable_id=f"V{n}", region=region, municipality=municipality,
                    postcode=f"{5000 + n}", address=f"Synthgade {n}, {5000 + n} By",
                    names=[f"Synth Spa {n}"], first_seen=WHEN, last_seen=WHEN,
                    signs=["clinic_third_person", "clinic_new_girls"] if bad else [],
                    opening_hours=(night if bad else day).to_json(),
                )  # fmt: skip
                session.add(venue)
                secrets += [f"Synthgade {n}", f"Synth Spa {n}", f"{5000 + n}"]
        site = Site(name="synthetic_clinics", base_url="http://127.0.0.1")
        session.add(site)
        session.flush()
        advert = Advert(
            site_id=site.id, external_id="optout", kind="clinic", url="http://127.0.0.1/o",
            first_seen=WHEN, last_seen=WHEN, content_hash="0" * 64, suppressed=True,
        )  # fmt: skip
        hidden = Venue(
            stable_id="V999", region="Hovedstaden", municipality="Gentofte", first_seen=WHEN,
            last_seen=WHEN,
        )  # fmt: skip
        session.add_all([advert, hidden])
        session.flush()
        session.add(
            VenueAdvert(venue_id=hidden.id, advert_id=advert.id, first_seen=WHEN, last_seen=WHEN)
        )
    return secrets


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_clinic_export_is_k_anonymous_at_municipality_level(
    database: Database, tmp_path: Path, researcher: None
) -> None:
    secrets = seed_venues(database)
    clock.set_now(WHEN + timedelta(days=1))
    out = tmp_path / "clinic"
    result = run_export(database, load_settings(), "Uni A", "Research", EXPIRES, out, kind="clinic")
    rows = _read(out / "venues.csv")
    assert result.counts == {"venues": 14}
    assert result.suppressed == {"venues": {"k-anonymity": 2, "l-diversity": 5}}
    fields = [f.name for f in schema.VENUE_FIELDS]
    assert list(rows[0]) == fields
    assert {(r["municipality"], r["region"]) for r in rows} == {
        ("København", "Hovedstaden"), ("Aarhus", "Midtjylland"),
    }  # fmt: skip
    concern = {m: sum(r["of_concern"] == "true" for r in rows if r["municipality"] == m)
               for m in ("København", "Aarhus")}  # fmt: skip
    assert concern == {"København": 4, "Aarhus": 2}
    typed = [{**r, "of_concern": r["of_concern"] == "true"} for r in rows]
    assert check(typed, schema.quasi("venues", "clinic"), ["of_concern"], 5, 2)
    assert len({r["venue"] for r in rows}) == 14 and all(len(r["venue"]) >= 16 for r in rows)
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file())
    for secret in [*secrets, "V1,", "Gentofte"]:
        # whole values only: a pseudonym's hex digits may hold "5007" by chance
        assert not re.search(rf"(?<![0-9a-f]){re.escape(secret)}(?![0-9a-f])", written), secret
    report = _read(out / "suppression_report.csv")
    assert {(r["reason"], r["rows"]) for r in report} == {
        ("k-anonymity", "2"),
        ("l-diversity", "5"),
    }
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "k = 5 venues" in readme and "equivalence class of adverts" not in readme
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ["venues", "suppression-report"]
    with database.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.params["kind"] == "clinic" and entry.counts["venues"] == 14


def test_clinic_export_of_the_demo_world_alone_is_refused(
    database: Database, tmp_path: Path, researcher: None
) -> None:
    linked = store_and_link(database)
    clock.set_now(linked.end + timedelta(days=1))
    with pytest.raises(ScoutError, match="of 9 venues meet k=5") as refused:
        run_export(database, load_settings(), "Uni A", "R", EXPIRES, tmp_path / "x", kind="clinic")
    assert refused.value.code == "export-too-few-venues"  # a page says "venues", not "adverts"
    assert said(refused.value).message == SCOUT_ERRORS["export-too-few-venues"]
    assert not (tmp_path / "x").exists()


def test_docs_list_the_clinic_fields() -> None:
    doc = (Path(__file__).resolve().parents[4] / "docs" / "export.md").read_text("utf-8")
    current = doc[doc.index(schema.CLINIC_DOC_START) : doc.index(schema.CLINIC_DOC_END)]
    generated = schema.markdown_fields(
        schema.datapackage("csv", {}, {}, "clinic"),
        schema.CLINIC_DOC_START,
        schema.CLINIC_DOC_END,
    )
    assert current + schema.CLINIC_DOC_END == generated


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_export_kind_clinic(
    database: Database, tmp_path: Path, researcher: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_venues(database)
    clock.set_now(WHEN + timedelta(days=1))
    args = ["export", "--recipient", "Uni A", "--basis", "Research", "--expires"]
    out = tmp_path / "c"
    assert main([*args, EXPIRES.isoformat(), "--out", str(out), "--kind", "clinic"]) == 0
    assert "venues" in capsys.readouterr().out
    assert len(_read(out / "venues.csv")) == 14
