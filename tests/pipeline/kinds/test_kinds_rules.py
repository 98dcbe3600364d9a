"""Issue 16: each kind's rule folder is checked, and a check rule must name a known check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.rules import RULES_DIR, load_rules
from pipeline.core.datafiles import DataFileError
from pipeline.reports.rules_eval.check import check_rules


def test_rules_check_covers_the_job_folder(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    results = {r.what: r for r in check_rules(folder)}
    assert results["job rules"].ok and "15 rules in 3 files" in results["job rules"].message
    costs = folder / "job" / "costs.yaml"
    costs.write_text(costs.read_text().replace("weight: 0.8", "wieght: 0.8", 1))
    results = {r.what: r for r in check_rules(folder)}
    assert not results["job rules"].ok and "costs.yaml" in results["job rules"].message
    assert results["indicator rules"].ok  # the escort rules are another folder


def test_a_check_rule_names_a_known_check(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "- id: odd_check\n  description: A check nobody wrote yet.\n  category: wage\n"
        "  kind: check\n  languages: [xx]\n  weight: 0.5\n  evidence_grade: hypothesis\n"
        "  source: none yet\n  check: {name: moon_phase}\n"
    )
    with pytest.raises(DataFileError, match="unknown check 'moon_phase'"):
        load_rules(tmp_path)
