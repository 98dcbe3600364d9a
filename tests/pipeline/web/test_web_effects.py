"""The Effects page: write a report for a period through the stage API, list it, show it in a
sandboxed frame with the digest's strict CSP, hand out its CSV files; outreach may not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.effects import effects_folder
from pipeline.web.security import CSP

from helpers import web_accounts


@pytest.mark.parametrize("role", ["researcher", "analyst", "admin"])
def test_effects_write_list_view_and_csv(
    role: str, client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, role)
    form = {"from": "2026-11-01", "to": "2026-11-30", "kind": "escort"}
    response = web_accounts.post_form(client, "/effects", form)
    assert response.status_code == 303, response.text
    label = response.headers["location"].split("written=")[1]
    assert label == "2026-11-01_2026-11-30-escort"
    assert (effects_folder(settings) / label / "effects.html").is_file()
    listed = client.get(response.headers["location"]).text
    assert f'href="/effects/{label}"' in listed and 'id="effects-written"' in listed
    page = client.get(f"/effects/{label}")
    assert page.headers["content-security-policy"] == CSP
    assert f'<iframe class="digest" sandbox src="/effects/{label}/file"' in page.text
    framed = client.get(f"/effects/{label}/file")
    policy = framed.headers["content-security-policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert "Scout effects report 2026-11-01 to 2026-11-30" in framed.text
    csv = client.get(f"/effects/{label}/funnel.csv")
    assert csv.status_code == 200 and csv.text.startswith("period,kind,listed,claimed,")
    assert csv.headers["content-disposition"].startswith("attachment")
    with database.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "effects-report"))
        assert entry.one().actor == f"u-{role}"


def test_effects_midway_and_refusals(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "researcher")
    form = {"from": "2026-10-01", "to": "2026-11-30", "midway": "true"}
    response = web_accounts.post_form(client, "/effects", form)
    assert response.headers["location"].endswith("written=2026-10-01_2026-11-30-midway")
    framed = client.get("/effects/2026-10-01_2026-11-30-midway/file").text
    assert "midway status of the outreach line started 2026-10-01" in framed
    backwards = web_accounts.post_form(
        client, "/effects", {"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert backwards.status_code == 400 and 'id="effects-failed"' in backwards.text
    # the CLI's refusal, said in Danish (a ScoutError code), not in the CLI's English
    assert "Perioden slutter (2026-11-01), før den begynder (2026-11-30)" in backwards.text
    assert "before it starts" not in backwards.text
    not_a_day = web_accounts.post_form(client, "/effects", {"from": "2026-02-30", "to": "x"})
    assert (
        not_a_day.status_code == 400 and "2026-02-30 er ikke en dato i kalenderen" in not_a_day.text
    )
    bad_kind = web_accounts.post_form(
        client, "/effects", {"from": "2026-11-01", "to": "2026-11-30", "kind": "spa"}
    )
    assert bad_kind.status_code == 400 and "Vælg en type fra listen." in bad_kind.text


@pytest.mark.parametrize(
    "path", ["/effects/x", "/effects/..%2Fscout.db/file", "/effects/2026-11-01_2026-11-30/file"]
)
def test_effects_unknown_or_crafted_names_are_not_found(
    path: str, client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "admin")
    assert client.get(path).status_code == 404


def test_effects_outreach_is_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "outreach")
    assert client.get("/effects").status_code == 403
    form = {"from": "2026-11-01", "to": "2026-11-30"}
    assert web_accounts.post_form(client, "/effects", form, page="/").status_code == 403
    assert not effects_folder(settings).exists()
