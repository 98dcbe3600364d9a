"""The linking file: a rule folder's own file sets its target threshold; broken ones name field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.rules import RULES_DIR
from pipeline.core.datafiles import DataFileError
from pipeline.stages.linking.config import LinkingConfig, load_linking, target_threshold

BUNDLED = target_threshold()


def _copy_rules(tmp_path: Path, linking: bool = True) -> Path:
    folder = tmp_path / "rules"
    ignore = shutil.ignore_patterns(*([] if linking else ["linking"]))
    shutil.copytree(RULES_DIR, folder, ignore=ignore)
    return folder


def test_linking_threshold_follows_the_rule_folders_own_file(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "linking" / "linking.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"target_threshold: {BUNDLED:g} " in text
    path.write_text(text.replace(f"target_threshold: {BUNDLED:g} ", "target_threshold: 2.25 "))
    assert target_threshold(folder) == 2.25
    assert target_threshold() == BUNDLED != 2.25
    assert LinkingConfig().target_threshold != 2.25  # read from the file, not a default


def test_linking_threshold_without_a_linking_file_is_the_bundled_one(tmp_path: Path) -> None:
    assert target_threshold(_copy_rules(tmp_path, linking=False)) == BUNDLED


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("num_perm: 64", "num_perm: 60",
         "field links.template: num_perm must be a multiple of bands"),
        ("target_threshold:", "target_treshold:", "field target_treshold: unknown field"),
        ("  image:", "  image: [", "line "),
    ],
)  # fmt: skip
def test_linking_broken_file_names_file_and_field(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    path = _copy_rules(tmp_path) / "linking" / "linking.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_linking(path)
    assert str(caught.value).startswith(f"{path}: {message}")
