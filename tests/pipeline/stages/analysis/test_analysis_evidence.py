"""Indicator evidence keeps no contact point in clear (audit H4, PRIVACY rule 6)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select

from models import IndicatorHit
from nlp.pipeline import analyse_texts
from nlp.rules import RULES_DIR
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

H4_TEXT = "Ring 28445566 piger venter. Call 28445577 girls waiting"
# The rule as the audit found it: any number before "girls" (a phone number too).
GREEDY_PATTERN = [{"LIKE_NUM": True}, {"LOWER": {"IN": ["girls", "piger"]}}]


def _store(database: Database, text: str) -> None:
    with database.session() as session:
        site = ensure_site(session, "hostile", "http://127.0.0.1:8999")
        item = AdvertItem(
            site="hostile",
            external_id="H4",
            url="http://127.0.0.1:8999/ad/H4",
            fetched_at=datetime(2026, 12, 2, tzinfo=UTC),
            title="Nye piger",
            text=text,
        )
        store_adverts(session, database.keyring, site.id, None, [item])


def _greedy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "voice.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    persons = next(rule for rule in data if rule["id"] == "several_persons")
    persons["patterns"] = {"en": [GREEDY_PATTERN], "da": [GREEDY_PATTERN]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return rules


def test_h4_evidence_of_a_rule_matching_a_number_is_masked(
    database: Database, tmp_path: Path
) -> None:
    _store(database, H4_TEXT)
    summary = analyse(database, rules_dir=_greedy_rules(tmp_path))
    assert summary.hits_by_rule["several_persons"] == 2
    with database.session() as session:
        texts = [h.evidence["text"] for h in session.scalars(select(IndicatorHit))]
    assert "[contact] piger" in texts and "[contact] girls" in texts
    assert not any(digit in text for text in texts for digit in "0123456789")


def test_h4_several_persons_rule_does_not_read_a_phone_number_as_a_count() -> None:
    result = next(iter(analyse_texts([f"\n\n{H4_TEXT}"])))
    assert [h.rule_id for h in result.hits if h.rule_id == "several_persons"] == []
    counted = next(iter(analyse_texts(["\n\nVi er 2 piger i Aarhus"])))
    assert [h.evidence_text for h in counted.hits if h.rule_id == "several_persons"] == ["2 piger"]
