"""Audit 2026-12-02, site-file cases: each bad site file the audit wrote is refused at load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.core.datafiles import DataFileError
from pipeline.core.saferegex import UnsafeRegex, check_regex
from spiders.extract import MAX_REGEX_INPUT, raw_values
from spiders.sitefile import SITES_DIR, FieldSpec, load_site, load_site_file

VALID = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())
API_MODE = {
    "start_urls": ["/api/ads"],
    "items": "ads",
    "item_id": "id",
    "detail_url": "/api/ad/{id}",
}


def _field(spec: dict) -> dict:
    return {**VALID, "detail": {**VALID["detail"], "fields": {"text": spec}}}


def _api(**change: str) -> dict:
    data = {**VALID, "api": {**API_MODE, **change}}
    data.pop("listing")
    return data


# (case id, site file, fragment of the one-line error)
REFUSED = [
    ("B5a", _field({"css": "p", "regex": "(a|aa)*c"}), "alternatives of different lengths"),
    ("B5b", _field({"css": "p", "regex": ".*a.*a.*a.*a.*a.*a.*c"}), "unbounded repeats"),
    (
        "B5c",
        {**VALID, "detail": {**VALID["detail"], "external_id_from_url": "/ad/(a|aa)*c"}},
        "field detail.external_id_from_url: regex '/ad/(a|aa)*c'",
    ),
    ("B9", {**VALID, "base_url": "http://127.0.0.1:18931@localhost:18931"}, "user part"),
    ("B9b", {**VALID, "base_url": "http://user:pw@127.0.0.1:18931"}, "user part"),
    ("B10a", {**VALID, "allowed_domains": [""]}, "field allowed_domains: '' is not a host name"),
    ("B10b", {**VALID, "allowed_domains": ["."]}, "'.' is not a host name"),
    ("B10c", {**VALID, "allowed_domains": ["*"]}, "'*' is not a host name"),
    ("B10d", {**VALID, "allowed_domains": ["com"]}, "'com' is not a host name"),
    (
        "B15a",
        {**VALID, "listing": {**VALID["listing"], "start_urls": ["file:///etc/passwd", "/"]}},
        "field listing.start_urls: 'file:///etc/passwd' is neither a path nor an http(s) URL",
    ),
    (
        "B15b",
        {**VALID, "listing": {**VALID["listing"], "start_urls": ["data:text/html,<a>"]}},
        "is neither a path nor an http(s) URL",
    ),
    ("B15c", _api(start_urls=["ftp://127.0.0.1/x"]), "is neither a path nor an http(s) URL"),
    ("B16a", _api(detail_url="/api/ad/{0}"), "field api.detail_url: '/api/ad/{0}' must contain"),
    ("B16b", _api(detail_url="/api/ad/"), "must contain {id}"),
    ("B16c", _api(detail_url="/api/ad/{id"), "field api.detail_url"),
    ("B16d", _api(page_url="/ad/{id}/{name}"), "field api.page_url"),
    ("B21a", _field({"xpath": "//h1["}), "field detail.fields.text.xpath: xpath '//h1[' is not"),
    ("B21b", _field({"css": "h1[[x"}), "field detail.fields.text.css: css 'h1[[x' is not"),
]


@pytest.mark.parametrize(
    ("data", "fragment"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_audit_site_file_refused(tmp_path: Path, data: dict, fragment: str) -> None:
    path = tmp_path / "demo_classic.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert fragment in message, message


ACCEPTED = [
    ("B9-plain", {**VALID, "base_url": "http://127.0.0.1:18931"}),
    ("B10-hosts", {**VALID, "allowed_domains": ["127.0.0.1", "localhost", "ads.example.org"]}),
    ("B15-url", {**VALID, "listing": {**VALID["listing"], "start_urls": ["http://127.0.0.1/"]}}),
    ("B16-id", _api(detail_url="/api/ad/{id}", page_url="/ad/{id}")),
]


@pytest.mark.parametrize("data", [a[1] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_audit_site_file_good_neighbours_still_load(tmp_path: Path, data: dict) -> None:
    path = tmp_path / "demo_classic.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_site_file(path).name == "demo_classic"


def test_b18_site_file_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c18.yaml"
    path.write_bytes(bytes(range(128, 256)) + bytes(range(128, 256)) + b"\xff" * 44)
    with pytest.raises(DataFileError) as caught:
        load_site(path.stem, tmp_path)
    assert str(caught.value).startswith(f"{path}: unreadable text")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ["../sites-bad/hostile", "/etc/passwd", "a/b", "X", ".."])
def test_b22_site_name_that_is_a_path_refused(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "sites-bad"
    outside.mkdir()
    (outside / "hostile.yaml").write_text(yaml.safe_dump({**VALID, "name": "hostile"}))
    sites = tmp_path / "sites"
    sites.mkdir()
    with pytest.raises(DataFileError, match=f"{name!r} is not a site name"):
        load_site(name, sites)


def test_b5_field_regex_sees_a_capped_input() -> None:
    # Even an allowed pattern with two unbounded repeats is cubic; the cap bounds its cost.
    spec = FieldSpec.model_validate({"json": "text", "regex": "(b)"})
    near, far = "a" * (MAX_REGEX_INPUT - 1) + "b", "a" * MAX_REGEX_INPUT + "b"
    assert raw_values({"text": near}, spec) == ["b"]
    assert raw_values({"text": far}, spec) == []


@pytest.mark.parametrize("strict", [False, True], ids=["site-file", "rule-file"])
@pytest.mark.parametrize("pattern", ["(a|aa)*c", ".*a.*a.*a.*a.*a.*a.*c"], ids=["B5a", "B5b"])
def test_b5_backtracking_regex_refused_for_site_and_rule_files(pattern: str, strict: bool) -> None:
    with pytest.raises(UnsafeRegex, match=re.escape(repr(pattern))):
        check_regex(pattern, strict)
