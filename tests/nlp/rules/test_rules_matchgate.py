"""The Matcher gate: token patterns run only on texts holding a word they need."""

from __future__ import annotations

from nlp.matchgate import MatcherGate, needed_words
from nlp.pipeline import analyse_texts


def test_matchgate_needed_words_from_a_required_lower_list() -> None:
    pattern = [{"LIKE_NUM": True}, {"LOWER": {"IN": ["girls", "piger"]}}]
    assert needed_words(pattern) == {"girls", "piger"}
    assert needed_words([{"LOWER": "ny"}, {"LOWER": "i"}]) == {"ny"}


def test_matchgate_optional_or_open_tokens_give_no_gate() -> None:
    assert needed_words([{"LOWER": "ny", "OP": "?"}, {"LIKE_NUM": True}]) is None
    assert needed_words([{"LOWER": {"REGEX": "^pig"}}]) is None
    assert needed_words([{"LOWER": "ſeks"}]) is None  # the view spells it "seks"


def test_matchgate_opens_only_for_texts_with_a_needed_word() -> None:
    gate = MatcherGate([[{"LIKE_NUM": True}, {"LOWER": {"IN": ["piger"]}}]])
    assert gate.open("Vi er 2 PIGER i Aarhus")
    assert not gate.open("Jeg er ny i byen")
    assert MatcherGate([[{"LIKE_NUM": True}], [{"LOWER": "x"}]]).open("anything")


def test_matchgate_pattern_rule_still_fires_through_the_pipeline() -> None:
    results = list(analyse_texts(["Vi er 2 piger i Aarhus, ring", "Jeg er ny i byen, ring"]))
    assert [h.detail.get("lang") for h in results[0].hits if h.rule_id == "several_persons"] == [
        "da"
    ]
    assert not [h for h in results[1].hits if h.rule_id == "several_persons"]
