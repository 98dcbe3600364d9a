"""PRIVACY rules that are about what Scout is made of, checked against the code itself."""

from __future__ import annotations

import importlib.metadata
import re

from sqlalchemy import LargeBinary

from models import metadata
from models.types import Sealed

FACE_LIBRARIES = {
    "face-recognition",
    "face_recognition",
    "dlib",
    "deepface",
    "insightface",
    "facenet-pytorch",
    "mtcnn",
    "retina-face",
    "retinaface",
    "mediapipe",
}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()


def test_privacy_no_face_recognition_among_dependencies() -> None:
    """Rule 2: no face detection or recognition library, declared or installed."""
    declared = {_name(r) for r in importlib.metadata.requires("scout") or []}
    installed = {(d.metadata["Name"] or "").lower() for d in importlib.metadata.distributions()}
    assert not declared & FACE_LIBRARIES
    assert not installed & FACE_LIBRARIES


# Binary columns that are neither sealed text nor images, each reviewed: a new one must be
# added here on purpose.
REVIEWED_BINARY = {
    "link_signatures.signature": "MinHash signature of masked advert text (linking)",
    "link_signatures.phashes": "copies of the advert's 64-bit pHashes, 8 bytes each (linking)",
}


def test_privacy_no_column_can_hold_image_bytes() -> None:
    """Rule 2: images are never stored — binary columns are sealed text or reviewed."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if isinstance(column.type, LargeBinary | Sealed) and name not in REVIEWED_BINARY:
                assert isinstance(column.type, Sealed), name
    phash = metadata.tables["image_hashes"].columns["phash"]
    assert phash.type.length == 16  # a 64-bit perceptual hash, nothing more


def test_privacy_contact_values_and_advert_text_are_sealed() -> None:
    """Rule 6: contact values and advert title/text are encrypted at rest."""
    sealed = {
        f"{t.name}.{c.name}"
        for t in metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, Sealed)
    }
    assert {
        "contact_points.value",
        "adverts.title",
        "adverts.text",
        "advert_versions.title",
        "advert_versions.text",
        "contact_log.note",
    } <= sealed
