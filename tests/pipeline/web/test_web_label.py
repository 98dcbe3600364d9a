"""The Label page: one cluster at a time, highest score first, contact-masked texts, a quick
label stored and audited, "next" moving on; analysts only."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditEntry, Cluster, ClusterLabel, IndicatorHit
from nlp.reasons import load_reasons
from pipeline.core.db import Database
from pipeline.core.settings import Settings

from helpers import outreach_world, web_accounts


def _by_score(database: Database) -> list[int]:
    with database.session() as session:
        query = select(Cluster.id).order_by(Cluster.score.desc(), Cluster.id)
        return list(session.scalars(query))


def test_label_shows_the_top_cluster_without_contact_values(
    outreach_db: Database,
    client: TestClient,
    settings: Settings,
    outreach_truth: dict[str, Any],
) -> None:
    top = _by_score(outreach_db)[0]
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    response = client.get("/label")
    assert response.status_code == 303 and response.headers["location"] == f"/label/{top}"
    page = client.get(f"/label/{top}")
    html = page.text
    assert page.headers["cache-control"] == "no-store"
    assert f"Mærk C{top}" in html and 'class="advert-text"' in html
    assert 'aria-keyshortcuts="c"' in html and '<script src="/static/label.js"' in html
    with outreach_db.session() as session:  # the fixture's rules, in plain Danish words
        rule_ids = {row.rule_id for row in session.scalars(select(IndicatorHit))}
    reasons = load_reasons()
    assert any(reasons[rule].da in html for rule in rule_ids & set(reasons))
    leaked = [value for value in outreach_world.contact_strings(outreach_truth) if value in html]
    assert leaked == []


def test_label_records_and_moves_to_the_next(
    outreach_db: Database, client: TestClient, settings: Settings
) -> None:
    first, second = _by_score(outreach_db)[:2]
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    response = web_accounts.post_form(
        client, f"/label/{first}", {"label": "concern", "note": "typical text"}, f"/label/{first}"
    )
    assert response.headers["location"] == f"/label?after={first}"
    assert client.get(response.headers["location"]).headers["location"] == f"/label/{second}"
    with outreach_db.session() as session:
        row = session.scalars(select(ClusterLabel)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "label")).one()
    assert (row.cluster_id, row.label, row.note, row.actor) == (
        first,
        "concern",
        "typical text",
        "u-analyst",
    )
    assert entry.params["target"] == f"C{first}" and "typical" not in str(entry.params)
    # labelled clusters are not offered again; "next" skips without labelling
    assert client.get("/label").headers["location"] == f"/label/{second}"
    skipped = client.get(f"/label?after={second}").headers["location"]
    assert skipped == f"/label/{_by_score(outreach_db)[2]}"


def test_label_rejects_a_made_up_label_or_cluster(
    outreach_db: Database, client: TestClient, settings: Settings
) -> None:
    top = _by_score(outreach_db)[0]
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    bad = web_accounts.post_form(client, f"/label/{top}", {"label": "guilty"}, f"/label/{top}")
    assert bad.status_code == 404
    assert client.get("/label/999999").status_code == 404
    with outreach_db.session() as session:
        assert session.scalars(select(ClusterLabel)).all() == []


def test_label_when_nothing_is_left(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "analyst")
    html = client.get("/label").text
    assert 'id="label-done"' in html


@pytest.mark.parametrize("role", ["outreach", "researcher", "admin"])
def test_label_is_for_analysts_only(
    role: str, outreach_db: Database, client: TestClient, settings: Settings
) -> None:
    top = _by_score(outreach_db)[0]
    web_accounts.signed_in(client, outreach_db, settings, role)
    assert client.get(f"/label/{top}").status_code == 403
    token = web_accounts.csrf(client.get("/").text)
    refused = client.post(f"/label/{top}", data={"csrf_token": token, "label": "spam"})
    assert refused.status_code == 403
    with outreach_db.session() as session:
        assert session.scalars(select(ClusterLabel)).all() == []
