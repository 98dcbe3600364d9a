"""Issue 16: the analysis stage reads each kind of advert with its own fields and rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from models import Advert, AdvertVersion, IndicatorHit
from nlp.kinds import rules_dir_of
from nlp.rules import load_rules
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

WHEN = datetime(2026, 11, 2, 12, tzinfo=UTC)
JOB_TEXT = (
    "Praca w szklarni koło Odense, bez znajomości języka. 25 zł/h netto. "
    "Zakwaterowanie u pracodawcy, potrącane z wypłaty. Paszport do depozytu."
)
ESCORT_TEXT = "Ny i byen, ung pige, ring nu"


def store(database: Database, site: str, kind: str, text: str) -> None:
    with database.session() as session:
        site_id = ensure_site(session, site, "http://127.0.0.1").id
        item = AdvertItem(
            site=site,
            external_id="1",
            url="http://127.0.0.1/1",
            fetched_at=WHEN,
            kind=kind,
            title="Annonce",
            text=text,
        )
        store_adverts(session, database.keyring, site_id, None, [item])


def test_each_kind_is_analysed_with_its_own_rules(database: Database) -> None:
    store(database, "demo_jobs", "job", JOB_TEXT)
    store(database, "demo_classic", "escort", ESCORT_TEXT + " " + JOB_TEXT)
    summary = analyse(database)
    job_version = load_rules(rules_dir_of("job")).version
    assert summary.by_kind == {"escort": 1, "job": 1}
    assert summary.kind_rulesets == {"job": job_version}
    with database.session() as session:
        kinds = dict(session.execute(select(Advert.id, Advert.kind)).all())
        hits: dict[str, set[str]] = {"job": set(), "escort": set()}
        for advert_id, rule_id, version in session.execute(
            select(IndicatorHit.advert_id, IndicatorHit.rule_id, IndicatorHit.ruleset_version)
        ):
            hits[kinds[advert_id]].add(rule_id)
            assert (version == job_version) == (kinds[advert_id] == "job")
        records = {
            kinds[advert_id]: (analysis, ruleset)
            for advert_id, analysis, ruleset in session.execute(
                select(
                    AdvertVersion.advert_id, AdvertVersion.analysis, AdvertVersion.analysed_ruleset
                )
            )
        }
    assert {"documents_kept", "wage_deductions", "no_language_needed"} <= hits["job"]
    assert "youthful_language" not in hits["job"]
    assert "youthful_language" in hits["escort"] and "documents_kept" not in hits["escort"]
    job_record, job_ruleset = records["job"]
    assert job_ruleset == job_version
    assert job_record["job"]["industry"] == "agriculture"
    assert job_record["job"]["wages"][0] == {
        "amount": 25.0, "currency": "PLN", "unit": "hour", "net": True
    }  # fmt: skip
    assert "job" not in records["escort"][0]
    # nothing pending: a second run analyses nothing of either kind
    assert analyse(database).versions == 0


def test_a_clinic_version_keeps_the_names_read_sealed_beside_their_keys(
    database: Database,
) -> None:
    """Issue 15: a clinic roster built from the names read is re-keyed by key rotation, so a
    clinic version keeps those names (sealed, filed by their keys); other kinds keep none."""
    text = "Jeg hedder Anna, ny massør i byen. Ring nu"
    store(database, "demo_massage", "clinic", text)
    store(database, "demo_classic", "escort", text)
    analyse(database)
    with database.session() as session:
        kept = {
            kind: (analysis["name_keys"], names)
            for kind, analysis, names in session.execute(
                select(Advert.kind, AdvertVersion.analysis, AdvertVersion.names).join(
                    Advert, Advert.id == AdvertVersion.advert_id
                )
            ).all()
        }
    keys, names = kept["clinic"]
    assert json.loads(names) == {database.keyring.pseudonym("name", "anna")[:16]: "Anna"}
    assert list(json.loads(names)) == keys
    assert kept["escort"] == (keys, None)
