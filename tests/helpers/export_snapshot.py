"""Test helper: an escort export of the demo world with its keyed pseudonyms replaced by
advert external ids (and a cluster by its first member's), so that it compares across
databases and keys. The golden file was written from main's code before the export had
kinds (issue 16): `python -m helpers.export_snapshot` (from tests/, on SQLite) rewrites it.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from models import Advert, ClusterMember
from pipeline.core.db import Database
from pipeline.reports.export.rows import Pseudonymiser

GOLDEN = Path(__file__).parent / "export_escort_golden.json"
FILES = ("adverts.csv", "clusters.csv", "indicator_hits.csv", "suppression_report.csv")


def labels(database: Database, recipient: str) -> dict[str, str]:
    """Each pseudonym the export can hold → a name that does not depend on the key."""
    pseudonym = Pseudonymiser(database.keyring, recipient)
    found: dict[str, str] = {}
    with database.session() as session:
        for advert_id, external in session.execute(select(Advert.id, Advert.external_id)):
            found[pseudonym("advert", advert_id)] = f"advert:{external}"
        members = session.execute(
            select(ClusterMember.cluster_id, Advert.external_id)
            .join(Advert, Advert.id == ClusterMember.advert_id)
            .order_by(ClusterMember.cluster_id, Advert.external_id)
        )
        for cluster_id, external in members:
            found.setdefault(pseudonym("cluster", cluster_id), f"cluster:{external}")
    return found


def snapshot(database: Database, folder: Path, recipient: str) -> dict[str, list[str]]:
    """Every line of every table (hits sorted: they are ordered by pseudonym) and the
    datapackage, with pseudonyms replaced."""
    names = labels(database, recipient)
    found: dict[str, list[str]] = {}
    for name in FILES:
        lines = []
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            cells = line.split(",")
            lines.append(",".join(names.get(cell, cell) for cell in cells))
        found[name] = [lines[0], *sorted(lines[1:])] if name == "indicator_hits.csv" else lines
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    package.pop("created", None)
    package.pop("description", None)  # holds the expiry date, which moves with today
    found["datapackage.json"] = json.dumps(package, indent=1, sort_keys=True).splitlines()
    return found
