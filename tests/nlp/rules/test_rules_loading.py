"""Rule files load and validate; broken files name file and entry; the version tracks content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.rules import RULES_DIR, load_rules, rule_files
from pipeline.core.datafiles import DataFileError

GOOD = """
- id: {id}
  description: A sign that may warrant an offer of help.
  category: voice
  languages: [en]
  weight: 0.3
  evidence_grade: practitioner
  source: test fixture
  phrases:
    en: [she is]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.name)
def test_rules_each_shipped_file_loads(path: Path, tmp_path: Path) -> None:
    shutil.copy(path, tmp_path / path.name)
    assert load_rules(tmp_path).rules


def test_rules_shipped_set_has_the_required_indicators() -> None:
    ids = {rule.id for rule in load_rules().rules}
    assert {"obscured_contact", "third_person_voice", "several_persons", "youthful_language",
            "stated_age_under_18", "nationality_emphasis", "foreign_phone", "always_available",
            "movement_language", "risky_services", "price_below_median", "messaging_only",
            "third_party_payment"} <= ids  # fmt: skip


def test_rules_weights_follow_the_evidence() -> None:
    rules = load_rules()
    assert rules.get("movement_language").weight < 0
    assert rules.get("stated_age_18_to_23").weight == 0
    assert rules.get("stated_age_under_18").category == "alarm"
    # a rule that raises a score says it is a reason to offer help
    unexplained = [r.id for r in rules.rules if r.weight > 0 and "help" not in r.description]
    assert unexplained == []


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("weight: 0.3", "wieght: 0.3", 'rule "third_person_voice" field wieght: unknown field'),
        ("weight: 0.3", "weight: 3", 'rule "third_person_voice" field weight: '),
        ("    en: [she is]", "    da: [hun er]", 'rule "third_person_voice": languages'),
        ("phrases:\n    en: [she is]", 'patterns:\n    en: [[{LOWRE: "she"}]]',
         'rule "third_person_voice" field patterns.en.0: bad spaCy pattern'),
        ("phrases:\n    en: [she is]", 'patterns:\n    en: [[{TEXT: {REGEX: "(a+)+b"}}]]',
         "field patterns.en.0: regex '(a+)+b': nested quantifiers"),
        ("phrases:\n    en: [she is]", 'regex:\n    en: ["(x+x+)+y"]', "field regex.en.0: regex"),
        ("phrases:\n    en: [she is]", 'regex:\n    en: ["a.*b"]', "bounded repeats"),
        ("category: voice", "category: verdict", 'rule "third_person_voice" field category: '),
    ],
)  # fmt: skip
def test_rules_broken_entry_names_file_and_entry(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    text = GOOD.format(id="third_person_voice").replace(replace, by)
    assert text != GOOD.format(id="third_person_voice")
    with pytest.raises(DataFileError, match=r"voice\.yaml: ") as error:
        load_rules(_write(tmp_path, "voice.yaml", text))
    assert message in str(error.value)


def test_rules_duplicate_id_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", GOOD.format(id="same_rule"))
    _write(tmp_path, "b.yaml", GOOD.format(id="same_rule"))
    with pytest.raises(DataFileError, match=r'b.yaml: rule "same_rule": duplicate id \(also in'):
        load_rules(tmp_path)


def test_rules_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"x\.yaml: expected a list of rule entries"):
        load_rules(_write(tmp_path, "x.yaml", "id: lonely\n"))


def test_rules_version_stable_and_content_sensitive(tmp_path: Path) -> None:
    for path in rule_files():
        shutil.copy(path, tmp_path / path.name)
    original = load_rules().version
    assert load_rules(tmp_path).version == original == load_rules().version
    voice = tmp_path / "voice.yaml"
    voice.write_text(voice.read_text(encoding="utf-8").replace("0.4", "0.35"), encoding="utf-8")
    changed = load_rules(tmp_path).version
    assert changed != original and len(changed) == 12
    assert RULES_DIR.is_dir()
