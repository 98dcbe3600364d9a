"""The Digests page: newest first, shown in a sandboxed frame from a route with its own strict
CSP (the app's CSP untouched), written through the stage API by those the matrix allows."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.digest import digest_folder
from pipeline.web.security import CSP

from helpers import web_accounts


def _fake_digest(settings: Settings, label: str) -> Path:
    folder = digest_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{label}.html"
    path.write_text(f"<!DOCTYPE html><title>digest {label}</title><p>aggregates</p>")
    return path


@pytest.mark.parametrize("role", ["researcher", "analyst", "admin"])
def test_digests_listed_newest_first(
    role: str, client: TestClient, database: Database, settings: Settings
) -> None:
    for label in ("2026-W47", "2026-W49", "2025-W52"):
        _fake_digest(settings, label)
    (digest_folder(settings) / "digest-notes.html").write_text("not a week")
    web_accounts.signed_in(client, database, settings, role)
    html = client.get("/digests").text
    order = [html.index(f'href="/digests/{w}"') for w in ("2026-W49", "2026-W47", "2025-W52")]
    assert order == sorted(order)
    assert "digest-notes" not in html and "/digests/notes" not in html
    assert ("Skriv denne uges oversigt" in html) is (role != "analyst")  # "digest": researchers


def test_digests_view_frames_the_file_sandboxed(
    client: TestClient, database: Database, settings: Settings
) -> None:
    _fake_digest(settings, "2026-W49")
    web_accounts.signed_in(client, database, settings, "researcher")
    page = client.get("/digests/2026-W49")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP  # the app's page keeps its own
    assert '<iframe class="digest" sandbox src="/digests/2026-W49/file"' in page.text
    framed = client.get("/digests/2026-W49/file")
    assert framed.status_code == 200 and "<p>aggregates</p>" in framed.text
    policy = framed.headers["content-security-policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and framed.headers["x-frame-options"] == "SAMEORIGIN"
    assert framed.headers["cache-control"] == "no-store"
    assert framed.headers["content-disposition"].startswith("inline")
    download = client.get("/digests/2026-W49/file?download=true")
    assert download.headers["content-disposition"] == (
        'attachment; filename="digest-2026-W49.html"'
    )


@pytest.mark.parametrize("label", ["2026-W50", "..%2Fscout.db", "2026-W99", "x"])
def test_digests_unknown_or_crafted_weeks_are_not_found(
    label: str, client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "admin")
    assert client.get(f"/digests/{label}").status_code == 404
    assert client.get(f"/digests/{label}/file").status_code == 404


def test_digests_write_through_the_stage_api(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "researcher")
    response = web_accounts.post_form(client, "/digests/write", {}, page="/digests")
    assert response.status_code == 303
    label = response.headers["location"].split("written=")[1]
    assert (digest_folder(settings) / f"digest-{label}.html").is_file()
    listed = client.get(response.headers["location"]).text
    assert f'href="/digests/{label}"' in listed and 'role="status"' in listed


def test_digests_an_analyst_may_read_but_not_write(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "analyst")
    response = web_accounts.post_form(client, "/digests/write", {}, page="/digests")
    assert response.status_code == 403
    assert not digest_folder(settings).exists()
    with database.session() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).one()
    assert refused.actor == "u-analyst" and refused.params["key"] == "digest"
