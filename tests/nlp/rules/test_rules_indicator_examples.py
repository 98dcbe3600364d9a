"""Every indicator against its positive and negative examples in cases/indicator_examples.yaml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language

from nlp.indicators import price_below_median
from nlp.rules import load_rules

CASES = Path(__file__).parent / "cases"
EXAMPLES = yaml.safe_load((CASES / "indicator_examples.yaml").read_text(encoding="utf-8"))
RULES = load_rules()


def _cases() -> list[Any]:
    params = []
    for rule_id, by_lang in EXAMPLES.items():
        for lang, groups in by_lang.items():
            for expected in ("positive", "negative"):
                for n, example in enumerate(groups.get(expected, [])):
                    case_id = f"{rule_id}-{lang}-{expected}-{n}"
                    params.append(pytest.param(rule_id, example, expected, id=case_id))
    return params


def _fires(rule_id: str, example: Any, nlp_da: Language, run_with_contacts: Callable) -> bool:
    rule = RULES.get(rule_id)
    if rule.kind == "price_below_median":  # linking's check, with the median it computed
        assert rule.ratio is not None
        return price_below_median(example["price"], example["median"], rule.ratio)
    if rule.kind == "contact":
        doc = run_with_contacts(example["text"], example["contacts"])
    else:
        doc = nlp_da(example)
    return rule_id in {hit.rule_id for hit in doc._.indicators}


@pytest.mark.parametrize(("rule_id", "example", "expected"), _cases())
def test_indicator_example(
    rule_id: str, example: Any, expected: str, nlp_da: Language, run_with_contacts: Callable
) -> None:
    assert _fires(rule_id, example, nlp_da, run_with_contacts) is (expected == "positive")


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda rule: rule.id)
def test_indicator_examples_cover_every_rule_and_language(rule: Any) -> None:
    by_lang = EXAMPLES.get(rule.id, {})
    for lang in rule.languages:
        groups = by_lang.get(lang, {})
        assert groups.get("positive"), f"{rule.id}/{lang}: no positive example"
        assert groups.get("negative"), f"{rule.id}/{lang}: no negative example"


def test_indicator_hits_record_pattern_language_and_version(nlp_da: Language) -> None:
    doc = nlp_da("She is new. Hun er ny. Sweet Thai girl")
    hits = {(hit.rule_id, hit.detail.get("lang")) for hit in doc._.indicators}
    assert {("third_person_voice", "en"), ("third_person_voice", "da")} <= hits
    nationality = [hit for hit in doc._.indicators if hit.rule_id == "nationality_emphasis"]
    assert nationality[0].detail["nationality"] == "thai"
    assert {hit.ruleset_version for hit in doc._.indicators} == {RULES.version}


def test_indicator_contact_hits_never_carry_the_number(run_with_contacts: Callable) -> None:
    contact = {"kind": "phone", "value": "+40700000000", "start": 5, "end": 20,
               "obscured": "words", "country": "RO"}  # fmt: skip
    doc = run_with_contacts("call +40 700 000 000", [contact])
    assert {hit.rule_id for hit in doc._.indicators} == {"obscured_contact", "foreign_phone"}
    assert all("700" not in hit.evidence_text + str(hit.detail) for hit in doc._.indicators)


def test_indicator_component_works_without_contacts(nlp_da: Language) -> None:
    doc = nlp_da("Hun er ny i byen")
    assert {"third_person_voice", "movement_language"} <= {h.rule_id for h in doc._.indicators}


def test_indicator_repeats_are_capped(nlp_da: Language) -> None:
    doc = nlp_da("young " * 500)
    assert len([h for h in doc._.indicators if h.rule_id == "youthful_language"]) == 5


def test_indicator_scorer_counts_each_rule_once(nlp_da: Language) -> None:
    from spacy import registry

    score = registry.misc.get("scout.indicator_scorer.v1")()
    doc = nlp_da("young young fresh, ny i byen")
    expected = RULES.get("youthful_language").weight + RULES.get("movement_language").weight
    assert score(doc._.indicators) == pytest.approx(expected)
