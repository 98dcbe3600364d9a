"""Every indicator has a plain-language reason in English and Danish (nlp/rules/reasons/);
`scout rules check` fails naming the rule that lacks one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.reasons import REASONS_DIR, load_reasons, say
from nlp.rules import RULES_DIR
from pipeline.core.datafiles import DataFileError
from pipeline.reports.rules_eval.check import check_rules


def _reasons_line(folder: Path | None = None):
    return next(r for r in check_rules(folder) if r.what == "reasons")


def test_reasons_every_rule_has_one_in_english_and_danish() -> None:
    line = _reasons_line()
    assert line.ok, line.message
    assert "49 rules" in line.message  # escort, job, clinic and cross-advert indicators
    for reason in load_reasons().values():
        assert reason.en != reason.da  # translated, not copied


def test_reasons_a_missing_language_fails_the_load_naming_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "reasons"
    shutil.copytree(REASONS_DIR, folder)
    voice = folder / "escort.yaml"
    lines = voice.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("- id: third_person_voice"))
    del lines[at + 2]  # its "da:" line
    voice.write_text("".join(lines))
    with pytest.raises(DataFileError, match=r'reason "third_person_voice".*da'):
        load_reasons(folder)


def test_reasons_rules_check_names_a_rule_without_one(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    job = folder / "reasons" / "job.yaml"
    text = job.read_text()
    start = text.index("- id: cash_only")
    job.write_text(text[:start] + text[text.index("- id:", start + 1) :])
    line = _reasons_line(folder)
    assert not line.ok and "cash_only" in line.message
    # a reason for a rule that is not there is a typo to fix too
    (folder / "reasons" / "extra.yaml").write_text(
        '- id: cash_only\n  en: "Paid in cash only."\n  da: "Kun kontant betaling."\n'
        '- id: no_such_rule\n  en: "Something plain."\n  da: "Noget enkelt."\n'
    )
    line = _reasons_line(folder)
    assert not line.ok and "no_such_rule" in line.message


def test_reasons_said_in_the_language_asked_else_english() -> None:
    reasons = load_reasons()
    assert say(reasons, "always_available", "da") == reasons["always_available"].da
    assert say(reasons, "always_available", "en") == reasons["always_available"].en
    assert say(reasons, "always_available", "id") == reasons["always_available"].en
    assert say(reasons, "no_such_rule", "da") is None
