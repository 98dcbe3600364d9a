"""The Rules page: `rules check`, `rules eval` and `rules diff` as tables, the same results as
`scout rules … --json`; label files and candidate folders only by name from the lists."""

from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Cluster
from nlp.rules import RULES_DIR
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.rules_eval import labelling
from pipeline.reports.rules_eval.folders import candidates_dir, labels_dir

from helpers import operators, web_accounts


def _top_clusters(database: Database) -> list[int]:
    with database.session() as session:
        return list(session.scalars(select(Cluster.id).order_by(Cluster.score.desc()).limit(2)))


def test_rules_check_table(client: TestClient, database: Database, settings: Settings) -> None:
    web_accounts.signed_in(client, database, settings, "analyst")
    html = client.get("/rules").text
    assert 'id="rules-check"' in html and "indicator rules" in html and "target threshold" in html
    assert 'id="no-candidates"' in html


def test_rules_eval_stored_labels_match_the_cli(
    outreach_db: Database,
    client: TestClient,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = _top_clusters(outreach_db)
    with outreach_db.session() as session:
        labelling.record_label(session, settings, first, "concern")
        labelling.record_label(session, settings, second, "spam")
    operators.set_operator(monkeypatch, default_role="analyst")
    assert main(["rules", "eval", "--stored-labels", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    html = client.get("/rules/eval?source=stored").text
    assert 'id="rules-eval"' in html
    count = f"mod {cli['labelled_adverts']} mærkede annoncer ({cli['positive_adverts']} positive)"
    assert count in html
    target = cli["target_list"]
    cells = f"<td>{target['tp']}</td><td>{target['fp']}</td><td>{target['fn']}</td>"
    assert cells in html
    for rule in cli["indicators"]:
        assert f"<td>{rule}</td>" in html


def test_rules_eval_label_files_only_from_the_list(
    outreach_db: Database, client: TestClient, settings: Settings
) -> None:
    first = _top_clusters(outreach_db)[0]
    labels_dir(settings).mkdir(parents=True)
    (labels_dir(settings) / "week49.jsonl").write_text(f'{{"target": "C{first}", "label": 1}}\n')
    outside = settings.data_dir / "secret.jsonl"
    outside.write_text(f'{{"target": "C{first}", "label": 1}}\n')
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    page = client.get("/rules").text
    assert 'value="file:week49.jsonl"' in page
    assert 'id="rules-eval"' in client.get("/rules/eval?source=file:week49.jsonl").text
    for crafted in ("file:../secret.jsonl", f"file:{outside}", "file:", "everything"):
        html = client.get("/rules/eval", params={"source": crafted}).text
        assert 'id="rules-eval"' not in html and "Vælg en kilde til mærker" in html, crafted


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("not json at all", "week50.jsonl:1: linjen er ikke JSON."),
        ('{"target": "C1"}', "week50.jsonl:1: linjen mangler et 'label'."),
        ('{"label": 1}', "week50.jsonl:1: en linje skal have 'target', 'advert' eller"),
    ],
)
def test_rules_eval_a_broken_label_file_is_said_in_danish(
    outreach_db: Database, client: TestClient, settings: Settings, line: str, said: str
) -> None:
    labels_dir(settings).mkdir(parents=True)
    (labels_dir(settings) / "week50.jsonl").write_text(line + "\n")
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    html = client.get("/rules/eval?source=file:week50.jsonl").text
    assert 'id="rules-failed"' in html and said in html  # the catalogue's text as it is
    assert 'lang="en"' not in html.split('id="rules-failed"')[1].split("</p>")[0]


def test_rules_eval_without_labels_says_so(
    outreach_db: Database, client: TestClient, settings: Settings
) -> None:
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    html = client.get("/rules/eval?source=contact-log").text
    assert 'id="rules-failed"' in html and "Der er ingen mærkede annoncer i databasen" in html


def test_rules_diff_against_a_candidate_folder(
    outreach_db: Database,
    client: TestClient,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    candidate = candidates_dir(settings) / "cheaper-threshold"
    shutil.copytree(RULES_DIR, candidate)
    linking = next((candidate / "linking").glob("*.yaml"))
    text = linking.read_text(encoding="utf-8")
    assert "target_threshold:" in text
    lines = [
        "target_threshold: 0.1" if line.strip().startswith("target_threshold:") else line
        for line in text.splitlines()
    ]
    linking.write_text("\n".join(lines) + "\n", encoding="utf-8")
    operators.set_operator(monkeypatch, default_role="analyst")
    assert main(["rules", "diff", str(RULES_DIR), str(candidate), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["entering"], "the lower threshold should bring targets onto the list"
    web_accounts.signed_in(client, outreach_db, settings, "analyst")
    assert '<option value="cheaper-threshold"' in client.get("/rules").text
    html = client.get("/rules/diff?candidate=cheaper-threshold").text
    assert 'id="rules-diff"' in html
    for change in cli["entering"]:
        assert f"<td>+</td><td>{change['target']}</td>" in html
    crafted = client.get("/rules/diff", params={"candidate": "../../nlp"}).text
    assert 'id="rules-diff"' not in crafted and "Vælg en kilde til mærker" in crafted


def test_rules_page_is_for_analysts_and_admins(
    client: TestClient, database: Database, settings: Settings
) -> None:
    web_accounts.signed_in(client, database, settings, "researcher")
    assert client.get("/rules/eval?source=stored").status_code == 403
    assert client.get("/rules/diff?candidate=x").status_code == 403
