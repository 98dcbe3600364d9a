"""`scout report effects`: who may run it, what it writes, the midway preset, one-line errors;
the period's months, and the Danish and English summary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import Cluster, ContactLogEntry
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.reports.effects.figures import STAGES, EffectsData
from pipeline.reports.effects.period import make_period
from pipeline.reports.effects.summary import summary
from pipeline.reports.effects.tables import Column, Table
from pipeline.reports.privacy import Hidden

from helpers import operators

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_cli_writes_the_report(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", "effects", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path)]
    )
    assert code == 0
    folder = tmp_path / "2026-11-01_2026-11-30"
    assert f"effects report written to {folder / 'effects.html'}" in capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} >= {"effects.html", "funnel.csv", "datapackage.json"}
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_cli_midway_preset(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "effects", "--midway", "--line-start", "2026-09-01", "--to", "2026-11-30"]
    assert main([*args, "--kind", "escort", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "2026-09-01_2026-11-30-escort-midway" / "effects.html").read_text()
    assert "<h1>Scout midway status of the outreach line started 2026-09-01</h1>" in page
    assert "Fra 1. september 2026 til 30. november 2026 (escortannoncer)." in page
    assert "From September 1, 2026 to November 30, 2026 (escort adverts)." in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-31", "--to", "2026-12-01"], "'2026-11-31' is not a real date"),
        (["--from", "1.11.2026", "--to", "2026-12-01"], "is not a date of the form 2026-11-30"),
        (["--from", "2026-12-01", "--to", "2026-11-01"], "ends (2026-11-01) before it starts"),
        (["--to", "2026-12-01"], "give --from DATE"),
        (["--midway", "--to", "2026-12-01"], "--midway takes --line-start DATE"),
        (
            ["--from", "2026-11-01", "--line-start", "2026-11-01", "--to", "2026-12-01"],
            "--line-start goes with --midway",
        ),
    ],
)
def test_cli_errors_are_one_line(
    database: Database, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "effects", *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_cli_outreach_may_not(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    assert main(["report", "effects", "--from", "2026-11-01", "--to", "2026-11-30"]) == 3
    assert "needs the role" in capsys.readouterr().err


def test_cli_contact_log_referred_to(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with database.session() as session:
        cluster = Cluster(first_seen=NOW, last_seen=NOW)
        session.add(cluster)
        session.flush()
        target = f"C{cluster.id}"
    operators.set_operator(monkeypatch, default_role="outreach")
    log = ["contact", "log", target, "--referred-to", "shelter"]
    assert main([*log, "--outcome", "reached"]) != 0
    assert "--referred-to needs --outcome referred" in capsys.readouterr().err
    assert main([*log, "--outcome", "referred"]) == 0
    with database.session() as session:
        entry = session.scalars(select(ContactLogEntry)).one()
    assert (entry.outcome, entry.referred_to) == ("referred", "shelter")


def test_period_months_cut_to_the_period() -> None:
    period = make_period("2026-10-20", "2026-12-05", TZ)
    months = period.months()
    assert [m.label for m in months] == ["2026-10", "2026-11", "2026-12"]
    assert months[0].start == period.start and months[-1].end == period.end
    assert months[1].start.isoformat() == "2026-10-31T23:00:00+00:00"  # local midnight (CET)
    assert months[0].end == months[1].start


def _table(name: str, columns: str, row: list[object]) -> Table:
    names = ["period", "kind", *columns.split()]
    return Table(
        name, "", "", [Column(n, "integer", "") for n in names], [["period", "escort", *row]]
    )


def _data(contacted: int | Hidden, share: float | Hidden | None) -> EffectsData:
    stages = " ".join(STAGES)
    funnel = _table("funnel", stages, [12, 10, contacted, 8, 7, 0, 5, Hidden(5), 0, 0])
    first = _table("first_contact", "targets median_days", [9, 2.5])
    language = _table("language", "reached in_their_language share", [8, 6, share])
    workload = _table("workload", "contacts worker_days contacts_per_worker_day", [1234, 400, 3.09])
    empty = Table("x", "", "", [])
    period = make_period(date(2026, 9, 1), date(2026, 11, 30), TZ)
    return EffectsData(
        period, ["escort"], 5, 1.5, funnel, first, language, workload, empty, empty, empty, empty
    )


def test_summary_in_danish_and_english_with_babel_numbers() -> None:
    data = _data(9, 0.75)
    en, da = " ".join(summary(data, "en")), " ".join(summary(data, "da"))
    assert "12 people were listed as contact targets" in en
    assert "1,234" not in en  # only the figures the summary names
    assert "7 were referred on" in en
    assert "0 went to health services, 5 to social services, fewer than 5 to legal aid" in en
    assert "Af henvisningerne gik 0 til sundhedstilbud, 5 til sociale tilbud, færre end 5" in da
    assert "The median time from a person's first advert to the first contact was 2.5 days" in en
    assert en.count("75%") == 1 and "3.1 contact attempts per worker-day" in en  # one decimal
    assert "Mediantiden fra en persons første annonce til første kontakt var 2,5 dage" in da
    assert "75\u00a0%" in da and "3,1 kontaktforsøg" in da and "7 blev henvist" in da
    assert "not verified identifications" in en and "ikke bekræftede identifikationer" in da


def test_summary_without_contacts_says_so() -> None:
    sentences = summary(_data(0, None), "en")
    assert "No contact was recorded in the period." in sentences
    assert not any("listed as contact targets" in s for s in sentences)
