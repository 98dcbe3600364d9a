"""Labels for rule evaluation, per advert: a JSONL file, the demo world, the contact log, or
the labels analysts stored on the Label page.

JSONL format (one object a line; `#` lines and blank lines skipped), each naming adverts by
one of: {"target": "C12"} (every advert of the cluster), {"advert": "A34"} (Scout's id) or
{"site": "demo_classic", "external_id": "104210"}; plus "label": true/false (or 1/0).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, Site
from pipeline.core.errors import ScoutError
from pipeline.reports.rules_eval.outcomes import (
    OUTCOME_LABEL,
    Labels,
    cluster_adverts,
    labels_from_contact_log,
)

__all__ = [
    "OUTCOME_LABEL",
    "Labels",
    "choose_labels",
    "labels_from_contact_log",
    "labels_from_demo",
    "labels_from_jsonl",
]

DEMO_SITE_NAMES = {"classic": "demo_classic", "spa": "demo_spa"}


def _advert_ids(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(Site.name, Advert.external_id, Advert.id).join(Site, Site.id == Advert.site_id)
    )
    return {(site, external): advert_id for site, external, advert_id in rows}


def _resolve(
    session: Session, entry: dict[str, Any], ids: dict[tuple[str, str], int], where: str
) -> list[int]:
    if "target" in entry:
        return cluster_adverts(session, int(str(entry["target"]).upper().removeprefix("C")))
    if "advert" in entry:
        return [int(str(entry["advert"]).upper().removeprefix("A"))]
    if "site" in entry and "external_id" in entry:
        found = ids.get((str(entry["site"]), str(entry["external_id"])))
        return [found] if found is not None else []
    raise ScoutError(
        f"{where}: needs 'target', 'advert' or 'site' + 'external_id'",
        code="labels-what",
        where=where,
    )


def labels_from_jsonl(session: Session, path: Path) -> Labels:
    labels: Labels = {}
    ids = _advert_ids(session)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScoutError(
                f"{where}: not JSON: {exc.msg}", code="labels-json", where=where
            ) from exc
        if not isinstance(entry, dict) or "label" not in entry:
            raise ScoutError(
                f"{where}: expected an object with a 'label'", code="labels-label", where=where
            )
        for advert_id in _resolve(session, entry, ids, where):
            labels[advert_id] = bool(entry["label"])
    return labels


def labels_from_demo(session: Session, seed: int) -> Labels:
    """The demo world's ground truth: an advert placed by a controller is positive."""
    from demo.world import build_world

    ids = _advert_ids(session)
    labels: Labels = {}
    for advert in build_world(seed=seed, days=14).ground_truth()["adverts"]:
        found = ids.get(
            (DEMO_SITE_NAMES.get(advert["site"], advert["site"]), str(advert["external_id"]))
        )
        if found is not None:
            labels[found] = advert["controller_id"] is not None
    return labels


def choose_labels(
    session: Session,
    *,
    path: Path | None = None,
    demo_seed: int | None = None,
    contact_log: bool = False,
    stored: bool = False,
) -> Labels:
    """Labels from exactly one source, as `scout rules eval` and the Rules page pick them."""
    from pipeline.reports.rules_eval.labelling import labels_from_stored

    if sum((path is not None, demo_seed is not None, contact_log, stored)) != 1:
        raise ScoutError("give exactly one label source")
    if path is not None:
        labels = labels_from_jsonl(session, path)
    elif demo_seed is not None:
        labels = labels_from_demo(session, demo_seed)
    elif contact_log:
        labels = labels_from_contact_log(session)
    else:
        labels = labels_from_stored(session)
    if not labels:
        raise ScoutError("no labelled advert found in the database", code="labels-none")
    return labels
