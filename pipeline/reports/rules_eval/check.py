"""`scout rules check`: every indicator rule file and the linking rule file, validated."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from nlp.clinics.rules import load_clinic_rules
from nlp.kinds import rules_dir_of
from nlp.reasons import load_reasons, missing_reasons, reasons_dir
from nlp.rules import RULES_DIR, linking_rule_file, load_rules, rule_files
from pipeline.core.datafiles import DataFileError, display_path
from pipeline.core.kinds import DEFAULT_KIND, KINDS
from pipeline.stages.linking.config import load_linking
from pipeline.stages.linking.jobs import CLUSTER_RULES


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


def _kind_folders(rules_dir: Path | None) -> dict[str, Path | None]:
    folders: dict[str, Path | None] = {"indicator rules": rules_dir}
    for kind in sorted(set(KINDS) - {DEFAULT_KIND}):
        if KINDS[kind].rules_folder:
            folders[f"{kind} rules"] = rules_dir_of(kind, rules_dir)
    return folders


def _rule_ids(rules_dir: Path | None) -> set[str]:
    """Every indicator's id that a page may show: each kind's rules, the clinic rules, the
    cross-advert ones (a file that does not load has its own failed line)."""
    ids = {rule.id for rule in CLUSTER_RULES}
    for folder in _kind_folders(rules_dir).values():
        with suppress(DataFileError):
            ids |= {rule.id for rule in load_rules(folder).rules}
    clinics = (rules_dir or RULES_DIR) / "clinics"
    with suppress(DataFileError):
        ids |= {rule.id for rule in load_clinic_rules(clinics if clinics.is_dir() else None)}
    with suppress(DataFileError):
        ids |= {i.id for i in load_linking(linking_rule_file(rules_dir)).config.indicators}
    return ids


def _reasons(rules_dir: Path | None) -> CheckResult:
    """Each rule's plain-language reason, in English and Danish (nlp/rules/reasons/)."""
    folder = reasons_dir(rules_dir)
    try:
        reasons = load_reasons(folder)
    except DataFileError as exc:
        return CheckResult("reasons", False, str(exc))
    ids = _rule_ids(rules_dir)
    where = display_path(folder)
    missing = missing_reasons(reasons, ids)
    if missing:
        return CheckResult(
            "reasons", False, f"{where}: no reason in English and Danish for {', '.join(missing)}"
        )
    unknown = sorted(set(reasons) - ids) if folder.parent == (rules_dir or RULES_DIR) else []
    if unknown:
        return CheckResult("reasons", False, f"{where}: reasons for no rule: {', '.join(unknown)}")
    return CheckResult("reasons", True, f"{len(ids)} rules, each with a reason in en and da")


def check_rules(rules_dir: Path | None = None) -> list[CheckResult]:
    """One line per rule folder part (the escort rules, each other kind's folder, the
    linking rules, the reasons); `ok` False names the file and entry at fault."""
    results = [_indicator_rules(what, folder) for what, folder in _kind_folders(rules_dir).items()]
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
    results.append(_reasons(rules_dir))
    return results
