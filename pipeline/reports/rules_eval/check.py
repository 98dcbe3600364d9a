"""`scout rules check`: every indicator rule file and the linking rule file, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nlp.rules import linking_rule_file, load_rules, rule_files
from pipeline.core.datafiles import DataFileError
from pipeline.stages.linking.config import load_linking


@dataclass(frozen=True)
class CheckResult:
    what: str
    ok: bool
    message: str


def check_rules(rules_dir: Path | None = None) -> list[CheckResult]:
    """One line per rule folder part; `ok` False names the file and entry at fault."""
    results = []
    try:
        ruleset = load_rules(rules_dir)
        results.append(
            CheckResult(
                "indicator rules",
                True,
                f"{len(ruleset.rules)} rules in {len(rule_files(rules_dir))} files, "
                f"version {ruleset.version}",
            )
        )
    except DataFileError as exc:
        results.append(CheckResult("indicator rules", False, str(exc)))
    path = linking_rule_file(rules_dir)
    try:
        rules = load_linking(path)
    except DataFileError as exc:
        results.append(CheckResult(f"linking/{path.name}", False, str(exc)))
    else:
        results.append(
            CheckResult(
                f"linking/{path.name}",
                True,
                f"{len(rules.config.indicators)} cross-advert indicators, target threshold "
                f"{rules.config.target_threshold:g}, version {rules.version}",
            )
        )
    return results
