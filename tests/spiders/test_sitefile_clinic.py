"""A site file with `kind: clinic` may extract the clinic fields; an escort site may not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.core.datafiles import DataFileError
from pipeline.core.kinds import CLINIC, ESCORT
from spiders.sitefile import SITES_DIR, load_site_file

VALID = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())
CLINIC_FIELDS = {
    "title": {"css": "h1"},
    "text": {"css": "div.text"},
    "address": {"css": "p.address"},
    "opening_hours": {"css": "p.hours"},
    "venue_name": {"css": "h2.venue"},
    "contact": {"css": "a::attr(href)", "type": "list"},
}
ROSTER = {
    "persons": {"css": "ul.roster li"},
    "name": {"css": "span.name"},
    "stated_age": {"css": "span.age", "type": "int"},
    "nationality": {"css": "span.nationality"},
    "images": {"css": "img::attr(src)", "type": "list"},
}


def _write(tmp_path: Path, kind: str, fields=None, roster=None) -> Path:
    data = {**VALID, "name": "clinic_site", "kind": kind}
    data["detail"] = {**VALID["detail"], "fields": fields or CLINIC_FIELDS}
    if roster is not None:
        data["detail"]["roster"] = roster
    path = tmp_path / "clinic_site.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_clinic_site_file_extracts_clinic_fields(tmp_path: Path) -> None:
    site = load_site_file(_write(tmp_path, "clinic", roster=ROSTER))
    assert site.kind == "clinic"
    assert set(site.detail.fields) <= set(CLINIC.fields)
    assert site.detail.roster is not None and site.detail.roster.name.css == "span.name"


def test_escort_site_file_may_not_read_a_roster(tmp_path: Path) -> None:
    fields = {k: v for k, v in CLINIC_FIELDS.items() if k in ESCORT.fields}
    with pytest.raises(DataFileError, match="no roster"):
        load_site_file(_write(tmp_path, "escort", fields, roster=ROSTER))


def test_a_roster_is_read_with_detail_roster_not_as_a_field(tmp_path: Path) -> None:
    fields = {**CLINIC_FIELDS, "roster": {"css": "ul.roster li", "type": "list"}}
    with pytest.raises(DataFileError, match=r"detail\.roster"):
        load_site_file(_write(tmp_path, "clinic", fields))


@pytest.mark.parametrize("persons", [{"css": "li::text"}, {"jsonld": "Person:name"}])
def test_roster_persons_are_elements(tmp_path: Path, persons) -> None:
    with pytest.raises(DataFileError, match=r"roster\.persons"):
        load_site_file(_write(tmp_path, "clinic", roster={**ROSTER, "persons": persons}))


def test_the_demo_clinic_site_files_load() -> None:
    for name in ("demo_clinics", "demo_massage"):
        site = load_site_file(SITES_DIR / f"{name}.yaml")
        assert site.kind == "clinic" and site.detail.roster is not None


def test_escort_site_file_may_not_extract_an_address(tmp_path: Path) -> None:
    assert "address" not in ESCORT.fields
    with pytest.raises(DataFileError, match="collect little"):
        load_site_file(_write(tmp_path, "escort"))
