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
    "roster": {"css": "ul.roster li", "type": "list"},
    "contact": {"css": "a::attr(href)", "type": "list"},
}


def _write(tmp_path: Path, kind: str) -> Path:
    data = {**VALID, "name": "clinic_site", "kind": kind}
    data["detail"] = {**VALID["detail"], "fields": CLINIC_FIELDS}
    path = tmp_path / "clinic_site.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_clinic_site_file_extracts_clinic_fields(tmp_path: Path) -> None:
    site = load_site_file(_write(tmp_path, "clinic"))
    assert site.kind == "clinic"
    assert set(site.detail.fields) <= set(CLINIC.fields)


def test_escort_site_file_may_not_extract_an_address(tmp_path: Path) -> None:
    assert "address" not in ESCORT.fields
    with pytest.raises(DataFileError, match="collect little"):
        load_site_file(_write(tmp_path, "escort"))
