"""Site files: the bundled ones validate; broken ones fail naming file, field and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.core.datafiles import DataFileError
from spiders.sitefile import SITES_DIR, load_all_sites, load_site_file

VALID = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())


def _with(change: dict, drop: tuple[str, ...] = ()) -> dict:
    data = {**VALID, **change}
    for key in drop:
        data.pop(key)
    return data


BROKEN = [
    ("unknown top-level field", _with({"colour": "red"}), "field colour: unknown field"),
    ("robots off without reason", _with({"robots": {"obey": False}}), "needs a reason"),
    ("no mode", _with({}, drop=("listing",)), "listing (HTML mode) or api"),
    (
        "unknown advert field",
        _with({"detail": {**VALID["detail"], "fields": {"name": {"css": ".n"}}}}),
        "collect little",
    ),
    ("unknown kind", _with({"kind": "weapons"}), "unknown kind 'weapons'"),
    (
        "catastrophic regex",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "regex": "(a+)+$"}}}}),
        "field detail.fields.text.regex: regex '(a+)+$': nested quantifiers",
    ),
    # Refused only by the rule files' checker before there was one checker for every data file.
    (
        "nested quantifier two groups deep",
        _with({"detail": {**VALID["detail"], "external_id_from_url": "/ad/(([a-z]+)-)+"}}),
        "field detail.external_id_from_url: regex '/ad/(([a-z]+)-)+': nested quantifiers",
    ),
    (
        "lookahead",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "regex": "(?=x)y"}}}}),
        "field detail.fields.text.regex: regex '(?=x)y': backreferences and lookarounds",
    ),
    (
        "two sources",
        _with({"detail": {**VALID["detail"], "fields": {"text": {"css": "p", "xpath": "//p"}}}}),
        "exactly one of css",
    ),
    ("bad base url", _with({"base_url": "ftp://x"}), "base_url"),
    (
        "click without selector",
        _with({"browser": {"needed": True, "detail_steps": [{"action": "click"}]}}),
        "selector",
    ),
    (
        "concurrency too high",
        _with({"politeness": {"concurrency_per_domain": 50}}),
        "concurrency_per_domain",
    ),
]


def test_sitefile_bundled_files_validate() -> None:
    names = {site.name for site in load_all_sites(SITES_DIR)}
    assert {"demo_classic", "demo_spa"} <= names


@pytest.mark.parametrize(("case", "data", "fragment"), BROKEN, ids=[b[0] for b in BROKEN])
def test_sitefile_broken_file_names_file_field_and_problem(
    tmp_path: Path, case: str, data: dict, fragment: str
) -> None:
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert fragment in message, message


def test_sitefile_name_must_match_file(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(VALID))
    with pytest.raises(DataFileError, match="field name: 'demo_classic' must equal the file name"):
        load_site_file(path)


def test_sitefile_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "demo_classic.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(DataFileError, match="line 2: not valid YAML"):
        load_site_file(path)


def test_sitefile_every_field_has_a_description() -> None:
    from pydantic import BaseModel

    from spiders import sitefile

    models = [
        obj
        for obj in vars(sitefile).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj is not BaseModel
        and not obj.__name__.startswith("_")
    ]
    for model in models:
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
