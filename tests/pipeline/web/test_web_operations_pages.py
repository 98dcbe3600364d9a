"""The Sites, Audit and Exports pages: crawl health per site, the audit log filtered and paged
with params escaped, and exports made with the same checks as `scout export`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, CrawlRun, ExportRecord
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from spiders.storage.crawlruns import ensure_site

from helpers import web_accounts
from helpers.jobs_world import seed_job_market


def _runs(database: Database) -> None:
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    statuses = ["complete"] * 5 + ["degraded", "blocked"]
    with database.session() as session:
        site = ensure_site(session, "demo_classic", "http://127.0.0.1")
        ensure_site(session, "demo_never", "http://127.0.0.1")
        for day, status in enumerate(statuses):
            warnings = {"degraded": ["only 3 adverts where the last complete crawl found 90"]}
            session.add(
                CrawlRun(
                    site_id=site.id,
                    started_at=start + timedelta(days=day),
                    status=status,
                    pages=100 + day,
                    adverts_seen=90 - day,
                    error_count=day,
                    health={"warnings": warnings.get(status, [])},
                )
            )


def test_sites_show_the_last_runs_with_status_and_warnings(
    client: TestClient, database: Database, settings: Settings
) -> None:
    _runs(database)
    web_accounts.signed_in(client, database, settings, "analyst")
    html = client.get("/sites").text
    classic = html[html.index('id="site-demo_classic"') : html.index('id="site-demo_never"')]
    assert classic.count("<tr>") == 1 + 5  # header and the five newest runs
    assert classic.index("blokeret") < classic.index("forringet")  # newest first
    assert "only 3 adverts where the last complete crawl found 90" in classic
    assert "<td>106</td>" in classic and "<td>102</td>" in classic  # pages of the newest runs
    assert "<td>101</td>" not in classic  # the two oldest are not shown
    assert "Ikke indsamlet endnu." in html[html.index('id="site-demo_never"') :]


def _entries(database: Database) -> None:
    base = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with database.session() as session:
        for number in range(120):
            session.add(
                AuditEntry(
                    at=base + timedelta(hours=number),
                    actor="kim" if number % 2 else "ali",
                    role="outreach" if number % 2 else "analyst",
                    action="reveal" if number % 3 == 0 else "targets",
                    params={"n": number, "note": "<script>alert(1)</script>"},
                )
            )


def test_audit_filters_pages_and_escapes(
    client: TestClient, database: Database, settings: Settings
) -> None:
    _entries(database)
    web_accounts.signed_in(client, database, settings, "admin")
    everything = client.get("/audit").text
    assert "<script>alert" not in everything and "&lt;script&gt;alert(1)" in everything
    assert everything.count('<code class="params">') == 50  # one page
    kim = client.get("/audit?actor=kim&action=reveal").text
    assert "20 poster" in kim  # odd multiples of 3 below 120
    # 1 Dec in Copenhagen: 30 Nov 23:00 to 1 Dec 23:00 UTC, i.e. entries 11 to 34
    day = client.get("/audit?from=2026-12-01&to=2026-12-01&actor=ali").text
    assert "12 poster" in day
    last = client.get("/audit?page=3&action=targets").text
    assert "side 2 af 2" in last and "80 poster" in last  # past the end: the last page
    second = client.get("/audit?action=targets&page=2").text
    assert second.count('<code class="params">') == 30
    assert 'href="/audit?actor=&amp;action=targets&amp;from=&amp;to=&amp;page=1"' in second
    assert "Ældre" not in second  # the last page
    assert "blev ikke forstået" in client.get("/audit?from=yesterday").text


def test_audit_is_for_admins(client: TestClient, database: Database, settings: Settings) -> None:
    web_accounts.signed_in(client, database, settings, "analyst")
    assert client.get("/audit?actor=kim").status_code == 403


# Within export_max_expiry_days (two years) of the real date and of the simulated clock.
EXPORT = {"recipient": "Uni A", "basis": "Research agreement 12", "expires": "2027-12-31"}


@pytest.fixture
def small_k_app(
    outreach_db: Database, settings: Settings, now: datetime, monkeypatch: pytest.MonkeyPatch
):
    """The small world anonymises only with a small k (the rules are the CLI's all the same).
    Its few clusters cannot meet the export's hard floors (k >= 5 persons, l >= 2), so they
    are lifted here as in test_stages.py; test_export_run.py checks the floors."""
    from pipeline.reports import export
    from pipeline.web.main import create_app

    monkeypatch.setattr(export, "require_floors", lambda k, l_div: None)
    return create_app(settings.model_copy(update={"export_k": 2, "export_l": 1}), outreach_db)


def test_exports_made_with_the_cli_rules(
    small_k_app, outreach_db: Database, settings: Settings
) -> None:
    with web_accounts.client_for(small_k_app) as client:
        web_accounts.signed_in(client, outreach_db, settings, "admin")
        made = web_accounts.post_form(
            client, "/exports", {**EXPORT, "name": "uni-a", "format": "csv"}, "/exports"
        )
        assert made.status_code == 303 and made.headers["location"] == "/exports?made=uni-a"
        folder = settings.data_dir / "exports" / "uni-a"
        assert (folder / "adverts.csv").is_file() and (folder / "README.md").is_file()
        html = client.get("/exports?made=uni-a").text
        assert "Uni A" in html and str(folder) in html and 'id="export-made"' in html
        again = web_accounts.post_form(client, "/exports", {**EXPORT, "name": "uni-a"}, "/exports")
        assert again.status_code == 400 and "Eksportmappen er ikke tom" in again.text
    with outreach_db.session() as session:
        record = session.scalars(select(ExportRecord)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert record.actor == "u-admin" and record.recipient == "Uni A"
    assert entry.actor == "u-admin" and entry.params["path"] == str(folder.resolve())


def test_exports_of_job_adverts_as_scout_export_kind_job(
    client: TestClient, database: Database, settings: Settings
) -> None:
    seed_job_market(database)  # alike enough for the default k and l
    web_accounts.signed_in(client, database, settings, "admin")
    assert '<option value="job">Jobannoncer</option>' in client.get("/exports").text
    made = web_accounts.post_form(
        client, "/exports", {**EXPORT, "name": "jobs-a", "kind": "job"}, "/exports"
    )
    assert made.status_code == 303, made.text
    folder = settings.data_dir / "exports" / "jobs-a"
    assert (folder / "job_adverts.csv").is_file() and not (folder / "adverts.csv").exists()
    with database.session() as session:
        record = session.scalars(select(ExportRecord)).one()
    assert record.counts["job_adverts"] == 180  # as `scout export --kind job` writes


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({**EXPORT, "name": "../escape"}, "Mappenavnet må kun"),
        ({**EXPORT, "name": "/tmp/x"}, "Mappenavnet må kun"),
        ({**EXPORT, "expires": "soon", "name": "x"}, "Angiv udløbsdatoen"),
        # the CLI's refusals, said in Danish (ScoutError codes and the web's catalogue)
        ({**EXPORT, "expires": "2020-01-01", "name": "x"}, "Udløbsdatoen 2020-01-01 ligger ikke"),
        ({**EXPORT, "expires": "2099-01-01", "name": "x"}, "mere end 730 dage ude i fremtiden"),
        ({**EXPORT, "basis": " ", "name": "x"}, "kræver en navngiven modtager og et retsgrundlag"),
        ({**EXPORT, "name": "x", "format": "xlsx"}, "Ukendt eksportformat: brug et af csv"),
        ({**EXPORT, "name": "x", "kind": "spa"}, "Ukendt annoncetype til en eksport"),
    ],
)
def test_exports_refused_like_the_cli(
    form: dict[str, str],
    message: str,
    client: TestClient,
    database: Database,
    settings: Settings,
) -> None:
    web_accounts.signed_in(client, database, settings, "admin")
    response = web_accounts.post_form(client, "/exports", form, "/exports")
    assert response.status_code == 400 and message in response.text
    assert not (settings.data_dir / "exports").exists()
    assert not (settings.data_dir.parent / "escape").exists()


@pytest.mark.parametrize("role", ["researcher", "analyst"])
def test_exports_page_is_for_admins(
    role: str, client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, role)
    token = web_accounts.csrf(client.get("/").text)
    response = client.post("/exports", data={"csrf_token": token, **EXPORT, "name": "x"})
    assert response.status_code == 403
    assert not (settings.data_dir / "exports").exists()
