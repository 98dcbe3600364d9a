"""Incremental linking on a database (both engines): reads and signs only new texts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from models import AdvertVersion, ClusterMember, ImageHash, LinkSignature, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.linking.config import LINKING_FILE
from pipeline.stages.linking.run import link_database

from helpers.linking_world import load_world


def _state(database: Database) -> tuple[set[frozenset[int]], dict[int, float]]:
    """Cluster partition and every advert's score."""
    with database.session() as session:
        groups: dict[int, set[int]] = {}
        for cluster_id, advert_id in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.advert_id)
        ):
            groups.setdefault(cluster_id, set()).add(advert_id)
        scores = {
            subject: score
            for subject, score in session.execute(
                select(Score.subject_id, Score.score).where(Score.subject_kind == "advert")
            )
        }
    return {frozenset(g) for g in groups.values()}, scores


@pytest.mark.slow
def test_linking_incremental_signs_only_new_texts_and_matches_full(
    database: Database, settings: Settings, demo_truth: dict[str, Any]
) -> None:
    clock.set_now(datetime(2026, 11, 10, 13, tzinfo=UTC))
    load_world(database, demo_truth, up_to_day=8)
    first = link_database(database, settings)
    assert first.signed == first.adverts  # nothing stored yet: every text is signed once
    with database.session() as session:
        before = session.scalar(select(func.max(AdvertVersion.id)))
        assert session.scalar(select(func.count()).select_from(LinkSignature)) == first.adverts
    load_world(database, demo_truth, up_to_day=9)
    with database.session() as session:
        new_or_changed = set(
            session.scalars(select(AdvertVersion.advert_id).where(AdvertVersion.id > before))
        )
    clock.set_now(datetime(2026, 11, 11, 13, tzinfo=UTC))
    incremental = link_database(database, settings)
    assert 0 < len(new_or_changed) < incremental.adverts // 5
    # Only the new and edited adverts' texts are read and signed; neighbours are searched
    # again with their stored signatures.
    assert incremental.signed == len(new_or_changed)
    assert incremental.signed <= incremental.searched < incremental.adverts
    # The linker held the searched adverts' neighbourhood (in this small world, most of it:
    # a day's new adverts touch most clusters; test_linking_dirty.py and
    # test_linking_neighbourhood.py show small neighbourhoods).
    assert incremental.searched <= incremental.indexed < incremental.adverts
    quiet = link_database(database, settings)
    assert quiet.signed == quiet.searched == quiet.indexed == 0 and not quiet.full
    state = _state(database)
    full = link_database(database, settings, full=True)
    assert full.signed == full.indexed == full.adverts
    assert _state(database) == state
    with database.session() as session:  # the stored pHashes are image_hashes' copies
        stored = {
            advert_id: sorted(np.frombuffer(packed, dtype="<u8").tolist())
            for advert_id, packed in session.execute(
                select(LinkSignature.advert_id, LinkSignature.phashes)
            )
        }
        copied: dict[int, list[int]] = {a: [] for a in stored}
        for advert_id, phash in session.execute(select(ImageHash.advert_id, ImageHash.phash)):
            copied[advert_id].append(int(phash, 16))
    assert any(stored.values()) and stored == {a: sorted(v) for a, v in copied.items()}


@pytest.mark.slow
def test_linking_changed_linking_file_forces_a_full_run(
    database: Database, settings: Settings, demo_truth: dict[str, Any], tmp_path: Path
) -> None:
    clock.set_now(datetime(2026, 11, 8, 13, tzinfo=UTC))
    load_world(database, demo_truth, up_to_day=5)
    link_database(database, settings)
    state = _state(database)
    edited = tmp_path / "linking.yaml"
    # Other LSH settings make other signatures: stored ones must not be reused.
    edited.write_text(
        LINKING_FILE.read_text()
        .replace("bands: 8 ", "bands: 16")
        .replace("num_perm: 64", "num_perm: 128")
    )
    changed = link_database(database, settings, linking_file=edited)
    assert changed.full and changed.signed == changed.adverts
    with database.session() as session:
        sizes = set(session.scalars(select(func.length(LinkSignature.signature))))
    assert sizes <= {0, 128 * 4}
    back = link_database(database, settings)
    assert back.full and back.signed == back.adverts
    assert _state(database)[0] == state[0]
