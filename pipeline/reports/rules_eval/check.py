"""`scout rules check`: every indicator rule file and the linking rule file, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nlp.kinds import rules_dir_of
from nlp.rules import linking_rule_file, load_rules, rule_files
from pipeline.core.datafiles import DataFileError
from pipeline.core.kinds import DEFAULT_KIND, KINDS
from pipeline.stages.linking.config import load_linking


@dataclass(frozen=True)
class CheckResult:
    what: str
    ok: bool
    message: str


def _indicator_rules(what: str, folder: Path | None) -> CheckResult:
    try:
        ruleset = load_rules(folder)
    except DataFileError as exc:
        return CheckResult(what, False, str(exc))
    return CheckResult(
        what,
        True,
        f"{len(ruleset.rules)} rules in {len(rule_files(folder))} files, version {ruleset.version}",
    )


def check_rules(rules_dir: Path | None = None) -> list[CheckResult]:
    """One line per rule folder part (the escort rules, each other kind's folder, the
    linking rules); `ok` False names the file and entry at fault."""
    results = [_indicator_rules("indicator rules", rules_dir)]
    for kind in sorted(set(KINDS) - {DEFAULT_KIND}):
        if KINDS[kind].rules_folder:
            results.append(_indicator_rules(f"{kind} rules", rules_dir_of(kind, rules_dir)))
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
